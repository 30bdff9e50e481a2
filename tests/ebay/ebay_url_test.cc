// URL helpers: splitting for signatures and fixtures, building request URLs
// with percent-encoded path segments and query values (RFC 3986), read back
// through Boost.URL.

#include <gtest/gtest.h>

#include <boost/url.hpp>
#include <string>
#include <utility>
#include <vector>

#include "url.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace {

using internal::BuildUrl;
using internal::SplitUrl;
using Pairs = std::vector<std::pair<std::string, std::string>>;

// The query as Boost.URL decodes it (a bare '+' would come back a space).
Pairs DecodedQuery(std::string const& url) {
  auto parsed = boost::urls::parse_uri(url);
  EXPECT_TRUE(parsed.has_value()) << url;
  Pairs out;
  if (!parsed) return out;
  for (auto const& param : parsed->params()) {
    out.emplace_back(param.key, param.value);
  }
  return out;
}

constexpr char kBase[] = "https://api.ebay.com/post-order/v2/return";

TEST(EbayUrl, SegmentsAreEncodedUnreservedOnly) {
  EXPECT_EQ(BuildUrl(kBase, {"5000012345"}),
            "https://api.ebay.com/post-order/v2/return/5000012345");
  EXPECT_EQ(BuildUrl(kBase, {"a/b", "c?d#e"}),
            "https://api.ebay.com/post-order/v2/return/a%2Fb/c%3Fd%23e");
  EXPECT_EQ(BuildUrl(kBase, {"12:34 +x~._-"}),
            "https://api.ebay.com/post-order/v2/return/12%3A34%20%2Bx~._-");
  EXPECT_EQ(BuildUrl("https://api.ebay.com",
                     {"sell", "fulfillment", "v1", "order", "12-1"}),
            "https://api.ebay.com/sell/fulfillment/v1/order/12-1");
  EXPECT_EQ(BuildUrl("https://api.ebay.com", {}, {}), "https://api.ebay.com");
  EXPECT_EQ(BuildUrl("not a url", {"x"}), "");
}

TEST(EbayUrl, QueryValuesArePercentEncoded) {
  EXPECT_EQ(BuildUrl(kBase, {"search"},
                     {{"role", "SELLER"},
                      {"creation_date_range_from", "2025-03-01T00:00:00.000Z"},
                      {"sort", "+FILING_DATE"},
                      {"limit", "2"}}),
            "https://api.ebay.com/post-order/v2/return/search?role=SELLER"
            "&creation_date_range_from=2025-03-01T00:00:00.000Z"
            "&sort=%2BFILING_DATE&limit=2");
  // Reserved characters, spaces, '+', non-ASCII and empty values.
  EXPECT_EQ(
      BuildUrl(kBase, {},
               {{"q", "a&b=c?d/e#f@g;h,i$j!k'l(m)n*o[p]q"},
                {"s", "two words+more"},
                {"u", "caf\xc3\xa9 \xe6\x97\xa5"},
                {"e", ""},
                {"k y", "%41"}}),
      "https://api.ebay.com/post-order/v2/return"
      "?q=a%26b%3Dc%3Fd%2Fe%23f%40g%3Bh%2Ci%24j%21k%27l%28m%29n%2Ao%5Bp%5Dq"
      "&s=two%20words%2Bmore&u=caf%C3%A9%20%E6%97%A5&e=&k%20y=%2541");
}

TEST(EbayUrl, QueryRoundTripsThroughBoostUrl) {
  Pairs const params = {{"plus", "+FILING_DATE"},
                        {"space", " lead and trail "},
                        {"reserved", ":/?#[]@!$&'()*+,;="},
                        {"percent", "100%"},
                        {"unicode", "\xf0\x9f\x93\xa6 \xc3\xbc"},
                        {"empty", ""},
                        {"a=b&c", "d"}};
  std::string url = BuildUrl(kBase, {"x y"},
                             {{params[0].first, params[0].second},
                              {params[1].first, params[1].second},
                              {params[2].first, params[2].second},
                              {params[3].first, params[3].second},
                              {params[4].first, params[4].second},
                              {params[5].first, params[5].second},
                              {params[6].first, params[6].second}});
  EXPECT_EQ(DecodedQuery(url), params);
  auto parts = SplitUrl(url);
  ASSERT_TRUE(parts.has_value()) << url;
  EXPECT_EQ(parts->path, "/post-order/v2/return/x%20y");
}

TEST(EbayUrl, SplitUrlForSignatures) {
  auto parts =
      SplitUrl("HTTPS://API.eBay.com:443/Post-Order/v2?b=1&a=%2B#frag");
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->scheme, "https");
  EXPECT_EQ(parts->authority, "api.ebay.com");
  EXPECT_EQ(parts->path, "/Post-Order/v2");
  EXPECT_EQ(parts->query, "b=1&a=%2B");

  EXPECT_EQ(SplitUrl("http://localhost:80")->authority, "localhost");
  EXPECT_EQ(SplitUrl("http://localhost:80")->path, "/");
  EXPECT_EQ(SplitUrl("http://localhost:8080/x")->authority, "localhost:8080");
  EXPECT_EQ(SplitUrl("https://example.com:80/")->authority, "example.com:80");
  EXPECT_EQ(SplitUrl("http://[::1]:8080/")->authority, "[::1]:8080");
  EXPECT_EQ(SplitUrl("https://h?q")->path, "/");
  EXPECT_EQ(SplitUrl("https://h?q")->query, "q");
  EXPECT_EQ(SplitUrl("https://h/p?")->query, "");

  EXPECT_FALSE(SplitUrl("ftp://example.com/x").has_value());
  EXPECT_FALSE(SplitUrl("https://user@example.com/").has_value());
  EXPECT_FALSE(SplitUrl("https:///path").has_value());
  EXPECT_FALSE(SplitUrl("/relative/path").has_value());
  EXPECT_FALSE(SplitUrl("https://example.com/a b").has_value());
  EXPECT_FALSE(SplitUrl("").has_value());
}

TEST(EbayUrl, PercentEncode) {
  EXPECT_EQ(internal::PercentEncode("a/b c+d~e"), "a%2Fb%20c%2Bd~e");
  EXPECT_EQ(internal::PercentEncode("12:00"), "12%3A00");
  EXPECT_EQ(internal::PercentEncode("12:00", true), "12:00");
  EXPECT_EQ(internal::PercentEncode("\xc3\xa9"), "%C3%A9");
}

}  // namespace
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
