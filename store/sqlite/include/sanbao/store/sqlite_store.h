#pragma once

// The embedded default Store on SQLite (docs/guides/store.md). Link
// sanbao::store_sqlite; SQLite itself is a private dependency.

#include <chrono>
#include <memory>
#include <string>

#include "sanbao/status_or.h"
#include "sanbao/store/store.h"

namespace sanbao {
inline namespace v1 {

struct StoreOptions {
  std::string path = "sanbao.db";
  /// How long a call waits for another connection's write lock before it
  /// fails with STORE_LOCKED.
  std::chrono::milliseconds busy_timeout{5000};
  /// Create the file (and the schema) when there is none; otherwise
  /// STORE_NOT_FOUND.
  bool create_if_missing = true;
  /// Only read: the file is never created, migrated or written (every write
  /// is STORE_READONLY, PRAGMA query_only), and a file without a Sanbao
  /// schema (an empty file) is STORE_NOT_FOUND. Implies !create_if_missing.
  bool read_only = false;
  /// Before a writable store is used, read every page of the file once
  /// (PRAGMA quick_check) and refuse a damaged file with STORE_CORRUPT
  /// rather than write into it. Costs a read of the whole file at open
  /// (docs/guides/store.md, "Damaged files"); read_only stores never check.
  bool check_integrity = true;
};

/// The schema version this build writes.
int SqliteStoreSchemaVersion();

/// Opens (or creates) the database at options.path: WAL journal,
/// synchronous=FULL, foreign keys on, pending migrations applied in one
/// transaction. A file that is not a database, or a damaged one, is
/// STORE_CORRUPT and is never touched, and so is every later call once any
/// statement met damage; a database from a newer Sanbao is
/// STORE_SCHEMA_TOO_NEW; a path that is not a regular file (a directory,
/// /dev/null) is STORE_NOT_A_FILE.
StatusOr<std::shared_ptr<Store>> OpenSqliteStore(StoreOptions const& options);

}  // namespace v1
}  // namespace sanbao
