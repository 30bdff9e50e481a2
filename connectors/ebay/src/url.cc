#include "url.h"

#include <boost/url.hpp>

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace internal {
namespace {

namespace urls = boost::urls;

// RFC 3986 §2.3 unreserved characters; in a query also ':' (§3.4 allows
// it there).
constexpr auto kQueryChars = urls::unreserved_chars + ':';

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::optional<UrlParts> SplitUrl(std::string_view url) {
  auto parsed = urls::parse_uri(url);
  if (!parsed) return std::nullopt;
  auto const& u = *parsed;
  bool const https = u.scheme_id() == urls::scheme::https;
  if (!https && u.scheme_id() != urls::scheme::http) return std::nullopt;
  if (u.encoded_host().empty() || u.has_userinfo()) return std::nullopt;
  UrlParts parts;
  parts.scheme = https ? "https" : "http";
  // RFC 9421 §2.2.3: no default port, lower-case host.
  parts.authority =
      Lower(u.port() == (https ? "443" : "80") ? u.encoded_host()
                                               : u.encoded_host_and_port());
  parts.path = u.encoded_path();
  // assign(1, c) rather than = "/": GCC 12 at -O2 reports a false
  // -Wrestrict for the literal assignment (GCC bug 105329).
  if (parts.path.empty()) parts.path.assign(1, '/');
  parts.query = u.encoded_query();
  return parts;
}

std::string PercentEncode(std::string_view text, bool keep_colon) {
  return keep_colon ? urls::encode(text, kQueryChars)
                    : urls::encode(text, urls::unreserved_chars);
}

std::string BuildUrl(std::string_view base,
                     std::initializer_list<std::string_view> segments,
                     std::initializer_list<QueryParam> query) {
  auto parsed = urls::parse_uri(base);
  if (!parsed) return {};
  urls::url url(*parsed);
  // The path and the query are composed as encoded text and set once each
  // (a segment or parameter at a time costs a re-layout of the URL each).
  // Each segment and parameter is percent-encoded here, so a '/' in an id
  // stays inside its segment, and a '+' is not left bare (a server would
  // read it as a space).
  std::string path(url.encoded_path());
  if (path == "/") path.clear();
  for (auto segment : segments) {
    path += '/';
    urls::encode(segment, urls::unreserved_chars, {},
                 urls::string_token::append_to(path));
  }
  url.set_encoded_path(path);
  if (query.size() != 0) {
    std::string q(url.encoded_query());
    for (auto const& param : query) {
      if (!q.empty() || url.has_query()) q += '&';
      urls::encode(param.name, kQueryChars, {},
                   urls::string_token::append_to(q));
      q += '=';
      urls::encode(param.value, kQueryChars, {},
                   urls::string_token::append_to(q));
    }
    url.set_encoded_query(q);
  }
  return std::string(url.buffer());
}

}  // namespace internal
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
