// The whole chain over HTTP: curl transport (libcurl's HTTP, and HTTP/1.1
// on libcurl connections) -> retries -> OAuth -> eBay
// connection -> sync -> SQLite store, against the eBay sandbox, with faults
// injected while the sync runs.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "sanbao/ebay/connection.h"
#include "sanbao/http/oauth.h"
#include "sanbao/http/retry.h"
#include "sanbao/store/sqlite_store.h"
#include "sanbao/sync/engine.h"
#include "sanbao/transport/curl.h"
#include "sandbox_harness.h"
#include "store_util.h"

namespace sanbao {
inline namespace v1 {
namespace {

using testing_util::SandboxHarness;

Instant const kNow = *ParseInstant("2026-11-20T12:00:00Z");

enum class Http { kLibcurl, kHttp1 };

class SyncSandboxTest : public ::testing::TestWithParam<Http> {
 protected:
  void SetUp() override {
    std::string name =
        ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    path_ = std::filesystem::temp_directory_path() /
            ("sanbao_sync_sandbox_" + std::to_string(::getpid()) + "_" + name +
             ".db");
    Remove();
    auto store = OpenSqliteStore({.path = path_.string()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto engine = PolicyEngine::Create();
    ASSERT_TRUE(engine.ok());
    engine_.emplace(*std::move(engine));
    rules_.approve_without_limit = true;
  }
  void TearDown() override {
    store_.reset();
    Remove();
  }
  void Remove() {
    for (auto const* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix);
    }
  }

  static ebay::EbaySandboxOptions Options(std::int64_t returns) {
    ebay::EbaySandboxOptions o;
    o.returns = returns;
    o.seed = 11;
    o.clock = [] { return kNow; };
    o.now = kNow;
    o.sleeper = [](std::chrono::milliseconds) {};
    return o;
  }

  // Runs one sync against `sandbox`; the transport's retries never sleep.
  StatusOr<SyncSummary> Sync(
      SandboxHarness& sandbox,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
    CurlOptions curl;
    curl.request_timeout = timeout;
    RetryEnvironment env;
    env.sleep = [](std::chrono::milliseconds) {};
    env.now = [] { return kNow; };
    // More attempts than the default: the fault test sends storms of 429s
    // and 5xx bursts to parallel requests.
    RetryPolicy policy;
    policy.max_attempts = 10;
    auto http = MakeRetryingTransport(GetParam() == Http::kLibcurl
                                          ? MakeCurlTransport(curl)
                                          : MakeCurlHttp1Transport(curl),
                                      policy, env);
    auto const& o = sandbox.sandbox().options();
    OAuthClientOptions oauth;
    oauth.token_url = sandbox.url() + "/identity/v1/oauth2/token";
    oauth.client_id = o.client_id;
    oauth.client_secret = o.client_secret;
    oauth.refresh_token = o.refresh_token;
    auto clock = [] { return kNow; };
    auto tokens = std::make_shared<TokenProvider>(
        MakeOAuthTokenFetcher(http, oauth, clock), clock);
    ebay::EbayOptions options;
    options.api_base = sandbox.url();
    options.transport = http;
    options.user_tokens = tokens;
    options.now = clock;
    auto connection = ebay::MakeEbayConnection(options);
    if (!connection) return connection.status();
    SyncOptions sync_options;
    sync_options.now = clock;
    ReturnsSync sync(**connection, *store_, *engine_, rules_, sync_options);
    return sync.Run();
  }

  void ExpectExactlyOnce(SandboxHarness& sandbox, SyncSummary const& total) {
    auto stats = sandbox.sandbox().Stats();
    EXPECT_EQ(testing_util::CountReturns(*store_), stats.returns);
    EXPECT_LE(stats.max_refunds_per_return, 1);
    EXPECT_TRUE(stats.returns_refunded_more_than_once.empty());
    EXPECT_EQ(stats.refunds_issued, total.refunded);
    EXPECT_EQ(stats.decisions, total.approved + total.declined);
    auto pending = store_->PendingEffects(10);
    ASSERT_TRUE(pending.ok());
    EXPECT_TRUE(pending->empty());
  }

  std::filesystem::path path_;
  std::shared_ptr<Store> store_;
  std::optional<PolicyEngine> engine_;
  SellerRules rules_;
};

INSTANTIATE_TEST_SUITE_P(Transports, SyncSandboxTest,
                         ::testing::Values(Http::kLibcurl, Http::kHttp1),
                         [](::testing::TestParamInfo<Http> const& info) {
                           return info.param == Http::kLibcurl ? "Libcurl"
                                                               : "Http1";
                         });

TEST_P(SyncSandboxTest, SyncsEveryReturnOverHttp) {
  SandboxHarness sandbox(Options(600));
  auto s = Sync(sandbox);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->errors, 0) << (s->error_messages.empty()
                                  ? ""
                                  : s->error_messages.front());
  EXPECT_EQ(s->fetched, 600);
  EXPECT_EQ(s->created, 600);
  EXPECT_GT(s->approved, 0);
  EXPECT_GT(s->refunded, 0);
  ExpectExactlyOnce(sandbox, *s);
  // Different countries were decided and explained.
  ASSERT_EQ(s->samples.size(), 3u);
  EXPECT_NE(s->samples[0].buyer_jurisdiction, s->samples[1].buyer_jurisdiction);

  auto again = Sync(sandbox);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->created, 0);
  EXPECT_EQ(again->refunded, 0);
  EXPECT_EQ(again->approved, 0);
}

TEST_P(SyncSandboxTest, CompletesWithExactCountsUnderFaults) {
  // 429 storms and 5xx bursts all through the run, and every token expires
  // in the middle of the pagination.
  SandboxHarness* self = nullptr;
  int calls = 0;
  bool expired = false;
  std::mutex mu;
  SandboxHarness sandbox(
      Options(900), [&](ServerRequest const& r, int searches) {
        if (r.target.rfind("/sandbox/", 0) == 0 || self == nullptr) return;
        std::lock_guard lock(mu);
        ++calls;
        if (calls % 37 == 0) self->Faults(R"({"rate_limit_next": 3})");
        if (calls % 53 == 0) self->Faults(R"({"fail_next": 2})");
        if (searches == 3 && !expired) {
          expired = true;  // the second page of the second 30-day slice
          self->Faults(R"({"expire_tokens": true})");
        }
      });
  self = &sandbox;
  auto s = Sync(sandbox);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->errors, 0) << (s->error_messages.empty()
                                  ? ""
                                  : s->error_messages.front());
  EXPECT_EQ(s->fetched, 900);
  auto stats = sandbox.sandbox().Stats();
  EXPECT_GT(stats.rate_limited, 0);
  EXPECT_GT(stats.faults_injected, 0);
  EXPECT_GE(stats.tokens_issued, 2);  // refreshed after the expiry
  ExpectExactlyOnce(sandbox, *s);
}

TEST_P(SyncSandboxTest, ARefundWhoseAnswerTimesOutIsNotIssuedTwice) {
  // The first refunds are applied, then answered after the client gave up
  // (the sandbox really sleeps here).
  auto options = Options(300);
  options.sleeper = nullptr;
  SandboxHarness* self = nullptr;
  int slow = 0;
  std::mutex mu;
  SandboxHarness sandbox(options, [&](ServerRequest const& r, int) {
    if (self == nullptr ||
        r.target.find("/issue_refund") == std::string::npos) {
      return;
    }
    std::lock_guard lock(mu);
    if (slow++ < 4) {
      self->Faults(R"({"slow_writes_next": 1, "slow_write_ms": 1500})");
    }
  });
  self = &sandbox;
  auto s = Sync(sandbox, std::chrono::milliseconds(500));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->errors, 0) << (s->error_messages.empty()
                                  ? ""
                                  : s->error_messages.front());
  EXPECT_GT(s->refunded, 4);
  EXPECT_GE(slow, 5);
  ExpectExactlyOnce(sandbox, *s);
}

}  // namespace
}  // namespace v1
}  // namespace sanbao
