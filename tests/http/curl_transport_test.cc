#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "sanbao/http/retry.h"
#include "sanbao/transport/curl.h"
#include "test_server.h"

namespace sanbao {
inline namespace v1 {
namespace {

using ::sanbao_test::HttpResponseText;
using ::sanbao_test::ReceivedRequest;
using ::sanbao_test::Reply;
using ::sanbao_test::TestServer;
using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::Not;

// The test servers live on 127.0.0.1; a proxy configured in the environment
// of the machine running the tests must not intercept them.
class NoProxyEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    for (char const* name : {"http_proxy", "HTTP_PROXY", "https_proxy",
                             "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
      ::unsetenv(name);
    }
    ::setenv("no_proxy", "127.0.0.1,localhost", 1);
  }
};
::testing::Environment* const kNoProxy =
    ::testing::AddGlobalTestEnvironment(new NoProxyEnvironment);

Reply Ok(std::string body,
         std::vector<std::pair<std::string, std::string>> headers = {}) {
  return Reply{Reply::Kind::kRespond,
               HttpResponseText(200, body, std::move(headers))};
}

int UnusedPort() {
  // Bound but never listening: connections to it are refused.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Every test runs on both transports: libcurl's own HTTP
// (MakeCurlTransport) and HTTP/1.1 over libcurl connections
// (MakeCurlHttp1Transport).
enum class Kind { kLibcurl, kHttp1 };

class CurlTransportTest : public ::testing::TestWithParam<Kind> {
 protected:
  static std::shared_ptr<HttpTransport> Make(CurlOptions options = {}) {
    return GetParam() == Kind::kLibcurl
               ? MakeCurlTransport(std::move(options))
               : MakeCurlHttp1Transport(std::move(options));
  }
};

INSTANTIATE_TEST_SUITE_P(Transports, CurlTransportTest,
                         ::testing::Values(Kind::kLibcurl, Kind::kHttp1),
                         [](::testing::TestParamInfo<Kind> const& info) {
                           return info.param == Kind::kLibcurl ? "Libcurl"
                                                               : "Http1";
                         });

TEST_P(CurlTransportTest, RoundTripsStatusHeadersAndBody) {
  TestServer server([](ReceivedRequest const& r) {
    return Reply{
        Reply::Kind::kRespond,
        HttpResponseText(201, "got:" + r.body,
                         {{"X-Method", r.method},
                          {"X-Target", r.target},
                          {"X-Custom", r.Header("X-Custom").value_or("(none)")},
                          {"Content-Type", "application/json"}})};
  });
  auto transport = Make();
  HttpRequest request;
  request.method = "POST";
  request.url = server.Url("/v1/refunds?x=1");
  request.body = R"({"amount":"1.00"})";
  SetHeader(request.headers, "X-Custom", "hello");
  auto result = transport->Send(request);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status, 201);
  EXPECT_EQ(result->body, R"(got:{"amount":"1.00"})");
  EXPECT_EQ(FindHeader(result->headers, "x-method"), "POST");
  EXPECT_EQ(FindHeader(result->headers, "X-Target"), "/v1/refunds?x=1");
  EXPECT_EQ(FindHeader(result->headers, "X-Custom"), "hello");
  EXPECT_EQ(FindHeader(result->headers, "Content-Type"), "application/json");

  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].Header("User-Agent"), "sanbao/" + std::string(kVersion));
  // No 100-continue round trip and no content type nobody asked for.
  EXPECT_EQ(seen[0].Header("Expect"), std::nullopt);
  EXPECT_EQ(seen[0].Header("Content-Type"), std::nullopt);
  if (GetParam() == Kind::kLibcurl) {
    // Compressed responses are accepted (and decoded by libcurl).
    ASSERT_TRUE(seen[0].Header("Accept-Encoding").has_value());
    EXPECT_THAT(*seen[0].Header("Accept-Encoding"), HasSubstr("gzip"));
  } else {
    // Bodies come as the server sends them: nothing else is asked for.
    EXPECT_EQ(seen[0].Header("Accept-Encoding"), std::nullopt);
  }
}

TEST_P(CurlTransportTest, MethodsAndEmptyBodies) {
  TestServer server([](ReceivedRequest const& r) {
    return Ok(r.method + " " + r.Header("Content-Length").value_or("-"));
  });
  auto transport = Make();
  for (std::string method : {"GET", "DELETE", "PUT", "PATCH", "POST"}) {
    HttpRequest request;
    request.method = method;
    request.url = server.Url("/x");
    auto result = transport->Send(request);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_THAT(result->body, HasSubstr(method)) << method;
  }
  HttpRequest head;
  head.method = "HEAD";
  head.url = server.Url("/x");
  auto result = transport->Send(head);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "");
}

TEST_P(CurlTransportTest, ReusesTheConnection) {
  TestServer server([](ReceivedRequest const&) { return Ok("ok"); });
  auto transport = Make();
  for (int i = 0; i < 5; ++i) {
    HttpRequest request;
    request.url = server.Url("/n/" + std::to_string(i));
    auto result = transport->Send(request);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->body, "ok");
  }
  EXPECT_EQ(server.requests().size(), 5u);
  EXPECT_EQ(server.accepted(), 1);
}

// What the server saw of one request: method, Content-Length, X-Custom and
// body; in a header too, for HEAD.
Reply Echo(ReceivedRequest const& r) {
  std::string echo = r.method + "|" + r.Header("Content-Length").value_or("-") +
                     "|" + r.Header("X-Custom").value_or("-") + "|" + r.body;
  return Reply{Reply::Kind::kRespond,
               HttpResponseText(200, r.method == "HEAD" ? "" : echo,
                                {{"X-Echo", echo}})};
}

// Requests of every kind, in an order where each one would inherit the
// previous one's method, body or headers if a reused handle kept them.
std::vector<HttpRequest> MixedRequests(TestServer const& server) {
  auto make = [&](std::string method, std::string body, bool custom) {
    HttpRequest r;
    r.method = std::move(method);
    r.url = server.Url("/m");
    r.body = std::move(body);
    if (custom) SetHeader(r.headers, "X-Custom", "set");
    return r;
  };
  return {make("POST", "posted", true), make("GET", "", false),
          make("HEAD", "", true),       make("GET", "", false),
          make("DELETE", "", false),    make("GET", "", false),
          make("PUT", "put", true),     make("DELETE", "", false),
          make("POST", "", false),      make("GET", "", false)};
}

std::vector<std::string> const kMixedEchoes = {
    "POST|6|set|posted", "GET|-|-|", "HEAD|-|set|",   "GET|-|-|",
    "DELETE|-|-|",       "GET|-|-|", "PUT|3|set|put", "DELETE|-|-|",
    "POST|0|-|",         "GET|-|-|"};

TEST_P(CurlTransportTest, AReusedHandleCarriesNothingOver) {
  TestServer server(Echo);
  CurlOptions options;
  options.max_connections = 1;  // one handle, reused by every Send
  auto transport = Make(options);
  auto requests = MixedRequests(server);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    auto result = transport->Send(requests[i]);
    ASSERT_TRUE(result.ok()) << i << ": " << result.status();
    EXPECT_EQ(FindHeader(result->headers, "X-Echo"), kMixedEchoes[i]) << i;
    EXPECT_EQ(result->body, i == 2 ? "" : kMixedEchoes[i]) << i;
  }
  EXPECT_EQ(server.accepted(), 1);
}

TEST_P(CurlTransportTest, AHandleReusedWithinSendAllCarriesNothingOver) {
  TestServer server(Echo);
  CurlOptions options;
  options.max_connections = 1;  // one handle, passed from each to the next
  auto transport = Make(options);
  auto requests = MixedRequests(server);
  for (int round = 0; round < 2; ++round) {
    auto results = transport->SendAll(requests);
    ASSERT_EQ(results.size(), requests.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
      ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].status();
      EXPECT_EQ(FindHeader(results[i]->headers, "X-Echo"), kMixedEchoes[i])
          << round << "/" << i;
    }
  }
  EXPECT_EQ(server.accepted(), 1);
}

TEST_P(CurlTransportTest, ConcurrentRequests) {
  TestServer server([](ReceivedRequest const& r) { return Ok(r.target); });
  CurlOptions options;
  options.max_connections = 4;
  auto transport = Make(options);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        HttpRequest request;
        std::string path = "/t" + std::to_string(t) + "/" + std::to_string(i);
        request.url = server.Url(path);
        auto result = transport->Send(request);
        if (result.ok() && result->body == path) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 60);
  // Connections are pooled, not one per request.
  EXPECT_LE(server.accepted(), 6 + 4);
}

TEST_P(CurlTransportTest, SendAllAnswersInOrderOverAFewConnections) {
  TestServer server([](ReceivedRequest const& r) { return Ok(r.target); });
  CurlOptions options;
  options.max_connections = 3;
  auto transport = Make(options);
  std::vector<HttpRequest> requests(40);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    requests[i].url = server.Url("/r/" + std::to_string(i));
  }
  requests[7].url = "ftp://127.0.0.1/x";  // refused before it is sent
  auto results = transport->SendAll(requests);
  ASSERT_EQ(results.size(), requests.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (i == 7) {
      EXPECT_EQ(results[i].status().reason(), "HTTP_BAD_URL");
      continue;
    }
    ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].status();
    EXPECT_EQ(results[i]->status, 200);
    EXPECT_EQ(results[i]->body, "/r/" + std::to_string(i));
  }
  EXPECT_EQ(server.requests().size(), 39u);
  EXPECT_LE(server.accepted(), 3);
  // The next call reuses the connections the first one left open.
  auto again = transport->SendAll(std::span(requests).subspan(10, 10));
  for (auto const& r : again) EXPECT_TRUE(r.ok()) << r.status();
  EXPECT_LE(server.accepted(), 3);
}

TEST_P(CurlTransportTest, SendAllReportsEachFailureOnItsOwn) {
  TestServer server([](ReceivedRequest const& r) {
    if (r.target == "/cut") {
      return Reply{Reply::Kind::kSendAndClose,
                   "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"};
    }
    return Ok(r.target);
  });
  auto transport = Make();
  std::vector<HttpRequest> requests(4);
  requests[0].url = server.Url("/a");
  requests[1].url = server.Url("/cut");
  requests[2].url = "http://127.0.0.1:" + std::to_string(UnusedPort()) + "/";
  requests[3].url = server.Url("/b");
  auto results = transport->SendAll(requests);
  ASSERT_EQ(results.size(), 4u);
  ASSERT_TRUE(results[0].ok()) << results[0].status();
  EXPECT_EQ(results[0]->body, "/a");
  EXPECT_EQ(results[1].status().reason(), "HTTP_CONNECTION_LOST");
  EXPECT_EQ(results[2].status().reason(), "HTTP_NOT_SENT");
  ASSERT_TRUE(results[3].ok()) << results[3].status();
  EXPECT_EQ(results[3]->body, "/b");
}

TEST_P(CurlTransportTest, TimeoutIsHttpTimeout) {
  TestServer server([](ReceivedRequest const&) {
    return Reply{Reply::Kind::kHang, {}};
  });
  auto transport = Make();
  HttpRequest request;
  request.url = server.Url("/slow");
  request.timeout = milliseconds(300);
  auto result = transport->Send(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().reason(), "HTTP_TIMEOUT");
  EXPECT_EQ(result.status().code(), ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(result.status().error_info().metadata.at("transport_code"),
            "CURLE_OPERATION_TIMEDOUT");
  EXPECT_EQ(result.status().error_info().metadata.at("method"), "GET");
}

TEST_P(CurlTransportTest, ConnectionRefusedIsNotSent) {
  auto transport = Make();
  HttpRequest request;
  request.method = "POST";
  request.url =
      "http://127.0.0.1:" + std::to_string(UnusedPort()) + "/x?token=1";
  auto result = transport->Send(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().reason(), "HTTP_NOT_SENT");
  EXPECT_EQ(result.status().code(), ErrorCode::kUnavailable);
  auto const& metadata = result.status().error_info().metadata;
  EXPECT_EQ(metadata.at("transport_code"), "CURLE_COULDNT_CONNECT");
  EXPECT_EQ(metadata.at("url").find('?'), std::string::npos);
}

TEST_P(CurlTransportTest, ServerClosingMidResponseIsConnectionLost) {
  TestServer server([](ReceivedRequest const& r) {
    if (r.target == "/cut") {
      // Promises 100 bytes, sends 7.
      return Reply{Reply::Kind::kSendAndClose,
                   "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"};
    }
    return Reply{Reply::Kind::kSendAndClose, ""};  // nothing at all
  });
  auto transport = Make();
  HttpRequest cut;
  cut.url = server.Url("/cut");
  auto result = transport->Send(cut);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().reason(), "HTTP_CONNECTION_LOST");
  EXPECT_EQ(result.status().error_info().metadata.at("transport_code"),
            "CURLE_PARTIAL_FILE");

  HttpRequest nothing;
  nothing.url = server.Url("/nothing");
  auto empty = Make()->Send(nothing);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().reason(), "HTTP_CONNECTION_LOST");
  EXPECT_EQ(empty.status().error_info().metadata.at("transport_code"),
            "CURLE_GOT_NOTHING");
}

TEST_P(CurlTransportTest, BadUrls) {
  auto transport = Make();
  for (std::string url :
       {"", "ftp://127.0.0.1/x", "file:///etc/passwd", "http://[::1"}) {
    HttpRequest request;
    request.url = url;
    auto result = transport->Send(request);
    ASSERT_FALSE(result.ok()) << url;
    EXPECT_EQ(result.status().reason(), "HTTP_BAD_URL") << url;
    EXPECT_EQ(result.status().code(), ErrorCode::kInvalidArgument) << url;
  }
}

TEST(Http1TransportTest, CredentialsInTheUrlAreRefused) {
  TestServer server([](ReceivedRequest const&) { return Ok("ok"); });
  std::string url = server.Url("/x");
  url.insert(url.find("//") + 2, "seller:secret@");
  auto result = MakeCurlHttp1Transport()->Send(HttpRequest{"GET", url});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().reason(), "HTTP_BAD_URL");
  EXPECT_THAT(result.status().message(), Not(HasSubstr("secret")));
  EXPECT_TRUE(server.requests().empty());
}

TEST_P(CurlTransportTest, HeaderInjectionIsRefused) {
  TestServer server([](ReceivedRequest const&) { return Ok("ok"); });
  auto transport = Make();
  for (HttpHeader header : {HttpHeader{"X-Note", "a\r\nX-Injected: 1"},
                            HttpHeader{"X-Note", "a\nb"},
                            HttpHeader{"Bad Name", "v"}, HttpHeader{"", "v"}}) {
    HttpRequest request;
    request.url = server.Url("/");
    request.headers.push_back(header);
    auto result = transport->Send(request);
    ASSERT_FALSE(result.ok()) << header.name;
    EXPECT_EQ(result.status().reason(), "HTTP_BAD_HEADER");
    EXPECT_EQ(result.status().code(), ErrorCode::kInvalidArgument);
  }
  HttpRequest bad_method{"GET /x HTTP/1.1\r\n", server.Url("/")};
  auto result = transport->Send(bad_method);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().reason(), "HTTP_BAD_REQUEST");
  EXPECT_TRUE(server.requests().empty());
  // An empty value is allowed and sent as such.
  HttpRequest empty_value;
  empty_value.url = server.Url("/");
  empty_value.headers.push_back({"X-Empty", ""});
  ASSERT_TRUE(transport->Send(empty_value).ok());
  EXPECT_EQ(server.requests().back().Header("X-Empty"), "");
}

TEST_P(CurlTransportTest, ResponseBodyLimit) {
  TestServer server([](ReceivedRequest const& r) {
    return Ok(std::string(r.target.size() * 100, 'x'));
  });
  CurlOptions options;
  options.max_response_bytes = 1000;
  auto transport = Make(options);
  auto small = transport->Send(HttpRequest{"GET", server.Url("/123456789")});
  ASSERT_TRUE(small.ok()) << small.status();
  EXPECT_EQ(small->body.size(), 1000u);
  auto large = transport->Send(HttpRequest{"GET", server.Url("/1234567890")});
  ASSERT_FALSE(large.ok());
  EXPECT_EQ(large.status().reason(), "HTTP_RESPONSE_TOO_LARGE");
  EXPECT_EQ(large.status().code(), ErrorCode::kResourceExhausted);
  // The transport is still usable afterwards.
  EXPECT_TRUE(transport->Send(HttpRequest{"GET", server.Url("/1")}).ok());
}

TEST_P(CurlTransportTest, RedirectsAreReturnedNotFollowed) {
  TestServer server([](ReceivedRequest const&) {
    return Reply{Reply::Kind::kRespond,
                 HttpResponseText(302, "", {{"Location", "/elsewhere"}})};
  });
  auto result = Make()->Send(HttpRequest{"GET", server.Url("/")});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status, 302);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_P(CurlTransportTest, ProxyFromTheEnvironment) {
  // libcurl reads http_proxy itself (the HTTP/1.1 transport hands proxied
  // requests to libcurl); the "proxy" here is the test server,
  // which then sees the absolute-form request target (RFC 9112 §3.2.2).
  TestServer proxy([](ReceivedRequest const& r) { return Ok(r.target); });
  ::setenv("http_proxy", proxy.Url("").c_str(), 1);
  auto result =
      Make()->Send(HttpRequest{"GET", "http://returns.example.invalid/v1/x"});
  ::unsetenv("http_proxy");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->body, "http://returns.example.invalid/v1/x");
}

TEST_P(CurlTransportTest, LogsOneRedactedLinePerExchange) {
  TestServer server([](ReceivedRequest const&) { return Ok("{}"); });
  std::vector<std::string> lines;
  CurlOptions options;
  options.log = [&](std::string_view line) { lines.emplace_back(line); };
  auto transport = Make(options);
  HttpRequest request;
  request.url = server.Url("/items?access_token=TopSecret999&limit=5");
  SetHeader(request.headers, "Authorization", "IAF TopSecret999");
  ASSERT_TRUE(transport->Send(request).ok());
  HttpRequest refused;
  refused.url = "http://127.0.0.1:" + std::to_string(UnusedPort()) +
                "/?refresh_token=TopSecret999";
  ASSERT_FALSE(transport->Send(refused).ok());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("method=GET"));
  EXPECT_THAT(lines[0], HasSubstr("/items?access_token=***&limit=5"));
  EXPECT_THAT(lines[0], HasSubstr("status=200"));
  EXPECT_THAT(lines[0], HasSubstr("duration_ms="));
  EXPECT_THAT(lines[1], HasSubstr("error=HTTP_NOT_SENT"));
  EXPECT_THAT(lines[1], HasSubstr("CURLE_COULDNT_CONNECT"));
  for (auto const& line : lines) {
    EXPECT_THAT(line, Not(HasSubstr("TopSecret999")));
  }
}

// The whole stack: curl under the retrying transport recovers from a 503
// with Retry-After (the environment's sleep is a no-op recorder).
TEST_P(CurlTransportTest, UnderTheRetryingTransport) {
  std::atomic<int> calls{0};
  TestServer server([&](ReceivedRequest const&) {
    if (++calls == 1) {
      return Reply{Reply::Kind::kRespond,
                   HttpResponseText(503, "", {{"Retry-After", "1"}})};
    }
    return Ok("fine");
  });
  std::vector<milliseconds> sleeps;
  RetryEnvironment env = DefaultRetryEnvironment();
  env.sleep = [&](milliseconds d) { sleeps.push_back(d); };
  auto transport = MakeRetryingTransport(Make(), RetryPolicy{}, env);
  auto result = transport->Send(HttpRequest{"GET", server.Url("/r")});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->body, "fine");
  EXPECT_EQ(FindHeader(result->headers, kAttemptsHeader), "2");
  EXPECT_EQ(sleeps, std::vector<milliseconds>{milliseconds(1000)});
  EXPECT_EQ(server.accepted(), 1);
}

// Response framings the transports must read alike: an interim 1xx answer
// before the final one, a chunked body, and a body that ends with the
// connection (RFC 9112 §6.3).
TEST_P(CurlTransportTest, ReadsInterimChunkedAndCloseDelimitedResponses) {
  TestServer server([](ReceivedRequest const& r) {
    if (r.target == "/interim") {
      return Reply{Reply::Kind::kRespond,
                   "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n" +
                       HttpResponseText(200, "final", {{"X-Final", "yes"}})};
    }
    if (r.target == "/chunked") {
      return Reply{Reply::Kind::kRespond,
                   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"};
    }
    return Reply{Reply::Kind::kSendAndClose,
                 "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close"};
  });
  auto transport = Make();
  auto interim = transport->Send(HttpRequest{"GET", server.Url("/interim")});
  ASSERT_TRUE(interim.ok()) << interim.status();
  EXPECT_EQ(interim->status, 200);
  EXPECT_EQ(interim->body, "final");
  EXPECT_EQ(FindHeader(interim->headers, "X-Final"), "yes");
  EXPECT_EQ(FindHeader(interim->headers, "Link"), std::nullopt);
  auto chunked = transport->Send(HttpRequest{"GET", server.Url("/chunked")});
  ASSERT_TRUE(chunked.ok()) << chunked.status();
  EXPECT_EQ(chunked->body, "hello, world");
  auto closed = transport->Send(HttpRequest{"GET", server.Url("/close")});
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->body, "until close");
  // The first two shared a connection; the third's ended with it.
  EXPECT_EQ(server.accepted(), 1);
}

// --- HTTP/1.1 transport: kept-alive connections the server closed ---------

// Answers the first request as if keeping the connection, then closes it.
TestServer::Handler ClosesAfterTheFirstAnswer() {
  auto count = std::make_shared<std::atomic<int>>(0);
  return [count](ReceivedRequest const& r) {
    std::string text = HttpResponseText(200, r.method + " " + r.target);
    if (++*count == 1) return Reply{Reply::Kind::kSendAndClose, text};
    return Reply{Reply::Kind::kRespond, text};
  };
}

TEST(Http1TransportTest, AGetOnAConnectionTheServerClosedGoesOnANewOne) {
  TestServer server(ClosesAfterTheFirstAnswer());
  auto transport = MakeCurlHttp1Transport();
  ASSERT_TRUE(transport->Send(HttpRequest{"GET", server.Url("/1")}).ok());
  auto second = transport->Send(HttpRequest{"GET", server.Url("/2")});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->body, "GET /2");
  EXPECT_EQ(server.accepted(), 2);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(Http1TransportTest, APostOnAConnectionTheServerClosedIsReportedLost) {
  TestServer server(ClosesAfterTheFirstAnswer());
  auto transport = MakeCurlHttp1Transport();
  ASSERT_TRUE(transport->Send(HttpRequest{"GET", server.Url("/1")}).ok());
  HttpRequest post{"POST", server.Url("/refund")};
  post.body = "{}";
  auto result = transport->Send(post);
  // Not idempotent, and already on the wire: sending it again is the
  // caller's decision (the retrying transport's, or the connector's).
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().reason(), "HTTP_CONNECTION_LOST");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(Http1TransportTest, AConnectionIdleForASecondIsCheckedBeforeReuse) {
  TestServer server(ClosesAfterTheFirstAnswer());
  auto transport = MakeCurlHttp1Transport();
  ASSERT_TRUE(transport->Send(HttpRequest{"GET", server.Url("/1")}).ok());
  std::this_thread::sleep_for(milliseconds(1200));
  HttpRequest post{"POST", server.Url("/refund")};
  post.body = "{}";
  auto result = transport->Send(post);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->body, "POST /refund");
  EXPECT_EQ(server.accepted(), 2);
}

// --- TLS -------------------------------------------------------------------

struct SslDeleter {
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
};

// A self-signed certificate for IP 127.0.0.1, made at test time.
struct SelfSigned {
  std::unique_ptr<EVP_PKEY, SslDeleter> key;
  std::unique_ptr<X509, SslDeleter> cert;
  std::string pem_path;

  SelfSigned() {
    key.reset(EVP_EC_gen("P-256"));
    cert.reset(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(
        name, "CN", MBSTRING_ASC,
        reinterpret_cast<unsigned char const*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    for (auto [nid, value] :
         {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
          std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
      X509_add_ext(cert.get(), ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(cert.get(), key.get(), EVP_sha256());

    char path[] = "/tmp/sanbao-curl-test-ca-XXXXXX";
    int fd = ::mkstemp(path);
    ::close(fd);
    pem_path = path;
    FILE* f = std::fopen(path, "w");
    PEM_write_X509(f, cert.get());
    std::fclose(f);
  }
  ~SelfSigned() { std::remove(pem_path.c_str()); }
};

// Answers every TLS connection with one "200 tls" response, or, with
// `keep_alive_body`, answers each request on it with that body and keeps
// the connection. Connections are served one at a time, or, with `gather`,
// only once that many are waiting, and then all at once.
class TlsServer {
 public:
  explicit TlsServer(SelfSigned const& identity,
                     std::string keep_alive_body = {}, int gather = 1)
      : ctx_(SSL_CTX_new(TLS_server_method())),
        keep_alive_body_(std::move(keep_alive_body)),
        gather_(gather) {
    SSL_CTX_use_certificate(ctx_.get(), identity.cert.get());
    SSL_CTX_use_PrivateKey(ctx_.get(), identity.key.get());
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~TlsServer() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::string Url() const {
    return "https://127.0.0.1:" + std::to_string(port_) + "/secure";
  }
  int handshakes() const { return handshakes_.load(); }

 private:
  void Loop() {
    std::vector<int> waiting;
    while (!stopping_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) continue;
      waiting.push_back(client);
      if (static_cast<int>(waiting.size()) < gather_) continue;
      if (waiting.size() == 1) {
        Serve(client);
      } else {
        std::vector<std::thread> serving;
        for (int fd : waiting) serving.emplace_back([this, fd] { Serve(fd); });
        for (auto& t : serving) t.join();
      }
      waiting.clear();
    }
    for (int fd : waiting) ::close(fd);
  }

  void Serve(int client) {
    // A client that gave up must not kill the test with SIGPIPE (OpenSSL
    // writes with write(2)); blocked here, the write fails with EPIPE.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    timeval tv{5, 0};
    ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    SSL* ssl = SSL_new(ctx_.get());
    SSL_set_fd(ssl, client);
    if (SSL_accept(ssl) == 1) {
      ++handshakes_;
      std::string request;
      char buf[4096];
      for (bool more = true; more && !stopping_;) {
        std::size_t end;
        while ((end = request.find("\r\n\r\n")) == std::string::npos) {
          int n = SSL_read(ssl, buf, sizeof buf);
          if (n <= 0) {
            more = false;
            break;
          }
          request.append(buf, static_cast<std::size_t>(n));
        }
        if (!more) break;
        request.erase(0, end + 4);  // GETs only: no body follows
        std::string response =
            keep_alive_body_.empty()
                ? "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: "
                  "close\r\n\r\ntls"
                : "HTTP/1.1 200 OK\r\nContent-Length: " +
                      std::to_string(keep_alive_body_.size()) + "\r\n\r\n" +
                      keep_alive_body_;
        SSL_write(ssl, response.data(), static_cast<int>(response.size()));
        more = !keep_alive_body_.empty();
      }
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    ERR_clear_error();
    ::close(client);
  }

  std::unique_ptr<SSL_CTX, SslDeleter> ctx_;
  std::string keep_alive_body_;
  int gather_ = 1;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> handshakes_{0};
  std::thread thread_;
};

TEST_P(CurlTransportTest, TlsVerifiesCertificatesByDefault) {
  SelfSigned identity;
  TlsServer server(identity);

  // Default options: the self-signed certificate is not trusted.
  auto rejected = Make()->Send(HttpRequest{"GET", server.Url()});
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.status().reason(), "HTTP_NOT_SENT");
  EXPECT_EQ(rejected.status().error_info().metadata.at("transport_code"),
            "CURLE_PEER_FAILED_VERIFICATION");

  // Trusting it through ca_file.
  CurlOptions trusted;
  trusted.ca_file = identity.pem_path;
  auto ok = Make(trusted)->Send(HttpRequest{"GET", server.Url()});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->body, "tls");

  // Turning verification off (local test servers only).
  CurlOptions insecure;
  insecure.verify_tls = false;
  auto unverified = Make(insecure)->Send(HttpRequest{"GET", server.Url()});
  ASSERT_TRUE(unverified.ok()) << unverified.status();
}

// Several exchanges on one TLS connection, each answer spanning several TLS
// records (16 KiB each), for Send and for SendAll.
TEST_P(CurlTransportTest, TlsKeepsTheConnectionAcrossExchanges) {
  SelfSigned identity;
  std::string body(100 * 1024, 'x');
  for (std::size_t i = 0; i < body.size(); i += 97) body[i] = 'y';
  TlsServer server(identity, body);
  CurlOptions options;
  options.ca_file = identity.pem_path;
  options.max_connections = 1;  // the server takes one connection at a time
  {
    auto transport = Make(options);
    for (int i = 0; i < 3; ++i) {
      auto result = transport->Send(HttpRequest{"GET", server.Url()});
      ASSERT_TRUE(result.ok()) << i << ": " << result.status();
      EXPECT_EQ(result->body, body) << i;
    }
  }  // closes its connection, so the server takes the next one
  {
    auto transport = Make(options);
    std::vector<HttpRequest> batch(5, HttpRequest{"GET", server.Url()});
    for (auto const& result : transport->SendAll(batch)) {
      ASSERT_TRUE(result.ok()) << result.status();
      EXPECT_EQ(result->body, body);
    }
  }
  EXPECT_EQ(server.handshakes(), 2);
}

// The connections a batch needs are set up together: this server completes
// no TLS handshake until all three have connected, so setting them up one
// after another would time out on the first.
TEST_P(CurlTransportTest, TlsConnectionsOfABatchAreSetUpTogether) {
  SelfSigned identity;
  TlsServer server(identity, {}, 3);
  CurlOptions options;
  options.ca_file = identity.pem_path;
  options.max_connections = 3;
  options.connect_timeout = milliseconds(5000);
  std::vector<HttpRequest> batch(3, HttpRequest{"GET", server.Url()});
  for (auto const& result : Make(options)->SendAll(batch)) {
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->body, "tls");
  }
  EXPECT_EQ(server.handshakes(), 3);
}

// A plain HTTP server never answers the ClientHello: the handshake times
// out before anything was sent, which is HTTP_NOT_SENT (safe to resend), not
// HTTP_TIMEOUT.
TEST_P(CurlTransportTest, TlsHandshakeTimeoutIsNotSent) {
  TestServer plain([](ReceivedRequest const&) { return Ok("plain"); });
  std::string url = "https://127.0.0.1:" + std::to_string(plain.port()) + "/";
  CurlOptions options;
  options.connect_timeout = milliseconds(300);
  auto result = Make(options)->Send(HttpRequest{"GET", url});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().reason(), "HTTP_NOT_SENT");
  EXPECT_EQ(result.status().error_info().metadata.at("transport_code"),
            "CURLE_OPERATION_TIMEDOUT");
  EXPECT_TRUE(plain.requests().empty());
}

}  // namespace
}  // namespace v1
}  // namespace sanbao
