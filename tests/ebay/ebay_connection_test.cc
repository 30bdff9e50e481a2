// The connector over a scripted transport: auth schemes, the 401 refresh,
// paging, and the read-before-resend rules for writes without an
// idempotency key (eBay Post-Order API: Issue Return Refund,
// https://developer.ebay.com/Devzone/post-order/post-order_v2_return-returnid_issue_refund__post.html).

#include <gtest/gtest.h>

#include <string>

#include "ebay_test_support.h"
#include "sanbao/ebay/connection.h"
#include "sanbao/ebay/signing.h"
#include "sanbao/ebay/windows.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace {

using testing::At;
using testing::JsonResponse;
using testing::M;
using testing::MakeTestConnection;
using testing::ScriptedTransport;

// A GET /return/{id}?fieldgroups=FULL answer in `state`, with a refund
// status when given.
HttpResponse ReturnIn(std::string const& state,
                      std::string const& refund_status = "",
                      std::string const& rma = "") {
  std::string detail = R"({"marketplaceId":"EBAY_US")";
  if (!refund_status.empty()) {
    detail += R"(,"refundInfo":{"actualRefundDetail":{"refundStatus":")" +
              refund_status + R"("}})";
  }
  if (!rma.empty()) detail += R"(,"RMANumber":")" + rma + R"(")";
  detail += "}";
  return JsonResponse(
      200, R"({"summary":{"returnId":"5000012346","orderId":"12-11111-33333",)"
           R"("state":")" +
               state + R"(","status":")" + state + R"("},"detail":)" + detail +
               "}");
}

// A first attempt: nothing was sent before.
MarketplaceRefundRequest Refund() {
  return MarketplaceRefundRequest{
      .parts = {{.kind = RefundPartKind::kGoods,
                 .amount = {.amount = M("53.82", "USD")},
                 .restocking_fee_percent = 10}},
      .total = M("53.82", "USD"),
      .comment = "Refund minus 10% restocking fee"};
}

// A retry: an earlier attempt may have gone through unanswered.
MarketplaceRefundRequest Retry() {
  auto r = Refund();
  r.maybe_sent_before = true;
  return r;
}

HttpResponse RefundAnswer(std::string const& status) {
  return JsonResponse(200, R"({"refundStatus":")" + status + R"("})");
}

TEST(EbayConnection, OptionsAreChecked) {
  EbayOptions options;
  EXPECT_EQ(MakeEbayConnection(options).status().reason(),
            "EBAY_OPTIONS_INVALID");
  options.transport = std::make_shared<ScriptedTransport>();
  EXPECT_EQ(
      MakeEbayConnection(options).status().error_info().metadata.at("field"),
      "user_tokens");
  options.user_tokens = testing::NumberedTokens(testing::TestNow());
  options.api_base = "ftp://x";
  EXPECT_EQ(
      MakeEbayConnection(options).status().error_info().metadata.at("field"),
      "api_base");
  options.api_base = "http://127.0.0.1:8080";
  options.page_size = 201;
  EXPECT_EQ(
      MakeEbayConnection(options).status().error_info().metadata.at("field"),
      "page_size");
  options.page_size = 50;
  auto connection = MakeEbayConnection(options);
  ASSERT_TRUE(connection.ok());
  auto caps = (*connection)->Capabilities();
  EXPECT_TRUE(caps.list_by_creation_date);
  EXPECT_EQ(caps.max_page_size, 200);
  EXPECT_EQ(caps.max_lookback, kMaxLookback);
  EXPECT_FALSE(caps.refund_idempotency);
  EXPECT_TRUE(caps.itemized_refund);
}

TEST(EbayConnection, PostOrderUsesIafAndFulfillmentBearer) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(ReturnIn("RETURN_REQUESTED"));
  transport->ThenRespond(
      JsonResponse(200, R"({"orderId":"12-1","lineItems":[]})"));
  ASSERT_TRUE(connection->GetReturn("5000012346").ok());
  ASSERT_TRUE(connection->GetOrder("12-1").ok());
  ASSERT_EQ(transport->requests.size(), 2u);
  EXPECT_EQ(FindHeader(transport->requests[0].headers, "Authorization").value(),
            "IAF token-1");
  EXPECT_EQ(FindHeader(transport->requests[1].headers, "Authorization").value(),
            "Bearer token-1");
  EXPECT_EQ(transport->requests[1].url,
            "https://api.ebay.com/sell/fulfillment/v1/order/12-1");
  // Ids are path segments: percent-encoded.
  transport->ThenRespond(ReturnIn("RETURN_REQUESTED"));
  (void)connection->GetReturn("a/b");
  EXPECT_EQ(transport->requests.back().url,
            "https://api.ebay.com/post-order/v2/return/a%2Fb?fieldgroups=FULL");
}

TEST(EbayConnection, RefreshesOnceAfter401AndResends) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  auto expired = testing::FixtureResponse(
      testing::LoadFixture("error_401_iaf_expired.json"));
  transport->ThenRespond(expired);
  transport->ThenRespond(JsonResponse(200, "{}"));
  ASSERT_TRUE(connection
                  ->Decide("5000012345",
                           {.kind = ReturnDecisionRequest::Kind::kApprove})
                  .ok());
  ASSERT_EQ(transport->requests.size(), 2u);
  EXPECT_EQ(FindHeader(transport->requests[0].headers, "Authorization").value(),
            "IAF token-1");
  EXPECT_EQ(FindHeader(transport->requests[1].headers, "Authorization").value(),
            "IAF token-2");
  EXPECT_EQ(transport->requests[1].body, transport->requests[0].body);

  // A second 401 is the answer.
  transport->ThenRespond(expired);
  transport->ThenRespond(expired);
  auto failed = connection->GetReturn("5000012345");
  EXPECT_EQ(failed.status().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(failed.status().reason(), "EBAY_IAF_TOKEN_EXPIRED");
  EXPECT_EQ(failed.status().error_info().metadata.at("error_id"), "21917053");
  EXPECT_EQ(transport->requests.size(), 4u);
}

TEST(EbayConnection, BatchReadsKeepOrderAndRefreshOnceFor401s) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  auto expired = testing::FixtureResponse(
      testing::LoadFixture("error_401_iaf_expired.json"));
  // The batch goes out as one SendAll: the second answer is a 401, the
  // third a 404; only the 401 is sent again, with the refreshed token.
  transport->ThenRespond(ReturnIn("RETURN_REQUESTED"));
  transport->ThenRespond(expired);
  transport->ThenRespond(testing::JsonResponse(
      404, R"({"error":[{"errorId":1,"message":"not found"}]})"));
  transport->ThenRespond(ReturnIn("ITEM_DELIVERED"));
  std::vector<std::string> ids = {"1", "2", "3", ""};
  auto results = connection->GetReturns(ids);
  ASSERT_EQ(results.size(), 4u);
  ASSERT_TRUE(results[0].ok()) << results[0].status();
  EXPECT_EQ(results[0]->state, "RETURN_REQUESTED");
  ASSERT_TRUE(results[1].ok()) << results[1].status();
  EXPECT_EQ(results[1]->state, "ITEM_DELIVERED");
  EXPECT_FALSE(results[2].ok());
  EXPECT_EQ(results[3].status().reason(), "EBAY_ID_INVALID");
  ASSERT_EQ(transport->requests.size(), 4u);
  EXPECT_EQ(transport->requests[1].url,
            "https://api.ebay.com/post-order/v2/return/2?fieldgroups=FULL");
  EXPECT_EQ(transport->requests[3].url, transport->requests[1].url);
  EXPECT_EQ(FindHeader(transport->requests[3].headers, "Authorization").value(),
            "IAF token-2");

  // Orders: Bearer, in order.
  transport->ThenRespond(
      testing::JsonResponse(200, R"({"orderId":"12-1","lineItems":[]})"));
  transport->ThenRespond(
      testing::JsonResponse(200, R"({"orderId":"12-2","lineItems":[]})"));
  std::vector<std::string> orders = {"12-1", "12-2"};
  auto fetched = connection->GetOrders(orders);
  ASSERT_EQ(fetched.size(), 2u);
  ASSERT_TRUE(fetched[1].ok()) << fetched[1].status();
  EXPECT_EQ(fetched[1]->order_id, "12-2");
  EXPECT_EQ(FindHeader(transport->requests[5].headers, "Authorization").value(),
            "Bearer token-2");
}

TEST(EbayConnection, TokenErrorsArePassedOn) {
  auto transport = std::make_shared<ScriptedTransport>();
  EbayOptions options;
  options.transport = transport;
  options.user_tokens = std::make_shared<TokenProvider>(
      []() -> StatusOr<AccessToken> {
        return Status(ErrorCode::kInvalidArgument, "bad grant",
                      ErrorInfo{.reason = "OAUTH_INVALID_GRANT"});
      },
      [] { return testing::TestNow(); });
  auto connection = MakeEbayConnection(options).value();
  EXPECT_EQ(connection->GetReturn("1").status().reason(),
            "OAUTH_INVALID_GRANT");
  EXPECT_TRUE(transport->requests.empty());
}

TEST(EbayConnection, ListRejectsWindowsBeyondEighteenMonths) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  ReturnsQuery query{.created_from = At("2023-01-01T00:00:00Z"),
                     .created_to = At("2023-02-01T00:00:00Z")};
  EXPECT_EQ(connection->ListReturns(query).status().reason(),
            "EBAY_WINDOW_TOO_OLD");
  query.created_from = At("2025-03-01T00:00:00Z");
  query.created_to = At("2025-02-01T00:00:00Z");
  EXPECT_EQ(connection->ListReturns(query).status().reason(),
            "EBAY_WINDOW_INVALID");
  query.created_to = At("2025-03-02T00:00:00Z");
  query.page_token = "two";
  EXPECT_EQ(connection->ListReturns(query).status().reason(),
            "EBAY_PAGE_TOKEN_INVALID");
  EXPECT_TRUE(transport->requests.empty());
}

TEST(EbayConnection, ListPagesUntilTotalPages) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  auto page = [](int offset) {
    return JsonResponse(
        200, R"({"members":[],"paginationOutput":{"limit":200,"offset":)" +
                 std::to_string(offset) +
                 R"(,"totalEntries":450,"totalPages":3},"total":450})");
  };
  ReturnsQuery query{.created_from = At("2025-03-01T00:00:00Z"),
                     .created_to = At("2025-03-02T00:00:00Z")};
  std::vector<std::string> tokens;
  for (int offset = 1; offset <= 3; ++offset) {
    transport->ThenRespond(page(offset));
    auto result = connection->ListReturns(query);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->total_entries, 450);
    EXPECT_EQ(result->total_pages, 3);
    tokens.push_back(result->next_page_token);
    query.page_token = result->next_page_token;
  }
  EXPECT_EQ(tokens, (std::vector<std::string>{"2", "3", ""}));
  auto params = testing::QueryParams(
      internal::SplitUrl(transport->requests[2].url)->query);
  EXPECT_EQ(params.find("offset")->second, "3");
  EXPECT_EQ(params.find("limit")->second, "200");
  EXPECT_EQ(params.find("sort")->second, "+FILING_DATE");
}

// --- IssueRefund: never a second refund ------------------------------------

TEST(EbayRefund, AlreadyRefundedIsNotSentAgain) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(ReturnIn("REFUND_INITIATED", "PENDING"));
  auto result = connection->IssueRefund("5000012346", Retry());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->already_issued);
  EXPECT_EQ(result->refund_status, "PENDING");
  EXPECT_EQ(transport->CountPosts(), 0);

  // A closed return with a completed refund, too.
  transport->ThenRespond(ReturnIn("CLOSED", "SUCCESS"));
  result = connection->IssueRefund("5000012346", Retry());
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->already_issued);
  EXPECT_EQ(result->refund_status, "SUCCESS");
  EXPECT_EQ(transport->CountPosts(), 0);
}

TEST(EbayRefund, FirstTimeSendsOnce) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(RefundAnswer("PENDING"));
  auto result = connection->IssueRefund("5000012346", Refund());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->already_issued);
  EXPECT_EQ(result->refund_status, "PENDING");
  EXPECT_EQ(transport->CountPosts(), 1);
  EXPECT_EQ(transport->requests.size(), 1u);  // no read on a first attempt
}

TEST(EbayRefund, ARetryReadsBackFirstThenSendsOnce) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(ReturnIn("ITEM_DELIVERED"));
  transport->ThenRespond(RefundAnswer("PENDING"));
  auto result = connection->IssueRefund("5000012346", Retry());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->already_issued);
  ASSERT_EQ(transport->requests.size(), 2u);
  EXPECT_EQ(transport->requests[0].method, "GET");
  EXPECT_EQ(transport->CountPosts(), 1);
  EXPECT_EQ(transport->remaining(), 0u);
}

TEST(EbayRefund, ARetryThatCannotReadBackSendsNothing) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenFail("HTTP_TIMEOUT", ErrorCode::kDeadlineExceeded);
  auto result = connection->IssueRefund("5000012346", Retry());
  EXPECT_EQ(result.status().reason(), "HTTP_TIMEOUT");
  EXPECT_EQ(transport->CountPosts(), 0);
}

TEST(EbayRefund, TimeoutThenRefundVisibleMeansOnePost) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenFail("HTTP_TIMEOUT", ErrorCode::kDeadlineExceeded);
  transport->ThenRespond(ReturnIn("REFUND_INITIATED", "PENDING"));
  auto result = connection->IssueRefund("5000012346", Refund());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->already_issued);
  EXPECT_EQ(transport->CountPosts(), 1);
  EXPECT_EQ(transport->remaining(), 0u);
}

TEST(EbayRefund, TimeoutThenNotVisibleResends) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenFail("HTTP_CONNECTION_LOST", ErrorCode::kUnavailable);
  transport->ThenRespond(ReturnIn("ITEM_DELIVERED"));
  transport->ThenRespond(RefundAnswer("PENDING"));
  auto result = connection->IssueRefund("5000012346", Refund());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->already_issued);
  EXPECT_EQ(result->refund_status, "PENDING");
  EXPECT_EQ(transport->CountPosts(), 2);
  EXPECT_EQ(transport->requests[0].body, transport->requests[2].body);
}

TEST(EbayRefund, ServerErrorRereadsBeforeDeciding) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(JsonResponse(500, R"({"errors":[{"errorId":1}]})"));
  transport->ThenRespond(ReturnIn("REFUND_INITIATED"));
  auto result = connection->IssueRefund("5000012346", Refund());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->already_issued);
  EXPECT_EQ(result->refund_status, "PENDING");
  EXPECT_EQ(transport->CountPosts(), 1);
}

TEST(EbayRefund, ResendsAreBounded) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);  // max_write_resends = 2
  for (int i = 0; i < 3; ++i) {
    transport->ThenRespond(JsonResponse(503, ""));
    transport->ThenRespond(ReturnIn("ITEM_DELIVERED"));
  }
  auto result = connection->IssueRefund("5000012346", Refund());
  EXPECT_EQ(result.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(result.status().reason(), "EBAY_SERVER_ERROR");
  EXPECT_EQ(result.status().error_info().metadata.at("resends"), "2");
  EXPECT_EQ(transport->CountPosts(), 3);
  EXPECT_EQ(transport->remaining(), 0u);
}

TEST(EbayRefund, UnreadableAfterTimeoutIsNeverResent) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenFail("HTTP_TIMEOUT", ErrorCode::kDeadlineExceeded);
  transport->ThenFail("HTTP_TIMEOUT", ErrorCode::kDeadlineExceeded);
  auto result = connection->IssueRefund("5000012346", Refund());
  EXPECT_EQ(result.status().reason(), "EBAY_OUTCOME_UNKNOWN");
  EXPECT_EQ(result.status().error_info().metadata.at("write_error"),
            "HTTP_TIMEOUT");
  EXPECT_EQ(transport->CountPosts(), 1);
}

TEST(EbayRefund, NotSentAndClientErrorsAreReturnedAsTheyAre) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenFail("HTTP_NOT_SENT", ErrorCode::kUnavailable);
  EXPECT_EQ(connection->IssueRefund("5000012346", Refund()).status().reason(),
            "HTTP_NOT_SENT");
  transport->ThenRespond(JsonResponse(
      400,
      R"({"error":[{"errorId":1,"category":"REQUEST","message":"bad"}]})"));
  EXPECT_EQ(connection->IssueRefund("5000012346", Refund()).status().reason(),
            "EBAY_REQUEST_ERROR");
  EXPECT_EQ(transport->CountPosts(), 2);
  EXPECT_EQ(transport->remaining(), 0u);
}

TEST(EbayRefund, FailedRefundMayBeIssuedAgain) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(ReturnIn("REFUND_FAILED", "FAILED"));
  transport->ThenRespond(RefundAnswer("SUCCESS"));
  auto result = connection->IssueRefund("5000012346", Retry());
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->already_issued);
  EXPECT_EQ(result->refund_status, "SUCCESS");
}

// --- Decide / MarkReceived -------------------------------------------------

TEST(EbayDecide, TimeoutThenApprovedIsDone) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenFail("HTTP_TIMEOUT", ErrorCode::kDeadlineExceeded);
  transport->ThenRespond(ReturnIn("RETURN_LABEL_PENDING"));
  EXPECT_TRUE(connection
                  ->Decide("5000012346",
                           {.kind = ReturnDecisionRequest::Kind::kApprove})
                  .ok());
  EXPECT_EQ(transport->CountPosts(), 1);
}

TEST(EbayDecide, TimeoutThenUnchangedResends) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenFail("HTTP_TIMEOUT", ErrorCode::kDeadlineExceeded);
  transport->ThenRespond(ReturnIn("RETURN_REQUESTED"));
  transport->ThenRespond(JsonResponse(200, ""));
  EXPECT_TRUE(connection
                  ->Decide("5000012346",
                           {.kind = ReturnDecisionRequest::Kind::kDecline})
                  .ok());
  EXPECT_EQ(transport->CountPosts(), 2);
}

TEST(EbayDecide, InvalidStateIsSuccessOnlyWhenAlreadyApplied) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  auto invalid = JsonResponse(
      400, R"({"error":[{"errorId":1617,"message":"The requested action is )"
           R"(not allowed in the current return state."}]})");
  transport->ThenRespond(invalid);
  transport->ThenRespond(ReturnIn("RETURN_REJECTED"));
  EXPECT_TRUE(connection
                  ->Decide("5000012346",
                           {.kind = ReturnDecisionRequest::Kind::kDecline})
                  .ok());
  transport->ThenRespond(invalid);
  transport->ThenRespond(ReturnIn("RETURN_REJECTED"));
  auto status = connection->Decide(
      "5000012346", {.kind = ReturnDecisionRequest::Kind::kApprove});
  EXPECT_EQ(status.reason(), "EBAY_INVALID_STATE");
  EXPECT_EQ(status.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(transport->CountPosts(), 2);
  EXPECT_EQ(transport->remaining(), 0u);
}

TEST(EbayDecide, ProvideRmaIsCheckedByItsNumber) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(JsonResponse(502, ""));
  transport->ThenRespond(ReturnIn("ITEM_READY_TO_SHIP", "", "RMA-77"));
  EXPECT_TRUE(connection
                  ->Decide("5000012346",
                           {.kind = ReturnDecisionRequest::Kind::kProvideRma,
                            .rma_number = "RMA-77"})
                  .ok());
  EXPECT_EQ(transport->CountPosts(), 1);
  EXPECT_NE(transport->requests[0].body.find(R"("RMANumber":"RMA-77")"),
            std::string::npos);
}

TEST(EbayDecide, MarkReceivedAfterTimeout) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenFail("HTTP_TIMEOUT", ErrorCode::kDeadlineExceeded);
  transport->ThenRespond(ReturnIn("ITEM_DELIVERED"));
  EXPECT_TRUE(connection->MarkReceived("5000012346", "ok").ok());
  EXPECT_EQ(transport->CountPosts(), 1);
}

// --- Signing on the wire ---------------------------------------------------

constexpr char kTestKey[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n"
    "-----END PRIVATE KEY-----\n";
constexpr char kTestPublicKey[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n"
    "-----END PUBLIC KEY-----\n";

void ExpectSignedBy(HttpRequest const& request) {
  auto digest = FindHeader(request.headers, "Content-Digest");
  ASSERT_TRUE(digest.has_value());
  EXPECT_EQ(*digest, ContentDigest(request.body));
  auto parts = internal::SplitUrl(request.url).value();
  SignatureComponents c{
      .content_digest = std::string(*digest),
      .signature_key = "test-jwe",
      .method = request.method,
      .path = parts.path,
      .authority = parts.authority,
      .created = testing::TestNow().time_since_epoch().count()};
  EXPECT_EQ(FindHeader(request.headers, "Signature-Input").value(),
            SignatureInput(c));
  auto signature =
      std::string(FindHeader(request.headers, "Signature").value());
  ASSERT_TRUE(signature.starts_with("sig1=:") && signature.ends_with(":"));
  EXPECT_TRUE(VerifyBase(SignatureBase(c),
                         signature.substr(6, signature.size() - 7),
                         kTestPublicKey)
                  .ok());
}

TEST(EbaySignedWrites, DecideAndRefundAreSignedReadsAreNot) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(
      transport,
      SigningKey{.private_key_pem = kTestKey, .signature_key_jwe = "test-jwe"});
  transport->ThenRespond(JsonResponse(200, "{}"));
  ASSERT_TRUE(
      connection
          ->Decide("5000012345", {.kind = ReturnDecisionRequest::Kind::kApprove,
                                  .comment = "ok"})
          .ok());
  transport->ThenRespond(ReturnIn("ITEM_DELIVERED"));
  transport->ThenRespond(RefundAnswer("PENDING"));
  ASSERT_TRUE(connection->IssueRefund("5000012346", Retry()).ok());
  transport->ThenRespond(JsonResponse(200, ""));
  ASSERT_TRUE(connection->MarkReceived("5000012346", "ok").ok());

  ASSERT_EQ(transport->requests.size(), 4u);
  ExpectSignedBy(transport->requests[0]);
  EXPECT_FALSE(FindHeader(transport->requests[1].headers, "Signature"));
  ExpectSignedBy(transport->requests[2]);
  EXPECT_FALSE(FindHeader(transport->requests[3].headers, "Signature"));
}

TEST(EbaySignedWrites, ResignedAfterTokenRefresh) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(
      transport,
      SigningKey{.private_key_pem = kTestKey, .signature_key_jwe = "test-jwe"});
  transport->ThenRespond(testing::FixtureResponse(
      testing::LoadFixture("error_401_iaf_expired.json")));
  transport->ThenRespond(JsonResponse(200, "{}"));
  ASSERT_TRUE(connection
                  ->Decide("5000012345",
                           {.kind = ReturnDecisionRequest::Kind::kApprove})
                  .ok());
  ASSERT_EQ(transport->requests.size(), 2u);
  ExpectSignedBy(transport->requests[1]);
  EXPECT_EQ(transport->requests[1].headers.size(),
            transport->requests[0].headers.size());
}

}  // namespace
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
