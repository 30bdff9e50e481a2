// Wire formats: exact amounts, dates, errors, request bodies; the state and
// reason tables; the 18-month search window.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ebay_test_support.h"
#include "sanbao/ebay/mapping.h"
#include "sanbao/ebay/windows.h"
#include "wire.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace {

namespace json = boost::json;
using testing::At;
using testing::M;

StatusOr<Money> Amount(std::string_view json_value, std::string_view currency) {
  return internal::ParseMoney(json::parse(json_value), currency, "test");
}

TEST(EbayAmount, JsonNumbersBecomeExactMoney) {
  // 43.1 has no exact double; the 15-digit text of the double is 43.1.
  EXPECT_EQ(Amount("43.1", "USD").value(), M("43.10", "USD"));
  EXPECT_EQ(Amount("0.1", "USD").value(), M("0.10", "USD"));
  EXPECT_EQ(Amount("1e2", "USD").value(), M("100.00", "USD"));
  EXPECT_EQ(Amount("39.0", "EUR").value(), M("39.00", "EUR"));
  EXPECT_EQ(Amount("53.82", "USD").value(), M("53.82", "USD"));
  EXPECT_EQ(Amount("20", "USD").value(), M("20.00", "USD"));
  EXPECT_EQ(Amount("-5.5", "USD").value(), M("-5.50", "USD"));
  EXPECT_EQ(Amount("1234567890123.45", "USD").value(),
            M("1234567890123.45", "USD"));
  EXPECT_EQ(Amount("0.29", "USD").value().minor_units(), 29);
  EXPECT_EQ(Amount("1.005", "KWD").value().minor_units(), 1005);
}

TEST(EbayAmount, StringsAreReadAsDecimals) {
  EXPECT_EQ(Amount(R"("12.50")", "USD").value(), M("12.50", "USD"));
  EXPECT_EQ(Amount(R"("39.99")", "USD").value(), M("39.99", "USD"));
  EXPECT_EQ(Amount(R"("5")", "USD").value(), M("5.00", "USD"));
  // Zeros past the minor units say nothing and are dropped.
  EXPECT_EQ(Amount(R"("20.000")", "USD").value(), M("20.00", "USD"));
  // Strings must be plain decimals.
  EXPECT_EQ(Amount(R"("1e5")", "USD").status().reason(), "EBAY_AMOUNT_INVALID");
  EXPECT_EQ(Amount(R"("12,50")", "USD").status().reason(),
            "EBAY_AMOUNT_INVALID");
}

TEST(EbayAmount, YenHasNoDecimals) {
  EXPECT_EQ(Amount("1000", "JPY").value(), M("1000", "JPY"));
  EXPECT_EQ(Amount("1000.0", "JPY").value(), M("1000", "JPY"));
  EXPECT_EQ(Amount(R"("1000")", "JPY").value().minor_units(), 1000);
  auto bad = Amount("1000.5", "JPY");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.status().reason(), "EBAY_AMOUNT_INVALID");
  EXPECT_EQ(bad.status().error_info().metadata.at("cause"),
            "MONEY_TOO_MANY_DECIMALS");
  EXPECT_EQ(bad.status().error_info().metadata.at("value"), "1000.5");
  EXPECT_EQ(bad.status().error_info().metadata.at("currency"), "JPY");
}

TEST(EbayAmount, ExponentAndCurrencyChecks) {
  EXPECT_EQ(Amount("43.105", "USD").status().reason(), "EBAY_AMOUNT_INVALID");
  EXPECT_EQ(Amount("1.5e-7", "USD").status().reason(), "EBAY_AMOUNT_INVALID");
  EXPECT_EQ(Amount("10", "usd").status().reason(), "EBAY_AMOUNT_INVALID");
  EXPECT_EQ(Amount("10", "").status().reason(), "EBAY_AMOUNT_INVALID");
  EXPECT_EQ(Amount("10", "XAU").status().reason(), "EBAY_AMOUNT_INVALID");
  EXPECT_EQ(Amount("true", "USD").status().reason(), "EBAY_AMOUNT_INVALID");
  EXPECT_EQ(Amount("1e300", "USD").status().reason(), "EBAY_AMOUNT_INVALID");
}

TEST(EbayAmount, NumberTextExpandsExponents) {
  EXPECT_EQ(internal::NumberText(json::value(1.5e-7)).value(), "0.00000015");
  EXPECT_EQ(internal::NumberText(json::value(1e20)).value(),
            "100000000000000000000");
  EXPECT_EQ(internal::NumberText(json::value(-0.0)).value(), "0");
  EXPECT_EQ(internal::NumberText(json::value(43.1)).value(), "43.1");
  EXPECT_EQ(internal::NumberText(json::value(std::int64_t{-7})).value(), "-7");
  EXPECT_FALSE(internal::NumberText(json::value("1")).has_value());
}

TEST(EbayAmount, ConvertedFromIsKept) {
  auto amount = internal::ParseAmount(
      json::parse(R"({"value":43.1,"currency":"USD","convertedFromValue":39.0,)"
                  R"("convertedFromCurrency":"EUR"})"),
      "itemPrice");
  ASSERT_TRUE(amount.ok()) << amount.status();
  EXPECT_EQ(amount->amount, M("43.10", "USD"));
  ASSERT_TRUE(amount->converted_from.has_value());
  EXPECT_EQ(*amount->converted_from, M("39.00", "EUR"));

  auto plain = internal::ParseAmount(
      json::parse(R"({"value":"39.99","currency":"USD"})"), "x");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->converted_from.has_value());

  EXPECT_EQ(internal::ParseAmount(json::parse(R"({"currency":"USD"})"), "x")
                .status()
                .reason(),
            "EBAY_BAD_RESPONSE");
}

TEST(EbayDate, ObjectsAndStrings) {
  EXPECT_EQ(internal::ParseDate(
                json::parse(R"({"value":"2025-03-01T09:12:44.000Z",)"
                            R"("formattedValue":"2025-03-01T09:12:44.000Z"})"),
                "d")
                .value(),
            At("2025-03-01T09:12:44Z"));
  EXPECT_EQ(
      internal::ParseDate(json::parse(R"("2025-02-26T08:00:00.000Z")"), "d")
          .value(),
      At("2025-02-26T08:00:00Z"));
  EXPECT_EQ(internal::ParseDate(json::parse(R"({"value":"yesterday"})"), "d")
                .status()
                .reason(),
            "EBAY_BAD_RESPONSE");
  EXPECT_EQ(internal::FormatEbayInstant(At("2025-03-01T00:00:00Z")),
            "2025-03-01T00:00:00.000Z");
}

HttpResponse ErrorResponse(int status, std::string body) {
  return testing::JsonResponse(status, std::move(body));
}

TEST(EbayErrors, PostOrderErrorArray) {
  auto status = internal::ErrorFromResponse(ErrorResponse(
      400,
      R"({"error":[{"errorId":1617,"domain":"returnErrorDomain","severity":"ERROR",)"
      R"("category":"REQUEST","message":"The requested action is not allowed in the current return state.",)"
      R"("parameter":[{"name":"returnId","value":"5000012346"},{"name":"state","value":"REFUND_INITIATED"}]}]})"));
  EXPECT_EQ(status.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(status.reason(), "EBAY_INVALID_STATE");
  auto const& info = status.error_info();
  EXPECT_EQ(info.domain, "ebay");
  EXPECT_EQ(info.http_status, 400);
  EXPECT_EQ(info.metadata.at("error_id"), "1617");
  EXPECT_EQ(info.metadata.at("domain"), "returnErrorDomain");
  EXPECT_EQ(info.metadata.at("parameters"),
            "returnId=5000012346;state=REFUND_INITIATED");
  EXPECT_EQ(info.metadata.at("state"), "REFUND_INITIATED");
  EXPECT_EQ(info.metadata.at("http_status"), "400");
}

TEST(EbayErrors, ErrorsArrayAndRateLimit) {
  auto status = internal::ErrorFromResponse(ErrorResponse(
      429,
      R"({"errors":[{"errorId":2001,"domain":"ACCESS","category":"REQUEST",)"
      R"("message":"Too many requests."}]})"));
  EXPECT_EQ(status.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(status.reason(), "EBAY_RATE_LIMITED");
  EXPECT_EQ(status.error_info().metadata.at("error_id"), "2001");

  auto request = internal::ErrorFromResponse(ErrorResponse(
      400, R"({"errors":[{"errorId":32100,"category":"REQUEST","message":"x",)"
           R"("parameters":[{"name":"limit","value":"900"}]}]})"));
  EXPECT_EQ(request.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(request.reason(), "EBAY_REQUEST_ERROR");
  EXPECT_EQ(request.error_info().metadata.at("parameters"), "limit=900");
}

TEST(EbayErrors, UnauthorizedOAuthAndUnreadable) {
  auto expired = internal::ErrorFromResponse(
      ErrorResponse(401, R"({"error":[{"errorId":21917053,"domain":"Security",)"
                         R"("message":"IAF token supplied is expired."}]})"));
  EXPECT_EQ(expired.code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(expired.reason(), "EBAY_IAF_TOKEN_EXPIRED");
  auto invalid = internal::ErrorFromResponse(
      ErrorResponse(401, R"({"error":[{"errorId":21916984}]})"));
  EXPECT_EQ(invalid.reason(), "EBAY_IAF_TOKEN_INVALID");

  auto oauth = internal::ErrorFromResponse(ErrorResponse(
      400, R"({"error":"invalid_grant","error_description":"expired"})"));
  EXPECT_EQ(oauth.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(oauth.reason(), "EBAY_OAUTH_INVALID_GRANT");
  EXPECT_EQ(oauth.error_info().metadata.at("oauth_error"), "invalid_grant");

  HttpResponse html{.status = 503,
                    .headers = {{"X-EBAY-C-REQUEST-ID", "req-42"}},
                    .body = "<html>busy</html>"};
  auto unavailable = internal::ErrorFromResponse(html);
  EXPECT_EQ(unavailable.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(unavailable.reason(), "EBAY_SERVER_ERROR");
  EXPECT_EQ(unavailable.error_info().request_id, "req-42");

  auto missing = internal::ErrorFromResponse(ErrorResponse(404, ""));
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.reason(), "EBAY_NOT_FOUND");
}

// A server that echoes the request in its error hands back the access token
// and the client's Basic credentials: none of it reaches the status, and
// nothing in it can drive a terminal.
TEST(EbayErrors, EchoedCredentialsAreRedactedAndEscaped) {
  auto status = internal::ErrorFromResponse(ErrorResponse(
      400,
      R"({"errors":[{"errorId":2004,"category":"REQUEST","domain":"API",)"
      R"("message":"bad request; you sent Authorization: Bearer v^1.1#i^1#SECRET\n",)"
      R"("parameters":[{"name":"header","value":"auth=Basic YXBwOlNFQ1JFVA=="},)"
      R"({"name":"q","value":"access_token=SECRET\u001b[2J"}]}]})"));
  EXPECT_EQ(status.reason(), "EBAY_REQUEST_ERROR");
  EXPECT_EQ(status.message(),
            "eBay answered HTTP 400: bad request; you sent Authorization: "
            "Bearer ***\\x0A (errorId 2004)");
  auto const& parameters = status.error_info().metadata.at("parameters");
  EXPECT_EQ(parameters, "header=auth=Basic ***;q=access_token=***");
  auto oauth = internal::ErrorFromResponse(ErrorResponse(
      400, R"({"error":"invalid grant\u001b","error_description":)"
           R"("refresh_token=SECRET is not valid"})"));
  EXPECT_EQ(oauth.reason(), "EBAY_OAUTH_INVALID_GRANT_");
  EXPECT_EQ(oauth.message(),
            "eBay answered HTTP 400: refresh_token=*** is not valid");
  EXPECT_EQ(oauth.error_info().metadata.at("oauth_error"),
            "invalid grant\\x1B");
  for (auto const& s : {status, oauth}) {
    EXPECT_EQ(s.ToString().find("SECRET"), std::string::npos) << s;
    EXPECT_EQ(s.ToString().find("YXBwOlNFQ1JFVA"), std::string::npos) << s;
  }
}

TEST(EbayBodies, DecideAndRefundValidation) {
  ReturnDecisionRequest offer{
      .kind = ReturnDecisionRequest::Kind::kOfferPartialRefund};
  EXPECT_EQ(internal::DecideBody(offer).status().reason(),
            "EBAY_DECISION_INVALID");
  ReturnDecisionRequest rma{.kind = ReturnDecisionRequest::Kind::kProvideRma};
  EXPECT_EQ(internal::DecideBody(rma).status().reason(),
            "EBAY_DECISION_INVALID");
  rma.rma_number = "RMA-7";
  rma.comment = "Quote \"this\"\n";
  EXPECT_EQ(internal::DecideBody(rma).value(),
            R"({"decision":"PROVIDE_RMA","RMANumber":"RMA-7",)"
            R"("comments":{"content":"Quote \"this\"\n"}})");
  EXPECT_EQ(
      internal::DecideBody({.kind = ReturnDecisionRequest::Kind::kDecline})
          .value(),
      R"({"decision":"DECLINE"})");

  MarketplaceRefundRequest refund{
      .parts = {{.kind = RefundPartKind::kGoods,
                 .amount = {.amount = M("10.00", "USD")}}},
      .total = M("12.00", "USD")};
  EXPECT_EQ(internal::RefundBody(refund).status().reason(),
            "EBAY_REFUND_INVALID");
  refund.parts[0].amount.amount = M("12.00", "EUR");
  EXPECT_EQ(internal::RefundBody(refund).status().reason(),
            "EBAY_REFUND_INVALID");
  refund.parts[0].amount.amount = M("12.00", "USD");
  EXPECT_EQ(
      internal::RefundBody(refund).value(),
      R"({"refundDetail":{"itemizedRefundDetail":[{"refundAmount":)"
      R"({"value":12.00,"currency":"USD"},"refundFeeType":"PURCHASE_PRICE"}],)"
      R"("totalAmount":{"value":12.00,"currency":"USD"}},"relistItem":false})");
  MarketplaceRefundRequest yen{.total = M("1500", "JPY")};
  EXPECT_EQ(internal::RefundBody(yen).value(),
            R"({"refundDetail":{"itemizedRefundDetail":[],"totalAmount":)"
            R"({"value":1500,"currency":"JPY"}},"relistItem":false})");
  EXPECT_EQ(internal::RefundBody({}).status().reason(), "EBAY_REFUND_INVALID");
}

// Comments no hand-written escaper would get right by accident: quotes,
// backslashes, every control character, DEL, non-ASCII UTF-8, and text that
// looks like JSON or like an amount.
std::vector<std::string> HardComments() {
  std::string controls;
  for (char c = 1; c < 0x20; ++c) controls += c;
  return {"Quote \"this\" and \\ that",
          controls + "\x7f",
          std::string("nul \0 inside", 12),
          "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x93\xa6",
          R"({"value":"12.00","currency":"USD"})",
          R"(","currency":"USD"},"relistItem":true,"x":")",
          "12.00",
          "\\u0022 </script> \u2028"};
}

std::string Text(json::value const& v) {
  return json::value_to<std::string>(v);
}

TEST(EbayBodies, CommentsRoundTrip) {
  for (auto const& comment : HardComments()) {
    SCOPED_TRACE(json::serialize(json::value(comment)));
    auto decide = internal::DecideBody(
        {.kind = ReturnDecisionRequest::Kind::kDecline, .comment = comment});
    ASSERT_TRUE(decide.ok()) << decide.status();
    auto parsed = json::parse(*decide);
    EXPECT_EQ(parsed.at("decision").as_string(), "DECLINE");
    EXPECT_EQ(Text(parsed.at("comments").at("content")), comment);
    EXPECT_EQ(parsed.as_object().size(), 2u);

    MarketplaceRefundRequest refund{.total = M("5.00", "USD"),
                                    .comment = comment};
    auto body = internal::RefundBody(refund);
    ASSERT_TRUE(body.ok()) << body.status();
    parsed = json::parse(*body);
    EXPECT_EQ(Text(parsed.at("comments").at("content")), comment);
    EXPECT_FALSE(parsed.at("relistItem").as_bool());
    EXPECT_EQ(parsed.at("refundDetail")
                  .at("totalAmount")
                  .at("value")
                  .to_number<double>(),
              5.0);
    EXPECT_EQ(parsed.as_object().size(), 3u);

    parsed = json::parse(internal::MarkReceivedBody(comment));
    EXPECT_EQ(Text(parsed.at("comments").at("content")), comment);
    EXPECT_EQ(parsed.as_object().size(), 1u);
  }
  EXPECT_EQ(internal::MarkReceivedBody(""), R"({"comments":{"content":""}})");
  // An RMA number is a string whatever it looks like.
  auto rma =
      internal::DecideBody({.kind = ReturnDecisionRequest::Kind::kProvideRma,
                            .rma_number = "20.00"});
  EXPECT_EQ(rma.value(), R"({"decision":"PROVIDE_RMA","RMANumber":"20.00"})");
}

TEST(EbayBodies, AmountsAreExactJsonNumbers) {
  ReturnDecisionRequest offer{
      .kind = ReturnDecisionRequest::Kind::kOfferPartialRefund,
      .comment = "Keep it",
      .partial_refund = M("20.00", "USD"),
      .keep_item = true};
  EXPECT_EQ(internal::DecideBody(offer).value(),
            R"({"decision":"OFFER_PARTIAL_REFUND","keepOriginalItem":true,)"
            R"("partialRefundAmount":{"value":20.00,"currency":"USD"},)"
            R"("comments":{"content":"Keep it"}})");

  // More digits than a double holds, and a three-decimal currency.
  MarketplaceRefundRequest big{
      .parts = {{.kind = RefundPartKind::kGoods,
                 .amount = {.amount = M("92233720368547758.07", "USD")},
                 .restocking_fee_percent = 10}},
      .total = M("92233720368547758.07", "USD"),
      .comment = "Refund minus 10% restocking fee"};
  EXPECT_EQ(
      internal::RefundBody(big).value(),
      R"({"refundDetail":{"itemizedRefundDetail":[{"refundAmount":)"
      R"({"value":92233720368547758.07,"currency":"USD"},)"
      R"("refundFeeType":"PURCHASE_PRICE","restockingFeePercentage":"10"}],)"
      R"("totalAmount":{"value":92233720368547758.07,"currency":"USD"}},)"
      R"("comments":{"content":"Refund minus 10% restocking fee"},)"
      R"("relistItem":false})");
  MarketplaceRefundRequest dinar{
      .parts = {{.kind = RefundPartKind::kGoods,
                 .amount = {.amount = M("1.005", "KWD")},
                 .fee_type = "OTHER_FEE"},
                {.kind = RefundPartKind::kOutboundShipping,
                 .amount = {.amount = M("0.100", "KWD")}}},
      .total = M("1.105", "KWD")};
  auto body = internal::RefundBody(dinar).value();
  EXPECT_EQ(
      body,
      R"({"refundDetail":{"itemizedRefundDetail":[)"
      R"({"refundAmount":{"value":1.005,"currency":"KWD"},)"
      R"("refundFeeType":"OTHER_FEE"},)"
      R"({"refundAmount":{"value":0.100,"currency":"KWD"},)"
      R"("refundFeeType":"ORIGINAL_SHIPPING"}],)"
      R"("totalAmount":{"value":1.105,"currency":"KWD"}},"relistItem":false})");
  // Read back through the connector's own amount reader.
  auto parsed = json::parse(body);
  EXPECT_EQ(internal::ParseAmount(parsed.at("refundDetail").at("totalAmount"),
                                  "totalAmount")
                .value()
                .amount,
            M("1.105", "KWD"));
}

TEST(EbayMapping, EveryStateHasAMapping) {
  auto states = KnownReturnStates();
  EXPECT_EQ(states.size(), 43u);
  for (auto state : states) EXPECT_TRUE(IsKnownReturnState(state)) << state;
  EXPECT_EQ(MapReturnState("RETURN_REQUESTED"), ReturnState::kRequested);
  EXPECT_EQ(MapReturnState("RMA_PENDING"), ReturnState::kApproved);
  EXPECT_EQ(MapReturnState("RETURN_LABEL_PENDING"), ReturnState::kApproved);
  EXPECT_EQ(MapReturnState("ITEM_READY_TO_SHIP"),
            ReturnState::kAwaitingShipment);
  EXPECT_EQ(MapReturnState("ITEM_SHIPPED"), ReturnState::kInTransit);
  EXPECT_EQ(MapReturnState("ITEM_DELIVERED"), ReturnState::kReceived);
  EXPECT_EQ(MapReturnState("REFUND_FAILED"), ReturnState::kInspected);
  EXPECT_EQ(MapReturnState("REFUND_INITIATED"), ReturnState::kResolved);
  EXPECT_EQ(MapReturnState("PARTIAL_REFUNDED"), ReturnState::kResolved);
  EXPECT_EQ(MapReturnState("RETURN_REJECTED"), ReturnState::kDeclined);
  EXPECT_EQ(MapReturnState("CLOSED"), ReturnState::kClosed);
  EXPECT_EQ(MapReturnState("REPLACEMENT_CLOSED"), ReturnState::kClosed);
  // Unknown values: the documented default, no failure.
  EXPECT_EQ(MapReturnState("UNKNOWN"), ReturnState::kRequested);
  EXPECT_EQ(MapReturnState("SOMETHING_NEW"), ReturnState::kRequested);
  EXPECT_EQ(MapReturnState(""), ReturnState::kRequested);
  EXPECT_FALSE(IsKnownReturnState("SOMETHING_NEW"));
}

// docs/guides/ebay.md repeats the state table; the two must agree.
TEST(EbayMapping, GuideTableMatchesTheCode) {
  auto guide = testing::ReadFile(std::string(SANBAO_SOURCE_DIR) +
                                 "/docs/guides/ebay.md");
  ASSERT_FALSE(guide.empty());
  std::set<std::string> documented;
  std::istringstream lines(guide);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("| `")) continue;
    auto end = line.find('`', 3);
    auto state = line.substr(3, end - 3);
    if (!IsKnownReturnState(state)) continue;
    auto cell_start = line.find('|', end) + 1;
    auto cell_end = line.find('|', cell_start);
    auto cell = line.substr(cell_start, cell_end - cell_start);
    cell.erase(0, cell.find_first_not_of(' '));
    cell.erase(cell.find_last_not_of(' ') + 1);
    auto mapped = ParseReturnState(cell);
    ASSERT_TRUE(mapped.ok()) << line;
    EXPECT_EQ(*mapped, MapReturnState(state)) << line;
    EXPECT_TRUE(documented.insert(state).second) << "twice: " << state;
  }
  EXPECT_EQ(documented.size(), KnownReturnStates().size());
}

TEST(EbayMapping, RefundStatesAndReasons) {
  EXPECT_TRUE(IsRefundIssuedState("REFUND_INITIATED"));
  EXPECT_TRUE(IsRefundIssuedState("PARTIAL_REFUNDED"));
  EXPECT_TRUE(IsRefundIssuedState("LESS_THAN_A_FULL_REFUND_ISSUED"));
  EXPECT_FALSE(IsRefundIssuedState("REFUND_FAILED"));
  EXPECT_FALSE(IsRefundIssuedState("ITEM_DELIVERED"));
  EXPECT_FALSE(IsRefundIssuedState("PARTIAL_REFUND_REQUESTED"));
  for (auto state : KnownReturnStates()) {
    if (IsRefundIssuedState(state)) {
      EXPECT_EQ(MapReturnState(state), ReturnState::kResolved) << state;
    }
  }
  EXPECT_EQ(MapReturnReason("WRONG_SIZE"), ReturnReason::kChangeOfMind);
  EXPECT_EQ(MapReturnReason("NOT_AS_DESCRIBED"), ReturnReason::kNotAsDescribed);
  EXPECT_EQ(MapReturnReason("DEFECTIVE_ITEM"), ReturnReason::kDefective);
  EXPECT_EQ(MapReturnReason("ARRIVED_DAMAGED"),
            ReturnReason::kDamagedInTransit);
  EXPECT_EQ(MapReturnReason("ARRIVED_LATE"), ReturnReason::kArrivedLate);
  EXPECT_EQ(MapReturnReason("OTHER"), ReturnReason::kOther);
  EXPECT_EQ(MapReturnReason("BRAND_NEW_REASON"), ReturnReason::kOther);
}

TEST(EbayWindows, ShortWindowIsOneSlice) {
  auto now = At("2025-03-10T12:00:00Z");
  auto windows = SplitCreationWindow(At("2025-03-01T00:00:00Z"),
                                     At("2025-03-03T00:00:00Z"), now);
  ASSERT_TRUE(windows.ok());
  ASSERT_EQ(windows->size(), 1u);
  EXPECT_EQ((*windows)[0], (CreationWindow{At("2025-03-01T00:00:00Z"),
                                           At("2025-03-03T00:00:00Z")}));
}

TEST(EbayWindows, LongWindowSplitsIntoContiguousSlices) {
  auto now = At("2025-03-10T12:00:00Z");
  auto from = At("2025-01-01T00:00:00Z");
  auto to = At("2025-03-10T00:00:00Z");  // 68 days
  auto windows = SplitCreationWindow(from, to, now);
  ASSERT_TRUE(windows.ok());
  ASSERT_EQ(windows->size(), 3u);
  EXPECT_EQ(windows->front().from, from);
  EXPECT_EQ(windows->back().to, to);
  for (std::size_t i = 0; i < windows->size(); ++i) {
    EXPECT_LE((*windows)[i].to - (*windows)[i].from, std::chrono::days(30));
    if (i > 0) {
      EXPECT_EQ((*windows)[i].from, (*windows)[i - 1].to);
    }
  }
  EXPECT_EQ((*windows)[1].from, At("2025-01-31T00:00:00Z"));
}

TEST(EbayWindows, EighteenMonthLimit) {
  auto now = At("2025-03-10T12:00:00Z");
  auto earliest = EarliestCreationFrom(now);
  EXPECT_EQ(earliest, now - std::chrono::days(546));
  auto from = At("2020-01-01T00:00:00Z");
  auto clamped = SplitCreationWindow(from, now, now);
  ASSERT_TRUE(clamped.ok());
  EXPECT_EQ(clamped->front().from, earliest);
  EXPECT_EQ(clamped->back().to, now);
  EXPECT_EQ(clamped->size(), 19u);  // 546 days in 30-day slices

  auto strict = SplitCreationWindow(from, now, now, std::chrono::days(30),
                                    LookbackPolicy::kError);
  EXPECT_EQ(strict.status().code(), ErrorCode::kOutOfRange);
  EXPECT_EQ(strict.status().reason(), "EBAY_WINDOW_TOO_OLD");
  EXPECT_EQ(SplitCreationWindow(from, At("2021-01-01T00:00:00Z"), now)
                .status()
                .reason(),
            "EBAY_WINDOW_TOO_OLD");
  EXPECT_EQ(SplitCreationWindow(now, from, now).status().reason(),
            "EBAY_WINDOW_INVALID");
  EXPECT_EQ(SplitCreationWindow(from, now, now, std::chrono::days(0))
                .status()
                .reason(),
            "EBAY_WINDOW_INVALID");
}

}  // namespace
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
