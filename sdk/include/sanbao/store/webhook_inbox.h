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

struct StoredWebhookEvent {
  std::int64_t seq = 0;  ///< arrival order, increasing
  WebhookEvent event{};
  Instant received_at{};
  std::optional<Instant> processed_at{};
};

struct WebhookInboxQuery {
  std::string source{};  ///< empty: every source
  bool unprocessed_only = false;
  std::int64_t after_seq = 0;  ///< only events with a larger seq
  std::size_t limit = 100;
};

struct WebhookInboxOptions {
  std::string path = "sanbao.db";
  /// How long a write waits for another connection's lock.
  std::chrono::milliseconds busy_timeout{5000};
  /// At most this many concurrent Record() calls share one transaction.
  std::size_t max_batch = 512;
};

/// Record() is durable when it returns (WAL, synchronous=FULL). Concurrent
/// calls are group-committed: one transaction (one fsync) for every event
/// that arrived while the previous transaction was being written, and each
/// call returns only after its own transaction committed. Unique on
/// (source, event_id): a second Record() of the same event returns false.
/// Errors use the store's reasons (STORE_LOCKED, STORE_CORRUPT,
/// STORE_CANNOT_OPEN, STORE_READONLY, STORE_FULL, STORE_ERROR).
/// Thread-safe.
class SqliteWebhookInbox : public WebhookInbox {
 public:
  StatusOr<bool> Record(WebhookEvent const& event) override = 0;
  virtual StatusOr<std::vector<StoredWebhookEvent>> List(
      WebhookInboxQuery const& query) = 0;
  virtual StatusOr<std::int64_t> Count() = 0;
  /// Marks several events handled in one transaction (one flush to disk):
  /// all of them, or none and NotFound (WEBHOOK_EVENT_NOT_FOUND) naming the
  /// first unknown seq. A seq may be named twice; none is a no-op.
  virtual Status MarkProcessed(std::span<std::int64_t const> seqs,
                               Instant at) = 0;
  /// Marks one event handled; NotFound (WEBHOOK_EVENT_NOT_FOUND) for an
  /// unknown seq.
  Status MarkProcessed(std::int64_t seq, Instant at) {
    return MarkProcessed(std::span<std::int64_t const>(&seq, 1), at);
  }
};

/// Opens (or creates) the database file and the webhook_inbox table.
StatusOr<std::shared_ptr<SqliteWebhookInbox>> OpenSqliteWebhookInbox(
    WebhookInboxOptions const& options);
StatusOr<std::shared_ptr<SqliteWebhookInbox>> OpenSqliteWebhookInbox(
    std::string path);

}  // namespace v1
}  // namespace sanbao
