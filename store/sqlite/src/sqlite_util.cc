#include "sqlite_util.h"

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

StatusOr<DbPtr> OpenDatabase(std::string const& path, bool create,
                             std::chrono::milliseconds busy_timeout,
                             std::string_view subject) {
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
  auto timeout = busy_timeout.count();
  sqlite3_busy_timeout(
      db.get(),
      timeout < 0 ? 0
                  : (timeout > INT_MAX ? INT_MAX : static_cast<int>(timeout)));
  return db;
}

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
