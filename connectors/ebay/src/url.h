#pragma once

// Small URL helpers for the connector (private), on Boost.URL
// (https://www.boost.org/doc/libs/1_81_0/libs/url/doc/html/index.html).

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace internal {

struct UrlParts {
  std::string scheme{};     ///< "https", lower case
  std::string authority{};  ///< RFC 9421 §2.2.3: lower-case host, no default
                            ///< port
  std::string path{};       ///< "/" when empty
  std::string query{};      ///< without '?'
};

/// Splits an absolute http(s) URL (RFC 3986); nullopt for anything else,
/// for a URL without a host and for one with user information.
std::optional<UrlParts> SplitUrl(std::string_view url);

/// Percent-encodes everything but RFC 3986 unreserved characters and, with
/// `keep_colon`, ':' (allowed in a query; eBay's examples leave it as is).
std::string PercentEncode(std::string_view text, bool keep_colon = false);

/// One query parameter, not yet encoded.
struct QueryParam {
  std::string_view name{};
  std::string_view value{};
};

/// `base` (an absolute URL that SplitUrl accepts, without a query) with
/// `segments` appended to its path and `query` as its query, in order.
/// Segments, names and values are taken as text and percent-encoded per
/// RFC 3986: everything but the unreserved characters, and in the query
/// ':' as well (eBay's examples leave it as is). A '+' is always encoded
/// (servers read a bare one as a space), a space is %20, other bytes (UTF-8)
/// are encoded byte by byte; an empty value is "name=". Empty for a `base`
/// that is not an absolute URL.
std::string BuildUrl(std::string_view base,
                     std::initializer_list<std::string_view> segments,
                     std::initializer_list<QueryParam> query = {});

}  // namespace internal
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
