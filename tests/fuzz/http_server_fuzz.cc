// The webhook server's request path: raw bytes from a client, over a real
// loopback connection, into the HTTP server (Boost.Beast's parser, our
// limits, keep-alive and pipelining, the handler's view of the request).
// The server is started once; each input is one connection that writes the
// bytes, half-closes, and reads whatever comes back until the server closes
// or a short timeout passes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>

#include "fuzz_input.h"
#include "sanbao/server/http_server.h"

namespace {

std::uint16_t ServerPort() {
  using namespace sanbao;
  static std::uint16_t const port = [] {
    HttpServerOptions options;
    options.threads = 2;
    options.max_body_bytes = 4096;
    options.read_timeout = std::chrono::milliseconds(200);
    options.idle_timeout = std::chrono::milliseconds(200);
    auto server = HttpServer::Start(options, [](ServerRequest const& r) {
      HttpResponse answer;
      answer.status = r.target.size() % 2 == 0 ? 200 : 404;
      answer.body = r.method + " " + r.target + " " +
                    std::to_string(r.headers.size()) + " " +
                    std::to_string(r.body.size());
      return answer;
    });
    if (!server) std::abort();
    // Lives as long as the process.
    static auto* const running =
        new std::unique_ptr<HttpServer>(std::move(*server));
    return (*running)->port();
  }();
  return port;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data,
                                      std::size_t size) {
  auto const bytes = sanbao::fuzz::Text(data, size, 16384);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(ServerPort());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      auto n =
          ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    char buffer[4096];
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, 300) > 0) {
      if (::recv(fd, buffer, sizeof buffer, 0) <= 0) break;
    }
  }
  ::close(fd);
  return 0;
}
