// The SQLite Store: one connection, prepared statements only, WAL journal,
// synchronous=FULL, versioned migrations (docs/guides/store.md).
#include "sanbao/store/sqlite_store.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "codec.h"
#include "sqlite_util.h"

namespace sanbao {
inline namespace v1 {
namespace {

using internal::DecodeOrder;
using internal::DecodeRefund;
using internal::DecodeReturnDoc;
using internal::EncodeOrder;
using internal::EncodeRefund;
using internal::EncodeReturnDoc;
using internal::RefundFingerprint;

// ---- schema -----------------------------------------------------------------

struct Migration {
  int version;
  char const* sql;
};

// Append only: a released step is never edited, a change is a new step.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE orders (
  id          TEXT PRIMARY KEY,
  marketplace TEXT NOT NULL,
  external_id TEXT NOT NULL,
  placed_at   INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  doc         TEXT NOT NULL
);
CREATE INDEX orders_by_external ON orders (marketplace, external_id);

CREATE TABLE returns (
  id          TEXT PRIMARY KEY,
  order_id    TEXT NOT NULL,
  marketplace TEXT NOT NULL,
  external_id TEXT NOT NULL,
  state       TEXT NOT NULL,
  resolution  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  history_len INTEGER NOT NULL,
  doc         TEXT NOT NULL
);
CREATE INDEX returns_by_state ON returns (state, id);
CREATE INDEX returns_by_order ON returns (order_id, id);

CREATE TABLE return_events (
  return_id  TEXT NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  resolution TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id   TEXT NOT NULL,
  at         INTEGER NOT NULL,
  reason     TEXT NOT NULL,
  PRIMARY KEY (return_id, seq)
) WITHOUT ROWID;

CREATE TABLE idempotency_keys (
  key         TEXT PRIMARY KEY,
  scope       TEXT NOT NULL,
  subject_id  TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE refunds (
  id              TEXT PRIMARY KEY,
  order_id        TEXT NOT NULL,
  return_id       TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE REFERENCES idempotency_keys (key),
  total_minor     INTEGER NOT NULL,
  currency        TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  doc             TEXT NOT NULL
);
CREATE INDEX refunds_by_order ON refunds (order_id, created_at);
CREATE INDEX refunds_by_return ON refunds (return_id);

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  kind            TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE REFERENCES idempotency_keys (key),
  subject_id      TEXT NOT NULL,
  payload         TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  done_at         INTEGER,
  remote_ref      TEXT
);
CREATE INDEX outbox_pending ON outbox (id) WHERE done_at IS NULL;

CREATE TABLE sync_cursors (
  connector  TEXT NOT NULL,
  account    TEXT NOT NULL,
  cursor     TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (connector, account)
) WITHOUT ROWID;
)sql"},
    // Times each entry was handed to a sender: the dispatcher reads back
    // first only what may have gone through unanswered.
    {2, R"sql(
ALTER TABLE outbox ADD COLUMN sends INTEGER NOT NULL DEFAULT 0;
)sql"},
};
constexpr int kLatestVersion = kMigrations[std::size(kMigrations) - 1].version;

Status DataLoss(std::string message, std::string reason,
                std::map<std::string, std::string> metadata = {}) {
  return Status(
      ErrorCode::kDataLoss, std::move(message),
      ErrorInfo{.reason = std::move(reason), .metadata = std::move(metadata)});
}

/// The Status for SQLite result `rc` on `db` while doing `what`.
Status SqliteError(sqlite3* db, int rc, std::string const& path,
                   std::string_view what) {
  return internal::SqliteError(db, rc, path, "store", what);
}

using internal::DbPtr;
using internal::NowSeconds;
using internal::StmtPtr;

/// One use of a cached prepared statement: binds, steps, and resets it when
/// it goes out of scope.
class Query {
 public:
  Query(sqlite3* db, sqlite3_stmt* stmt, std::string const* path,
        std::string_view what, bool* damaged)
      : db_(db), stmt_(stmt), path_(path), what_(what), damaged_(damaged) {}
  Query(Query&& other) noexcept
      : db_(other.db_),
        stmt_(std::exchange(other.stmt_, nullptr)),
        path_(other.path_),
        what_(other.what_),
        damaged_(other.damaged_),
        bind_rc_(other.bind_rc_) {}
  Query(Query const&) = delete;
  Query& operator=(Query const&) = delete;
  Query& operator=(Query&&) = delete;
  ~Query() {
    if (stmt_ == nullptr) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  Query& Bind(int i, std::string_view text) {
    Check(sqlite3_bind_text64(stmt_, i, text.data(), text.size(),
                              SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
  }
  Query& Bind(int i, std::int64_t value) {
    Check(sqlite3_bind_int64(stmt_, i, value));
    return *this;
  }
  Query& Bind(int i, Instant t) {
    return Bind(i, std::int64_t{t.time_since_epoch().count()});
  }
  Query& BindNull(int i) {
    Check(sqlite3_bind_null(stmt_, i));
    return *this;
  }

  /// true: a row is ready; false: done.
  StatusOr<bool> Step() {
    if (bind_rc_ != SQLITE_OK) return SqliteError(db_, bind_rc_, *path_, what_);
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    auto status =
        SqliteError(db_, sqlite3_extended_errcode(db_), *path_, what_);
    if (status.reason() == "STORE_CORRUPT") *damaged_ = true;
    return status;
  }
  /// Steps to the end, ignoring rows.
  Status Run() {
    for (;;) {
      auto row = Step();
      if (!row) return row.status();
      if (!*row) return {};
    }
  }

  std::int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
  }
  std::string_view Text(int col) const {
    auto const* p =
        reinterpret_cast<char const*>(sqlite3_column_text(stmt_, col));
    if (p == nullptr) return {};
    return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))};
  }
  std::string Str(int col) const { return std::string(Text(col)); }
  Instant Time(int col) const {
    return Instant(std::chrono::seconds(Int(col)));
  }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string const* path_;
  std::string_view what_;
  bool* damaged_;
  int bind_rc_ = SQLITE_OK;
};

// Every statement the store runs; each is prepared once per connection.
namespace sql {
constexpr char const kBegin[] = "BEGIN IMMEDIATE";
constexpr char const kBeginRead[] = "BEGIN DEFERRED";
constexpr char const kCommit[] = "COMMIT";
constexpr char const kRollback[] = "ROLLBACK";
constexpr char const kSavepoint[] = "SAVEPOINT sanbao";
constexpr char const kRelease[] = "RELEASE sanbao";
constexpr char const kRollbackTo[] = "ROLLBACK TO sanbao";

constexpr char const kUpsertOrder[] =
    "INSERT INTO orders (id, marketplace, external_id, placed_at, updated_at, "
    "doc) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET "
    "marketplace = excluded.marketplace, external_id = excluded.external_id, "
    "placed_at = excluded.placed_at, updated_at = excluded.updated_at, doc = "
    "excluded.doc";
constexpr char const kGetOrder[] = "SELECT doc FROM orders WHERE id = ?1";

constexpr char const kReturnHistoryLen[] =
    "SELECT history_len FROM returns WHERE id = ?1";
constexpr char const kLastEvent[] =
    "SELECT to_state, at FROM return_events WHERE return_id = ?1 AND seq = ?2";
constexpr char const kUpsertReturn[] =
    "INSERT INTO returns (id, order_id, marketplace, external_id, state, "
    "resolution, "
    "created_at, updated_at, history_len, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
    "?7, ?8, ?9, ?10) "
    "ON CONFLICT (id) DO UPDATE SET order_id = excluded.order_id, "
    "marketplace = excluded.marketplace, external_id = excluded.external_id, "
    "state = excluded.state, resolution = excluded.resolution, "
    "created_at = excluded.created_at, updated_at = excluded.updated_at, "
    "history_len = excluded.history_len, doc = excluded.doc";
constexpr char const kInsertEvent[] =
    "INSERT INTO return_events (return_id, seq, from_state, to_state, "
    "resolution, actor_kind, "
    "actor_id, at, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr char const kGetReturn[] =
    "SELECT id, order_id, marketplace, external_id, state, resolution, "
    "created_at, updated_at, "
    "doc FROM returns WHERE id = ?1";
constexpr char const kListReturns[] =
    "SELECT id, order_id, marketplace, external_id, state, resolution, "
    "created_at, updated_at, "
    "doc FROM returns WHERE (?1 IS NULL OR state = ?1) AND (?2 = '' OR "
    "order_id = ?2) "
    "AND (?3 = '' OR marketplace = ?3) AND id > ?4 ORDER BY id LIMIT ?5";
constexpr char const kGetEvents[] =
    "SELECT from_state, to_state, resolution, actor_kind, actor_id, at, reason "
    "FROM return_events WHERE return_id = ?1 ORDER BY seq";

constexpr char const kGetKey[] =
    "SELECT scope, subject_id, fingerprint FROM idempotency_keys WHERE key = "
    "?1";
constexpr char const kInsertKey[] =
    "INSERT INTO idempotency_keys (key, scope, subject_id, fingerprint, "
    "created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr char const kRefundIdExists[] = "SELECT 1 FROM refunds WHERE id = ?1";
constexpr char const kInsertRefund[] =
    "INSERT INTO refunds (id, order_id, return_id, idempotency_key, "
    "total_minor, currency, "
    "created_at, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr char const kGetRefund[] = "SELECT doc FROM refunds WHERE id = ?1";
constexpr char const kListRefunds[] =
    "SELECT doc FROM refunds WHERE order_id = ?1 ORDER BY created_at, rowid";

constexpr char const kInsertEffect[] =
    "INSERT INTO outbox (kind, idempotency_key, subject_id, payload, "
    "created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr char const kEffectByKey[] =
    "SELECT id FROM outbox WHERE idempotency_key = ?1";
constexpr char const kPendingEffects[] =
    "SELECT id, kind, idempotency_key, subject_id, payload, attempts, "
    "last_error, created_at, "
    "done_at, remote_ref, sends FROM outbox WHERE done_at IS NULL ORDER BY id "
    "LIMIT ?1";
constexpr char const kGetEffect[] =
    "SELECT id, kind, idempotency_key, subject_id, payload, attempts, "
    "last_error, created_at, "
    "done_at, remote_ref, sends FROM outbox WHERE id = ?1";
constexpr char const kMarkDone[] =
    "UPDATE outbox SET done_at = ?2, remote_ref = ?3 WHERE id = ?1";
constexpr char const kMarkSending[] =
    "UPDATE outbox SET sends = sends + 1 WHERE id = ?1";
constexpr char const kRecordFailure[] =
    "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1";

constexpr char const kGetCursor[] =
    "SELECT cursor FROM sync_cursors WHERE connector = ?1 AND account = ?2";
constexpr char const kSetCursor[] =
    "INSERT INTO sync_cursors (connector, account, cursor, updated_at) VALUES "
    "(?1, ?2, ?3, ?4) "
    "ON CONFLICT (connector, account) DO UPDATE SET cursor = excluded.cursor, "
    "updated_at = excluded.updated_at";

constexpr char const kCreateVersionTable[] =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)";
constexpr char const kInsertVersion[] =
    "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)";
}  // namespace sql

Status Missing(std::string_view what) {
  return InvalidArgumentError(std::string(what) + " must not be empty",
                              "STORE_ID_MISSING",
                              {{"field", std::string(what)}});
}

class SqliteStore final : public Store {
 public:
  SqliteStore(DbPtr db, std::string path, bool read_only)
      : db_(std::move(db)), path_(std::move(path)), read_only_(read_only) {}
  ~SqliteStore() override {
    statements_.clear();  // finalize before the connection closes
  }

  /// Checks the file before anything can write to it: a newer schema and
  /// (check_integrity) damaged pages are refused while the file is still
  /// untouched; only then WAL mode and migrations.
  Status Init(bool check_integrity) {
    if (read_only_) return InitReadOnly();
    auto stored = StoredVersion();
    if (!stored) return stored.status();
    if (*stored > kLatestVersion) return TooNew(*stored);
    if (check_integrity && path_ != ":memory:") {
      if (auto s = internal::QuickCheck(db_.get(), path_, "store"); !s.ok()) {
        return s;
      }
    }
    for (char const* pragma :
         {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
          "PRAGMA foreign_keys = ON"}) {
      auto q = Prepare(pragma, "configure the connection");
      if (!q) return q.status();
      if (auto s = q->Run(); !s.ok()) return s;
    }
    return Migrate();
  }

  /// Reads only: PRAGMA query_only makes SQLite refuse any write, and a
  /// file without the store's schema is not made into one.
  Status InitReadOnly() {
    auto q = Prepare("PRAGMA query_only = 1", "configure the connection");
    if (!q) return q.status();
    if (auto s = q->Run(); !s.ok()) return s;
    auto stored = StoredVersion();
    if (!stored) return stored.status();
    if (*stored > kLatestVersion) return TooNew(*stored);
    if (*stored == 0) {
      return NotFoundError(
          "store " + path_ +
              ": the file holds no Sanbao store (it is empty or has no "
              "store schema); it was left untouched",
          "STORE_NOT_FOUND", {{"path", path_}});
    }
    version_ = *stored;
    return {};
  }

  // ---- orders ---------------------------------------------------------------

  Status UpsertOrder(Order const& order) override {
    if (order.id.empty()) return Missing("order id");
    std::string doc = EncodeOrder(order);
    return InOneStatement([&]() -> Status {
      auto q = Prepare(sql::kUpsertOrder, "upsert order");
      if (!q) return q.status();
      q->Bind(1, order.id)
          .Bind(2, order.marketplace)
          .Bind(3, order.external_id);
      q->Bind(4, order.placed_at).Bind(5, NowSeconds()).Bind(6, doc);
      return q->Run();
    });
  }

  StatusOr<Order> GetOrder(std::string_view id) override {
    std::lock_guard lock(mu_);
    auto q = Prepare(sql::kGetOrder, "read order");
    if (!q) return q.status();
    q->Bind(1, id);
    auto row = q->Step();
    if (!row) return row.status();
    if (!*row) {
      return NotFoundError("no order " + std::string(id) + " in the store",
                           "ORDER_NOT_FOUND", {{"order_id", std::string(id)}});
    }
    return DecodeOrder(q->Text(0));
  }

  // ---- returns --------------------------------------------------------------

  Status UpsertReturn(ReturnCase const& rc) override {
    if (rc.id.empty()) return Missing("return id");
    std::string doc = EncodeReturnDoc(rc);
    return InTx(true, [&]() -> Status {
      auto const& history = rc.history();
      std::int64_t stored = 0;
      {
        auto q = Prepare(sql::kReturnHistoryLen, "read return");
        if (!q) return q.status();
        q->Bind(1, rc.id);
        auto row = q->Step();
        if (!row) return row.status();
        if (*row) stored = q->Int(0);
      }
      auto given = static_cast<std::int64_t>(history.size());
      if (given < stored) {
        return FailedPreconditionError(
            "return " + rc.id + " has " + std::to_string(stored) +
                " stored transitions; this copy has only " +
                std::to_string(given),
            "RETURN_STALE",
            {{"return_id", rc.id},
             {"stored_transitions", std::to_string(stored)},
             {"given_transitions", std::to_string(given)}});
      }
      if (stored > 0) {
        auto q = Prepare(sql::kLastEvent, "read return history");
        if (!q) return q.status();
        q->Bind(1, rc.id).Bind(2, stored - 1);
        auto row = q->Step();
        if (!row) return row.status();
        auto const& last = history[static_cast<std::size_t>(stored - 1)];
        if (!*row || q->Text(0) != ReturnStateName(last.to) ||
            q->Time(1) != last.at) {
          return FailedPreconditionError(
              "the history of return " + rc.id + " differs from the stored one",
              "RETURN_HISTORY_CONFLICT", {{"return_id", rc.id}});
        }
      }
      {
        auto q = Prepare(sql::kUpsertReturn, "upsert return");
        if (!q) return q.status();
        q->Bind(1, rc.id)
            .Bind(2, rc.order_id)
            .Bind(3, rc.marketplace)
            .Bind(4, rc.external_id);
        q->Bind(5, ReturnStateName(rc.state()))
            .Bind(6, ResolutionName(rc.resolution()));
        q->Bind(7, rc.created_at)
            .Bind(8, rc.updated_at)
            .Bind(9, given)
            .Bind(10, doc);
        if (auto s = q->Run(); !s.ok()) return s;
      }
      for (auto i = stored; i < given; ++i) {
        auto const& h = history[static_cast<std::size_t>(i)];
        auto q = Prepare(sql::kInsertEvent, "append return event");
        if (!q) return q.status();
        q->Bind(1, rc.id)
            .Bind(2, i)
            .Bind(3, ReturnStateName(h.from))
            .Bind(4, ReturnStateName(h.to));
        q->Bind(5, ResolutionName(h.resolution))
            .Bind(6, internal::ActorKindName(h.actor.kind));
        q->Bind(7, h.actor.id).Bind(8, h.at).Bind(9, h.reason);
        if (auto s = q->Run(); !s.ok()) return s;
      }
      return {};
    });
  }

  StatusOr<ReturnCase> GetReturn(std::string_view id) override {
    return InTx(false, [&]() -> StatusOr<ReturnCase> {
      auto q = Prepare(sql::kGetReturn, "read return");
      if (!q) return q.status();
      q->Bind(1, id);
      auto row = q->Step();
      if (!row) return row.status();
      if (!*row) {
        return NotFoundError("no return " + std::string(id) + " in the store",
                             "RETURN_NOT_FOUND",
                             {{"return_id", std::string(id)}});
      }
      return ReadReturn(*q);
    });
  }

  StatusOr<ReturnPage> ListReturns(ReturnFilter const& filter,
                                   PageRequest const& page) override {
    int limit = page.limit < 1 ? 1 : (page.limit > 1000 ? 1000 : page.limit);
    return InTx(false, [&]() -> StatusOr<ReturnPage> {
      auto q = Prepare(sql::kListReturns, "list returns");
      if (!q) return q.status();
      if (filter.state) {
        q->Bind(1, ReturnStateName(*filter.state));
      } else {
        q->BindNull(1);
      }
      q->Bind(2, filter.order_id)
          .Bind(3, filter.marketplace)
          .Bind(4, page.page_token);
      q->Bind(5, std::int64_t{limit} + 1);
      ReturnPage out;
      for (;;) {
        auto row = q->Step();
        if (!row) return row.status();
        if (!*row) break;
        if (static_cast<int>(out.items.size()) == limit) {
          out.next_page_token = out.items.back().id;
          break;
        }
        auto rc = ReadReturn(*q);
        if (!rc) return rc.status();
        out.items.push_back(*std::move(rc));
      }
      return out;
    });
  }

  // ---- refunds and the outbox -----------------------------------------------

  StatusOr<RecordedRefund> RecordRefund(Refund const& refund) override {
    if (refund.id.empty()) return Missing("refund id");
    if (refund.idempotency_key.empty()) {
      return InvalidArgumentError(
          "refund " + refund.id + " has no idempotency key",
          "IDEMPOTENCY_KEY_MISSING", {{"refund_id", refund.id}});
    }
    std::string fingerprint = RefundFingerprint(refund);
    std::string doc = EncodeRefund(refund);
    return InTx(true, [&]() -> StatusOr<RecordedRefund> {
      auto seen = LookUpKey(refund.idempotency_key, "refund", fingerprint);
      if (!seen) return seen.status();
      if (*seen) {
        auto stored = ReadRefund(**seen);
        if (!stored) return stored.status();
        auto effect = EffectIdByKey(refund.idempotency_key);
        if (!effect) return effect.status();
        return RecordedRefund{*std::move(stored), *effect, false};
      }
      {
        auto q = Prepare(sql::kRefundIdExists, "read refund");
        if (!q) return q.status();
        q->Bind(1, refund.id);
        auto row = q->Step();
        if (!row) return row.status();
        if (*row) {
          return Status(
              ErrorCode::kAlreadyExists,
              "another refund with id " + refund.id + " is already recorded",
              ErrorInfo{
                  .reason = "REFUND_ID_TAKEN",
                  .metadata = {{"refund_id", refund.id},
                               {"idempotency_key", refund.idempotency_key}}});
        }
      }
      if (auto s = InsertKey(refund.idempotency_key, "refund", refund.id,
                             fingerprint);
          !s.ok()) {
        return s;
      }
      {
        auto q = Prepare(sql::kInsertRefund, "record refund");
        if (!q) return q.status();
        q->Bind(1, refund.id)
            .Bind(2, refund.order_id)
            .Bind(3, refund.return_id);
        q->Bind(4, refund.idempotency_key).Bind(5, refund.total.minor_units());
        q->Bind(6, refund.total.currency().code())
            .Bind(7, refund.created_at)
            .Bind(8, doc);
        if (auto s = q->Run(); !s.ok()) return s;
      }
      auto effect = InsertEffect(kEffectIssueRefund, refund.idempotency_key,
                                 refund.id, doc);
      if (!effect) return effect.status();
      return RecordedRefund{refund, *effect, true};
    });
  }

  StatusOr<Refund> GetRefund(std::string_view id) override {
    std::lock_guard lock(mu_);
    return ReadRefund(id);
  }

  StatusOr<std::vector<Refund>> ListRefunds(
      std::string_view order_id) override {
    std::lock_guard lock(mu_);
    auto q = Prepare(sql::kListRefunds, "list refunds");
    if (!q) return q.status();
    q->Bind(1, order_id);
    std::vector<Refund> out;
    for (;;) {
      auto row = q->Step();
      if (!row) return row.status();
      if (!*row) return out;
      auto r = DecodeRefund(q->Text(0));
      if (!r) return r.status();
      out.push_back(*std::move(r));
    }
  }

  StatusOr<EnqueuedEffect> EnqueueEffect(EffectRequest const& e) override {
    if (e.kind.empty()) return Missing("effect kind");
    if (e.idempotency_key.empty()) {
      return InvalidArgumentError(
          "a " + e.kind + " effect has no idempotency key",
          "IDEMPOTENCY_KEY_MISSING", {{"kind", e.kind}});
    }
    return InTx(true, [&]() -> StatusOr<EnqueuedEffect> {
      auto seen = LookUpKey(e.idempotency_key, e.kind, e.payload);
      if (!seen) return seen.status();
      if (*seen) {
        auto id = EffectIdByKey(e.idempotency_key);
        if (!id) return id.status();
        return EnqueuedEffect{*id, false};
      }
      if (auto s =
              InsertKey(e.idempotency_key, e.kind, e.subject_id, e.payload);
          !s.ok())
        return s;
      auto id =
          InsertEffect(e.kind, e.idempotency_key, e.subject_id, e.payload);
      if (!id) return id.status();
      return EnqueuedEffect{*id, true};
    });
  }

  StatusOr<std::vector<OutboxEntry>> PendingEffects(int limit) override {
    std::lock_guard lock(mu_);
    auto q = Prepare(sql::kPendingEffects, "read the outbox");
    if (!q) return q.status();
    q->Bind(1, std::int64_t{limit < 0 ? 0 : limit});
    std::vector<OutboxEntry> out;
    for (;;) {
      auto row = q->Step();
      if (!row) return row.status();
      if (!*row) return out;
      out.push_back(ReadEffect(*q));
    }
  }

  StatusOr<OutboxEntry> GetEffect(std::int64_t id) override {
    std::lock_guard lock(mu_);
    return ReadEffectById(id);
  }

  Status MarkEffectDone(std::int64_t id, std::string_view remote_ref) override {
    return InTx(true, [&]() -> Status {
      auto e = ReadEffectById(id);
      if (!e) return e.status();
      if (e->done) {
        if (e->remote_ref == remote_ref) return {};
        return FailedPreconditionError(
            "effect " + std::to_string(id) + " was already done as " +
                e->remote_ref,
            "EFFECT_ALREADY_DONE",
            {{"effect_id", std::to_string(id)}, {"remote_ref", e->remote_ref}});
      }
      auto q = Prepare(sql::kMarkDone, "mark effect done");
      if (!q) return q.status();
      q->Bind(1, id).Bind(2, NowSeconds()).Bind(3, remote_ref);
      return q->Run();
    });
  }

  Status RecordEffectFailure(std::int64_t id, std::string_view error) override {
    return InTx(true, [&]() -> Status {
      auto e = ReadEffectById(id);
      if (!e) return e.status();
      auto q = Prepare(sql::kRecordFailure, "record effect failure");
      if (!q) return q.status();
      q->Bind(1, id).Bind(2, error);
      return q->Run();
    });
  }

  Status MarkEffectsSending(std::span<std::int64_t const> ids) override {
    return InTx(true, [&]() -> Status {
      for (auto id : ids) {
        auto q = Prepare(sql::kMarkSending, "count an effect's send");
        if (!q) return q.status();
        q->Bind(1, id);
        if (auto s = q->Run(); !s.ok()) return s;
        if (sqlite3_changes(db_.get()) == 0) {
          return NotFoundError(
              "no effect " + std::to_string(id) + " in the outbox",
              "EFFECT_NOT_FOUND", {{"effect_id", std::to_string(id)}});
        }
      }
      return Status();
    });
  }

  // ---- sync cursors ---------------------------------------------------------

  StatusOr<std::optional<std::string>> GetCursor(
      std::string_view connector, std::string_view account) override {
    std::lock_guard lock(mu_);
    auto q = Prepare(sql::kGetCursor, "read sync cursor");
    if (!q) return q.status();
    q->Bind(1, connector).Bind(2, account);
    auto row = q->Step();
    if (!row) return row.status();
    if (!*row) return std::optional<std::string>();
    return std::optional<std::string>(q->Str(0));
  }

  Status SetCursor(std::string_view connector, std::string_view account,
                   std::string_view cursor) override {
    if (connector.empty()) return Missing("connector");
    return InTx(true, [&]() -> Status {
      auto q = Prepare(sql::kSetCursor, "write sync cursor");
      if (!q) return q.status();
      q->Bind(1, connector)
          .Bind(2, account)
          .Bind(3, cursor)
          .Bind(4, NowSeconds());
      return q->Run();
    });
  }

  // ---- transactions ---------------------------------------------------------

  Status WithTransaction(std::function<Status(Store&)> const& fn) override {
    return InTx(true, [&]() -> Status { return fn(*this); });
  }

  int SchemaVersion() const override { return version_; }

 private:
  /// A cached prepared statement, ready for one use.
  StatusOr<Query> Prepare(char const* text, std::string_view what) {
    // Once a statement met a damaged page, nothing more is done with the
    // file but ending the transaction it was in.
    if (damaged_ && text != sql::kRollback && text != sql::kRollbackTo &&
        text != sql::kRelease) {
      return Damaged(what);
    }
    auto it = statements_.find(text);
    if (it == statements_.end()) {
      sqlite3_stmt* raw = nullptr;
      int rc = sqlite3_prepare_v3(db_.get(), text, -1,
                                  SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
      if (rc != SQLITE_OK) {
        sqlite3_finalize(raw);
        return Noted(SqliteError(db_.get(), sqlite3_extended_errcode(db_.get()),
                                 path_, what));
      }
      it = statements_.emplace(text, StmtPtr(raw)).first;
    }
    return Query(db_.get(), it->second.get(), &path_, what, &damaged_);
  }

  /// `status`, remembering damage it reports.
  Status Noted(Status status) {
    if (status.reason() == "STORE_CORRUPT") damaged_ = true;
    return status;
  }

  Status Damaged(std::string_view what) {
    return Status(
        ErrorCode::kDataLoss,
        "store " + path_ + ": " + std::string(what) +
            ": refused, an earlier statement found the database "
            "file damaged; nothing more is written to it",
        ErrorInfo{.reason = "STORE_CORRUPT", .metadata = {{"path", path_}}});
  }

  Status Exec(char const* text, std::string_view what) {
    auto q = Prepare(text, what);
    if (!q) return q.status();
    return q->Run();
  }

  Status Begin(bool write) {
    if (write && read_only_) {
      return FailedPreconditionError("store " + path_ + " was opened read-only",
                                     "STORE_READONLY", {{"path", path_}});
    }
    if (depth_ == 0) {
      if (auto s = Exec(write ? sql::kBegin : sql::kBeginRead,
                        "begin a transaction");
          !s.ok()) {
        return s;
      }
    } else if (auto s = Exec(sql::kSavepoint, "begin a savepoint"); !s.ok()) {
      return s;
    }
    ++depth_;
    return {};
  }

  Status Commit() {
    --depth_;
    if (depth_ == 0) return Exec(sql::kCommit, "commit");
    return Exec(sql::kRelease, "release a savepoint");
  }

  void Rollback() {
    --depth_;
    if (sqlite3_get_autocommit(db_.get()) != 0)
      return;  // SQLite already rolled back
    if (depth_ == 0) {
      (void)Exec(sql::kRollback, "roll back");
    } else {
      (void)Exec(sql::kRollbackTo, "roll back a savepoint");
      (void)Exec(sql::kRelease, "release a savepoint");
    }
  }

  /// Runs `f`, which changes the database with one statement, in a
  /// transaction of its own, or as it is inside WithTransaction: SQLite
  /// makes every statement atomic (https://sqlite.org/lang_transaction.html,
  /// "statement journal"), so a savepoint around it would add two statements
  /// and guard nothing.
  template <typename F>
  auto InOneStatement(F&& f) -> decltype(f()) {
    {
      std::lock_guard lock(mu_);
      if (depth_ > 0) return f();
    }
    return InTx(true, std::forward<F>(f));
  }

  /// Runs `f` (returning Status or StatusOr) in a transaction, or a
  /// savepoint inside WithTransaction.
  template <typename F>
  auto InTx(bool write, F&& f) -> decltype(f()) {
    std::lock_guard lock(mu_);
    // A read inside a transaction already sees one consistent state and
    // changes nothing a savepoint would have to undo.
    if (!write && depth_ > 0) return f();
    if (auto s = Begin(write); !s.ok()) return s;
    try {
      auto result = f();
      if (!result.ok()) {
        Rollback();
        return result;
      }
      if (auto s = Commit(); !s.ok()) {
        if (depth_ == 0 && sqlite3_get_autocommit(db_.get()) == 0) {
          (void)Exec(sql::kRollback, "roll back");
        }
        return s;
      }
      return result;
    } catch (...) {
      Rollback();
      throw;
    }
  }

  StatusOr<ReturnCase> ReadReturn(Query const& row) {
    ReturnCase base;
    base.id = row.Str(0);
    base.order_id = row.Str(1);
    base.marketplace = row.Str(2);
    base.external_id = row.Str(3);
    base.created_at = row.Time(6);
    base.updated_at = row.Time(7);
    auto state = ParseReturnState(row.Text(4));
    auto resolution = ParseResolution(row.Text(5));
    if (!state || !resolution)
      return Corrupt("return " + base.id, "state or resolution");
    if (auto s = DecodeReturnDoc(row.Text(8), base); !s.ok()) return s;
    std::vector<TransitionRecord> history;
    auto q = Prepare(sql::kGetEvents, "read return history");
    if (!q) return q.status();
    q->Bind(1, base.id);
    for (;;) {
      auto ev = q->Step();
      if (!ev) return ev.status();
      if (!*ev) break;
      auto from = ParseReturnState(q->Text(0));
      auto to = ParseReturnState(q->Text(1));
      auto res = ParseResolution(q->Text(2));
      auto kind = internal::ParseActorKind(q->Text(3));
      if (!from || !to || !res || !kind)
        return Corrupt("return " + base.id, "event");
      history.push_back(TransitionRecord{
          *from, *to, *res, Actor{*kind, q->Str(4)}, q->Time(5), q->Str(6)});
    }
    std::string id = base.id;
    auto restored = ReturnCase::Restore(std::move(base), *state, *resolution,
                                        std::move(history));
    if (!restored) {
      return DataLoss("store " + path_ + ": " + restored.status().message(),
                      "STORE_RECORD_INVALID",
                      {{"return_id", id}, {"path", path_}});
    }
    return restored;
  }

  Status Corrupt(std::string const& what, std::string_view field) {
    return DataLoss("store " + path_ + ": the stored " + what +
                        " has an unreadable " + std::string(field),
                    "STORE_RECORD_INVALID", {{"path", path_}});
  }

  StatusOr<Refund> ReadRefund(std::string_view id) {
    auto q = Prepare(sql::kGetRefund, "read refund");
    if (!q) return q.status();
    q->Bind(1, id);
    auto row = q->Step();
    if (!row) return row.status();
    if (!*row) {
      return NotFoundError("no refund " + std::string(id) + " in the store",
                           "REFUND_NOT_FOUND",
                           {{"refund_id", std::string(id)}});
    }
    return DecodeRefund(q->Text(0));
  }

  /// The subject of `key` if it was used for the same scope and fingerprint;
  /// nullopt if unused; IDEMPOTENCY_KEY_REUSED otherwise.
  StatusOr<std::optional<std::string>> LookUpKey(std::string const& key,
                                                 std::string_view scope,
                                                 std::string_view fingerprint) {
    auto q = Prepare(sql::kGetKey, "read idempotency key");
    if (!q) return q.status();
    q->Bind(1, key);
    auto row = q->Step();
    if (!row) return row.status();
    if (!*row) return std::optional<std::string>();
    if (q->Text(0) != scope || q->Text(2) != fingerprint) {
      return FailedPreconditionError("idempotency key " + key +
                                         " was already used for another " +
                                         q->Str(0) + " (" + q->Str(1) + ")",
                                     "IDEMPOTENCY_KEY_REUSED",
                                     {{"idempotency_key", key},
                                      {"scope", q->Str(0)},
                                      {"subject_id", q->Str(1)}});
    }
    return std::optional<std::string>(q->Str(1));
  }

  Status InsertKey(std::string const& key, std::string_view scope,
                   std::string_view subject, std::string_view fingerprint) {
    auto q = Prepare(sql::kInsertKey, "record idempotency key");
    if (!q) return q.status();
    q->Bind(1, key)
        .Bind(2, scope)
        .Bind(3, subject)
        .Bind(4, fingerprint)
        .Bind(5, NowSeconds());
    return q->Run();
  }

  StatusOr<std::int64_t> InsertEffect(std::string_view kind,
                                      std::string_view key,
                                      std::string_view subject,
                                      std::string_view payload) {
    auto q = Prepare(sql::kInsertEffect, "enqueue effect");
    if (!q) return q.status();
    q->Bind(1, kind)
        .Bind(2, key)
        .Bind(3, subject)
        .Bind(4, payload)
        .Bind(5, NowSeconds());
    if (auto s = q->Run(); !s.ok()) return s;
    return std::int64_t{sqlite3_last_insert_rowid(db_.get())};
  }

  StatusOr<std::int64_t> EffectIdByKey(std::string_view key) {
    auto q = Prepare(sql::kEffectByKey, "read the outbox");
    if (!q) return q.status();
    q->Bind(1, key);
    auto row = q->Step();
    if (!row) return row.status();
    if (!*row)
      return Corrupt("idempotency key " + std::string(key), "outbox entry");
    return q->Int(0);
  }

  static OutboxEntry ReadEffect(Query const& q) {
    OutboxEntry e;
    e.id = q.Int(0);
    e.kind = q.Str(1);
    e.idempotency_key = q.Str(2);
    e.subject_id = q.Str(3);
    e.payload = q.Str(4);
    e.attempts = static_cast<int>(q.Int(5));
    e.last_error = q.Str(6);
    e.created_at = q.Time(7);
    e.done = !q.IsNull(8);
    if (e.done) e.done_at = q.Time(8);
    e.remote_ref = q.Str(9);
    e.sends = static_cast<int>(q.Int(10));
    return e;
  }

  StatusOr<OutboxEntry> ReadEffectById(std::int64_t id) {
    auto q = Prepare(sql::kGetEffect, "read the outbox");
    if (!q) return q.status();
    q->Bind(1, id);
    auto row = q->Step();
    if (!row) return row.status();
    if (!*row) {
      return NotFoundError("no effect " + std::to_string(id) + " in the outbox",
                           "EFFECT_NOT_FOUND",
                           {{"effect_id", std::to_string(id)}});
    }
    return ReadEffect(*q);
  }

  // ---- migrations -----------------------------------------------------------

  StatusOr<int> StoredVersion() {
    if (damaged_) return Damaged("read the schema version");
    auto version = internal::StoredSchemaVersion(db_.get(), path_, "store");
    if (!version) return Noted(version.status());
    return version;
  }

  Status TooNew(int stored) {
    return internal::SchemaTooNew(path_, "store", stored, kLatestVersion);
  }

  /// Runs every statement of a multi-statement migration step, one prepared
  /// statement at a time.
  Status RunScript(char const* text) {
    char const* rest = text;
    while (rest != nullptr && *rest != '\0') {
      sqlite3_stmt* raw = nullptr;
      char const* tail = nullptr;
      int rc = sqlite3_prepare_v2(db_.get(), rest, -1, &raw, &tail);
      StmtPtr stmt(raw);
      if (rc != SQLITE_OK) {
        return Noted(SqliteError(db_.get(), sqlite3_extended_errcode(db_.get()),
                                 path_, "migrate"));
      }
      rest = tail;
      if (raw == nullptr) continue;  // whitespace or a comment
      while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
      }
      if (rc != SQLITE_DONE) {
        return Noted(SqliteError(db_.get(), sqlite3_extended_errcode(db_.get()),
                                 path_, "migrate"));
      }
    }
    return {};
  }

  Status Migrate() {
    auto stored = StoredVersion();
    if (!stored) return stored.status();
    if (*stored > kLatestVersion) return TooNew(*stored);
    if (*stored == kLatestVersion) {
      version_ = *stored;
      return {};
    }
    // Another process may be migrating too: decide again under the lock.
    auto status = InTx(true, [&]() -> Status {
      auto now = StoredVersion();
      if (!now) return now.status();
      if (*now > kLatestVersion) return TooNew(*now);
      if (auto s = Exec(sql::kCreateVersionTable, "migrate"); !s.ok()) return s;
      for (auto const& m : kMigrations) {
        if (m.version <= *now) continue;
        if (auto s = RunScript(m.sql); !s.ok()) return s;
        auto q = Prepare(sql::kInsertVersion, "migrate");
        if (!q) return q.status();
        q->Bind(1, std::int64_t{m.version}).Bind(2, NowSeconds());
        if (auto s = q->Run(); !s.ok()) return s;
      }
      return {};
    });
    if (status.ok()) version_ = kLatestVersion;
    return status;
  }

  std::recursive_mutex mu_;
  DbPtr db_;
  std::string path_;
  bool read_only_ = false;
  // A statement reported SQLITE_CORRUPT or SQLITE_NOTADB: every later call
  // is STORE_CORRUPT (guarded by mu_, as everything else).
  bool damaged_ = false;
  std::unordered_map<char const*, StmtPtr> statements_;
  int depth_ = 0;
  int version_ = 0;
};

}  // namespace

int SqliteStoreSchemaVersion() { return kLatestVersion; }

StatusOr<std::shared_ptr<Store>> OpenSqliteStore(StoreOptions const& options) {
  if (options.path.empty()) {
    return InvalidArgumentError("the store path is empty",
                                "STORE_PATH_MISSING");
  }
  bool memory = options.path == ":memory:";
  if (memory && options.read_only) {
    return InvalidArgumentError("a read-only store needs a file",
                                "STORE_BAD_OPTIONS");
  }
  if (auto s = internal::CheckRegularFile(options.path, "store"); !s.ok()) {
    return s;
  }
  bool create = options.create_if_missing && !options.read_only;
  if (!memory && !create) {
    std::error_code ec;
    if (!std::filesystem::exists(options.path, ec)) {
      return NotFoundError("no store at " + options.path, "STORE_NOT_FOUND",
                           {{"path", options.path}});
    }
  }
  auto db = internal::OpenDatabase(options.path, create, options.busy_timeout,
                                   "store");
  if (!db) return db.status();
  auto store = std::make_shared<SqliteStore>(*std::move(db), options.path,
                                             options.read_only);
  if (auto s = store->Init(options.check_integrity); !s.ok()) return s;
  return std::shared_ptr<Store>(std::move(store));
}

}  // namespace v1
}  // namespace sanbao
