#pragma once

// An embeddable HTTP/1.1 server for webhooks and test doubles. Std and
// Sanbao types only; the implementation uses Boost.Beast (server/beast).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "sanbao/http/http.h"
#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  ///< 0: any free port
  int threads = 1;         ///< io threads
  /// A larger body is answered 413 and never reaches the handler.
  std::size_t max_body_bytes = 1024 * 1024;
  /// A request (head and body) must fully arrive within this, counted from
  /// its first byte (from the accept for a connection's first request);
  /// otherwise the connection is closed. Protects against slow clients.
  std::chrono::milliseconds read_timeout{10000};
  /// How long a keep-alive connection may sit between requests, and the
  /// limit for writing one response.
  std::chrono::milliseconds idle_timeout{30000};
  /// Stop() waits at most this long for requests in flight before it
  /// abandons them.
  std::chrono::milliseconds stop_timeout{5000};
  /// At most this many connections at once. A connection accepted beyond
  /// it closes the connection that has been idle longest (waiting for its
  /// first request, or between keep-alive requests), or, when none is idle,
  /// itself. 0: the soft RLIMIT_NOFILE at Start() minus a reserve of
  /// clamp(limit / 4, 16, 64) descriptors for everything else the process
  /// opens (its store, outbound calls), so that accept() does not run out
  /// of descriptors first.
  std::size_t max_connections = 0;
};

/// Called on an io thread; may block (other connections keep being served
/// when threads > 1). An exception thrown by the handler is answered 500.
using HttpHandler = std::function<HttpResponse(ServerRequest const&)>;

/// Answers one request: call it exactly once, from any thread, at any time
/// (later calls are ignored). Dropping it unanswered closes the connection.
using HttpResponder = std::function<void(HttpResponse)>;
/// A handler that may answer later without holding an io thread (the request
/// waits for a disk commit, say). Called on an io thread.
using AsyncHttpHandler = std::function<void(ServerRequest, HttpResponder)>;

/// Serves HTTP/1.1 with keep-alive on `threads` io threads.
///
/// Answers without calling the handler: 400 for a malformed request, 413 for
/// a body over max_body_bytes; a request that does not arrive in time closes
/// the connection. `Connection: close` (from the client or the handler's
/// response) closes the connection after the response.
///
/// Out of descriptors (accept() fails with EMFILE or ENFILE, say because
/// something else in the process holds many), it closes the connection idle
/// longest and tries again after a pause that doubles from 5 ms up to 1 s
/// (any other accept error pauses too), instead of retrying at once: the
/// pending connection stays readable, so an immediate retry would spin.
class HttpServer {
 public:
  /// Binds and listens, then starts the io threads. Errors: reason
  /// SERVER_BAD_ADDRESS (kInvalidArgument), SERVER_BIND_FAILED
  /// (kUnavailable; e.g. the port is taken), SERVER_BAD_OPTIONS.
  static StatusOr<std::unique_ptr<HttpServer>> Start(HttpServerOptions options,
                                                     HttpHandler handler);
  /// The same with an asynchronous handler. A connection whose request is
  /// waiting for its answer holds no thread; Stop() waits for such answers
  /// too (up to stop_timeout).
  static StatusOr<std::unique_ptr<HttpServer>> StartAsync(
      HttpServerOptions options, AsyncHttpHandler handler);

  HttpServer(HttpServer const&) = delete;
  HttpServer& operator=(HttpServer const&) = delete;
  /// Stop().
  ~HttpServer();

  /// The bound port (the chosen one when options.port was 0).
  std::uint16_t port() const;
  /// Graceful: stops accepting, closes idle connections, lets requests in
  /// flight finish (up to stop_timeout) and joins the io threads.
  /// Idempotent and thread-safe.
  void Stop();
  /// Blocks until Stop() is called from elsewhere (another thread, a
  /// signal watcher) and has finished.
  void Wait();

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace v1
}  // namespace sanbao
