// The SQLite webhook inbox: its own connection, WAL, synchronous=FULL, and
// a writer thread that group-commits concurrent Record() calls.
#include "sanbao/store/webhook_inbox.h"

#include <sqlite3.h>

#include <atomic>
#include <boost/json.hpp>
#include <climits>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "sanbao/store/sqlite_store.h"
#include "sqlite_util.h"

namespace sanbao {
inline namespace v1 {
namespace {

constexpr char kCreateTable[] = R"sql(
CREATE TABLE IF NOT EXISTS webhook_inbox (
  seq          INTEGER PRIMARY KEY,
  source       TEXT NOT NULL,
  event_id     TEXT NOT NULL,
  topic        TEXT NOT NULL,
  occurred_at  INTEGER,
  received_at  INTEGER NOT NULL,
  payload      BLOB NOT NULL,
  headers      TEXT NOT NULL,
  processed_at INTEGER,
  UNIQUE (source, event_id)
))sql";

constexpr char kInsert[] =
    "INSERT OR IGNORE INTO webhook_inbox (source, event_id, topic, "
    "occurred_at, received_at, payload, headers) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

constexpr char kSubject[] = "webhook inbox";

Status SqliteError(sqlite3* db, int rc, std::string const& path,
                   std::string_view what) {
  return internal::SqliteError(db, rc, path, kSubject, what);
}

using internal::DbPtr;
using internal::NowSeconds;
using internal::StmtPtr;

std::string EncodeHeaders(HttpHeaders const& given) {
  // Credentials are never stored, whoever calls the inbox: a copy is
  // redacted only when a header needs it.
  HttpHeaders redacted;
  bool redact = false;
  for (auto const& h : given) {
    redact = redact || IsHopByHopHeader(h.name) ||
             (IsCredentialHeader(h.name) && h.value != kRedactedHeaderValue);
  }
  if (redact) {
    redacted = given;
    RedactHeaders(redacted);
  }
  HttpHeaders const& headers = redact ? redacted : given;
  // Built in a stack arena (the heap only past it): this runs once per
  // delivery, and the serialized string is the one allocation kept. Each
  // pair is built in the arena too (a braced push_back would build it on the
  // heap and copy it in).
  unsigned char arena[2048];
  boost::json::monotonic_resource resource(arena, sizeof arena);
  boost::json::array array(&resource);
  array.reserve(headers.size());
  for (auto const& h : headers) {
    array.emplace_back(boost::json::array({h.name, h.value}, array.storage()));
  }
  return boost::json::serialize(array);
}

HttpHeaders DecodeHeaders(std::string_view text) {
  HttpHeaders headers;
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_array()) return headers;
  for (auto const& item : value.as_array()) {
    if (!item.is_array() || item.as_array().size() != 2) continue;
    auto const& pair = item.as_array();
    if (!pair[0].is_string() || !pair[1].is_string()) continue;
    headers.push_back(
        {std::string(pair[0].as_string()), std::string(pair[1].as_string())});
  }
  return headers;
}

std::string ColumnText(sqlite3_stmt* stmt, int column) {
  auto const* data = sqlite3_column_blob(stmt, column);
  int size = sqlite3_column_bytes(stmt, column);
  if (data == nullptr || size <= 0) return {};
  return std::string(static_cast<char const*>(data),
                     static_cast<std::size_t>(size));
}

class SqliteWebhookInboxImpl final : public SqliteWebhookInbox {
 public:
  SqliteWebhookInboxImpl(DbPtr db, WebhookInboxOptions options)
      : db_(std::move(db)), options_(std::move(options)) {}

  ~SqliteWebhookInboxImpl() override {
    {
      std::lock_guard lock(queue_mutex_);
      shutdown_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
    insert_.reset();
    begin_.reset();
    commit_.reset();
  }

  /// As the store's: nothing is written before the schema version and
  /// (check_integrity) every page were read and found fine.
  Status Init() {
    auto stored =
        internal::StoredSchemaVersion(db_.get(), options_.path, kSubject);
    if (!stored) return stored.status();
    if (*stored > SqliteStoreSchemaVersion()) {
      return internal::SchemaTooNew(options_.path, kSubject, *stored,
                                    SqliteStoreSchemaVersion());
    }
    if (options_.check_integrity && options_.path != ":memory:") {
      if (auto s = internal::QuickCheck(db_.get(), options_.path, kSubject);
          !s.ok()) {
        return s;
      }
    }
    for (char const* sql : {"PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = FULL", kCreateTable}) {
      if (auto s = Exec(sql, "initialize"); !s.ok()) return s;
    }
    for (auto [stmt, sql] :
         {std::pair{&insert_, kInsert}, std::pair{&begin_, "BEGIN IMMEDIATE"},
          std::pair{&commit_, "COMMIT"}}) {
      sqlite3_stmt* raw = nullptr;
      int rc = sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT,
                                  &raw, nullptr);
      stmt->reset(raw);
      if (rc != SQLITE_OK) return Error(rc, "prepare");
    }
    writer_ = std::thread([this] { WriterLoop(); });
    return Status();
  }

  StatusOr<bool> Record(WebhookEvent const& event) override {
    if (event.source.empty() || event.event_id.empty()) {
      return InvalidArgumentError("a webhook event needs a source and an id",
                                  "WEBHOOK_EVENT_ID_MISSING",
                                  {{"source", event.source}});
    }
    if (auto text = CheckEventText(event); !text.ok()) return text;
    if (damaged_) return Damaged("record event");
    Pending pending{.event = &event, .headers = EncodeHeaders(event.headers)};
    std::unique_lock lock(queue_mutex_);
    if (shutdown_) {
      return UnavailableError("the webhook inbox is closing", "STORE_CLOSING",
                              {{"path", options_.path}});
    }
    queue_.push_back(&pending);
    queue_cv_.notify_one();
    done_cv_.wait(lock, [&] { return pending.done; });
    return std::move(pending.result);
  }

  void RecordAsync(WebhookEvent event,
                   std::function<void(StatusOr<bool>)> done) override {
    if (event.source.empty() || event.event_id.empty()) {
      done(InvalidArgumentError("a webhook event needs a source and an id",
                                "WEBHOOK_EVENT_ID_MISSING",
                                {{"source", event.source}}));
      return;
    }
    if (auto text = CheckEventText(event); !text.ok()) {
      done(std::move(text));
      return;
    }
    if (damaged_) {
      done(Damaged("record event"));
      return;
    }
    auto pending = std::make_unique<Pending>();
    pending->owned = std::move(event);
    pending->event = &*pending->owned;
    pending->headers = EncodeHeaders(pending->event->headers);
    pending->callback = std::move(done);
    {
      std::lock_guard lock(queue_mutex_);
      if (!shutdown_) {
        queue_.push_back(pending.release());
        queue_cv_.notify_one();
        return;
      }
    }
    pending->callback(UnavailableError("the webhook inbox is closing",
                                       "STORE_CLOSING",
                                       {{"path", options_.path}}));
  }

  StatusOr<std::vector<StoredWebhookEvent>> List(
      WebhookInboxQuery const& query) override {
    std::string sql =
        "SELECT seq, source, event_id, topic, occurred_at, received_at, "
        "payload, headers, processed_at FROM webhook_inbox WHERE seq > ?1";
    if (!query.source.empty()) sql += " AND source = ?2";
    if (query.unprocessed_only) sql += " AND processed_at IS NULL";
    sql += " ORDER BY seq LIMIT ?3";
    std::lock_guard lock(db_mutex_);
    if (damaged_) return Damaged("list");
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr);
    StmtPtr stmt(raw);
    if (rc != SQLITE_OK) return Error(rc, "list");
    sqlite3_bind_int64(stmt.get(), 1, query.after_seq);
    if (!query.source.empty()) {
      sqlite3_bind_text(stmt.get(), 2, query.source.data(),
                        static_cast<int>(query.source.size()),
                        SQLITE_TRANSIENT);
    }
    sqlite3_bind_int64(stmt.get(), 3,
                       static_cast<sqlite3_int64>(std::min<std::size_t>(
                           query.limit, static_cast<std::size_t>(INT64_MAX))));
    std::vector<StoredWebhookEvent> events;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      StoredWebhookEvent e;
      e.seq = sqlite3_column_int64(stmt.get(), 0);
      e.event.source = ColumnText(stmt.get(), 1);
      e.event.event_id = ColumnText(stmt.get(), 2);
      e.event.topic = ColumnText(stmt.get(), 3);
      if (sqlite3_column_type(stmt.get(), 4) != SQLITE_NULL) {
        e.event.occurred_at =
            Instant(std::chrono::seconds(sqlite3_column_int64(stmt.get(), 4)));
      }
      e.received_at =
          Instant(std::chrono::seconds(sqlite3_column_int64(stmt.get(), 5)));
      e.event.payload = ColumnText(stmt.get(), 6);
      e.event.headers = DecodeHeaders(ColumnText(stmt.get(), 7));
      if (sqlite3_column_type(stmt.get(), 8) != SQLITE_NULL) {
        e.processed_at =
            Instant(std::chrono::seconds(sqlite3_column_int64(stmt.get(), 8)));
      }
      events.push_back(std::move(e));
    }
    if (rc != SQLITE_DONE) return Error(rc, "list");
    return events;
  }

  StatusOr<std::int64_t> Count() override {
    std::lock_guard lock(db_mutex_);
    if (damaged_) return Damaged("count");
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_.get(), "SELECT count(*) FROM webhook_inbox",
                                -1, &raw, nullptr);
    StmtPtr stmt(raw);
    if (rc != SQLITE_OK) return Error(rc, "count");
    rc = sqlite3_step(stmt.get());
    if (rc != SQLITE_ROW) return Error(rc, "count");
    return static_cast<std::int64_t>(sqlite3_column_int64(stmt.get(), 0));
  }

  using SqliteWebhookInbox::MarkProcessed;
  Status MarkProcessed(std::span<std::int64_t const> seqs,
                       Instant at) override {
    if (seqs.empty()) return Status();
    std::lock_guard lock(db_mutex_);
    if (damaged_) return Damaged("mark processed");
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(
        db_.get(), "UPDATE webhook_inbox SET processed_at = ?1 WHERE seq = ?2",
        -1, &raw, nullptr);
    StmtPtr stmt(raw);
    if (rc != SQLITE_OK) return Error(rc, "mark processed");
    if (auto s = Step(begin_.get(), "mark processed"); !s.ok()) return s;
    auto fail = [&](Status status) {
      Exec("ROLLBACK", "rollback").ok();
      return status;
    };
    for (auto seq : seqs) {
      sqlite3_reset(stmt.get());
      sqlite3_bind_int64(stmt.get(), 1, at.time_since_epoch().count());
      sqlite3_bind_int64(stmt.get(), 2, seq);
      rc = sqlite3_step(stmt.get());
      if (rc != SQLITE_DONE) return fail(Error(rc, "mark processed"));
      if (sqlite3_changes(db_.get()) == 0) {
        return fail(NotFoundError("no webhook event " + std::to_string(seq),
                                  "WEBHOOK_EVENT_NOT_FOUND",
                                  {{"seq", std::to_string(seq)}}));
      }
    }
    stmt.reset();
    if (auto s = Step(commit_.get(), "mark processed"); !s.ok()) {
      return fail(s);
    }
    return Status();
  }

 private:
  struct Pending {
    WebhookEvent const* event = nullptr;
    // Encoded by the caller's thread, off the single writer's path.
    std::string headers{};
    StatusOr<bool> result{};
    bool done = false;
    // RecordAsync: the event is owned here and `callback` gets the result.
    std::optional<WebhookEvent> owned{};
    std::function<void(StatusOr<bool>)> callback{};
  };

  // Remembers damage: once a statement met SQLITE_CORRUPT or
  // SQLITE_NOTADB, nothing more is written to the file.
  Status Error(int rc, std::string_view what) {
    auto status = SqliteError(db_.get(),
                              sqlite3_extended_errcode(db_.get()) != 0
                                  ? sqlite3_extended_errcode(db_.get())
                                  : rc,
                              options_.path, what);
    if (status.reason() == "STORE_CORRUPT") damaged_ = true;
    return status;
  }

  Status Damaged(std::string_view what) const {
    return Status(ErrorCode::kDataLoss,
                  "webhook inbox " + options_.path + ": " + std::string(what) +
                      ": refused, an earlier statement found the database "
                      "file damaged; nothing more is written to it",
                  ErrorInfo{.reason = "STORE_CORRUPT",
                            .metadata = {{"path", options_.path}}});
  }

  // Runs a prepared statement that returns no rows.
  Status Step(sqlite3_stmt* stmt, std::string_view what) {
    int rc = sqlite3_step(stmt);
    Status status = rc == SQLITE_DONE ? Status() : Error(rc, what);
    sqlite3_reset(stmt);
    return status;
  }

  Status Exec(char const* sql, std::string_view what) {
    char* message = nullptr;
    int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK) return Error(rc, what);
    return Status();
  }

  void WriterLoop() {
    std::vector<Pending*> batch;
    for (;;) {
      {
        std::unique_lock lock(queue_mutex_);
        queue_cv_.wait(lock, [&] { return shutdown_ || !queue_.empty(); });
        if (queue_.empty()) return;  // shut down and drained
        while (!queue_.empty() && batch.size() < options_.max_batch) {
          batch.push_back(queue_.front());
          queue_.pop_front();
        }
      }
      WriteBatch(batch);
      std::vector<std::unique_ptr<Pending>> async;
      {
        std::lock_guard lock(queue_mutex_);
        for (auto* pending : batch) {
          if (pending->callback) {
            async.emplace_back(pending);
          } else {
            pending->done = true;
          }
        }
      }
      done_cv_.notify_all();
      // Outside the locks: a callback may answer an HTTP request.
      for (auto& pending : async) {
        pending->callback(std::move(pending->result));
      }
      batch.clear();
    }
  }

  // One transaction for the whole batch; if it fails, each event gets its
  // own transaction so that one bad event cannot fail the others.
  void WriteBatch(std::vector<Pending*> const& batch) {
    std::lock_guard lock(db_mutex_);
    std::vector<StatusOr<bool>> results;
    if (auto s = WriteTransaction(batch, results); s.ok()) {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i]->result = std::move(results[i]);
      }
      return;
    } else if (batch.size() == 1) {
      batch[0]->result = s;
      return;
    }
    for (auto* pending : batch) {
      std::vector<StatusOr<bool>> one;
      auto s = WriteTransaction({pending}, one);
      pending->result = s.ok() ? std::move(one[0]) : StatusOr<bool>(s);
    }
  }

  Status WriteTransaction(std::vector<Pending*> const& batch,
                          std::vector<StatusOr<bool>>& results) {
    results.clear();
    if (damaged_) return Damaged("record event");
    if (auto s = Step(begin_.get(), "begin"); !s.ok()) return s;
    auto received_at = NowSeconds();
    for (auto* pending : batch) {
      auto const& e = *pending->event;
      auto* stmt = insert_.get();
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
      auto text = [&](int i, std::string const& s) {
        sqlite3_bind_text(stmt, i, s.data(), static_cast<int>(s.size()),
                          SQLITE_STATIC);
      };
      text(1, e.source);
      text(2, e.event_id);
      text(3, e.topic);
      if (e.occurred_at) {
        sqlite3_bind_int64(stmt, 4, e.occurred_at->time_since_epoch().count());
      } else {
        sqlite3_bind_null(stmt, 4);
      }
      sqlite3_bind_int64(stmt, 5, received_at);
      sqlite3_bind_blob(stmt, 6, e.payload.data(),
                        static_cast<int>(e.payload.size()), SQLITE_STATIC);
      sqlite3_bind_text(stmt, 7, pending->headers.data(),
                        static_cast<int>(pending->headers.size()),
                        SQLITE_STATIC);
      int rc = sqlite3_step(stmt);
      if (rc != SQLITE_DONE) {
        auto status = Error(rc, "record event");
        sqlite3_reset(stmt);
        Exec("ROLLBACK", "rollback").ok();
        return status;
      }
      results.push_back(sqlite3_changes(db_.get()) == 1);
    }
    sqlite3_reset(insert_.get());
    if (auto s = Step(commit_.get(), "commit"); !s.ok()) {
      Exec("ROLLBACK", "rollback").ok();
      return s;
    }
    return Status();
  }

  DbPtr db_;
  WebhookInboxOptions options_;
  std::atomic<bool> damaged_{false};
  std::mutex db_mutex_;
  StmtPtr insert_;
  StmtPtr begin_;
  StmtPtr commit_;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::condition_variable done_cv_;
  std::deque<Pending*> queue_;
  bool shutdown_ = false;
  std::thread writer_;
};

}  // namespace

StatusOr<std::shared_ptr<SqliteWebhookInbox>> OpenSqliteWebhookInbox(
    WebhookInboxOptions const& options) {
  if (options.path.empty()) {
    return InvalidArgumentError("the store path is empty",
                                "STORE_PATH_MISSING");
  }
  if (options.max_batch == 0) {
    return InvalidArgumentError("max_batch must be at least 1",
                                "STORE_BAD_OPTIONS");
  }
  auto db = internal::OpenDatabase(options.path, true, options.busy_timeout,
                                   "webhook inbox");
  if (!db) return db.status();
  auto inbox =
      std::make_shared<SqliteWebhookInboxImpl>(*std::move(db), options);
  if (auto s = inbox->Init(); !s.ok()) return s;
  return std::shared_ptr<SqliteWebhookInbox>(std::move(inbox));
}

StatusOr<std::shared_ptr<SqliteWebhookInbox>> OpenSqliteWebhookInbox(
    std::string path) {
  WebhookInboxOptions options;
  options.path = std::move(path);
  return OpenSqliteWebhookInbox(options);
}

}  // namespace v1
}  // namespace sanbao
