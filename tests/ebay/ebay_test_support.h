#pragma once

// Test support for the eBay connector: a scripted transport, a token
// provider with numbered tokens, fixture loading and request matching.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sanbao/ebay/connection.h"
#include "sanbao/http/http.h"
#include "sanbao/http/oauth.h"
#include "url.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace testing {

namespace json = boost::json;

inline std::string FixtureDir() {
  return SANBAO_FIXTURES_DIR "/marketplaces/ebay";
}

inline std::string ReadFile(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline json::value LoadFixture(std::string const& name) {
  auto text = ReadFile(FixtureDir() + "/" + name);
  EXPECT_FALSE(text.empty()) << "missing fixture " << name;
  return text.empty() ? json::value() : json::parse(text);
}

inline Instant At(std::string_view text) { return ParseInstant(text).value(); }

/// The fixture's response as an HttpResponse (a JSON body serialized,
/// null as an empty body).
inline HttpResponse FixtureResponse(json::value const& fixture) {
  auto const& r = fixture.at("response").as_object();
  HttpResponse out;
  out.status = static_cast<int>(r.at("status").to_number<int>());
  if (auto const* headers = r.if_contains("headers")) {
    for (auto const& [name, value] : headers->as_object()) {
      out.headers.push_back(
          {std::string(name), std::string(value.as_string())});
    }
  }
  if (!r.at("body").is_null()) out.body = json::serialize(r.at("body"));
  return out;
}

inline HttpResponse JsonResponse(int status, std::string body) {
  return HttpResponse{.status = status,
                      .headers = {{"Content-Type", "application/json"}},
                      .body = std::move(body)};
}

/// Answers requests from a script, in order; records every request.
class ScriptedTransport : public HttpTransport {
 public:
  using Step = std::function<StatusOr<HttpResponse>(HttpRequest const&)>;

  void Then(Step step) { steps_.push_back(std::move(step)); }
  void ThenRespond(HttpResponse response) {
    Then([response](HttpRequest const&) -> StatusOr<HttpResponse> {
      return response;
    });
  }
  void ThenFail(std::string reason, ErrorCode code) {
    Then([reason, code](HttpRequest const&) -> StatusOr<HttpResponse> {
      return Status(code, "scripted transport failure",
                    ErrorInfo{.reason = reason});
    });
  }

  StatusOr<HttpResponse> Send(HttpRequest const& request) override {
    std::lock_guard lock(mu_);
    requests.push_back(request);
    if (steps_.empty()) {
      ADD_FAILURE() << "unexpected request " << request.method << " "
                    << request.url;
      return Status(ErrorCode::kInternal, "no scripted answer",
                    ErrorInfo{.reason = "TEST_UNSCRIPTED"});
    }
    auto step = std::move(steps_.front());
    steps_.pop_front();
    return step(request);
  }

  std::size_t remaining() const { return steps_.size(); }
  int CountPosts() const {
    int n = 0;
    for (auto const& r : requests) n += r.method == "POST";
    return n;
  }

  std::vector<HttpRequest> requests;

 private:
  std::mutex mu_;
  std::deque<Step> steps_;
};

/// Tokens "token-1", "token-2", ... valid for a day.
inline std::shared_ptr<TokenProvider> NumberedTokens(Instant now) {
  auto counter = std::make_shared<int>(0);
  return std::make_shared<TokenProvider>(
      [counter, now]() -> StatusOr<AccessToken> {
        return AccessToken{.value = "token-" + std::to_string(++*counter),
                           .expires_at = now + std::chrono::hours(24)};
      },
      [now] { return now; });
}

inline Instant TestNow() { return At("2025-03-10T12:00:00Z"); }

inline std::unique_ptr<ReturnsConnection> MakeTestConnection(
    std::shared_ptr<ScriptedTransport> transport,
    std::optional<SigningKey> signing = std::nullopt) {
  EbayOptions options;
  options.transport = std::move(transport);
  options.user_tokens = NumberedTokens(TestNow());
  options.now = [] { return TestNow(); };
  options.signing = std::move(signing);
  auto connection = MakeEbayConnection(std::move(options));
  EXPECT_TRUE(connection.ok()) << connection.status();
  return connection ? *std::move(connection) : nullptr;
}

inline std::string PercentDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(
          std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

inline std::multimap<std::string, std::string> QueryParams(
    std::string_view query) {
  std::multimap<std::string, std::string> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    auto eq = pair.find('=');
    out.emplace(PercentDecode(pair.substr(0, eq)),
                eq == std::string_view::npos
                    ? std::string()
                    : PercentDecode(pair.substr(eq + 1)));
    query = amp == std::string_view::npos ? std::string_view()
                                          : query.substr(amp + 1);
  }
  return out;
}

/// JSON equality where numbers compare by value whatever their kind (20.0
/// in a fixture and 20.00 on the wire are the same number).
inline bool JsonEqual(json::value const& a, json::value const& b) {
  if (a.is_number() && b.is_number()) {
    return a.to_number<double>() == b.to_number<double>();
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_object()) {
    auto const& ao = a.get_object();
    auto const& bo = b.get_object();
    if (ao.size() != bo.size()) return false;
    for (auto const& [key, value] : ao) {
      auto const* other = bo.if_contains(key);
      if (other == nullptr || !JsonEqual(value, *other)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    auto const& aa = a.get_array();
    auto const& ba = b.get_array();
    if (aa.size() != ba.size()) return false;
    for (std::size_t i = 0; i < aa.size(); ++i) {
      if (!JsonEqual(aa[i], ba[i])) return false;
    }
    return true;
  }
  return a == b;
}

struct MatchOptions {
  /// The fixture's query is a subset ("any call" fixtures name only some
  /// parameters).
  bool query_subset = false;
  /// Applied to the connector's body before comparing.
  std::function<void(json::value&)> normalize_body{};
};

/// The connector's request against the fixture's: method, host and path,
/// query parameters, the fixture's headers (Authorization by scheme; the
/// token is redacted there) and the body as JSON.
inline void ExpectRequestMatches(json::value const& fixture,
                                 HttpRequest const& actual,
                                 MatchOptions const& match = {}) {
  auto const& expected = fixture.at("request").as_object();
  EXPECT_EQ(actual.method, expected.at("method").as_string());
  auto want = internal::SplitUrl(expected.at("url").as_string()).value();
  auto got = internal::SplitUrl(actual.url);
  ASSERT_TRUE(got.has_value()) << actual.url;
  EXPECT_EQ(got->authority, want.authority);
  EXPECT_EQ(got->path, want.path);
  auto want_query = QueryParams(want.query);
  auto got_query = QueryParams(got->query);
  if (match.query_subset) {
    for (auto const& [key, value] : want_query) {
      auto it = got_query.find(key);
      ASSERT_NE(it, got_query.end()) << "missing query parameter " << key;
      EXPECT_EQ(it->second, value) << key;
    }
  } else {
    EXPECT_EQ(got_query, want_query) << actual.url;
  }
  for (auto const& [name, value] : expected.at("headers").as_object()) {
    auto header = FindHeader(actual.headers, name);
    ASSERT_TRUE(header.has_value()) << "missing header " << name;
    std::string_view want_value = value.as_string();
    if (name == "Authorization") {
      auto scheme = want_value.substr(0, want_value.find(' ') + 1);
      EXPECT_TRUE(header->starts_with(scheme)) << *header;
      EXPECT_GT(header->size(), scheme.size());
    } else {
      EXPECT_EQ(*header, want_value) << name;
    }
  }
  auto const& want_body = expected.at("body");
  if (want_body.is_null()) {
    EXPECT_TRUE(actual.body.empty()) << actual.body;
  } else {
    json::value got_body = json::parse(actual.body);
    if (match.normalize_body) match.normalize_body(got_body);
    EXPECT_TRUE(JsonEqual(got_body, want_body))
        << "sent     " << json::serialize(got_body) << "\nexpected "
        << json::serialize(want_body);
  }
}

inline Money M(std::string_view amount, std::string_view currency) {
  return Money::Parse(amount, currency).value();
}

}  // namespace testing
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
