#include "url.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace internal {
namespace {
char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
}  // namespace

std::optional<UrlParts> SplitUrl(std::string_view url) {
  UrlParts parts;
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  for (char c : url.substr(0, scheme_end)) {
    parts.scheme += AsciiLower(c);
  }
  if (parts.scheme != "http" && parts.scheme != "https") return std::nullopt;
  auto rest = url.substr(scheme_end + 3);
  auto authority_end = rest.find_first_of("/?#");
  auto authority = rest.substr(0, authority_end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) {
    return std::nullopt;
  }
  // RFC 9421 §2.2.3: no default port, lower-case host.
  std::string_view default_port = parts.scheme == "https" ? ":443" : ":80";
  if (authority.ends_with(default_port)) {
    authority.remove_suffix(default_port.size());
  }
  parts.authority.reserve(authority.size());
  for (char c : authority) {
    parts.authority += AsciiLower(c);
  }
  rest = authority_end == std::string_view::npos ? std::string_view()
                                                 : rest.substr(authority_end);
  if (auto hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  auto query_start = rest.find('?');
  parts.path = std::string(rest.substr(0, query_start));
  // assign(1, c) rather than = "/": GCC 12 at -O2 reports a false
  // -Wrestrict for the literal assignment (GCC bug 105329).
  if (parts.path.empty()) parts.path.assign(1, '/');
  if (query_start != std::string_view::npos) {
    parts.query = std::string(rest.substr(query_start + 1));
  }
  return parts;
}

std::string PercentEncode(std::string_view text, bool keep_colon) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                 (c >= 'a' && c <= 'z');
    if (alnum || c == '-' || c == '.' || c == '_' || c == '~' ||
        (keep_colon && c == ':')) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace internal
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
