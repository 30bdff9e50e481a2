// The streaming search-page reader against the DOM reader that GetReturn
// uses for the same summary fields: both must read every page alike.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "ebay_test_support.h"
#include "wire.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace {

namespace json = boost::json;
using testing::M;

void ExpectSameReturn(MarketplaceReturn const& a, MarketplaceReturn const& b) {
  EXPECT_EQ(a.marketplace, b.marketplace);
  EXPECT_EQ(a.external_id, b.external_id);
  EXPECT_EQ(a.order_id, b.order_id);
  EXPECT_EQ(a.item_id, b.item_id);
  EXPECT_EQ(a.transaction_id, b.transaction_id);
  EXPECT_EQ(a.quantity, b.quantity);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_EQ(a.comment, b.comment);
  EXPECT_EQ(a.mapped_state, b.mapped_state);
  EXPECT_EQ(a.mapped_reason, b.mapped_reason);
  EXPECT_EQ(a.created_at, b.created_at);
  auto same_amount = [](std::optional<MarketplaceAmount> const& x,
                        std::optional<MarketplaceAmount> const& y) {
    if (x.has_value() != y.has_value()) return false;
    return !x ||
           (x->amount == y->amount && x->converted_from == y->converted_from);
  };
  EXPECT_TRUE(same_amount(a.estimated_refund, b.estimated_refund));
  EXPECT_TRUE(same_amount(a.actual_refund, b.actual_refund));
  EXPECT_EQ(a.respond_by, b.respond_by);
  EXPECT_EQ(a.seller_options, b.seller_options);
  EXPECT_EQ(a.has_detail, b.has_detail);
}

void ExpectSamePage(std::string const& body) {
  auto streamed = internal::ParseSearchPage(body);
  auto dom = internal::ParseSearchPageDom(body);
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  ASSERT_TRUE(dom.ok()) << dom.status();
  EXPECT_EQ(streamed->total_entries, dom->total_entries);
  EXPECT_EQ(streamed->total_pages, dom->total_pages);
  ASSERT_EQ(streamed->items.size(), dom->items.size());
  for (std::size_t i = 0; i < dom->items.size(); ++i) {
    SCOPED_TRACE(i);
    ExpectSameReturn(streamed->items[i], dom->items[i]);
  }
}

std::string FixtureBody(char const* name) {
  return json::serialize(testing::LoadFixture(name).at("response").at("body"));
}

TEST(EbaySearchPage, AgreesWithTheDomReaderOnTheFixtures) {
  ExpectSamePage(FixtureBody("return_search_page1.json"));
  ExpectSamePage(FixtureBody("return_search_page2.json"));
}

// A full page as a sync sees it: 200 members, every one different.
TEST(EbaySearchPage, AgreesOnAFullPage) {
  auto page = testing::LoadFixture("return_search_page1.json")
                  .at("response")
                  .at("body");
  auto const members = page.at("members").as_array();
  json::array full;
  for (int i = 0; i < 200; ++i) {
    json::value m = members[static_cast<std::size_t>(i % 2)];
    m.as_object()["returnId"] = std::to_string(5000100000 + i);
    m.as_object()["sellerTotalRefund"].as_object()["estimatedRefundAmount"] =
        json::object{{"value", i + 0.25}, {"currency", "USD"}};
    full.push_back(std::move(m));
  }
  page.as_object()["members"] = std::move(full);
  auto body = json::serialize(page);
  ExpectSamePage(body);
  auto streamed = internal::ParseSearchPage(body).value();
  ASSERT_EQ(streamed.items.size(), 200u);
  EXPECT_EQ(streamed.items[199].external_id, "5000100199");
  EXPECT_EQ(streamed.items[199].estimated_refund->amount, M("199.25", "USD"));
}

TEST(EbaySearchPage, AgreesOnOddButValidShapes) {
  // Strings for money, escapes, numbers as ids, nulls, unknown keys, the
  // type only in creationInfo, orderId in creationInfo, exponents, bare
  // date strings, no paginationOutput.
  ExpectSamePage(R"({"members":[{"returnId":5000000001,"state":"NEW_STATE",
    "unknown":{"deep":[1,{"x":true}]},"sellerAvailableOptions":[],
    "creationInfo":{"type":"REPLACEMENT","orderId":"12-9","reason":"ARRIVED_LATE",
      "comments":{"content":"say \"hi\"\n\u00e9"},"creationDate":"2025-01-02T03:04:05Z",
      "item":{"itemId":"1","transactionId":null,"returnQuantity":"3"}},
    "sellerTotalRefund":{"estimatedRefundAmount":{"currency":"JPY","value":1.5e3},
      "actualRefundAmount":{"value":"12.50","currency":"EUR",
        "convertedFromValue":13,"convertedFromCurrency":"USD"}},
    "sellerResponseDue":{"respondByDate":null}}],"total":7})");
  auto page =
      internal::ParseSearchPage(
          R"({"members":[{"returnId":"1","sellerTotalRefund":)"
          R"({"estimatedRefundAmount":{"currency":"JPY","value":1.5e3}}}]})")
          .value();
  EXPECT_EQ(page.items[0].estimated_refund->amount, M("1500", "JPY"));
  ExpectSamePage(R"({"members":[]})");
  ExpectSamePage(R"({})");
}

TEST(EbaySearchPage, ErrorsNameTheReturn) {
  auto bad_amount = internal::ParseSearchPage(
      R"({"members":[{"returnId":"77","sellerTotalRefund":)"
      R"({"estimatedRefundAmount":{"value":1.005,"currency":"USD"}}}]})");
  EXPECT_EQ(bad_amount.status().reason(), "EBAY_AMOUNT_INVALID");
  EXPECT_EQ(bad_amount.status().error_info().metadata.at("return_id"), "77");

  auto no_id = internal::ParseSearchPage(R"({"members":[{"state":"CLOSED"}]})");
  EXPECT_EQ(no_id.status().reason(), "EBAY_BAD_RESPONSE");
  auto bad_date = internal::ParseSearchPage(
      R"({"members":[{"returnId":"8","creationInfo":{"creationDate":)"
      R"({"value":"soon"}}}]})");
  EXPECT_EQ(bad_date.status().reason(), "EBAY_BAD_RESPONSE");
  EXPECT_EQ(bad_date.status().error_info().metadata.at("return_id"), "8");
  auto bad_quantity = internal::ParseSearchPage(
      R"({"members":[{"returnId":"9","creationInfo":{"item":)"
      R"({"returnQuantity":1.5}}}]})");
  EXPECT_EQ(bad_quantity.status().reason(), "EBAY_BAD_RESPONSE");
  for (char const* body : {"", "[]", "{", R"({"members":[)", "null",
                           R"({"members":[]} trailing)"}) {
    auto malformed = internal::ParseSearchPage(body);
    EXPECT_EQ(malformed.status().reason(), "EBAY_BAD_RESPONSE") << body;
    EXPECT_EQ(internal::ParseSearchPageDom(body).status().reason(),
              "EBAY_BAD_RESPONSE")
        << body;
  }
}

}  // namespace
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
