// The store's documents (store/sqlite/src/codec.h): a fully populated order,
// return case and refund are stored byte for byte as databases already hold
// them and read back whole, and every way a stored document can be unreadable
// is STORE_RECORD_INVALID naming the field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "codec.h"
#include "codec_json.h"
#include "store_fixtures.h"

namespace sanbao {
namespace {

using internal::DecodeOrder;
using internal::DecodeRefund;
using internal::DecodeReturnDoc;
using internal::EncodeOrder;
using internal::EncodeRefund;
using internal::EncodeReturnDoc;
using internal::RefundFingerprint;
using testing_util::FullOrder;
using testing_util::FullRefund;
using testing_util::FullReturnCase;
using testing_util::SparseRefund;

// The documents as the store has always written them (these are the hand-built
// encoder's output, before the Boost.JSON conversions), split into pieces here:
// the store writes them on one line, without whitespace.
constexpr std::string_view kOrderDoc =
    R"json({"id":"O-1001","marketplace":"ebay",)json"
    R"json("external_id":"12-34567-89012","placed_at":1790000000,)json"
    R"json("presentment_currency":"EUR","settlement_currency":"GBP",)json"
    R"json("lines":[{"id":"L1","sku":"KETTLE-1.7",)json"
    R"json("title":"Wasserkocher „Classic“ 1,7 l \"matt\" \\ edition",)json"
    R"json("category":"appliances/kitchen","qty":2,)json"
    R"json("unit_price":{"minor":4990,"cur":"EUR"},"tax":{"minor":1593,)json"
    R"json("cur":"EUR"},"tax_included":true,"discounts":[{"id":"D1",)json"
    R"json("code":"WELCOME","amount":{"minor":500,"cur":"EUR"}},)json"
    R"json({"id":"D3","code":"BUNDLE","amount":{"minor":250,)json"
    R"json("cur":"EUR"}}],"shipping":{"minor":495,"cur":"EUR"},)json"
    R"json("attributes":["hygiene_sealed","personalised"]},{"id":"L2",)json"
    R"json("sku":"FILTER","title":"Kalkfilter","category":"spare_parts",)json"
    R"json("qty":1,"unit_price":{"minor":990,"cur":"EUR"},)json"
    R"json("tax":{"minor":0,"cur":"XXX"},"tax_included":false,)json"
    R"json("discounts":[],"shipping":null,"attributes":[]}],)json"
    R"json("order_discounts":[{"id":"D2","code":"CART10",)json"
    R"json("amount":{"minor":1000,"cur":"EUR"}}],)json"
    R"json("shipping":{"charged":{"minor":495,"cur":"EUR"},)json"
    R"json("cheapest_standard":{"minor":395,"cur":"EUR"},)json"
    R"json("tax":{"minor":79,"cur":"EUR"}},"tenders":[{"id":"T1",)json"
    R"json("kind":"gift_card","amount":{"minor":2000,"cur":"EUR"},)json"
    R"json("reference":"gc_1"},{"id":"T2","kind":"card",)json"
    R"json("amount":{"minor":7375,"cur":"EUR"},"reference":"pi_1"},)json"
    R"json({"id":"T3","kind":"store_credit","amount":{"minor":100,)json"
    R"json("cur":"EUR"},"reference":""}],"loyalty_points_earned":93,)json"
    R"json("buyer":{"jurisdiction":"DE-BE","timezone":"Europe/Berlin"},)json"
    R"json("seller":{"jurisdiction":"GB","timezone":"Europe/London"},)json"
    R"json("deliveries":[{"id":"P1","parts":[{"line":"L1","qty":2},)json"
    R"json({"line":"L2","qty":1}],"delivered_at":1790086400,)json"
    R"json("carrier":"DHL","tracking_number":"00340434"},{"id":"P2",)json"
    R"json("parts":[],"delivered_at":1790172800,"carrier":"UPS\tExpress",)json"
    R"json("tracking_number":"1Z\u0001"}]})json";

constexpr std::string_view kReturnDoc =
    R"json({"requires_return":true,"lines":[{"line":"L1","requested":2,)json"
    R"json("received":2,"accepted":1,"condition":"opened",)json"
    R"json("reason":"not_as_described",)json"
    R"json("note":"Farbe weicht ab — \"matt\" statt glänzend\n",)json"
    R"json("disposition":"refurbish"},{"line":"L2","requested":1,)json"
    R"json("received":0,"accepted":0,"condition":"damaged",)json"
    R"json("reason":"damaged_in_transit","note":"",)json"
    R"json("disposition":"return_to_supplier"}]})json";

constexpr std::string_view kRefundDoc =
    R"json({"order_id":"O-1001","return_id":"R1","lines":[{"line":"L1",)json"
    R"json("qty":1,"amount":{"minor":3773,"cur":"EUR"},)json"
    R"json("tax":{"minor":717,"cur":"EUR"}},{"line":"L2","qty":1,)json"
    R"json("amount":{"minor":832,"cur":"EUR"},"tax":{"minor":158,)json"
    R"json("cur":"EUR"}}],"shipping":{"minor":332,"cur":"EUR"},)json"
    R"json("shipping_tax":{"minor":63,"cur":"EUR"},)json"
    R"json("deductions":[{"kind":"diminished_value",)json"
    R"json("amount":{"minor":395,"cur":"EUR"},"basis":"CRD Art. 14(2)",)json"
    R"json("evidence":"inspection-42"},{"kind":"return_postage",)json"
    R"json("amount":{"minor":490,"cur":"EUR"},"basis":"CRD Art. 14(1)"}],)json"
    R"json("total":{"minor":4990,"cur":"EUR"},"tenders":[{"tender":"T1",)json"
    R"json("amount":{"minor":2000,"cur":"EUR"}},{"tender":"T2",)json"
    R"json("amount":{"minor":2990,"cur":"EUR"}}],)json"
    R"json("conversion":{"from":"EUR","to":"GBP","rate":"0.8571",)json"
    R"json("source":"ECB","as_of":"2026-12-01","amount":{"minor":4277,)json"
    R"json("cur":"GBP"}},"loyalty_points_reversed":45,)json"
    R"json("due_by":"2026-12-30","idempotency_key":"sync:ebay:R1:1",)json"
    R"json("id":"RF-1","created_at":1790000500})json";

constexpr std::string_view kSparseRefundDoc =
    R"json({"order_id":"O-1001","return_id":"","lines":[{"line":"L2",)json"
    R"json("qty":1,"amount":{"minor":990,"cur":"EUR"},"tax":{"minor":0,)json"
    R"json("cur":"XXX"}}],"shipping":null,"shipping_tax":null,)json"
    R"json("deductions":[],"total":{"minor":990,"cur":"EUR"},)json"
    R"json("tenders":[{"tender":"T2","amount":{"minor":990,)json"
    R"json("cur":"EUR"}}],"conversion":null,"loyalty_points_reversed":0,)json"
    R"json("due_by":null,"idempotency_key":"manual:2","id":"RF-2",)json"
    R"json("created_at":1790000900})json";

constexpr std::string_view kRefundFingerprint =
    R"json({"order_id":"O-1001","return_id":"R1","lines":[{"line":"L1",)json"
    R"json("qty":1,"amount":{"minor":3773,"cur":"EUR"},)json"
    R"json("tax":{"minor":717,"cur":"EUR"}},{"line":"L2","qty":1,)json"
    R"json("amount":{"minor":832,"cur":"EUR"},"tax":{"minor":158,)json"
    R"json("cur":"EUR"}}],"shipping":{"minor":332,"cur":"EUR"},)json"
    R"json("shipping_tax":{"minor":63,"cur":"EUR"},)json"
    R"json("deductions":[{"kind":"diminished_value",)json"
    R"json("amount":{"minor":395,"cur":"EUR"},"basis":"CRD Art. 14(2)",)json"
    R"json("evidence":"inspection-42"},{"kind":"return_postage",)json"
    R"json("amount":{"minor":490,"cur":"EUR"},"basis":"CRD Art. 14(1)"}],)json"
    R"json("total":{"minor":4990,"cur":"EUR"},"tenders":[{"tender":"T1",)json"
    R"json("amount":{"minor":2000,"cur":"EUR"}},{"tender":"T2",)json"
    R"json("amount":{"minor":2990,"cur":"EUR"}}],)json"
    R"json("conversion":{"from":"EUR","to":"GBP","rate":"0.8571",)json"
    R"json("source":"ECB","as_of":"2026-12-01","amount":{"minor":4277,)json"
    R"json("cur":"GBP"}},"loyalty_points_reversed":45,)json"
    R"json("due_by":"2026-12-30","idempotency_key":"sync:ebay:R1:1"})json";

TEST(StoreCodecTest, OrderIsStoredAsBefore) {
  EXPECT_EQ(EncodeOrder(FullOrder()), kOrderDoc);
}

TEST(StoreCodecTest, ReturnDocIsStoredAsBefore) {
  EXPECT_EQ(EncodeReturnDoc(FullReturnCase()), kReturnDoc);
}

TEST(StoreCodecTest, RefundIsStoredAsBefore) {
  EXPECT_EQ(EncodeRefund(FullRefund()), kRefundDoc);
  EXPECT_EQ(EncodeRefund(SparseRefund()), kSparseRefundDoc);
}

TEST(StoreCodecTest, RefundFingerprintLeavesOutIdAndCreationTime) {
  EXPECT_EQ(RefundFingerprint(FullRefund()), kRefundFingerprint);
  Refund other = FullRefund();
  other.id = "RF-9";
  other.created_at = testing_util::Seconds(7);
  EXPECT_EQ(RefundFingerprint(other), kRefundFingerprint);
}

TEST(StoreCodecTest, StoredDocumentsReadBackWhole) {
  // Written again, what was read is the same document: every field came back.
  auto order = DecodeOrder(kOrderDoc);
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_EQ(EncodeOrder(*order), kOrderDoc);
  EXPECT_EQ(order->lines[1].tax, Money());
  EXPECT_FALSE(order->lines[1].shipping.has_value());
  EXPECT_EQ(order->deliveries[1].tracking_number, std::string("1Z\x01", 3));

  ReturnCase rc;
  ASSERT_TRUE(DecodeReturnDoc(kReturnDoc, rc).ok());
  EXPECT_EQ(EncodeReturnDoc(rc), kReturnDoc);

  for (auto doc : {kRefundDoc, kSparseRefundDoc}) {
    auto refund = DecodeRefund(doc);
    ASSERT_TRUE(refund.ok()) << refund.status();
    EXPECT_EQ(EncodeRefund(*refund), doc);
  }
}

/// `doc` with its one occurrence of `from` replaced by `to`.
std::string Replace(std::string_view doc, std::string_view from,
                    std::string_view to) {
  std::string out(doc);
  auto at = out.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  EXPECT_EQ(out.find(from, at + 1), std::string::npos) << from;
  if (at != std::string::npos) out.replace(at, from.size(), to);
  return out;
}

TEST(StoreCodecTest, FieldsAddedLaterOrIgnoredStillRead) {
  // A conversion without its converted amount.
  auto refund = DecodeRefund(
      Replace(kRefundDoc, R"(,"amount":{"minor":4277,"cur":"GBP"}})", "}"));
  ASSERT_TRUE(refund.ok()) << refund.status();
  ASSERT_TRUE(refund->conversion.has_value());
  EXPECT_FALSE(refund->conversion->amount.has_value());
  // Evidence that is not a string reads as none.
  refund = DecodeRefund(
      Replace(kRefundDoc, R"("evidence":"inspection-42")", R"("evidence":42)"));
  ASSERT_TRUE(refund.ok()) << refund.status();
  EXPECT_EQ(refund->deductions[0].evidence, "");
  // A line written before lines had their own shipping.
  auto order = DecodeOrder(
      Replace(kOrderDoc, R"("shipping":{"minor":495,"cur":"EUR"},"attributes")",
              R"("attributes")"));
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_FALSE(order->lines[0].shipping.has_value());
}

struct Unreadable {
  std::string doc;
  std::string message;  ///< after "a stored <record> cannot be read: "
};

template <typename Decode>
void ExpectUnreadable(std::string_view record,
                      std::vector<Unreadable> const& cases, Decode decode) {
  for (auto const& c : cases) {
    SCOPED_TRACE(c.doc);
    Status status = decode(c.doc);
    EXPECT_EQ(status.code(), ErrorCode::kDataLoss);
    EXPECT_EQ(status.reason(), "STORE_RECORD_INVALID");
    EXPECT_EQ(status.message(), "a stored " + std::string(record) +
                                    " cannot be read: " + c.message);
  }
}

TEST(StoreCodecTest, UnreadableOrdersNameTheField) {
  auto const o = [](std::string_view from, std::string_view to) {
    return Replace(kOrderDoc, from, to);
  };
  constexpr std::string_view kUnitPrice =
      R"("unit_price":{"minor":4990,"cur":"EUR"})";
  ExpectUnreadable(
      "order",
      {
          {"{", "the document is not JSON: incomplete JSON"},
          {std::string(kOrderDoc) + "x",
           "the document is not JSON: extra data"},
          // Parsing is bounded: 32 levels of nesting at most.
          {std::string(33, '[') + std::string(33, ']'),
           "the document is not JSON: too deep"},
          {"[]", "the document is not an object"},
          {o(R"({"id":"O-1001",)", "{"), R"(missing field "id")"},
          {o(R"("marketplace":"ebay")", R"("marketplace":7)"),
           R"(field "marketplace" is not a string)"},
          {o(R"("placed_at":1790000000)", R"("placed_at":"2026-09-21")"),
           R"(field "placed_at" is not an integer)"},
          {o(R"("qty":2,"unit_price")", R"("qty":2.5,"unit_price")"),
           R"(field "qty" is not an integer in range)"},
          {o(R"("qty":2,"unit_price")", R"("qty":3000000000,"unit_price")"),
           R"(field "qty" is not an integer in range)"},
          {o(R"("tax_included":true)", R"("tax_included":1)"),
           R"(field "tax_included" is not a boolean)"},
          {o(R"("lines":[{"id":"L1")", R"("lines":[7,{"id":"L1")"),
           R"(field "lines" has an element that is not an object)"},
          {o(R"("attributes":["hygiene_sealed","personalised"])",
             R"("attributes":"hygiene_sealed")"),
           R"(field "attributes" is not an array)"},
          {o(R"("attributes":["hygiene_sealed","personalised"])",
             R"("attributes":["hygiene_sealed",7])"),
           R"(field "attributes" has an element that is not a string)"},
          {o(R"({"id":"D1","code":"WELCOME",)", R"({"id":"D1",)"),
           R"(missing field "code")"},
          {o(kUnitPrice, R"("unit_price":"49.90")"),
           R"(field "unit_price" is not an object)"},
          {o(kUnitPrice, R"("unit_price":{"minor":4990})"),
           R"(missing field "cur")"},
          {o(kUnitPrice, R"("unit_price":{"minor":"4990","cur":"EUR"})"),
           R"(field "minor" is not an integer)"},
          {o(kUnitPrice, R"("unit_price":{"minor":4990,"cur":"ZZZ"})"),
           R"(field "cur" is not a currency with minor units)"},
          {o(R"("cheapest_standard":{"minor":395,"cur":"EUR"})",
             R"("cheapest_standard":395)"),
           R"(field "cheapest_standard" is not an object)"},
          {o(R"("shipping":{"charged")", R"("shipping":[],"x":{"charged")"),
           R"(field "shipping" is not an object)"},
          {o(R"("kind":"gift_card")", R"("kind":"voucher")"),
           R"(field "kind" is not a tender kind)"},
          {o(R"("kind":"gift_card")", R"("kind":2)"),
           R"(field "kind" is not a string)"},
          {o(R"("buyer":{"jurisdiction":"DE-BE","timezone":"Europe/Berlin"})",
             R"("buyer":{"jurisdiction":"DE-BE"})"),
           R"(missing field "timezone")"},
          {o(R"("parts":[{"line":"L1","qty":2},)", R"("parts":[7,)"),
           R"(field "parts" has an element that is not an object)"},
          {o(R"({"line":"L1","qty":2})", R"({"line":"L1","qty":"2"})"),
           R"(field "qty" is not an integer)"},
          {o(R"("delivered_at":1790086400)", R"("delivered_at":null)"),
           R"(field "delivered_at" is not an integer)"},
      },
      [](std::string const& doc) { return DecodeOrder(doc).status(); });
}

TEST(StoreCodecTest, UnreadableReturnDocsNameTheFieldAndChangeNothing) {
  auto const r = [](std::string_view from, std::string_view to) {
    return Replace(kReturnDoc, from, to);
  };
  ExpectUnreadable(
      "return case",
      {
          {"", "the document is not JSON: incomplete JSON"},
          {"7", "the document is not an object"},
          {r(R"("requires_return":true)", R"("requires_return":"yes")"),
           R"(field "requires_return" is not a boolean)"},
          {R"({"requires_return":true})", R"(missing field "lines")"},
          {r(R"("requested":2)", R"("requested":null)"),
           R"(field "requested" is not an integer)"},
          {r(R"("condition":"opened")", R"("condition":"mint")"),
           R"(field "condition" is not a goods condition)"},
          {r(R"("reason":"not_as_described")", R"("reason":"regret")"),
           R"(field "reason" is not a return reason)"},
          {r(R"("disposition":"refurbish")", R"("disposition":"resell")"),
           R"(field "disposition" is not a disposition)"},
          {r(R"("note":"")", R"("note":false)"),
           R"(field "note" is not a string)"},
      },
      [](std::string const& doc) {
        ReturnCase rc = FullReturnCase();
        Status status = DecodeReturnDoc(doc, rc);
        EXPECT_EQ(EncodeReturnDoc(rc), kReturnDoc);  // as it was
        return status;
      });
}

TEST(StoreCodecTest, UnreadableRefundsNameTheField) {
  auto const r = [](std::string_view from, std::string_view to) {
    return Replace(kRefundDoc, from, to);
  };
  ExpectUnreadable(
      "refund",
      {
          {"{\"id\":", "the document is not JSON: incomplete JSON"},
          {"null", "the document is not an object"},
          {r(R"(,"created_at":1790000500})", "}"),
           R"(missing field "created_at")"},
          {r(R"("loyalty_points_reversed":45)",
             R"("loyalty_points_reversed":"45")"),
           R"(field "loyalty_points_reversed" is not an integer)"},
          {r(R"("shipping_tax":{"minor":63,"cur":"EUR"})",
             R"("shipping_tax":63)"),
           R"(field "shipping_tax" is not an object)"},
          {r(R"("kind":"diminished_value")", R"("kind":"wear")"),
           R"(field "kind" is not a deduction kind)"},
          {r(R"x("basis":"CRD Art. 14(2)")x", R"("basis":14)"),
           R"(field "basis" is not a string)"},
          {r(R"({"tender":"T1","amount":{"minor":2000,"cur":"EUR"}})",
             R"({"tender":"T1"})"),
           R"(missing field "amount")"},
          {r(R"("rate":"0.8571")", R"("rate":"0,8571")"),
           R"(field "rate" is not a decimal number)"},
          {r(R"("rate":"0.8571")", R"("rate":0.8571)"),
           R"(field "rate" is not a string)"},
          {r(R"("as_of":"2026-12-01")", R"("as_of":"2026-13-01")"),
           R"(field "as_of" is not a date (YYYY-MM-DD))"},
          {r(R"("due_by":"2026-12-30")", R"("due_by":20261230)"),
           R"(field "due_by" is not a string)"},
          {r(R"("due_by":"2026-12-30")", R"("due_by":"30.12.2026")"),
           R"(field "due_by" is not a date (YYYY-MM-DD))"},
          {r(R"("conversion":{"from")", R"("conversion":"ECB","x":{"from")"),
           R"(field "conversion" is not an object)"},
          {r(R"("deductions":[)", R"("deductions":[[],)"),
           R"(field "deductions" has an element that is not an object)"},
      },
      [](std::string const& doc) { return DecodeRefund(doc).status(); });
}

TEST(StoreCodecTest, ActorKindsByName) {
  for (auto kind :
       {Actor::Kind::kBuyer, Actor::Kind::kSeller, Actor::Kind::kMarketplace,
        Actor::Kind::kCarrier, Actor::Kind::kSystem}) {
    auto parsed = internal::ParseActorKind(internal::ActorKindName(kind));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, kind);
  }
  EXPECT_EQ(internal::ActorKindName(Actor::Kind::kMarketplace), "marketplace");
  auto unknown = internal::ParseActorKind("robot");
  EXPECT_EQ(unknown.status().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(unknown.status().reason(), "STORE_RECORD_INVALID");
  EXPECT_EQ(unknown.status().message(),
            "a stored actor kind is unknown: robot");
}

TEST(StoreCodecTest, TheConversionsAreBoostJsonOnes) {
  namespace json = boost::json;
  using internal::store_json::AsStored;
  using internal::store_json::StoreCodecCategory;
  using internal::store_json::Stored;
  EXPECT_EQ(json::value_from(AsStored(FullOrder())), json::parse(kOrderDoc));
  auto order = json::try_value_to<Stored<Order>>(json::parse(kOrderDoc));
  ASSERT_TRUE(order.has_value()) << order.error().message();
  EXPECT_EQ(order->value.deliveries[0].carrier, "DHL");

  auto bad = json::try_value_to<Stored<Refund>>(json::parse(R"({"id":7})"));
  ASSERT_TRUE(bad.has_error());
  EXPECT_EQ(bad.error().category(), StoreCodecCategory());
  EXPECT_EQ(bad.error().message(), R"(field "id" is not a string)");
}

}  // namespace
}  // namespace sanbao
