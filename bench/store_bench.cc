// The store against raw SQLite: upsert return cases (a row each plus one
// events row per transition) through Store::UpsertReturn, versus prepared
// INSERTs of the same rows straight into the same schema, with the same
// PRAGMAs (WAL, synchronous=FULL, foreign_keys=ON) and one transaction per
// batch on both sides. Wall-clock time, since commits wait for fsync.
// `./run bench` prints the ratio (target >= 0.5).
//
// The documents the store keeps in its `doc` columns, on one core (CPU
// time): BM_EncodeOrder / BM_DecodeOrder, what every order upserted or read
// by the sync costs on top of SQLite, and the same for refunds; the records
// are store_fixtures.h's fully populated ones.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "codec.h"
#include "sanbao/store/sqlite_store.h"
#include "store_fixtures.h"

namespace {

namespace fs = std::filesystem;
using namespace sanbao;

/// A fresh database file with the store's schema.
std::string FreshDb(std::string const& name) {
  fs::path dir = fs::temp_directory_path() /
                 ("sanbao_store_bench_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path path = dir / (name + ".db");
  for (char const* suffix : {"", "-wal", "-shm"})
    fs::remove(path.string() + suffix);
  auto store = OpenSqliteStore({.path = path.string()});
  if (!store.ok()) std::abort();
  return path.string();
}

void RemoveDb(std::string const& path) {
  for (char const* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
}

/// Return case `n`: three transitions, one line.
ReturnCase MakeCase(std::int64_t n) { return testing_util::InTransitCase(n); }

std::vector<ReturnCase> MakeBatch(std::int64_t first, std::int64_t count) {
  std::vector<ReturnCase> out;
  out.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) out.push_back(MakeCase(first + i));
  return out;
}

void BM_StoreUpsertReturns(benchmark::State& state) {
  auto const batch = state.range(0);
  std::string path = FreshDb("store");
  {
    auto store = OpenSqliteStore({.path = path});
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      return;
    }
    std::int64_t next = 0;
    for (auto _ : state) {
      state.PauseTiming();
      auto cases = MakeBatch(next, batch);
      next += batch;
      state.ResumeTiming();
      Status s = (*store)->WithTransaction([&](Store& tx) -> Status {
        for (auto const& rc : cases) {
          if (auto u = tx.UpsertReturn(rc); !u.ok()) return u;
        }
        return {};
      });
      if (!s.ok()) {
        state.SkipWithError(s.ToString().c_str());
        break;
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * batch);
  RemoveDb(path);
}
BENCHMARK(BM_StoreUpsertReturns)->Arg(100)->Arg(1000)->UseRealTime();

/// The rows Store::UpsertReturn writes for `rc`, ready to bind.
struct RawRow {
  std::string id, order_id, marketplace, external_id, state, resolution, doc;
  std::int64_t created_at, updated_at, history_len;
  struct Event {
    std::string from, to, resolution, actor_kind, actor_id, reason;
    std::int64_t at;
  };
  std::vector<Event> events;
};

RawRow ToRow(ReturnCase const& rc) {
  static constexpr char const* kActor[] = {"buyer", "seller", "marketplace",
                                           "carrier", "system"};
  RawRow r;
  r.id = rc.id;
  r.order_id = rc.order_id;
  r.marketplace = rc.marketplace;
  r.external_id = rc.external_id;
  r.state = ReturnStateName(rc.state());
  r.resolution = ResolutionName(rc.resolution());
  r.doc =
      R"({"requires_return":true,"lines":[{"line":"L1","requested":1,"received":0,)"
      R"("accepted":0,"condition":"unknown","reason":"defective","note":"does not heat",)"
      R"("disposition":"undecided"}]})";
  r.created_at = rc.created_at.time_since_epoch().count();
  r.updated_at = rc.updated_at.time_since_epoch().count();
  r.history_len = static_cast<std::int64_t>(rc.history().size());
  for (auto const& h : rc.history()) {
    r.events.push_back({std::string(ReturnStateName(h.from)),
                        std::string(ReturnStateName(h.to)),
                        std::string(ResolutionName(h.resolution)),
                        kActor[static_cast<int>(h.actor.kind)], h.actor.id,
                        h.reason, h.at.time_since_epoch().count()});
  }
  return r;
}

void Bind(sqlite3_stmt* st, int i, std::string const& s) {
  sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
}

void BM_RawInsertReturns(benchmark::State& state) {
  auto const batch = state.range(0);
  std::string path = FreshDb("raw");
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  sqlite3_exec(db,
               "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA "
               "foreign_keys = ON",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* begin = nullptr;
  sqlite3_stmt* commit = nullptr;
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* event = nullptr;
  sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nullptr);
  sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr);
  sqlite3_prepare_v2(
      db,
      "INSERT INTO returns (id, order_id, marketplace, external_id, state, "
      "resolution, created_at, updated_at, history_len, doc) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
      -1, &insert, nullptr);
  sqlite3_prepare_v2(
      db,
      "INSERT INTO return_events (return_id, seq, from_state, to_state, "
      "resolution, actor_kind, actor_id, at, reason) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      -1, &event, nullptr);
  std::int64_t next = 0;
  bool failed = false;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<RawRow> rows;
    for (auto const& rc : MakeBatch(next, batch)) rows.push_back(ToRow(rc));
    next += batch;
    state.ResumeTiming();
    sqlite3_step(begin);
    sqlite3_reset(begin);
    for (auto const& r : rows) {
      Bind(insert, 1, r.id);
      Bind(insert, 2, r.order_id);
      Bind(insert, 3, r.marketplace);
      Bind(insert, 4, r.external_id);
      Bind(insert, 5, r.state);
      Bind(insert, 6, r.resolution);
      sqlite3_bind_int64(insert, 7, r.created_at);
      sqlite3_bind_int64(insert, 8, r.updated_at);
      sqlite3_bind_int64(insert, 9, r.history_len);
      Bind(insert, 10, r.doc);
      failed |= sqlite3_step(insert) != SQLITE_DONE;
      sqlite3_reset(insert);
      std::int64_t seq = 0;
      for (auto const& e : r.events) {
        Bind(event, 1, r.id);
        sqlite3_bind_int64(event, 2, seq++);
        Bind(event, 3, e.from);
        Bind(event, 4, e.to);
        Bind(event, 5, e.resolution);
        Bind(event, 6, e.actor_kind);
        Bind(event, 7, e.actor_id);
        sqlite3_bind_int64(event, 8, e.at);
        Bind(event, 9, e.reason);
        failed |= sqlite3_step(event) != SQLITE_DONE;
        sqlite3_reset(event);
      }
    }
    failed |= sqlite3_step(commit) != SQLITE_DONE;
    sqlite3_reset(commit);
    if (failed) {
      state.SkipWithError(sqlite3_errmsg(db));
      break;
    }
  }
  for (auto* st : {begin, commit, insert, event}) sqlite3_finalize(st);
  sqlite3_close(db);
  state.SetItemsProcessed(state.iterations() * batch);
  RemoveDb(path);
}
BENCHMARK(BM_RawInsertReturns)->Arg(100)->Arg(1000)->UseRealTime();

void BM_EncodeOrder(benchmark::State& state) {
  Order const order = testing_util::FullOrder();
  for (auto _ : state) benchmark::DoNotOptimize(internal::EncodeOrder(order));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeOrder);

void BM_DecodeOrder(benchmark::State& state) {
  std::string const doc = internal::EncodeOrder(testing_util::FullOrder());
  for (auto _ : state) {
    auto order = internal::DecodeOrder(doc);
    if (!order.ok()) {
      state.SkipWithError(order.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(order);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeOrder);

void BM_EncodeRefund(benchmark::State& state) {
  Refund const refund = testing_util::FullRefund();
  for (auto _ : state) benchmark::DoNotOptimize(internal::EncodeRefund(refund));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeRefund);

void BM_DecodeRefund(benchmark::State& state) {
  std::string const doc = internal::EncodeRefund(testing_util::FullRefund());
  for (auto _ : state) {
    auto refund = internal::DecodeRefund(doc);
    if (!refund.ok()) {
      state.SkipWithError(refund.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(refund);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeRefund);

}  // namespace
