// ReturnsSync against an in-memory marketplace: pagination, decisions,
// exactly-once effects, resumption after failures.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>

#include "sanbao/ebay/notifications.h"
#include "sanbao/store/sqlite_store.h"
#include "sanbao/store/webhook_inbox.h"
#include "sanbao/sync/change_feed.h"
#include "sanbao/sync/engine.h"
#include "store_util.h"

namespace sanbao {
inline namespace v1 {
namespace {

using std::chrono::days;
using std::chrono::hours;

Instant At(std::string_view text) { return *ParseInstant(text); }
Money Usd(std::string_view amount) { return *Money::Parse(amount, "USD"); }

constexpr std::string_view kNow = "2026-11-20T12:00:00Z";

// A marketplace held in memory. Returns are created one hour apart, newest
// last; orders hold one line per return.
class FakeMarketplace : public ReturnsConnection {
 public:
  struct Knobs {
    int fail_list_on_call = 0;    // that ListReturns call fails (1-based)
    int lose_refund_answers = 0;  // refunds applied, answer lost, N times
    int fail_decide_calls = 0;    // Decide fails N times, nothing applied
  };

  explicit FakeMarketplace(int n, std::uint32_t seed = 7) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>,
                                6>
        kBuyers = {{{"DE", ""},
                    {"GB", ""},
                    {"US", "CA"},
                    {"JP", ""},
                    {"FR", ""},
                    {"US", "TX"}}};
    static constexpr std::array<std::string_view, 4> kStates = {
        "RETURN_REQUESTED", "RETURN_REQUESTED", "ITEM_SHIPPED",
        "ITEM_DELIVERED"};
    std::mt19937 rng(seed);
    Instant start = At(kNow) - days(30) + hours(1);
    for (int i = 0; i < n; ++i) {
      MarketplaceReturn r;
      r.marketplace = "ebay";
      r.external_id = std::to_string(5000000000LL + i);
      r.order_id = "12-00000-" + std::to_string(10000 + i / 2);
      r.item_id = std::to_string(186000000000LL + i);
      r.transaction_id = std::to_string(2900000000000LL + i);
      r.state = std::string(kStates[rng() % kStates.size()]);
      r.mapped_state = MapState(r.state);
      r.reason = "NO_LONGER_NEED_ITEM";
      r.mapped_reason = ReturnReason::kChangeOfMind;
      r.created_at = start + hours(i);
      auto cents = 1000 + static_cast<std::int64_t>(rng() % 30000);
      auto price = *Money::FromMinorUnits(cents, "USD");
      r.estimated_refund = MarketplaceAmount{price, std::nullopt};
      r.item_price = r.estimated_refund;
      auto [country, region] = kBuyers[rng() % kBuyers.size()];
      r.buyer_country = std::string(country);
      r.buyer_region = std::string(region);
      r.seller_country = "US";
      r.site = "EBAY_US";
      r.marketplace_policy = "MP-EBAY";
      r.marketplace_site = "ebay.com";
      r.estimated_refund_parts = {
          {RefundPartKind::kGoods, {price, std::nullopt}, std::nullopt, {}}};
      returns_.push_back(r);
    }
  }

  static ReturnState MapState(std::string_view s) {
    if (s == "RETURN_REQUESTED") return ReturnState::kRequested;
    if (s == "ITEM_READY_TO_SHIP") return ReturnState::kAwaitingShipment;
    if (s == "ITEM_SHIPPED") return ReturnState::kInTransit;
    if (s == "ITEM_DELIVERED") return ReturnState::kReceived;
    if (s == "RETURN_REJECTED") return ReturnState::kDeclined;
    if (s == "REFUND_INITIATED") return ReturnState::kResolved;
    return ReturnState::kClosed;
  }

  bool one_line_per_order = false;  // returns of one order share its line
  bool orders_missing = false;      // GetOrder answers NotFound
  bool offers_nothing = false;      // Capabilities: no decide, no refund

  ReturnsCapabilities Capabilities() const override {
    ReturnsCapabilities c;
    c.marketplace = "ebay";
    c.list_by_creation_date = true;
    c.max_page_size = 50;
    c.max_lookback = days(548);
    c.decide = c.mark_received = c.issue_refund = !offers_nothing;
    return c;
  }

  StatusOr<ReturnsPage> ListReturns(ReturnsQuery const& q) override {
    std::lock_guard lock(mu_);
    ++list_calls_;
    if (list_calls_ == knobs.fail_list_on_call) {
      return UnavailableError("injected", "HTTP_CONNECTION_LOST");
    }
    std::vector<MarketplaceReturn const*> match;
    for (auto const& r : returns_) {
      if (r.created_at >= q.created_from && r.created_at <= q.created_to) {
        match.push_back(&r);
      }
    }
    int size = q.page_size > 0 ? q.page_size : 25;
    int page = q.page_token.empty() ? 1 : std::stoi(q.page_token);
    ReturnsPage out;
    out.total_entries = static_cast<std::int64_t>(match.size());
    out.total_pages = static_cast<int>((match.size() + size - 1) / size);
    for (std::size_t i = static_cast<std::size_t>((page - 1) * size);
         i < match.size() && i < static_cast<std::size_t>(page * size); ++i) {
      MarketplaceReturn summary = *match[i];
      summary.has_detail = false;
      summary.buyer_country.clear();
      summary.buyer_region.clear();
      out.items.push_back(summary);
    }
    if (page < out.total_pages) out.next_page_token = std::to_string(page + 1);
    return out;
  }

  StatusOr<MarketplaceReturn> GetReturn(std::string_view id) override {
    std::lock_guard lock(mu_);
    auto* r = Find(id);
    if (r == nullptr) return NotFoundError("no return", "EBAY_NOT_FOUND");
    MarketplaceReturn out = *r;
    out.has_detail = true;
    return out;
  }

  StatusOr<MarketplaceOrder> GetOrder(std::string_view order_id) override {
    std::lock_guard lock(mu_);
    ++order_calls_;
    if (orders_missing) return NotFoundError("no order", "EBAY_NOT_FOUND");
    MarketplaceOrder o;
    o.order_id = std::string(order_id);
    for (auto const& r : returns_) {
      if (r.order_id != order_id) continue;
      if (one_line_per_order && !o.lines.empty()) break;
      o.created_at = r.created_at - days(10);
      o.buyer_country = r.buyer_country;
      MarketplaceOrderLine line;
      line.line_id = r.transaction_id;
      line.item_id = r.item_id;
      line.quantity = 1;
      line.price = *r.item_price;
      line.delivered_at = r.created_at - days(3);
      line.delivery_is_estimate = true;
      o.lines.push_back(line);
    }
    return o;
  }

  Status Decide(std::string_view id, ReturnDecisionRequest const& d) override {
    std::lock_guard lock(mu_);
    if (knobs.fail_decide_calls > 0) {
      --knobs.fail_decide_calls;
      return UnavailableError("injected", "HTTP_NOT_SENT");
    }
    auto* r = Find(id);
    if (r == nullptr) return NotFoundError("no return", "EBAY_NOT_FOUND");
    ++decisions_[r->external_id];
    bool approve = d.kind == ReturnDecisionRequest::Kind::kApprove;
    r->state = approve ? "ITEM_READY_TO_SHIP" : "RETURN_REJECTED";
    r->mapped_state = MapState(r->state);
    return Status();
  }

  Status MarkReceived(std::string_view, std::string_view) override {
    return Status();
  }

  StatusOr<MarketplaceRefundResult> IssueRefund(
      std::string_view id, MarketplaceRefundRequest const& req) override {
    std::lock_guard lock(mu_);
    auto* r = Find(id);
    if (r == nullptr) return NotFoundError("no return", "EBAY_NOT_FOUND");
    // As the eBay connection does: read back first when an earlier send
    // may have gone through, and only then. A resend without the flag
    // would refund twice here, as on a marketplace without idempotency keys.
    ++refund_calls_;
    if (req.maybe_sent_before) {
      ++read_backs_;
      if (!r->refund_status.empty()) {
        return MarketplaceRefundResult{r->refund_status, true};
      }
    }
    ++refunds_[r->external_id];
    last_refund_total_[r->external_id] = req.total;
    r->refund_status = "PENDING";
    r->state = "REFUND_INITIATED";
    r->mapped_state = MapState(r->state);
    if (knobs.lose_refund_answers > 0) {
      --knobs.lose_refund_answers;
      return Status(ErrorCode::kDeadlineExceeded, "injected",
                    ErrorInfo{"HTTP_TIMEOUT"});
    }
    return MarketplaceRefundResult{"PENDING", false};
  }

  void SetState(std::string_view id, std::string state) {
    auto* r = Find(id);
    r->state = std::move(state);
    r->mapped_state = MapState(r->state);
  }

  MarketplaceReturn* Find(std::string_view id) {
    for (auto& r : returns_) {
      if (r.external_id == id) return &r;
    }
    return nullptr;
  }

  Knobs knobs{};
  std::vector<MarketplaceReturn> returns_;
  std::map<std::string, int> refunds_;
  std::map<std::string, int> decisions_;
  std::map<std::string, Money> last_refund_total_;
  int refund_calls_ = 0;
  int read_backs_ = 0;  // refund calls flagged maybe_sent_before
  int list_calls_ = 0;
  int order_calls_ = 0;
  std::mutex mu_;
};

// Announced changes held in memory: each notice is handed out once.
class FakeFeed : public ReturnChangeFeed {
 public:
  explicit FakeFeed(std::vector<ReturnChangeNotice> notices)
      : notices_(std::move(notices)) {}

  StatusOr<std::vector<ReturnChangeNotice>> Pending(
      std::size_t limit) override {
    std::vector<ReturnChangeNotice> out;
    while (next_ < notices_.size() && out.size() < limit) {
      out.push_back(notices_[next_++]);
    }
    return out;
  }
  Status Handled(std::span<std::int64_t const> tokens) override {
    handled.insert(handled.end(), tokens.begin(), tokens.end());
    return Status();
  }

  std::vector<std::int64_t> handled;

 private:
  std::vector<ReturnChangeNotice> notices_;
  std::size_t next_ = 0;
};

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("sanbao_sync_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() +
             ".db");
    std::filesystem::remove(path_);
    auto store = OpenSqliteStore(StoreOptions{path_.string()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto engine = PolicyEngine::Create();
    ASSERT_TRUE(engine.ok());
    engine_.emplace(*std::move(engine));
    rules_.auto_approve_max.emplace("USD", Usd("200.00"));
  }
  void TearDown() override {
    store_.reset();
    for (auto const* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix);
    }
  }

  StatusOr<SyncSummary> Sync(FakeMarketplace& m,
                             std::shared_ptr<ReturnChangeFeed> changes = {}) {
    SyncOptions options;
    options.changes = std::move(changes);
    options.now = [] { return At(kNow); };
    options.fetch_workers = 3;
    ReturnsSync sync(m, *store_, *engine_, rules_, options);
    return sync.Run();
  }

  // After a first sync of `m`, the first in-transit return created more
  // than the overlap (7 days) before the newest one is delivered: later
  // runs' creation-date windows miss the change. Its id (empty: a failure).
  std::string SyncThenDeliverAnOldReturn(FakeMarketplace& m) {
    auto first = Sync(m);
    EXPECT_TRUE(first.ok()) << first.status();
    auto newest = m.returns_.back().created_at;
    for (auto const& r : m.returns_) {
      if (r.created_at + days(8) < newest && r.state == "ITEM_SHIPPED") {
        auto id = r.external_id;
        m.SetState(id, "ITEM_DELIVERED");
        return id;
      }
    }
    ADD_FAILURE() << "no in-transit return older than the overlap";
    return {};
  }

  std::filesystem::path path_;
  std::shared_ptr<Store> store_;
  std::optional<PolicyEngine> engine_;
  SellerRules rules_;
};

TEST_F(SyncTest, FirstRunImportsDecidesAndRefunds) {
  FakeMarketplace m(240);
  auto s = Sync(m);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->fetched, 240);
  EXPECT_EQ(s->created, 240);
  EXPECT_EQ(testing_util::CountReturns(*store_), 240);
  EXPECT_EQ(s->errors, 0) << (s->error_messages.empty()
                                  ? ""
                                  : s->error_messages.front());

  int requested = 0, approvable = 0, received = 0;
  for (auto const& r : m.returns_) {
    if (r.refund_status == "PENDING") ++received;
    if (m.decisions_.contains(r.external_id)) ++approvable;
    if (r.state == "RETURN_REQUESTED") ++requested;
  }
  EXPECT_EQ(s->refunded, received);
  EXPECT_EQ(s->approved, approvable);
  EXPECT_GT(s->approved, 0);
  EXPECT_GT(s->refunded, 0);
  EXPECT_EQ(s->approved + s->review, s->approved + requested);
  for (auto const& [id, n] : m.refunds_) EXPECT_EQ(n, 1) << id;
  // Decisions change the local case too.
  auto approved = std::find_if(
      m.returns_.begin(), m.returns_.end(),
      [](auto const& r) { return r.state == "ITEM_READY_TO_SHIP"; });
  ASSERT_NE(approved, m.returns_.end());
  auto rc = store_->GetReturn("ebay:" + approved->external_id);
  ASSERT_TRUE(rc.ok());
  EXPECT_EQ(rc->state(), ReturnState::kApproved);
  EXPECT_LE(static_cast<int>(s->samples.size()), 3);
  ASSERT_FALSE(s->samples.empty());
  EXPECT_NE(s->samples.front().explanation.find('\n'), std::string::npos);
}

TEST_F(SyncTest, SecondRunChangesNothing) {
  FakeMarketplace m(120);
  ASSERT_TRUE(Sync(m).ok());
  auto refunds = m.refunds_;
  auto decisions = m.decisions_;
  auto s = Sync(m);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 0);
  EXPECT_EQ(s->refunded, 0);
  EXPECT_EQ(s->approved, 0);
  EXPECT_EQ(m.refunds_, refunds);
  EXPECT_EQ(m.decisions_, decisions);
}

TEST_F(SyncTest, LaterChangesAreSeenAndActedOn) {
  FakeMarketplace m(60);
  ASSERT_TRUE(Sync(m).ok());
  // The newest in-transit return arrives back at the seller.
  auto it =
      std::find_if(m.returns_.rbegin(), m.returns_.rend(),
                   [](auto const& r) { return r.state == "ITEM_SHIPPED"; });
  ASSERT_NE(it, m.returns_.rend());
  // A second run takes in what the approvals did on the marketplace.
  ASSERT_TRUE(Sync(m).ok());
  m.SetState(it->external_id, "ITEM_DELIVERED");
  auto s = Sync(m);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->updated, 1);
  EXPECT_EQ(s->refunded, 1);
  EXPECT_EQ(m.refunds_[it->external_id], 1);
  auto rc = store_->GetReturn("ebay:" + it->external_id);
  ASSERT_TRUE(rc.ok());
  EXPECT_EQ(rc->state(), ReturnState::kResolved);
  EXPECT_EQ(rc->resolution(), Resolution::kRefunded);
}

TEST_F(SyncTest, ResumesFromTheCursorAfterAFailedPage) {
  FakeMarketplace m(230);
  // Three 30-day slices back from now: the first two are empty, the third
  // fails on its third page.
  m.knobs.fail_list_on_call = 5;
  auto first = Sync(m);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().reason(), "HTTP_CONNECTION_LOST");
  EXPECT_EQ(testing_util::CountReturns(*store_),
            100);  // two pages of 50 were committed
  auto second = Sync(m);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->resumed);
  EXPECT_EQ(second->fetched, 130);
  EXPECT_EQ(testing_util::CountReturns(*store_), 230);
  for (auto const& [id, n] : m.refunds_) EXPECT_EQ(n, 1) << id;
  for (auto const& [id, n] : m.decisions_) EXPECT_EQ(n, 1) << id;
}

TEST_F(SyncTest, ALostRefundAnswerNeverBecomesASecondRefund) {
  FakeMarketplace m(80);
  m.knobs.lose_refund_answers = 2;
  auto first = Sync(m);
  ASSERT_TRUE(first.ok()) << first.status();
  // The two refunds whose answers were lost are tried again later in the
  // run, found already issued, and marked done: no error remains.
  EXPECT_EQ(first->errors, 0);
  EXPECT_EQ(first->refunded, static_cast<std::int64_t>(m.refunds_.size()));
  for (auto const& [id, n] : m.refunds_) EXPECT_EQ(n, 1) << id;
  auto pending = store_->PendingEffects(10);
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
  // Only the two retries read back; first attempts do not.
  EXPECT_EQ(m.read_backs_, 2);
  EXPECT_EQ(m.refund_calls_, first->refunded + 2);
}

TEST_F(SyncTest, ARunKilledAfterSendingReadsBackBeforeSendingAgain) {
  FakeMarketplace m(40);
  rules_.refund_on_receipt = false;  // nothing refunded in the first run
  ASSERT_TRUE(Sync(m).ok());
  // A refund decided and sent, and the run killed before the answer was
  // recorded: the marketplace has it, the outbox still holds it, counted as
  // sent.
  auto& r = m.returns_[0];
  Refund refund;
  refund.id = "ebay:" + r.external_id + ":refund";
  refund.order_id = "ebay:" + r.order_id;
  refund.return_id = "ebay:" + r.external_id;
  refund.lines.push_back(
      RefundLine{r.transaction_id, 1, Usd("10.00"), Usd("0.00")});
  refund.total = Usd("10.00");
  refund.idempotency_key = refund.id;
  auto recorded = store_->RecordRefund(refund);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  std::vector<std::int64_t> ids{recorded->effect_id};
  ASSERT_TRUE(store_->MarkEffectsSending(ids).ok());
  ++m.refunds_[r.external_id];
  r.refund_status = "PENDING";
  auto second = Sync(m);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(m.refunds_.at(r.external_id), 1);
  EXPECT_EQ(m.read_backs_, 1);
  EXPECT_EQ(second->refunded, 1);
  EXPECT_TRUE(store_->PendingEffects(10)->empty());
}

TEST_F(SyncTest, FailedDecisionsStayQueuedUntilSent) {
  FakeMarketplace m(40);
  m.knobs.fail_decide_calls = 1000;  // the marketplace refuses every call
  auto first = Sync(m);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->approved, 0);
  EXPECT_GT(first->errors, 0);
  auto queued = store_->PendingEffects(100);
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(static_cast<std::int64_t>(queued->size()), first->errors);
  m.knobs.fail_decide_calls = 0;
  auto second = Sync(m);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->approved, first->errors);
  EXPECT_EQ(second->errors, 0);
  for (auto const& [id, n] : m.decisions_) EXPECT_EQ(n, 1) << id;
}

TEST_F(SyncTest, LimitsAndDeclinesFollowTheRules) {
  FakeMarketplace m(60);
  rules_.auto_approve_max["USD"] = Usd("0.00");  // approve nothing
  rules_.refund_on_receipt = false;
  auto s = Sync(m);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->approved, 0);
  EXPECT_EQ(s->refunded, 0);
  EXPECT_TRUE(m.decisions_.empty());
  EXPECT_TRUE(m.refunds_.empty());
  EXPECT_GT(s->review, 0);
}

TEST_F(SyncTest, RestockingFeeOnlyWhereTheLawAllowsIt) {
  FakeMarketplace m(2);
  rules_.restocking_fee_percent = 10;
  rules_.seller.posted_policy =
      PostedPolicy{30, PostedPolicy::Refund::kCash, true};
  // A German buyer withdrawing (no fee allowed) and a Texan buyer returning
  // under the seller's 30-day policy (fee allowed).
  auto& de = m.returns_[0];
  de.buyer_country = "DE";
  de.buyer_region.clear();
  auto& tx = m.returns_[1];
  tx.buyer_country = "US";
  tx.buyer_region = "TX";
  for (auto* r : {&de, &tx}) {
    m.SetState(r->external_id, "ITEM_DELIVERED");
    r->estimated_refund = MarketplaceAmount{Usd("80.00"), std::nullopt};
    r->item_price = r->estimated_refund;  // the order's line price
    r->estimated_refund_parts = {
        {RefundPartKind::kGoods, {Usd("80.00"), std::nullopt}, {}, {}}};
  }
  auto s = Sync(m);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->refunded, 2);
  EXPECT_EQ(m.last_refund_total_.at(de.external_id), Usd("80.00"));
  EXPECT_EQ(m.last_refund_total_.at(tx.external_id), Usd("72.00"));
}

TEST_F(SyncTest, ClosedReturnsKeepAConsistentHistory) {
  FakeMarketplace m(3);
  m.returns_[0].state = "CLOSED";
  m.returns_[0].mapped_state = ReturnState::kClosed;
  m.returns_[0].refund_status = "SUCCESS";
  m.returns_[1].state = "CLOSED";
  m.returns_[1].mapped_state = ReturnState::kClosed;
  auto s = Sync(m);
  ASSERT_TRUE(s.ok()) << s.status();
  auto refunded = store_->GetReturn("ebay:" + m.returns_[0].external_id);
  ASSERT_TRUE(refunded.ok());
  EXPECT_EQ(refunded->state(), ReturnState::kClosed);
  EXPECT_EQ(refunded->resolution(), Resolution::kRefunded);
  auto cancelled = store_->GetReturn("ebay:" + m.returns_[1].external_id);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->state(), ReturnState::kClosed);
  EXPECT_EQ(cancelled->history().size(),
            2u);  // requested -> cancelled -> closed
}

TEST_F(SyncTest, AnnouncedChangesToOlderReturnsAreActedOn) {
  FakeMarketplace m(240);  // ten days of returns
  auto id = SyncThenDeliverAnOldReturn(m);
  ASSERT_FALSE(id.empty());

  // The search window does not reach it...
  auto blind = Sync(m);
  ASSERT_TRUE(blind.ok()) << blind.status();
  EXPECT_EQ(m.refunds_[id], 0);
  EXPECT_EQ(blind->notices, 0);

  // ...its notification does: read again, refunded on receipt, handled.
  auto feed = std::make_shared<FakeFeed>(std::vector<ReturnChangeNotice>{
      {id, 41}, {id, 42}});  // two notices of one return: read once
  auto s = Sync(m, feed);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->notices, 2);
  EXPECT_EQ(s->updated, 1);
  EXPECT_EQ(s->refunded, 1);
  EXPECT_EQ(s->errors, 0);
  EXPECT_EQ(m.refunds_[id], 1);
  EXPECT_EQ(feed->handled, (std::vector<std::int64_t>{41, 42}));
  auto rc = store_->GetReturn("ebay:" + id);
  ASSERT_TRUE(rc.ok());
  EXPECT_EQ(rc->state(), ReturnState::kResolved);

  // Announced again (a redelivery): nothing changed, nothing sent twice.
  auto again = Sync(
      m, std::make_shared<FakeFeed>(std::vector<ReturnChangeNotice>{{id, 43}}));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->refunded, 0);
  EXPECT_EQ(m.refunds_[id], 1);
}

TEST_F(SyncTest, AnnouncedReturnsThatCannotBeReadAreErrorsAndHandled) {
  FakeMarketplace m(20);
  ASSERT_TRUE(Sync(m).ok());
  auto feed = std::make_shared<FakeFeed>(std::vector<ReturnChangeNotice>{
      {"404404404", 7}, {m.returns_[0].external_id, 8}});
  auto s = Sync(m, feed);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->notices, 2);
  EXPECT_EQ(s->errors, 1);
  ASSERT_FALSE(s->error_messages.empty());
  EXPECT_NE(s->error_messages.front().find("404404404"), std::string::npos);
  EXPECT_EQ(feed->handled, (std::vector<std::int64_t>{7, 8}));
}

TEST_F(SyncTest, PlatformNotificationsInTheWebhookInboxFeedTheSync) {
  FakeMarketplace m(240);
  auto id = SyncThenDeliverAnOldReturn(m);
  ASSERT_FALSE(id.empty());

  // What `sanbao webhooks serve` stores (ebay::PlatformNotificationVerifier):
  // the return's event, and two events the returns sync is not for.
  auto inbox = OpenSqliteWebhookInbox(path_.string());
  ASSERT_TRUE(inbox.ok()) << inbox.status();
  auto record = [&](std::string source, std::string event_id,
                    std::string topic) {
    WebhookEvent e;
    e.source = std::move(source);
    e.event_id = std::move(event_id);
    e.topic = std::move(topic);
    e.payload = "<soap/>";
    auto stored = (*inbox)->Record(e);
    ASSERT_TRUE(stored.ok()) << stored.status();
  };
  record("ebay.platform", id + ":ReturnDelivered:2026-11-19T08:00:00.000Z",
         "ReturnDelivered");
  record("ebay.platform", ":FixedPriceTransaction:2026-11-19T09:00:00.000Z",
         "FixedPriceTransaction");
  record("ebay.commerce", "5f1c-delete", "MARKETPLACE_ACCOUNT_DELETION");

  auto s = Sync(m, MakeWebhookInboxChangeFeed(*inbox, "ebay.platform",
                                              ebay::ReturnIdOfPlatformEvent));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->notices, 1);
  EXPECT_EQ(s->refunded, 1);
  EXPECT_EQ(m.refunds_[id], 1);
  auto left = (*inbox)->List({.unprocessed_only = true});
  ASSERT_TRUE(left.ok()) << left.status();
  ASSERT_EQ(left->size(), 2u);  // the two events about no return
  EXPECT_EQ((*left)[0].event.topic, "FixedPriceTransaction");
  EXPECT_EQ((*left)[1].event.source, "ebay.commerce");

  // Handled: the next run reads nothing again.
  auto next =
      Sync(m, MakeWebhookInboxChangeFeed(*inbox, "ebay.platform",
                                         ebay::ReturnIdOfPlatformEvent));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->notices, 0);
  EXPECT_EQ(m.refunds_[id], 1);
}

// One endpoint receives the notifications of all an application's sellers,
// so the inbox of a shared store holds several sellers' events: each
// seller's sync reads its own (RecipientUserID) and leaves the others'.
TEST_F(SyncTest, EachSellersSyncReadsOnlyTheNotificationsAddressedToIt) {
  FakeMarketplace m(240);
  auto id = SyncThenDeliverAnOldReturn(m);
  ASSERT_FALSE(id.empty());

  auto inbox = OpenSqliteWebhookInbox(path_.string());
  ASSERT_TRUE(inbox.ok()) << inbox.status();
  auto record = [&](std::string const& return_id, std::string const& seller) {
    std::string timestamp = "2026-11-19T08:00:00.000Z";
    WebhookEvent e;
    e.source = ebay::kPlatformNotificationSource;
    e.event_id = return_id + ":ReturnDelivered:" + timestamp;
    e.topic = "ReturnDelivered";
    e.payload =
        "<soapenv:Envelope xmlns:soapenv="
        "\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"
        "<NotificationEvent><Timestamp>" +
        timestamp +
        "</Timestamp><NotificationEventName>ReturnDelivered"
        "</NotificationEventName><RecipientUserID>" +
        seller + "</RecipientUserID><ReturnId>" + return_id +
        "</ReturnId></NotificationEvent></soapenv:Body></soapenv:Envelope>";
    auto stored = (*inbox)->Record(e);
    ASSERT_TRUE(stored.ok()) << stored.status();
  };
  record(id, "seller_a");
  record("9900000001", "seller_b");  // a return of another seller

  auto s = Sync(m, MakeWebhookInboxChangeFeed(
                       *inbox, ebay::kPlatformNotificationSource,
                       ebay::ReturnIdOfPlatformEventFor("seller_a")));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->notices, 1);
  EXPECT_EQ(s->errors, 0);
  EXPECT_EQ(m.refunds_[id], 1);
  auto left = (*inbox)->List({.unprocessed_only = true});
  ASSERT_TRUE(left.ok()) << left.status();
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(ebay::ReturnIdOfPlatformEvent((*left)[0].event), "9900000001");
}

TEST_F(SyncTest, KeepsTheOrderBehindEveryReturn) {
  FakeMarketplace m(6);
  auto s = Sync(m);
  ASSERT_TRUE(s.ok()) << s.status();
  for (auto const& r : m.returns_) {
    auto rc = store_->GetReturn("ebay:" + r.external_id);
    ASSERT_TRUE(rc.ok()) << rc.status();
    EXPECT_EQ(rc->order_id, "ebay:" + r.order_id);
    auto order = store_->GetOrder(rc->order_id);
    ASSERT_TRUE(order.ok()) << order.status();
    EXPECT_EQ(order->external_id, r.order_id);
    auto const* line = order->FindLine(r.transaction_id);
    ASSERT_NE(line, nullptr);
    EXPECT_EQ(line->unit_price, r.item_price->amount);
    // The fake's orders hold two returns' lines each.
    EXPECT_EQ(order->lines.size(), 2u);
    EXPECT_FALSE(order->buyer.jurisdiction.empty());
  }
}

TEST_F(SyncTest, RefundsComeFromTheLedgerAndNeverExceedWhatWasPaid) {
  // Two returns of the one line of an order, each for all its units (a
  // marketplace that let the buyer open a second return): the first is
  // refunded in full, the second finds nothing left to pay back and waits
  // for a person.
  FakeMarketplace m(2);
  for (auto& r : m.returns_) {
    r.order_id = "12-00000-77777";
    r.transaction_id = "2900000077777";
    r.item_price = MarketplaceAmount{Usd("50.00"), std::nullopt};
    r.estimated_refund = r.item_price;
    r.buyer_country = "DE";
    r.buyer_region.clear();
    m.SetState(r.external_id, "ITEM_DELIVERED");
  }
  m.one_line_per_order = true;
  auto s = Sync(m);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->refunded, 1);
  EXPECT_EQ(s->errors, 1);
  ASSERT_EQ(s->error_messages.size(), 1u);
  EXPECT_NE(s->error_messages[0].find("left to refund"), std::string::npos)
      << s->error_messages[0];
  auto refunds = store_->ListRefunds("ebay:12-00000-77777");
  ASSERT_TRUE(refunds.ok()) << refunds.status();
  ASSERT_EQ(refunds->size(), 1u);
  EXPECT_EQ(refunds->front().total, Usd("50.00"));
  EXPECT_EQ(m.refunds_.size(), 1u);
}

TEST_F(SyncTest, AReturnWhoseOrderCannotBeReadIsNotRefunded) {
  FakeMarketplace m(1);
  m.SetState(m.returns_[0].external_id, "ITEM_DELIVERED");
  m.orders_missing = true;
  auto s = Sync(m);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->refunded, 0);
  EXPECT_EQ(s->review, 1);
  EXPECT_TRUE(m.refunds_.empty());
}

TEST_F(SyncTest, NothingIsDecidedOrRefundedThatTheMarketplaceDoesNotOffer) {
  FakeMarketplace m(40);
  m.offers_nothing = true;
  auto s = Sync(m);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->approved, 0);
  EXPECT_EQ(s->refunded, 0);
  EXPECT_TRUE(m.decisions_.empty());
  EXPECT_TRUE(m.refunds_.empty());
}

TEST(SellerRulesTest, ParsesAndRejectsUnknownKeys) {
  auto ok = ParseSellerRules(R"({
    "seller": {"jurisdiction": "US", "return_cost_info": "buyer_pays",
               "posted_policy": {"return_days": 30, "refund": "cash"}},
    "auto_approve": {"when_eligible": true, "max_value": {"USD": "150.00"}},
    "decline_ineligible": true, "refund_on_receipt": false,
    "restocking_fee_percent": 15,
    "comments": {"approve": "OK"}})");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->seller.jurisdiction, "US");
  ASSERT_TRUE(ok->seller.posted_policy.has_value());
  EXPECT_EQ(ok->seller.posted_policy->return_days, 30);
  EXPECT_EQ(ok->auto_approve_max.at("USD"), Usd("150.00"));
  EXPECT_TRUE(ok->decline_ineligible);
  EXPECT_FALSE(ok->refund_on_receipt);
  EXPECT_EQ(ok->restocking_fee_percent, 15);
  EXPECT_EQ(ok->approve_comment, "OK");

  auto typo = ParseSellerRules(R"({"refund_on_reciept": true})");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.status().reason(), "RULES_INVALID");
  EXPECT_NE(typo.status().message().find("refund_on_reciept"),
            std::string::npos);
  auto bad_money =
      ParseSellerRules(R"({"auto_approve": {"max_value": {"JPY": "1.5"}}})");
  ASSERT_FALSE(bad_money.ok());
  auto bad_fee = ParseSellerRules(R"({"restocking_fee_percent": 101})");
  ASSERT_FALSE(bad_fee.ok());
}

// A key given twice was read as its last value: the rules say once what
// they mean.
TEST(SellerRulesTest, RejectsADuplicateKeyNamingItsPath) {
  auto twice = ParseSellerRules(
      R"({"auto_approve": {"max_value": {"USD": "150.00", "USD": "9999"}}})");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().reason(), "RULES_INVALID");
  EXPECT_THAT(twice.status().message(),
              ::testing::StartsWith("rules.auto_approve.max_value.USD: "
                                    "duplicate key \"USD\""));
}

}  // namespace
}  // namespace v1
}  // namespace sanbao
