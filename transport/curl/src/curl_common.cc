#include "curl_common.h"

#include <algorithm>
#include <cctype>
#include <mutex>

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
