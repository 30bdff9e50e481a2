#pragma once

// The libcurl HTTP transport (sanbao::transport_curl). libcurl stays inside
// the library; this header is std-only.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "sanbao/http/http.h"
#include "sanbao/http/log.h"
#include "sanbao/version.h"

namespace sanbao {
inline namespace v1 {

struct CurlOptions {
  /// TCP + TLS handshake.
  std::chrono::milliseconds connect_timeout{10000};
  /// The whole exchange, when HttpRequest::timeout is zero.
  std::chrono::milliseconds request_timeout{30000};
  /// Verify the server's certificate chain and host name. Leave it on; turn
  /// it off only against a local test server.
  bool verify_tls = true;
  /// A PEM bundle of trusted CAs; empty: libcurl's default bundle.
  std::string ca_file{};
  std::string user_agent = "sanbao/" + std::string(kVersion);
  /// How many idle connections (libcurl easy handles, each with its
  /// connection cache) are kept for reuse; more concurrent requests than this
  /// still run, their handles are closed afterwards. Also how many requests
  /// one SendAll() call keeps in flight.
  int max_connections = 16;
  /// A larger (decoded) response body fails with HTTP_RESPONSE_TOO_LARGE.
  std::size_t max_response_bytes = std::size_t{64} << 20;
  /// One redacted line per exchange: method, URL, status or error, duration.
  HttpLogSink log{};
};

/// An HttpTransport on libcurl. Thread-safe; reuses connections (keep-alive)
/// across requests; shares DNS and TLS session caches between handles.
///
/// - SendAll() runs its requests concurrently from the calling thread (one
///   libcurl multi handle, at most max_connections at a time; HTTP/2
///   servers get them as streams of one connection).
/// - TLS is verified by default (CurlOptions::verify_tls, ca_file).
/// - Proxies come from the environment as libcurl reads them: http_proxy,
///   https_proxy (HTTPS_PROXY), all_proxy and no_proxy.
/// - Responses may be compressed (Accept-Encoding with every encoding libcurl
///   supports); bodies are returned decoded.
/// - Redirects are not followed: a 3xx is returned as it is.
/// - Only http:// and https:// URLs are accepted.
/// - libcurl's global initialisation runs once, thread-safely, on the first
///   MakeCurlTransport call; callers need not (but may) call
///   curl_global_init themselves beforehand.
///
/// Errors (HttpTransport's reasons; metadata "transport_code" is the libcurl
/// code's name, e.g. "CURLE_COULDNT_CONNECT"):
///   HTTP_NOT_SENT         resolve/connect failures, TLS handshake and
///                         certificate errors, and a timeout before the
///                         connection was established
///   HTTP_TIMEOUT          a timeout after the request started to go out
///   HTTP_CONNECTION_LOST  send/receive errors, an empty or cut-off reply
///   HTTP_BAD_URL          malformed URL or a scheme other than http(s)
///   HTTP_BAD_HEADER       a header name that is not a token, or a CR, LF or
///                         NUL in a value (kInvalidArgument; never sent)
///   HTTP_BAD_REQUEST      a method that is not a token (never sent)
///   HTTP_RESPONSE_TOO_LARGE  the body exceeded max_response_bytes
///                         (kResourceExhausted; the request was processed)
std::shared_ptr<HttpTransport> MakeCurlTransport(CurlOptions options = {});

/// An HttpTransport for many small requests to one API, such as a returns
/// sync's batch reads: libcurl sets each connection up (DNS, TCP, TLS with
/// the verification above), and Sanbao speaks HTTP/1.1 on it itself
/// (Boost.Beast's parser, inside the library). An exchange costs one send
/// and mostly one receive, and one poll() serves every connection of a
/// SendAll() call, where libcurl's own HTTP code adds two polls per request.
/// Same options, error reasons and transport codes as MakeCurlTransport,
/// with these differences:
///
/// - HTTP/1.1 only; no Accept-Encoding is sent, so bodies come as the
///   server sends them (a caller that asks for an encoding decodes it).
/// - When a proxy variable is set in the environment (http_proxy,
///   https_proxy, all_proxy, either case), requests go through
///   MakeCurlTransport(options) instead, so proxies and no_proxy behave
///   exactly as libcurl defines them.
/// - The new connections a SendAll() call needs are set up together, the
///   first in the calling thread and each other one in a thread of its own.
/// - A kept-alive connection idle for over a second is checked before
///   reuse. A request whose reused connection turns out closed is sent again
///   on a new connection once, when nothing of it had left or, for an
///   idempotent method (RFC 9110 §9.2.2), when no answer had begun; else it
///   fails with HTTP_CONNECTION_LOST.
/// - The request's own Content-Length, Transfer-Encoding and Connection
///   headers are dropped: the framing is the transport's.
/// - A URL with credentials (user:password@host) is HTTP_BAD_URL.
std::shared_ptr<HttpTransport> MakeCurlHttp1Transport(CurlOptions options = {});

}  // namespace v1
}  // namespace sanbao
