#pragma once

// What the SQLite store and the webhook inbox share: handle owners, the
// clock they stamp rows with, and one mapping of SQLite result codes to
// Sanbao's Status reasons (docs/guides/store.md).

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sanbao/status.h"
#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {
namespace internal {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

/// Seconds since the Unix epoch, now.
std::int64_t NowSeconds();

/// The Status for SQLite result `rc` on `db` (may be null) while `subject`
/// ("store PATH", "webhook inbox PATH") was doing `what`. Reasons:
/// STORE_LOCKED, STORE_CORRUPT, STORE_CANNOT_OPEN, STORE_READONLY,
/// STORE_FULL, STORE_ERROR; metadata "path", "sqlite_code",
/// "sqlite_message".
Status SqliteError(sqlite3* db, int rc, std::string const& path,
                   std::string_view subject, std::string_view what);

/// OK when `path` is ":memory:", does not exist, or is a regular file (or a
/// symbolic link to one). Anything else (a directory, /dev/null, a FIFO, a
/// socket) is STORE_NOT_A_FILE (kInvalidArgument): SQLite would block on a
/// FIFO, and next to a device it would create its journal (/dev/null-journal).
Status CheckRegularFile(std::string const& path, std::string_view subject);

/// Opens `path` for reading and writing (creating it when `create`) with
/// extended result codes, cell size checks and `busy_timeout`; errors as
/// SqliteError with `subject`. Refuses what CheckRegularFile refuses.
StatusOr<DbPtr> OpenDatabase(std::string const& path, bool create,
                             std::chrono::milliseconds busy_timeout,
                             std::string_view subject);

/// PRAGMA quick_check: reads every page of the file (b-tree structure, cell
/// and record formats, the freelist, NOT NULL constraints; not index contents
/// against tables) and writes nothing. Damage is STORE_CORRUPT with metadata
/// "check" (SQLite's first finding).
Status QuickCheck(sqlite3* db, std::string const& path,
                  std::string_view subject);

/// The highest version in the schema_version table; 0 when there is none.
StatusOr<int> StoredSchemaVersion(sqlite3* db, std::string const& path,
                                  std::string_view subject);

/// STORE_SCHEMA_TOO_NEW (kFailedPrecondition) for a file written by a newer
/// Sanbao.
Status SchemaTooNew(std::string const& path, std::string_view subject,
                    int stored, int supported);

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
