// The SQLite webhook inbox: its own connection in WAL mode, a writer thread
// that group-commits concurrent Record() calls, and a syncer thread that
// makes the WAL durable before those calls return.
//
// Commits run with synchronous=NORMAL (SQLite does not sync the WAL at
// commit, but still before and after each checkpoint and when the WAL is
// reused: https://www.sqlite.org/pragma.html#pragma_synchronous and
// https://www.sqlite.org/wal.html). A committed batch goes to the syncer,
// whose fdatasync of the WAL covers every frame written before it began;
// only then are the batch's callers answered. So an answered Record() is as
// durable as under synchronous=FULL, while the writer already commits the
// next batch during the sync: the disk's flush and the inserts overlap
// instead of taking turns. Where the WAL cannot be opened on its own (no
// WAL mode), commits stay synchronous=FULL.
#include "sanbao/store/webhook_inbox.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "sqlite_util.h"
#include "webhook_inbox_internal.h"

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

Status SqliteError(sqlite3* db, int rc, std::string const& path,
                   std::string_view what) {
  return store_internal::SqliteError(db, rc, path, "webhook inbox", what);
}

using store_internal::DbPtr;
using store_internal::NowSeconds;
using store_internal::StmtPtr;

std::string EncodeHeaders(HttpHeaders const& headers) {
  boost::json::array array;
  for (auto const& h : headers) array.push_back({h.name, h.value});
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
  SqliteWebhookInboxImpl(DbPtr db, WebhookInboxOptions options,
                         store_internal::FileSync sync)
      : db_(std::move(db)),
        options_(std::move(options)),
        sync_(std::move(sync)) {}

  ~SqliteWebhookInboxImpl() override {
    {
      std::lock_guard lock(queue_mutex_);
      shutdown_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
    // The writer has handed over its last batch: the syncer drains it.
    {
      std::lock_guard lock(sync_mutex_);
      sync_shutdown_ = true;
    }
    sync_cv_.notify_all();
    if (syncer_.joinable()) syncer_.join();
    insert_.reset();
    begin_.reset();
    commit_.reset();
    if (wal_fd_ >= 0) ::close(wal_fd_);
  }

  // Creates the table under synchronous=FULL (the first commit also syncs
  // the directory that holds the new files), then opens the WAL for the
  // syncer and turns to synchronous=NORMAL.
  Status Init() {
    for (char const* sql : {"PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = FULL", kCreateTable}) {
      if (auto s = Exec(sql, "initialize"); !s.ok()) return s;
    }
    if (auto s = OpenWal(); !s.ok()) return s;
    pipelined_ = wal_fd_ >= 0;
    if (pipelined_) {
      if (auto s = Exec("PRAGMA synchronous = NORMAL", "initialize"); !s.ok()) {
        return s;
      }
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
    if (pipelined_) syncer_ = std::thread([this] { SyncLoop(); });
    return Status();
  }

  StatusOr<bool> Record(WebhookEvent const& event) override {
    if (event.source.empty() || event.event_id.empty()) {
      return InvalidArgumentError("a webhook event needs a source and an id",
                                  "WEBHOOK_EVENT_ID_MISSING",
                                  {{"source", event.source}});
    }
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
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_.get(), "SELECT count(*) FROM webhook_inbox",
                                -1, &raw, nullptr);
    StmtPtr stmt(raw);
    if (rc != SQLITE_OK) return Error(rc, "count");
    rc = sqlite3_step(stmt.get());
    if (rc != SQLITE_ROW) return Error(rc, "count");
    return static_cast<std::int64_t>(sqlite3_column_int64(stmt.get(), 0));
  }

  Status MarkProcessed(std::int64_t seq, Instant at) override {
    std::lock_guard lock(db_mutex_);
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(
        db_.get(), "UPDATE webhook_inbox SET processed_at = ?1 WHERE seq = ?2",
        -1, &raw, nullptr);
    StmtPtr stmt(raw);
    if (rc != SQLITE_OK) return Error(rc, "mark processed");
    sqlite3_bind_int64(stmt.get(), 1, at.time_since_epoch().count());
    sqlite3_bind_int64(stmt.get(), 2, seq);
    rc = sqlite3_step(stmt.get());
    if (rc != SQLITE_DONE) return Error(rc, "mark processed");
    if (sqlite3_changes(db_.get()) == 0) {
      return NotFoundError("no webhook event " + std::to_string(seq),
                           "WEBHOOK_EVENT_NOT_FOUND",
                           {{"seq", std::to_string(seq)}});
    }
    // Durable when it returns, like Record().
    return pipelined_ ? SyncWal() : Status();
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

  Status Error(int rc, std::string_view what) {
    return SqliteError(db_.get(),
                       sqlite3_extended_errcode(db_.get()) != 0
                           ? sqlite3_extended_errcode(db_.get())
                           : rc,
                       options_.path, what);
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
      if (auto failed = WalFailure(); !failed.ok()) {
        for (auto* pending : batch) pending->result = failed;
      } else {
        WriteBatch(batch);
      }
      if (!pipelined_) {
        Finish(batch, Status());  // committed under synchronous=FULL
      } else {
        std::unique_lock lock(sync_mutex_);
        unsynced_.insert(unsynced_.end(), batch.begin(), batch.end());
        sync_cv_.notify_one();
        // One batch ahead of the disk at most: wait until a sync has taken
        // this one, so that what arrives meanwhile makes the next batch
        // larger rather than making more, smaller commits.
        taken_cv_.wait(lock, [&] { return unsynced_.empty(); });
      }
      batch.clear();
    }
  }

  // Answers batches once a sync that began after their commit has ended.
  void SyncLoop() {
    std::vector<Pending*> batch;
    for (;;) {
      {
        std::unique_lock lock(sync_mutex_);
        sync_cv_.wait(lock,
                      [&] { return sync_shutdown_ || !unsynced_.empty(); });
        if (unsynced_.empty()) return;  // shut down and drained
        batch.swap(unsynced_);
      }
      taken_cv_.notify_one();  // the writer may commit its next batch
      Finish(batch, SyncWal());
      batch.clear();
    }
  }

  // Hands each call its result (`synced`'s error if the WAL sync failed).
  void Finish(std::vector<Pending*> const& batch, Status const& synced) {
    if (!synced.ok()) {
      for (auto* pending : batch) {
        if (pending->result.ok()) pending->result = synced;
      }
    }
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
  }

  // The WAL's path, opened read-only for fdatasync; its directory is synced
  // once so that the file itself survives a crash. fd -1 (commits stay
  // synchronous=FULL) when the database is not in WAL mode.
  Status OpenWal() {
    sqlite3_stmt* raw = nullptr;
    int rc =
        sqlite3_prepare_v2(db_.get(), "PRAGMA journal_mode", -1, &raw, nullptr);
    StmtPtr stmt(raw);
    if (rc != SQLITE_OK) return Error(rc, "initialize");
    if (sqlite3_step(stmt.get()) != SQLITE_ROW ||
        ColumnText(stmt.get(), 0) != "wal") {
      return Status();
    }
    char const* db_file = sqlite3_db_filename(db_.get(), "main");
    if (db_file == nullptr || *db_file == '\0') return Status();
    wal_path_ = sqlite3_filename_wal(db_file);
    std::lock_guard lock(wal_mutex_);
    return ReopenWal();
  }

  // Called with wal_mutex_ held.
  Status ReopenWal() {
    int fd = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return SyncError(errno, "open the write-ahead log");
    if (wal_fd_ >= 0) ::close(wal_fd_);
    wal_fd_ = fd;
    auto dir = std::filesystem::path(wal_path_).parent_path();
    int dir_fd = ::open(dir.empty() ? "." : dir.c_str(),
                        O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) return SyncError(errno, "open the store's directory");
    int err = store_internal::SyncFileData(dir_fd);
    ::close(dir_fd);
    if (err != 0) return SyncError(err, "sync the store's directory");
    return Status();
  }

  // Makes the WAL durable up to now. After a failure nothing more is
  // written: the kernel may have dropped the pages it could not write, so a
  // later sync that succeeds would prove nothing about them.
  Status SyncWal() {
    std::lock_guard lock(wal_mutex_);
    if (!wal_failure_.ok()) return wal_failure_;
    // The WAL is replaced only when the last connection closes, and ours is
    // open; checked anyway, as a sync of a stale file would prove nothing.
    struct stat open_file {};
    struct stat named {};
    Status status;
    if (::fstat(wal_fd_, &open_file) != 0 ||
        ::stat(wal_path_.c_str(), &named) != 0 ||
        open_file.st_ino != named.st_ino || open_file.st_dev != named.st_dev) {
      status = ReopenWal();
    }
    if (status.ok()) {
      if (int err = sync_(wal_fd_); err != 0) {
        status = SyncError(err, "sync the write-ahead log");
      }
    }
    if (!status.ok()) {
      wal_failure_ = std::move(status).WithMetadata(
          "effect", "the inbox takes no more events until it is reopened");
      failed_.store(true);
    }
    return wal_failure_;
  }

  Status WalFailure() {
    if (!failed_.load()) return Status();
    std::lock_guard lock(wal_mutex_);
    return wal_failure_;
  }

  Status SyncError(int err, std::string_view what) {
    bool full = err == ENOSPC || err == EDQUOT;
    auto status = SqliteError(
        nullptr, full ? SQLITE_FULL : SQLITE_IOERR_FSYNC, options_.path,
        std::string(what) + " (" + std::generic_category().message(err) + ")");
    return std::move(status).WithMetadata("errno", std::to_string(err));
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

  store_internal::FileSync sync_;
  std::mutex sync_mutex_;
  std::condition_variable sync_cv_;   // the syncer waits for batches
  std::condition_variable taken_cv_;  // the writer waits for the syncer
  std::vector<Pending*> unsynced_;    // committed, not yet synced
  bool sync_shutdown_ = false;
  std::thread syncer_;

  std::mutex wal_mutex_;
  std::string wal_path_;
  int wal_fd_ = -1;
  bool pipelined_ = false;  // set before the threads start
  Status wal_failure_;
  std::atomic<bool> failed_{false};
};

}  // namespace

namespace store_internal {

int SyncFileData(int fd) {
  for (;;) {
#if defined(__linux__)
    int rc = ::fdatasync(fd);
#else
    int rc = ::fsync(fd);
#endif
    if (rc == 0) return 0;
    if (errno != EINTR) return errno;
  }
}

StatusOr<std::shared_ptr<SqliteWebhookInbox>> OpenSqliteWebhookInbox(
    WebhookInboxOptions const& options, FileSync sync) {
  if (options.path.empty()) {
    return InvalidArgumentError("the store path is empty",
                                "STORE_PATH_MISSING");
  }
  if (options.max_batch == 0) {
    return InvalidArgumentError("max_batch must be at least 1",
                                "STORE_BAD_OPTIONS");
  }
  auto db =
      OpenDatabase(options.path, true, options.busy_timeout, "webhook inbox");
  if (!db) return db.status();
  auto inbox = std::make_shared<SqliteWebhookInboxImpl>(*std::move(db), options,
                                                        std::move(sync));
  if (auto s = inbox->Init(); !s.ok()) return s;
  return std::shared_ptr<SqliteWebhookInbox>(std::move(inbox));
}

}  // namespace store_internal

StatusOr<std::shared_ptr<SqliteWebhookInbox>> OpenSqliteWebhookInbox(
    WebhookInboxOptions const& options) {
  return store_internal::OpenSqliteWebhookInbox(options,
                                                store_internal::SyncFileData);
}

StatusOr<std::shared_ptr<SqliteWebhookInbox>> OpenSqliteWebhookInbox(
    std::string path) {
  WebhookInboxOptions options;
  options.path = std::move(path);
  return OpenSqliteWebhookInbox(options);
}

}  // namespace v1
}  // namespace sanbao
