// The HTTP/1.1 transport on libcurl connections (MakeCurlHttp1Transport):
// libcurl connects (CURLOPT_CONNECT_ONLY: DNS, TCP, TLS and its
// verification), and requests and responses go over the connection with
// curl_easy_send / curl_easy_recv, framed here: the request written in one
// piece, the response read with Boost.Beast's HTTP/1.1 parser. An exchange
// costs one send and (mostly) one receive; one poll() waits for every
// connection of a SendAll batch at once.
#include <curl/curl.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "curl_common.h"
#include "sanbao/transport/curl.h"

namespace sanbao {
inline namespace v1 {
namespace {

using namespace internal;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
namespace http = boost::beast::http;
using Parser = http::response_parser<http::string_body>;

// A connection that has sat idle longer than this is checked before reuse.
constexpr auto kIdleCheckAfter = std::chrono::seconds(1);
// Bytes asked of the connection per receive.
constexpr std::size_t kReadChunk = 32 * 1024;

// RFC 9110 §9.2.2.
bool Idempotent(std::string const& method) {
  for (char const* m : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"}) {
    if (method == m) return true;
  }
  return false;
}

// Whether a proxy is configured in the environment, in any of the
// variables libcurl reads (https://curl.se/libcurl/c/CURLOPT_PROXY.html).
bool ProxyConfigured() {
  for (char const* name : {"http_proxy", "HTTP_PROXY", "https_proxy",
                           "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
    char const* value = std::getenv(name);
    if (value != nullptr && value[0] != '\0') return true;
  }
  return false;
}

// The request as it goes on the wire. The caller's headers are checked
// (CheckHeaders) before this; framing headers are this transport's own.
std::string Serialize(HttpRequest const& request, RequestTarget const& target,
                      std::string const& user_agent) {
  std::string out;
  out.reserve(256 + request.body.size());
  out += request.method;
  out += ' ';
  out += target.request_uri;
  out += " HTTP/1.1\r\n";
  bool has_host = false;
  bool has_agent = false;
  for (auto const& h : request.headers) {
    if (EqualsIgnoreAsciiCase(h.name, "Content-Length") ||
        EqualsIgnoreAsciiCase(h.name, "Transfer-Encoding") ||
        EqualsIgnoreAsciiCase(h.name, "Connection")) {
      continue;
    }
    has_host = has_host || EqualsIgnoreAsciiCase(h.name, "Host");
    has_agent = has_agent || EqualsIgnoreAsciiCase(h.name, "User-Agent");
    out += h.name;
    out += h.value.empty() ? ":" : ": ";
    out += h.value;
    out += "\r\n";
  }
  if (!has_host) out += "Host: " + target.host + "\r\n";
  if (!has_agent && !user_agent.empty()) {
    out += "User-Agent: " + user_agent + "\r\n";
  }
  std::string const& m = request.method;
  if (!request.body.empty() || m == "POST" || m == "PUT" || m == "PATCH") {
    out += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  }
  out += "\r\n";
  out += request.body;
  return out;
}

// A connection libcurl set up; the easy handle owns it.
struct Connection {
  EasyHandle easy{};
  curl_socket_t fd = CURL_SOCKET_BAD;
  std::string origin{};
  Clock::time_point last_used{};
  int exchanges = 0;  // finished on it so far
};
using ConnectionPtr = std::unique_ptr<Connection>;

class Http1Transport final : public HttpTransport {
 public:
  explicit Http1Transport(CurlOptions options)
      : options_(std::move(options)), init_(GlobalInit()) {
    if (options_.max_connections < 1) options_.max_connections = 1;
  }

  StatusOr<HttpResponse> Send(HttpRequest const& request) override {
    return std::move(SendAll(std::span(&request, 1)).front());
  }

  std::vector<StatusOr<HttpResponse>> SendAll(
      std::span<HttpRequest const> requests) override {
    if (ProxyConfigured()) return Fallback()->SendAll(requests);
    Batch batch(*this, requests);
    batch.Run();
    return std::move(batch.results);
  }

 private:
  // One request on its way.
  struct Flight {
    std::size_t index = 0;
    HttpRequest const* request = nullptr;
    RequestTarget target{};
    std::string out{};
    std::size_t sent = 0;
    ConnectionPtr conn{};
    std::unique_ptr<Parser> parser{};  // Beast parsers do not move
    std::string in{};                  // received, not yet taken by the parser
    bool answered = false;             // any byte of a response arrived
    bool resent = false;
    Clock::time_point started{};
    Clock::time_point deadline{};
  };

  // The state of one SendAll call.
  class Batch {
   public:
    Batch(Http1Transport& t, std::span<HttpRequest const> requests)
        : results(requests.size()), transport_(t), requests_(requests) {}

    void Run() {
      auto window =
          static_cast<std::size_t>(transport_.options_.max_connections);
      std::vector<Flight> flights;
      flights.reserve(std::min(window, requests_.size()));
      std::vector<pollfd> fds;
      for (;;) {
        std::size_t const started = flights.size();
        while (next_ < requests_.size() && flights.size() < window) {
          Flight f;
          if (Prepare(f)) flights.push_back(std::move(f));
        }
        Launch(flights, started);
        if (flights.empty()) break;
        fds.clear();
        auto wake = Clock::time_point::max();
        for (auto const& f : flights) {
          short events = f.sent < f.out.size() ? POLLOUT : POLLIN;
          fds.push_back({f.conn->fd, events, 0});
          wake = std::min(wake, f.deadline);
        }
        auto left = std::chrono::ceil<milliseconds>(wake - Clock::now());
        int wait = static_cast<int>(std::clamp<long>(left.count(), 0, 1000));
        if (::poll(fds.data(), fds.size(), wait) < 0 && errno != EINTR) {
          std::string why = std::strerror(errno);
          for (auto& f : flights) Fail(f, CURLE_RECV_ERROR, true, why.c_str());
          flights.clear();
          continue;
        }
        auto now = Clock::now();
        KeepLive(flights, 0, [&](Flight& f, std::size_t i) {
          bool live = true;
          if (fds[i].revents != 0) {
            live = f.sent < f.out.size() ? Write(f) : Read(f);
          }
          if (live && now >= f.deadline) {
            Fail(f, CURLE_OPERATION_TIMEDOUT, true, "timed out");
            live = false;
          }
          return live;
        });
      }
      for (auto& conn : spare_) transport_.PutIdle(std::move(conn));
    }

    std::vector<StatusOr<HttpResponse>> results;

   private:
    // Checks and frames the next request and finds it an idle connection if
    // there is one; false when it is already finished (refused).
    bool Prepare(Flight& f) {
      f.index = next_++;
      f.request = &requests_[f.index];
      f.started = Clock::now();
      HttpRequest const& request = *f.request;
      if (transport_.init_ != CURLE_OK) {
        Done(f,
             InternalError(std::string("libcurl initialisation failed: ") +
                               curl_easy_strerror(transport_.init_),
                           "HTTP_TRANSPORT_INIT",
                           {{"transport_code", CodeName(transport_.init_)}}));
        return false;
      }
      auto target = targets_.Read(request.url);
      if (!target) {
        Done(f, TransportError(request, CURLE_URL_MALFORMAT, false, nullptr));
        return false;
      }
      if (Status bad = CheckHeaders(request); !bad.ok()) {
        Done(f, std::move(bad));
        return false;
      }
      f.target = *std::move(target);
      milliseconds timeout = request.timeout.count() > 0
                                 ? request.timeout
                                 : transport_.options_.request_timeout;
      f.deadline = f.started + timeout;
      f.out = Serialize(request, f.target, transport_.options_.user_agent);
      f.conn = Reuse(f.target.origin);
      return true;
    }

    // Starts sending flights[from...], after setting up together the
    // connections they lack (the first in this thread, the others in
    // threads of their own); drops those that end here.
    void Launch(std::vector<Flight>& flights, std::size_t from) {
      std::vector<std::size_t> lacking;
      for (std::size_t i = from; i < flights.size(); ++i) {
        if (!flights[i].conn) lacking.push_back(i);
      }
      std::vector<StatusOr<ConnectionPtr>> made(lacking.size());
      auto connect = [&](std::size_t k) {
        Flight const& f = flights[lacking[k]];
        made[k] = transport_.Connect(*f.request, f.target, f.deadline);
      };
      {
        std::vector<std::jthread> helpers;
        for (std::size_t k = 1; k < lacking.size(); ++k) {
          try {
            helpers.emplace_back(connect, k);
          } catch (std::system_error const&) {
            connect(k);  // no thread to be had: in this one, then
          }
        }
        if (!lacking.empty()) connect(0);
      }
      for (std::size_t k = 0; k < lacking.size(); ++k) {
        Flight& f = flights[lacking[k]];
        if (made[k].ok()) {
          f.conn = *std::move(made[k]);
        } else {
          Done(f, made[k].status());
        }
      }
      // Without a connection it has finished (not sent).
      KeepLive(flights, from,
               [&](Flight& f, std::size_t) { return f.conn && Write(f); });
    }

    // Runs `step` on flights[from...] in order, keeping those it returns
    // true for (still on their way) in their order.
    template <typename Step>
    static void KeepLive(std::vector<Flight>& flights, std::size_t from,
                         Step step) {
      std::size_t kept = from;
      for (std::size_t i = from; i < flights.size(); ++i) {
        if (!step(flights[i], i)) continue;
        if (kept != i) flights[kept] = std::move(flights[i]);
        ++kept;
      }
      flights.resize(kept);
    }

    // Sends `f` again from the start, on a new connection.
    bool Resend(Flight& f) {
      f.resent = true;
      f.sent = 0;
      f.in.clear();
      f.answered = false;
      f.parser.reset();
      f.conn.reset();
      auto made = transport_.Connect(*f.request, f.target, f.deadline);
      if (!made.ok()) {
        Done(f, made.status());
        return false;
      }
      f.conn = *std::move(made);
      return Write(f);
    }

    // A spare connection to `origin` from this batch, else the pool's.
    ConnectionPtr Reuse(std::string const& origin) {
      for (auto it = spare_.begin(); it != spare_.end(); ++it) {
        if ((*it)->origin == origin) {
          ConnectionPtr conn = std::move(*it);
          spare_.erase(it);
          return conn;
        }
      }
      return transport_.TakeIdle(origin);
    }

    // Sends what the connection takes now; false when the flight ended.
    bool Write(Flight& f) {
      while (f.sent < f.out.size()) {
        std::size_t n = 0;
        CURLcode rc = curl_easy_send(f.conn->easy.get(), f.out.data() + f.sent,
                                     f.out.size() - f.sent, &n);
        if (rc == CURLE_AGAIN) return true;
        if (rc != CURLE_OK) {
          // A reused connection the server had closed: nothing of the
          // request reached it, so it goes again on a new one.
          if (f.sent == 0 && f.conn->exchanges > 0 && !f.resent) {
            return Resend(f);
          }
          // Nothing of it sent: provably never left.
          Fail(f, CURLE_SEND_ERROR, f.sent > 0, curl_easy_strerror(rc));
          return false;
        }
        f.sent += n;
      }
      return true;
    }

    // Receives what has arrived; false when the flight ended.
    bool Read(Flight& f) {
      for (;;) {
        std::size_t n = 0;
        CURLcode rc = curl_easy_recv(f.conn->easy.get(), buffer_.data(),
                                     buffer_.size(), &n);
        if (rc == CURLE_AGAIN) return true;
        if (rc != CURLE_OK || n == 0) return Closed(f, rc);
        f.answered = true;
        if (auto done = Parse(f, std::string_view(buffer_.data(), n))) {
          return *done;
        }
      }
    }

    // Feeds the parser what arrived (after what it has not taken yet);
    // nullopt while the response is incomplete, else whether the flight
    // goes on (false: it ended, with a result).
    std::optional<bool> Parse(Flight& f, std::string_view arrived) {
      std::string_view data = arrived;
      if (!f.in.empty()) {
        f.in += arrived;
        data = f.in;
      }
      std::size_t used = 0;
      auto keep_rest = [&] {
        std::string rest(data.substr(used));
        f.in = std::move(rest);
      };
      for (;;) {
        if (!f.parser) {
          f.parser = std::make_unique<Parser>();
          f.parser->eager(true);
          f.parser->header_limit(64 * 1024);
          f.parser->body_limit(transport_.options_.max_response_bytes);
          if (f.request->method == "HEAD") f.parser->skip(true);
        }
        boost::beast::error_code ec;
        std::size_t taken = f.parser->put(
            boost::asio::const_buffer(data.data() + used, data.size() - used),
            ec);
        used += taken;
        if (ec == http::error::need_more) break;
        if (ec == http::error::body_limit) {
          Done(f, TooLargeError(*f.request, CURLE_WRITE_ERROR,
                                transport_.options_.max_response_bytes));
          f.conn.reset();
          return false;
        }
        if (ec) {
          Fail(f, CURLE_WEIRD_SERVER_REPLY, true, ec.message().c_str());
          return false;
        }
        if (!f.parser->is_done()) {
          if (taken == 0 || used == data.size()) break;  // wants more
          continue;
        }
        int status = f.parser->get().result_int();
        if (status / 100 == 1 && status != 101) {
          f.parser.reset();  // an interim answer; the final one follows
          continue;
        }
        keep_rest();
        Complete(f);
        return false;
      }
      keep_rest();
      return std::nullopt;
    }

    // The server closed the connection (or it broke) after `f` was sent.
    bool Closed(Flight& f, CURLcode rc) {
      if (!f.answered && f.conn->exchanges > 0 && !f.resent &&
          Idempotent(f.request->method)) {
        // A kept-alive connection closed under the request before any
        // answer: the request is sent again on a new connection.
        return Resend(f);
      }
      if (rc == CURLE_OK && f.parser && f.parser->got_some()) {
        boost::beast::error_code ec;
        f.parser->put_eof(ec);  // a body delimited by the close
        if (!ec && f.parser->is_done()) {
          Complete(f);
          return false;
        }
      }
      CURLcode code = rc != CURLE_OK ? CURLE_RECV_ERROR
                      : !f.answered  ? CURLE_GOT_NOTHING
                      : f.parser && f.parser->is_header_done()
                          ? CURLE_PARTIAL_FILE
                          : CURLE_RECV_ERROR;
      Fail(f, code, true, rc != CURLE_OK ? curl_easy_strerror(rc) : nullptr);
      return false;
    }

    void Complete(Flight& f) {
      bool keep = f.parser->keep_alive() && f.in.empty() &&
                  f.parser->get().result_int() != 101;
      auto message = f.parser->release();
      HttpResponse response;
      response.status = message.result_int();
      response.headers.reserve(static_cast<std::size_t>(
          std::distance(message.begin(), message.end())));
      for (auto const& field : message) {
        auto name = field.name_string();
        auto value = field.value();
        response.headers.push_back({std::string(name.data(), name.size()),
                                    std::string(value.data(), value.size())});
      }
      response.body = std::move(message.body());
      f.parser.reset();
      if (keep) {
        f.conn->last_used = Clock::now();
        ++f.conn->exchanges;
        spare_.push_back(std::move(f.conn));
      }
      f.conn.reset();
      Done(f, std::move(response));
    }

    void Fail(Flight& f, CURLcode code, bool connected, char const* detail) {
      f.conn.reset();  // closes it: its state is unknown
      Done(f, TransportError(*f.request, code, connected, detail));
    }

    void Done(Flight& f, StatusOr<HttpResponse> result) {
      if (transport_.options_.log) {
        LogExchange(transport_.options_.log, *f.request, result, f.started);
      }
      results[f.index] = std::move(result);
    }

    Http1Transport& transport_;
    std::span<HttpRequest const> requests_;
    std::size_t next_ = 0;
    RequestTargetReader targets_;
    std::vector<ConnectionPtr> spare_;  // free connections of this call
    std::vector<char> buffer_ = std::vector<char>(kReadChunk);
  };

  // A new connection to `target`, set up by libcurl; HTTP_NOT_SENT (or
  // HTTP_BAD_URL) if it could not be.
  StatusOr<ConnectionPtr> Connect(HttpRequest const& request,
                                  RequestTarget const& target,
                                  Clock::time_point deadline) {
    auto conn = std::make_unique<Connection>();
    conn->easy.reset(curl_easy_init());
    conn->origin = target.origin;
    CURL* curl = conn->easy.get();
    if (curl == nullptr) {
      return TransportError(request, CURLE_FAILED_INIT, false, nullptr);
    }
    auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return TransportError(request, CURLE_OPERATION_TIMEDOUT, false, nullptr);
    }
    std::array<char, CURL_ERROR_SIZE> error{};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error.data());
    curl_easy_setopt(curl, CURLOPT_URL, target.origin.c_str());
    curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(curl, CURLOPT_PROXY, "");  // direct (see SendAll)
    SetConnectionOptions(curl, options_, share_.get());
    curl_easy_setopt(
        curl, CURLOPT_CONNECTTIMEOUT_MS,
        static_cast<long>(std::min(left, options_.connect_timeout).count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(left.count()));
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    if (rc != CURLE_OK) {
      return TransportError(request, rc, false, error.data());
    }
    if (curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &conn->fd) != CURLE_OK ||
        conn->fd == CURL_SOCKET_BAD) {
      return TransportError(request, CURLE_COULDNT_CONNECT, false,
                            "no socket after connecting");
    }
    return conn;
  }

  // An idle connection to `origin`, checked if it sat long; else null.
  ConnectionPtr TakeIdle(std::string const& origin) {
    ConnectionPtr conn;
    {
      std::lock_guard lock(mu_);
      for (auto it = idle_.rbegin(); it != idle_.rend(); ++it) {
        if ((*it)->origin == origin) {
          conn = std::move(*it);
          idle_.erase(std::next(it).base());
          break;
        }
      }
    }
    if (conn && Clock::now() - conn->last_used > kIdleCheckAfter &&
        !StillOpen(*conn)) {
      conn.reset();
    }
    return conn;
  }

  void PutIdle(ConnectionPtr conn) {
    std::lock_guard lock(mu_);
    if (idle_.size() >= static_cast<std::size_t>(options_.max_connections)) {
      idle_.erase(idle_.begin());  // the longest idle goes
    }
    idle_.push_back(std::move(conn));
  }

  // Whether an idle connection is still open and has nothing unasked-for to
  // read. Readable means closed, or bytes nobody asked for, except TLS
  // records that carry no data (a TLS 1.3 session ticket), which
  // curl_easy_recv takes in and answers with CURLE_AGAIN.
  static bool StillOpen(Connection& conn) {
    pollfd p{conn.fd, POLLIN, 0};
    if (::poll(&p, 1, 0) == 0) return true;
    char byte = 0;
    std::size_t n = 0;
    return curl_easy_recv(conn.easy.get(), &byte, 1, &n) == CURLE_AGAIN;
  }

  // For requests that go through a proxy.
  std::shared_ptr<HttpTransport> Fallback() {
    std::call_once(fallback_once_,
                   [this] { fallback_ = MakeCurlTransport(options_); });
    return fallback_;
  }

  CurlOptions options_;
  CURLcode init_;
  Share share_;
  std::mutex mu_;
  std::vector<ConnectionPtr> idle_;  // oldest first
  std::once_flag fallback_once_;
  std::shared_ptr<HttpTransport> fallback_;
};

}  // namespace

std::shared_ptr<HttpTransport> MakeCurlHttp1Transport(CurlOptions options) {
  return std::make_shared<Http1Transport>(std::move(options));
}

}  // namespace v1
}  // namespace sanbao
