#pragma once
// What the libcurl transports share: libcurl's one-time initialisation, the
// mapping of libcurl codes to the HttpTransport error reasons, request
// checks, the exchange log line, and the DNS/TLS session cache.
#include <curl/curl.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "sanbao/http/http.h"
#include "sanbao/http/log.h"
#include "sanbao/status_or.h"
#include "sanbao/transport/curl.h"

namespace sanbao {
inline namespace v1 {
namespace internal {

/// curl_global_init, exactly once per process; its result.
CURLcode GlobalInit();

/// "CURLE_COULDNT_CONNECT" for CURLE_COULDNT_CONNECT, and so on.
std::string CodeName(CURLcode code);

std::string UrlWithoutQuery(std::string const& url);

/// The HttpTransport error for a transfer that ended with `code`;
/// `connected`: the connection (and TLS) was up, so the request may have
/// left.
Status TransportError(HttpRequest const& request, CURLcode code, bool connected,
                      char const* detail);

/// Where a request goes: its origin (the connection key), the request
/// target, and the Host header.
struct RequestTarget {
  std::string origin{};       ///< scheme://host:port/, what libcurl connects to
  std::string request_uri{};  ///< path?query
  std::string host{};         ///< host[:port], as in the URL

  bool operator==(RequestTarget const&) const = default;
};

/// The target of an http(s) URL as libcurl's own URL parser reads it, so
/// that a URL means the same to the HTTP/1.1 transport as to the libcurl
/// one; nullopt for a URL libcurl refuses, another scheme, or credentials
/// in the URL (they are refused, not silently dropped).
std::optional<RequestTarget> ParseRequestTargetWithCurl(std::string const& url);

/// The same answer as ParseRequestTargetWithCurl, faster: a URL that is
/// already in the form libcurl would leave unchanged (an RFC 3986 absolute
/// URI, http or https, a registered-name or IPv4 host in lower case, a
/// path without dot segments, no user information) is read with Boost.URL;
/// any other goes to libcurl.
std::optional<RequestTarget> ParseRequestTarget(std::string const& url);

/// ParseRequestTarget for a run of URLs, most of them on one origin (a
/// SendAll batch): after a URL read on the fast path, a URL that is the
/// same scheme://authority followed by a path and query ParseRequestTarget
/// would read unchanged reuses the origin instead of parsing it again.
class RequestTargetReader {
 public:
  std::optional<RequestTarget> Read(std::string const& url);

 private:
  std::string prefix_{};  // scheme://authority of the last fast-path URL
  RequestTarget last_{};
};

/// HTTP_RESPONSE_TOO_LARGE.
Status TooLargeError(HttpRequest const& request, CURLcode code,
                     std::size_t max_response_bytes);

bool HasHttpScheme(std::string const& url);

/// HTTP_BAD_HEADER or HTTP_BAD_REQUEST for what must never be sent.
Status CheckHeaders(HttpRequest const& request);

/// What every connection of either transport is set up with: http(s)
/// only, no signals, TLS verification as `options` say, and `share`'s DNS
/// and TLS session caches.
void SetConnectionOptions(CURL* curl, CurlOptions const& options,
                          CURLSH* share);

/// The one redacted log line of an exchange.
void LogExchange(HttpLogSink const& log, HttpRequest const& request,
                 StatusOr<HttpResponse> const& result,
                 std::chrono::steady_clock::time_point started);

// DNS and TLS session caches shared by all handles of one transport.
class Share {
 public:
  Share() : share_(curl_share_init()) {
    if (share_ == nullptr) return;
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &Share::Lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &Share::Unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~Share() {
    if (share_ != nullptr) curl_share_cleanup(share_);
  }
  Share(Share const&) = delete;
  Share& operator=(Share const&) = delete;

  CURLSH* get() const { return share_; }

 private:
  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Share*>(user)->Mutex(data).lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Share*>(user)->Mutex(data).unlock();
  }
  std::mutex& Mutex(curl_lock_data data) {
    auto index = static_cast<std::size_t>(data);
    return mutexes_[index < mutexes_.size() ? index : 0];
  }

  CURLSH* share_;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> mutexes_;
};

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
