#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "internal/crypto.h"
#include "sanbao/webhooks/webhook.h"

namespace sanbao {
inline namespace v1 {
namespace {

using std::chrono::seconds;

constexpr Instant kNow{seconds(1'750'000'000)};

// Signature: hex(HMAC-SHA256("secret", body)) in X-Sig; id and time in
// headers.
class FakeVerifier : public WebhookVerifier {
 public:
  StatusOr<WebhookEvent> Verify(ServerRequest const& request) override {
    auto sig = FindHeader(request.headers, "x-sig");
    if (!sig) {
      return Status(ErrorCode::kUnauthenticated, "no signature",
                    ErrorInfo{.reason = "WEBHOOK_SIGNATURE_MISSING"});
    }
    if (!ConstantTimeEqual(*sig,
                           HexEncode(HmacSha256("secret", request.body)))) {
      return Status(ErrorCode::kUnauthenticated, "bad signature",
                    ErrorInfo{.reason = "WEBHOOK_SIGNATURE_INVALID"});
    }
    if (FindHeader(request.headers, "x-keys-down")) {
      return UnavailableError("key server down", "WEBHOOK_KEY_UNAVAILABLE");
    }
    WebhookEvent event;
    event.source = "fake";
    event.event_id =
        std::string(FindHeader(request.headers, "x-id").value_or(""));
    event.topic = "Test";
    if (auto time = FindHeader(request.headers, "x-time")) {
      auto instant = ParseInstant(*time);
      if (!instant.ok()) {
        return InvalidArgumentError("bad time", "WEBHOOK_MALFORMED");
      }
      event.occurred_at = *instant;
    }
    event.payload = request.body;
    if (keep_headers) event.headers = request.headers;
    return event;
  }
  bool keep_headers = false;
  std::optional<HttpResponse> HandleControl(
      ServerRequest const& request) override {
    if (request.method == "GET") return HttpResponse{.status = 299};
    return std::nullopt;
  }
};

class MemoryInbox : public WebhookInbox {
 public:
  StatusOr<bool> Record(WebhookEvent const& event) override {
    std::lock_guard lock(mutex_);
    if (fail_) return UnavailableError("disk on fire", "STORE_LOCKED");
    for (auto const& e : events_) {
      if (e.source == event.source && e.event_id == event.event_id) {
        return false;
      }
    }
    events_.push_back(event);
    return true;
  }
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return events_.size();
  }
  std::vector<WebhookEvent> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  void set_fail(bool fail) { fail_ = fail; }

 private:
  std::mutex mutex_;
  std::vector<WebhookEvent> events_;
  bool fail_ = false;
};

class WebhookReceiverTest : public ::testing::Test {
 protected:
  WebhookReceiverTest()
      : inbox_(std::make_shared<MemoryInbox>()),
        receiver_(inbox_, {.clock = [] { return kNow; }}) {
    receiver_.Route("/hooks/fake", std::make_shared<FakeVerifier>());
  }

  static ServerRequest Delivery(std::string id, Instant at,
                                std::string body = "payload") {
    ServerRequest request;
    request.method = "POST";
    request.target = "/hooks/fake?x=1";
    request.body = std::move(body);
    request.headers = {{"X-Sig", HexEncode(HmacSha256("secret", request.body))},
                       {"X-Id", std::move(id)},
                       {"X-Time", FormatInstant(at)}};
    return request;
  }

  std::shared_ptr<MemoryInbox> inbox_;
  WebhookReceiver receiver_;
};

TEST_F(WebhookReceiverTest, StoresAValidDeliveryOnceEvenWhenDeliveredTwice) {
  WebhookOutcome outcome;
  auto response = receiver_.Handle(Delivery("e1", kNow), outcome);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(outcome, WebhookOutcome::kStored);
  response = receiver_.Handle(Delivery("e1", kNow), outcome);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(outcome, WebhookOutcome::kDuplicate);
  EXPECT_EQ(inbox_->size(), 1u);
  auto stats = receiver_.stats();
  EXPECT_EQ(stats.stored, 1u);
  EXPECT_EQ(stats.duplicates, 1u);
}

TEST_F(WebhookReceiverTest, WrongOrMissingSignatureIsRefusedAndNotStored) {
  auto request = Delivery("e1", kNow);
  request.body = "tampered";
  WebhookOutcome outcome;
  Status error;
  auto response = receiver_.Handle(request, outcome, &error);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(outcome, WebhookOutcome::kRefused);
  EXPECT_EQ(error.reason(), "WEBHOOK_SIGNATURE_INVALID");
  EXPECT_NE(response.body.find("WEBHOOK_SIGNATURE_INVALID"), std::string::npos);

  request = Delivery("e1", kNow);
  request.headers.erase(request.headers.begin());
  receiver_.Handle(request, outcome, &error);
  EXPECT_EQ(error.reason(), "WEBHOOK_SIGNATURE_MISSING");
  EXPECT_EQ(inbox_->size(), 0u);
}

TEST_F(WebhookReceiverTest, ReplayWindowIsEnforcedBothWays) {
  WebhookOutcome outcome;
  Status error;
  auto response =
      receiver_.Handle(Delivery("old", kNow - seconds(301)), outcome, &error);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(error.reason(), "WEBHOOK_STALE");
  receiver_.Handle(Delivery("future", kNow + seconds(301)), outcome, &error);
  EXPECT_EQ(error.reason(), "WEBHOOK_FROM_FUTURE");
  EXPECT_EQ(inbox_->size(), 0u);
  // The edges of the window are inside it.
  EXPECT_EQ(receiver_.Handle(Delivery("edge1", kNow - seconds(300))).status,
            200);
  EXPECT_EQ(receiver_.Handle(Delivery("edge2", kNow + seconds(300))).status,
            200);
  EXPECT_EQ(inbox_->size(), 2u);
}

TEST_F(WebhookReceiverTest, ADeliveryWithoutTimestampIsMalformed) {
  auto request = Delivery("e1", kNow);
  request.headers.pop_back();
  WebhookOutcome outcome;
  Status error;
  EXPECT_EQ(receiver_.Handle(request, outcome, &error).status, 400);
  EXPECT_EQ(error.reason(), "WEBHOOK_MALFORMED");
  EXPECT_EQ(inbox_->size(), 0u);
}

TEST_F(WebhookReceiverTest, StoreFailureAnswers503SoTheSenderRetries) {
  inbox_->set_fail(true);
  WebhookOutcome outcome;
  Status error;
  auto response = receiver_.Handle(Delivery("e1", kNow), outcome, &error);
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(outcome, WebhookOutcome::kStoreFailed);
  EXPECT_EQ(error.reason(), "WEBHOOK_STORE_FAILED");
  EXPECT_TRUE(FindHeader(response.headers, "retry-after").has_value());
  inbox_->set_fail(false);
  EXPECT_EQ(receiver_.Handle(Delivery("e1", kNow), outcome).status, 200);
  EXPECT_EQ(outcome, WebhookOutcome::kStored);
}

TEST_F(WebhookReceiverTest, VerifierThatCannotDecideAnswers503) {
  auto request = Delivery("e1", kNow);
  request.headers.push_back({"X-Keys-Down", "1"});
  WebhookOutcome outcome;
  EXPECT_EQ(receiver_.Handle(request, outcome).status, 503);
  EXPECT_EQ(outcome, WebhookOutcome::kStoreFailed);
  EXPECT_EQ(inbox_->size(), 0u);
}

TEST_F(WebhookReceiverTest, HandleAsyncAnswersAfterTheInbox) {
  std::optional<HttpResponse> answer;
  WebhookOutcome outcome = WebhookOutcome::kRefused;
  receiver_.HandleAsync(Delivery("a1", kNow),
                        [&](HttpResponse r, WebhookOutcome o, Status const&) {
                          answer = std::move(r);
                          outcome = o;
                        });
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(outcome, WebhookOutcome::kStored);
  Status error;
  receiver_.HandleAsync(Delivery("a2", kNow - seconds(3600)),
                        [&](HttpResponse r, WebhookOutcome o, Status const& e) {
                          answer = std::move(r);
                          outcome = o;
                          error = e;
                        });
  EXPECT_EQ(answer->status, 400);
  EXPECT_EQ(outcome, WebhookOutcome::kRefused);
  EXPECT_EQ(error.reason(), "WEBHOOK_STALE");
  inbox_->set_fail(true);
  receiver_.HandleAsync(Delivery("a3", kNow),
                        [&](HttpResponse r, WebhookOutcome o, Status const&) {
                          answer = std::move(r);
                          outcome = o;
                        });
  EXPECT_EQ(answer->status, 503);
  EXPECT_EQ(outcome, WebhookOutcome::kStoreFailed);
  EXPECT_EQ(inbox_->size(), 1u);
  EXPECT_EQ(receiver_.stats().stored, 1u);
}

TEST_F(WebhookReceiverTest, RoutesMethodsAndControlRequests) {
  auto request = Delivery("e1", kNow);
  request.target = "/hooks/other";
  WebhookOutcome outcome;
  Status error;
  EXPECT_EQ(receiver_.Handle(request, outcome, &error).status, 404);
  EXPECT_EQ(error.reason(), "WEBHOOK_UNKNOWN_ROUTE");

  request = Delivery("e1", kNow);
  request.method = "GET";
  EXPECT_EQ(receiver_.Handle(request, outcome).status, 299);
  EXPECT_EQ(outcome, WebhookOutcome::kControl);

  request.method = "PUT";
  EXPECT_EQ(receiver_.Handle(request, outcome, &error).status, 405);
  EXPECT_EQ(error.reason(), "WEBHOOK_METHOD_NOT_ALLOWED");
  EXPECT_EQ(inbox_->size(), 0u);
}

TEST(Utf8Test, WellFormedOnly) {
  for (std::string_view ok : std::initializer_list<std::string_view>{
           "", "plain ASCII", "Zo\xc3\xab", "\xe2\x82\xac 5",
           "\xf0\x9f\x98\x80", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf",
           std::string_view("nul\0ok", 6)}) {
    EXPECT_TRUE(IsValidUtf8(ok)) << ok;
  }
  for (std::string_view bad : std::initializer_list<std::string_view>{
           "\xff", "caf\xe9", "\x80", "\xc0\xaf", "\xc1\xbf",  // overlong
           "\xe0\x80\xaf", "\xf0\x80\x80\xaf",                 // overlong
           "\xed\xa0\x80",                                     // surrogate
           "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",             // > U+10FFFF
           "\xe2\x82", "\xf0\x9f\x98", "\xc3"}) {              // truncated
    EXPECT_FALSE(IsValidUtf8(bad)) << ::testing::PrintToString(bad);
  }
}

// The inbox keeps the event id, topic and headers as text: bytes that are
// not UTF-8 used to be stored there as they came.
TEST_F(WebhookReceiverTest, TextThatIsNotUtf8Is400AndNotStored) {
  auto verifier = std::make_shared<FakeVerifier>();
  verifier->keep_headers = true;
  receiver_.Route("/hooks/headers", verifier);
  auto bad_id = Delivery(
      "e\xff"
      "1",
      kNow);
  auto bad_header = Delivery("e2", kNow);
  bad_header.target = "/hooks/headers";
  bad_header.headers.push_back({"X-Note", "caf\xe9"});
  auto surrogate = Delivery("e3", kNow);
  surrogate.target = "/hooks/headers";
  surrogate.headers.push_back({"User-Agent", "a\xed\xa0\x80"});
  for (auto const& [request, field] :
       {std::pair{bad_id, "event id"}, std::pair{bad_header, "header X-Note"},
        std::pair{surrogate, "header User-Agent"}}) {
    WebhookOutcome outcome;
    Status error;
    EXPECT_EQ(receiver_.Handle(request, outcome, &error).status, 400);
    EXPECT_EQ(outcome, WebhookOutcome::kRefused);
    EXPECT_EQ(error.reason(), "WEBHOOK_MALFORMED");
    EXPECT_EQ(error.error_info().metadata.at("field"), field);
  }
  EXPECT_EQ(inbox_->size(), 0u);
  // UTF-8 text and a payload of any bytes are stored.
  auto fine = Delivery("\xc3\xa9v\xc3\xa9nement", kNow, "\xff\xfe binary");
  fine.target = "/hooks/headers";
  fine.headers.push_back({"X-Note", "Zo\xc3\xab \xf0\x9f\x98\x80"});
  EXPECT_EQ(receiver_.Handle(fine).status, 200);
  EXPECT_EQ(inbox_->size(), 1u);
}

TEST(CredentialHeaderTest, ByNameAndByPart) {
  for (std::string_view name :
       {"Authorization", "proxy-authorization", "Cookie", "Set-Cookie",
        "X-Api-Key", "x-auth-token", "X-Shopify-Access-Token",
        "X-Client-Secret", "Api-Key", "APIKEY", "X-Amz-Security-Token",
        "X-Session-Id", "X-Password", "X-Passwd", "X-Credentials",
        "WWW-Authenticate", "X-Csrf-Token", "Idempotency-Key"}) {
    EXPECT_TRUE(IsCredentialHeader(name)) << name;
  }
  for (std::string_view name :
       {"Content-Type", "Content-Length", "User-Agent", "SOAPAction",
        "X-EBAY-SIGNATURE", "x-ebay-signature", "X-Request-Id", "Host",
        "Accept", "X-Forwarded-For", "Date"}) {
    EXPECT_FALSE(IsCredentialHeader(name)) << name;
  }
}

// The receiver stored whatever headers the verifier kept: X-Api-Key and
// its like verbatim.
TEST_F(WebhookReceiverTest, CredentialHeadersAreRedactedBeforeTheInbox) {
  auto verifier = std::make_shared<FakeVerifier>();
  verifier->keep_headers = true;
  receiver_.Route("/hooks/headers", verifier);
  auto request = Delivery("e1", kNow);
  request.target = "/hooks/headers";
  HttpHeaders credentials = {
      {"Authorization", "Bearer v^1.1#i^1#secret-user-token"},
      {"Proxy-Authorization", "Basic dXNlcjpwYXNz"},
      {"Cookie", "session=abc123"},
      {"Set-Cookie", "id=abc123"},
      {"X-Api-Key", "sk_live_0123456789"},
      {"X-Auth-Token", "tok-42"},
      {"X-Shopify-Access-Token", "shpat_99"},
      {"X-Client-Secret", "hunter2"},
      {"x-session-id", "sess-7"}};
  for (auto const& h : credentials) request.headers.push_back(h);
  request.headers.push_back({"Content-Type", "application/json"});
  request.headers.push_back({"X-EBAY-SIGNATURE", "eyJhbGciOi"});
  request.headers.push_back({"Connection", "keep-alive"});
  request.headers.push_back({"Transfer-Encoding", "chunked"});
  ASSERT_EQ(receiver_.Handle(request).status, 200);
  auto events = inbox_->events();
  ASSERT_EQ(events.size(), 1u);
  auto const& stored = events[0].headers;
  for (auto const& h : credentials) {
    EXPECT_EQ(FindHeader(stored, h.name), kRedactedHeaderValue) << h.name;
    for (auto const& kept : stored) {
      EXPECT_EQ(kept.value.find(h.value), std::string::npos) << kept.name;
    }
  }
  EXPECT_EQ(FindHeader(stored, "content-type"), "application/json");
  EXPECT_EQ(FindHeader(stored, "x-ebay-signature"), "eyJhbGciOi");
  EXPECT_EQ(FindHeader(stored, "x-sig"), request.headers[0].value);
  EXPECT_FALSE(FindHeader(stored, "connection").has_value());
  EXPECT_FALSE(FindHeader(stored, "transfer-encoding").has_value());
}

// A verifier that names its content types and counts its Verify() calls.
class JsonOnlyVerifier : public FakeVerifier {
 public:
  StatusOr<WebhookEvent> Verify(ServerRequest const& request) override {
    ++calls;
    return FakeVerifier::Verify(request);
  }
  std::span<std::string_view const> content_types() const override {
    static constexpr std::string_view kTypes[] = {"application/json",
                                                  "application/x-test"};
    return kTypes;
  }
  int calls = 0;
};

// The receiver used to pass any Content-Type (or none) to the verifier.
TEST_F(WebhookReceiverTest, ContentTypeOutsideTheRouteIs415BeforeVerify) {
  auto verifier = std::make_shared<JsonOnlyVerifier>();
  receiver_.Route("/hooks/json", verifier);
  auto with_type = [](std::optional<std::string> type) {
    auto request = Delivery("e1", kNow);
    request.target = "/hooks/json";
    if (type) request.headers.push_back({"Content-Type", *type});
    return request;
  };
  for (auto type : std::vector<std::optional<std::string>>{
           std::nullopt, "", "text/plain", "text/xml", "application/jsonx",
           "application/json-patch+json",
           "multipart/form-data; boundary=application/json"}) {
    SCOPED_TRACE(type.value_or("(none)"));
    WebhookOutcome outcome;
    Status error;
    auto response = receiver_.Handle(with_type(type), outcome, &error);
    EXPECT_EQ(response.status, 415);
    EXPECT_EQ(outcome, WebhookOutcome::kRefused);
    EXPECT_EQ(error.reason(), "WEBHOOK_UNSUPPORTED_MEDIA_TYPE");
    EXPECT_EQ(FindHeader(response.headers, "accept"),
              "application/json, application/x-test");
  }
  EXPECT_EQ(verifier->calls, 0);
  EXPECT_EQ(inbox_->size(), 0u);
  // Parameters, case and whitespace do not matter.
  EXPECT_EQ(
      receiver_.Handle(with_type(" Application/JSON ; charset=utf-8")).status,
      200);
  EXPECT_EQ(receiver_.Handle(with_type("application/x-test")).status, 200);
  EXPECT_EQ(verifier->calls, 2);
  // A verifier that names no content types takes any.
  EXPECT_EQ(receiver_.Handle(Delivery("e2", kNow)).status, 200);
  EXPECT_EQ(inbox_->size(), 2u);
}

}  // namespace
}  // namespace v1
}  // namespace sanbao
