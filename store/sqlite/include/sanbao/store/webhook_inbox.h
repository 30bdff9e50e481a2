#pragma once

// The durable webhook inbox on SQLite: accepted deliveries are written here
// before the receiver answers 2xx, and processed later (docs/guides/
// webhooks.md). It uses its own connection to the store's database file.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sanbao/status_or.h"
#include "sanbao/time.h"
#include "sanbao/webhooks/webhook.h"

namespace sanbao {
inline namespace v1 {

struct WebhookInboxOptions {
  std::string path = "sanbao.db";
  /// How long a write waits for another connection's lock.
  std::chrono::milliseconds busy_timeout{5000};
  /// At most this many concurrent Record() calls share one transaction.
  std::size_t max_batch = 512;
  /// Read every page of the file once at open (PRAGMA quick_check) and
  /// refuse a damaged file with STORE_CORRUPT rather than write into it, as
  /// StoreOptions::check_integrity. Off when the caller has just opened the
  /// same file as a Store with the check.
  bool check_integrity = true;
};

/// Record() is durable when it returns (WAL, synchronous=FULL). Concurrent
/// calls are group-committed: one transaction (one fsync) for every event
/// that arrived while the previous transaction was being written, and each
/// call returns only after its own transaction committed. Unique on
/// (source, event_id): a second Record() of the same event returns false.
/// Errors use the store's reasons (STORE_LOCKED, STORE_CORRUPT,
/// STORE_CANNOT_OPEN, STORE_READONLY, STORE_FULL, STORE_ERROR); once a
/// statement met a damaged page every later call is STORE_CORRUPT.
/// An event whose text fields are not UTF-8 (CheckEventText) is refused,
/// WEBHOOK_MALFORMED: the payload is a BLOB, source, event id, topic and
/// headers are TEXT columns. Headers are stored after RedactHeaders: no
/// hop-by-hop field, no credential's value.
/// Thread-safe. Offers every WebhookInbox operation (List, Count and
/// MarkProcessed included).
class SqliteWebhookInbox : public WebhookInbox {
 public:
  StatusOr<bool> Record(WebhookEvent const& event) override = 0;
  StatusOr<std::vector<StoredWebhookEvent>> List(
      WebhookInboxQuery const& query) override = 0;
  StatusOr<std::int64_t> Count() override = 0;
  Status MarkProcessed(std::span<std::int64_t const> seqs,
                       Instant at) override = 0;
  using WebhookInbox::MarkProcessed;
};

/// Opens (or creates) the database file and the webhook_inbox table. Refuses,
/// leaving the file untouched, what OpenSqliteStore refuses:
/// STORE_NOT_A_FILE, STORE_CORRUPT (not a database, damaged pages) and
/// STORE_SCHEMA_TOO_NEW (a store written by a newer Sanbao).
StatusOr<std::shared_ptr<SqliteWebhookInbox>> OpenSqliteWebhookInbox(
    WebhookInboxOptions const& options);
StatusOr<std::shared_ptr<SqliteWebhookInbox>> OpenSqliteWebhookInbox(
    std::string path);

}  // namespace v1
}  // namespace sanbao
