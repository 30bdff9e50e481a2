// The SDK's installed gMock mocks, used as someone building on the SDK
// would: the sync driven by a mocked marketplace into a real store, and by a
// real-looking marketplace into a failing mocked store.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "sanbao/mocks/mock_returns_connection.h"
#include "sanbao/mocks/mock_store.h"
#include "sanbao/store/sqlite_store.h"
#include "sanbao/sync/engine.h"

namespace sanbao {
inline namespace v1 {
namespace {

using ::testing::_;
using ::testing::AllOf;
using ::testing::Field;
using ::testing::Return;
using ::testing::SizeIs;

Money Eur(std::string_view amount) { return *Money::Parse(amount, "EUR"); }
Instant At(std::string_view text) { return *ParseInstant(text); }

ReturnsCapabilities Caps() {
  ReturnsCapabilities c;
  c.marketplace = "shop";
  c.list_by_creation_date = true;
  c.max_page_size = 10;
  c.issue_refund = true;
  return c;
}

// A German buyer's withdrawal, received back by the seller.
MarketplaceReturn Received() {
  MarketplaceReturn r;
  r.marketplace = "shop";
  r.external_id = "R1";
  r.order_id = "O1";
  r.transaction_id = "L1";
  r.quantity = 1;
  r.state = "received";
  r.mapped_state = ReturnState::kReceived;
  r.mapped_reason = ReturnReason::kChangeOfMind;
  r.created_at = At("2026-11-10T10:00:00Z");
  r.buyer_country = "DE";
  r.has_detail = true;
  return r;
}

MarketplaceOrder OrderO1() {
  MarketplaceOrder o;
  o.order_id = "O1";
  o.created_at = At("2026-11-01T10:00:00Z");
  o.buyer_country = "DE";
  MarketplaceOrderLine line;
  line.line_id = "L1";
  line.quantity = 1;
  line.price = {Eur("40.00"), {}};
  line.delivered_at = At("2026-11-05T10:00:00Z");
  o.lines.push_back(line);
  return o;
}

TEST(SyncWithMocks, RefundsAReceivedReturnOnceFromTheOrder) {
  auto path = std::filesystem::temp_directory_path() /
              ("sanbao_mocks_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  auto store = OpenSqliteStore(StoreOptions{.path = path.string()});
  ASSERT_TRUE(store.ok()) << store.status();
  auto engine = PolicyEngine::Create();
  ASSERT_TRUE(engine.ok()) << engine.status();

  ::testing::NiceMock<mocks::MockReturnsConnection> m;
  m.DelegateBatchesToSingleCalls();
  ON_CALL(m, Capabilities).WillByDefault(Return(Caps()));
  ON_CALL(m, ListReturns).WillByDefault([](ReturnsQuery const& q) {
    ReturnsPage page;
    if (Received().created_at >= q.created_from &&
        Received().created_at <= q.created_to) {
      page.items.push_back(Received());
    }
    return StatusOr<ReturnsPage>(page);
  });
  ON_CALL(m, GetReturn).WillByDefault([](std::string_view) {
    return StatusOr<MarketplaceReturn>(Received());
  });
  ON_CALL(m, GetOrder).WillByDefault([](std::string_view) {
    return StatusOr<MarketplaceOrder>(OrderO1());
  });
  // The refund goes out once, as the goods part the calculator composed.
  EXPECT_CALL(
      m, IssueRefund(
             "R1", AllOf(Field(&MarketplaceRefundRequest::total, Eur("40.00")),
                         Field(&MarketplaceRefundRequest::parts, SizeIs(1)))))
      .WillOnce(Return(MarketplaceRefundResult{"PENDING", false}));
  EXPECT_CALL(m, Decide).Times(0);

  SyncOptions options;
  options.now = [] { return At("2026-11-20T12:00:00Z"); };
  for (int run = 0; run < 2; ++run) {
    ReturnsSync sync(m, **store, *engine, SellerRules{}, options);
    auto s = sync.Run();
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->refunded, run == 0 ? 1 : 0);
  }
  auto order = (*store)->GetOrder("shop:O1");
  ASSERT_TRUE(order.ok()) << order.status();
  auto refunds = (*store)->ListRefunds("shop:O1");
  ASSERT_TRUE(refunds.ok());
  ASSERT_THAT(*refunds, SizeIs(1));
  EXPECT_EQ(refunds->front().total, Eur("40.00"));
  std::filesystem::remove(path);
}

TEST(SyncWithMocks, AStoreFailureStopsTheRunBeforeTheMarketplaceIsAsked) {
  auto engine = PolicyEngine::Create();
  ASSERT_TRUE(engine.ok()) << engine.status();
  ::testing::NiceMock<mocks::MockReturnsConnection> m;
  ON_CALL(m, Capabilities).WillByDefault(Return(Caps()));
  EXPECT_CALL(m, ListReturns).Times(0);
  EXPECT_CALL(m, IssueRefund).Times(0);
  ::testing::NiceMock<mocks::MockStore> store;
  EXPECT_CALL(store, GetCursor("shop", "default"))
      .WillOnce(
          Return(UnavailableError("the database is locked", "STORE_LOCKED")));
  ReturnsSync sync(m, store, *engine, SellerRules{}, SyncOptions{});
  auto s = sync.Run();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().reason(), "STORE_LOCKED");
}

TEST(SyncWithMocks, AConnectionWithoutANameNeedsOneInTheOptions) {
  auto engine = PolicyEngine::Create();
  ASSERT_TRUE(engine.ok()) << engine.status();
  ::testing::NiceMock<mocks::MockReturnsConnection> m;
  ON_CALL(m, Capabilities).WillByDefault(Return(ReturnsCapabilities{}));
  ::testing::NiceMock<mocks::MockStore> store;
  EXPECT_CALL(store, GetCursor).Times(0);
  ReturnsSync sync(m, store, *engine, SellerRules{}, SyncOptions{});
  auto s = sync.Run();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().reason(), "SYNC_CONNECTOR_UNNAMED");
}

}  // namespace
}  // namespace v1
}  // namespace sanbao
