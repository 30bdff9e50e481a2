#pragma once

// Receiving marketplace webhooks: a verifier per route checks the signature
// and extracts the event, the receiver checks freshness and writes the event
// durably to an inbox before it answers 2xx (docs/guides/webhooks.md).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/http/http.h"
#include "sanbao/status_or.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

/// One verified delivery.
struct WebhookEvent {
  std::string source{};    ///< "ebay.platform", "ebay.commerce", ...
  std::string event_id{};  ///< unique within source; deliveries deduplicate
  std::string topic{};     ///< "ReturnCreated", "MARKETPLACE_ACCOUNT_DELETION"
  std::optional<Instant> occurred_at{};  ///< as signed by the sender
  std::string payload{};                 ///< the raw body bytes
  HttpHeaders headers{};
};

/// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
/// surrogates, nothing above U+10FFFF, no truncated sequence).
bool IsValidUtf8(std::string_view text);

/// OK when every field of `event` that an inbox stores as text (source,
/// event_id, topic, each header's name and value) is valid UTF-8;
/// otherwise WEBHOOK_MALFORMED (kInvalidArgument) with metadata "field".
/// The payload is stored as bytes, as received, and is not checked.
Status CheckEventText(WebhookEvent const& event);

/// Whether request header `name` (ASCII case-insensitive) carries a
/// credential: Authorization, Proxy-Authorization, Cookie, Set-Cookie, and
/// every name containing "auth", "token", "secret", "key", "password",
/// "passwd", "credential", "session" or "cookie" (X-Api-Key, X-Auth-Token,
/// X-Shopify-Access-Token, X-Client-Secret, Api-Key, X-Session-Id, ...).
/// X-EBAY-SIGNATURE, a signature over one body that the commerce route is
/// verified by, is none.
bool IsCredentialHeader(std::string_view name);

/// Whether `name` is a hop-by-hop field (Connection, Keep-Alive,
/// Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade): it
/// describes one connection, not the delivery.
bool IsHopByHopHeader(std::string_view name);

/// The value a credential header is stored with.
inline constexpr char kRedactedHeaderValue[] = "[redacted]";

/// Prepares request headers for storage with an event: drops hop-by-hop
/// fields and replaces the value of every credential header by
/// kRedactedHeaderValue, keeping its name (the delivery had one).
void RedactHeaders(HttpHeaders& headers);

/// Checks one delivery's signature and extracts the event. Implementations
/// compare secrets in constant time and are thread-safe.
///
/// Stable reasons: WEBHOOK_SIGNATURE_MISSING (kUnauthenticated),
/// WEBHOOK_SIGNATURE_INVALID (kUnauthenticated), WEBHOOK_MALFORMED
/// (kInvalidArgument); a verifier that cannot decide now (a key server is
/// down) answers kUnavailable so that the sender retries.
class WebhookVerifier {
 public:
  virtual ~WebhookVerifier() = default;
  virtual StatusOr<WebhookEvent> Verify(ServerRequest const& request) = 0;
  /// A request that is not a delivery but that the route must answer (an
  /// endpoint ownership challenge). nullopt: not such a request.
  virtual std::optional<HttpResponse> HandleControl(ServerRequest const&) {
    return std::nullopt;
  }
  /// The status answered once a delivery is stored (or was stored before).
  /// 204 answers with no body.
  virtual int accepted_status() const { return 200; }
  /// The status answered when a delivery is refused (bad signature, stale,
  /// malformed); 0: derived from the error (401, 400, ...).
  virtual int refused_status(Status const& /*error*/) const { return 0; }
  /// The media types a delivery may carry, in lower case and without
  /// parameters ("application/json"). The receiver answers any other
  /// Content-Type, or none, 415 (WEBHOOK_UNSUPPORTED_MEDIA_TYPE) with an
  /// Accept header, before Verify() runs. Empty: any.
  virtual std::span<std::string_view const> content_types() const { return {}; }
};

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

/// Where accepted events go. Record() returns only once the event is durable:
/// true when it was stored now, false when an event with the same (source,
/// event_id) was stored before. Thread-safe.
///
/// Reading the inbox back (List, Count, MarkProcessed) is what a durable
/// inbox offers (store/sqlite's SqliteWebhookInbox); an inbox that only
/// receives keeps the default bodies, which answer UNIMPLEMENTED.
class WebhookInbox {
 public:
  virtual ~WebhookInbox() = default;
  virtual StatusOr<bool> Record(WebhookEvent const& event) = 0;
  virtual StatusOr<std::vector<StoredWebhookEvent>> List(
      WebhookInboxQuery const& /*query*/) {
    return UnimplementedError("WebhookInbox::List");
  }
  virtual StatusOr<std::int64_t> Count() {
    return UnimplementedError("WebhookInbox::Count");
  }
  /// Marks several events handled in one transaction (one flush to disk):
  /// all of them, or none and NotFound (WEBHOOK_EVENT_NOT_FOUND) naming the
  /// first unknown seq. A seq may be named twice; none is a no-op.
  virtual Status MarkProcessed(std::span<std::int64_t const> /*seqs*/,
                               Instant /*at*/) {
    return UnimplementedError("WebhookInbox::MarkProcessed");
  }
  /// Marks one event handled; NotFound (WEBHOOK_EVENT_NOT_FOUND) for an
  /// unknown seq.
  Status MarkProcessed(std::int64_t seq, Instant at) {
    return MarkProcessed(std::span<std::int64_t const>(&seq, 1), at);
  }
  /// Records `event` and calls `done` (on any thread) once the event is
  /// durable, or with the error. Implementations may group-commit events
  /// that wait at the same time. The default calls Record() inline.
  virtual void RecordAsync(WebhookEvent event,
                           std::function<void(StatusOr<bool>)> done) {
    done(Record(event));
  }
};

struct WebhookReceiverOptions {
  /// An event whose occurred_at lies further than this from now (either
  /// way) is refused: WEBHOOK_STALE (older) or WEBHOOK_FROM_FUTURE.
  std::chrono::seconds tolerance{std::chrono::minutes(5)};
  /// Refuse events without occurred_at (WEBHOOK_MALFORMED).
  bool require_timestamp = true;
  /// The clock; the system clock when empty.
  std::function<Instant()> clock{};
};

/// What happened to one request.
enum class WebhookOutcome {
  kStored,       ///< new event, durable, 200
  kDuplicate,    ///< stored before, 200, not stored again
  kControl,      ///< answered by the verifier (challenge)
  kRefused,      ///< 4xx, nothing stored
  kStoreFailed,  ///< 503, nothing stored: the sender retries
};

struct WebhookStats {
  std::uint64_t stored = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t control = 0;
  std::uint64_t refused = 0;
  std::uint64_t store_failures = 0;
};

/// Dispatches requests by path to verifiers and records accepted events.
/// Per delivery: route (404), method (405), Content-Type (415, when the
/// verifier names its content_types()), verifier (signature; 401/400), text
/// that is not UTF-8 (CheckEventText; 400; after RedactHeaders, which the
/// receiver applies to every event's headers), freshness (WEBHOOK_STALE /
/// WEBHOOK_FROM_FUTURE; 400), then inbox->Record() and only then 200. A store
/// failure answers 503 so the marketplace retries. Handle() is thread-safe; add
/// routes before serving.
class WebhookReceiver {
 public:
  explicit WebhookReceiver(std::shared_ptr<WebhookInbox> inbox,
                           WebhookReceiverOptions options = {});

  /// Routes the exact path (query ignored) to `verifier`.
  void Route(std::string path, std::shared_ptr<WebhookVerifier> verifier);

  /// Answers one request; usable as an HttpHandler.
  HttpResponse Handle(ServerRequest const& request);
  /// Like Handle(), and says what happened; `error` receives the refusal.
  HttpResponse Handle(ServerRequest const& request, WebhookOutcome& outcome,
                      Status* error = nullptr);

  /// Called once with the answer, what happened and the refusal (OK when
  /// accepted); on any thread.
  using Done = std::function<void(HttpResponse response, WebhookOutcome outcome,
                                  Status const& error)>;
  /// Like Handle(), without blocking on the disk: the inbox's RecordAsync()
  /// calls `done` once the event is durable. For HttpServer::StartAsync.
  void HandleAsync(ServerRequest const& request, Done done);

  WebhookStats stats() const;

 private:
  struct Counters;
  struct Admitted;
  std::optional<HttpResponse> Admit(ServerRequest const& request,
                                    WebhookOutcome& outcome, Status* error,
                                    Admitted& admitted);

  std::shared_ptr<WebhookInbox> inbox_;
  WebhookReceiverOptions options_;
  std::map<std::string, std::shared_ptr<WebhookVerifier>, std::less<>> routes_;
  std::shared_ptr<Counters> counters_;
};

}  // namespace v1
}  // namespace sanbao
