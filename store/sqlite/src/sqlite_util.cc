#include "sqlite_util.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <map>
#include <utility>

namespace sanbao {
inline namespace v1 {
namespace internal {

std::int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status SqliteError(sqlite3* db, int rc, std::string const& path,
                   std::string_view subject, std::string_view what) {
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::map<std::string, std::string> md{{"path", path},
                                        {"sqlite_code", std::to_string(rc)},
                                        {"sqlite_message", detail}};
  std::string where =
      std::string(subject) + " " + path + ": " + std::string(what) + ": ";
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError(
          where + "the database is locked by another connection (" + detail +
              "); try again later",
          "STORE_LOCKED", std::move(md));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status(
          ErrorCode::kDataLoss,
          where + "the database file is corrupt or not a Sanbao database (" +
              detail + "); it was left untouched",
          ErrorInfo{.reason = "STORE_CORRUPT", .metadata = std::move(md)});
    case SQLITE_CANTOPEN:
      return UnavailableError(
          where + "cannot open the database file (" + detail + ")",
          "STORE_CANNOT_OPEN", std::move(md));
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return FailedPreconditionError(
          where + "the database is read-only (" + detail + ")",
          "STORE_READONLY", std::move(md));
    case SQLITE_FULL:
      return Status(
          ErrorCode::kResourceExhausted,
          where + "the disk is full (" + detail + ")",
          ErrorInfo{.reason = "STORE_FULL", .metadata = std::move(md)});
    default:
      return InternalError(where + detail, "STORE_ERROR", std::move(md));
  }
}

namespace {

char const* FileKind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

Status CheckRegularFile(std::string const& path, std::string_view subject) {
  if (path == ":memory:") return Status();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status();  // missing: SQLite says
  if (S_ISREG(st.st_mode)) return Status();
  std::string kind = FileKind(st.st_mode);
  return InvalidArgumentError(
      std::string(subject) + " " + path + " is " + kind +
          ", not a regular file: give the path of a "
          "database file; nothing was opened",
      "STORE_NOT_A_FILE", {{"path", path}, {"file_type", kind}});
}

StatusOr<DbPtr> OpenDatabase(std::string const& path, bool create,
                             std::chrono::milliseconds busy_timeout,
                             std::string_view subject) {
  if (auto s = CheckRegularFile(path, subject); !s.ok()) return s;
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    return SqliteError(db.get(), db ? sqlite3_extended_errcode(db.get()) : rc,
                       path, subject, "open");
  }
  sqlite3_extended_result_codes(db.get(), 1);
  // Every b-tree page read is checked for cells that overlap or overrun it,
  // so that a damaged page is reported (SQLITE_CORRUPT) before a write on it.
  if (int crc = sqlite3_exec(db.get(), "PRAGMA cell_size_check = ON", nullptr,
                             nullptr, nullptr);
      crc != SQLITE_OK) {
    return SqliteError(db.get(), sqlite3_extended_errcode(db.get()), path,
                       subject, "configure the connection");
  }
  auto timeout = busy_timeout.count();
  sqlite3_busy_timeout(
      db.get(),
      timeout < 0 ? 0
                  : (timeout > INT_MAX ? INT_MAX : static_cast<int>(timeout)));
  return db;
}

Status QuickCheck(sqlite3* db, std::string const& path,
                  std::string_view subject) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &raw, nullptr);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) {
    return SqliteError(db, sqlite3_extended_errcode(db), path, subject,
                       "check the file");
  }
  rc = sqlite3_step(raw);
  if (rc != SQLITE_ROW) {
    return SqliteError(db, sqlite3_extended_errcode(db), path, subject,
                       "check the file");
  }
  auto const* text = reinterpret_cast<char const*>(sqlite3_column_text(raw, 0));
  std::string finding = text != nullptr ? text : "";
  if (finding == "ok") return Status();
  return Status(
      ErrorCode::kDataLoss,
      std::string(subject) + " " + path +
          ": the database file has damaged pages (PRAGMA quick_check: " +
          finding + "); it was left untouched",
      ErrorInfo{.reason = "STORE_CORRUPT",
                .metadata = {{"path", path}, {"check", finding}}});
}

StatusOr<int> StoredSchemaVersion(sqlite3* db, std::string const& path,
                                  std::string_view subject) {
  auto query = [&](char const* sql) -> StatusOr<std::int64_t> {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
    StmtPtr stmt(raw);
    if (rc == SQLITE_OK) rc = sqlite3_step(raw);
    if (rc != SQLITE_ROW) {
      return SqliteError(db, sqlite3_extended_errcode(db), path, subject,
                         "read the schema version");
    }
    return std::int64_t{sqlite3_column_int64(raw, 0)};
  };
  auto has = query(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
      "'schema_version'");
  if (!has) return has.status();
  if (*has == 0) return 0;
  auto version = query("SELECT coalesce(max(version), 0) FROM schema_version");
  if (!version) return version.status();
  if (*version > INT_MAX) return INT_MAX;
  if (*version < 0) return 0;
  return static_cast<int>(*version);
}

Status SchemaTooNew(std::string const& path, std::string_view subject,
                    int stored, int supported) {
  return FailedPreconditionError(
      std::string(subject) + " " + path + " has schema version " +
          std::to_string(stored) + ", newer than this Sanbao's " +
          std::to_string(supported) +
          "; upgrade Sanbao to open it (the file was left untouched)",
      "STORE_SCHEMA_TOO_NEW",
      {{"path", path},
       {"schema_version", std::to_string(stored)},
       {"supported_version", std::to_string(supported)}});
}

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
