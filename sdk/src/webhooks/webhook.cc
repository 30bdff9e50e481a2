#include "sanbao/webhooks/webhook.h"

#include <atomic>
#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <utility>

namespace sanbao {
inline namespace v1 {
namespace {

HttpResponse JsonResponse(int status, boost::json::object body) {
  HttpResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json"}};
  response.body = boost::json::serialize(body);
  return response;
}

HttpResponse Refusal(Status const& status) {
  int http = status.error_info().http_status;
  if (http == 0) http = HttpStatusFor(status.code());
  boost::json::object error{{"reason", status.reason()},
                            {"message", status.message()}};
  auto response = JsonResponse(http, {{"error", std::move(error)}});
  if (auto retry = status.error_info().retry_after) {
    auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(*retry).count();
    response.headers.push_back({"Retry-After", std::to_string(seconds)});
  }
  return response;
}

std::string_view PathOf(std::string_view target) {
  auto query = target.find_first_of("?#");
  return query == std::string_view::npos ? target : target.substr(0, query);
}

// The media type of a Content-Type value: before any parameter, without
// surrounding whitespace (RFC 9110 §8.3.1).
std::string_view MediaType(std::string_view content_type) {
  auto type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) {
    type.remove_prefix(1);
  }
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
    type.remove_suffix(1);
  }
  return type;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  auto const* p = reinterpret_cast<unsigned char const*>(text.data());
  auto const* end = p + text.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int length = 0;
    unsigned char low = 0x80, high = 0xBF;  // range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;   // overlong
      if (c == 0xED) high = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;   // overlong
      if (c == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
      return false;  // continuation byte, overlong lead C0/C1, or F5..FF
    }
    if (end - p < length) return false;
    if (p[1] < low || p[1] > high) return false;
    for (int i = 2; i < length; ++i) {
      if (p[i] < 0x80 || p[i] > 0xBF) return false;
    }
    p += length;
  }
  return true;
}

namespace {

// Whether `haystack` contains `needle` (lower case), ignoring ASCII case.
bool ContainsIgnoreAsciiCase(std::string_view haystack,
                             std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (EqualsIgnoreAsciiCase(haystack.substr(i, needle.size()), needle)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool IsCredentialHeader(std::string_view name) {
  // The signature the commerce route verifies: it signs one body and opens
  // nothing.
  if (EqualsIgnoreAsciiCase(name, "x-ebay-signature")) return false;
  for (std::string_view exact :
       {"authorization", "proxy-authorization", "cookie", "set-cookie",
        "x-api-key", "x-auth-token"}) {
    if (EqualsIgnoreAsciiCase(name, exact)) return true;
  }
  for (std::string_view part : {"auth", "token", "secret", "key", "password",
                                "passwd", "credential", "session", "cookie"}) {
    if (ContainsIgnoreAsciiCase(name, part)) return true;
  }
  return false;
}

bool IsHopByHopHeader(std::string_view name) {
  for (std::string_view hop :
       {"connection", "keep-alive", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade"}) {
    if (EqualsIgnoreAsciiCase(name, hop)) return true;
  }
  return false;
}

void RedactHeaders(HttpHeaders& headers) {
  std::erase_if(headers,
                [](HttpHeader const& h) { return IsHopByHopHeader(h.name); });
  for (auto& h : headers) {
    if (IsCredentialHeader(h.name)) h.value = kRedactedHeaderValue;
  }
}

Status CheckEventText(WebhookEvent const& event) {
  auto not_utf8 = [&](std::string field) {
    return InvalidArgumentError(
        "the delivery's " + field +
            " is not valid UTF-8; it would be stored as text",
        "WEBHOOK_MALFORMED",
        {{"source", IsValidUtf8(event.source) ? event.source : ""},
         {"field", std::move(field)}});
  };
  if (!IsValidUtf8(event.source)) return not_utf8("source");
  if (!IsValidUtf8(event.event_id)) return not_utf8("event id");
  if (!IsValidUtf8(event.topic)) return not_utf8("topic");
  for (auto const& h : event.headers) {
    if (!IsValidUtf8(h.name)) return not_utf8("header name");
    if (!IsValidUtf8(h.value)) return not_utf8("header " + h.name);
  }
  return Status();
}

struct WebhookReceiver::Counters {
  std::atomic<std::uint64_t> stored{0};
  std::atomic<std::uint64_t> duplicates{0};
  std::atomic<std::uint64_t> control{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<std::uint64_t> store_failures{0};
};

struct WebhookReceiver::Admitted {
  std::shared_ptr<WebhookVerifier> verifier;
  std::optional<WebhookEvent> event;
};

namespace {

// The answer once the inbox has spoken.
HttpResponse Complete(std::string const& source, std::string const& event_id,
                      StatusOr<bool> stored, WebhookVerifier const& verifier,
                      std::atomic<std::uint64_t>& stored_count,
                      std::atomic<std::uint64_t>& duplicate_count,
                      std::atomic<std::uint64_t>& failure_count,
                      WebhookOutcome& outcome, Status* error) {
  if (!stored.ok()) {
    outcome = WebhookOutcome::kStoreFailed;
    ++failure_count;
    auto status =
        Status(ErrorCode::kUnavailable,
               "the event could not be stored: " + stored.status().message(),
               ErrorInfo{.reason = "WEBHOOK_STORE_FAILED",
                         .metadata = {{"source", source},
                                      {"event_id", event_id},
                                      {"cause", stored.status().reason()}},
                         .http_status = 503,
                         .retry_after = std::chrono::seconds(5)});
    auto response = Refusal(status);
    if (error) *error = std::move(status);
    return response;
  }
  if (*stored) {
    outcome = WebhookOutcome::kStored;
    ++stored_count;
  } else {
    outcome = WebhookOutcome::kDuplicate;
    ++duplicate_count;
  }
  int status = verifier.accepted_status();
  if (status == 204) return HttpResponse{.status = 204};
  // Every accepted delivery is answered here: the body is built in a stack
  // arena rather than allocated node by node.
  unsigned char arena[1024];
  boost::json::monotonic_resource resource(arena, sizeof arena);
  return JsonResponse(
      status, boost::json::object({{"status", *stored ? "stored" : "duplicate"},
                                   {"event_id", event_id}},
                                  &resource));
}

}  // namespace

WebhookReceiver::WebhookReceiver(std::shared_ptr<WebhookInbox> inbox,
                                 WebhookReceiverOptions options)
    : inbox_(std::move(inbox)),
      options_(std::move(options)),
      counters_(std::make_shared<Counters>()) {}

void WebhookReceiver::Route(std::string path,
                            std::shared_ptr<WebhookVerifier> verifier) {
  routes_[std::move(path)] = std::move(verifier);
}

HttpResponse WebhookReceiver::Handle(ServerRequest const& request) {
  WebhookOutcome outcome;
  return Handle(request, outcome);
}

HttpResponse WebhookReceiver::Handle(ServerRequest const& request,
                                     WebhookOutcome& outcome, Status* error) {
  Admitted admitted;
  if (auto refused = Admit(request, outcome, error, admitted)) {
    return *std::move(refused);
  }
  auto const& event = *admitted.event;
  auto stored =
      inbox_ ? inbox_->Record(event)
             : StatusOr<bool>(InternalError("no inbox", "WEBHOOK_NO_INBOX"));
  return Complete(event.source, event.event_id, std::move(stored),
                  *admitted.verifier, counters_->stored, counters_->duplicates,
                  counters_->store_failures, outcome, error);
}

void WebhookReceiver::HandleAsync(ServerRequest const& request, Done done) {
  WebhookOutcome outcome;
  Status error;
  Admitted admitted;
  if (auto refused = Admit(request, outcome, &error, admitted)) {
    done(*std::move(refused), outcome, error);
    return;
  }
  if (!inbox_) {
    auto response =
        Complete(admitted.event->source, admitted.event->event_id,
                 InternalError("no inbox", "WEBHOOK_NO_INBOX"),
                 *admitted.verifier, counters_->stored, counters_->duplicates,
                 counters_->store_failures, outcome, &error);
    done(std::move(response), outcome, error);
    return;
  }
  auto source = admitted.event->source;
  auto event_id = admitted.event->event_id;
  // The callback may run after this receiver is gone: it holds what it
  // needs.
  inbox_->RecordAsync(
      std::move(*admitted.event),
      [counters = counters_, verifier = std::move(admitted.verifier),
       source = std::move(source), event_id = std::move(event_id),
       done = std::move(done)](StatusOr<bool> stored) {
        WebhookOutcome outcome;
        Status error;
        auto response = Complete(source, event_id, std::move(stored), *verifier,
                                 counters->stored, counters->duplicates,
                                 counters->store_failures, outcome, &error);
        done(std::move(response), outcome, error);
      });
}

std::optional<HttpResponse> WebhookReceiver::Admit(ServerRequest const& request,
                                                   WebhookOutcome& outcome,
                                                   Status* error,
                                                   Admitted& admitted) {
  WebhookVerifier* verifier_ptr = nullptr;
  auto refuse = [&](Status status) {
    outcome = WebhookOutcome::kRefused;
    ++counters_->refused;
    auto response = Refusal(status);
    if (verifier_ptr != nullptr) {
      if (int code = verifier_ptr->refused_status(status); code != 0) {
        response.status = code;
      }
    }
    if (error) *error = std::move(status);
    return response;
  };

  auto path = PathOf(request.target);
  auto route = routes_.find(path);
  if (route == routes_.end() || !route->second) {
    return refuse(NotFoundError("no webhook route " + std::string(path),
                                "WEBHOOK_UNKNOWN_ROUTE",
                                {{"path", std::string(path)}}));
  }
  auto& verifier = *route->second;
  if (auto control = verifier.HandleControl(request)) {
    outcome = WebhookOutcome::kControl;
    ++counters_->control;
    return *std::move(control);
  }
  if (request.method != "POST") {
    return refuse(Status(ErrorCode::kInvalidArgument,
                         "webhook deliveries are POST requests",
                         ErrorInfo{.reason = "WEBHOOK_METHOD_NOT_ALLOWED",
                                   .metadata = {{"method", request.method}},
                                   .http_status = 405}));
  }
  if (auto types = verifier.content_types(); !types.empty()) {
    auto given = FindHeader(request.headers, "content-type");
    auto type = MediaType(given.value_or(""));
    bool accepted = false;
    for (auto t : types) accepted = accepted || EqualsIgnoreAsciiCase(type, t);
    if (!accepted) {
      std::string accept;
      for (auto t : types) {
        if (!accept.empty()) accept += ", ";
        accept += t;
      }
      auto response = refuse(Status(
          ErrorCode::kInvalidArgument,
          given ? "this route takes " + accept + ", not " + std::string(type)
                : "this route takes " + accept +
                      "; the request has no "
                      "Content-Type",
          ErrorInfo{.reason = "WEBHOOK_UNSUPPORTED_MEDIA_TYPE",
                    .metadata = {{"path", std::string(path)},
                                 {"content_type", std::string(type)},
                                 {"accepted", accept}},
                    .http_status = 415}));
      response.headers.push_back({"Accept", std::move(accept)});
      return response;
    }
  }
  // From here on the verifier chooses how refusals are answered.
  verifier_ptr = &verifier;

  auto event = verifier.Verify(request);
  if (!event.ok()) {
    auto status = event.status();
    if (status.code() == ErrorCode::kUnavailable) {
      // The verifier could not decide (its key server is down): nothing is
      // stored, and the sender is asked to retry.
      outcome = WebhookOutcome::kStoreFailed;
      ++counters_->store_failures;
      if (error) *error = status;
      return Refusal(status);
    }
    return refuse(std::move(status).WithMetadata("path", std::string(path)));
  }
  // Credentials never reach the inbox, whatever the verifier kept.
  RedactHeaders(event->headers);
  // The inbox keeps these as text: bytes that are not UTF-8 are refused
  // rather than stored (the payload is kept as bytes).
  if (auto text = CheckEventText(*event); !text.ok()) {
    return refuse(std::move(text).WithMetadata("path", std::string(path)));
  }

  if (event->occurred_at) {
    Instant now = options_.clock
                      ? options_.clock()
                      : std::chrono::time_point_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now());
    auto skew = now - *event->occurred_at;
    auto metadata = [&] {
      return std::map<std::string, std::string>{
          {"source", event->source},
          {"event_id", event->event_id},
          {"occurred_at", FormatInstant(*event->occurred_at)},
          {"now", FormatInstant(now)},
          {"tolerance_seconds", std::to_string(options_.tolerance.count())}};
    };
    if (skew > options_.tolerance) {
      return refuse(FailedPreconditionError(
          "the delivery is older than the replay window", "WEBHOOK_STALE",
          metadata()));
    }
    if (-skew > options_.tolerance) {
      return refuse(FailedPreconditionError(
          "the delivery is dated in the future beyond the allowed skew",
          "WEBHOOK_FROM_FUTURE", metadata()));
    }
  } else if (options_.require_timestamp) {
    return refuse(InvalidArgumentError(
        "the delivery carries no timestamp", "WEBHOOK_MALFORMED",
        {{"source", event->source}, {"field", "occurred_at"}}));
  }

  admitted.verifier = route->second;
  admitted.event = *std::move(event);
  return std::nullopt;
}

WebhookStats WebhookReceiver::stats() const {
  return WebhookStats{.stored = counters_->stored.load(),
                      .duplicates = counters_->duplicates.load(),
                      .control = counters_->control.load(),
                      .refused = counters_->refused.load(),
                      .store_failures = counters_->store_failures.load()};
}

}  // namespace v1
}  // namespace sanbao
