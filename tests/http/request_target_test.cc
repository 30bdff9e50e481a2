// ParseRequestTarget reads most URLs with Boost.URL and sends the rest to
// libcurl's parser; whichever path a URL takes, the answer must be the one
// libcurl gives (ParseRequestTargetWithCurl), so that a URL means the same
// to both transports.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "curl_common.h"

namespace sanbao {
inline namespace v1 {
namespace internal {
namespace {

void ExpectSameAsCurl(std::string const& url) {
  auto fast = ParseRequestTarget(url);
  auto curl = ParseRequestTargetWithCurl(url);
  ASSERT_EQ(fast.has_value(), curl.has_value()) << url;
  if (!fast) return;
  EXPECT_EQ(fast->origin, curl->origin) << url;
  EXPECT_EQ(fast->request_uri, curl->request_uri) << url;
  EXPECT_EQ(fast->host, curl->host) << url;
}

TEST(RequestTarget, ReadsTheCommonShapes) {
  auto t = ParseRequestTarget(
      "https://api.ebay.com/post-order/v2/return/search?limit=200&offset=0");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->origin, "https://api.ebay.com:443/");
  EXPECT_EQ(t->request_uri, "/post-order/v2/return/search?limit=200&offset=0");
  EXPECT_EQ(t->host, "api.ebay.com");

  t = ParseRequestTarget("http://127.0.0.1:8080");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->origin, "http://127.0.0.1:8080/");
  EXPECT_EQ(t->request_uri, "/");
  EXPECT_EQ(t->host, "127.0.0.1:8080");
}

TEST(RequestTarget, RefusesWhatCurlRefuses) {
  for (std::string url :
       {"", "ftp://example.com/x", "https://user:pw@example.com/x",
        "https://user@example.com/", "example.com/x", "https://",
        "https://exa mple.com/", "https://example.com:99999/",
        "mailto:a@example.com"}) {
    EXPECT_FALSE(ParseRequestTarget(url).has_value()) << url;
    ExpectSameAsCurl(url);
  }
}

TEST(RequestTarget, AgreesWithCurlOnAListOfUrls) {
  for (std::string url : {
           "https://api.ebay.com/sell/fulfillment/v1/order/"
           "12-34?fieldGroups=TAX_BREAKDOWN",
           "https://api.ebay.com/post-order/v2/return/"
           "search?creation_date_range_from=2026-01-01T00%3A00%3A00.000Z",
           "http://127.0.0.1:40123/identity/v1/oauth2/token",
           "http://localhost/",
           "http://localhost",
           "http://localhost:80/a",
           "https://localhost:443/a",
           "http://localhost:080/a",
           "http://localhost:/a",
           "http://LOCALHOST/a",
           "HTTP://localhost/a",
           "hTTps://Example.COM/A/B",
           "http://[::1]:8080/x",
           "http://[::1]/x",
           "http://example.com/a/./b/../c",
           "http://example.com/a/%2e%2e/c",
           "http://example.com/%7Euser/a%20b",
           "http://example.com/a?",
           "http://example.com/a?b=c#frag",
           "http://example.com/a#frag",
           "http://example.com?x=1",
           "http://example.com/a?x=%ZZ",
           "http://ex%41mple.com/",
           "http://example.com./",
           "http:///x",
           "http://a&b/",
           "http://a'b/",
           "http://a_b/",
           "http://a~b/",
           "http://2/",
           "http://127.1/",
           "http://0x7f.0.0.1/",
           "http://1.2.3.4./",
           "http://1.example.com/",
           "http://127.000.0.1/",
           "http://10.0.0.1:65535/",
           "http://10.0.0.1:65536/",
           "http://10.0.0.1:0/",
           "http://example.com//double//slash",
           "http://example.com/a;b=c/d",
           "http://example.com/a'b",
           "http://example.com/[x]",
           "http://example.com/a\\b",
           "http://xn--nxasmq6b.example/",
       }) {
    ExpectSameAsCurl(url);
  }
}

// Random URLs over an alphabet of the characters that matter to URL
// parsers: whatever path a URL takes, the answer is libcurl's.
TEST(RequestTarget, AgreesWithCurlOnRandomUrls) {
  std::mt19937 rng(20261207);
  std::vector<std::string> const schemes = {"http://", "https://", "HTTP://",
                                            "ftp://",  "http:/",   ""};
  std::vector<std::string> const hosts = {
      "example.com", "127.0.0.1", "[::1]", "EXAMPLE.com", "a%41.com", "",
      "u@h",         "h:1",       "h:080", "h:65536",     "h:",       "x.y."};
  std::string const alphabet = "ab/.?#%=&:;@ 2F~[]'+!$\\";
  for (int i = 0; i < 20000; ++i) {
    std::string url =
        schemes[rng() % schemes.size()] + hosts[rng() % hosts.size()];
    int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) url += alphabet[rng() % alphabet.size()];
    ExpectSameAsCurl(url);
    if (testing::Test::HasFailure()) break;
  }
}

// A reader over a run of URLs that mostly share an origin: each answer is
// libcurl's for that URL alone, whatever came before it.
TEST(RequestTarget, AReaderAnswersEachUrlAsCurlDoes) {
  std::mt19937 rng(7);
  std::vector<std::string> const origins = {"http://127.0.0.1:40123",
                                            "https://api.ebay.com",
                                            "http://h:080",
                                            "HTTP://h",
                                            "http://H",
                                            "http://[::1]:9",
                                            "http://u@h",
                                            "http://h:",
                                            "http://h?x",
                                            "http://h#y"};
  std::string const alphabet = "ab/.?#%=&:;@ 2F~[]'+!$\\";
  RequestTargetReader reader;
  for (int i = 0; i < 20000; ++i) {
    std::string url = origins[rng() % 4 == 0 ? rng() % origins.size() : 0];
    int n = static_cast<int>(rng() % 14);
    if (rng() % 2 == 0) url += "/post-order/v2/return/";
    for (int k = 0; k < n; ++k) url += alphabet[rng() % alphabet.size()];
    auto got = reader.Read(url);
    auto want = ParseRequestTargetWithCurl(url);
    ASSERT_EQ(got.has_value(), want.has_value()) << url;
    if (got) {
      ASSERT_EQ(*got, *want) << url;
    }
  }
}

}  // namespace
}  // namespace internal
}  // namespace v1
}  // namespace sanbao
