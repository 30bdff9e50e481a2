#pragma once

// A local eBay simulator: the Post-Order v2 returns API, Sell Fulfillment
// getOrder, the OAuth token endpoint, an Analytics-like rate-limit endpoint
// and Platform Notification (SOAP) deliveries, with deterministic data and
// scriptable faults. The wire shapes follow eBay's Post-Order API reference
// (https://developer.ebay.com/Devzone/post-order/index.html) and the
// fixtures in tests/fixtures/marketplaces/ebay/ (docs/guides/sandbox.md).
//
// EbaySandbox is a pure request handler: Handle() can be called directly
// (tests do) or behind any HTTP server (the CLI serves it with
// sanbao::server_beast). Handle() is thread-safe and may block (latency and
// slow-response faults sleep through the injected sleeper).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sanbao/http/http.h"
#include "sanbao/status_or.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {

struct EbaySandboxOptions {
  /// Data is a pure function of (seed, index); the same seed and count give
  /// the same returns byte for byte.
  std::uint64_t seed = 1;
  /// How many returns exist at start (up to tens of millions: returns are
  /// generated on demand, only their mutable state is stored).
  std::int64_t returns = 5000;
  /// The sandbox clock. Called for every request; default: the system
  /// clock. Tests pass a manual clock.
  std::function<Instant()> clock{};
  /// Generated creation dates lie in the ~60 days before this instant;
  /// default: clock() at Create().
  std::optional<Instant> now{};
  /// Lifetime of issued access tokens.
  std::chrono::seconds token_ttl{7200};
  /// ISO 3166 alpha-2 country of the seller: US, GB, DE, FR, IT, ES, NL,
  /// IE, CA or AU. EU and GB sellers must sign decide and issue_refund.
  std::string seller_country = "US";
  std::string seller_login = "sanbao_demo_seller";

  // Credentials. The token endpoint takes HTTP Basic client_id:client_secret
  // and a refresh_token grant with `refresh_token`.
  std::string client_id = "SanbaoSa-Sandbox-PRD-000000000-00000000";
  std::string client_secret = "PRD-SANDBOX-CERT-0000";
  std::string refresh_token = "v^1.1#i^1#r^1#sanbao-sandbox-refresh-token";
  std::string dev_id = "DEV-ID-0000-SANDBOX";

  /// Share of API calls answered with HTTP 500 (0..1), drawn from a
  /// generator seeded with `seed`.
  double fail_rate = 0.0;
  /// Added to every API call.
  std::chrono::milliseconds latency{0};
  /// Daily Post-Order and Fulfillment call quota (UTC day of the sandbox
  /// clock); 0: unlimited.
  std::int64_t daily_quota = 0;

  /// A refund answers PENDING; it settles (SUCCESS, return CLOSED) after
  /// this many reads of the return or this much sandbox time, whichever
  /// comes first.
  int refund_settle_reads = 2;
  std::chrono::seconds refund_settle_delay{60};

  /// Eventual consistency: a write shows on GET and search only this long
  /// after it was made (the write itself takes effect at once).
  std::chrono::seconds visibility_delay{0};

  /// Platform Notifications: POSTed to `webhook_url` through
  /// `webhook_transport` from a background thread, retried with backoff
  /// until HTTP 200, at most `webhook_max_attempts` times.
  std::string webhook_url{};
  std::shared_ptr<HttpTransport> webhook_transport{};
  int webhook_max_attempts = 8;
  std::chrono::milliseconds webhook_initial_backoff{200};
  /// Deliver every notification twice (duplicate-delivery tests).
  bool webhook_duplicate = false;
  /// Recipient's ExternalUserData in notifications.
  std::string webhook_external_user_data = "sanbao";

  /// Blocks for the given time; default std::this_thread::sleep_for.
  /// Tests pass one that records instead of sleeping.
  std::function<void(std::chrono::milliseconds)> sleeper{};
};

/// Counters served by GET /sandbox/v1/stats.
struct EbaySandboxStats {
  std::int64_t returns = 0;
  std::int64_t refund_calls = 0;
  std::int64_t refunds_issued = 0;
  std::int64_t max_refunds_per_return = 0;
  std::vector<std::string> returns_refunded_more_than_once{};
  std::int64_t decisions = 0;
  std::int64_t rate_limited = 0;
  std::int64_t faults_injected = 0;
  std::int64_t tokens_issued = 0;
  std::int64_t webhooks_delivered = 0;
  std::int64_t webhooks_failed = 0;
};

class EbaySandbox {
 public:
  /// Errors: kInvalidArgument with reason SANDBOX_BAD_OPTION (metadata
  /// "option") for an unsupported seller country, a negative count, a
  /// fail rate outside 0..1 or webhook_url without a transport.
  static StatusOr<std::unique_ptr<EbaySandbox>> Create(
      EbaySandboxOptions options);

  /// Stops the notification thread (pending deliveries are dropped).
  ~EbaySandbox();
  EbaySandbox(EbaySandbox const&) = delete;
  EbaySandbox& operator=(EbaySandbox const&) = delete;

  /// Answers one request. Never fails: errors are HTTP responses.
  HttpResponse Handle(ServerRequest const& request);

  EbaySandboxStats Stats() const;
  /// The seller's currency (ISO 4217).
  std::string seller_currency() const;
  EbaySandboxOptions const& options() const;

  /// Blocks until every queued notification was delivered or given up.
  void FlushWebhooks();

  class Impl;

 private:
  explicit EbaySandbox(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Jurisdiction ids (sdk/data/jurisdictions/<id>.json) of every buyer
/// location the generator uses.
std::vector<std::string> EbaySandboxBuyerJurisdictions();

}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
