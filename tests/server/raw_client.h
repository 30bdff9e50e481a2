#pragma once

// A tiny blocking HTTP/1.1 client over a POSIX socket for server tests: it
// lets a test send exactly the bytes it wants (half a request, a stall, two
// requests on one connection) and observe when the server closes.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sanbao_test {

struct RawResponse {
  int status = 0;
  std::string head{};  // status line and headers
  std::string body{};
};

class RawConnection {
 public:
  /// Connects to 127.0.0.1:port. Reads give up after `safety_timeout_s`
  /// (only so that a broken server fails the test instead of hanging it).
  explicit RawConnection(std::uint16_t port, int safety_timeout_s = 20) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return;
    timeval tv{};
    tv.tv_sec = safety_timeout_s;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(RawConnection const&) = delete;
  RawConnection& operator=(RawConnection const&) = delete;

  bool connected() const { return fd_ >= 0; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  /// Reads one response (Content-Length framed); nullopt when the
  /// connection closed or failed before a full response arrived. Interim
  /// (100 Continue) answers are skipped unless `interim`.
  std::optional<RawResponse> ReadResponse(bool interim = false) {
    std::size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    RawResponse response;
    response.head = pending_.substr(0, end + 2);
    pending_.erase(0, end + 4);
    if (response.head.size() < 12) return std::nullopt;
    response.status = std::stoi(response.head.substr(9, 3));
    if (response.status == 100 && !interim) return ReadResponse();
    std::size_t length = 0;
    if (auto v = HeaderValue(response.head, "content-length")) {
      length = std::stoul(*v);
    }
    while (pending_.size() < length) {
      if (!Fill()) return std::nullopt;
    }
    response.body = pending_.substr(0, length);
    pending_.erase(0, length);
    return response;
  }

  /// True when the server closed the connection (EOF or reset) before
  /// sending anything more; false if data arrived or the safety timeout
  /// expired.
  bool WaitClosed() {
    char c;
    auto n = ::recv(fd_, &c, 1, 0);
    if (n == 0) return true;
    if (n < 0 && (errno == ECONNRESET || errno == EPIPE)) return true;
    return false;
  }

  static std::optional<std::string> HeaderValue(std::string const& head,
                                                std::string_view name) {
    std::size_t pos = 0;
    while ((pos = head.find("\r\n", pos)) != std::string::npos) {
      pos += 2;
      auto colon = head.find(':', pos);
      auto eol = head.find("\r\n", pos);
      if (colon == std::string::npos || eol == std::string::npos ||
          colon > eol) {
        continue;
      }
      std::string field = head.substr(pos, colon - pos);
      if (field.size() == name.size()) {
        bool same = true;
        for (std::size_t i = 0; i < field.size(); ++i) {
          char a = field[i];
          if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
          if (a != name[i]) same = false;
        }
        if (same) {
          auto value = head.substr(colon + 1, eol - colon - 1);
          while (!value.empty() && value.front() == ' ') value.erase(0, 1);
          return value;
        }
      }
    }
    return std::nullopt;
  }

 private:
  bool Fill() {
    char buf[4096];
    auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string pending_;
};

}  // namespace sanbao_test
