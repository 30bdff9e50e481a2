// eBay Platform Notifications (Trading API, SOAP): parsing with pugixml and
// the NotificationSignature check
// (https://developer.ebay.com/support/kb-article?KBid=1201).
#include <array>
#include <functional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "headers.h"
#include "internal/crypto.h"
#include "sanbao/ebay/notifications.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace {

std::string_view LocalName(char const* name) {
  std::string_view n(name);
  auto colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

std::string Trim(std::string_view s) {
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// The first element named `local` (any namespace prefix) under `root`,
// depth first.
pugi::xml_node FindElement(pugi::xml_node root, std::string_view local) {
  return root.find_node([&](pugi::xml_node node) {
    return node.type() == pugi::node_element && LocalName(node.name()) == local;
  });
}

// For each of `locals`, the trimmed text of the first element with that
// local name under `root`, depth first (as FindElement), in one walk.
template <std::size_t N>
std::array<std::string, N> TextsOf(
    pugi::xml_node root, std::array<std::string_view, N> const& locals) {
  std::array<std::string, N> texts;
  std::array<bool, N> found{};
  std::size_t missing = N;
  for (auto node = root.first_child(); node && missing > 0;) {
    if (node.type() == pugi::node_element) {
      auto name = LocalName(node.name());
      for (std::size_t i = 0; i < N; ++i) {
        if (!found[i] && name == locals[i]) {
          found[i] = true;
          --missing;
          texts[i] = Trim(node.child_value());
        }
      }
    }
    // Pre-order: down, else right, else up until there is a right.
    if (node.first_child()) {
      node = node.first_child();
      continue;
    }
    while (node && node != root && !node.next_sibling()) node = node.parent();
    if (!node || node == root) break;
    node = node.next_sibling();
  }
  return texts;
}

Status Malformed(std::string message, std::string field) {
  return InvalidArgumentError("eBay platform notification: " + message,
                              "WEBHOOK_MALFORMED", {{"field", field}});
}

}  // namespace

StatusOr<PlatformNotification> ParsePlatformNotification(
    std::string_view soap_xml) {
  pugi::xml_document doc;
  auto parsed = doc.load_buffer(soap_xml.data(), soap_xml.size(),
                                pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return InvalidArgumentError(
        std::string("eBay platform notification is not XML: ") +
            parsed.description(),
        "WEBHOOK_MALFORMED", {{"offset", std::to_string(parsed.offset)}});
  }
  auto envelope = doc.document_element();
  if (!envelope || LocalName(envelope.name()) != "Envelope") {
    return Malformed("not a SOAP envelope", "Envelope");
  }
  auto header = FindElement(envelope, "Header");
  auto body = FindElement(envelope, "Body");
  if (!body) return Malformed("no SOAP Body", "Body");

  PlatformNotification n;
  if (header) {
    n.signature = std::move(TextsOf<1>(header, {"NotificationSignature"})[0]);
  }
  auto texts =
      TextsOf<9>(body, {"Timestamp", "NotificationEventName", "RecipientUserID",
                        "ExternalUserData", "ReturnId", "ReturnStatus",
                        "OtherPartyId", "OtherPartyRole", "CreationDate"});
  n.timestamp = std::move(texts[0]);
  if (n.timestamp.empty()) return Malformed("no Timestamp", "Timestamp");
  auto instant = ParseInstant(n.timestamp);
  if (!instant.ok()) {
    return Malformed("Timestamp is not an RFC 3339 instant: " + n.timestamp,
                     "Timestamp");
  }
  n.occurred_at = *instant;
  n.event_name = std::move(texts[1]);
  if (n.event_name.empty()) {
    return Malformed("no NotificationEventName", "NotificationEventName");
  }
  n.recipient_user_id = std::move(texts[2]);
  n.external_user_data = std::move(texts[3]);
  n.return_id = std::move(texts[4]);
  n.return_status = std::move(texts[5]);
  n.other_party_id = std::move(texts[6]);
  n.other_party_role = std::move(texts[7]);
  if (auto const& created = texts[8]; !created.empty()) {
    auto at = ParseInstant(created);
    if (!at.ok()) {
      return Malformed("CreationDate is not an RFC 3339 instant: " + created,
                       "CreationDate");
    }
    n.creation_date = *at;
  }
  return n;
}

std::string PlatformNotificationSignature(
    std::string_view timestamp, PlatformNotificationKeys const& keys) {
  std::string input;
  input.reserve(timestamp.size() + keys.dev_id.size() + keys.app_id.size() +
                keys.cert_id.size());
  input.append(timestamp);
  input += keys.dev_id;
  input += keys.app_id;
  input += keys.cert_id;
  return Base64Encode(Md5(input));
}

bool IsReturnNotificationEvent(std::string_view event_name) {
  // https://developer.ebay.com/Devzone/return-management/CallRef/types/NotificationEventType.html
  for (std::string_view name :
       {"ReturnCreated", "ReturnShipped", "ReturnDelivered",
        "ReturnWaitingForSellerInfo", "ReturnSellerInfoOverdue",
        "ReturnRefundOverdue", "ReturnEscalated", "ReturnClosed"}) {
    if (event_name == name) return true;
  }
  return false;
}

std::string PlatformNotificationEventId(PlatformNotification const& n) {
  return n.return_id + ":" + n.event_name + ":" + n.timestamp;
}

std::string ReturnIdOfPlatformEvent(WebhookEvent const& event) {
  if (event.source != kPlatformNotificationSource ||
      !IsReturnNotificationEvent(event.topic)) {
    return {};
  }
  auto colon = event.event_id.find(':');
  if (colon == std::string::npos) return {};
  return event.event_id.substr(0, colon);
}

std::function<std::string(WebhookEvent const&)> ReturnIdOfPlatformEventFor(
    std::string recipient_user_id) {
  return [recipient = std::move(recipient_user_id)](
             WebhookEvent const& event) -> std::string {
    auto id = ReturnIdOfPlatformEvent(event);
    if (id.empty()) return id;
    auto n = ParsePlatformNotification(event.payload);
    if (!n.ok() || n->recipient_user_id != recipient) return {};
    return id;
  };
}

PlatformNotificationVerifier::PlatformNotificationVerifier(
    PlatformNotificationKeys keys)
    : keys_(std::move(keys)) {}

std::span<std::string_view const> PlatformNotificationVerifier::content_types()
    const {
  static constexpr std::string_view kTypes[] = {
      "text/xml", "application/soap+xml", "application/xml"};
  return kTypes;
}

StatusOr<WebhookEvent> PlatformNotificationVerifier::Verify(
    ServerRequest const& request) {
  auto n = ParsePlatformNotification(request.body);
  if (!n.ok()) return n.status();
  if (n->signature.empty()) {
    return Status(
        ErrorCode::kUnauthenticated,
        "eBay platform notification without NotificationSignature",
        ErrorInfo{.reason = "WEBHOOK_SIGNATURE_MISSING",
                  .metadata = {{"source", kPlatformNotificationSource}}});
  }
  auto expected = PlatformNotificationSignature(n->timestamp, keys_);
  if (!ConstantTimeEqual(n->signature, expected)) {
    return Status(
        ErrorCode::kUnauthenticated,
        "eBay platform notification signature does not match",
        ErrorInfo{.reason = "WEBHOOK_SIGNATURE_INVALID",
                  .metadata = {{"source", kPlatformNotificationSource},
                               {"event", n->event_name}}});
  }
  WebhookEvent event;
  event.source = kPlatformNotificationSource;
  event.event_id = PlatformNotificationEventId(*n);
  event.topic = n->event_name;
  event.occurred_at = n->occurred_at;
  event.payload = request.body;
  event.headers = internal::HeadersToKeep(request.headers);
  return event;
}

}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
