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
};

/// The schema version this build writes.
int SqliteStoreSchemaVersion();

/// Opens (or creates) the database at options.path: WAL journal,
/// synchronous=FULL, foreign keys on, pending migrations applied in one
/// transaction. A file that is not a database, or a damaged one, is
/// STORE_CORRUPT and is never touched; a database from a newer Sanbao is
/// STORE_SCHEMA_TOO_NEW.
StatusOr<std::shared_ptr<Store>> OpenSqliteStore(StoreOptions const& options);

}  // namespace v1
}  // namespace sanbao
