#include <curl/curl.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "curl_common.h"
#include "sanbao/http/log.h"
#include "sanbao/transport/curl.h"

namespace sanbao {
inline namespace v1 {
namespace {

using std::chrono::milliseconds;
using namespace internal;

struct Exchange {
  HttpResponse response;
  std::size_t max_body = 0;
  bool too_large = false;
  CURL* curl = nullptr;
};

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' ||
                        s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

extern "C" std::size_t OnHeader(char* data, std::size_t size, std::size_t count,
                                void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  std::size_t const bytes = size * count;
  std::string_view line(data, bytes);
  if (line.starts_with("HTTP/")) {
    // A new response (after 100 Continue or a proxy's CONNECT answer): only
    // the last one's headers count.
    exchange->response.headers.clear();
    return bytes;
  }
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    // Obsolete line folding (RFC 9112 §5.2): part of the previous value.
    if (!exchange->response.headers.empty()) {
      auto& value = exchange->response.headers.back().value;
      value += ' ';
      value += TrimSpaces(line);
    }
    return bytes;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;  // the blank line
  exchange->response.headers.push_back(
      {std::string(TrimSpaces(line.substr(0, colon))),
       std::string(TrimSpaces(line.substr(colon + 1)))});
  return bytes;
}

extern "C" std::size_t OnBody(char* data, std::size_t size, std::size_t count,
                              void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  std::size_t const bytes = size * count;
  std::string& body = exchange->response.body;
  if (body.size() + bytes > exchange->max_body) {
    exchange->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  if (body.empty() && exchange->curl != nullptr) {
    // The whole body at once rather than by doubling, when its length is
    // announced (a hint only: a compressed body decodes to another size).
    curl_off_t length = -1;
    if (curl_easy_getinfo(exchange->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T,
                          &length) == CURLE_OK &&
        length > 0 && static_cast<std::size_t>(length) <= exchange->max_body) {
      body.reserve(static_cast<std::size_t>(length));
    }
  }
  body.append(data, bytes);
  return bytes;
}

// A libcurl multi handle driven through its socket interface
// (https://curl.se/libcurl/c/libcurl-multi.html, "multi_socket"): libcurl
// names the sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to call back
// (CURLMOPT_TIMERFUNCTION); one poll() waits for all of them, and
// curl_multi_socket_action() is told which socket is ready, so libcurl does
// not poll every transfer's socket again itself. The watched sockets belong
// to the handle and its connection cache, so they are kept with it between
// uses.
class Multi {
 public:
  static std::unique_ptr<Multi> Create(long max_connections) {
    std::unique_ptr<Multi> multi(new Multi(curl_multi_init()));
    if (multi->handle_ == nullptr) return nullptr;
    curl_multi_setopt(multi->handle_, CURLMOPT_MAXCONNECTS, max_connections);
    curl_multi_setopt(multi->handle_, CURLMOPT_SOCKETFUNCTION, &OnSocket);
    curl_multi_setopt(multi->handle_, CURLMOPT_SOCKETDATA, multi.get());
    curl_multi_setopt(multi->handle_, CURLMOPT_TIMERFUNCTION, &OnTimer);
    curl_multi_setopt(multi->handle_, CURLMOPT_TIMERDATA, multi.get());
    return multi;
  }
  ~Multi() { curl_multi_cleanup(handle_); }
  Multi(Multi const&) = delete;
  Multi& operator=(Multi const&) = delete;

  CURLM* get() const { return handle_; }

  // Runs libcurl's timeout when it is due, else waits (at most a second)
  // for a watched socket and hands the ready ones to libcurl.
  CURLMcode Step() {
    int running = 0;
    int wait_ms = 1000;
    if (deadline_) {
      auto left = std::chrono::ceil<milliseconds>(
          *deadline_ - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        deadline_.reset();
        return curl_multi_socket_action(handle_, CURL_SOCKET_TIMEOUT, 0,
                                        &running);
      }
      wait_ms = static_cast<int>(std::min<long>(left.count(), wait_ms));
    }
    int n = ::poll(watched_.data(), watched_.size(), wait_ms);
    if (n < 0) return errno == EINTR ? CURLM_OK : CURLM_UNRECOVERABLE_POLL;
    ready_.clear();
    for (auto const& p : watched_) {
      if (p.revents == 0) continue;
      int events = 0;
      if ((p.revents & (POLLIN | POLLHUP)) != 0) events |= CURL_CSELECT_IN;
      if ((p.revents & POLLOUT) != 0) events |= CURL_CSELECT_OUT;
      if ((p.revents & (POLLERR | POLLNVAL)) != 0) events |= CURL_CSELECT_ERR;
      ready_.push_back({p.fd, events});
    }
    // libcurl may change the watched set while it handles a socket.
    for (auto [fd, events] : ready_) {
      if (auto rc = curl_multi_socket_action(handle_, fd, events, &running);
          rc != CURLM_OK) {
        return rc;
      }
    }
    return CURLM_OK;
  }

 private:
  explicit Multi(CURLM* handle) : handle_(handle) {}

  static int OnSocket(CURL*, curl_socket_t socket, int what, void* user,
                      void*) {
    auto& watched = static_cast<Multi*>(user)->watched_;
    auto it = std::find_if(watched.begin(), watched.end(),
                           [&](pollfd const& p) { return p.fd == socket; });
    if (what == CURL_POLL_REMOVE) {
      if (it != watched.end()) watched.erase(it);
      return 0;
    }
    short events = 0;
    if ((what & CURL_POLL_IN) != 0) events |= POLLIN;
    if ((what & CURL_POLL_OUT) != 0) events |= POLLOUT;
    if (it == watched.end()) {
      watched.push_back({socket, events, 0});
    } else {
      it->events = events;
    }
    return 0;
  }

  static int OnTimer(CURLM*, long timeout_ms, void* user) {
    auto& deadline = static_cast<Multi*>(user)->deadline_;
    if (timeout_ms < 0) {
      deadline.reset();
    } else {
      deadline = std::chrono::steady_clock::now() + milliseconds(timeout_ms);
    }
    return 0;
  }

  CURLM* handle_;
  std::vector<pollfd> watched_;
  std::vector<std::pair<curl_socket_t, int>> ready_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
};
using MultiHandle = std::unique_ptr<Multi>;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(CurlOptions options)
      : options_(std::move(options)), init_(GlobalInit()) {
    if (options_.max_connections < 1) options_.max_connections = 1;
  }

  StatusOr<HttpResponse> Send(HttpRequest const& request) override {
    Transfer t;
    t.request = &request;
    t.started = std::chrono::steady_clock::now();
    Status ready = Setup(t, Acquire());
    StatusOr<HttpResponse> result =
        ready.ok() ? Finish(t, curl_easy_perform(t.handle.get()))
                   : StatusOr<HttpResponse>(std::move(ready));
    if (t.handle) Release(std::move(t.handle));
    if (options_.log) LogExchange(options_.log, request, result, t.started);
    return result;
  }

  // One multi handle drives every request of the call from this thread:
  // at most max_connections in flight (one connection each over HTTP/1.1,
  // streams of one connection over HTTP/2), a finished one's handle going
  // straight to the next request.
  std::vector<StatusOr<HttpResponse>> SendAll(
      std::span<HttpRequest const> requests) override {
    std::vector<StatusOr<HttpResponse>> results(requests.size());
    if (requests.size() <= 1) {
      for (std::size_t i = 0; i < requests.size(); ++i) {
        results[i] = Send(requests[i]);
      }
      return results;
    }
    MultiHandle multi = AcquireMulti();
    if (!multi) {
      for (std::size_t i = 0; i < requests.size(); ++i) {
        results[i] = TransportError(requests[i], CURLE_FAILED_INIT, false,
                                    "curl_multi_init failed");
      }
      return results;
    }
    auto window = static_cast<std::size_t>(options_.max_connections);
    std::vector<Transfer> transfers(requests.size());
    std::vector<EasyHandle> spare;
    std::size_t next = 0;
    std::size_t active = 0;
    auto done = [&](Transfer& t, StatusOr<HttpResponse> result) {
      if (options_.log) {
        LogExchange(options_.log, *t.request, result, t.started);
      }
      results[static_cast<std::size_t>(&t - transfers.data())] =
          std::move(result);
    };
    auto finish = [&](Transfer& t, CURLcode code) {
      curl_multi_remove_handle(multi->get(), t.handle.get());
      --active;
      done(t, Finish(t, code));
      spare.push_back(std::move(t.handle));
    };
    CURLMcode failure = CURLM_OK;
    for (;;) {
      while (next < requests.size() && active < window) {
        Transfer& t = transfers[next];
        t.request = &requests[next++];
        t.started = std::chrono::steady_clock::now();
        EasyHandle handle;
        if (!spare.empty()) {
          handle = std::move(spare.back());
          spare.pop_back();
        } else {
          handle = Acquire();
        }
        if (auto ready = Setup(t, std::move(handle)); !ready.ok()) {
          if (t.handle) spare.push_back(std::move(t.handle));
          done(t, std::move(ready));
          continue;
        }
        curl_easy_setopt(t.handle.get(), CURLOPT_PRIVATE, &t);
        if (curl_multi_add_handle(multi->get(), t.handle.get()) != CURLM_OK) {
          spare.push_back(std::move(t.handle));
          done(t, TransportError(*t.request, CURLE_FAILED_INIT, false,
                                 "curl_multi_add_handle failed"));
          continue;
        }
        ++active;
      }
      if (active == 0) break;
      failure = multi->Step();
      if (failure != CURLM_OK) break;
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi->get(), &queued)) {
        if (msg->msg != CURLMSG_DONE) continue;
        Transfer* t = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
        finish(*t, msg->data.result);
      }
    }
    if (failure != CURLM_OK) {
      // The multi handle broke: what was in flight may have been processed.
      for (std::size_t i = 0; i < next; ++i) {
        Transfer& t = transfers[i];
        if (!t.handle || !t.request) continue;
        curl_multi_remove_handle(multi->get(), t.handle.get());
        done(t, TransportError(*t.request, CURLE_RECV_ERROR, true,
                               curl_multi_strerror(failure)));
        spare.push_back(std::move(t.handle));
      }
      for (; next < requests.size(); ++next) {
        results[next] = TransportError(requests[next], CURLE_FAILED_INIT, false,
                                       curl_multi_strerror(failure));
      }
    } else {
      ReleaseMulti(std::move(multi));
    }
    for (auto& handle : spare) Release(std::move(handle));
    return results;
  }

 private:
  // One request on its way: what libcurl writes into and points at, so it
  // must stay in place while the transfer runs.
  struct Transfer {
    HttpRequest const* request = nullptr;
    EasyHandle handle{};
    Exchange exchange{};
    std::array<char, CURL_ERROR_SIZE> error_buffer{};
    std::unique_ptr<curl_slist, SlistDeleter> headers{};
    std::chrono::steady_clock::time_point started{};
  };

  // Checks `t.request` and sets `handle` (made by NewHandle, so configured
  // with everything that is the same for every request) up for it, owned by
  // `t` from here; an error means it was never sent. A handle is reused
  // without curl_easy_reset, so everything a request may change is set here
  // for every request, never only when it differs from the defaults.
  Status Setup(Transfer& t, EasyHandle handle) {
    HttpRequest const& request = *t.request;
    t.handle = std::move(handle);
    if (init_ != CURLE_OK) {
      return InternalError(std::string("libcurl initialisation failed: ") +
                               curl_easy_strerror(init_),
                           "HTTP_TRANSPORT_INIT",
                           {{"transport_code", CodeName(init_)}});
    }
    if (!HasHttpScheme(request.url)) {
      return TransportError(request, CURLE_UNSUPPORTED_PROTOCOL, false,
                            nullptr);
    }
    if (Status bad = CheckHeaders(request); !bad.ok()) return bad;
    if (!t.handle) {
      return TransportError(request, CURLE_FAILED_INIT, false, nullptr);
    }
    CURL* curl = t.handle.get();
    t.exchange.max_body = options_.max_response_bytes;
    t.exchange.curl = curl;
    t.headers.reset(BuildHeaders(request));

    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, t.error_buffer.data());
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    milliseconds timeout = request.timeout.count() > 0
                               ? request.timeout
                               : options_.request_timeout;
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, t.headers.get());
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t.exchange);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t.exchange);
    SetMethod(curl, request);
    return Status();
  }

  // A new easy handle with the options every request shares; null if
  // libcurl could not make one.
  EasyHandle NewHandle() const {
    EasyHandle handle(curl_easy_init());
    CURL* curl = handle.get();
    if (curl == nullptr) return handle;
    SetConnectionOptions(curl, options_, share_.get());
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl, CURLOPT_MAXCONNECTS, 1L);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
    return handle;
  }

  // The result of `t`'s transfer, which ended with `code`.
  StatusOr<HttpResponse> Finish(Transfer& t, CURLcode code) {
    HttpRequest const& request = *t.request;
    CURL* curl = t.handle.get();
    if (t.exchange.too_large) {
      return TooLargeError(request, code, options_.max_response_bytes);
    }
    if (code != CURLE_OK) {
      curl_off_t pretransfer = 0;
      curl_easy_getinfo(curl, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
      return TransportError(request, code, pretransfer > 0,
                            t.error_buffer.data());
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    t.exchange.response.status = static_cast<int>(status);
    return std::move(t.exchange.response);
  }

  // Sets every method option, whatever the handle's previous request set:
  // HTTPGET clears a previous POST, PUT or HEAD (libcurl's method, NOBODY
  // and UPLOAD), and CUSTOMREQUEST is set or cleared each time.
  static void SetMethod(CURL* curl, HttpRequest const& request) {
    std::string const& method = request.method;
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    if (method == "GET" && request.body.empty()) {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, nullptr);
      return;
    }
    if (method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, nullptr);
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
      return;
    }
    bool const sends_body = !request.body.empty() || method == "POST" ||
                            method == "PUT" || method == "PATCH";
    if (sends_body) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    }
    bool const custom = method != "POST" || !sends_body;
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST,
                     custom ? method.c_str() : nullptr);
  }

  static curl_slist* BuildHeaders(HttpRequest const& request) {
    curl_slist* list = nullptr;
    bool has_expect = false;
    bool has_content_type = false;
    std::string line;
    for (auto const& h : request.headers) {
      if (EqualsIgnoreAsciiCase(h.name, "Expect")) has_expect = true;
      if (EqualsIgnoreAsciiCase(h.name, "Content-Type"))
        has_content_type = true;
      // "Name;" is libcurl's spelling of a header with an empty value.
      line.assign(h.name);
      line += h.value.empty() ? std::string_view(";") : std::string_view(": ");
      line += h.value;
      list = curl_slist_append(list, line.c_str());
    }
    // No "Expect: 100-continue" round trip, and no form content type that
    // the caller did not ask for.
    if (!has_expect) list = curl_slist_append(list, "Expect:");
    if (!has_content_type) list = curl_slist_append(list, "Content-Type:");
    return list;
  }

  // A pooled handle, with its live connections and shared options (see
  // Setup), else a new one.
  EasyHandle Acquire() {
    if (EasyHandle handle = TakeIdle(idle_)) return handle;
    return NewHandle();
  }

  void Release(EasyHandle handle) {
    // Clear the pointers into the finished request and its Transfer.
    CURL* curl = handle.get();
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, nullptr);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, nullptr);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
    PutIdle(idle_, std::move(handle),
            static_cast<std::size_t>(options_.max_connections));
  }

  // A multi handle keeps its connections between SendAll calls.
  MultiHandle AcquireMulti() {
    if (MultiHandle multi = TakeIdle(idle_multi_)) return multi;
    return Multi::Create(static_cast<long>(options_.max_connections));
  }

  void ReleaseMulti(MultiHandle multi) {
    PutIdle(idle_multi_, std::move(multi), 4);
  }

  // The pools of idle handles, under mu_: the newest one, or null.
  template <typename Handle>
  Handle TakeIdle(std::vector<Handle>& pool) {
    std::lock_guard lock(mu_);
    if (pool.empty()) return nullptr;
    Handle handle = std::move(pool.back());
    pool.pop_back();
    return handle;
  }

  // Keeps `handle` for reuse unless `pool` already holds `limit`.
  template <typename Handle>
  void PutIdle(std::vector<Handle>& pool, Handle handle, std::size_t limit) {
    std::lock_guard lock(mu_);
    if (pool.size() < limit) pool.push_back(std::move(handle));
  }

  CurlOptions options_;
  CURLcode init_;
  Share share_;
  std::mutex mu_;
  std::vector<EasyHandle> idle_;
  std::vector<MultiHandle> idle_multi_;
};

}  // namespace

std::shared_ptr<HttpTransport> MakeCurlTransport(CurlOptions options) {
  return std::make_shared<CurlTransport>(std::move(options));
}

}  // namespace v1
}  // namespace sanbao
