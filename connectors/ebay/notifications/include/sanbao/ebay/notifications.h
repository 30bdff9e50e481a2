#pragma once

// eBay webhook verifiers (sanbao::ebay_notifications), both usable as
// routes of a sanbao::WebhookReceiver (docs/guides/webhooks.md).
//
//  * Platform Notifications (Trading API, SOAP/XML) carry the return events
//    ReturnCreated ... ReturnClosed (eBay Return Management API:
//    NotificationEventType,
//    https://developer.ebay.com/Devzone/return-management/CallRef/types/NotificationEventType.html).
//    NotificationSignature = base64(MD5(Timestamp + DevID + AppID + CertID)),
//    https://developer.ebay.com/support/kb-article?KBid=1201.
//  * The Commerce Notification API (JSON) signs with ECDSA: X-EBAY-SIGNATURE
//    is base64 JSON {alg, kid, signature, digest}; the public key comes from
//    GET /commerce/notification/v1/public_key/{kid} with an application
//    token (lib/validator.js, lib/client.js of
//    https://github.com/eBay/event-notification-nodejs-sdk). It has no return
//    topics (Notification API release notes,
//    https://developer.ebay.com/develop/api/notification-api/release-notes).

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sanbao/http/http.h"
#include "sanbao/status_or.h"
#include "sanbao/time.h"
#include "sanbao/webhooks/webhook.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {

// ---- Platform Notifications (SOAP) -----------------------------------------

/// WebhookEvent::source of the platform notifications the verifier admits.
inline constexpr char kPlatformNotificationSource[] = "ebay.platform";

/// The Trading API application keys the signature is computed from.
struct PlatformNotificationKeys {
  std::string dev_id{};
  std::string app_id{};
  std::string cert_id{};
};

/// The fields of a platform notification that Sanbao uses; missing
/// optional elements are empty.
struct PlatformNotification {
  std::string signature{};   ///< NotificationSignature (SOAP header)
  std::string timestamp{};   ///< Timestamp, exactly as sent (signed)
  Instant occurred_at{};     ///< Timestamp, fractional seconds truncated
  std::string event_name{};  ///< NotificationEventName: "ReturnCreated"
  std::string recipient_user_id{};
  std::string external_user_data{};
  std::string return_id{};
  std::string return_status{};
  std::string other_party_id{};
  std::string other_party_role{};
  std::optional<Instant> creation_date{};
};

/// Parses a SOAP platform notification. Errors: kInvalidArgument,
/// WEBHOOK_MALFORMED (not XML, no Timestamp or NotificationEventName, bad
/// Timestamp).
StatusOr<PlatformNotification> ParsePlatformNotification(
    std::string_view soap_xml);

/// base64(MD5(timestamp + dev_id + app_id + cert_id)).
std::string PlatformNotificationSignature(std::string_view timestamp,
                                          PlatformNotificationKeys const& keys);

/// True for the eight Return Management events (ReturnCreated,
/// ReturnShipped, ReturnDelivered, ReturnWaitingForSellerInfo,
/// ReturnSellerInfoOverdue, ReturnRefundOverdue, ReturnEscalated,
/// ReturnClosed).
bool IsReturnNotificationEvent(std::string_view event_name);

/// The WebhookEvent id of a platform notification: eBay sends no delivery
/// id, so it is "<ReturnId>:<NotificationEventName>:<Timestamp>" (ReturnId
/// empty for events about no return). A redelivery carries the same signed
/// Timestamp and so the same id.
std::string PlatformNotificationEventId(PlatformNotification const& n);

/// The return a stored platform notification is about: the ReturnId of an
/// "ebay.platform" event of one of the eight return events, read from its
/// event id; empty for any other event. For the returns sync's change feed
/// (MakeWebhookInboxChangeFeed).
std::string ReturnIdOfPlatformEvent(WebhookEvent const& event);

/// ReturnIdOfPlatformEvent for one seller: the return id of a stored return
/// event whose RecipientUserID is `recipient_user_id` (as eBay writes it,
/// compared exactly), empty for any other event, including one whose payload
/// no longer parses. eBay sends an application's notifications for all its
/// sellers to one endpoint, so a store whose inbox holds several sellers'
/// events gives each seller's sync this filter: the others' events stay
/// unprocessed for their own syncs.
std::function<std::string(WebhookEvent const&)> ReturnIdOfPlatformEventFor(
    std::string recipient_user_id);

/// Verifies platform notifications: signature in constant time, then
/// source "ebay.platform", topic = NotificationEventName, occurred_at =
/// Timestamp. Reasons: WEBHOOK_SIGNATURE_MISSING, WEBHOOK_SIGNATURE_INVALID,
/// WEBHOOK_MALFORMED.
class PlatformNotificationVerifier : public WebhookVerifier {
 public:
  explicit PlatformNotificationVerifier(PlatformNotificationKeys keys);
  StatusOr<WebhookEvent> Verify(ServerRequest const& request) override;
  /// SOAP: text/xml as eBay sends it (`text/xml; charset="utf-8"`, Platform
  /// Notifications Guide, "HTTP Header"), and application/soap+xml and
  /// application/xml.
  std::span<std::string_view const> content_types() const override;

 private:
  PlatformNotificationKeys keys_;
};

// ---- Commerce Notification API (JSON, ECDSA) --------------------------------

struct CommerceNotificationOptions {
  /// https://api.ebay.com, https://api.sandbox.ebay.com, or a local sandbox.
  std::string api_base = "https://api.ebay.com";
  /// For the endpoint challenge: the token registered with eBay and the
  /// public URL of this endpoint, exactly as registered.
  std::string verification_token{};
  std::string endpoint_url{};
  /// How long a fetched public key is reused.
  std::chrono::seconds key_ttl{std::chrono::hours(1)};
  /// How long a key id eBay answered 404 for is known to be unknown: a
  /// delivery naming it is refused without asking eBay again.
  std::chrono::seconds unknown_key_ttl{std::chrono::minutes(10)};
  /// Key fetches are rate-limited (a token bucket): at most
  /// `key_fetch_burst` at once, then one per `key_fetch_interval`. A
  /// delivery whose key would need a fetch beyond that is answered 503 with
  /// Retry-After (WEBHOOK_KEY_UNAVAILABLE), so eBay delivers it again later.
  /// Whatever deliveries arrive, signed or not, the verifier makes at most
  /// burst + elapsed / interval key fetches (each with at most one
  /// application token fetch).
  int key_fetch_burst = 5;
  std::chrono::seconds key_fetch_interval{10};
  /// At most this many keys (known or unknown) are cached; the oldest go.
  std::size_t max_cached_keys = 256;
  /// Clock for the key cache; steady clock when empty.
  std::function<std::chrono::steady_clock::time_point()> clock{};
};

/// Whether `kid` has the form of eBay's public key ids: a UUID,
/// 8-4-4-4-12 hexadecimal digits ("9936261a-7d7b-4621-a0f1-96ccb428af49",
/// eBay/event-notification-nodejs-sdk test/test.json). Nothing else is put
/// into the key URL.
bool IsCommerceKeyId(std::string_view kid);

/// hex(SHA256(challenge_code + verification_token + endpoint_url)).
std::string CommerceChallengeResponse(std::string_view challenge_code,
                                      std::string_view verification_token,
                                      std::string_view endpoint_url);

/// Verifies Commerce Notification API deliveries over the raw body bytes
/// with the digest the header names (SHA1 as eBay's SDK; SHA256 honoured).
/// Answers the endpoint challenge (GET ?challenge_code=...) with
/// {"challengeResponse": ...}. Like eBay's SDK it answers 204 for an
/// accepted delivery and 412 for a refused one.
///
/// Events: source "ebay.commerce", event_id = notification.notificationId,
/// topic = metadata.topic, occurred_at = notification.publishDate (else
/// eventDate). Reasons: WEBHOOK_SIGNATURE_MISSING, WEBHOOK_SIGNATURE_INVALID,
/// WEBHOOK_MALFORMED; WEBHOOK_KEY_UNAVAILABLE (kUnavailable) when the key
/// cannot be fetched now. Thread-safe; keys are cached by kid, known and
/// unknown ones, and concurrent deliveries naming the same new kid share one
/// fetch. A key id that is not a UUID is a bad signature without a fetch;
/// fetches are rate-limited (CommerceNotificationOptions).
class CommerceNotificationVerifier : public WebhookVerifier {
 public:
  using AppTokenGetter = std::function<StatusOr<std::string>()>;

  CommerceNotificationVerifier(std::shared_ptr<HttpTransport> transport,
                               AppTokenGetter app_token,
                               CommerceNotificationOptions options);
  ~CommerceNotificationVerifier() override;

  StatusOr<WebhookEvent> Verify(ServerRequest const& request) override;
  std::optional<HttpResponse> HandleControl(
      ServerRequest const& request) override;
  int accepted_status() const override { return 204; }
  int refused_status(Status const&) const override { return 412; }
  /// application/json: eBay's deliveries are JSON documents.
  std::span<std::string_view const> content_types() const override;

  /// The PEM public key for `kid`, from the cache or eBay; a kid that is
  /// not a UUID, or that eBay does not know, is WEBHOOK_SIGNATURE_INVALID.
  StatusOr<std::string> PublicKey(std::string const& kid);

 private:
  class KeyCache;
  StatusOr<std::string> FetchPublicKey(std::string const& kid);
  std::shared_ptr<HttpTransport> transport_;
  AppTokenGetter app_token_;
  CommerceNotificationOptions options_;
  std::unique_ptr<KeyCache> keys_;
};

}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
