// The SQLite store: round trips, append-only history, exactly-once refunds
// and outbox, cursors, transactions, and the locked / corrupt / too-new
// database errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "sanbao/store/outbox.h"
#include "sanbao/store/sqlite_store.h"
#include "sanbao/store/store.h"

namespace sanbao {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

Money Eur(std::int64_t cents) {
  return Money::FromMinorUnits(cents, "EUR").value();
}
Instant At(std::int64_t s) { return Instant(seconds(1'790'000'000 + s)); }

Order MakeOrder(std::string id) {
  Order o;
  o.id = std::move(id);
  o.marketplace = "shopify";
  o.external_id = "#1001";
  o.placed_at = At(0);
  o.presentment_currency = "EUR";
  o.settlement_currency = "EUR";
  OrderLine a;
  a.id = "L1";
  a.sku = "KETTLE";
  a.title = "Kettle";
  a.category = "appliances";
  a.quantity = 2;
  a.unit_price = Eur(4990);
  a.tax = Eur(1593);
  a.tax_included = true;
  a.discounts.push_back(Discount{"D1", "WELCOME", Eur(500)});
  a.attributes = {"hygiene_sealed"};
  o.lines.push_back(a);
  o.order_discounts.push_back(Discount{"D2", "CART10", Eur(1000)});
  o.shipping.charged = Eur(495);
  o.shipping.cheapest_standard = Eur(395);
  o.shipping.tax = Eur(79);
  o.tenders.push_back(Tender{"T1", TenderKind::kGiftCard, Eur(2000), "gc_1"});
  o.tenders.push_back(Tender{"T2", TenderKind::kCard, Eur(7375), "pi_1"});
  o.loyalty_points_earned = 93;
  o.buyer = PartyInfo{"DE-BE", "Europe/Berlin"};
  o.seller = PartyInfo{"NL", "Europe/Amsterdam"};
  Delivery d;
  d.id = "P1";
  d.parts.push_back({"L1", 2});
  d.delivered_at = At(86400);
  d.carrier = "DHL";
  d.tracking_number = "00340434";
  o.deliveries.push_back(d);
  return o;
}

ReturnCase MakeReturn(std::string id, std::string order_id = "O1") {
  ReturnCase rc;
  rc.id = std::move(id);
  rc.order_id = std::move(order_id);
  rc.marketplace = "shopify";
  rc.external_id = "R-" + rc.id;
  rc.created_at = At(100);
  rc.updated_at = At(100);
  ReturnLine l;
  l.order_line_id = "L1";
  l.requested_quantity = 1;
  l.reason = ReturnReason::kDefective;
  l.reason_note = "does not heat";
  rc.lines.push_back(l);
  return rc;
}

void Step(ReturnCase& rc, ReturnState to, std::int64_t at,
          Resolution resolution = Resolution::kNone) {
  ASSERT_TRUE(rc.Transition(to, Actor{Actor::Kind::kSeller, "ops"}, At(at),
                            "step", resolution)
                  .ok());
  rc.updated_at = At(at);
}

Refund MakeRefund(std::string id, std::string key, std::int64_t cents = 4490) {
  Refund r;
  r.id = std::move(id);
  r.order_id = "O1";
  r.return_id = "R1";
  r.lines.push_back(RefundLine{"L1", 1, Eur(cents - 717), Eur(717)});
  r.shipping = Eur(395);
  Deduction deduction;
  deduction.kind = Deduction::Kind::kDiminishedValue;
  deduction.amount = Eur(395);
  deduction.legal_basis = "CRD Art. 14(2)";
  deduction.evidence = "inspection-42";
  r.deductions.push_back(deduction);
  r.total = Eur(cents);
  r.tenders.push_back(TenderRefund{"T2", Eur(cents)});
  r.conversion = FxConversion{"EUR", "GBP", Decimal::Parse("0.8571").value(),
                              "ECB", ParseCivilDate("2026-12-01").value()};
  r.loyalty_points_reversed = 45;
  r.due_by = ParseCivilDate("2026-12-30").value();
  r.idempotency_key = std::move(key);
  r.created_at = At(500);
  return r;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sanbao_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "sanbao.db").string();
    auto store = OpenSqliteStore({.path = path_});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *store;
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  std::int64_t Count(std::string const& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(
        sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
        SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK)
        << sql;
    std::int64_t n = -1;
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }

  fs::path dir_;
  std::string path_;
  std::shared_ptr<Store> store_;
};

TEST_F(StoreTest, CreatesTheSchemaInWalModeAndReopens) {
  EXPECT_EQ(store_->SchemaVersion(), SqliteStoreSchemaVersion());
  EXPECT_EQ(Count("SELECT count(*) FROM schema_version"),
            SqliteStoreSchemaVersion());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<char const*>(sqlite3_column_text(st, 0)),
               "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
  store_.reset();
  auto again = OpenSqliteStore({.path = path_, .create_if_missing = false});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->SchemaVersion(), SqliteStoreSchemaVersion());
}

TEST_F(StoreTest, MissingFileWithoutCreateIsNotFound) {
  auto s = OpenSqliteStore(
      {.path = (dir_ / "nope.db").string(), .create_if_missing = false});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(s.status().reason(), "STORE_NOT_FOUND");
  EXPECT_FALSE(fs::exists(dir_ / "nope.db"));
}

TEST_F(StoreTest, PerLineShippingRoundTripsAndOlderOrdersStillRead) {
  Order o = MakeOrder("O1");
  o.lines[0].shipping = Eur(495);
  ASSERT_TRUE(store_->UpsertOrder(o).ok());
  auto got = store_->GetOrder("O1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->lines[0].shipping, std::optional<Money>(Eur(495)));
  // An order written before lines had their own shipping has no such field.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE orders SET doc = "
                         "json_remove(doc, '$.lines[0].shipping')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  got = store_->GetOrder("O1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_FALSE(got->lines[0].shipping.has_value());
}

TEST_F(StoreTest, OrderRoundTrip) {
  Order o = MakeOrder("O1");
  ASSERT_TRUE(store_->UpsertOrder(o).ok());
  auto got = store_->GetOrder("O1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->external_id, "#1001");
  EXPECT_EQ(got->placed_at, o.placed_at);
  ASSERT_EQ(got->lines.size(), 1u);
  EXPECT_EQ(got->lines[0].unit_price, Eur(4990));
  EXPECT_TRUE(got->lines[0].tax_included);
  EXPECT_EQ(got->lines[0].discounts[0].code, "WELCOME");
  EXPECT_EQ(got->lines[0].attributes,
            std::vector<std::string>{"hygiene_sealed"});
  EXPECT_EQ(got->order_discounts[0].amount, Eur(1000));
  EXPECT_EQ(got->shipping.cheapest_standard, std::optional<Money>(Eur(395)));
  EXPECT_EQ(got->tenders[0].kind, TenderKind::kGiftCard);
  EXPECT_EQ(got->tenders[1].reference, "pi_1");
  EXPECT_EQ(got->loyalty_points_earned, 93);
  EXPECT_EQ(got->buyer.timezone, "Europe/Berlin");
  EXPECT_EQ(got->deliveries[0].parts[0].quantity, 2);
  EXPECT_EQ(got->deliveries[0].delivered_at, At(86400));
  EXPECT_EQ(got->Total().value(), o.Total().value());

  o.external_id = "#1001-b";
  o.shipping.cheapest_standard.reset();
  ASSERT_TRUE(store_->UpsertOrder(o).ok());
  got = store_->GetOrder("O1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->external_id, "#1001-b");
  EXPECT_FALSE(got->shipping.cheapest_standard.has_value());
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 1);

  auto missing = store_->GetOrder("O404");
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.status().reason(), "ORDER_NOT_FOUND");
  EXPECT_EQ(store_->UpsertOrder(Order{}).reason(), "STORE_ID_MISSING");
}

TEST_F(StoreTest, PlaceholderMoneyRoundTrips) {
  Order o;
  o.id = "O2";
  ASSERT_TRUE(store_->UpsertOrder(o).ok());
  auto got = store_->GetOrder("O2");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->shipping.charged, Money());
}

TEST_F(StoreTest, ReturnRoundTripAppendsEventsOnce) {
  ReturnCase rc = MakeReturn("R1");
  ASSERT_TRUE(store_->UpsertReturn(rc).ok());
  Step(rc, ReturnState::kApproved, 200);
  Step(rc, ReturnState::kAwaitingShipment, 300);
  ASSERT_TRUE(store_->UpsertReturn(rc).ok());
  ASSERT_TRUE(store_->UpsertReturn(rc).ok());  // the same version again
  EXPECT_EQ(Count("SELECT count(*) FROM return_events"), 2);

  auto got = store_->GetReturn("R1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->state(), ReturnState::kAwaitingShipment);
  EXPECT_EQ(got->order_id, "O1");
  ASSERT_EQ(got->history().size(), 2u);
  EXPECT_EQ(got->history()[1].from, ReturnState::kApproved);
  EXPECT_EQ(got->history()[1].actor.kind, Actor::Kind::kSeller);
  EXPECT_EQ(got->history()[1].at, At(300));
  ASSERT_EQ(got->lines.size(), 1u);
  EXPECT_EQ(got->lines[0].reason, ReturnReason::kDefective);
  EXPECT_EQ(got->lines[0].reason_note, "does not heat");
  EXPECT_EQ(got->updated_at, At(300));

  // The loaded case goes on where it stopped.
  ReturnCase next = *got;
  Step(next, ReturnState::kInTransit, 400);
  Step(next, ReturnState::kReceived, 500);
  ASSERT_TRUE(store_->UpsertReturn(next).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM return_events"), 4);
  EXPECT_EQ(store_->GetReturn("R1")->state(), ReturnState::kReceived);

  EXPECT_EQ(store_->GetReturn("R404").status().reason(), "RETURN_NOT_FOUND");
}

TEST_F(StoreTest, StaleOrConflictingHistoryIsRefused) {
  ReturnCase rc = MakeReturn("R1");
  Step(rc, ReturnState::kApproved, 200);
  ReturnCase old = rc;
  Step(rc, ReturnState::kAwaitingShipment, 300);
  ASSERT_TRUE(store_->UpsertReturn(rc).ok());
  Status stale = store_->UpsertReturn(old);
  EXPECT_EQ(stale.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(stale.reason(), "RETURN_STALE");

  ReturnCase other = MakeReturn("R1");
  Step(other, ReturnState::kApproved, 200);
  Step(other, ReturnState::kCancelled, 300);
  EXPECT_EQ(store_->UpsertReturn(other).reason(), "RETURN_HISTORY_CONFLICT");
  EXPECT_EQ(store_->GetReturn("R1")->state(), ReturnState::kAwaitingShipment);
}

TEST_F(StoreTest, ListReturnsFiltersAndPages) {
  for (int i = 0; i < 7; ++i) {
    ReturnCase rc =
        MakeReturn("R" + std::to_string(i), i % 2 == 0 ? "O1" : "O2");
    if (i < 3) Step(rc, ReturnState::kApproved, 200);
    ASSERT_TRUE(store_->UpsertReturn(rc).ok());
  }
  auto approved = store_->ListReturns({.state = ReturnState::kApproved}, {});
  ASSERT_TRUE(approved.ok()) << approved.status();
  ASSERT_EQ(approved->items.size(), 3u);
  EXPECT_EQ(approved->items[0].id, "R0");
  EXPECT_TRUE(approved->next_page_token.empty());

  auto by_order = store_->ListReturns({.order_id = "O2"}, {});
  ASSERT_TRUE(by_order.ok());
  EXPECT_EQ(by_order->items.size(), 3u);

  std::vector<std::string> seen;
  PageRequest page{.limit = 3};
  for (int pages = 0; pages < 10; ++pages) {
    auto p = store_->ListReturns({}, page);
    ASSERT_TRUE(p.ok());
    for (auto const& rc : p->items) seen.push_back(rc.id);
    if (p->next_page_token.empty()) break;
    page.page_token = p->next_page_token;
  }
  EXPECT_THAT(seen,
              ::testing::ElementsAre("R0", "R1", "R2", "R3", "R4", "R5", "R6"));
}

TEST_F(StoreTest, RecordRefundWritesRefundAndOutboxOnce) {
  auto first = store_->RecordRefund(MakeRefund("F1", "refund:R1:1"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->created);
  EXPECT_GT(first->effect_id, 0);

  auto pending = store_->PendingEffects(10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].kind, kEffectIssueRefund);
  EXPECT_EQ((*pending)[0].idempotency_key, "refund:R1:1");
  EXPECT_EQ((*pending)[0].subject_id, "F1");
  EXPECT_NE((*pending)[0].payload.find("\"refund:R1:1\""), std::string::npos);

  // A retry with a new id and time but the same substance: nothing written.
  Refund retry = MakeRefund("F1-retry", "refund:R1:1");
  retry.created_at = At(900);
  auto second = store_->RecordRefund(retry);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->refund.id, "F1");
  EXPECT_EQ(second->effect_id, first->effect_id);
  EXPECT_EQ(Count("SELECT count(*) FROM refunds"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 1);

  auto reused = store_->RecordRefund(MakeRefund("F2", "refund:R1:1", 999));
  EXPECT_EQ(reused.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(reused.status().reason(), "IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(reused.status().error_info().metadata.at("subject_id"), "F1");

  EXPECT_EQ(store_->RecordRefund(MakeRefund("F3", "")).status().reason(),
            "IDEMPOTENCY_KEY_MISSING");
  auto taken = store_->RecordRefund(MakeRefund("F1", "refund:R1:2", 100));
  EXPECT_EQ(taken.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(taken.status().reason(), "REFUND_ID_TAKEN");
  EXPECT_EQ(Count("SELECT count(*) FROM refunds"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM idempotency_keys"), 1);
}

TEST_F(StoreTest, RefundRoundTrip) {
  Refund r = MakeRefund("F1", "k1");
  ASSERT_TRUE(store_->RecordRefund(r).ok());
  auto got = store_->GetRefund("F1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->total, Eur(4490));
  EXPECT_EQ(got->lines[0].tax, Eur(717));
  EXPECT_EQ(got->shipping, std::optional<Money>(Eur(395)));
  EXPECT_FALSE(got->shipping_tax.has_value());
  EXPECT_EQ(got->deductions[0].kind, Deduction::Kind::kDiminishedValue);
  EXPECT_EQ(got->deductions[0].legal_basis, "CRD Art. 14(2)");
  EXPECT_EQ(got->deductions[0].evidence, "inspection-42");
  ASSERT_TRUE(got->conversion.has_value());
  EXPECT_EQ(got->conversion->rate.ToString(), "0.8571");
  EXPECT_EQ(FormatCivilDate(got->conversion->as_of), "2026-12-01");
  EXPECT_EQ(FormatCivilDate(*got->due_by), "2026-12-30");
  EXPECT_EQ(got->loyalty_points_reversed, 45);
  EXPECT_EQ(got->created_at, At(500));
  EXPECT_EQ(store_->GetRefund("F404").status().reason(), "REFUND_NOT_FOUND");

  ASSERT_TRUE(store_->RecordRefund(MakeRefund("F0", "k0", 100)).ok());
  auto ledger = store_->ListRefunds("O1");
  ASSERT_TRUE(ledger.ok());
  ASSERT_EQ(ledger->size(), 2u);
  EXPECT_EQ((*ledger)[0].id, "F1");
  EXPECT_TRUE(store_->ListRefunds("O9")->empty());
}

TEST_F(StoreTest, OutboxSenderMarksDoneAndRetriesFailures) {
  ASSERT_TRUE(store_->RecordRefund(MakeRefund("F1", "k1")).ok());
  auto label = store_->EnqueueEffect(
      {std::string(kEffectBuyLabel), "label:R1", "R1", "{}"});
  ASSERT_TRUE(label.ok()) << label.status();
  EXPECT_TRUE(label->created);
  auto again = store_->EnqueueEffect(
      {std::string(kEffectBuyLabel), "label:R1", "R1", "{}"});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->effect_id, label->effect_id);
  EXPECT_EQ(store_
                ->EnqueueEffect({std::string(kEffectBuyLabel), "label:R1", "R1",
                                 "{\"x\":1}"})
                .status()
                .reason(),
            "IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(
      store_->EnqueueEffect({std::string(kEffectBuyLabel), "k1", "R1", "{}"})
          .status()
          .reason(),
      "IDEMPOTENCY_KEY_REUSED");

  int calls = 0;
  std::vector<bool> maybe_sent;
  OutboxDispatcher::SendFunction flaky =
      [&](Effect const& effect) -> StatusOr<std::string> {
    auto const& e = effect.entry;
    ++calls;
    maybe_sent.push_back(effect.maybe_sent_before());
    if (e.kind == kEffectBuyLabel && e.attempts == 0) {
      return UnavailableError("carrier down", "CARRIER_UNAVAILABLE");
    }
    return "remote-" + e.idempotency_key;
  };
  OutboxDispatcher first(*store_, flaky);
  auto done = first.Drain();
  ASSERT_TRUE(done.ok()) << done.status();
  ASSERT_EQ(done->size(), 2u);  // each tried once per Drain
  EXPECT_TRUE((*done)[0].status.ok());
  EXPECT_EQ((*done)[1].status.reason(), "CARRIER_UNAVAILABLE");
  ASSERT_EQ(first.Failures().size(), 1u);
  EXPECT_EQ(first.Failures()[0].effect.entry.id, label->effect_id);
  auto pending = store_->PendingEffects(10);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].attempts, 1);
  EXPECT_EQ((*pending)[0].sends, 1);
  EXPECT_THAT((*pending)[0].last_error, ::testing::HasSubstr("carrier down"));
  done = first.Drain();
  ASSERT_TRUE(done.ok()) << done.status();
  ASSERT_EQ(done->size(), 1u);
  EXPECT_TRUE((*done)[0].status.ok());
  EXPECT_TRUE(first.Failures().empty());
  EXPECT_TRUE(store_->PendingEffects(10)->empty());
  EXPECT_EQ(calls, 3);
  // The label's second send knows the first may have gone through.
  EXPECT_EQ(maybe_sent, (std::vector<bool>{false, false, true}));

  auto effect = store_->GetEffect(label->effect_id);
  ASSERT_TRUE(effect.ok());
  EXPECT_TRUE(effect->done);
  EXPECT_EQ(effect->remote_ref, "remote-label:R1");
  EXPECT_TRUE(store_->MarkEffectDone(label->effect_id, "remote-label:R1").ok());
  Status twice = store_->MarkEffectDone(label->effect_id, "other");
  EXPECT_EQ(twice.reason(), "EFFECT_ALREADY_DONE");
  EXPECT_EQ(store_->MarkEffectDone(12345, "x").reason(), "EFFECT_NOT_FOUND");
}

TEST_F(StoreTest, CursorsPerConnectorAccount) {
  auto none = store_->GetCursor("ebay", "acct-1");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store_->SetCursor("ebay", "acct-1", "2026-12-01T00:00:00Z").ok());
  ASSERT_TRUE(store_->SetCursor("ebay", "acct-2", "page-7").ok());
  ASSERT_TRUE(store_->SetCursor("ebay", "acct-1", "2026-12-02T00:00:00Z").ok());
  EXPECT_EQ(store_->GetCursor("ebay", "acct-1")->value(),
            "2026-12-02T00:00:00Z");
  EXPECT_EQ(store_->GetCursor("ebay", "acct-2")->value(), "page-7");
  EXPECT_FALSE(store_->GetCursor("shopify", "acct-1")->has_value());
}

TEST_F(StoreTest, WithTransactionCommitsAllOrNothing) {
  ReturnCase rc = MakeReturn("R1");
  rc.requires_return = false;  // a claim: approved -> resolved
  Step(rc, ReturnState::kApproved, 200);
  Step(rc, ReturnState::kResolved, 300, Resolution::kRefunded);
  Status failed = store_->WithTransaction([&](Store& s) -> Status {
    if (auto st = s.UpsertReturn(rc); !st.ok()) return st;
    if (auto r = s.RecordRefund(MakeRefund("F1", "k1")); !r.ok())
      return r.status();
    return InternalError("the caller changed its mind", "TEST_ABORT");
  });
  EXPECT_EQ(failed.reason(), "TEST_ABORT");
  EXPECT_EQ(store_->GetReturn("R1").status().reason(), "RETURN_NOT_FOUND");
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM idempotency_keys"), 0);

  Status ok = store_->WithTransaction([&](Store& s) -> Status {
    if (auto st = s.UpsertReturn(rc); !st.ok()) return st;
    // A failing step inside is rolled back to its savepoint only.
    EXPECT_EQ(s.RecordRefund(MakeRefund("F1", "")).status().reason(),
              "IDEMPOTENCY_KEY_MISSING");
    Status nested = s.WithTransaction([](Store& inner) -> Status {
      EXPECT_TRUE(inner.SetCursor("ebay", "a", "x").ok());
      return InternalError("inner abort", "TEST_ABORT");
    });
    EXPECT_EQ(nested.reason(), "TEST_ABORT");
    return s.RecordRefund(MakeRefund("F1", "k1")).status();
  });
  ASSERT_TRUE(ok.ok()) << ok;
  EXPECT_EQ(store_->GetReturn("R1")->resolution(), Resolution::kRefunded);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 1);
  EXPECT_FALSE(store_->GetCursor("ebay", "a")->has_value());
}

TEST_F(StoreTest, LockedDatabaseIsStoreLockedAndLosesNothing) {
  auto other = OpenSqliteStore(
      {.path = path_, .busy_timeout = std::chrono::milliseconds(150)});
  ASSERT_TRUE(other.ok()) << other.status();
  Status held = store_->WithTransaction([&](Store& s) -> Status {
    EXPECT_TRUE(s.UpsertOrder(MakeOrder("O1")).ok());
    auto start = std::chrono::steady_clock::now();
    Status blocked = (*other)->UpsertOrder(MakeOrder("O2"));
    auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(blocked.code(), ErrorCode::kUnavailable);
    EXPECT_EQ(blocked.reason(), "STORE_LOCKED");
    EXPECT_THAT(blocked.message(), ::testing::HasSubstr("locked"));
    EXPECT_GE(waited, std::chrono::milliseconds(100));
    auto refund = (*other)->RecordRefund(MakeRefund("F1", "k1"));
    EXPECT_EQ(refund.status().reason(), "STORE_LOCKED");
    return {};
  });
  ASSERT_TRUE(held.ok()) << held;
  // The other connection works again and sees the committed order.
  EXPECT_TRUE((*other)->GetOrder("O1").ok());
  ASSERT_TRUE((*other)->UpsertOrder(MakeOrder("O2")).ok());
  ASSERT_TRUE((*other)->RecordRefund(MakeRefund("F1", "k1")).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 1);
}

std::string ReadAll(fs::path const& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(StoreTest, GarbageFileIsStoreCorruptAndUntouched) {
  fs::path garbage = dir_ / "garbage.db";
  {
    std::ofstream out(garbage, std::ios::binary);
    for (int i = 0; i < 8192; ++i)
      out.put(static_cast<char>((i * 131 + 7) & 0xff));
  }
  std::string before = ReadAll(garbage);
  auto s = OpenSqliteStore({.path = garbage.string()});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(s.status().reason(), "STORE_CORRUPT");
  EXPECT_THAT(s.status().message(), ::testing::HasSubstr("untouched"));
  EXPECT_EQ(s.status().error_info().metadata.at("path"), garbage.string());
  EXPECT_EQ(ReadAll(garbage), before);
  // Opening again does not "repair" it either.
  EXPECT_EQ(OpenSqliteStore({.path = garbage.string()}).status().reason(),
            "STORE_CORRUPT");
  EXPECT_EQ(ReadAll(garbage), before);
}

TEST_F(StoreTest, DamagedPagesAreStoreCorrupt) {
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(
        store_->UpsertReturn(MakeReturn("R" + std::to_string(1000 + i))).ok());
  }
  store_.reset();  // checkpoints the WAL into the main file
  std::string bytes = ReadAll(path_);
  ASSERT_GT(bytes.size(), 4096u * 4);
  // Overwrite every page after the schema page with garbage.
  for (std::size_t i = 4096 * 2; i < bytes.size(); ++i)
    bytes[i] = static_cast<char>(0xA5);
  {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  auto s = OpenSqliteStore({.path = path_});
  Status status =
      s.ok() ? (*s)->ListReturns({}, {.limit = 1000}).status() : s.status();
  EXPECT_EQ(status.code(), ErrorCode::kDataLoss) << status;
  EXPECT_EQ(status.reason(), "STORE_CORRUPT");
  s = {};
  EXPECT_EQ(ReadAll(path_), bytes);
}

// A Sanbao store file of `returns` return cases (three events each), orders
// and a refund, closed (the WAL checkpointed into the file), as bytes.
std::string WriteStore(std::string const& path, int returns) {
  {
    auto store = OpenSqliteStore({.path = path});
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return {};
    Status s = (*store)->WithTransaction([&](Store& tx) -> Status {
      if (auto u = tx.UpsertOrder(MakeOrder("O1")); !u.ok()) return u;
      for (int i = 0; i < returns; ++i) {
        ReturnCase rc = MakeReturn("R" + std::to_string(10000 + i));
        rc.lines[0].reason_note = std::string(200, 'x');  // a few more pages
        if (auto u = tx.UpsertReturn(rc); !u.ok()) return u;
      }
      return tx.RecordRefund(MakeRefund("F1", "k1")).status();
    });
    EXPECT_TRUE(s.ok()) << s;
  }
  return ReadAll(path);
}

void WriteAll(fs::path const& p, std::string const& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// The pages of table or index `name`, by dbstat.
std::vector<std::int64_t> PagesOf(std::string const& path,
                                  std::string const& name) {
  std::vector<std::int64_t> pages;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db,
                               "SELECT pageno FROM dbstat WHERE name = ?1 AND "
                               "pagetype = 'leaf' ORDER BY pageno",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  sqlite3_bind_text(stmt, 1, name.c_str(), -1, SQLITE_TRANSIENT);
  while (sqlite3_step(stmt) == SQLITE_ROW)
    pages.push_back(sqlite3_column_int64(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return pages;
}

constexpr std::size_t kPage = 4096;

// Every page but the first overwritten in turn, in a copy of a real store:
// the write-opening store refuses each copy before writing anything. Before
// the check, a copy whose damaged page no write and no migration read (an
// index of returns, a refund, an old return's events) was opened and
// written into.
TEST_F(StoreTest, EveryDamagedPageIsFoundBeforeAnyWrite) {
  store_.reset();
  fs::path good = dir_ / "good.db";
  std::string bytes = WriteStore(good.string(), 60);
  ASSERT_EQ(bytes.size() % kPage, 0u);
  std::size_t pages = bytes.size() / kPage;
  ASSERT_GT(pages, 10u);
  fs::path copy = dir_ / "damaged.db";
  // Page 1 past the 100-byte file header (the schema's root), then every
  // other page whole.
  for (std::size_t page = 1; page <= pages; ++page) {
    SCOPED_TRACE("page " + std::to_string(page) + " of " +
                 std::to_string(pages));
    std::string damaged = bytes;
    std::size_t from = page == 1 ? 100 : (page - 1) * kPage;
    for (std::size_t i = from; i < page * kPage; ++i)
      damaged[i] = static_cast<char>(0xA5);
    WriteAll(copy, damaged);
    Status status;
    {
      auto s = OpenSqliteStore({.path = copy.string()});
      status = s.ok() ? (*s)->UpsertOrder(MakeOrder("O2")) : s.status();
    }
    EXPECT_EQ(status.reason(), "STORE_CORRUPT") << status;
    EXPECT_EQ(status.code(), ErrorCode::kDataLoss);
    EXPECT_TRUE(ReadAll(copy) == damaged) << "the file was modified";
    EXPECT_FALSE(fs::exists(copy.string() + "-wal"));
  }
}

// A few bytes of one page, as a bad sector or a stray write leaves them:
// the cell pointers of a leaf of the returns table.
TEST_F(StoreTest, AFewDamagedBytesAreFoundBeforeAnyWrite) {
  store_.reset();
  fs::path good = dir_ / "good.db";
  std::string bytes = WriteStore(good.string(), 60);
  auto leaves = PagesOf(good.string(), "returns");
  ASSERT_FALSE(leaves.empty());
  fs::path copy = dir_ / "damaged.db";
  for (auto page : leaves) {
    SCOPED_TRACE("page " + std::to_string(page));
    std::string damaged = bytes;
    auto start = static_cast<std::size_t>(page - 1) * kPage;
    // Header (8 bytes) then the cell pointer array: two pointers past the end.
    for (std::size_t i = start + 8; i < start + 12; ++i)
      damaged[i] = static_cast<char>(0xFF);
    WriteAll(copy, damaged);
    Status status;
    {
      auto s = OpenSqliteStore({.path = copy.string()});
      status = s.ok() ? (*s)->UpsertOrder(MakeOrder("O2")) : s.status();
    }
    EXPECT_EQ(status.reason(), "STORE_CORRUPT") << status;
    EXPECT_TRUE(ReadAll(copy) == damaged) << "the file was modified";
  }
}

// Without the check at open (check_integrity = false), the first statement
// that meets damage ends all work: later calls, writes to undamaged tables
// included, are STORE_CORRUPT and the file stays as it was.
TEST_F(StoreTest, DamageMetLaterRefusesEveryLaterCall) {
  store_.reset();
  fs::path good = dir_ / "good.db";
  std::string bytes = WriteStore(good.string(), 60);
  auto leaves = PagesOf(good.string(), "returns");
  ASSERT_FALSE(leaves.empty());
  std::string damaged = bytes;
  auto start = static_cast<std::size_t>(leaves.back() - 1) * kPage;
  for (std::size_t i = start; i < start + kPage; ++i)
    damaged[i] = static_cast<char>(0xA5);
  fs::path copy = dir_ / "damaged.db";
  WriteAll(copy, damaged);
  {
    auto s = OpenSqliteStore({.path = copy.string(), .check_integrity = false});
    ASSERT_TRUE(s.ok()) << s.status();
    auto listed = (*s)->ListReturns({}, {.limit = 1000});
    EXPECT_EQ(listed.status().reason(), "STORE_CORRUPT") << listed.status();
    // The orders table is undamaged; the store still writes nothing.
    Status order = (*s)->UpsertOrder(MakeOrder("O2"));
    EXPECT_EQ(order.reason(), "STORE_CORRUPT") << order;
    EXPECT_EQ((*s)->GetOrder("O1").status().reason(), "STORE_CORRUPT");
    EXPECT_EQ((*s)->SetCursor("ebay", "a", "c").reason(), "STORE_CORRUPT");
  }
  EXPECT_TRUE(ReadAll(copy) == damaged) << "the file was modified";
}

// The read-only open never creates, migrates or writes: an empty file stays
// empty (it used to become a store), a store's bytes stay the same, and no
// WAL or shared-memory file is left behind.
TEST_F(StoreTest, ReadOnlyNeverCreatesOrChangesAFile) {
  store_.reset();
  fs::path empty = dir_ / "empty.db";
  WriteAll(empty, "");
  auto e = OpenSqliteStore({.path = empty.string(), .read_only = true});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().reason(), "STORE_NOT_FOUND") << e.status();
  EXPECT_EQ(fs::file_size(empty), 0u);
  EXPECT_EQ(
      OpenSqliteStore({.path = (dir_ / "none.db").string(), .read_only = true})
          .status()
          .reason(),
      "STORE_NOT_FOUND");
  EXPECT_FALSE(fs::exists(dir_ / "none.db"));

  fs::path good = dir_ / "good.db";
  std::string bytes = WriteStore(good.string(), 5);
  auto mtime = fs::last_write_time(good);
  {
    auto s = OpenSqliteStore({.path = good.string(), .read_only = true});
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ((*s)->SchemaVersion(), SqliteStoreSchemaVersion());
    auto page = (*s)->ListReturns({}, {.limit = 100});
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->items.size(), 5u);
    EXPECT_EQ((*s)->UpsertOrder(MakeOrder("O2")).reason(), "STORE_READONLY");
    EXPECT_EQ((*s)->WithTransaction([](Store&) { return Status(); }).reason(),
              "STORE_READONLY");
  }
  EXPECT_TRUE(ReadAll(good) == bytes);
  EXPECT_EQ(fs::last_write_time(good), mtime);
  for (char const* suffix : {"-wal", "-shm", "-journal"}) {
    EXPECT_FALSE(fs::exists(good.string() + suffix)) << suffix;
    EXPECT_FALSE(fs::exists(empty.string() + suffix)) << suffix;
  }
}

// A directory, a character device or a FIFO is no store: refused before
// SQLite opens it (it would block on a FIFO's read, and create
// /dev/null-journal next to /dev/null).
TEST_F(StoreTest, NonRegularFilesAreRefused) {
  fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  fs::path link = dir_ / "link.db";
  fs::create_symlink(path_, link);
  bool journal_before = fs::exists("/dev/null-journal");
  for (std::string path :
       {dir_.string(), std::string("/dev/null"), fifo.string()}) {
    SCOPED_TRACE(path);
    for (bool read_only : {false, true}) {
      auto s = OpenSqliteStore({.path = path, .read_only = read_only});
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(s.status().reason(), "STORE_NOT_A_FILE") << s.status();
      EXPECT_EQ(s.status().code(), ErrorCode::kInvalidArgument);
    }
  }
  EXPECT_EQ(fs::exists("/dev/null-journal"), journal_before);
  // A symbolic link to a store file is a store.
  auto s = OpenSqliteStore({.path = link.string()});
  EXPECT_TRUE(s.ok()) << s.status();
}

TEST_F(StoreTest, NewerSchemaIsRefused) {
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_version VALUES (999, 0)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  std::string before = ReadAll(path_);
  auto s = OpenSqliteStore({.path = path_});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(s.status().reason(), "STORE_SCHEMA_TOO_NEW");
  EXPECT_EQ(s.status().error_info().metadata.at("schema_version"), "999");
  EXPECT_EQ(
      OpenSqliteStore({.path = path_, .read_only = true}).status().reason(),
      "STORE_SCHEMA_TOO_NEW");
  EXPECT_TRUE(ReadAll(path_) == before);
}

}  // namespace
}  // namespace sanbao
