// The outbox dispatcher (sanbao/store/outbox.h) over the SQLite store:
// typed payloads, the send count that tells a sender an earlier send may
// have gone through, tries per dispatcher, Applied in the marking
// transaction, parallel sends, and a database written before the send count
// existed.
#include "sanbao/store/outbox.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "sanbao/store/sqlite_store.h"

namespace sanbao {
namespace {

namespace fs = std::filesystem;
using Kind = ReturnDecisionRequest::Kind;

Money Eur(std::int64_t cents) {
  return Money::FromMinorUnits(cents, "EUR").value();
}

Refund MakeRefund(std::string id) {
  Refund r;
  r.id = id;
  r.order_id = "O1";
  r.return_id = "R1";
  r.lines.push_back(RefundLine{"L1", 1, Eur(1000), Eur(190)});
  r.total = Eur(1190);
  r.idempotency_key = id + ":key";
  r.created_at = Instant(std::chrono::seconds(1'790'000'000));
  return r;
}

DecisionEffect Decision(std::string return_id, Kind kind) {
  DecisionEffect d;
  d.return_id = return_id;
  d.external_return_id = "X-" + return_id;
  d.decision.kind = kind;
  d.decision.comment = "ok \"quoted\" \n, 退货";
  if (kind == Kind::kOfferPartialRefund) {
    d.decision.partial_refund = Eur(1250);
    d.decision.keep_item = true;
  }
  if (kind == Kind::kProvideRma) d.decision.rma_number = "RMA-7";
  return d;
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sanbao_outbox_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "sanbao.db").string();
    Open();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void Open() {
    auto store = OpenSqliteStore({.path = path_});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *store;
  }
  void Exec(std::string const& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << (error ? error : "") << " in " << sql;
    sqlite3_free(error);
    sqlite3_close(db);
  }

  fs::path dir_;
  std::string path_;
  std::shared_ptr<Store> store_;
};

TEST_F(OutboxTest, DecisionsOfEveryKindComeBackTyped) {
  std::vector<DecisionEffect> sent;
  for (auto kind : {Kind::kApprove, Kind::kDecline, Kind::kOfferPartialRefund,
                    Kind::kProvideRma}) {
    auto d = Decision("R" + std::to_string(static_cast<int>(kind)), kind);
    auto e = EnqueueDecision(*store_, d);
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_TRUE(e->created);
    sent.push_back(d);
  }
  std::vector<DecisionEffect> got;
  OutboxDispatcher dispatcher(
      *store_, [&](Effect const& effect) -> StatusOr<std::string> {
        EXPECT_EQ(effect.entry.kind, kEffectDecide);
        auto const* d = std::get_if<DecisionEffect>(&effect.payload);
        EXPECT_NE(d, nullptr);
        if (d != nullptr) got.push_back(*d);
        return std::string("ref");
      });
  auto outcomes = dispatcher.Drain();
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_EQ(got.size(), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(got[i].return_id, sent[i].return_id);
    EXPECT_EQ(got[i].external_return_id, sent[i].external_return_id);
    EXPECT_EQ(got[i].decision.kind, sent[i].decision.kind);
    EXPECT_EQ(got[i].decision.comment, sent[i].decision.comment);
    EXPECT_EQ(got[i].decision.partial_refund, sent[i].decision.partial_refund);
    EXPECT_EQ(got[i].decision.keep_item, sent[i].decision.keep_item);
    EXPECT_EQ(got[i].decision.rma_number, sent[i].decision.rma_number);
  }
  EXPECT_TRUE(store_->PendingEffects(10)->empty());
}

TEST_F(OutboxTest, OneDecisionPerReturnAndBothIdsRequired) {
  auto approve = Decision("R1", Kind::kApprove);
  ASSERT_TRUE(EnqueueDecision(*store_, approve).ok());
  auto again = EnqueueDecision(*store_, approve);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(EnqueueDecision(*store_, Decision("R1", Kind::kDecline))
                .status()
                .reason(),
            "IDEMPOTENCY_KEY_REUSED");
  auto no_external = approve;
  no_external.external_return_id.clear();
  EXPECT_EQ(EnqueueDecision(*store_, no_external).status().reason(),
            "STORE_ID_MISSING");
}

TEST_F(OutboxTest, TheApproveAndDeclinePayloadKeepsItsFormat) {
  // Entries queued by earlier versions must still be read.
  ASSERT_TRUE(EnqueueDecision(*store_, Decision("R1", Kind::kApprove)).ok());
  auto pending = store_->PendingEffects(1);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].payload,
            R"({"return_id":"X-R1","decision":"APPROVE",)"
            R"("comment":"ok \"quoted\" \n, 退货"})");
  EXPECT_EQ((*pending)[0].idempotency_key, "R1:decide");
  EXPECT_EQ((*pending)[0].subject_id, "R1");
}

TEST_F(OutboxTest, RefundsComeBackAsTheStoredRefund) {
  ASSERT_TRUE(store_->RecordRefund(MakeRefund("F1")).ok());
  std::optional<Refund> got;
  OutboxDispatcher dispatcher(
      *store_, [&](Effect const& effect) -> StatusOr<std::string> {
        if (auto const* r = std::get_if<RefundEffect>(&effect.payload)) {
          got = r->refund;
        }
        return std::string("re_1");
      });
  ASSERT_TRUE(dispatcher.Drain().ok());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->id, "F1");
  EXPECT_EQ(got->total, Eur(1190));
  auto effect = store_->GetEffect(1);
  ASSERT_TRUE(effect.ok());
  EXPECT_TRUE(effect->done);
  EXPECT_EQ(effect->remote_ref, "re_1");
}

TEST_F(OutboxTest, AnUnreadablePayloadFailsWithoutBeingSent) {
  ASSERT_TRUE(store_
                  ->EnqueueEffect({std::string(kEffectDecide), "R9:decide",
                                   "R9", R"({"decision":"MAYBE"})"})
                  .ok());
  int sends = 0;
  OutboxDispatcher dispatcher(*store_,
                              [&](Effect const&) -> StatusOr<std::string> {
                                ++sends;
                                return std::string("x");
                              });
  auto outcomes = dispatcher.Drain();
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_EQ(outcomes->size(), 1u);
  EXPECT_EQ((*outcomes)[0].status.reason(), "EFFECT_PAYLOAD_INVALID");
  EXPECT_EQ((*outcomes)[0].status.code(), ErrorCode::kDataLoss);
  EXPECT_EQ(sends, 0);
  auto pending = store_->PendingEffects(1);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].attempts, 1);
  EXPECT_THAT((*pending)[0].last_error, ::testing::HasSubstr("decide"));
}

TEST_F(OutboxTest, ASendInterruptedByACrashIsFlaggedOnTheNextTry) {
  ASSERT_TRUE(store_->RecordRefund(MakeRefund("F1")).ok());
  ASSERT_TRUE(EnqueueDecision(*store_, Decision("R2", Kind::kApprove)).ok());
  // The process died after counting the sends, before the answers came.
  std::vector<std::int64_t> ids{1};
  ASSERT_TRUE(store_->MarkEffectsSending(ids).ok());
  store_.reset();
  Open();
  std::map<std::int64_t, bool> maybe;
  OutboxDispatcher dispatcher(
      *store_, [&](Effect const& effect) -> StatusOr<std::string> {
        maybe[effect.entry.id] = effect.maybe_sent_before();
        return std::string("ok");
      });
  ASSERT_TRUE(dispatcher.Drain().ok());
  EXPECT_EQ(maybe, (std::map<std::int64_t, bool>{{1, true}, {2, false}}));
  auto effect = store_->GetEffect(1);
  ASSERT_TRUE(effect.ok());
  EXPECT_EQ(effect->sends, 2);
}

TEST_F(OutboxTest, CountingSendsOfAnUnknownEntryCountsNothing) {
  ASSERT_TRUE(EnqueueDecision(*store_, Decision("R1", Kind::kApprove)).ok());
  std::vector<std::int64_t> ids{1, 99};
  auto s = store_->MarkEffectsSending(ids);
  EXPECT_EQ(s.reason(), "EFFECT_NOT_FOUND");
  EXPECT_EQ(store_->GetEffect(1)->sends, 0);
}

TEST_F(OutboxTest, AFailingEffectIsTriedMaxTriesTimesThenLeftForTheNextRun) {
  ASSERT_TRUE(EnqueueDecision(*store_, Decision("R1", Kind::kApprove)).ok());
  int sends = 0;
  auto down = [&](Effect const&) -> StatusOr<std::string> {
    ++sends;
    return UnavailableError("marketplace down", "DOWN");
  };
  OutboxDispatcher dispatcher(*store_, down, {.max_tries = 2});
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(dispatcher.Drain().ok());
  EXPECT_EQ(sends, 2);
  auto failures = dispatcher.Failures();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].status.reason(), "DOWN");
  auto pending = store_->PendingEffects(1);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].attempts, 2);
  EXPECT_EQ((*pending)[0].sends, 2);
  // The next run's dispatcher tries again.
  OutboxDispatcher next(*store_, down, {.max_tries = 2});
  ASSERT_TRUE(next.Drain().ok());
  EXPECT_EQ(sends, 3);
}

struct RecordingHandler final : EffectHandler {
  StatusOr<std::string> Send(Effect const& effect) override {
    std::lock_guard lock(mu);
    sent.insert(effect.entry.id);
    return "ref-" + std::to_string(effect.entry.id);
  }
  Status Applied(Store& store, Effect const& effect, std::string_view ref,
                 Instant) override {
    if (fail_applied) {
      return InternalError("local change failed", "TEST_APPLIED");
    }
    // The entry is already marked done in this transaction.
    auto e = store.GetEffect(effect.entry.id);
    if (!e.ok() || !e->done || e->remote_ref != ref) {
      return InternalError("not marked done first", "TEST_ORDER");
    }
    ++applied;
    return Status();
  }
  std::mutex mu;
  std::set<std::int64_t> sent;
  int applied = 0;
  bool fail_applied = false;
};

TEST_F(OutboxTest, AppliedRunsInTheMarkingTransactionAndItsErrorRollsBack) {
  ASSERT_TRUE(EnqueueDecision(*store_, Decision("R1", Kind::kApprove)).ok());
  RecordingHandler handler;
  handler.fail_applied = true;
  OutboxDispatcher failing(*store_, handler);
  auto first = failing.Drain();
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().reason(), "TEST_APPLIED");
  auto effect = store_->GetEffect(1);
  EXPECT_FALSE(effect->done);  // rolled back with the local change
  EXPECT_EQ(effect->sends, 1);

  handler.fail_applied = false;
  OutboxDispatcher ok(*store_, handler);
  auto second = ok.Drain();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(handler.applied, 1);
  EXPECT_TRUE(store_->GetEffect(1)->done);
}

TEST_F(OutboxTest, ParallelWorkersSendEveryEntryOnceAcrossBatches) {
  for (int i = 0; i < 150; ++i) {
    ASSERT_TRUE(EnqueueDecision(
                    *store_, Decision("R" + std::to_string(i),
                                      i % 2 ? Kind::kApprove : Kind::kDecline))
                    .ok());
  }
  RecordingHandler handler;
  OutboxDispatcher dispatcher(*store_, handler,
                              {.batch_size = 16, .workers = 4});
  auto outcomes = dispatcher.Drain();
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  EXPECT_EQ(outcomes->size(), 150u);
  EXPECT_EQ(handler.sent.size(), 150u);
  EXPECT_EQ(handler.applied, 150);
  for (std::size_t i = 1; i < outcomes->size(); ++i) {
    EXPECT_LT((*outcomes)[i - 1].effect.entry.id,
              (*outcomes)[i].effect.entry.id);
  }
  EXPECT_TRUE(store_->PendingEffects(1)->empty());
}

TEST_F(OutboxTest, ADatabaseFromBeforeTheSendCountOpensAndCountsFromZero) {
  ASSERT_TRUE(EnqueueDecision(*store_, Decision("R1", Kind::kApprove)).ok());
  store_.reset();
  // Schema version 1: the outbox had no sends column.
  Exec(
      "ALTER TABLE outbox DROP COLUMN sends; "
      "DELETE FROM schema_version WHERE version > 1;");
  Open();
  EXPECT_EQ(store_->SchemaVersion(), SqliteStoreSchemaVersion());
  auto pending = store_->PendingEffects(1);
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].sends, 0);
}

}  // namespace
}  // namespace sanbao
