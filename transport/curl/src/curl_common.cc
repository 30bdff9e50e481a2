#include "curl_common.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "sanbao/http/log.h"

namespace sanbao {
inline namespace v1 {
namespace internal {

namespace {

enum class Outcome { kNotSent, kTimeout, kLost, kBadUrl };

// Whether the request may have left: a timeout or failure before the
// connection (and TLS) was up means nothing was sent.
Outcome Classify(CURLcode code, bool connected) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return Outcome::kBadUrl;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_QUIC_CONNECT_ERROR:
    case CURLE_PROXY:
    case CURLE_FAILED_INIT:
    case CURLE_OUT_OF_MEMORY:
      return connected ? Outcome::kLost : Outcome::kNotSent;
    case CURLE_OPERATION_TIMEDOUT:
      return connected ? Outcome::kTimeout : Outcome::kNotSent;
    default:
      return connected ? Outcome::kLost : Outcome::kNotSent;
  }
}

}  // namespace

// curl_global_init is not thread-safe on every libcurl build (only those
// reporting CURL_VERSION_THREADSAFE), so it runs exactly once here. It is
// never paired with curl_global_cleanup: other code in the process may still
// use libcurl, and the OS reclaims everything at exit.
CURLcode GlobalInit() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

std::string CodeName(CURLcode code) {
  switch (code) {
#define SANBAO_CURL_CODE(name) \
  case name:                   \
    return #name;
    SANBAO_CURL_CODE(CURLE_OK)
    SANBAO_CURL_CODE(CURLE_UNSUPPORTED_PROTOCOL)
    SANBAO_CURL_CODE(CURLE_FAILED_INIT)
    SANBAO_CURL_CODE(CURLE_URL_MALFORMAT)
    SANBAO_CURL_CODE(CURLE_COULDNT_RESOLVE_PROXY)
    SANBAO_CURL_CODE(CURLE_COULDNT_RESOLVE_HOST)
    SANBAO_CURL_CODE(CURLE_COULDNT_CONNECT)
    SANBAO_CURL_CODE(CURLE_WEIRD_SERVER_REPLY)
    SANBAO_CURL_CODE(CURLE_HTTP2)
    SANBAO_CURL_CODE(CURLE_PARTIAL_FILE)
    SANBAO_CURL_CODE(CURLE_WRITE_ERROR)
    SANBAO_CURL_CODE(CURLE_READ_ERROR)
    SANBAO_CURL_CODE(CURLE_OUT_OF_MEMORY)
    SANBAO_CURL_CODE(CURLE_OPERATION_TIMEDOUT)
    SANBAO_CURL_CODE(CURLE_RANGE_ERROR)
    SANBAO_CURL_CODE(CURLE_SSL_CONNECT_ERROR)
    SANBAO_CURL_CODE(CURLE_BAD_CONTENT_ENCODING)
    SANBAO_CURL_CODE(CURLE_TOO_MANY_REDIRECTS)
    SANBAO_CURL_CODE(CURLE_GOT_NOTHING)
    SANBAO_CURL_CODE(CURLE_SSL_ENGINE_NOTFOUND)
    SANBAO_CURL_CODE(CURLE_SSL_ENGINE_SETFAILED)
    SANBAO_CURL_CODE(CURLE_SEND_ERROR)
    SANBAO_CURL_CODE(CURLE_RECV_ERROR)
    SANBAO_CURL_CODE(CURLE_SSL_CERTPROBLEM)
    SANBAO_CURL_CODE(CURLE_SSL_CIPHER)
    SANBAO_CURL_CODE(CURLE_PEER_FAILED_VERIFICATION)
    SANBAO_CURL_CODE(CURLE_SSL_CACERT_BADFILE)
    SANBAO_CURL_CODE(CURLE_SSL_SHUTDOWN_FAILED)
    SANBAO_CURL_CODE(CURLE_SSL_CRL_BADFILE)
    SANBAO_CURL_CODE(CURLE_SSL_ISSUER_ERROR)
    SANBAO_CURL_CODE(CURLE_SSL_PINNEDPUBKEYNOTMATCH)
    SANBAO_CURL_CODE(CURLE_SSL_INVALIDCERTSTATUS)
    SANBAO_CURL_CODE(CURLE_HTTP2_STREAM)
    SANBAO_CURL_CODE(CURLE_HTTP3)
    SANBAO_CURL_CODE(CURLE_QUIC_CONNECT_ERROR)
    SANBAO_CURL_CODE(CURLE_PROXY)
    SANBAO_CURL_CODE(CURLE_UNRECOVERABLE_POLL)
#undef SANBAO_CURL_CODE
    default:
      return "CURLE_" + std::to_string(static_cast<int>(code));
  }
}

namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

// One part of `url`, or nullopt.
std::optional<std::string> UrlPart(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, 0) != CURLUE_OK) return std::nullopt;
  std::string out(value);
  curl_free(value);
  return out;
}

RequestTarget MakeTarget(std::string_view scheme, std::string_view host,
                         std::optional<std::string_view> port,
                         std::string_view path,
                         std::optional<std::string_view> query) {
  RequestTarget t;
  bool const tls = EqualsIgnoreAsciiCase(scheme, "https");
  std::string_view const port_text = port ? *port : (tls ? "443" : "80");
  t.origin.reserve(scheme.size() + host.size() + port_text.size() + 5);
  t.origin.append(scheme).append("://").append(host).append(":");
  t.origin.append(port_text).append("/");
  t.request_uri = path.empty() ? "/" : std::string(path);
  if (query) t.request_uri.append("?").append(*query);
  t.host = host;
  if (port) t.host.append(":").append(*port);
  return t;
}

}  // namespace

std::optional<RequestTarget> ParseRequestTargetWithCurl(
    std::string const& text) {
  if (!HasHttpScheme(text)) return std::nullopt;
  std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (!url ||
      curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  auto scheme = UrlPart(url.get(), CURLUPART_SCHEME);
  auto host = UrlPart(url.get(), CURLUPART_HOST);
  auto port = UrlPart(url.get(), CURLUPART_PORT);  // as written, if at all
  auto path = UrlPart(url.get(), CURLUPART_PATH);
  if (!scheme || !host || host->empty() || !path) return std::nullopt;
  if (UrlPart(url.get(), CURLUPART_USER)) return std::nullopt;
  auto query = UrlPart(url.get(), CURLUPART_QUERY);
  return MakeTarget(
      *scheme, *host,
      port ? std::optional<std::string_view>(*port) : std::nullopt, *path,
      query ? std::optional<std::string_view>(*query) : std::nullopt);
}

std::optional<RequestTarget> ParseRequestTarget(std::string const& text) {
  namespace urls = boost::urls;
  auto parsed = urls::parse_absolute_uri(text);
  if (!parsed) return ParseRequestTargetWithCurl(text);
  urls::url_view const& u = *parsed;
  auto const scheme = u.scheme_id();
  auto const host_type = u.host_type();
  // What libcurl would change or read differently goes to libcurl: another
  // scheme, user information, an IP literal, an empty or percent-encoded
  // host or one with other than lower-case letters, digits, '-', '.' and
  // '_' (libcurl refuses many RFC 3986 allows), a name that reads as a
  // number, a port libcurl would reject or
  // renormalise, dot segments (libcurl removes them), an empty query. A
  // fragment or a byte RFC 3986 does not allow fails the parse above.
  bool simple =
      (scheme == urls::scheme::http || scheme == urls::scheme::https) &&
      u.scheme() == (scheme == urls::scheme::http ? "http" : "https") &&
      !u.has_userinfo() &&
      (host_type == urls::host_type::name ||
       host_type == urls::host_type::ipv4);
  std::string_view const host = u.encoded_host();
  std::string_view const port = u.port();
  std::string_view const path = u.encoded_path();
  std::string_view const query = u.encoded_query();
  if (simple) {
    simple = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
             c == '.' || c == '_';
    });
    // libcurl rewrites a host that reads as an IPv4 number in any form
    // ("2", "127.1", "0x7f.1") as a dotted quad: such hosts, where every
    // label starts with a digit, go to libcurl.
    bool numeric = true;
    for (std::size_t at = 0; at <= host.size() && numeric;) {
      std::size_t const dot = std::min(host.find('.', at), host.size());
      if (dot > at && !(host[at] >= '0' && host[at] <= '9')) numeric = false;
      at = dot + 1;
    }
    if (numeric && host_type == urls::host_type::name) simple = false;
  }
  if (simple && u.has_port()) {
    simple = !port.empty() && port.size() <= 5 && port.front() != '0' &&
             u.port_number() != 0 && std::to_string(u.port_number()) == port;
  }
  if (simple) {
    for (auto const seg : u.encoded_segments()) {
      if (seg == "." || seg == "..") {
        simple = false;
        break;
      }
    }
    simple = simple && (path.empty() || path.front() == '/') &&
             !(u.has_query() && query.empty());
  }
  if (!simple) return ParseRequestTargetWithCurl(text);
  return MakeTarget(
      u.scheme(), host,
      u.has_port() ? std::optional<std::string_view>(port) : std::nullopt, path,
      u.has_query() ? std::optional<std::string_view>(query) : std::nullopt);
}

namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

// "/path[?query]" that both parsers leave as written: RFC 3986 pchar, '/'
// and '?' only, valid percent-escapes, no dot segment, no empty query.
bool IsPlainOriginForm(std::string_view rest) {
  if (rest.empty() || rest.front() != '/') return false;
  std::size_t const q = rest.find('?');
  if (q != std::string_view::npos && q + 1 == rest.size()) return false;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    char const c = rest[i];
    bool const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') ||
                    std::string_view("-._~!$&'()*+,;=:@/?").find(c) !=
                        std::string_view::npos;
    if (c == '%') {
      if (i + 2 >= rest.size() || !IsHex(rest[i + 1]) || !IsHex(rest[i + 2]))
        return false;
      i += 2;
      continue;
    }
    if (!ok) return false;
  }
  std::string_view path = rest.substr(0, q);
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t const end = std::min(path.find('/', start + 1), path.size());
    std::string_view const seg = path.substr(start + 1, end - start - 1);
    if (seg == "." || seg == "..") return false;
    start = end;
  }
  return true;
}

}  // namespace

std::optional<RequestTarget> RequestTargetReader::Read(std::string const& url) {
  if (!prefix_.empty() && url.size() > prefix_.size() &&
      url.compare(0, prefix_.size(), prefix_) == 0 &&
      url[prefix_.size()] == '/') {
    std::string_view const rest = std::string_view(url).substr(prefix_.size());
    if (IsPlainOriginForm(rest)) {
      RequestTarget t;
      t.origin = last_.origin;
      t.host = last_.host;
      t.request_uri = rest;
      return t;
    }
  }
  auto t = ParseRequestTarget(url);
  prefix_.clear();
  if (t) {
    // Cache only what the fast path read: scheme://authority, the URL up to
    // the path, when the path and query are plain (the same test as above).
    std::size_t const authority = url.find("://");
    std::size_t const path = url.find('/', authority + 3);
    if (authority != std::string::npos && path != std::string::npos &&
        url.find_first_of("?#", authority + 3) > path &&
        IsPlainOriginForm(std::string_view(url).substr(path)) &&
        t->request_uri == std::string_view(url).substr(path) &&
        std::string_view(url).substr(0, authority) ==
            std::string_view(t->origin).substr(0, authority)) {
      prefix_.assign(url, 0, path);
      last_ = *t;
    }
  }
  return t;
}

std::string UrlWithoutQuery(std::string const& url) {
  return url.substr(0, url.find_first_of("?#"));
}

Status TransportError(HttpRequest const& request, CURLcode code, bool connected,
                      char const* detail) {
  Outcome outcome = Classify(code, connected);
  ErrorCode error_code = ErrorCode::kUnavailable;
  std::string reason;
  switch (outcome) {
    case Outcome::kNotSent:
      reason = "HTTP_NOT_SENT";
      break;
    case Outcome::kTimeout:
      reason = "HTTP_TIMEOUT";
      error_code = ErrorCode::kDeadlineExceeded;
      break;
    case Outcome::kLost:
      reason = "HTTP_CONNECTION_LOST";
      break;
    case Outcome::kBadUrl:
      reason = "HTTP_BAD_URL";
      error_code = ErrorCode::kInvalidArgument;
      break;
  }
  std::string message = request.method + " " +
                        RedactForLog(UrlWithoutQuery(request.url)) + ": " +
                        curl_easy_strerror(code);
  if (detail != nullptr && detail[0] != '\0') {
    message += " (" + RedactForLog(detail) + ")";
  }
  ErrorInfo info;
  info.reason = std::move(reason);
  info.metadata = {{"url", RedactForLog(UrlWithoutQuery(request.url))},
                   {"method", request.method},
                   {"transport_code", CodeName(code)}};
  return Status(error_code, std::move(message), std::move(info));
}

Status TooLargeError(HttpRequest const& request, CURLcode code,
                     std::size_t max_response_bytes) {
  ErrorInfo info;
  info.reason = "HTTP_RESPONSE_TOO_LARGE";
  info.metadata = {{"url", RedactForLog(UrlWithoutQuery(request.url))},
                   {"method", request.method},
                   {"transport_code", CodeName(code)},
                   {"max_response_bytes", std::to_string(max_response_bytes)}};
  return Status(ErrorCode::kResourceExhausted,
                request.method + " " +
                    RedactForLog(UrlWithoutQuery(request.url)) +
                    ": response body larger than max_response_bytes",
                std::move(info));
}

bool HasHttpScheme(std::string const& url) {
  auto colon = url.find("://");
  if (colon == std::string::npos) return false;
  std::string_view scheme(url.data(), colon);
  return EqualsIgnoreAsciiCase(scheme, "http") ||
         EqualsIgnoreAsciiCase(scheme, "https");
}

// A CR or LF in a header would let a value inject headers or a second
// request; names must be RFC 9110 tokens.
Status CheckHeaders(HttpRequest const& request) {
  auto is_tchar = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) !=
               std::string_view::npos;
  };
  auto bad = [&](HttpHeader const& h, char const* what) {
    return InvalidArgumentError(
        "header " + RedactForLog(h.name) + " has " + what, "HTTP_BAD_HEADER",
        {{"method", request.method},
         {"url", RedactForLog(UrlWithoutQuery(request.url))},
         {"header", RedactForLog(h.name)}});
  };
  for (auto const& h : request.headers) {
    if (h.name.empty() ||
        !std::all_of(h.name.begin(), h.name.end(), is_tchar)) {
      return bad(h, "an invalid name");
    }
    if (h.value.find_first_of(std::string_view("\r\n\0", 3)) !=
        std::string::npos) {
      return bad(h, "a CR, LF or NUL in its value");
    }
  }
  if (request.method.empty() ||
      !std::all_of(request.method.begin(), request.method.end(), is_tchar)) {
    return InvalidArgumentError(
        "invalid HTTP method", "HTTP_BAD_REQUEST",
        {{"url", RedactForLog(UrlWithoutQuery(request.url))}});
  }
  return Status();
}

void SetConnectionOptions(CURL* curl, CurlOptions const& options,
                          CURLSH* share) {
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
  if (!options.ca_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_SHARE, share);
}

void LogExchange(HttpLogSink const& log, HttpRequest const& request,
                 StatusOr<HttpResponse> const& result,
                 std::chrono::steady_clock::time_point started) {
  auto duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  std::string line =
      "http-curl method=" + request.method +
      " url=" + RedactForLog(request.url) +
      (result.ok()
           ? " status=" + std::to_string(result->status) +
                 " bytes=" + std::to_string(result->body.size())
           : " error=" + result.status().reason() + " transport=" +
                 result.status().error_info().metadata.at("transport_code")) +
      " duration_ms=" + std::to_string(duration.count());
  log(line);
}

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
