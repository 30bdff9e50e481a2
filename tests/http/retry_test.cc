#include "sanbao/http/retry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fake_transport.h"

namespace sanbao {
inline namespace v1 {
namespace {

using ::sanbao_test::Response;
using ::sanbao_test::ScriptedTransport;
using ::sanbao_test::TransportError;
using std::chrono::milliseconds;
using ::testing::ElementsAre;

// 2026-11-23T10:00:00Z
Instant const kNow =
    Instant(std::chrono::sys_days(std::chrono::year(2026) / 11 / 23)
                .time_since_epoch() +
            std::chrono::hours(10));

struct FakeEnvironment {
  double uniform = 0.5;
  Instant now = kNow;
  std::vector<milliseconds> sleeps;

  RetryEnvironment Make() {
    RetryEnvironment env;
    env.now = [this] { return now; };
    env.sleep = [this](milliseconds d) {
      sleeps.push_back(d);
      now += std::chrono::duration_cast<std::chrono::seconds>(d);
    };
    env.uniform01 = [this] { return uniform; };
    return env;
  }
};

HttpRequest Get() {
  HttpRequest r;
  r.method = "GET";
  r.url = "https://api.example.test/v1/items?limit=10";
  return r;
}

HttpRequest Post() {
  HttpRequest r;
  r.method = "POST";
  r.url = "https://api.example.test/v1/refunds";
  r.body = R"({"amount":"10.00"})";
  return r;
}

int Attempts(HttpResponse const& response) {
  auto v = FindHeader(response.headers, kAttemptsHeader);
  return v ? std::stoi(std::string(*v)) : -1;
}

TEST(BackoffDelayTest, FullJitterBounds) {
  RetryPolicy policy;  // 200 ms initial, x2, 20 s cap
  EXPECT_EQ(BackoffDelay(policy, 1, 0.0), milliseconds(0));
  EXPECT_EQ(BackoffDelay(policy, 1, 0.999), milliseconds(199));
  EXPECT_EQ(BackoffDelay(policy, 2, 0.999), milliseconds(399));
  EXPECT_EQ(BackoffDelay(policy, 3, 0.999), milliseconds(799));
  EXPECT_EQ(BackoffDelay(policy, 3, 0.5), milliseconds(400));
  // 200 * 2^7 = 25600 > 20000: capped.
  EXPECT_EQ(BackoffDelay(policy, 8, 0.999), milliseconds(19980));
  EXPECT_EQ(BackoffDelay(policy, 8, 0.0), milliseconds(0));
  // Far beyond the cap (2^1000 overflows a double to inf): still capped.
  EXPECT_EQ(BackoffDelay(policy, 1001, 0.999), milliseconds(19980));
}

TEST(BackoffDelayTest, NonsenseInputsGiveNoNegativeOrUndefinedDelays) {
  RetryPolicy policy;
  EXPECT_EQ(BackoffDelay(policy, 2, std::nan("")), milliseconds(0));
  EXPECT_EQ(BackoffDelay(policy, 2, -3.0), milliseconds(0));
  EXPECT_EQ(BackoffDelay(policy, 2, 7.0), milliseconds(400));
  policy.initial_backoff = milliseconds(-5);
  EXPECT_EQ(BackoffDelay(policy, 3, 0.5), milliseconds(0));
  policy.initial_backoff = milliseconds(100);
  policy.max_backoff = milliseconds(-1);
  EXPECT_EQ(BackoffDelay(policy, 3, 0.5), milliseconds(0));
}

TEST(RetryingTransportTest, SleepsFullJitterBetweenAttempts) {
  for (double uniform : {0.0, 0.999}) {
    FakeEnvironment env;
    env.uniform = uniform;
    auto inner =
        std::make_shared<ScriptedTransport>(std::vector<StatusOr<HttpResponse>>{
            Response(503), Response(502), Response(500), Response(200)});
    auto transport = MakeRetryingTransport(inner, RetryPolicy{}, env.Make());
    auto result = transport->Send(Get());
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->status, 200);
    EXPECT_EQ(Attempts(*result), 4);
    EXPECT_EQ(inner->calls(), 4u);
    if (uniform == 0.0) {
      EXPECT_THAT(env.sleeps, ElementsAre(milliseconds(0), milliseconds(0),
                                          milliseconds(0)));
    } else {
      EXPECT_THAT(env.sleeps, ElementsAre(milliseconds(199), milliseconds(399),
                                          milliseconds(799)));
    }
  }
}

TEST(RetryingTransportTest, MaxAttemptsReturnsLastResponse) {
  FakeEnvironment env;
  auto inner = std::make_shared<ScriptedTransport>(
      std::vector<StatusOr<HttpResponse>>{Response(503, {}, "busy")});
  RetryPolicy policy;
  policy.max_attempts = 3;
  auto result = MakeRetryingTransport(inner, policy, env.Make())->Send(Get());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->status, 503);
  EXPECT_EQ(result->body, "busy");
  EXPECT_EQ(Attempts(*result), 3);
  EXPECT_EQ(inner->calls(), 3u);
  EXPECT_EQ(env.sleeps.size(), 2u);
}

TEST(RetryingTransportTest, MaxAttemptsReturnsLastErrorWithAttempts) {
  FakeEnvironment env;
  auto inner = std::make_shared<ScriptedTransport>(
      std::vector<StatusOr<HttpResponse>>{TransportError("HTTP_TIMEOUT")});
  RetryPolicy policy;
  policy.max_attempts = 4;
  auto result = MakeRetryingTransport(inner, policy, env.Make())->Send(Get());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().reason(), "HTTP_TIMEOUT");
  EXPECT_EQ(result.status().code(), ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(result.status().error_info().attempts, 4);
  EXPECT_EQ(inner->calls(), 4u);
}

TEST(RetryingTransportTest, OneAttemptMeansNoRetry) {
  FakeEnvironment env;
  auto inner = std::make_shared<ScriptedTransport>(
      std::vector<StatusOr<HttpResponse>>{Response(503)});
  RetryPolicy policy;
  policy.max_attempts = 1;
  auto result = MakeRetryingTransport(inner, policy, env.Make())->Send(Get());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(Attempts(*result), 1);
  EXPECT_EQ(inner->calls(), 1u);
  EXPECT_TRUE(env.sleeps.empty());
}

TEST(RetryingTransportTest, ReadsRetryTransportErrors) {
  for (std::string reason :
       {"HTTP_TIMEOUT", "HTTP_CONNECTION_LOST", "HTTP_NOT_SENT"}) {
    FakeEnvironment env;
    auto inner =
        std::make_shared<ScriptedTransport>(std::vector<StatusOr<HttpResponse>>{
            TransportError(reason), Response(200)});
    auto result =
        MakeRetryingTransport(inner, RetryPolicy{}, env.Make())->Send(Get());
    ASSERT_TRUE(result.ok()) << reason;
    EXPECT_EQ(Attempts(*result), 2) << reason;
  }
}

TEST(RetryingTransportTest, OtherErrorsAndStatusesAreNotRetried) {
  FakeEnvironment env;
  auto inner = std::make_shared<ScriptedTransport>(
      std::vector<StatusOr<HttpResponse>>{TransportError("HTTP_BAD_URL")});
  auto result =
      MakeRetryingTransport(inner, RetryPolicy{}, env.Make())->Send(Get());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().error_info().attempts, 1);

  for (int status : {200, 400, 401, 404, 501}) {
    auto inner2 = std::make_shared<ScriptedTransport>(
        std::vector<StatusOr<HttpResponse>>{Response(status)});
    auto r =
        MakeRetryingTransport(inner2, RetryPolicy{}, env.Make())->Send(Get());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(inner2->calls(), 1u) << status;
  }
}

TEST(RetryingTransportTest, RetryAfterSecondsWins) {
  FakeEnvironment env;
  env.uniform = 0.999;
  auto inner =
      std::make_shared<ScriptedTransport>(std::vector<StatusOr<HttpResponse>>{
          Response(429, {{"Retry-After", "7"}}), Response(200)});
  auto result =
      MakeRetryingTransport(inner, RetryPolicy{}, env.Make())->Send(Get());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->status, 200);
  EXPECT_THAT(env.sleeps, ElementsAre(milliseconds(7000)));
}

TEST(RetryingTransportTest, RetryAfterHttpDateWins) {
  FakeEnvironment env;
  // kNow is Mon, 23 Nov 2026 10:00:00 GMT; 45 seconds later.
  auto inner =
      std::make_shared<ScriptedTransport>(std::vector<StatusOr<HttpResponse>>{
          Response(503, {{"retry-after", "Mon, 23 Nov 2026 10:00:45 GMT"}}),
          Response(200)});
  auto result =
      MakeRetryingTransport(inner, RetryPolicy{}, env.Make())->Send(Get());
  ASSERT_TRUE(result.ok());
  EXPECT_THAT(env.sleeps, ElementsAre(milliseconds(45000)));
}

TEST(RetryingTransportTest, RateLimitResetIsAHintFor429) {
  FakeEnvironment env;
  auto inner =
      std::make_shared<ScriptedTransport>(std::vector<StatusOr<HttpResponse>>{
          Response(429, {{"X-RateLimit-Reset", "12"}}),
          Response(429, {{"x-ratelimit-reset",
                          std::to_string(kNow.time_since_epoch().count() + 12 +
                                         30)}}),
          Response(200)});
  auto result =
      MakeRetryingTransport(inner, RetryPolicy{}, env.Make())->Send(Get());
  ASSERT_TRUE(result.ok());
  // Delta seconds, then epoch seconds (the fake clock advanced by 12 s).
  EXPECT_THAT(env.sleeps,
              ElementsAre(milliseconds(12000), milliseconds(30000)));
}

TEST(RetryingTransportTest, HintOverTheCapStopsRetrying) {
  FakeEnvironment env;
  auto inner =
      std::make_shared<ScriptedTransport>(std::vector<StatusOr<HttpResponse>>{
          Response(429, {{"Retry-After", "3600"}}), Response(200)});
  RetryPolicy policy;
  policy.max_server_delay = milliseconds(60000);
  auto result = MakeRetryingTransport(inner, policy, env.Make())->Send(Get());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->status, 429);
  EXPECT_EQ(Attempts(*result), 1);
  EXPECT_EQ(inner->calls(), 1u);
  EXPECT_TRUE(env.sleeps.empty());
  // The caller still sees the hint.
  EXPECT_EQ(FindHeader(result->headers, "Retry-After"), "3600");
}

TEST(RetryingTransportTest, PostIsNotRetriedOn500OrTimeout) {
  FakeEnvironment env;
  auto inner = std::make_shared<ScriptedTransport>(
      std::vector<StatusOr<HttpResponse>>{Response(500), Response(200)});
  auto result =
      MakeRetryingTransport(inner, RetryPolicy{}, env.Make())->Send(Post());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->status, 500);
  EXPECT_EQ(Attempts(*result), 1);
  EXPECT_EQ(inner->calls(), 1u);

  for (std::string reason : {"HTTP_TIMEOUT", "HTTP_CONNECTION_LOST"}) {
    auto inner2 =
        std::make_shared<ScriptedTransport>(std::vector<StatusOr<HttpResponse>>{
            TransportError(reason), Response(200)});
    auto r =
        MakeRetryingTransport(inner2, RetryPolicy{}, env.Make())->Send(Post());
    ASSERT_FALSE(r.ok()) << reason;
    EXPECT_EQ(r.status().reason(), reason);
    EXPECT_EQ(r.status().error_info().attempts, 1);
    EXPECT_EQ(inner2->calls(), 1u);
  }
  // PATCH is a write too.
  HttpRequest patch = Post();
  patch.method = "PATCH";
  auto inner3 = std::make_shared<ScriptedTransport>(
      std::vector<StatusOr<HttpResponse>>{Response(503), Response(200)});
  auto r3 =
      MakeRetryingTransport(inner3, RetryPolicy{}, env.Make())->Send(patch);
  EXPECT_EQ(inner3->calls(), 1u);
  EXPECT_TRUE(env.sleeps.empty());
}

TEST(RetryingTransportTest, PostIsRetriedWhenNotSentAndOn429) {
  FakeEnvironment env;
  auto inner =
      std::make_shared<ScriptedTransport>(std::vector<StatusOr<HttpResponse>>{
          TransportError("HTTP_NOT_SENT"),
          Response(429, {{"Retry-After", "2"}}), Response(201)});
  auto result =
      MakeRetryingTransport(inner, RetryPolicy{}, env.Make())->Send(Post());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->status, 201);
  EXPECT_EQ(Attempts(*result), 3);
  EXPECT_EQ(env.sleeps.size(), 2u);
  EXPECT_EQ(env.sleeps[1], milliseconds(2000));
  for (auto const& r : inner->requests()) EXPECT_EQ(r.body, Post().body);
}

TEST(RetryingTransportTest, PostWithIdempotencyKeyIsRetriedOn503) {
  FakeEnvironment env;
  HttpRequest post = Post();
  SetHeader(post.headers, "idempotency-key", "refund-42");
  auto inner =
      std::make_shared<ScriptedTransport>(std::vector<StatusOr<HttpResponse>>{
          Response(503), TransportError("HTTP_TIMEOUT"), Response(201)});
  auto result =
      MakeRetryingTransport(inner, RetryPolicy{}, env.Make())->Send(post);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->status, 201);
  EXPECT_EQ(Attempts(*result), 3);

  // A custom header name counts as well.
  RetryPolicy policy;
  policy.idempotency_headers = {"X-Request-Key"};
  HttpRequest post2 = Post();
  SetHeader(post2.headers, "X-Request-Key", "k");
  auto inner2 = std::make_shared<ScriptedTransport>(
      std::vector<StatusOr<HttpResponse>>{Response(503), Response(201)});
  auto r2 = MakeRetryingTransport(inner2, policy, env.Make())->Send(post2);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->status, 201);
}

TEST(RetryingTransportTest, LogsOneLinePerAttempt) {
  FakeEnvironment env;
  env.uniform = 0.999;
  std::vector<std::string> lines;
  RetryPolicy policy;
  policy.log = [&](std::string_view line) { lines.emplace_back(line); };
  auto inner =
      std::make_shared<ScriptedTransport>(std::vector<StatusOr<HttpResponse>>{
          TransportError("HTTP_TIMEOUT"), Response(200)});
  HttpRequest get = Get();
  get.url += "&access_token=s3cr3t";
  auto result = MakeRetryingTransport(inner, policy, env.Make())->Send(get);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], ::testing::HasSubstr("method=GET"));
  EXPECT_THAT(lines[0], ::testing::HasSubstr("error=HTTP_TIMEOUT"));
  EXPECT_THAT(lines[0], ::testing::HasSubstr("attempt=1/5"));
  EXPECT_THAT(lines[0], ::testing::HasSubstr("next_delay_ms=199"));
  EXPECT_THAT(lines[1], ::testing::HasSubstr("status=200"));
  EXPECT_THAT(lines[1], ::testing::HasSubstr("attempt=2/5"));
  for (auto const& line : lines) {
    EXPECT_THAT(line,
                ::testing::HasSubstr("https://api.example.test/v1/items"));
    EXPECT_THAT(line, ::testing::Not(::testing::HasSubstr("s3cr3t")));
  }
}

TEST(RetryingTransportTest, SendAllRetriesOnlyWhatFailedInRounds) {
  // The inner transport answers SendAll in request order: a gets 200, b a
  // 503, c a 500 (a POST without a key: final), d a 200; then b's retry.
  auto inner =
      std::make_shared<ScriptedTransport>(std::vector<StatusOr<HttpResponse>>{
          Response(200), Response(503), Response(500), Response(200),
          Response(200)});
  FakeEnvironment env;
  RetryPolicy policy;
  auto transport = MakeRetryingTransport(inner, policy, env.Make());
  std::vector<HttpRequest> requests = {Get(), Get(), Post(), Get()};
  requests[1].url = "https://api.example.test/v1/items/b";
  auto results = transport->SendAll(requests);
  ASSERT_EQ(results.size(), 4u);
  for (auto const& r : results) ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(results[0]->status, 200);
  EXPECT_EQ(Attempts(*results[0]), 1);
  EXPECT_EQ(results[1]->status, 200);
  EXPECT_EQ(Attempts(*results[1]), 2);
  EXPECT_EQ(results[2]->status, 500);
  EXPECT_EQ(Attempts(*results[2]), 1);
  EXPECT_EQ(Attempts(*results[3]), 1);
  auto sent = inner->requests();
  ASSERT_EQ(sent.size(), 5u);
  EXPECT_EQ(sent[4].url, requests[1].url);
  // One round of waiting: full jitter of the first backoff.
  ASSERT_EQ(env.sleeps.size(), 1u);
  EXPECT_EQ(env.sleeps[0], BackoffDelay(policy, 1, env.uniform));
}

TEST(RetryingTransportTest, ConcurrentUseIsSafe) {
  auto inner = std::make_shared<ScriptedTransport>(
      std::vector<StatusOr<HttpResponse>>{Response(200)});
  RetryEnvironment env = DefaultRetryEnvironment();
  auto transport = MakeRetryingTransport(inner, RetryPolicy{}, env);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto r = transport->Send(Get());
        EXPECT_TRUE(r.ok());
        double u = env.uniform01();
        EXPECT_GE(u, 0.0);
        EXPECT_LT(u, 1.0);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(inner->calls(), 400u);
}

TEST(ParseRetryAfterTest, DeltaSeconds) {
  EXPECT_EQ(ParseRetryAfter("120", kNow), milliseconds(120000));
  EXPECT_EQ(ParseRetryAfter(" 0 ", kNow), milliseconds(0));
  // Shopify sends decimals: npm:@shopify/shopify-api parses with parseFloat.
  EXPECT_EQ(ParseRetryAfter("2.5", kNow), milliseconds(2500));
  EXPECT_EQ(ParseRetryAfter("1.0001", kNow), milliseconds(1001));
  EXPECT_EQ(ParseRetryAfter("-1", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("12abc", kNow), std::nullopt);
}

TEST(ParseRetryAfterTest, HttpDates) {
  // The three forms of RFC 9110 §5.6.7, all naming the same instant.
  Instant const base =
      Instant(std::chrono::sys_days(std::chrono::year(1994) / 11 / 6)
                  .time_since_epoch() +
              std::chrono::hours(8) + std::chrono::minutes(49) +
              std::chrono::seconds(37));
  Instant const before = base - std::chrono::seconds(10);
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", before),
            milliseconds(10000));
  EXPECT_EQ(ParseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", before),
            milliseconds(10000));
  EXPECT_EQ(ParseRetryAfter("Sun Nov  6 08:49:37 1994", before),
            milliseconds(10000));
  // In the past: retry now.
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", kNow),
            milliseconds(0));
  // Malformed.
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 PST", kNow),
            std::nullopt);
  EXPECT_EQ(ParseRetryAfter("Sun, 31 Feb 1994 08:49:37 GMT", kNow),
            std::nullopt);
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Foo 1994 08:49:37 GMT", kNow),
            std::nullopt);
}

// kNow is Mon, 23 Nov 2026 10:00:00 GMT. Each form of RFC 9110 §5.6.7 on its
// own, 90 seconds later.
TEST(ParseRetryAfterTest, EachHttpDateForm) {
  EXPECT_EQ(ParseRetryAfter("Mon, 23 Nov 2026 10:01:30 GMT", kNow),
            milliseconds(90000));
  EXPECT_EQ(ParseRetryAfter("Monday, 23-Nov-26 10:01:30 GMT", kNow),
            milliseconds(90000));
  EXPECT_EQ(ParseRetryAfter("Mon Nov 23 10:01:30 2026", kNow),
            milliseconds(90000));
  // Leading and trailing whitespace of the field value does not count.
  EXPECT_EQ(ParseRetryAfter(" \tMon, 23 Nov 2026 10:01:30 GMT\t ", kNow),
            milliseconds(90000));
}

// "Recipients of timestamp values are encouraged to be robust in parsing
// timestamps" (RFC 9110 §5.6.7): names in any case, any spacing.
TEST(ParseRetryAfterTest, HttpDatesAreReadLeniently) {
  for (char const* lenient : {
           "mon, 23 NOV 2026 10:01:30 GMT",
           "Mon,23 Nov 2026 10:01:30 GMT",
           "Mon,  23  Nov  2026  10:01:30  GMT",
           "Mon, 23 Nov 2026 10:1:30 GMT",
           "Mon Nov 23 10:01:30  2026",
       }) {
    EXPECT_EQ(ParseRetryAfter(lenient, kNow), milliseconds(90000)) << lenient;
  }
}

// RFC 9110 §5.6.7: a two-digit year that "appears to be more than 50 years
// in the future" is "the most recent year in the past that had the same
// last two digits".
TEST(ParseRetryAfterTest, Rfc850TwoDigitYears) {
  Instant const y2070 =
      Instant(std::chrono::sys_days(std::chrono::year(2070) / 1 / 1)
                  .time_since_epoch());
  // 2070 is 44 years ahead of 2026: in the future.
  EXPECT_EQ(ParseRetryAfter("Wednesday, 01-Jan-70 00:00:00 GMT", kNow),
            std::chrono::duration_cast<milliseconds>(y2070 - kNow));
  // 2077 would be 51 years ahead: 1977, in the past.
  EXPECT_EQ(ParseRetryAfter("Saturday, 01-Jan-77 00:00:00 GMT", kNow),
            milliseconds(0));
  // The day name is checked in the century chosen (1 Jan 1970 was a
  // Thursday).
  EXPECT_EQ(ParseRetryAfter("Thursday, 01-Jan-70 00:00:00 GMT", kNow),
            std::nullopt);
}

// "00:00:00 - 23:59:60 (leap second)" (RFC 9110 §5.6.7).
TEST(ParseRetryAfterTest, LeapSecond) {
  Instant const y2027 =
      Instant(std::chrono::sys_days(std::chrono::year(2027) / 1 / 1)
                  .time_since_epoch());
  EXPECT_EQ(ParseRetryAfter("Thu, 31 Dec 2026 23:59:60 GMT", kNow),
            std::chrono::duration_cast<milliseconds>(y2027 - kNow));
}

TEST(ParseRetryAfterTest, RejectsMalformedHttpDates) {
  for (char const* bad : {
           "garbage",
           "Mon,",
           ",",
           "Mon, 23 Nov",
           "Mon, 23 Nov 2026 10:01:30",           // no zone
           "Mon, 23 Nov 2026 10:01:30 UTC",       // not GMT
           "Mon, 23 Nov 2026 10:01:30 GMTX",      // trailing text
           "Mon, 23 Nov 2026 10:01:30 GMT, Tue",  // two values
           "Mon Nov 23 10:01:30 2026 GMT",        // asctime has no zone
           "Mon 23 Nov 2026 10:01:30 GMT",        // no comma
           "Tue, 23 Nov 2026 10:01:30 GMT",       // wrong day name
           "Tuesday, 23-Nov-26 10:01:30 GMT",     // wrong day name
           "Tue Nov 23 10:01:30 2026",            // wrong day name
           "Mon, 23 Nov 2026 24:00:00 GMT",       // hour
           "Mon, 23 Nov 2026 10:60:00 GMT",       // minute
           "Mon, 23 Nov 2026 10:00:61 GMT",       // second
           "Mon, 23 Nov 2026 10:01 GMT",          // no seconds
           "Mon, 2026-11-23 10:01:30 GMT",        // ISO date
           "Monday, 23-Nov-2026 10:01:30 GMT",    // four-digit year
           "Mon Nov 31 10:00:00 2026",            // 31 November
           "Monday, 31-Nov-26 10:00:00 GMT",      // 31 November
       }) {
    EXPECT_EQ(ParseRetryAfter(bad, kNow), std::nullopt) << bad;
  }
}

TEST(ServerRetryDelayTest, RateLimitHeadersOnlyWhenExhausted) {
  EXPECT_EQ(ServerRetryDelay(Response(503, {{"RateLimit-Reset", "30"}}), kNow),
            std::nullopt);
  EXPECT_EQ(ServerRetryDelay(Response(503, {{"RateLimit-Reset", "30"},
                                            {"RateLimit-Remaining", "0"}}),
                             kNow),
            milliseconds(30000));
  EXPECT_EQ(ServerRetryDelay(Response(429, {{"RateLimit-Reset", "30"}}), kNow),
            milliseconds(30000));
  // An epoch in the past means now.
  EXPECT_EQ(ServerRetryDelay(
                Response(429, {{"X-RateLimit-Reset", "1000000000"}}), kNow),
            milliseconds(0));
  // Retry-After wins over the rate-limit headers.
  EXPECT_EQ(ServerRetryDelay(Response(429, {{"RateLimit-Reset", "30"},
                                            {"Retry-After", "5"}}),
                             kNow),
            milliseconds(5000));
  EXPECT_EQ(ServerRetryDelay(Response(429), kNow), std::nullopt);
}

TEST(IsIdempotentMethodTest, Rfc9110) {
  for (auto m : {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"}) {
    EXPECT_TRUE(IsIdempotentMethod(m)) << m;
  }
  for (auto m : {"POST", "PATCH", "CONNECT", "get"}) {
    EXPECT_FALSE(IsIdempotentMethod(m)) << m;
  }
}

}  // namespace
}  // namespace v1
}  // namespace sanbao
