// Contract tests on every REST fixture in
// tests/fixtures/marketplaces/ebay/: a scripted transport answers with the
// fixture's response, the connector's request must match the fixture's
// request (method, path, query, headers, JSON body), and the mapped result
// is checked field by field.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include "ebay_test_support.h"
#include "sanbao/ebay/connection.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace {

namespace json = boost::json;
using testing::At;
using testing::ExpectRequestMatches;
using testing::FixtureResponse;
using testing::JsonResponse;
using testing::LoadFixture;
using testing::M;
using testing::MakeTestConnection;
using testing::ScriptedTransport;

// The fixtures each test below covers.
std::set<std::string> const kCovered = {
    "error_401_iaf_expired.json",
    "error_invalid_state.json",
    "rate_limited_429.json",
    "return_decide_approve.json",
    "return_decide_partial_refund_offer.json",
    "return_get_cross_border.json",
    "return_issue_refund_partial.json",
    "return_mark_as_received.json",
    "return_search_page1.json",
    "return_search_page2.json",
    // Not an HTTP exchange: ebay_signing_test.cc checks it.
    "eu_digital_signature_vector.json",
};

TEST(EbayContract, EveryRestFixtureIsCovered) {
  int rest = 0;
  for (auto const& entry :
       std::filesystem::directory_iterator(testing::FixtureDir())) {
    auto name = entry.path().filename().string();
    if (entry.path().extension() != ".json") continue;
    // Notification deliveries (notification_*.json and their .body/.xml)
    // belong to the notification verifiers' tests
    // (connectors/ebay/notifications), not to this REST connector.
    if (name.starts_with("notification_")) continue;
    ++rest;
    EXPECT_TRUE(kCovered.contains(name))
        << name << " has no contract test in " << __FILE__;
  }
  EXPECT_EQ(rest, static_cast<int>(kCovered.size()));
}

// A full GET answer for return 5000012346 (the search fixture's second
// member) in `state`, for the reads IssueRefund makes: before a retry, and
// after an unknown outcome or an invalid-state answer.
HttpResponse Return5000012346(std::string const& state) {
  auto search = LoadFixture("return_search_page1.json");
  json::value summary =
      search.at("response").at("body").at("members").as_array().at(1);
  summary.as_object()["state"] = state;
  summary.as_object()["status"] = state;
  json::object body;
  body["summary"] = summary;
  body["detail"] = json::object{{"marketplaceId", "EBAY_US"}};
  return JsonResponse(200, json::serialize(body));
}

TEST(EbayContract, SearchPages) {
  auto page1 = LoadFixture("return_search_page1.json");
  auto page2 = LoadFixture("return_search_page2.json");
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(FixtureResponse(page1));
  transport->ThenRespond(FixtureResponse(page2));

  ReturnsQuery query{.created_from = At("2025-03-01T00:00:00Z"),
                     .created_to = At("2025-03-03T00:00:00Z"),
                     .page_size = 2};
  auto first = connection->ListReturns(query);
  ASSERT_TRUE(first.ok()) << first.status();
  ExpectRequestMatches(page1, transport->requests[0]);
  EXPECT_EQ(first->next_page_token, "2");
  EXPECT_EQ(first->total_entries, 3);
  EXPECT_EQ(first->total_pages, 2);
  ASSERT_EQ(first->items.size(), 2u);

  auto const& a = first->items[0];
  EXPECT_EQ(a.marketplace, "ebay");
  EXPECT_EQ(a.external_id, "5000012345");
  EXPECT_EQ(a.order_id, "12-11111-22222");
  EXPECT_EQ(a.item_id, "186000000001");
  EXPECT_EQ(a.transaction_id, "2900000000011");
  EXPECT_EQ(a.quantity, 1);
  EXPECT_EQ(a.state, "RETURN_REQUESTED");
  EXPECT_EQ(a.status, "RETURN_REQUESTED");
  EXPECT_EQ(a.mapped_state, ReturnState::kRequested);
  EXPECT_EQ(a.type, "MONEY_BACK");
  EXPECT_EQ(a.reason, "WRONG_SIZE");
  EXPECT_EQ(a.mapped_reason, ReturnReason::kChangeOfMind);
  EXPECT_EQ(a.comment, "Size runs small");
  EXPECT_EQ(a.created_at, At("2025-03-01T09:12:44Z"));
  ASSERT_TRUE(a.estimated_refund.has_value());
  EXPECT_EQ(a.estimated_refund->amount, M("39.99", "USD"));
  EXPECT_FALSE(a.estimated_refund->converted_from.has_value());
  EXPECT_FALSE(a.actual_refund.has_value());
  EXPECT_EQ(a.respond_by, At("2025-03-06T07:00:00Z"));
  EXPECT_EQ(
      a.seller_options,
      (std::vector<std::string>{"APPROVE", "DECLINE", "OFFER_PARTIAL_REFUND"}));
  EXPECT_FALSE(a.has_detail);

  // The multi-item order: one return per line, quantity 2.
  auto const& b = first->items[1];
  EXPECT_EQ(b.external_id, "5000012346");
  EXPECT_EQ(b.order_id, "12-11111-33333");
  EXPECT_EQ(b.quantity, 2);
  EXPECT_EQ(b.state, "ITEM_SHIPPED");
  EXPECT_EQ(b.mapped_state, ReturnState::kInTransit);
  EXPECT_EQ(b.mapped_reason, ReturnReason::kDefective);
  EXPECT_EQ(b.estimated_refund->amount, M("59.80", "USD"));

  query.page_token = first->next_page_token;
  auto second = connection->ListReturns(query);
  ASSERT_TRUE(second.ok()) << second.status();
  ExpectRequestMatches(page2, transport->requests[1]);
  EXPECT_EQ(second->next_page_token, "");
  ASSERT_EQ(second->items.size(), 1u);
  auto const& c = second->items[0];
  EXPECT_EQ(c.external_id, "5000012347");
  EXPECT_EQ(c.mapped_reason, ReturnReason::kNotAsDescribed);
  // Cross-border: the seller's USD with the buyer's EUR original.
  EXPECT_EQ(c.estimated_refund->amount, M("43.10", "USD"));
  ASSERT_TRUE(c.estimated_refund->converted_from.has_value());
  EXPECT_EQ(*c.estimated_refund->converted_from, M("39.00", "EUR"));
}

TEST(EbayContract, GetCrossBorderReturn) {
  auto fixture = LoadFixture("return_get_cross_border.json");
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(FixtureResponse(fixture));
  auto r = connection->GetReturn("5000012347");
  ASSERT_TRUE(r.ok()) << r.status();
  ExpectRequestMatches(fixture, transport->requests[0]);

  EXPECT_TRUE(r->has_detail);
  EXPECT_EQ(r->external_id, "5000012347");
  EXPECT_EQ(r->order_id, "12-11111-44444");
  EXPECT_EQ(r->item_id, "186000000003");
  EXPECT_EQ(r->transaction_id, "2900000000013");
  EXPECT_EQ(r->quantity, 1);
  EXPECT_EQ(r->mapped_state, ReturnState::kRequested);
  EXPECT_EQ(r->reason, "NOT_AS_DESCRIBED");
  EXPECT_EQ(r->created_at, At("2025-03-02T15:03:19Z"));
  EXPECT_EQ(r->respond_by, At("2025-03-06T07:00:00Z"));
  EXPECT_EQ(r->site, "EBAY_DE");
  EXPECT_EQ(r->buyer_country, "DE");
  EXPECT_EQ(r->buyer_region, "");
  EXPECT_EQ(r->seller_country, "US");
  EXPECT_EQ(r->item_title, "Leather wallet, brown");
  ASSERT_TRUE(r->item_price.has_value());
  EXPECT_EQ(r->item_price->amount, M("43.10", "USD"));
  EXPECT_EQ(r->item_price->converted_from, M("39.00", "EUR"));
  EXPECT_EQ(r->estimated_refund->amount, M("43.10", "USD"));
  EXPECT_EQ(r->estimated_refund->converted_from, M("39.00", "EUR"));
  ASSERT_EQ(r->estimated_refund_parts.size(), 2u);
  EXPECT_EQ(r->estimated_refund_parts[0].fee_type, "PURCHASE_PRICE");
  EXPECT_EQ(r->estimated_refund_parts[0].amount.amount, M("37.36", "USD"));
  EXPECT_EQ(r->estimated_refund_parts[0].amount.converted_from,
            M("33.81", "EUR"));
  EXPECT_EQ(r->estimated_refund_parts[1].fee_type, "ORIGINAL_SHIPPING");
  EXPECT_EQ(r->estimated_refund_parts[1].amount.amount, M("5.74", "USD"));
  EXPECT_EQ(r->estimated_refund_parts[1].amount.converted_from,
            M("5.19", "EUR"));
  EXPECT_EQ(r->refund_status, "");
  ASSERT_EQ(r->history.size(), 1u);
  EXPECT_EQ(r->history[0].author, "BUYER");
  EXPECT_EQ(r->history[0].activity, "BUYER_CREATE_RETURN");
  EXPECT_EQ(r->history[0].from_state, "INITIAL");
  EXPECT_EQ(r->history[0].to_state, "RETURN_REQUESTED");
  EXPECT_EQ(r->history[0].at, At("2025-03-02T15:03:19Z"));
}

TEST(EbayContract, DecideApprove) {
  auto fixture = LoadFixture("return_decide_approve.json");
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(FixtureResponse(fixture));
  ASSERT_TRUE(connection
                  ->Decide("5000012345",
                           {.kind = ReturnDecisionRequest::Kind::kApprove,
                            .comment = "Approved, please use the eBay label."})
                  .ok());
  ASSERT_EQ(transport->requests.size(), 1u);
  ExpectRequestMatches(fixture, transport->requests[0]);
}

TEST(EbayContract, DecidePartialRefundOffer) {
  auto fixture = LoadFixture("return_decide_partial_refund_offer.json");
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(FixtureResponse(fixture));
  ASSERT_TRUE(
      connection
          ->Decide("5000012346",
                   {.kind = ReturnDecisionRequest::Kind::kOfferPartialRefund,
                    .comment = "Keep the item, partial refund offered.",
                    .partial_refund = M("20.00", "USD"),
                    .keep_item = true})
          .ok());
  ASSERT_EQ(transport->requests.size(), 1u);
  ExpectRequestMatches(fixture, transport->requests[0]);
}

TEST(EbayContract, MarkAsReceived) {
  auto fixture = LoadFixture("return_mark_as_received.json");
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(FixtureResponse(fixture));
  ASSERT_TRUE(
      connection->MarkReceived("5000012346", "Received, inspected OK").ok());
  ASSERT_EQ(transport->requests.size(), 1u);
  ExpectRequestMatches(fixture, transport->requests[0]);
}

TEST(EbayContract, IssuePartialRefund) {
  auto fixture = LoadFixture("return_issue_refund_partial.json");
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(Return5000012346("ITEM_DELIVERED"));
  transport->ThenRespond(FixtureResponse(fixture));
  MarketplaceRefundRequest refund{
      .parts = {{.kind = RefundPartKind::kGoods,
                 .amount = {.amount = M("53.82", "USD")},
                 .restocking_fee_percent = 10}},
      .total = M("53.82", "USD"),
      .comment = "Refund minus 10% restocking fee",
      .maybe_sent_before = true};  // a retry: read back first
  auto result = connection->IssueRefund("5000012346", refund);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->refund_status, "PENDING");
  EXPECT_FALSE(result->already_issued);
  ASSERT_EQ(transport->requests.size(), 2u);
  EXPECT_EQ(transport->requests[0].method, "GET");
  ExpectRequestMatches(fixture, transport->requests[1]);
}

// The fixture's request leaves out relistItem, which the connector always
// sends with its schema default false (as return_issue_refund_partial.json
// shows it); the bodies are compared without it.
void DropDefaultRelist(json::value& body) {
  auto& o = body.as_object();
  auto it = o.find("relistItem");
  ASSERT_NE(it, o.end());
  EXPECT_EQ(it->value(), json::value(false));
  o.erase(it);
}

TEST(EbayContract, InvalidStateWithRefundVisibleIsAlreadyIssued) {
  auto fixture = LoadFixture("error_invalid_state.json");
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(FixtureResponse(fixture));
  transport->ThenRespond(Return5000012346("REFUND_INITIATED"));
  auto result =
      connection->IssueRefund("5000012346", {.total = M("53.82", "USD")});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->already_issued);
  EXPECT_EQ(result->refund_status, "PENDING");
  ASSERT_EQ(transport->requests.size(), 2u);
  ExpectRequestMatches(fixture, transport->requests[0],
                       {.normalize_body = DropDefaultRelist});
}

TEST(EbayContract, InvalidStateWithoutRefundIsAnError) {
  auto fixture = LoadFixture("error_invalid_state.json");
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(FixtureResponse(fixture));
  transport->ThenRespond(Return5000012346("CLOSED"));
  auto result =
      connection->IssueRefund("5000012346", {.total = M("53.82", "USD")});
  ASSERT_FALSE(result.ok());
  auto const& status = result.status();
  EXPECT_EQ(status.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(status.reason(), "EBAY_INVALID_STATE");
  auto const& info = status.error_info();
  EXPECT_EQ(info.http_status, 400);
  EXPECT_EQ(info.metadata.at("error_id"), "1617");
  EXPECT_EQ(info.metadata.at("domain"), "returnErrorDomain");
  EXPECT_EQ(info.metadata.at("parameters"),
            "returnId=5000012346;state=REFUND_INITIATED");
  EXPECT_EQ(transport->CountPosts(), 1);
}

TEST(EbayContract, ExpiredIafToken) {
  auto fixture = LoadFixture("error_401_iaf_expired.json");
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(FixtureResponse(fixture));
  transport->ThenRespond(
      FixtureResponse(LoadFixture("return_get_cross_border.json")));
  auto r = connection->GetReturn("5000012345");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(transport->requests.size(), 2u);
  // The fixture's URL has no query; ours adds fieldgroups=FULL.
  ExpectRequestMatches(fixture, transport->requests[0], {.query_subset = true});
  ExpectRequestMatches(fixture, transport->requests[1], {.query_subset = true});
  EXPECT_NE(FindHeader(transport->requests[0].headers, "Authorization"),
            FindHeader(transport->requests[1].headers, "Authorization"));
}

TEST(EbayContract, RateLimited) {
  auto fixture = LoadFixture("rate_limited_429.json");
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(FixtureResponse(fixture));
  ReturnsQuery query{.created_from = At("2025-03-01T00:00:00Z"),
                     .created_to = At("2025-03-03T00:00:00Z"),
                     .page_size = 25};
  auto page = connection->ListReturns(query);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(page.status().reason(), "EBAY_RATE_LIMITED");
  EXPECT_EQ(page.status().error_info().metadata.at("error_id"), "2001");
  EXPECT_EQ(page.status().error_info().http_status, 429);
  // "Any call": the fixture names limit and offset only.
  ExpectRequestMatches(fixture, transport->requests[0], {.query_subset = true});
  EXPECT_EQ(transport->requests.size(), 1u);
}

// getOrder: the response shape of the Sell Fulfillment API reference
// (https://developer.ebay.com/api-docs/sell/fulfillment/resources/order/methods/getOrder)
// with the values the eBay sandbox serves for order 12-11111-22222.
constexpr char kOrder[] =
    R"({"orderId":"12-11111-22222","legacyOrderId":"12-11111-22222",
 "creationDate":"2025-02-20T10:00:00.000Z","lastModifiedDate":"2025-03-01T09:12:44.000Z",
 "orderFulfillmentStatus":"FULFILLED","orderPaymentStatus":"PAID","sellerId":"sanbao_demo_seller",
 "buyer":{"username":"b***r","taxAddress":{"countryCode":"DE","stateOrProvince":"","postalCode":"10115"}},
 "pricingSummary":{"priceSubtotal":{"value":"39.99","currency":"USD"},
                   "deliveryCost":{"value":"5.00","currency":"USD"},"total":{"value":"44.99","currency":"USD"}},
 "lineItems":[{"lineItemId":"2900000000011","legacyItemId":"186000000001","title":"Linen shirt","quantity":1,
   "lineItemCost":{"value":"39.99","currency":"USD","convertedFromValue":"36.20","convertedFromCurrency":"EUR"},
   "total":{"value":"39.99","currency":"USD"},"lineItemFulfillmentStatus":"FULFILLED",
   "lineItemFulfillmentInstructions":{"minEstimatedDeliveryDate":"2025-02-24T08:00:00.000Z",
     "maxEstimatedDeliveryDate":"2025-02-26T08:00:00.000Z","shipByDate":"2025-02-21T23:59:59.000Z",
     "guaranteedDelivery":false}}],
 "fulfillmentStartInstructions":[{"shippingStep":{"shipTo":{"contactAddress":{"countryCode":"DE","stateOrProvince":"","city":"Berlin","postalCode":"10115"}}}}]})";

TEST(EbayContract, GetOrder) {
  auto transport = std::make_shared<ScriptedTransport>();
  auto connection = MakeTestConnection(transport);
  transport->ThenRespond(JsonResponse(200, kOrder));
  auto order = connection->GetOrder("12-11111-22222");
  ASSERT_TRUE(order.ok()) << order.status();
  auto const& request = transport->requests.at(0);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url,
            "https://api.ebay.com/sell/fulfillment/v1/order/12-11111-22222");
  EXPECT_EQ(FindHeader(request.headers, "Authorization").value(),
            "Bearer token-1");
  EXPECT_EQ(order->order_id, "12-11111-22222");
  EXPECT_EQ(order->created_at, At("2025-02-20T10:00:00Z"));
  EXPECT_EQ(order->buyer_country, "DE");
  EXPECT_EQ(order->buyer_region, "");
  ASSERT_TRUE(order->shipping.has_value());
  EXPECT_EQ(order->shipping->amount, M("5.00", "USD"));
  ASSERT_EQ(order->lines.size(), 1u);
  auto const& line = order->lines[0];
  EXPECT_EQ(line.line_id, "2900000000011");  // the return's transactionId
  EXPECT_EQ(line.item_id, "186000000001");   // the return's itemId
  EXPECT_EQ(line.title, "Linen shirt");
  EXPECT_EQ(line.quantity, 1);
  EXPECT_EQ(line.price.amount, M("39.99", "USD"));
  EXPECT_EQ(line.price.converted_from, M("36.20", "EUR"));
  EXPECT_EQ(line.delivered_at, At("2025-02-26T08:00:00Z"));
  EXPECT_TRUE(line.delivery_is_estimate);
}

}  // namespace
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
