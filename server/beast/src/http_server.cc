// The Boost.Beast HTTP server: one io_context, N threads, one strand per
// connection, deadlines through beast::tcp_stream.
#include "sanbao/server/http_server.h"

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <condition_variable>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sanbao {
inline namespace v1 {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
// After refusing a request (400, 413) the server reads and discards what the
// client still sends, up to this much, so that closing the socket does not
// reset the connection before the client has read the refusal.
constexpr std::size_t kDrainLimit = 4 * 1024 * 1024;

bool IEquals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    };
    return lower(x) == lower(y);
  });
}

bool ContainsCloseToken(std::string_view value) {
  // "close" as one of the comma-separated tokens.
  std::size_t start = 0;
  while (start <= value.size()) {
    auto end = value.find(',', start);
    if (end == std::string_view::npos) end = value.size();
    auto token = value.substr(start, end - start);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) {
      token.remove_prefix(1);
    }
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) {
      token.remove_suffix(1);
    }
    if (IEquals(token, "close")) return true;
    start = end + 1;
  }
  return false;
}

// The session whose handler runs on this thread, if any.
thread_local void const* t_current_session = nullptr;

bool IsHttpParseError(beast::error_code const& ec) {
  return ec.category() ==
         http::make_error_code(http::error::bad_target).category();
}

// Responders may outlive the server (an inbox thread still holds one): they
// reach their session only while the gate is open, and the server closes it
// after its threads have stopped.
struct Gate {
  std::shared_mutex mutex;
  bool open = true;
};

}  // namespace

class HttpServer::Impl {
 public:
  class Session;

  Impl(HttpServerOptions options, AsyncHttpHandler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        ioc_(std::max(1, options_.threads)),
        acceptor_(net::make_strand(ioc_)) {}

  ~Impl() { StopAndJoin(); }

  Status Listen();
  void Run();
  void Stop();
  void Wait();
  std::uint16_t port() const { return port_; }

  HttpServerOptions const& options() const { return options_; }
  std::size_t max_connections() const { return max_connections_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  AsyncHttpHandler const& handler() const { return handler_; }
  std::shared_ptr<Gate> const& gate() const { return gate_; }
  void Unregister(Session* session);

 private:
  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void AcceptLater(beast::error_code const& ec);
  bool ShedOldestIdle();
  void StopAndJoin();
  bool OnIoThread() const;

  HttpServerOptions options_;
  AsyncHttpHandler handler_;
  std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();
  std::uint16_t port_ = 0;
  std::size_t max_connections_ = 0;
  std::chrono::milliseconds accept_backoff_{0};  // on the acceptor's strand
  std::atomic<bool> stopping_{false};

  std::mutex sessions_mutex_;
  std::condition_variable sessions_cv_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;

  std::mutex state_mutex_;
  std::condition_variable state_cv_;
  int running_threads_ = 0;
  bool stop_requested_ = false;
  bool stopped_ = false;  // threads joined
  bool joining_ = false;
  std::vector<std::thread> threads_;

  // Declared last: destroyed first, and with it the handlers (and so the
  // sessions) still queued, which unregister themselves above.
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer accept_timer_{acceptor_.get_executor()};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
};

class HttpServer::Impl::Session
    : public std::enable_shared_from_this<HttpServer::Impl::Session> {
 public:
  Session(tcp::socket&& socket, Impl& server)
      : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_address_ = endpoint.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }
  ~Session() { server_.Unregister(this); }

  void Start() {
    net::dispatch(stream_.get_executor(),
                  [self = shared_from_this()] { self->WaitForRequest(true); });
  }

  // Since when (steady clock ticks) the connection waits for a request;
  // -1 while a request is read, handled or answered.
  std::int64_t idle_since() const {
    return idle_since_.load(std::memory_order_acquire);
  }
  // From any thread: claims the connection for shedding if it is still idle
  // since `since` (no one else claimed it), then closes it.
  bool Shed(std::int64_t since) {
    if (!idle_since_.compare_exchange_strong(since, -1,
                                             std::memory_order_acq_rel)) {
      return false;
    }
    RequestStop();
    return true;
  }

  // From any thread: closes the connection if it sits idle; a request in
  // flight is completed and its response closes the connection.
  void RequestStop() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kIdle) self->stream_.cancel();
    });
  }

  /// At teardown, after the io threads stopped: drops the self-reference of
  /// a session still waiting for its answer.
  std::shared_ptr<Session> ReleaseHold() { return std::move(hold_); }

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kClosing };

  // The state shared by the copies of one request's responder. When the
  // last copy goes away unanswered, the connection is closed.
  struct Pending {
    std::weak_ptr<Session> session;
    std::shared_ptr<Gate> gate;
    std::atomic<bool> answered{false};

    void Deliver(std::optional<HttpResponse> response) {
      if (answered.exchange(true)) return;
      std::shared_lock lock(gate->mutex);
      if (!gate->open) return;
      auto self = session.lock();
      if (!self) return;
      if (response && t_current_session == self.get()) {
        // Answered from inside the handler call: continue there.
        self->inline_answer_ = std::move(*response);
        return;
      }
      auto executor = self->stream_.get_executor();
      net::post(executor, [self = std::move(self),
                           response = std::move(response)]() mutable {
        if (response) return self->Answer(std::move(*response));
        self->hold_.reset();
        self->Close();
      });
    }
    ~Pending() { Deliver(std::nullopt); }
  };

  std::chrono::milliseconds ReadTimeout() const {
    return server_.options().read_timeout;
  }
  std::chrono::milliseconds IdleTimeout() const {
    return server_.options().idle_timeout;
  }

  void WaitForRequest(bool first) {
    if (server_.stopping()) return Close();
    if (buffer_.size() > 0) return ReadRequest();  // pipelined
    state_ = State::kIdle;
    idle_since_.store(
        std::chrono::steady_clock::now().time_since_epoch().count(),
        std::memory_order_release);
    // A new connection must send its request within read_timeout; a
    // keep-alive one may idle for idle_timeout.
    stream_.expires_after(first ? ReadTimeout() : IdleTimeout());
    stream_.async_read_some(
        buffer_.prepare(kReadChunk),
        [self = shared_from_this()](beast::error_code ec, std::size_t n) {
          self->idle_since_.store(-1, std::memory_order_release);
          if (ec) return self->Close();
          self->buffer_.commit(n);
          self->ReadRequest();
        });
  }

  void ReadRequest() {
    state_ = State::kReading;
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(server_.options().max_body_bytes);
    // One deadline for the whole request, head and body.
    stream_.expires_after(ReadTimeout());
    // What is already buffered (usually the whole request) is parsed here
    // rather than in a composed read that would post each step back through
    // the io_context; only a request that has not fully arrived waits there.
    if (auto ec = ParseBuffered(); ec) return OnReadError(ec);
    if (parser_->is_header_done()) return OnHeader({});
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          self->OnHeader(ec);
        });
  }

  // Feeds the buffered bytes to the parser: up to the end of the header, or
  // of the body once the parser is eager. "Needs more" is not an error.
  beast::error_code ParseBuffered() {
    beast::error_code ec;
    while (buffer_.size() > 0 && !parser_->is_done()) {
      auto n = parser_->put(buffer_.data(), ec);
      buffer_.consume(n);
      if (ec == http::error::need_more) return {};
      if (ec || n == 0) break;
      if (!parser_->eager() && parser_->is_header_done()) break;
    }
    return ec;
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    if (auto length = parser_->content_length();
        length && *length > server_.options().max_body_bytes) {
      return Refuse(http::status::payload_too_large, "payload too large\n");
    }
    auto const& head = parser_->get();
    auto expect = head[http::field::expect];
    if (!expect.empty() && IEquals(expect, "100-continue") &&
        !parser_->is_done()) {
      static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(
          stream_, net::buffer(kContinue, sizeof(kContinue) - 1),
          [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->Close();
            self->ReadBody();
          });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    parser_->eager(true);
    if (auto ec = ParseBuffered(); ec) return OnReadError(ec);
    if (parser_->is_done()) return Handle();
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return self->OnReadError(ec);
          self->Handle();
        });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return Refuse(http::status::payload_too_large, "payload too large\n");
    }
    if (ec == http::error::header_limit) {
      return Refuse(http::status::request_header_fields_too_large,
                    "request header fields too large\n");
    }
    if (IsHttpParseError(ec) && ec != http::error::end_of_stream &&
        ec != http::error::partial_message) {
      return Refuse(http::status::bad_request, "bad request\n");
    }
    // Timeout (the stream is already closed), end of stream, reset, stop.
    Close();
  }

  void Handle() {
    state_ = State::kHandling;
    auto message = parser_->release();
    parser_.reset();
    bool keep_alive = message.keep_alive();
    unsigned version = message.version();

    ServerRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (auto const& field : message) {
      request.headers.push_back(
          {std::string(field.name_string()), std::string(field.value())});
    }
    request.body = std::move(message.body());
    request.remote_address = remote_address_;
    bool head = message.method() == http::verb::head;

    keep_alive_ = keep_alive;
    version_ = version;
    head_ = head;
    // Held until the answer is written: nothing else keeps a session alive
    // while an asynchronous handler works.
    hold_ = shared_from_this();
    auto state = std::make_shared<Pending>();
    state->session = weak_from_this();
    state->gate = server_.gate();
    HttpResponder respond = [state](HttpResponse response) {
      state->Deliver(std::move(response));
    };
    t_current_session = this;
    try {
      server_.handler()(std::move(request), respond);
    } catch (...) {
      respond(HttpResponse{.status = 500,
                           .headers = {{"Content-Type", "text/plain"}},
                           .body = "internal server error\n"});
    }
    t_current_session = nullptr;
    if (inline_answer_) {
      auto answer = std::move(*inline_answer_);
      inline_answer_.reset();
      Answer(std::move(answer));
    }
  }

  void Answer(HttpResponse answer) {
    auto hold = std::move(hold_);  // released when this returns
    bool keep_alive = keep_alive_;
    response_.emplace();
    auto& res = *response_;
    res.version(version_);
    if (answer.status < 100 || answer.status > 999) {
      answer = HttpResponse{.status = 500,
                            .headers = {{"Content-Type", "text/plain"}},
                            .body = "invalid response status\n"};
    }
    res.result(static_cast<unsigned>(answer.status));
    for (auto& header : answer.headers) {
      if (IEquals(header.name, "Content-Length") ||
          IEquals(header.name, "Transfer-Encoding")) {
        continue;
      }
      if (IEquals(header.name, "Connection")) {
        if (ContainsCloseToken(header.value)) keep_alive = false;
        continue;
      }
      res.insert(header.name, header.value);
    }
    res.body() = std::move(answer.body);
    res.prepare_payload();
    if (head_) res.body().clear();
    keep_alive = keep_alive && !server_.stopping();
    res.keep_alive(keep_alive);
    Write(!keep_alive);
  }

  void Refuse(http::status status, char const* text) {
    state_ = State::kWriting;
    unsigned version = parser_ ? parser_->get().version() : 11;
    if (version != 10 && version != 11) version = 11;
    parser_.reset();
    response_.emplace(status, version);
    response_->set(http::field::content_type, "text/plain");
    response_->body() = text;
    response_->prepare_payload();
    response_->keep_alive(false);
    stream_.expires_after(IdleTimeout());
    http::async_write(
        stream_, *response_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return self->Close();
          self->LingeringClose();
        });
  }

  void Write(bool close) {
    state_ = State::kWriting;
    stream_.expires_after(IdleTimeout());
    http::async_write(
        stream_, *response_,
        [self = shared_from_this(), close](beast::error_code ec, std::size_t) {
          self->response_.reset();
          if (ec) return self->Close();
          if (close || self->server_.stopping()) return self->Shutdown();
          self->WaitForRequest(false);
        });
  }

  void LingeringClose() {
    state_ = State::kClosing;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(ReadTimeout());
    drained_ = 0;
    Drain();
  }

  void Drain() {
    stream_.async_read_some(
        net::buffer(scratch_),
        [self = shared_from_this()](beast::error_code ec, std::size_t n) {
          self->drained_ += n;
          if (ec || self->drained_ > kDrainLimit) return self->Close();
          self->Drain();
        });
  }

  void Shutdown() {
    state_ = State::kClosing;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    Close();
  }

  void Close() {
    state_ = State::kClosing;
    idle_since_.store(-1, std::memory_order_release);
    beast::error_code ec;
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  Impl& server_;
  std::string remote_address_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  std::array<char, 8192> scratch_{};
  std::shared_ptr<Session> hold_;
  std::optional<HttpResponse> inline_answer_;
  bool keep_alive_ = false;
  bool head_ = false;
  unsigned version_ = 11;
  std::size_t drained_ = 0;
  State state_ = State::kIdle;
  std::atomic<std::int64_t> idle_since_{-1};
};

Status HttpServer::Impl::Listen() {
  if (options_.threads < 1) {
    return InvalidArgumentError(
        "threads must be at least 1", "SERVER_BAD_OPTIONS",
        {{"threads", std::to_string(options_.threads)}});
  }
  if (!handler_) {
    return InvalidArgumentError("no handler", "SERVER_BAD_OPTIONS");
  }
  beast::error_code ec;
  auto address = net::ip::make_address(options_.address, ec);
  if (ec) {
    return InvalidArgumentError("not an IP address: " + options_.address,
                                "SERVER_BAD_ADDRESS",
                                {{"address", options_.address}});
  }
  tcp::endpoint endpoint(address, options_.port);
  auto fail = [&](char const* step) {
    return UnavailableError(
        std::string("cannot ") + step + " " + options_.address + ":" +
            std::to_string(options_.port) + ": " + ec.message(),
        "SERVER_BIND_FAILED",
        {{"address", options_.address},
         {"port", std::to_string(options_.port)},
         {"error", ec.message()}});
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("open a socket for");
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail("configure");
  acceptor_.bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen on");
  port_ = acceptor_.local_endpoint(ec).port();
  if (ec) return fail("read the port of");
  max_connections_ = options_.max_connections;
  if (max_connections_ == 0) {
    // Below the descriptor limit, with room for what else the process
    // opens: accept() should not be the one to run out.
    rlimit limit{};
    std::size_t soft = 1024;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 &&
        limit.rlim_cur != RLIM_INFINITY) {
      soft = static_cast<std::size_t>(limit.rlim_cur);
    } else if (limit.rlim_cur == RLIM_INFINITY) {
      soft = std::numeric_limits<std::size_t>::max() / 2;
    }
    std::size_t reserve = std::clamp<std::size_t>(soft / 4, 16, 64);
    max_connections_ = soft > reserve ? soft - reserve : 1;
  }
  return Status();
}

void HttpServer::Impl::Run() {
  // Keeps the threads running while answers are pending elsewhere.
  work_.emplace(ioc_.get_executor());
  DoAccept();
  std::lock_guard lock(state_mutex_);
  running_threads_ = options_.threads;
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this] {
      ioc_.run();
      std::lock_guard lock(state_mutex_);
      --running_threads_;
      state_cv_.notify_all();
    });
  }
}

void HttpServer::Impl::DoAccept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         [this](beast::error_code ec, tcp::socket socket) {
                           OnAccept(ec, std::move(socket));
                         });
}

void HttpServer::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) return AcceptLater(ec);
  accept_backoff_ = std::chrono::milliseconds(0);
  if (stopping()) {
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  auto session = std::make_shared<Session>(std::move(socket), *this);
  std::size_t count = 0;
  {
    std::lock_guard lock(sessions_mutex_);
    sessions_[session.get()] = session;
    count = sessions_.size();
  }
  // Over the cap: the connection idle longest makes room; with none idle,
  // the new one is closed (its client retries) rather than the limit
  // reached.
  if (count > max_connections_ && !ShedOldestIdle()) {
    session.reset();  // closes the socket, unregisters
  } else {
    session->Start();
  }
  DoAccept();
}

// accept() failed. With EMFILE/ENFILE the pending connection stays
// readable and an immediate retry fails the same way: a spin. So close the
// connection idle longest (its descriptor comes back), and retry after a
// pause that doubles up to a second; any success resets it.
void HttpServer::Impl::AcceptLater(beast::error_code const& ec) {
  int const errno_value =
      ec.category() == boost::system::system_category() ? ec.value() : 0;
  if (errno_value == EMFILE || errno_value == ENFILE ||
      errno_value == ENOBUFS || errno_value == ENOMEM) {
    ShedOldestIdle();
  }
  accept_backoff_ =
      std::clamp(accept_backoff_ * 2, std::chrono::milliseconds(5),
                 std::chrono::milliseconds(1000));
  accept_timer_.expires_after(accept_backoff_);
  accept_timer_.async_wait([this](beast::error_code wait_ec) {
    if (wait_ec || stopping() || !acceptor_.is_open()) return;
    DoAccept();
  });
}

// Closes the connection that has waited longest for a request; false when
// no connection is idle.
bool HttpServer::Impl::ShedOldestIdle() {
  // A few tries: the one picked may start reading, or be on its way out.
  for (int attempt = 0; attempt < 8; ++attempt) {
    // Released outside the lock: the last reference to a session
    // unregisters it, which takes the lock.
    std::shared_ptr<Session> oldest;
    std::int64_t since = std::numeric_limits<std::int64_t>::max();
    {
      std::lock_guard lock(sessions_mutex_);
      // A session in the map is alive: one being destroyed waits for this
      // lock to unregister itself before its members go.
      Session* pick = nullptr;
      for (auto& [session, _] : sessions_) {
        auto idle = session->idle_since();
        if (idle >= 0 && idle < since) {
          since = idle;
          pick = session;
        }
      }
      if (pick == nullptr) return false;
      oldest = sessions_[pick].lock();
    }
    if (!oldest) continue;  // on its way out: look again
    if (oldest->Shed(since)) return true;
    // It started reading (or another thread shed it): look again.
  }
  return false;
}

void HttpServer::Impl::Unregister(Session* session) {
  std::lock_guard lock(sessions_mutex_);
  sessions_.erase(session);
  if (sessions_.empty()) sessions_cv_.notify_all();
}

bool HttpServer::Impl::OnIoThread() const {
  auto self = std::this_thread::get_id();
  return std::any_of(threads_.begin(), threads_.end(),
                     [&](std::thread const& t) { return t.get_id() == self; });
}

void HttpServer::Impl::Stop() {
  {
    std::lock_guard lock(state_mutex_);
    if (!stop_requested_) {
      stop_requested_ = true;
      stopping_.store(true, std::memory_order_release);
      net::post(acceptor_.get_executor(), [this] {
        beast::error_code ec;
        acceptor_.close(ec);
        accept_timer_.cancel();
      });
      std::vector<std::shared_ptr<Session>> live;
      {
        std::lock_guard sessions_lock(sessions_mutex_);
        for (auto& [_, weak] : sessions_) {
          if (auto session = weak.lock()) live.push_back(std::move(session));
        }
      }
      for (auto& session : live) session->RequestStop();
      state_cv_.notify_all();
    }
    // Called from a handler: the threads are joined by the destructor.
    if (OnIoThread()) return;
  }
  StopAndJoin();
}

void HttpServer::Impl::StopAndJoin() {
  std::unique_lock lock(state_mutex_);
  if (!stop_requested_) {
    lock.unlock();
    Stop();
    return;
  }
  if (joining_) {
    state_cv_.wait(lock, [&] { return stopped_; });
    return;
  }
  joining_ = true;
  lock.unlock();
  {
    // Idle connections are closing; requests in flight finish and close.
    std::unique_lock sessions_lock(sessions_mutex_);
    sessions_cv_.wait_for(sessions_lock, options_.stop_timeout,
                          [&] { return sessions_.empty(); });
  }
  lock.lock();
  work_.reset();
  auto threads = std::move(threads_);
  lock.unlock();
  ioc_.stop();
  for (auto& thread : threads) {
    if (thread.joinable()) thread.join();
  }
  {
    std::unique_lock gate_lock(gate_->mutex);
    gate_->open = false;
  }
  // Sessions abandoned while waiting for an answer hold themselves.
  std::vector<std::shared_ptr<Session>> held;
  {
    std::lock_guard sessions_lock(sessions_mutex_);
    for (auto& [_, weak] : sessions_) {
      if (auto session = weak.lock()) held.push_back(std::move(session));
    }
  }
  for (auto& session : held) session->ReleaseHold();
  held.clear();
  lock.lock();
  stopped_ = true;
  state_cv_.notify_all();
}

void HttpServer::Impl::Wait() {
  {
    std::unique_lock lock(state_mutex_);
    state_cv_.wait(lock, [&] { return stop_requested_; });
    if (OnIoThread()) return;
  }
  StopAndJoin();  // joins, or waits for the thread that joins
}

StatusOr<std::unique_ptr<HttpServer>> HttpServer::StartAsync(
    HttpServerOptions options, AsyncHttpHandler handler) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(handler));
  if (auto status = impl->Listen(); !status.ok()) return status;
  impl->Run();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    HttpServerOptions options, HttpHandler handler) {
  if (!handler) {
    return InvalidArgumentError("no handler", "SERVER_BAD_OPTIONS");
  }
  return StartAsync(
      std::move(options), [handler = std::move(handler)](
                              ServerRequest request, HttpResponder respond) {
        respond(handler(request));  // an exception is answered 500
      });
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { Stop(); }
std::uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Stop() { impl_->Stop(); }
void HttpServer::Wait() { impl_->Wait(); }

}  // namespace v1
}  // namespace sanbao
