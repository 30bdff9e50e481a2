#include "sanbao/http/oauth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
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
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;

Instant const kStart =
    Instant(std::chrono::sys_days(std::chrono::year(2026) / 11 / 23)
                .time_since_epoch());

struct Clock {
  std::atomic<std::int64_t> offset{0};
  std::function<Instant()> Now() {
    return [this] { return kStart + seconds(offset.load()); };
  }
};

// A fetcher handing out "token-1", "token-2", ... each valid for an hour.
struct CountingFetcher {
  Clock* clock;
  std::atomic<int> calls{0};
  TokenFetcher Make() {
    return [this]() -> StatusOr<AccessToken> {
      int n = ++calls;
      return AccessToken{"token-" + std::to_string(n),
                         clock->Now()() + seconds(3600)};
    };
  }
};

TEST(TokenProviderTest, CachesUntilTheRefreshMargin) {
  Clock clock;
  CountingFetcher fetcher{&clock};
  TokenProvider provider(fetcher.Make(), clock.Now(), seconds(300));
  auto a = provider.Token();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->value, "token-1");
  clock.offset = 3600 - 301;  // still outside the margin
  EXPECT_EQ(provider.Token()->value, "token-1");
  EXPECT_EQ(fetcher.calls, 1);
  clock.offset = 3600 - 300;  // inside the margin: refresh
  EXPECT_EQ(provider.Token()->value, "token-2");
  EXPECT_EQ(fetcher.calls, 2);
  EXPECT_EQ(provider.fetch_count(), 2);
}

TEST(TokenProviderTest, ManyThreadsShareOneFetch) {
  constexpr int kThreads = 16;
  Clock clock;
  std::atomic<int> calls{0};
  std::atomic<int> arrived{0};
  // The fetch lasts until every thread has asked for a token, so they all
  // overlap with it (or come after it, which must not fetch either).
  TokenFetcher fetch = [&]() -> StatusOr<AccessToken> {
    ++calls;
    while (arrived.load() < kThreads) std::this_thread::yield();
    return AccessToken{"shared", kStart + seconds(7200)};
  };
  TokenProvider provider(fetch, clock.Now());
  std::vector<std::thread> threads;
  std::vector<std::string> values(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      ++arrived;
      auto token = provider.Token();
      values[i] = token.ok() ? token->value : token.status().ToString();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls.load(), 1);
  for (auto const& v : values) EXPECT_EQ(v, "shared");
}

TEST(TokenProviderTest, RefreshAfter401FetchesOnceForTheRejectedToken) {
  Clock clock;
  CountingFetcher fetcher{&clock};
  TokenProvider provider(fetcher.Make(), clock.Now());
  ASSERT_EQ(provider.Token()->value, "token-1");
  EXPECT_EQ(provider.Refresh("token-1")->value, "token-2");
  // A second thread that also saw token-1 rejected reuses token-2.
  EXPECT_EQ(provider.Refresh("token-1")->value, "token-2");
  EXPECT_EQ(fetcher.calls, 2);
  EXPECT_EQ(provider.Refresh("token-2")->value, "token-3");
  EXPECT_EQ(provider.Token()->value, "token-3");
  EXPECT_EQ(fetcher.calls, 3);
}

TEST(TokenProviderTest, ConcurrentRefreshesFetchOnce) {
  constexpr int kThreads = 12;
  Clock clock;
  CountingFetcher fetcher{&clock};
  TokenProvider provider(fetcher.Make(), clock.Now());
  ASSERT_EQ(provider.Token()->value, "token-1");
  std::vector<std::thread> threads;
  std::vector<std::string> values(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto token = provider.Refresh("token-1");
      values[i] = token.ok() ? token->value : "error";
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fetcher.calls, 2);
  for (auto const& v : values) EXPECT_EQ(v, "token-2");
}

TEST(TokenProviderTest, FailuresAreReturnedAndNotCached) {
  Clock clock;
  int calls = 0;
  TokenProvider provider(
      [&]() -> StatusOr<AccessToken> {
        if (++calls == 1) {
          return UnavailableError("token endpoint down", "HTTP_NOT_SENT");
        }
        return AccessToken{"ok", kStart + seconds(3600)};
      },
      clock.Now());
  auto first = provider.Token();
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().reason(), "HTTP_NOT_SENT");
  EXPECT_EQ(provider.Token()->value, "ok");
  EXPECT_EQ(calls, 2);
}

TEST(TokenProviderTest, AThrowingFetcherBecomesAStatus) {
  Clock clock;
  TokenProvider provider(
      []() -> StatusOr<AccessToken> { throw std::runtime_error("boom"); },
      clock.Now());
  auto token = provider.Token();
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().reason(), "OAUTH_FETCHER_THREW");
  // The provider is usable afterwards (not stuck "fetching").
  EXPECT_FALSE(provider.Token().ok());
}

// The eBay token request: npm:ebay-api@9.6.0 dist/auth/oAuth2.js
// (refreshUserAccessToken: postForm {grant_type, refresh_token, scope} with
// HTTP Basic appId:certId), https://github.com/hendt/ebay-api; eBay, "Using
// a refresh token to update a User access token",
// https://developer.ebay.com/api-docs/static/oauth-refresh-token-request.html.
TEST(OAuthTokenFetcherTest, RefreshTokenGrant) {
  Clock clock;
  // Response fields and token_type as ebay-api's setCredentials defaults
  // them (expires_in 7200, token_type "User Access Token"), same file.
  auto transport = std::make_shared<ScriptedTransport>(
      std::vector<StatusOr<HttpResponse>>{Response(
          200, {{"Content-Type", "application/json"}},
          R"({"access_token":"v^1.1#i^1#user-token","expires_in":7200,)"
          R"("token_type":"User Access Token"})")});
  OAuthClientOptions options;
  options.token_url = "https://api.ebay.com/identity/v1/oauth2/token";
  options.client_id = "Seller-App-PRD-1234";
  options.client_secret = "PRD-secret";
  options.refresh_token = "v^1.1#r^1#refresh/token=";
  options.scopes = {"https://api.ebay.com/oauth/api_scope",
                    "https://api.ebay.com/oauth/api_scope/sell.fulfillment"};
  auto fetch = MakeOAuthTokenFetcher(transport, options, clock.Now());
  auto token = fetch();
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->value, "v^1.1#i^1#user-token");
  EXPECT_EQ(token->expires_at, kStart + seconds(7200));
  EXPECT_EQ(token->token_type, "User Access Token");
  EXPECT_EQ(token->refresh_token, "");

  ASSERT_EQ(transport->calls(), 1u);
  HttpRequest const sent = transport->requests()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, options.token_url);
  // base64("Seller-App-PRD-1234:PRD-secret")
  EXPECT_EQ(FindHeader(sent.headers, "Authorization"),
            "Basic U2VsbGVyLUFwcC1QUkQtMTIzNDpQUkQtc2VjcmV0");
  EXPECT_EQ(FindHeader(sent.headers, "Content-Type"),
            "application/x-www-form-urlencoded");
  EXPECT_EQ(
      sent.body,
      "grant_type=refresh_token"
      "&refresh_token=v%5E1.1%23r%5E1%23refresh%2Ftoken%3D"
      "&scope=https%3A%2F%2Fapi.ebay.com%2Foauth%2Fapi_scope+"
      "https%3A%2F%2Fapi.ebay.com%2Foauth%2Fapi_scope%2Fsell.fulfillment");
}

TEST(OAuthTokenFetcherTest, ClientCredentialsGrantAndRotation) {
  Clock clock;
  auto transport =
      std::make_shared<ScriptedTransport>(std::vector<StatusOr<HttpResponse>>{
          Response(200, {}, R"({"access_token":"app","expires_in":"60"})")});
  OAuthClientOptions options;
  options.token_url = "https://auth.example.test/token";
  options.client_id = "id";
  options.client_secret = "secret";
  auto token = MakeOAuthTokenFetcher(transport, options, clock.Now())();
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->expires_at, kStart + seconds(60));
  EXPECT_EQ(transport->requests()[0].body, "grant_type=client_credentials");

  // A rotated refresh token (RFC 6749 §6: "the authorization server MAY
  // issue a new refresh token") is used for the next request.
  auto rotating =
      std::make_shared<ScriptedTransport>(std::vector<StatusOr<HttpResponse>>{
          Response(200, {},
                   R"({"access_token":"a1","expires_in":3600,)"
                   R"("refresh_token":"r2"})"),
          Response(200, {}, R"({"access_token":"a2","expires_in":3600})")});
  options.refresh_token = "r1";
  auto fetch = MakeOAuthTokenFetcher(rotating, options, clock.Now());
  auto first = fetch();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->refresh_token, "r2");
  ASSERT_TRUE(fetch().ok());
  EXPECT_EQ(rotating->requests()[0].body,
            "grant_type=refresh_token&refresh_token=r1");
  EXPECT_EQ(rotating->requests()[1].body,
            "grant_type=refresh_token&refresh_token=r2");
}

// RFC 6749 §5.2 error response.
TEST(OAuthTokenFetcherTest, OAuthErrorsBecomeReasons) {
  struct Case {
    int status;
    std::string body;
    std::string reason;
    ErrorCode code;
  };
  std::vector<Case> cases = {
      {400,
       R"({"error":"invalid_grant","error_description":"the provided authorization refresh token is invalid"})",
       "OAUTH_INVALID_GRANT", ErrorCode::kUnauthenticated},
      {401, R"({"error":"invalid_client"})", "OAUTH_INVALID_CLIENT",
       ErrorCode::kUnauthenticated},
      {400, R"({"error":"invalid_scope"})", "OAUTH_INVALID_SCOPE",
       ErrorCode::kPermissionDenied},
      {400, R"({"error":"something_new"})", "OAUTH_ERROR",
       ErrorCode::kInvalidArgument},
      {503, "<html>down</html>", "OAUTH_ERROR", ErrorCode::kUnavailable},
  };
  for (auto const& c : cases) {
    Clock clock;
    auto transport = std::make_shared<ScriptedTransport>(
        std::vector<StatusOr<HttpResponse>>{Response(c.status, {}, c.body)});
    OAuthClientOptions options;
    options.token_url = "https://auth.example.test/token";
    options.client_id = "id";
    options.client_secret = "very-secret-value";
    options.refresh_token = "refresh-secret-value";
    auto token = MakeOAuthTokenFetcher(transport, options, clock.Now())();
    ASSERT_FALSE(token.ok()) << c.body;
    EXPECT_EQ(token.status().reason(), c.reason) << c.body;
    EXPECT_EQ(token.status().code(), c.code) << c.body;
    EXPECT_EQ(token.status().error_info().http_status, c.status);
    std::string text = token.status().ToString();
    EXPECT_THAT(text, Not(HasSubstr("very-secret-value")));
    EXPECT_THAT(text, Not(HasSubstr("refresh-secret-value")));
  }
}

TEST(OAuthTokenFetcherTest, BadResponsesAndTransportErrors) {
  Clock clock;
  OAuthClientOptions options;
  options.token_url = "https://auth.example.test/token";
  for (std::string body :
       {"not json", R"({"token_type":"Bearer"})", R"({"access_token":42})"}) {
    auto transport = std::make_shared<ScriptedTransport>(
        std::vector<StatusOr<HttpResponse>>{Response(200, {}, body)});
    auto token = MakeOAuthTokenFetcher(transport, options, clock.Now())();
    ASSERT_FALSE(token.ok());
    EXPECT_EQ(token.status().reason(), "OAUTH_BAD_RESPONSE") << body;
  }
  auto down = std::make_shared<ScriptedTransport>(
      std::vector<StatusOr<HttpResponse>>{TransportError("HTTP_NOT_SENT")});
  auto token = MakeOAuthTokenFetcher(down, options, clock.Now())();
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().reason(), "HTTP_NOT_SENT");
}

TEST(OAuthTokenFetcherTest, WorksUnderTheTokenProvider) {
  Clock clock;
  auto transport =
      std::make_shared<ScriptedTransport>(std::vector<StatusOr<HttpResponse>>{
          Response(200, {}, R"({"access_token":"t1","expires_in":7200})"),
          Response(200, {}, R"({"access_token":"t2","expires_in":7200})")});
  OAuthClientOptions options;
  options.token_url = "https://auth.example.test/token";
  options.refresh_token = "r";
  auto provider = std::make_shared<TokenProvider>(
      MakeOAuthTokenFetcher(transport, options, clock.Now()), clock.Now());
  EXPECT_EQ(provider->Token()->value, "t1");
  EXPECT_EQ(provider->Token()->value, "t1");
  EXPECT_EQ(provider->Refresh("t1")->value, "t2");
  EXPECT_EQ(transport->calls(), 2u);
}

// ---- the token transport --------------------------------------------------

// Answers 401 to any request whose Authorization is not "<scheme> <good>".
class TokenCheckingTransport : public HttpTransport {
 public:
  explicit TokenCheckingTransport(std::string good) : good_(std::move(good)) {}
  StatusOr<HttpResponse> Send(HttpRequest const& request) override {
    seen.push_back(
        std::string(FindHeader(request.headers, "Authorization").value_or("")));
    return Response(seen.back() == good_ ? 200 : 401);
  }
  void set_good(std::string good) { good_ = std::move(good); }
  std::vector<std::string> seen;

 private:
  std::string good_;
};

TEST(TokenTransportTest, SetsTheSchemeAndTokenReplacingAnyAuthorization) {
  Clock clock;
  CountingFetcher fetcher{&clock};
  auto tokens = std::make_shared<TokenProvider>(fetcher.Make(), clock.Now());
  auto inner = std::make_shared<TokenCheckingTransport>("IAF token-1");
  auto transport = MakeTokenTransport(inner, tokens, "IAF");
  HttpRequest request;
  request.url = "https://api.example.test/x";
  request.headers = {{"authorization", "Basic stale"}};
  auto r = transport->Send(request);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(inner->seen, (std::vector<std::string>{"IAF token-1"}));
  EXPECT_EQ(fetcher.calls, 1);
}

TEST(TokenTransportTest, A401IsSentOnceMoreWithARefreshedTokenPostsToo) {
  Clock clock;
  CountingFetcher fetcher{&clock};
  auto tokens = std::make_shared<TokenProvider>(fetcher.Make(), clock.Now());
  ASSERT_TRUE(tokens->Token().ok());  // token-1 cached, revoked remotely
  auto inner = std::make_shared<TokenCheckingTransport>("Bearer token-2");
  auto transport = MakeTokenTransport(inner, tokens);
  std::vector<HttpRequest> requests(3);
  for (auto& q : requests) {
    q.method = "POST";
    q.url = "https://api.example.test/refund";
    q.body = "{}";
  }
  auto results = transport->SendAll(requests);
  ASSERT_EQ(results.size(), 3u);
  for (auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_EQ(fetcher.calls, 2);  // one refresh for the whole batch
  EXPECT_EQ(inner->seen.size(), 6u);
}

TEST(TokenTransportTest, ASecond401IsReturnedAsItIs) {
  Clock clock;
  CountingFetcher fetcher{&clock};
  auto tokens = std::make_shared<TokenProvider>(fetcher.Make(), clock.Now());
  auto inner = std::make_shared<TokenCheckingTransport>("Bearer never");
  auto transport = MakeTokenTransport(inner, tokens);
  auto r = transport->Send(HttpRequest{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(inner->seen,
            (std::vector<std::string>{"Bearer token-1", "Bearer token-2"}));
}

TEST(TokenTransportTest, NoTokenIsEveryRequestsErrorAndNothingIsSent) {
  Clock clock;
  auto tokens = std::make_shared<TokenProvider>(
      []() -> StatusOr<AccessToken> {
        return UnavailableError("identity down", "OAUTH_DOWN");
      },
      clock.Now());
  auto inner = std::make_shared<TokenCheckingTransport>("Bearer x");
  auto transport = MakeTokenTransport(inner, tokens);
  std::vector<HttpRequest> requests(2);
  auto results = transport->SendAll(requests);
  ASSERT_EQ(results.size(), 2u);
  for (auto& r : results) EXPECT_EQ(r.status().reason(), "OAUTH_DOWN");
  EXPECT_TRUE(inner->seen.empty());
}

TEST(TokenTransportTest, WithoutAnInnerTransportItSaysSo) {
  Clock clock;
  CountingFetcher fetcher{&clock};
  auto tokens = std::make_shared<TokenProvider>(fetcher.Make(), clock.Now());
  auto transport = MakeTokenTransport(nullptr, tokens);
  EXPECT_EQ(transport->Send(HttpRequest{}).status().reason(),
            "HTTP_NO_TRANSPORT");
}

}  // namespace
}  // namespace v1
}  // namespace sanbao
