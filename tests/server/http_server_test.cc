#include "sanbao/server/http_server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "raw_client.h"

namespace sanbao {
inline namespace v1 {
namespace {

using sanbao_test::RawConnection;

HttpResponse Echo(ServerRequest const& request) {
  HttpResponse response;
  response.status = 200;
  response.headers = {{"Content-Type", "text/plain"},
                      {"X-Method", request.method},
                      {"X-Target", request.target}};
  auto token = FindHeader(request.headers, "x-token");
  if (token) response.headers.push_back({"X-Token", std::string(*token)});
  response.body = request.body;
  return response;
}

std::unique_ptr<HttpServer> StartOrDie(HttpServerOptions options,
                                       HttpHandler handler) {
  auto server = HttpServer::Start(std::move(options), std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? std::move(server).value() : nullptr;
}

TEST(HttpServerTest, RoundTrip) {
  auto server = StartOrDie({}, Echo);
  ASSERT_NE(server, nullptr);
  ASSERT_NE(server->port(), 0);
  RawConnection conn(server->port());
  ASSERT_TRUE(conn.connected());
  ASSERT_TRUE(
      conn.Send("POST /hooks/a?x=1 HTTP/1.1\r\nHost: t\r\nX-Token: abc\r\n"
                "Content-Length: 5\r\n\r\nhello"));
  auto response = conn.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(RawConnection::HeaderValue(response->head, "x-method"), "POST");
  EXPECT_EQ(RawConnection::HeaderValue(response->head, "x-target"),
            "/hooks/a?x=1");
  EXPECT_EQ(RawConnection::HeaderValue(response->head, "x-token"), "abc");
}

TEST(HttpServerTest, ChunkedRequestBody) {
  auto server = StartOrDie({}, Echo);
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  ASSERT_TRUE(conn.Send(
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  auto response = conn.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "abcde");
}

TEST(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  std::atomic<int> calls{0};
  std::string first_remote;
  auto server = StartOrDie({}, [&](ServerRequest const& request) {
    ++calls;
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  for (int i = 0; i < 3; ++i) {
    std::string body = "n" + std::to_string(i);
    ASSERT_TRUE(conn.Send("POST /k HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body));
    auto response = conn.ReadResponse();
    ASSERT_TRUE(response.has_value()) << "request " << i;
    EXPECT_EQ(response->body, body);
    EXPECT_NE(RawConnection::HeaderValue(response->head, "connection"),
              "close");
  }
  EXPECT_EQ(calls.load(), 3);
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = StartOrDie({}, Echo);
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  ASSERT_TRUE(
      conn.Send("POST /1 HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\na"
                "POST /2 HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nb"));
  auto first = conn.ReadResponse();
  auto second = conn.ReadResponse();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body, "a");
  EXPECT_EQ(second->body, "b");
}

// However a request is split across reads (inside the head, between head
// and body, inside the body, a second request's head behind the first's
// body), it is the same request. The pauses only make separate reads
// likely; the answers must be the same either way.
TEST(HttpServerTest, ARequestArrivingInPiecesIsAssembled) {
  auto server = StartOrDie({}, Echo);
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  for (std::string_view piece :
       {"POST /pieces HTTP/1.1\r\nHost: t\r\nContent-Le", "ngth: 10\r\n",
        "\r\n", "01234", "56789POST /next HTTP/1.1\r\nHo",
        "st: t\r\nContent-Length: 3\r\n\r\nxyz"}) {
    ASSERT_TRUE(conn.Send(piece));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto first = conn.ReadResponse();
  auto second = conn.ReadResponse();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body, "0123456789");
  EXPECT_EQ(RawConnection::HeaderValue(first->head, "x-target"), "/pieces");
  EXPECT_EQ(second->body, "xyz");
  EXPECT_EQ(RawConnection::HeaderValue(second->head, "x-target"), "/next");
}

TEST(HttpServerTest, ExpectContinueGetsAnInterimAnswerBeforeTheBody) {
  auto server = StartOrDie({}, Echo);
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  ASSERT_TRUE(
      conn.Send("POST /e HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                "Content-Length: 4\r\n\r\n"));
  auto interim = conn.ReadResponse(/*interim=*/true);
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(conn.Send("body"));
  auto response = conn.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "body");
}

TEST(HttpServerTest, ConnectionCloseIsHonoured) {
  auto server = StartOrDie({}, Echo);
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  ASSERT_TRUE(
      conn.Send("GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  auto response = conn.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(RawConnection::HeaderValue(response->head, "connection"), "close");
  EXPECT_TRUE(conn.WaitClosed());
}

TEST(HttpServerTest, HandlerMayCloseTheConnection) {
  auto server = StartOrDie({}, [](ServerRequest const&) {
    return HttpResponse{.status = 204, .headers = {{"Connection", "close"}}};
  });
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  ASSERT_TRUE(conn.Send("GET /x HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto response = conn.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 204);
  EXPECT_TRUE(conn.WaitClosed());
}

TEST(HttpServerTest, OversizedBodyIs413AndNeverReachesTheHandler) {
  std::atomic<int> calls{0};
  HttpServerOptions options;
  options.max_body_bytes = 16;
  auto server = StartOrDie(options, [&](ServerRequest const& request) {
    ++calls;
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  {
    RawConnection conn(server->port());
    std::string body(100, 'x');
    ASSERT_TRUE(
        conn.Send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100"
                  "\r\n\r\n" +
                  body));
    auto response = conn.ReadResponse();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 413);
    EXPECT_TRUE(conn.WaitClosed());
  }
  {
    // Chunked: the limit is only discovered while the body arrives.
    RawConnection conn(server->port());
    ASSERT_TRUE(conn.Send(
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
        "10\r\n0123456789abcdef\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n"));
    auto response = conn.ReadResponse();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 413);
  }
  {
    // Exactly at the limit is fine.
    RawConnection conn(server->port());
    ASSERT_TRUE(
        conn.Send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 16"
                  "\r\n\r\n0123456789abcdef"));
    auto response = conn.ReadResponse();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
  }
  EXPECT_EQ(calls.load(), 1);
}

TEST(HttpServerTest, MalformedRequestIs400) {
  std::atomic<int> calls{0};
  auto server = StartOrDie({}, [&](ServerRequest const& request) {
    ++calls;
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  ASSERT_TRUE(conn.Send("NOT HTTP AT ALL\r\n\r\n"));
  auto response = conn.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(calls.load(), 0);
}

TEST(HttpServerTest, SlowClientIsCutOffAfterReadTimeout) {
  std::atomic<int> calls{0};
  HttpServerOptions options;
  options.read_timeout = std::chrono::milliseconds(200);
  auto server = StartOrDie(options, [&](ServerRequest const& request) {
    ++calls;
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  {
    // Headers, then a stall in the body.
    RawConnection conn(server->port());
    ASSERT_TRUE(conn.Send(
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab"));
    EXPECT_TRUE(conn.WaitClosed());
  }
  {
    // Half a header, then a stall.
    RawConnection conn(server->port());
    ASSERT_TRUE(conn.Send("POST / HTTP/1.1\r\nHost: t\r\n"));
    EXPECT_TRUE(conn.WaitClosed());
  }
  {
    // Connected, nothing sent.
    RawConnection conn(server->port());
    EXPECT_TRUE(conn.WaitClosed());
  }
  EXPECT_EQ(calls.load(), 0);
  // The server still serves others.
  RawConnection conn(server->port());
  ASSERT_TRUE(conn.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto response = conn.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
}

TEST(HttpServerTest, HandlerExceptionIs500AndServerKeepsServing) {
  auto server = StartOrDie({}, [](ServerRequest const& request) {
    if (request.target == "/throw") throw std::runtime_error("boom");
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  RawConnection conn(server->port());
  ASSERT_TRUE(conn.Send("GET /throw HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto response = conn.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 500);
  ASSERT_TRUE(conn.Send("GET /ok HTTP/1.1\r\nHost: t\r\n\r\n"));
  response = conn.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
}

TEST(HttpServerTest, BlockingHandlerDoesNotStallOtherConnections) {
  std::promise<void> entered;
  std::promise<void> release;
  auto released = release.get_future().share();
  HttpServerOptions options;
  options.threads = 2;
  auto server = StartOrDie(options, [&](ServerRequest const& request) {
    if (request.target == "/slow") {
      entered.set_value();
      released.wait();
    }
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  auto slow = std::async(std::launch::async, [&] {
    RawConnection conn(server->port());
    conn.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
    return conn.ReadResponse();
  });
  entered.get_future().wait();
  // The slow handler is still blocked: this answer cannot wait for it.
  RawConnection conn(server->port());
  ASSERT_TRUE(conn.Send("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto fast = conn.ReadResponse();
  ASSERT_TRUE(fast.has_value());
  EXPECT_EQ(fast->status, 200);
  release.set_value();
  auto slow_response = slow.get();
  ASSERT_TRUE(slow_response.has_value());
  EXPECT_EQ(slow_response->status, 200);
}

TEST(HttpServerTest, GracefulStopCompletesTheRequestInFlight) {
  std::promise<void> entered;
  std::promise<void> release;
  auto released = release.get_future().share();
  auto server = StartOrDie({}, [&](ServerRequest const& request) {
    entered.set_value();
    released.wait();
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  auto port = server->port();
  // An idle keep-alive connection: Stop closes it.
  RawConnection idle(port);
  ASSERT_TRUE(idle.connected());

  RawConnection conn(port);
  ASSERT_TRUE(conn.Send(
      "POST /inflight HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok"));
  entered.get_future().wait();
  auto stopper = std::async(std::launch::async, [&] { server->Stop(); });
  release.set_value();
  auto response = conn.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "ok");
  stopper.get();
  EXPECT_TRUE(conn.WaitClosed());
  EXPECT_TRUE(idle.WaitClosed());
  // No longer accepting.
  RawConnection after(port);
  EXPECT_FALSE(after.connected() &&
               after.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n") &&
               after.ReadResponse().has_value());
  server->Stop();  // idempotent
}

TEST(HttpServerTest, WaitReturnsAfterStopFromAnotherThread) {
  auto server = StartOrDie({}, Echo);
  ASSERT_NE(server, nullptr);
  std::thread stopper([&] { server->Stop(); });
  server->Wait();
  stopper.join();
}

// Collects responders until `n` have arrived.
class PendingAnswers {
 public:
  void Add(ServerRequest request, HttpResponder respond) {
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(request));
    responders_.push_back(std::move(respond));
    cv_.notify_all();
  }
  std::vector<HttpResponder> WaitFor(std::size_t n) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return responders_.size() >= n; });
    return std::exchange(responders_, {});
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<ServerRequest> requests_;
  std::vector<HttpResponder> responders_;
};

TEST(HttpServerTest, AsyncAnswersHoldNoThread) {
  PendingAnswers pending;
  auto server = HttpServer::StartAsync(
      {}, [&](ServerRequest request, HttpResponder respond) {
        pending.Add(std::move(request), std::move(respond));
      });
  ASSERT_TRUE(server.ok()) << server.status();
  // One io thread, four requests waiting at once: none of them holds it.
  std::vector<std::unique_ptr<RawConnection>> conns;
  for (int i = 0; i < 4; ++i) {
    conns.push_back(std::make_unique<RawConnection>((*server)->port()));
    ASSERT_TRUE(conns.back()->Send("GET /" + std::to_string(i) +
                                   " HTTP/1.1\r\nHost: t\r\n\r\n"));
  }
  auto responders = pending.WaitFor(4);
  std::thread answerer([&] {
    for (std::size_t i = 0; i < responders.size(); ++i) {
      responders[i](HttpResponse{.status = 200, .body = std::to_string(i)});
      responders[i](HttpResponse{.status = 500});  // ignored
    }
  });
  answerer.join();
  for (std::size_t i = 0; i < conns.size(); ++i) {
    auto response = conns[i]->ReadResponse();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, std::to_string(i));
  }
  // Keep-alive still works after an asynchronous answer.
  ASSERT_TRUE(conns[0]->Send("GET /again HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto again = pending.WaitFor(1);
  again[0](HttpResponse{.status = 201});
  auto response = conns[0]->ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 201);
}

TEST(HttpServerTest, DroppedResponderClosesTheConnection) {
  auto server = HttpServer::StartAsync(
      {}, [](ServerRequest, HttpResponder) { /* never answers */ });
  ASSERT_TRUE(server.ok());
  RawConnection conn((*server)->port());
  ASSERT_TRUE(conn.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_TRUE(conn.WaitClosed());
}

TEST(HttpServerTest, StopWaitsForAPendingAsyncAnswer) {
  PendingAnswers pending;
  auto server = HttpServer::StartAsync(
      {}, [&](ServerRequest request, HttpResponder respond) {
        pending.Add(std::move(request), std::move(respond));
      });
  ASSERT_TRUE(server.ok());
  RawConnection conn((*server)->port());
  ASSERT_TRUE(conn.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto responders = pending.WaitFor(1);
  auto stopper = std::async(std::launch::async, [&] { (*server)->Stop(); });
  responders[0](HttpResponse{.status = 202});
  auto response = conn.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 202);
  stopper.get();
}

TEST(HttpServerTest, AnsweringAfterTheServerIsGoneIsHarmless) {
  PendingAnswers pending;
  HttpServerOptions options;
  options.stop_timeout = std::chrono::milliseconds(50);
  auto server = HttpServer::StartAsync(
      options, [&](ServerRequest request, HttpResponder respond) {
        pending.Add(std::move(request), std::move(respond));
      });
  ASSERT_TRUE(server.ok());
  RawConnection conn((*server)->port());
  ASSERT_TRUE(conn.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto responders = pending.WaitFor(1);
  server->reset();  // gives up on the pending answer after stop_timeout
  responders[0](HttpResponse{.status = 200});
  EXPECT_TRUE(conn.WaitClosed());
}

TEST(HttpServerTest, StartOnATakenPortFails) {
  auto first = StartOrDie({}, Echo);
  ASSERT_NE(first, nullptr);
  HttpServerOptions options;
  options.port = first->port();
  auto second = HttpServer::Start(options, Echo);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().reason(), "SERVER_BIND_FAILED");
  EXPECT_EQ(second.status().code(), ErrorCode::kUnavailable);
}

TEST(HttpServerTest, BadOptionsAreRefused) {
  HttpServerOptions options;
  options.address = "not-an-address";
  auto bad_address = HttpServer::Start(options, Echo);
  ASSERT_FALSE(bad_address.ok());
  EXPECT_EQ(bad_address.status().reason(), "SERVER_BAD_ADDRESS");
  HttpServerOptions zero_threads;
  zero_threads.threads = 0;
  auto bad_threads = HttpServer::Start(zero_threads, Echo);
  ASSERT_FALSE(bad_threads.ok());
  EXPECT_EQ(bad_threads.status().reason(), "SERVER_BAD_OPTIONS");
}

// ---- out of file descriptors ----------------------------------------------

// fd_limit_server (tests/server/fd_limit_server.cc) as a child process, its
// stdin and stdout on pipes.
class FdLimitServer {
 public:
  FdLimitServer(int fds, std::size_t max_connections) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(in[0], STDIN_FILENO);
      ::dup2(out[1], STDOUT_FILENO);
      std::string fd_arg = std::to_string(fds);
      std::string max_arg = std::to_string(max_connections);
      char const* argv[] = {SANBAO_FD_LIMIT_SERVER, fd_arg.c_str(),
                            max_arg.c_str(), nullptr};
      ::execv(argv[0], const_cast<char* const*>(argv));
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    to_child_ = in[1];
    from_child_ = ::fdopen(out[0], "r");
  }
  ~FdLimitServer() { Finish(); }

  // The next line the child prints, as a number (0 at its end).
  long long ReadNumber() {
    char line[64];
    if (from_child_ == nullptr ||
        std::fgets(line, sizeof line, from_child_) == nullptr) {
      return 0;
    }
    return std::atoll(line);
  }
  std::uint16_t Port() { return static_cast<std::uint16_t>(ReadNumber()); }
  // The CPU time the child has used so far, in microseconds.
  long long CpuMicros() {
    if (::write(to_child_, "cpu\n", 4) != 4) return -1;
    return ReadNumber();
  }
  // Closes its stdin (it stops) and returns its exit status.
  int Finish() {
    if (pid_ <= 0) return -1;
    if (to_child_ >= 0) ::close(to_child_);
    to_child_ = -1;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (from_child_ != nullptr) std::fclose(from_child_);
    from_child_ = nullptr;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int to_child_ = -1;
  FILE* from_child_ = nullptr;
};

// A valid request, on a new connection: 200, or nullopt. Up to three tries,
// as any client: a connection accepted while none was idle to make room is
// closed unanswered.
std::optional<int> ValidRequest(std::uint16_t port) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    RawConnection conn(port);
    if (!conn.Send("POST /hooks HTTP/1.1\r\nHost: t\r\nContent-Length: 2"
                   "\r\n\r\nok")) {
      continue;
    }
    if (auto response = conn.ReadResponse()) return response->status;
  }
  return std::nullopt;
}

// With 64 descriptors and 150 idle connections (a minute's read timeout, so
// none is closed by time), the server used to spin in accept() failing with
// EMFILE, a core's worth of CPU, and a valid request waited in the backlog
// until idle connections timed out. Now the server closes the connections
// idle longest: with max_connections derived from the limit (48) before it
// runs out, and with no cap (100000) when accept() fails, after a pause.
//
// The CPU bound is a correctness bound on spinning, not a performance
// figure, and deliberately loose: over the 2 s window the fixed server used
// 0.1 to 0.3 ms, the spinning one 1.1 to 1.3 s (on a loaded 2-core machine;
// a whole core when it has one). 0.4 s lies far from both; load on the
// machine can only lower what the child gets, never raise it.
TEST(HttpServerFdLimitTest,
     OutOfDescriptorsItShedsIdleConnectionsAndDoesNotSpin) {
#if defined(__SANITIZE_ADDRESS__)
  // The sanitizer runtime checks that memory is readable by writing it to a
  // pipe(2); in a process with no descriptor left, which is what this test
  // makes of the server, that probe fails and UBSan's vptr check reports a
  // false "invalid vptr" ("memory cannot be printed") in Boost.Beast's
  // parser. The test runs in the ci preset (ctest --preset ci).
  GTEST_SKIP() << "needs descriptors the sanitizer runtime would lack";
#endif
  for (std::size_t max_connections : {std::size_t{0}, std::size_t{100000}}) {
    SCOPED_TRACE("max_connections " + std::to_string(max_connections));
    FdLimitServer child(64, max_connections);
    auto port = child.Port();
    ASSERT_NE(port, 0);
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 150; ++i) {
      idle.push_back(std::make_unique<RawConnection>(port));
      ASSERT_TRUE(idle.back()->connected()) << i;
    }
    EXPECT_EQ(ValidRequest(port), 200);
    auto before = child.CpuMicros();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    auto after = child.CpuMicros();
    ASSERT_GE(before, 0);
    EXPECT_LT(after - before, 400'000) << "the server spins";
    // Still serving.
    EXPECT_EQ(ValidRequest(port), 200);
    idle.clear();
    int status = child.Finish();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
}

}  // namespace
}  // namespace v1
}  // namespace sanbao
