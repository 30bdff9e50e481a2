#pragma once

// The HTTP seam: requests, responses and the transport interface that every
// connector talks through. Std only; the libcurl transport
// (transport/curl) and the Boost.Beast server (server/beast) implement it,
// and tests substitute their own transports.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {

struct HttpHeader {
  std::string name{};
  std::string value{};
};
using HttpHeaders = std::vector<HttpHeader>;

/// Whether `a` and `b` are equal ignoring ASCII case, as header names
/// (RFC 9110 §5.1) and URL schemes (RFC 3986 §3.1) compare.
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);

/// The value of the first header named `name` (ASCII case-insensitive).
std::optional<std::string_view> FindHeader(HttpHeaders const& headers,
                                           std::string_view name);
/// Replaces every header named `name` with one header of `value`.
void SetHeader(HttpHeaders& headers, std::string_view name, std::string value);

struct HttpRequest {
  std::string method = "GET";
  std::string url{};  ///< absolute: scheme://authority/path?query
  HttpHeaders headers{};
  std::string body{};
  /// For the whole exchange, connect to last byte; zero: the transport's
  /// default.
  std::chrono::milliseconds timeout{0};
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers{};
  std::string body{};
};

/// Sends one request and returns the response, whatever its status. A
/// transport failure is an error Status; stable reasons:
///
///   reason                code               the request
///   HTTP_NOT_SENT         kUnavailable       provably never left (DNS,
///                                            connection refused, TLS
///                                            handshake): safe to resend
///   HTTP_TIMEOUT          kDeadlineExceeded  may or may not have been
///                                            processed by the server
///   HTTP_CONNECTION_LOST  kUnavailable       was sent (in part); outcome
///                                            unknown
///   HTTP_BAD_URL          kInvalidArgument   never sent
///
/// Metadata: "url" (without query), "method", "transport_code".
/// Implementations are thread-safe.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual StatusOr<HttpResponse> Send(HttpRequest const& request) = 0;

  /// Sends independent requests and returns their results in the same
  /// order, each as Send() would. Transports that can overlap requests run
  /// them concurrently (the libcurl transport, over a bounded number of
  /// connections); this default sends one after another.
  virtual std::vector<StatusOr<HttpResponse>> SendAll(
      std::span<HttpRequest const> requests);
};

/// A request as an HTTP server received it.
struct ServerRequest {
  std::string method{};
  std::string target{};  ///< path?query, as sent
  HttpHeaders headers{};
  std::string body{};
  std::string remote_address{};
};

}  // namespace v1
}  // namespace sanbao
