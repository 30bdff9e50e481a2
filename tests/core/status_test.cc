#include "sanbao/status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sanbao/status_or.h"

namespace sanbao {
namespace {

using ::testing::HasSubstr;

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.reason(), "");
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(Status, OkCodeDropsMessage) {
  Status s(ErrorCode::kOk, "ignored", ErrorInfo{.reason = "X"});
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s, Status());
}

TEST(Status, CarriesEverything) {
  Status s(ErrorCode::kResourceExhausted, "slow down",
           ErrorInfo{.reason = "RATE_LIMITED",
                     .domain = "ebay",
                     .metadata = {{"errorId", "1001"}},
                     .http_status = 429,
                     .request_id = "req-1",
                     .retry_after = std::chrono::seconds(7),
                     .attempts = 3});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "slow down");
  EXPECT_EQ(s.reason(), "RATE_LIMITED");
  EXPECT_EQ(s.error_info().domain, "ebay");
  EXPECT_EQ(s.error_info().metadata.at("errorId"), "1001");
  EXPECT_EQ(s.error_info().http_status, 429);
  EXPECT_EQ(s.error_info().request_id, "req-1");
  EXPECT_EQ(s.error_info().retry_after, std::chrono::milliseconds(7000));
  EXPECT_EQ(s.error_info().attempts, 3);
  EXPECT_EQ(s.ToString(),
            "RESOURCE_EXHAUSTED: slow down [reason=RATE_LIMITED errorId=1001]");
}

TEST(Status, Equality) {
  auto a = InvalidArgumentError("bad", "BAD");
  auto b = InvalidArgumentError("bad", "BAD");
  auto c = InvalidArgumentError("bad", "OTHER");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, Status());
  Status copy = a;
  EXPECT_EQ(copy, a);
}

TEST(Status, FactoriesSetCodeReasonAndHttpStatus) {
  struct Case {
    Status status;
    ErrorCode code;
    int http;
  };
  std::vector<Case> cases = {
      {InvalidArgumentError("m", "R"), ErrorCode::kInvalidArgument, 400},
      {NotFoundError("m", "R"), ErrorCode::kNotFound, 404},
      {OutOfRangeError("m", "R"), ErrorCode::kOutOfRange, 400},
      {FailedPreconditionError("m", "R"), ErrorCode::kFailedPrecondition, 400},
      {InternalError("m", "R"), ErrorCode::kInternal, 500},
      {UnavailableError("m", "R"), ErrorCode::kUnavailable, 503},
  };
  for (auto const& c : cases) {
    EXPECT_EQ(c.status.code(), c.code);
    EXPECT_EQ(c.status.reason(), "R");
    EXPECT_EQ(c.status.error_info().domain, "sanbao");
    EXPECT_EQ(c.status.error_info().http_status, c.http);
  }
}

TEST(Status, WithMetadataCopies) {
  auto a = InvalidArgumentError("bad", "BAD", {{"field", "amount"}});
  auto b = a.WithMetadata("value", "1.2.3");
  EXPECT_EQ(a.error_info().metadata.size(), 1U);
  EXPECT_EQ(b.error_info().metadata.at("value"), "1.2.3");
  EXPECT_EQ(b.error_info().metadata.at("field"), "amount");
  EXPECT_TRUE(Status().WithMetadata("k", "v").ok());
}

TEST(Status, CodeNamesAndHttpMapping) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kFailedPrecondition),
            "FAILED_PRECONDITION");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kUnauthenticated), "UNAUTHENTICATED");
  EXPECT_EQ(ErrorCodeFromHttpStatus(200), ErrorCode::kOk);
  EXPECT_EQ(ErrorCodeFromHttpStatus(204), ErrorCode::kOk);
  EXPECT_EQ(ErrorCodeFromHttpStatus(400), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ErrorCodeFromHttpStatus(401), ErrorCode::kUnauthenticated);
  EXPECT_EQ(ErrorCodeFromHttpStatus(403), ErrorCode::kPermissionDenied);
  EXPECT_EQ(ErrorCodeFromHttpStatus(404), ErrorCode::kNotFound);
  EXPECT_EQ(ErrorCodeFromHttpStatus(408), ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(ErrorCodeFromHttpStatus(409), ErrorCode::kAborted);
  EXPECT_EQ(ErrorCodeFromHttpStatus(412), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(ErrorCodeFromHttpStatus(429), ErrorCode::kResourceExhausted);
  EXPECT_EQ(ErrorCodeFromHttpStatus(500), ErrorCode::kInternal);
  EXPECT_EQ(ErrorCodeFromHttpStatus(502), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeFromHttpStatus(503), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeFromHttpStatus(504), ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(ErrorCodeFromHttpStatus(418), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnauthenticated), 401);
  std::ostringstream os;
  os << ErrorCode::kNotFound;
  EXPECT_EQ(os.str(), "NOT_FOUND");
}

TEST(StatusOr, HoldsValue) {
  StatusOr<std::string> v("hello");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v.status().ok());
  EXPECT_EQ(*v, "hello");
  EXPECT_EQ(v->size(), 5U);
  EXPECT_EQ(v.value(), "hello");
  EXPECT_EQ(v.value_or("x"), "hello");
}

TEST(StatusOr, HoldsError) {
  StatusOr<int> v(NotFoundError("nope", "MISSING"));
  EXPECT_FALSE(v.ok());
  EXPECT_FALSE(static_cast<bool>(v));
  EXPECT_EQ(v.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(v.value_or(42), 42);
  try {
    (void)v.value();
    FAIL() << "value() must throw on an error";
  } catch (StatusError const& e) {
    EXPECT_EQ(e.status().reason(), "MISSING");
    EXPECT_THAT(e.what(), HasSubstr("nope"));
  }
}

TEST(StatusOr, NeverHoldsAnOkStatus) {
  StatusOr<int> v{Status()};
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kInternal);
  EXPECT_EQ(v.status().reason(), "STATUS_OR_OK_STATUS");
}

TEST(StatusOr, DefaultConstructedHasNoValue) {
  StatusOr<int> v;
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kUnknown);
}

TEST(StatusOr, MoveOnlyValues) {
  StatusOr<std::unique_ptr<int>> v(std::make_unique<int>(7));
  ASSERT_TRUE(v.ok());
  std::unique_ptr<int> p = std::move(v).value();
  EXPECT_EQ(*p, 7);
}

TEST(StatusOr, ConvertingConstruction) {
  StatusOr<std::string> v("literal");  // const char* -> std::string
  EXPECT_EQ(*v, "literal");
  StatusOr<std::vector<int>> w(std::vector<int>{1, 2, 3});
  EXPECT_EQ(w->size(), 3U);
}

}  // namespace
}  // namespace sanbao
