// The search-page reader (internal::ParseSearchPage): a full page as a sync
// reads it, odd but valid shapes, and errors that name the return.

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
using testing::At;
using testing::M;

// A full page as a sync sees it: 200 members, every one different.
TEST(EbaySearchPage, ReadsAFullPage) {
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
  auto read = internal::ParseSearchPage(json::serialize(page));
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->items.size(), 200u);
  for (std::size_t i = 0; i < 200; ++i) {
    SCOPED_TRACE(i);
    auto const& r = read->items[i];
    EXPECT_EQ(r.marketplace, "ebay");
    EXPECT_EQ(r.external_id, std::to_string(5000100000 + i));
    EXPECT_EQ(r.order_id, i % 2 == 0 ? "12-11111-22222" : "12-11111-33333");
    EXPECT_EQ(r.quantity, i % 2 == 0 ? 1 : 2);
    ASSERT_TRUE(r.estimated_refund.has_value());
    EXPECT_EQ(r.estimated_refund->amount, M(std::to_string(i) + ".25", "USD"));
  }
  EXPECT_EQ(read->items[0].item_id, "186000000001");
  EXPECT_EQ(read->items[0].reason, "WRONG_SIZE");
  EXPECT_EQ(read->items[0].comment, "Size runs small");
  EXPECT_TRUE(read->next_page_token.empty());
}

TEST(EbaySearchPage, ReadsOddButValidShapes) {
  // Strings for money, escapes, numbers as ids, nulls, unknown keys, the
  // type only in creationInfo, orderId in creationInfo, exponents, bare
  // date strings, no paginationOutput.
  auto page = internal::ParseSearchPage(R"({"members":[{"returnId":5000000001,
    "state":"NEW_STATE","unknown":{"deep":[1,{"x":true}]},
    "sellerAvailableOptions":[],
    "creationInfo":{"type":"REPLACEMENT","orderId":"12-9","reason":"ARRIVED_LATE",
      "comments":{"content":"say \"hi\"\n\u00e9"},"creationDate":"2025-01-02T03:04:05Z",
      "item":{"itemId":"1","transactionId":null,"returnQuantity":"3"}},
    "sellerTotalRefund":{"estimatedRefundAmount":{"currency":"JPY","value":1.5e3},
      "actualRefundAmount":{"value":"12.50","currency":"EUR",
        "convertedFromValue":13,"convertedFromCurrency":"USD"}},
    "sellerResponseDue":{"respondByDate":null}}],"total":7})");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 1u);
  auto const& r = page->items[0];
  EXPECT_EQ(r.external_id, "5000000001");
  EXPECT_EQ(r.state, "NEW_STATE");
  EXPECT_EQ(r.type, "REPLACEMENT");
  EXPECT_EQ(r.order_id, "12-9");
  EXPECT_EQ(r.reason, "ARRIVED_LATE");
  EXPECT_EQ(r.comment, "say \"hi\"\n\xc3\xa9");
  EXPECT_EQ(r.created_at, At("2025-01-02T03:04:05Z"));
  EXPECT_EQ(r.item_id, "1");
  EXPECT_EQ(r.transaction_id, "");
  EXPECT_EQ(r.quantity, 3);
  ASSERT_TRUE(r.estimated_refund.has_value());
  EXPECT_EQ(r.estimated_refund->amount, M("1500", "JPY"));
  ASSERT_TRUE(r.actual_refund.has_value());
  EXPECT_EQ(r.actual_refund->amount, M("12.50", "EUR"));
  EXPECT_EQ(r.actual_refund->converted_from, M("13", "USD"));
  EXPECT_FALSE(r.respond_by.has_value());
  EXPECT_TRUE(r.seller_options.empty());
  EXPECT_EQ(page->total_entries, 7);
  EXPECT_EQ(page->total_pages, 0);

  EXPECT_TRUE(internal::ParseSearchPage(R"({"members":[]})")->items.empty());
  EXPECT_TRUE(internal::ParseSearchPage(R"({})")->items.empty());
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
    EXPECT_EQ(internal::ParseSearchPage(body).status().reason(),
              "EBAY_BAD_RESPONSE")
        << body;
  }
}

}  // namespace
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
