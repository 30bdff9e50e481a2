#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fake_transport.h"
#include "sanbao/http/log.h"
#include "sanbao/http/oauth.h"
#include "sanbao/http/retry.h"

namespace sanbao {
inline namespace v1 {
namespace {

using ::sanbao_test::Response;
using ::sanbao_test::ScriptedTransport;
using ::sanbao_test::TransportError;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(RedactForLogTest, AuthorizationKeepsTheScheme) {
  EXPECT_EQ(RedactForLog("Authorization: IAF v^1.1#i^1#secret"),
            "Authorization: IAF ***");
  EXPECT_EQ(RedactForLog("authorization:Bearer abc.def"),
            "authorization:Bearer ***");
  EXPECT_EQ(RedactForLog("Proxy-Authorization: Basic dXNlcjpwYXNz\r\nHost: x"),
            "Proxy-Authorization: Basic ***\r\nHost: x");
  EXPECT_EQ(RedactForLog("Authorization: opaque"), "Authorization: ***");
}

TEST(RedactForLogTest, QueryStringsAndFormBodies) {
  EXPECT_EQ(RedactForLog("https://h/cb?code=abc123&state=xyz"),
            "https://h/cb?code=***&state=xyz");
  EXPECT_EQ(RedactForLog("grant_type=refresh_token&refresh_token=v%5E1.1"
                         "&scope=https%3A%2F%2Fapi.ebay.com"),
            "grant_type=refresh_token&refresh_token=***"
            "&scope=https%3A%2F%2Fapi.ebay.com");
  EXPECT_EQ(RedactForLog("client_secret=s&PASSWORD=p&access_token=t"),
            "client_secret=***&PASSWORD=***&access_token=***");
  // Whole names only.
  EXPECT_EQ(RedactForLog("error_code=5&zipcode=1&codes=2"),
            "error_code=5&zipcode=1&codes=2");
}

TEST(RedactForLogTest, JsonBodies) {
  EXPECT_EQ(RedactForLog(R"({"access_token":"v^1.1#i","expires_in":7200,)"
                         R"("refresh_token" : "r\"x","token_type":"Bearer"})"),
            R"({"access_token":"***","expires_in":7200,)"
            R"("refresh_token" : "***","token_type":"Bearer"})");
  EXPECT_EQ(RedactForLog(R"({"Authorization":"IAF tok","code":1234})"),
            R"({"Authorization":"IAF ***","code":***})");
}

TEST(RedactForLogTest, EbaySignatureKeyHeader) {
  // The EU/UK digital-signature header (eBay, "Digital Signatures for APIs",
  // https://developer.ebay.com/develop/guides/digital-signatures-for-apis).
  EXPECT_EQ(RedactForLog("x-ebay-signature-key: eyJhbGciOi.jwe.value"),
            "x-ebay-signature-key: ***");
}

TEST(RedactForLogTest, UrlUserInfoAndBareCredentials) {
  EXPECT_EQ(RedactForLog("http://user:pa55@proxy.example:3128/x"),
            "http://***@proxy.example:3128/x");
  EXPECT_EQ(RedactForLog("https://api.example.test/a@b"),
            "https://api.example.test/a@b");
  EXPECT_EQ(RedactForLog("sent Bearer eyJhbGciOi.x.y to the API"),
            "sent Bearer *** to the API");
  EXPECT_EQ(RedactForLog("token IAF v^1.1#i^1#abc, rejected"),
            "token IAF ***, rejected");
  EXPECT_EQ(RedactForLog(R"({"token_type":"Bearer"})"),
            R"({"token_type":"Bearer"})");
}

// Basic credentials in an `auth=` field passed the redaction, and so did
// other common names for a credential; shapes that give a token away are
// masked wherever they stand.
TEST(RedactForLogTest, MoreNamesAndTokenShapes) {
  EXPECT_EQ(RedactForLog("GET /x?auth=Basic dXNlcjpwYXNz status=400"),
            "GET /x?auth=Basic *** status=400");
  EXPECT_EQ(RedactForLog("auth=dXNlcjpwYXNz&token=abc&id_token=j&api_key=k"),
            "auth=***&token=***&id_token=***&api_key=***");
  EXPECT_EQ(RedactForLog("X-Api-Key: k3y\r\nCookie: s=1; t=2\r\nHost: h"),
            "X-Api-Key: ***\r\nCookie: ***\r\nHost: h");
  EXPECT_EQ(
      RedactForLog(R"({"secret":"s","client_assertion":"a","token":"t"})"),
      R"({"secret":"***","client_assertion":"***","token":"***"})");
  EXPECT_EQ(RedactForLog("sent Basic dXNlcjpwYXNzd29yZA== twice"),
            "sent Basic *** twice");
  EXPECT_EQ(RedactForLog("echo: v^1.1#i^1#p^3#r^1#I^3#f^0#t^Ul4x, end"),
            "echo: ***, end");
  EXPECT_EQ(RedactForLog("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln ok"),
            "jwt *** ok");
  // Redacting twice changes nothing (a message is redacted where it is made
  // and again where it is printed).
  for (std::string text :
       {"eBay answered: Authorization: IAF v^1.1#x\\x0Amore (errorId 2004)",
        "Cookie: a=b\nX-Api-Key: k", "auth=Basic dXNlcjpwYXNz&x=1"}) {
    auto once = RedactForLog(text);
    EXPECT_EQ(RedactForLog(once), once) << text;
  }
  EXPECT_EQ(RedactForLog("Authorization: IAF *** (errorId 2004)"),
            "Authorization: IAF *** (errorId 2004)");
  // Words are not credentials.
  for (std::string text :
       {"a basic check failed", "basic authentication is off",
        "the token_type is Bearer", "IAF token supplied is expired.",
        "eyJust a word", "error_code=5&tokens=2"}) {
    EXPECT_EQ(RedactForLog(text), text);
  }
}

TEST(RedactForLogTest, EdgeCases) {
  EXPECT_EQ(RedactForLog(""), "");
  EXPECT_EQ(RedactForLog("code="), "code=");
  EXPECT_EQ(RedactForLog("code"), "code");
  EXPECT_EQ(RedactForLog(R"({"password":"unterminated)"),
            R"({"password":"***)");
  EXPECT_EQ(RedactForLog("Authorization:"), "Authorization:");
  EXPECT_EQ(RedactForLog("password=a&password=b"), "password=***&password=***");
}

TEST(RedactForLogTest, LeavesOrdinaryTextAlone) {
  std::string line =
      "http-retry method=GET url=https://api.ebay.com/post-order/v2/return/"
      "5000012345 status=200 duration_ms=12 attempt=1/5 final";
  EXPECT_EQ(RedactForLog(line), line);
}

// Secrets sent through the retrying transport and the OAuth fetcher never
// reach the log sink, and the lines still say what happened.
TEST(RedactionEndToEndTest, SecretsNeverReachTheSink) {
  std::string const kSecret = "SuperSecretToken123";
  std::mutex mu;
  std::vector<std::string> lines;
  RetryPolicy policy;
  policy.log = [&](std::string_view line) {
    std::lock_guard lock(mu);
    lines.emplace_back(line);
  };
  RetryEnvironment env;
  env.now = [] { return Instant{}; };
  env.sleep = [](std::chrono::milliseconds) {};
  env.uniform01 = [] { return 0.5; };

  auto inner =
      std::make_shared<ScriptedTransport>(std::vector<StatusOr<HttpResponse>>{
          TransportError("HTTP_NOT_SENT"), Response(429),
          Response(200, {},
                   R"({"access_token":")" + kSecret +
                       R"(","expires_in":7200,"refresh_token":")" + kSecret +
                       R"("})"),
          Response(200)});
  auto transport = MakeRetryingTransport(inner, policy, env);

  OAuthClientOptions options;
  options.token_url = "https://api.ebay.com/identity/v1/oauth2/token";
  options.client_id = "app";
  options.client_secret = kSecret;
  options.refresh_token = kSecret;
  auto token = MakeOAuthTokenFetcher(transport, options, env.now)();
  ASSERT_TRUE(token.ok()) << token.status();

  HttpRequest get;
  get.url =
      "https://api.ebay.com/post-order/v2/return/1?access_token=" + kSecret +
      "&code=" + kSecret;
  SetHeader(get.headers, "Authorization", "IAF " + kSecret);
  auto result = transport->Send(get);
  ASSERT_TRUE(result.ok());

  ASSERT_EQ(lines.size(), 4u);
  for (auto const& line : lines) {
    EXPECT_THAT(line, Not(HasSubstr(kSecret)));
  }
  EXPECT_THAT(lines[0], HasSubstr("method=POST"));
  EXPECT_THAT(lines[0],
              HasSubstr("https://api.ebay.com/identity/v1/oauth2/token"));
  EXPECT_THAT(lines[0], HasSubstr("error=HTTP_NOT_SENT"));
  EXPECT_THAT(lines[1], HasSubstr("status=429"));
  EXPECT_THAT(lines[2], HasSubstr("status=200"));
  EXPECT_THAT(lines[3], HasSubstr("method=GET"));
  EXPECT_THAT(lines[3], HasSubstr("/post-order/v2/return/1?access_token=***"));
}

}  // namespace
}  // namespace v1
}  // namespace sanbao
