#pragma once

// Small URL helpers for the connector (private).

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

/// Splits an absolute http(s) URL; nullopt for anything else.
std::optional<UrlParts> SplitUrl(std::string_view url);

/// Percent-encodes everything but RFC 3986 unreserved characters and, with
/// `keep_colon`, ':' (allowed in a query; eBay's examples leave it as is).
std::string PercentEncode(std::string_view text, bool keep_colon = false);

}  // namespace internal
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
