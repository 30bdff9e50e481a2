// eBay Commerce Notification API: X-EBAY-SIGNATURE (ECDSA over the raw body
// bytes), public keys by kid, the endpoint challenge. Behaviour follows
// eBay/event-notification-nodejs-sdk (lib/validator.js, lib/client.js,
// lib/constants.js, lib/index.js).
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
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

namespace json = boost::json;

constexpr char kSource[] = "ebay.commerce";

bool IEquals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    return lower(x) == lower(y);
  });
}

Status SignatureInvalid(std::string message,
                        std::map<std::string, std::string> metadata = {}) {
  metadata.emplace("source", kSource);
  return Status(ErrorCode::kUnauthenticated,
                "eBay notification signature: " + std::move(message),
                ErrorInfo{.reason = "WEBHOOK_SIGNATURE_INVALID",
                          .metadata = std::move(metadata)});
}

Status Malformed(std::string message, std::string field) {
  return InvalidArgumentError("eBay notification: " + std::move(message),
                              "WEBHOOK_MALFORMED",
                              {{"source", kSource}, {"field", field}});
}

Status KeyUnavailable(std::string message, std::string kid,
                      std::map<std::string, std::string> extra = {}) {
  extra.emplace("kid", std::move(kid));
  extra.emplace("source", kSource);
  return UnavailableError("eBay notification public key: " + message,
                          "WEBHOOK_KEY_UNAVAILABLE", std::move(extra));
}

std::optional<std::string> GetString(json::object const& object,
                                     std::string_view key) {
  auto const* v = object.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

// eBay may answer the key on one line ("-----BEGIN PUBLIC KEY-----MFkw...
// -----END PUBLIC KEY-----"); eBay's SDK re-inserts the line breaks
// (validator.js formatKey). Rebuild the PEM with 64-column lines.
std::optional<std::string> NormalizePem(std::string_view key) {
  constexpr std::string_view kBegin = "-----BEGIN PUBLIC KEY-----";
  constexpr std::string_view kEnd = "-----END PUBLIC KEY-----";
  auto begin = key.find(kBegin);
  auto end = key.find(kEnd);
  if (begin == std::string_view::npos || end == std::string_view::npos ||
      end < begin) {
    return std::nullopt;
  }
  std::string base64;
  for (char c :
       key.substr(begin + kBegin.size(), end - begin - kBegin.size())) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    base64.push_back(c);
  }
  if (base64.empty()) return std::nullopt;
  std::string pem(kBegin);
  pem += '\n';
  for (std::size_t i = 0; i < base64.size(); i += 64) {
    pem += base64.substr(i, 64);
    pem += '\n';
  }
  pem += kEnd;
  pem += '\n';
  return pem;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out.push_back(
          static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::optional<std::string> QueryParameter(std::string_view target,
                                          std::string_view name) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  auto query = target.substr(q + 1);
  if (auto hash = query.find('#'); hash != std::string_view::npos) {
    query = query.substr(0, hash);
  }
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    auto eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq));
    if (key == name) {
      return eq == std::string_view::npos ? std::string()
                                          : PercentDecode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

HttpResponse JsonAnswer(int status, json::object body) {
  return HttpResponse{.status = status,
                      .headers = {{"Content-Type", "application/json"}},
                      .body = json::serialize(body)};
}

}  // namespace

bool IsCommerceKeyId(std::string_view kid) {
  if (kid.size() != 36) return false;
  for (std::size_t i = 0; i < kid.size(); ++i) {
    char c = kid[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (HexValue(c) < 0) {
      return false;
    }
  }
  return true;
}

std::string CommerceChallengeResponse(std::string_view challenge_code,
                                      std::string_view verification_token,
                                      std::string_view endpoint_url) {
  std::string input;
  input.append(challenge_code);
  input.append(verification_token);
  input.append(endpoint_url);
  return HexEncode(Sha256(input));
}

// Keys by kid, known (pem) and unknown (eBay answered 404); the kids being
// fetched now, which other deliveries wait for; and the fetch rate limit.
class CommerceNotificationVerifier::KeyCache {
 public:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::optional<std::string> pem;  // nullopt: eBay does not know the kid
    Clock::time_point fetched_at;
  };
  std::mutex mutex;
  std::condition_variable fetched;
  std::map<std::string, Entry, std::less<>> entries;
  std::set<std::string, std::less<>> in_flight;
  double tokens = -1;  // < 0: not started (a full bucket)
  Clock::time_point refilled_at{};

  // Takes one fetch from the bucket, or says how long until there is one.
  std::optional<std::chrono::seconds> TakeFetch(
      Clock::time_point now, CommerceNotificationOptions const& o) {
    double burst = std::max(1, o.key_fetch_burst);
    double interval = std::max<double>(1, o.key_fetch_interval.count());
    if (tokens < 0) {
      tokens = burst;
      refilled_at = now;
    }
    double elapsed = std::chrono::duration<double>(now - refilled_at).count();
    if (elapsed > 0) {
      tokens = std::min(burst, tokens + elapsed / interval);
      refilled_at = now;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return std::nullopt;
    }
    return std::chrono::seconds(
        static_cast<std::int64_t>(std::ceil((1 - tokens) * interval)));
  }

  void Put(std::string const& kid, Entry entry, std::size_t max_entries) {
    entries[kid] = std::move(entry);
    while (entries.size() > std::max<std::size_t>(1, max_entries)) {
      auto oldest = entries.begin();
      for (auto it = entries.begin(); it != entries.end(); ++it) {
        if (it->second.fetched_at < oldest->second.fetched_at) oldest = it;
      }
      entries.erase(oldest);
    }
  }
};

CommerceNotificationVerifier::CommerceNotificationVerifier(
    std::shared_ptr<HttpTransport> transport, AppTokenGetter app_token,
    CommerceNotificationOptions options)
    : transport_(std::move(transport)),
      app_token_(std::move(app_token)),
      options_(std::move(options)),
      keys_(std::make_unique<KeyCache>()) {
  while (!options_.api_base.empty() && options_.api_base.back() == '/') {
    options_.api_base.pop_back();
  }
}

CommerceNotificationVerifier::~CommerceNotificationVerifier() = default;

StatusOr<std::string> CommerceNotificationVerifier::PublicKey(
    std::string const& kid) {
  // Nothing but a UUID goes into the URL ("..", "../../oauth", "a/b").
  if (!IsCommerceKeyId(kid)) return SignatureInvalid("bad key id");
  auto now =
      options_.clock ? options_.clock() : std::chrono::steady_clock::now();
  {
    std::unique_lock lock(keys_->mutex);
    for (;;) {
      auto it = keys_->entries.find(kid);
      if (it != keys_->entries.end()) {
        auto const& e = it->second;
        if (e.pem && now - e.fetched_at < options_.key_ttl) return *e.pem;
        if (!e.pem && now - e.fetched_at < options_.unknown_key_ttl) {
          return SignatureInvalid("unknown key id", {{"kid", kid}});
        }
      }
      // Another delivery is fetching this kid: its answer is ours.
      if (!keys_->in_flight.contains(kid)) break;
      keys_->fetched.wait(lock);
    }
    if (auto wait = keys_->TakeFetch(now, options_)) {
      return Status(
          ErrorCode::kUnavailable,
          "eBay notification public key: too many key fetches; try again "
          "later",
          ErrorInfo{.reason = "WEBHOOK_KEY_UNAVAILABLE",
                    .metadata = {{"kid", kid},
                                 {"source", kSource},
                                 {"cause", "WEBHOOK_KEY_FETCH_RATE_LIMITED"}},
                    .retry_after = *wait});
    }
    keys_->in_flight.insert(kid);
  }
  auto fetched = FetchPublicKey(kid);
  std::lock_guard lock(keys_->mutex);
  keys_->in_flight.erase(kid);
  keys_->fetched.notify_all();
  if (fetched.ok()) {
    keys_->Put(kid, KeyCache::Entry{*fetched, now}, options_.max_cached_keys);
  } else if (fetched.status().reason() == "WEBHOOK_SIGNATURE_INVALID") {
    keys_->Put(kid, KeyCache::Entry{std::nullopt, now},
               options_.max_cached_keys);
  }
  return fetched;
}

StatusOr<std::string> CommerceNotificationVerifier::FetchPublicKey(
    std::string const& kid) {
  if (!transport_) return KeyUnavailable("no HTTP transport", kid);
  std::string token;
  if (app_token_) {
    auto t = app_token_();
    if (!t.ok()) {
      return KeyUnavailable("no application token: " + t.status().message(),
                            kid, {{"cause", t.status().reason()}});
    }
    token = *std::move(t);
  }
  HttpRequest request;
  request.method = "GET";
  request.url =
      options_.api_base + "/commerce/notification/v1/public_key/" + kid;
  request.headers = {{"Accept", "application/json"}};
  if (!token.empty()) {
    request.headers.push_back({"Authorization", "Bearer " + token});
  }
  auto response = transport_->Send(request);
  if (!response.ok()) {
    return KeyUnavailable("request failed: " + response.status().message(), kid,
                          {{"cause", response.status().reason()}});
  }
  if (response->status == 404) {
    // eBay does not know the key: the header names a key it never issued.
    return SignatureInvalid("unknown key id", {{"kid", kid}});
  }
  if (response->status != 200) {
    return KeyUnavailable(
        "eBay answered HTTP " + std::to_string(response->status), kid,
        {{"http_status", std::to_string(response->status)}});
  }
  boost::system::error_code ec;
  auto parsed = json::parse(response->body, ec);
  if (ec || !parsed.is_object()) {
    return KeyUnavailable("the key response is not a JSON object", kid);
  }
  auto key = GetString(parsed.as_object(), "key");
  auto pem = key ? NormalizePem(*key) : std::nullopt;
  if (!pem) return KeyUnavailable("the key response has no PEM key", kid);
  return *pem;
}

std::span<std::string_view const> CommerceNotificationVerifier::content_types()
    const {
  static constexpr std::string_view kTypes[] = {"application/json"};
  return kTypes;
}

StatusOr<WebhookEvent> CommerceNotificationVerifier::Verify(
    ServerRequest const& request) {
  auto header = FindHeader(request.headers, "x-ebay-signature");
  if (!header || header->empty()) {
    return Status(ErrorCode::kUnauthenticated,
                  "eBay notification without X-EBAY-SIGNATURE",
                  ErrorInfo{.reason = "WEBHOOK_SIGNATURE_MISSING",
                            .metadata = {{"source", kSource}}});
  }
  auto decoded = Base64Decode(*header);
  if (!decoded.ok()) return SignatureInvalid("header is not base64");
  boost::system::error_code ec;
  auto parsed = json::parse(*decoded, ec);
  if (ec || !parsed.is_object()) {
    return SignatureInvalid("header is not a JSON object");
  }
  auto const& fields = parsed.as_object();
  auto alg = GetString(fields, "alg");
  auto kid = GetString(fields, "kid");
  auto signature_b64 = GetString(fields, "signature");
  auto digest_name = GetString(fields, "digest");
  if (!alg || !kid || !signature_b64) {
    return SignatureInvalid("header lacks alg, kid or signature");
  }
  if (!IEquals(*alg, "ECDSA")) {
    return SignatureInvalid("unsupported algorithm", {{"alg", *alg}});
  }
  SignatureDigest digest = SignatureDigest::kSha1;  // eBay SDK: ssl3-sha1
  if (digest_name) {
    if (IEquals(*digest_name, "SHA1") || IEquals(*digest_name, "SHA-1")) {
      digest = SignatureDigest::kSha1;
    } else if (IEquals(*digest_name, "SHA256") ||
               IEquals(*digest_name, "SHA-256")) {
      digest = SignatureDigest::kSha256;
    } else {
      return SignatureInvalid("unsupported digest", {{"digest", *digest_name}});
    }
  }
  if (!IsCommerceKeyId(*kid)) return SignatureInvalid("bad key id");
  auto signature = Base64Decode(*signature_b64);
  if (!signature.ok()) return SignatureInvalid("signature is not base64");

  auto pem = PublicKey(*kid);
  if (!pem.ok()) return pem.status();
  auto verified =
      VerifyPublicKeySignature(*pem, digest, request.body, *signature);
  if (verified.reason() == "CRYPTO_KEY_INVALID") {
    {
      std::lock_guard lock(keys_->mutex);
      keys_->entries.erase(*kid);
    }
    return KeyUnavailable("eBay served a key that does not parse", *kid);
  }
  if (!verified.ok()) {
    return SignatureInvalid("does not verify over the body", {{"kid", *kid}});
  }

  // Signed: now the envelope
  // (https://www.developer.ebay.com/api-docs/master/commerce/notification/asyncapi/marketplace_account_deletion.yaml).
  auto body = json::parse(request.body, ec);
  if (ec || !body.is_object()) return Malformed("body is not JSON", "body");
  auto const* metadata = body.as_object().if_contains("metadata");
  auto const* notification = body.as_object().if_contains("notification");
  if (metadata == nullptr || !metadata->is_object()) {
    return Malformed("no metadata object", "metadata");
  }
  if (notification == nullptr || !notification->is_object()) {
    return Malformed("no notification object", "notification");
  }
  WebhookEvent event;
  event.source = kSource;
  auto id = GetString(notification->as_object(), "notificationId");
  if (!id || id->empty()) {
    return Malformed("no notificationId", "notification.notificationId");
  }
  event.event_id = *id;
  event.topic = GetString(metadata->as_object(), "topic").value_or("");
  if (event.topic.empty()) return Malformed("no topic", "metadata.topic");
  for (char const* field : {"publishDate", "eventDate"}) {
    if (auto date = GetString(notification->as_object(), field)) {
      auto instant = ParseInstant(*date);
      if (!instant.ok()) {
        return Malformed(std::string(field) + " is not an RFC 3339 instant",
                         std::string("notification.") + field);
      }
      event.occurred_at = *instant;
      break;
    }
  }
  event.payload = request.body;
  event.headers = internal::HeadersToKeep(request.headers);
  return event;
}

std::optional<HttpResponse> CommerceNotificationVerifier::HandleControl(
    ServerRequest const& request) {
  if (request.method != "GET") return std::nullopt;
  auto code = QueryParameter(request.target, "challenge_code");
  if (!code || code->empty()) {
    return JsonAnswer(400, {{"error",
                             {{"reason", "WEBHOOK_CHALLENGE_MISSING"},
                              {"message", "GET needs ?challenge_code="}}}});
  }
  if (options_.verification_token.empty() || options_.endpoint_url.empty()) {
    return JsonAnswer(
        500,
        {{"error",
          {{"reason", "WEBHOOK_CHALLENGE_NOT_CONFIGURED"},
           {"message", "no verification token or endpoint URL configured"}}}});
  }
  return JsonAnswer(
      200, {{"challengeResponse",
             CommerceChallengeResponse(*code, options_.verification_token,
                                       options_.endpoint_url)}});
}

}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
