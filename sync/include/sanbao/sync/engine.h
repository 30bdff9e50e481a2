#pragma once

// The returns sync: pulls a marketplace's returns through a
// ReturnsConnection into the Store, decides each new or changed return with
// the policy engine and the seller's rules, and pushes decisions and refunds
// back through the store's outbox (docs/guides/sync.md).
//
// Exactly once, whatever happens: every page is committed in one transaction
// together with the outbox entries it creates and the cursor that points
// past it. A run killed at any moment resumes from that cursor; an effect
// whose outcome was lost is re-checked against the marketplace before it is
// sent again (ReturnsConnection::IssueRefund), so a refund is never issued
// twice.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sanbao/connection.h"
#include "sanbao/policy/engine.h"
#include "sanbao/status_or.h"
#include "sanbao/store/store.h"
#include "sanbao/sync/change_feed.h"
#include "sanbao/sync/rules.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

struct SyncProgress {
  std::int64_t done = 0;   ///< returns handled so far in this run
  std::int64_t total = 0;  ///< the marketplace's count, once known (0 before)
  std::chrono::steady_clock::duration elapsed{};
};

struct SyncOptions {
  /// Names the cursor and prefixes the ids ("<connector>:<id>"); empty: the
  /// connection's ReturnsCapabilities::marketplace.
  std::string connector{};
  std::string account = "default";  ///< one cursor per account
  std::function<Instant()> now{};   ///< default: the system clock
  /// The first run looks this far back (capped by the marketplace's limit).
  std::chrono::days lookback{90};
  /// Later runs rescan this far behind the last return seen, to catch
  /// returns that became visible late and recent changes.
  std::chrono::days overlap{7};
  /// Longest creation-date window one query covers.
  std::chrono::days slice{30};
  int page_size = 0;  ///< 0: the connection's maximum
  /// Outbox effects sent in parallel. (A page's full records and orders go
  /// through the connection's GetReturns/GetOrders: its transport sets how
  /// many are in flight, e.g. CurlOptions::max_connections.)
  int fetch_workers = 4;
  /// Explained decisions kept in the summary (one per buyer country).
  int sample_decisions = 3;
  std::function<void(SyncProgress const&)> on_progress{};
  /// Returns announced as changed (e.g. a marketplace's notifications in the
  /// webhook inbox, MakeWebhookInboxChangeFeed): after the creation-date
  /// window, each is read again and handled like a return of a page,
  /// however old. Null: none.
  std::shared_ptr<ReturnChangeFeed> changes{};
};

/// One decision the sync made, with the engine's explanation.
struct SyncDecisionSample {
  std::string return_id{};
  std::string buyer_jurisdiction{};
  std::string action{};  ///< "approve", "decline", "refund", "review"
  std::string explanation{};
};

struct SyncSummary {
  std::int64_t fetched = 0;  ///< returns read from the marketplace
  std::int64_t created = 0;  ///< new in the store
  std::int64_t updated = 0;  ///< changed state
  std::int64_t unchanged = 0;
  std::int64_t approved = 0;  ///< approvals sent
  std::int64_t declined = 0;  ///< declines sent
  std::int64_t refunded = 0;  ///< refunds sent (or found already issued)
  std::int64_t review = 0;    ///< left for a person by the rules
  std::int64_t errors = 0;    ///< returns or effects that failed
  std::int64_t pages = 0;
  std::int64_t notices =
      0;                 ///< announced changes handled (SyncOptions::changes)
  bool resumed = false;  ///< continued an interrupted run
  std::vector<std::string> error_messages{};  ///< the first few
  std::vector<SyncDecisionSample> samples{};
};

class ReturnsSync {
 public:
  ReturnsSync(ReturnsConnection& connection, Store& store,
              PolicyEngine const& engine, SellerRules rules,
              SyncOptions options);

  /// Runs until every page is in the store and the outbox is drained.
  /// Errors are store failures and marketplace failures that outlast the
  /// transport's retries; per-return problems are counted in the summary.
  StatusOr<SyncSummary> Run();

 private:
  struct State;
  Status ReadAnnounced(State& st, std::string const& cursor,
                       std::size_t page_size);
  ReturnsConnection& connection_;
  Store& store_;
  PolicyEngine const& engine_;
  SellerRules rules_;
  SyncOptions options_;
};

/// The summary as JSON (the CLI's --json output).
std::string SyncSummaryToJson(SyncSummary const& summary);

}  // namespace v1
}  // namespace sanbao
