// The eBay sandbox as a pure handler: pagination, validation, auth, the
// return state machine, refunds, faults, determinism and the wire shapes of
// the fixtures in tests/fixtures/marketplaces/ebay/.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sanbao/ebay/sandbox.h"
#include "sanbao/http/http.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string const kFixtures = SANBAO_FIXTURES_DIR "/marketplaces/ebay/";

json::value ReadFixture(std::string const& name) {
  std::ifstream in(kFixtures + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

std::set<std::string> Keys(json::value const& v) {
  std::set<std::string> keys;
  for (auto const& [k, _] : v.as_object()) keys.emplace(k);
  return keys;
}

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<unsigned char const*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string Digest(EVP_MD const* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<char const*>(out), len);
}

Instant At(std::string const& iso) { return ParseInstant(iso).value(); }

/// A webhook endpoint that fails the first `failures` deliveries.
class RecordingTransport : public HttpTransport {
 public:
  explicit RecordingTransport(int failures) : failures_(failures) {}
  StatusOr<HttpResponse> Send(HttpRequest const& request) override {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    HttpResponse r;
    r.status = failures_-- > 0 ? 503 : 200;
    return r;
  }
  std::vector<HttpRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  std::mutex mu_;
  int failures_;
  std::vector<HttpRequest> requests_;
};

class Harness {
 public:
  explicit Harness(std::int64_t returns = 120, std::uint64_t seed = 7,
                   std::function<void(EbaySandboxOptions&)> tweak = {}) {
    EbaySandboxOptions o;
    o.seed = seed;
    o.returns = returns;
    o.clock = [this] { return now_; };
    o.sleeper = [this](milliseconds ms) { sleeps_.push_back(ms); };
    if (tweak) tweak(o);
    sandbox_ = EbaySandbox::Create(std::move(o)).value();
  }

  HttpResponse Call(std::string method, std::string target,
                    std::string body = {}, HttpHeaders headers = {}) {
    ServerRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers = std::move(headers);
    return sandbox_->Handle(r);
  }
  HttpResponse Token(std::string const& grant_body) {
    auto const& o = sandbox_->options();
    return Call("POST", "/identity/v1/oauth2/token", grant_body,
                {{"Authorization",
                  "Basic " + Base64(o.client_id + ":" + o.client_secret)},
                 {"Content-Type", "application/x-www-form-urlencoded"}});
  }
  std::string NewUserToken() {
    auto r = Token("grant_type=refresh_token&refresh_token=" +
                   Encode(sandbox_->options().refresh_token));
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(json::parse(r.body).at("access_token").as_string());
  }
  HttpResponse Po(std::string method, std::string target, std::string body = {},
                  HttpHeaders extra = {}) {
    if (token_.empty()) token_ = NewUserToken();
    extra.push_back({"Authorization", "IAF " + token_});
    return Call(std::move(method), "/post-order/v2" + target, std::move(body),
                std::move(extra));
  }
  json::value PoJson(std::string target) {
    auto r = Po("GET", std::move(target));
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  }
  json::value Stats() {
    return json::parse(Call("GET", "/sandbox/v1/stats").body);
  }
  HttpResponse Faults(std::string body) {
    return Call("POST", "/sandbox/v1/faults", std::move(body));
  }
  /// The ids of all returns in `state`, ascending.
  std::vector<std::string> InState(std::string const& state) {
    auto page = PoJson("/return/search?limit=200&states=" + state);
    std::vector<std::string> ids;
    for (auto const& m : page.at("members").as_array()) {
      ids.emplace_back(m.at("returnId").as_string());
    }
    return ids;
  }
  static std::string Encode(std::string const& s) {
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        out += static_cast<char>(c);
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
    return out;
  }

  Instant now_ = At("2025-03-10T12:00:00Z");
  std::vector<milliseconds> sleeps_;
  std::unique_ptr<EbaySandbox> sandbox_;
  std::string token_;
};

int ErrorId(HttpResponse const& r) {
  auto v = json::parse(r.body);
  auto const& list =
      v.as_object().contains("error") ? v.at("error") : v.at("errors");
  return static_cast<int>(list.as_array().at(0).at("errorId").as_int64());
}

TEST(EbaySandboxTest, PaginationArithmetic) {
  Harness h(53);
  auto p1 = h.PoJson("/return/search?limit=25&offset=1&sort=%2BFILING_DATE");
  EXPECT_EQ(p1.at("members").as_array().size(), 25u);
  EXPECT_EQ(p1.at("paginationOutput").at("totalEntries").as_int64(), 53);
  EXPECT_EQ(p1.at("paginationOutput").at("totalPages").as_int64(), 3);
  EXPECT_EQ(p1.at("paginationOutput").at("offset").as_int64(), 1);
  EXPECT_EQ(p1.at("total").as_int64(), 53);
  auto p3 = h.PoJson("/return/search?limit=25&offset=3");
  EXPECT_EQ(p3.at("members").as_array().size(), 3u);
  auto p4 = h.PoJson("/return/search?limit=25&offset=4");
  EXPECT_EQ(p4.at("members").as_array().size(), 0u);
  EXPECT_EQ(p4.at("paginationOutput").at("totalPages").as_int64(), 3);

  // All pages together: every return once, in filing-date order.
  std::set<std::string> ids;
  std::string last_date;
  for (int page = 1; page <= 3; ++page) {
    auto p = h.PoJson("/return/search?limit=25&offset=" + std::to_string(page));
    for (auto const& m : p.at("members").as_array()) {
      ids.emplace(m.at("returnId").as_string());
      std::string date(
          m.at("creationInfo").at("creationDate").at("value").as_string());
      EXPECT_LE(last_date, date);
      last_date = date;
    }
  }
  EXPECT_EQ(ids.size(), 53u);

  // Descending is the reverse order.
  auto desc = h.PoJson("/return/search?limit=1&sort=-FILING_DATE");
  EXPECT_EQ(desc.at("members").at(0).at("returnId"),
            p3.at("members").at(2).at("returnId"));

  // The default page size is 25.
  auto def = h.PoJson("/return/search");
  EXPECT_EQ(def.at("paginationOutput").at("limit").as_int64(), 25);
}

TEST(EbaySandboxTest, LimitAboveTwoHundredIsRejected) {
  Harness h;
  auto r = h.Po("GET", "/return/search?limit=201");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorId(r), 1616);
  EXPECT_EQ(h.Po("GET", "/return/search?limit=200").status, 200);
  EXPECT_EQ(h.Po("GET", "/return/search?limit=0").status, 400);
  EXPECT_EQ(h.Po("GET", "/return/search?offset=0").status, 400);
  EXPECT_EQ(h.Po("GET", "/return/search?sort=REASON").status, 400);
  EXPECT_EQ(h.Po("GET", "/return/search?return_state=NOPE").status, 400);
}

TEST(EbaySandboxTest, CreationDateOlderThanEighteenMonthsIsRejected) {
  Harness h;  // now 2025-03-10
  auto r = h.Po("GET",
                "/return/search?creation_date_range_from=2023-09-01T00:00:00."
                "000Z");
  EXPECT_EQ(r.status, 400);
  auto body = json::parse(r.body);
  ASSERT_TRUE(body.as_object().contains("error"));
  EXPECT_EQ(ErrorId(r), 1619);
  EXPECT_EQ(h.Po("GET",
                 "/return/search?creation_date_range_from=2023-09-11T00:00:"
                 "00.000Z")
                .status,
            200);
  EXPECT_EQ(
      h.Po("GET", "/return/search?creation_date_range_from=yesterday").status,
      400);
  EXPECT_EQ(h.Po("GET",
                 "/return/search?creation_date_range_from=2025-03-02T00:00:"
                 "00.000Z&creation_date_range_to=2025-03-01T00:00:00.000Z")
                .status,
            400);
}

TEST(EbaySandboxTest, DateRangeSelectsByCreationDate) {
  Harness h(300);
  auto all = h.PoJson("/return/search?limit=200&offset=1");
  auto const& m = all.at("members").as_array();
  std::string from(
      m.at(10).at("creationInfo").at("creationDate").at("value").as_string());
  std::string to(
      m.at(19).at("creationInfo").at("creationDate").at("value").as_string());
  auto page = h.PoJson("/return/search?creation_date_range_from=" + from +
                       "&creation_date_range_to=" + to);
  for (auto const& x : page.at("members").as_array()) {
    std::string d(
        x.at("creationInfo").at("creationDate").at("value").as_string());
    EXPECT_GE(d, from);
    EXPECT_LE(d, to);
  }
  EXPECT_GE(page.at("total").as_int64(), 10);
}

TEST(EbaySandboxTest, PostOrderRequiresIaf) {
  Harness h;
  auto token = h.NewUserToken();
  auto bearer = h.Call("GET", "/post-order/v2/return/search", "",
                       {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(bearer.status, 401);
  EXPECT_EQ(ErrorId(bearer), 21916984);
  EXPECT_EQ(h.Call("GET", "/post-order/v2/return/search").status, 401);
  auto iaf = h.Call("GET", "/post-order/v2/return/search", "",
                    {{"Authorization", "IAF " + token}});
  EXPECT_EQ(iaf.status, 200);
}

TEST(EbaySandboxTest, TokenExpiresAndRefreshes) {
  Harness h(20, 7, [](EbaySandboxOptions& o) { o.token_ttl = seconds(60); });
  auto token = h.NewUserToken();
  auto ok = h.Call("GET", "/post-order/v2/return/search", "",
                   {{"Authorization", "IAF " + token}});
  EXPECT_EQ(ok.status, 200);
  h.now_ += seconds(61);
  auto expired = h.Call("GET", "/post-order/v2/return/search", "",
                        {{"Authorization", "IAF " + token}});
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(ErrorId(expired), 21917053);
  auto fresh = h.NewUserToken();
  EXPECT_NE(fresh, token);
  EXPECT_EQ(h.Call("GET", "/post-order/v2/return/search", "",
                   {{"Authorization", "IAF " + fresh}})
                .status,
            200);

  // The expire-all knob.
  ASSERT_EQ(h.Faults(R"({"expire_tokens":true})").status, 200);
  EXPECT_EQ(h.Call("GET", "/post-order/v2/return/search", "",
                   {{"Authorization", "IAF " + fresh}})
                .status,
            401);

  // Token endpoint errors.
  auto bad_grant = h.Token("grant_type=refresh_token&refresh_token=nope");
  EXPECT_EQ(bad_grant.status, 400);
  EXPECT_EQ(json::parse(bad_grant.body).at("error"), "invalid_grant");
  auto bad_client = h.Call("POST", "/identity/v1/oauth2/token",
                           "grant_type=client_credentials",
                           {{"Authorization", "Basic " + Base64("x:y")}});
  EXPECT_EQ(bad_client.status, 401);
  auto app = h.Token(
      "grant_type=client_credentials&scope=https%3A%2F%2Fapi."
      "ebay.com%2Foauth%2Fapi_scope");
  ASSERT_EQ(app.status, 200);
  auto app_token = json::parse(app.body);
  EXPECT_EQ(app_token.at("token_type"), "Application Access Token");
  EXPECT_EQ(app_token.at("expires_in").as_int64(), 60);
  EXPECT_EQ(h.Stats().at("tokens_issued").as_int64(), 3);
}

TEST(EbaySandboxTest, StateMachineAndIllegalTransitions) {
  Harness h(200);
  auto requested = h.InState("RETURN_REQUESTED");
  ASSERT_GE(requested.size(), 3u);
  auto const& id = requested[0];
  auto approve = h.Po("POST", "/return/" + id + "/decide",
                      R"({"decision":"APPROVE","comments":{"content":"ok"}})");
  EXPECT_EQ(approve.status, 200) << approve.body;
  EXPECT_EQ(approve.body, "{}");
  auto again =
      h.Po("POST", "/return/" + id + "/decide", R"({"decision":"DECLINE"})");
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(ErrorId(again), 1617);
  auto summary = h.PoJson("/return/" + id + "?fieldgroups=SUMMARY");
  EXPECT_EQ(summary.at("summary").at("state"), "ITEM_READY_TO_SHIP");
  EXPECT_FALSE(summary.as_object().contains("detail"));

  // Not shipped yet: cannot be received.
  EXPECT_EQ(h.Po("POST", "/return/" + id + "/mark_as_received", "{}").status,
            400);
  ASSERT_EQ(h.Call("POST", "/sandbox/v1/returns/" + id + "/ship").status, 200);
  auto received = h.Po("POST", "/return/" + id + "/mark_as_received",
                       R"({"comments":{"content":"Received, inspected OK"}})");
  EXPECT_EQ(received.status, 200);
  EXPECT_EQ(received.body, "");
  EXPECT_EQ(h.Po("POST", "/return/" + id + "/mark_as_received").status, 400);
  auto full = h.PoJson("/return/" + id + "?fieldgroups=FULL");
  EXPECT_EQ(full.at("summary").at("state"), "ITEM_DELIVERED");
  auto const& history = full.at("detail").at("responseHistory").as_array();
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0].at("fromState"), "INITIAL");
  for (std::size_t i = 1; i < history.size(); ++i) {
    EXPECT_EQ(history[i].at("fromState"), history[i - 1].at("toState"));
  }

  // Decline and partial offer on others.
  auto decline = h.Po("POST", "/return/" + requested[1] + "/decide",
                      R"({"decision":"DECLINE"})");
  EXPECT_EQ(decline.status, 200);
  EXPECT_EQ(h.PoJson("/return/" + requested[1]).at("summary").at("state"),
            "RETURN_REJECTED");
  EXPECT_EQ(
      h.Po("POST", "/return/" + requested[1] + "/issue_refund",
           R"({"refundDetail":{"totalAmount":{"value":1,"currency":"USD"}}})")
          .status,
      400);
  auto offer =
      h.Po("POST", "/return/" + requested[2] + "/decide",
           R"({"decision":"OFFER_PARTIAL_REFUND","keepOriginalItem":true,
                        "partialRefundAmount":{"value":0.5,"currency":"USD"}})");
  EXPECT_EQ(offer.status, 200) << offer.body;
  EXPECT_EQ(h.PoJson("/return/" + requested[2]).at("summary").at("state"),
            "PARTIAL_REFUND_REQUESTED");
  EXPECT_EQ(h.Po("POST", "/return/" + requested[2] + "/decide",
                 R"({"decision":"OFFER_REPLACEMENT"})")
                .status,
            400);
  EXPECT_EQ(
      h.Po("POST", "/return/9999999999/decide", R"({"decision":"APPROVE"})")
          .status,
      404);
  EXPECT_EQ(h.Stats().at("decisions").as_int64(), 3);
}

TEST(EbaySandboxTest, IssueRefundTwiceFailsAndCountsOneRefund) {
  Harness h(200);
  auto id = h.InState("ITEM_DELIVERED").at(0);
  auto detail = h.PoJson("/return/" + id);
  auto estimate = detail.at("summary")
                      .at("sellerTotalRefund")
                      .at("estimatedRefundAmount")
                      .at("value");
  std::string body =
      R"({"refundDetail":{"itemizedRefundDetail":[],"totalAmount":{"value":)" +
      json::serialize(estimate) + R"(,"currency":"USD"}}})";
  auto first = h.Po("POST", "/return/" + id + "/issue_refund", body);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(json::parse(first.body).at("refundStatus"), "PENDING");
  auto second = h.Po("POST", "/return/" + id + "/issue_refund", body);
  EXPECT_EQ(second.status, 400);
  EXPECT_EQ(ErrorId(second), 1617);
  auto err = json::parse(second.body).at("error").at(0);
  EXPECT_EQ(err.at("parameter").at(0).at("value").as_string(), id);
  EXPECT_EQ(err.at("parameter").at(1).at("value"), "REFUND_INITIATED");
  auto stats = h.Stats();
  EXPECT_EQ(stats.at("refund_calls").as_int64(), 2);
  EXPECT_EQ(stats.at("refunds_issued").as_int64(), 1);
  EXPECT_EQ(stats.at("max_refunds_per_return").as_int64(), 1);
  EXPECT_TRUE(stats.at("returns_refunded_more_than_once").as_array().empty());
}

TEST(EbaySandboxTest, MarkRefundSentCountsAsTheRefund) {
  Harness h(200);
  auto id = h.InState("ITEM_DELIVERED").at(0);
  std::string body =
      R"({"refundDetail":{"totalAmount":{"value":"2.00","currency":"USD"}}})";
  auto sent = h.Po("POST", "/return/" + id + "/mark_refund_sent", body);
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(h.PoJson("/return/" + id).at("summary").at("state"),
            "REFUND_SENT_PENDING_CONFIRMATION");
  EXPECT_EQ(h.Po("POST", "/return/" + id + "/issue_refund", body).status, 400);
  auto stats = h.Stats();
  EXPECT_EQ(stats.at("refunds_issued").as_int64(), 1);
  EXPECT_EQ(stats.at("max_refunds_per_return").as_int64(), 1);
}

TEST(EbaySandboxTest, RefundIsPendingThenSuccessAfterReads) {
  Harness h(200);
  auto id = h.InState("ITEM_SHIPPED").at(0);
  auto r = h.Po(
      "POST", "/return/" + id + "/issue_refund",
      R"({"refundDetail":{"totalAmount":{"value":"1.00","currency":"USD"}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto read1 = h.PoJson("/return/" + id + "?fieldgroups=FULL");
  EXPECT_EQ(read1.at("summary").at("state"), "LESS_THAN_A_FULL_REFUND_ISSUED");
  EXPECT_EQ(read1.at("detail")
                .at("refundInfo")
                .at("actualRefundDetail")
                .at("refundStatus"),
            "PENDING");
  auto read2 = h.PoJson("/return/" + id + "?fieldgroups=FULL");
  EXPECT_EQ(read2.at("detail")
                .at("refundInfo")
                .at("actualRefundDetail")
                .at("refundStatus"),
            "SUCCESS");
  EXPECT_EQ(read2.at("summary").at("state"), "CLOSED");
  EXPECT_EQ(read2.at("detail").at("closeInfo").at("returnCloseReason"),
            "REFUND_ISSUED");
  EXPECT_EQ(read2.at("summary")
                .at("sellerTotalRefund")
                .at("actualRefundAmount")
                .at("value")
                .as_double(),
            1.0);
}

TEST(EbaySandboxTest, RefundSettlesAfterDelay) {
  Harness h(200, 7, [](EbaySandboxOptions& o) {
    o.refund_settle_reads = 100;
    o.refund_settle_delay = seconds(30);
  });
  auto id = h.InState("RETURN_REQUESTED").at(0);
  auto estimate = h.PoJson("/return/" + id)
                      .at("summary")
                      .at("sellerTotalRefund")
                      .at("estimatedRefundAmount")
                      .at("value");
  ASSERT_EQ(h.Po("POST", "/return/" + id + "/issue_refund",
                 R"({"refundDetail":{"totalAmount":{"value":)" +
                     json::serialize(estimate) + R"(,"currency":"USD"}}})")
                .status,
            200);
  EXPECT_EQ(h.PoJson("/return/" + id).at("summary").at("state"),
            "REFUND_INITIATED");
  h.now_ += seconds(31);
  EXPECT_EQ(h.PoJson("/return/" + id).at("summary").at("state"), "CLOSED");
}

TEST(EbaySandboxTest, RefundAmountIsChecked) {
  Harness h(200);
  auto id = h.InState("RETURN_REQUESTED").at(0);
  auto too_much = h.Po(
      "POST", "/return/" + id + "/issue_refund",
      R"({"refundDetail":{"totalAmount":{"value":100000,"currency":"USD"}}})");
  EXPECT_EQ(too_much.status, 400);
  EXPECT_EQ(ErrorId(too_much), 1620);
  auto wrong_currency =
      h.Po("POST", "/return/" + id + "/issue_refund",
           R"({"refundDetail":{"totalAmount":{"value":1,"currency":"EUR"}}})");
  EXPECT_EQ(wrong_currency.status, 400);
  auto negative = h.Po(
      "POST", "/return/" + id + "/issue_refund",
      R"({"refundDetail":{"totalAmount":{"value":-0.5,"currency":"USD"}}})");
  EXPECT_EQ(negative.status, 400);
  auto too_precise = h.Po(
      "POST", "/return/" + id + "/issue_refund",
      R"({"refundDetail":{"totalAmount":{"value":"0.001","currency":"USD"}}})");
  EXPECT_EQ(too_precise.status, 400);
  auto mismatch = h.Po(
      "POST", "/return/" + id + "/issue_refund",
      R"({"refundDetail":{"itemizedRefundDetail":[{"refundAmount":{"value":1,"currency":"USD"},"refundFeeType":"PURCHASE_PRICE"}],"totalAmount":{"value":2,"currency":"USD"}}})");
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(h.Stats().at("refunds_issued").as_int64(), 0);
}

TEST(EbaySandboxTest, RateLimitKnobAndQuota) {
  Harness h;
  ASSERT_EQ(h.Faults(R"({"rate_limit_next":2})").status, 200);
  for (int i = 0; i < 2; ++i) {
    auto r = h.Po("GET", "/return/search");
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(ErrorId(r), 2001);
    EXPECT_FALSE(FindHeader(r.headers, "Retry-After").has_value());
  }
  EXPECT_EQ(h.Po("GET", "/return/search").status, 200);
  EXPECT_EQ(h.Stats().at("rate_limited").as_int64(), 2);

  ASSERT_EQ(h.Faults(R"({"quota":3,"reset_quota":true})").status, 200);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(h.Po("GET", "/return/search").status, 200);
  EXPECT_EQ(h.Po("GET", "/return/search").status, 429);
  auto app = json::parse(h.Token("grant_type=client_credentials").body);
  auto limits = h.Call(
      "GET", "/developer/analytics/v1_beta/rate_limit/?api_name=PostOrder", "",
      {{"Authorization",
        "Bearer " + std::string(app.at("access_token").as_string())}});
  ASSERT_EQ(limits.status, 200) << limits.body;
  auto rate = json::parse(limits.body)
                  .at("rateLimits")
                  .at(0)
                  .at("resources")
                  .at(0)
                  .at("rates")
                  .at(0);
  EXPECT_EQ(rate.at("limit").as_int64(), 3);
  EXPECT_EQ(rate.at("remaining").as_int64(), 0);
  EXPECT_EQ(rate.at("reset"), "2025-03-11T00:00:00.000Z");
  // A new day resets the quota.
  h.now_ += std::chrono::hours(12);
  h.token_.clear();  // the old one expired meanwhile
  EXPECT_EQ(h.Po("GET", "/return/search").status, 200);
}

TEST(EbaySandboxTest, FaultKnobs) {
  Harness h(200);
  ASSERT_EQ(h.Faults(R"({"fail_next":1,"fail_status":503})").status, 200);
  auto failed = h.Po("GET", "/return/search");
  EXPECT_EQ(failed.status, 503);
  EXPECT_EQ(ErrorId(failed), 2003);
  EXPECT_EQ(h.Po("GET", "/return/search").status, 200);

  // Slow answer after the write was applied.
  ASSERT_EQ(h.Faults(R"({"slow_writes_next":1,"slow_write_ms":5000})").status,
            200);
  auto id = h.InState("RETURN_REQUESTED").at(0);
  h.sleeps_.clear();
  auto approve =
      h.Po("POST", "/return/" + id + "/decide", R"({"decision":"APPROVE"})");
  EXPECT_EQ(approve.status, 200);
  ASSERT_EQ(h.sleeps_.size(), 1u);
  EXPECT_EQ(h.sleeps_[0], milliseconds(5000));
  EXPECT_EQ(h.PoJson("/return/" + id).at("summary").at("state"),
            "ITEM_READY_TO_SHIP");

  ASSERT_EQ(h.Faults(R"({"latency_ms":40})").status, 200);
  h.sleeps_.clear();
  h.Po("GET", "/return/search");
  ASSERT_EQ(h.sleeps_.size(), 1u);
  EXPECT_EQ(h.sleeps_[0], milliseconds(40));
  EXPECT_GE(h.Stats().at("faults_injected").as_int64(), 2);
  EXPECT_EQ(h.Faults(R"({"bogus":1})").status, 400);
  EXPECT_EQ(h.Faults(R"({"fail_rate":2})").status, 400);
}

TEST(EbaySandboxTest, WritesBecomeVisibleAfterTheDelay) {
  Harness h(200, 7,
            [](EbaySandboxOptions& o) { o.visibility_delay = seconds(30); });
  auto id = h.InState("RETURN_REQUESTED").at(0);
  ASSERT_EQ(
      h.Po("POST", "/return/" + id + "/decide", R"({"decision":"APPROVE"})")
          .status,
      200);
  // Reads still show the old state ...
  EXPECT_EQ(h.PoJson("/return/" + id).at("summary").at("state"),
            "RETURN_REQUESTED");
  auto listed = h.InState("RETURN_REQUESTED");
  EXPECT_NE(std::find(listed.begin(), listed.end(), id), listed.end());
  // ... while the write took effect.
  EXPECT_EQ(
      h.Po("POST", "/return/" + id + "/decide", R"({"decision":"APPROVE"})")
          .status,
      400);
  h.now_ += seconds(31);
  EXPECT_EQ(h.PoJson("/return/" + id).at("summary").at("state"),
            "ITEM_READY_TO_SHIP");
  listed = h.InState("RETURN_REQUESTED");
  EXPECT_EQ(std::find(listed.begin(), listed.end(), id), listed.end());
}

TEST(EbaySandboxTest, FailRateIsDeterministic) {
  auto run = [] {
    Harness h(20, 3, [](EbaySandboxOptions& o) { o.fail_rate = 0.3; });
    std::string statuses;
    for (int i = 0; i < 40; ++i) {
      statuses += std::to_string(h.Po("GET", "/return/search").status) + ",";
    }
    return statuses;
  };
  auto a = run();
  EXPECT_EQ(a, run());
  EXPECT_NE(a.find("500"), std::string::npos);
  EXPECT_NE(a.find("200"), std::string::npos);
}

TEST(EbaySandboxTest, SameSeedSameBytes) {
  auto dump = [](std::uint64_t seed) {
    Harness h(500, seed);
    std::string out;
    for (int page = 1; page <= 3; ++page) {
      out +=
          h.Po("GET", "/return/search?limit=200&offset=" + std::to_string(page))
              .body;
    }
    for (auto id : {"5000000001", "5000000250", "5000000500"}) {
      out +=
          h.Po("GET", std::string("/return/") + id + "?fieldgroups=FULL").body;
    }
    auto order = json::parse(h.Po("GET", "/return/5000000100").body)
                     .at("summary")
                     .at("orderId");
    out +=
        h.Call("GET",
               "/sell/fulfillment/v1/order/" + std::string(order.as_string()),
               "", {{"Authorization", "Bearer " + h.NewUserToken()}})
            .body;
    return out;
  };
  auto a = dump(11);
  EXPECT_EQ(a, dump(11));
  EXPECT_NE(a, dump(12));
}

TEST(EbaySandboxTest, EveryBuyerJurisdictionExists) {
  for (auto const& id : EbaySandboxBuyerJurisdictions()) {
    EXPECT_TRUE(std::filesystem::exists(std::string(SANBAO_SOURCE_DIR) +
                                        "/sdk/data/jurisdictions/" + id +
                                        ".json"))
        << id;
  }
  // The generated data spans many countries and currencies.
  Harness h(1000);
  std::set<std::string> countries;
  std::set<std::string> currencies;
  std::map<std::string, int> returns_per_order;
  std::set<std::string> states;
  bool multi_quantity = false;
  for (int page = 1; page <= 5; ++page) {
    auto p =
        h.PoJson("/return/search?limit=200&offset=" + std::to_string(page));
    for (auto const& m : p.at("members").as_array()) {
      auto const& est =
          m.at("sellerTotalRefund").at("estimatedRefundAmount").as_object();
      if (est.contains("convertedFromCurrency")) {
        currencies.emplace(est.at("convertedFromCurrency").as_string());
      }
      ++returns_per_order[std::string(m.at("orderId").as_string())];
      states.emplace(m.at("state").as_string());
      if (m.at("creationInfo").at("item").at("returnQuantity").as_int64() > 1) {
        multi_quantity = true;
      }
    }
  }
  for (int i = 1; i <= 1000; i += 7) {
    auto r = h.PoJson("/return/" + std::to_string(5000000000 + i) +
                      "?fieldgroups=FULL");
    countries.emplace(r.at("detail")
                          .at("buyerAddress")
                          .at("address")
                          .at("country")
                          .as_string());
  }
  EXPECT_GE(countries.size(), 15u);
  EXPECT_GE(currencies.size(), 8u);
  EXPECT_TRUE(multi_quantity);
  EXPECT_GE(states.size(), 8u);
  int multi_item_orders = 0;
  for (auto const& [order, n] : returns_per_order) multi_item_orders += n > 1;
  EXPECT_GT(multi_item_orders, 10);
}

TEST(EbaySandboxTest, SearchMembersHaveTheFixtureShape) {
  auto fixture = ReadFixture("return_search_page1.json");
  auto const& fbody = fixture.at("response").at("body");
  auto const& fmember = fbody.at("members").at(0);
  Harness h(300);
  auto page = h.PoJson("/return/search?limit=200&states=RETURN_REQUESTED");
  EXPECT_EQ(Keys(page), Keys(fbody));
  EXPECT_EQ(Keys(page.at("paginationOutput")),
            Keys(fbody.at("paginationOutput")));
  auto const& m = page.at("members").at(0);
  EXPECT_EQ(Keys(m), Keys(fmember));
  EXPECT_EQ(Keys(m.at("creationInfo")), Keys(fmember.at("creationInfo")));
  EXPECT_EQ(Keys(m.at("creationInfo").at("item")),
            Keys(fmember.at("creationInfo").at("item")));
  EXPECT_EQ(Keys(m.at("creationInfo").at("creationDate")),
            Keys(fmember.at("creationInfo").at("creationDate")));
  EXPECT_EQ(Keys(m.at("sellerResponseDue")),
            Keys(fmember.at("sellerResponseDue")));
  // Money is a JSON number in Post-Order; ids are strings.
  EXPECT_TRUE(m.at("sellerTotalRefund")
                  .at("estimatedRefundAmount")
                  .at("value")
                  .is_number());
  EXPECT_TRUE(m.at("returnId").is_string());
  // Members in other states carry no unknown keys.
  auto all = h.PoJson("/return/search?limit=200");
  for (auto const& x : all.at("members").as_array()) {
    for (auto const& k : Keys(x)) EXPECT_TRUE(Keys(fmember).contains(k)) << k;
  }
}

TEST(EbaySandboxTest, GetReturnHasTheCrossBorderFixtureShape) {
  auto fixture = ReadFixture("return_get_cross_border.json");
  auto const& fbody = fixture.at("response").at("body");
  Harness h(300);
  // A RETURN_REQUESTED return of a buyer who paid in EUR.
  auto page = h.PoJson("/return/search?limit=200&states=RETURN_REQUESTED");
  json::value found;
  for (auto const& m : page.at("members").as_array()) {
    auto const& est =
        m.at("sellerTotalRefund").at("estimatedRefundAmount").as_object();
    if (est.contains("convertedFromCurrency") &&
        est.at("convertedFromCurrency") == "EUR") {
      found = h.PoJson("/return/" + std::string(m.at("returnId").as_string()) +
                       "?fieldgroups=FULL");
      break;
    }
  }
  ASSERT_FALSE(found.is_null());
  EXPECT_EQ(Keys(found), Keys(fbody));
  EXPECT_EQ(Keys(found.at("summary")), Keys(fbody.at("summary")));
  auto const& d = found.at("detail");
  auto const& fd = fbody.at("detail");
  EXPECT_EQ(Keys(d), Keys(fd));
  EXPECT_EQ(Keys(d.at("itemDetail")), Keys(fd.at("itemDetail")));
  EXPECT_EQ(Keys(d.at("itemDetail").at("itemPrice")),
            Keys(fd.at("itemDetail").at("itemPrice")));
  EXPECT_EQ(Keys(d.at("refundInfo")), Keys(fd.at("refundInfo")));
  EXPECT_EQ(Keys(d.at("responseHistory").at(0)),
            Keys(fd.at("responseHistory").at(0)));
  EXPECT_EQ(Keys(d.at("returnShipmentInfo")),
            Keys(fd.at("returnShipmentInfo")));
  EXPECT_EQ(Keys(d.at("buyerAddress").at("address")),
            Keys(fd.at("buyerAddress").at("address")));
  auto const& item = d.at("refundInfo")
                         .at("estimatedRefundDetail")
                         .at("itemizedRefundDetails")
                         .at(0);
  EXPECT_EQ(Keys(item), Keys(fd.at("refundInfo")
                                 .at("estimatedRefundDetail")
                                 .at("itemizedRefundDetails")
                                 .at(0)));
  // The estimated total is the sum of the components, in both currencies.
  double seller = 0;
  double buyer = 0;
  for (auto const& c : d.at("refundInfo")
                           .at("estimatedRefundDetail")
                           .at("itemizedRefundDetails")
                           .as_array()) {
    seller += c.at("estimatedAmount").at("value").to_number<double>();
    buyer +=
        c.at("estimatedAmount").at("convertedFromValue").to_number<double>();
  }
  auto const& est =
      found.at("summary").at("sellerTotalRefund").at("estimatedRefundAmount");
  EXPECT_NEAR(est.at("value").to_number<double>(), seller, 0.001);
  EXPECT_NEAR(est.at("convertedFromValue").to_number<double>(), buyer, 0.011);
}

TEST(EbaySandboxTest, ErrorBodiesAreTheFixtures) {
  Harness h(200, 7, [](EbaySandboxOptions& o) { o.token_ttl = seconds(10); });
  auto token = h.NewUserToken();
  h.now_ += seconds(11);
  auto expired = h.Call("GET", "/post-order/v2/return/5000000001", "",
                        {{"Authorization", "IAF " + token}});
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(
      json::parse(expired.body),
      ReadFixture("error_401_iaf_expired.json").at("response").at("body"));

  ASSERT_EQ(h.Faults(R"({"rate_limit_next":1})").status, 200);
  auto limited = h.Po("GET", "/return/search?limit=25&offset=1");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(json::parse(limited.body),
            ReadFixture("rate_limited_429.json").at("response").at("body"));

  // The invalid-state error of a second refund, with this return's values.
  auto id = h.InState("ITEM_DELIVERED").at(0);
  std::string body =
      R"({"refundDetail":{"itemizedRefundDetail":[],"totalAmount":{"value":1,"currency":"USD"}}})";
  ASSERT_EQ(h.Po("POST", "/return/" + id + "/issue_refund", body).status, 200);
  auto second = h.Po("POST", "/return/" + id + "/issue_refund", body);
  auto expected =
      ReadFixture("error_invalid_state.json").at("response").at("body");
  auto& param = expected.at("error").at(0).at("parameter").as_array();
  param.at(0).as_object()["value"] = id;
  param.at(1).as_object()["value"] = "LESS_THAN_A_FULL_REFUND_ISSUED";
  EXPECT_EQ(second.status, 400);
  EXPECT_EQ(json::parse(second.body), expected);
}

TEST(EbaySandboxTest, FulfillmentOrderMatchesTheReturns) {
  Harness h(400);
  auto page = h.PoJson("/return/search?limit=200");
  std::map<std::string, std::vector<json::value>> by_order;
  for (auto const& m : page.at("members").as_array()) {
    by_order[std::string(m.at("orderId").as_string())].push_back(m);
  }
  std::string multi;
  for (auto const& [order, members] : by_order) {
    if (members.size() > 1) multi = order;
  }
  ASSERT_FALSE(multi.empty());
  auto token = h.NewUserToken();
  auto iaf = h.Call("GET", "/sell/fulfillment/v1/order/" + multi, "",
                    {{"Authorization", "IAF " + token}});
  EXPECT_EQ(iaf.status, 401);
  EXPECT_EQ(ErrorId(iaf), 1001);
  auto r = h.Call("GET", "/sell/fulfillment/v1/order/" + multi, "",
                  {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto order = json::parse(r.body);
  EXPECT_EQ(
      Keys(order),
      (std::set<std::string>{
          "orderId", "legacyOrderId", "creationDate", "lastModifiedDate",
          "orderFulfillmentStatus", "orderPaymentStatus", "sellerId", "buyer",
          "pricingSummary", "lineItems", "fulfillmentStartInstructions"}));
  auto const& lines = order.at("lineItems").as_array();
  ASSERT_EQ(lines.size(), by_order[multi].size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto const& ret = by_order[multi][i].at("creationInfo").at("item");
    EXPECT_EQ(lines[i].at("lineItemId"), ret.at("transactionId"));
    EXPECT_EQ(lines[i].at("legacyItemId"), ret.at("itemId"));
    EXPECT_TRUE(lines[i].at("lineItemCost").at("value").is_string());
    std::string max_delivery(lines[i]
                                 .at("lineItemFulfillmentInstructions")
                                 .at("maxEstimatedDeliveryDate")
                                 .as_string());
    std::string created(by_order[multi][i]
                            .at("creationInfo")
                            .at("creationDate")
                            .at("value")
                            .as_string());
    EXPECT_LT(max_delivery, created);
    EXPECT_LT(std::string(order.at("creationDate").as_string()), max_delivery);
  }
  EXPECT_EQ(h.Call("GET", "/sell/fulfillment/v1/order/12-99999-99999", "",
                   {{"Authorization", "Bearer " + token}})
                .status,
            404);
}

TEST(EbaySandboxTest, EuSellerMustSignDecideAndRefund) {
  Harness h(200, 7, [](EbaySandboxOptions& o) { o.seller_country = "DE"; });
  EXPECT_EQ(h.sandbox_->seller_currency(), "EUR");
  auto id = h.InState("RETURN_REQUESTED").at(0);
  std::string body = R"({"decision":"APPROVE"})";
  auto unsigned_call = h.Po("POST", "/return/" + id + "/decide", body);
  EXPECT_EQ(unsigned_call.status, 400);
  EXPECT_EQ(ErrorId(unsigned_call), 215120);
  auto sign = [&](std::string const& b, std::string digest_of) {
    return HttpHeaders{
        {"Content-Digest",
         "sha-256=:" + Base64(Digest(EVP_sha256(), digest_of)) + ":"},
        {"Signature-Input",
         R"(sig1=("content-digest" "x-ebay-signature-key" "@method" "@path" "@authority");created=1659651955)"},
        {"Signature", "sig1=:AAAA:"},
        {"x-ebay-signature-key", "eyJhbGciOi.test"}};
    (void)b;
  };
  auto wrong = h.Po("POST", "/return/" + id + "/decide", body,
                    sign(body, "something else"));
  EXPECT_EQ(wrong.status, 401);
  auto ok = h.Po("POST", "/return/" + id + "/decide", body, sign(body, body));
  EXPECT_EQ(ok.status, 200) << ok.body;

  // The digest is the one of eBay's worked example
  // (eu_digital_signature_vector.json): the body passes the signature check
  // and fails later, on content.
  auto vector = ReadFixture("eu_digital_signature_vector.json");
  std::string vbody(vector.at("body").as_string());
  auto example = h.Po(
      "POST", "/return/" + id + "/issue_refund", vbody,
      {{"Content-Digest", std::string(vector.at("Content-Digest").as_string())},
       {"Signature-Input",
        std::string(vector.at("Signature-Input").as_string())},
       {"Signature", std::string(vector.at("Signature").as_string())},
       {"x-ebay-signature-key", "jwe"}});
  EXPECT_EQ(example.status, 400);
  EXPECT_NE(ErrorId(example), 215120);
  // mark_as_received needs no signature.
  EXPECT_EQ(h.Po("POST", "/return/" + id + "/mark_as_received").status, 400);
}

TEST(EbaySandboxTest, WebhooksAreSignedAndRetried) {
  auto transport = std::make_shared<RecordingTransport>(2);
  Harness h(50, 7, [&](EbaySandboxOptions& o) {
    o.webhook_url = "http://127.0.0.1:9/ebay";
    o.webhook_transport = transport;
    o.webhook_initial_backoff = milliseconds(1);
  });
  auto created = h.Call("POST", "/sandbox/v1/returns", R"({"count":1})");
  ASSERT_EQ(created.status, 201);
  std::string id(json::parse(created.body).at("returns").at(0).as_string());
  h.sandbox_->FlushWebhooks();
  auto requests = transport->requests();
  ASSERT_EQ(requests.size(), 3u);  // two failures, then 200
  auto const& body = requests.back().body;
  EXPECT_NE(body.find("<NotificationEventName>ReturnCreated<"),
            std::string::npos);
  EXPECT_NE(body.find("<ReturnId>" + id + "</ReturnId>"), std::string::npos);
  auto ts_start = body.find("<Timestamp>") + 11;
  auto ts = body.substr(ts_start, body.find("</Timestamp>") - ts_start);
  EXPECT_EQ(ts, "2025-03-10T12:00:00.000Z");
  auto const& o = h.sandbox_->options();
  auto expected =
      Base64(Digest(EVP_md5(), ts + o.dev_id + o.client_id + o.client_secret));
  EXPECT_NE(body.find("<ebl:NotificationSignature xmlns:ebl="
                      "\"urn:ebay:apis:eBLBaseComponents\">" +
                      expected + "</ebl:NotificationSignature>"),
            std::string::npos);
  EXPECT_EQ(h.sandbox_->Stats().webhooks_delivered, 1);

  // Approve, ship, deliver: ReturnShipped and ReturnDelivered follow.
  ASSERT_EQ(
      h.Po("POST", "/return/" + id + "/decide", R"({"decision":"APPROVE"})")
          .status,
      200);
  ASSERT_EQ(h.Call("POST", "/sandbox/v1/returns/" + id + "/ship").status, 200);
  ASSERT_EQ(h.Call("POST", "/sandbox/v1/returns/" + id + "/deliver").status,
            200);
  h.sandbox_->FlushWebhooks();
  requests = transport->requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_NE(requests[3].body.find("ReturnShipped"), std::string::npos);
  EXPECT_NE(requests[4].body.find("ReturnDelivered"), std::string::npos);

  // Duplicate delivery: the same notification twice.
  ASSERT_EQ(h.Faults(R"({"webhook_duplicate":true})").status, 200);
  ASSERT_EQ(h.Call("POST", "/sandbox/v1/returns").status, 201);
  h.sandbox_->FlushWebhooks();
  requests = transport->requests();
  ASSERT_EQ(requests.size(), 7u);
  EXPECT_EQ(requests[5].body, requests[6].body);
  EXPECT_EQ(h.sandbox_->Stats().webhooks_delivered, 5);
}

TEST(EbaySandboxTest, ReturnsCreatedDuringPaginationLandAtTheEnd) {
  Harness h(30);
  auto p1 = h.PoJson("/return/search?limit=10&offset=1&sort=%2BFILING_DATE");
  h.now_ += seconds(5);
  auto created = h.Call("POST", "/sandbox/v1/returns", R"({"count":2})");
  ASSERT_EQ(created.status, 201);
  auto ids = json::parse(created.body).at("returns").as_array();
  auto p2 = h.PoJson("/return/search?limit=10&offset=2&sort=%2BFILING_DATE");
  // Page 2 still holds the next ten of the original order.
  EXPECT_EQ(p2.at("members").at(0).at("returnId").as_string(),
            std::to_string(5000000011));
  auto p4 = h.PoJson("/return/search?limit=10&offset=4&sort=%2BFILING_DATE");
  ASSERT_EQ(p4.at("members").as_array().size(), 2u);
  EXPECT_EQ(p4.at("members").at(0).at("returnId"), ids.at(0));
  EXPECT_EQ(p4.at("members").at(1).at("returnId"), ids.at(1));
  EXPECT_EQ(p4.at("members").at(0).at("state"), "RETURN_REQUESTED");
  EXPECT_EQ(p4.at("paginationOutput").at("totalEntries").as_int64(), 32);
  EXPECT_EQ(h.Stats().at("returns").as_int64(), 32);
}

TEST(EbaySandboxTest, AMillionReturns) {
  Harness h(1'000'000, 1);
  auto last = h.PoJson("/return/search?limit=200&offset=5000");
  EXPECT_EQ(last.at("members").as_array().size(), 200u);
  EXPECT_EQ(last.at("paginationOutput").at("totalPages").as_int64(), 5000);
  EXPECT_EQ(last.at("members").at(199).at("returnId"), "5001000000");
  auto one = h.PoJson("/return/5000500000?fieldgroups=FULL");
  EXPECT_EQ(one.at("summary").at("returnId"), "5000500000");
  auto open = h.PoJson("/return/search?return_state=ALL_OPEN&limit=1");
  EXPECT_GT(open.at("total").as_int64(), 800'000);
}

TEST(EbaySandboxTest, CreateRejectsBadOptions) {
  EbaySandboxOptions o;
  o.seller_country = "XX";
  auto r = EbaySandbox::Create(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "SANDBOX_BAD_OPTION");
  o.seller_country = "US";
  o.fail_rate = 1.5;
  EXPECT_FALSE(EbaySandbox::Create(o).ok());
  o.fail_rate = 0;
  o.webhook_url = "http://127.0.0.1:1/x";
  EXPECT_FALSE(EbaySandbox::Create(o).ok());
}

}  // namespace
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
