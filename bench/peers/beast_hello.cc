// The peer of the webhook benchmark: a bare Boost.Beast HTTP/1.1 server with
// the threading model of sanbao::HttpServer (one io_context, N threads, a
// strand per connection, keep-alive) that answers every request 200 "ok"
// without looking at it. bench/webhooks/run.sh drives both with wrk.
//
//   beast_hello [--port N] [--threads N]
//
// Prints "listening on http://127.0.0.1:PORT" and serves until killed.
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket&& socket) : stream_(std::move(socket)) {
    beast::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }
  void Start() {
    net::dispatch(stream_.get_executor(),
                  [self = shared_from_this()] { self->Read(); });
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(1024 * 1024);
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return self->Close();
          self->Respond();
        });
  }
  void Respond() {
    auto const& request = parser_->get();
    response_.emplace(http::status::ok, request.version());
    response_->set(http::field::content_type, "application/json");
    response_->body() = R"({"status":"ok"})";
    response_->keep_alive(request.keep_alive());
    response_->prepare_payload();
    http::async_write(
        stream_, *response_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec || !self->response_->keep_alive()) return self->Close();
          self->Read();
        });
  }
  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
};

class Listener {
 public:
  Listener(net::io_context& ioc, tcp::endpoint endpoint)
      : ioc_(ioc), acceptor_(net::make_strand(ioc)) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec,
                                                          tcp::socket socket) {
      if (!ec) {
        std::make_shared<Session>(std::move(socket))->Start();
      }
      Accept();
    });
  }

 private:
  net::io_context& ioc_;
  tcp::acceptor acceptor_;
};

int main(int argc, char** argv) {
  unsigned short port = 0;
  int threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--port") == 0) {
      port = static_cast<unsigned short>(std::atoi(argv[i + 1]));
    } else if (std::strcmp(argv[i], "--threads") == 0) {
      threads = std::max(1, std::atoi(argv[i + 1]));
    } else {
      std::fprintf(stderr, "usage: beast_hello [--port N] [--threads N]\n");
      return 2;
    }
  }
  net::io_context ioc(threads);
  try {
    Listener listener(ioc, {net::ip::make_address("127.0.0.1"), port});
    listener.Accept();
    std::printf("listening on http://127.0.0.1:%u\n", listener.port());
    std::fflush(stdout);
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : pool) t.join();
  } catch (std::exception const& e) {
    std::fprintf(stderr, "beast_hello: %s\n", e.what());
    return 1;
  }
  return 0;
}
