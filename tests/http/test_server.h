#pragma once

// A tiny HTTP/1.1 server on 127.0.0.1 for transport tests: POSIX sockets,
// one thread per connection, keep-alive, and scripted misbehaviour.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sanbao_test {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> Header(std::string_view name) const {
    for (auto const& [n, v] : headers) {
      if (n.size() == name.size() &&
          std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        return v;
      }
    }
    return std::nullopt;
  }
};

struct Reply {
  enum class Kind {
    kRespond,       // send `raw`, keep the connection
    kHang,          // send nothing until the client goes away
    kSendAndClose,  // send `raw` (possibly cut short), then close
  };
  Kind kind = Kind::kRespond;
  std::string raw{};
};

inline std::string HttpResponseText(
    int status, std::string const& body,
    std::vector<std::pair<std::string, std::string>> headers = {}) {
  std::string text = "HTTP/1.1 " + std::to_string(status) + " X\r\n";
  for (auto const& [n, v] : headers) text += n + ": " + v + "\r\n";
  text += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  return text + body;
}

class TestServer {
 public:
  using Handler = std::function<Reply(ReceivedRequest const&)>;

  explicit TestServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 64);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~TestServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);
    std::lock_guard lock(mu_);
    for (auto& t : connections_) t.join();
  }

  TestServer(TestServer const&) = delete;
  TestServer& operator=(TestServer const&) = delete;

  int port() const { return port_; }
  std::string Url(std::string const& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int accepted() const { return accepted_.load(); }
  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      ++accepted_;
      std::lock_guard lock(mu_);
      connections_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  // Reads into `buffer` until it holds `predicate`, the peer closes, or the
  // server stops. False when no more data will come.
  bool ReadMore(int fd, std::string& buffer) {
    while (!stopping_) {
      pollfd p{fd, POLLIN, 0};
      int r = ::poll(&p, 1, 50);
      if (r == 0) continue;
      if (r < 0) return false;
      char chunk[4096];
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    return false;
  }

  void SendAll(int fd, std::string const& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n =
          ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }

  void Serve(int fd) {
    std::string buffer;
    for (;;) {
      std::size_t end;
      while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
        if (!ReadMore(fd, buffer)) {
          ::close(fd);
          return;
        }
      }
      ReceivedRequest request = Parse(buffer.substr(0, end));
      buffer.erase(0, end + 4);
      std::size_t length = 0;
      if (auto cl = request.Header("Content-Length")) {
        length = std::stoul(*cl);
      }
      while (buffer.size() < length) {
        if (!ReadMore(fd, buffer)) {
          ::close(fd);
          return;
        }
      }
      request.body = buffer.substr(0, length);
      buffer.erase(0, length);
      {
        std::lock_guard lock(mu_);
        requests_.push_back(request);
      }
      Reply reply = handler_(request);
      if (reply.kind == Reply::Kind::kHang) {
        std::string ignored;
        while (ReadMore(fd, ignored)) {
        }
        ::close(fd);
        return;
      }
      SendAll(fd, reply.raw);
      if (reply.kind == Reply::Kind::kSendAndClose) {
        ::shutdown(fd, SHUT_RDWR);
        ::close(fd);
        return;
      }
    }
  }

  static ReceivedRequest Parse(std::string const& head) {
    ReceivedRequest r;
    std::size_t line_end = head.find("\r\n");
    std::string line = head.substr(0, line_end);
    std::size_t sp1 = line.find(' ');
    std::size_t sp2 = line.find(' ', sp1 + 1);
    r.method = line.substr(0, sp1);
    r.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t pos =
        line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      std::size_t next = head.find("\r\n", pos);
      if (next == std::string::npos) next = head.size();
      std::string h = head.substr(pos, next - pos);
      std::size_t colon = h.find(':');
      if (colon != std::string::npos) {
        std::string value = h.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers.emplace_back(h.substr(0, colon), value);
      }
      pos = next + 2;
    }
    return r;
  }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::vector<std::thread> connections_;
  std::vector<ReceivedRequest> requests_;
};

}  // namespace sanbao_test
