// The marketplace-neutral connection types: the order as the books keep it
// (OrderFromMarketplace), the refund request for a computed refund
// (RefundRequestFor), the UNIMPLEMENTED defaults, and the buyer's default
// time zone.

#include "sanbao/connection.h"

#include <gtest/gtest.h>

#include "sanbao/domain/json.h"

namespace sanbao {
inline namespace v1 {
namespace {

Money Usd(std::string_view a) { return *Money::Parse(a, "USD"); }

MarketplaceOrderLine Line(std::string id, int qty, std::string_view price) {
  MarketplaceOrderLine l;
  l.line_id = std::move(id);
  l.quantity = qty;
  l.price = {Usd(price), {}};
  return l;
}

TEST(OrderFromMarketplace, KeepsEveryLineTotalToTheMinorUnit) {
  MarketplaceOrder in;
  in.order_id = "12-1";
  in.buyer_country = "US";
  in.buyer_region = "CA";
  in.lines = {Line("a", 3, "10.00"), Line("b", 2, "7.50")};
  in.shipping = MarketplaceAmount{Usd("4.99"), {}};
  auto o = OrderFromMarketplace(in, "shop");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->id, "shop:12-1");
  EXPECT_EQ(o->external_id, "12-1");
  EXPECT_EQ(o->buyer.jurisdiction, "US-CA");
  EXPECT_EQ(o->buyer.timezone, "America/Los_Angeles");
  // 10.00 / 3 is not exact: 3.34 a unit and a 0.02 discount.
  EXPECT_EQ(o->lines[0].unit_price, Usd("3.34"));
  ASSERT_EQ(o->lines[0].discounts.size(), 1u);
  EXPECT_EQ(o->lines[0].discounts[0].amount, Usd("0.02"));
  EXPECT_EQ(o->lines[1].unit_price, Usd("3.75"));
  EXPECT_TRUE(o->lines[1].discounts.empty());
  EXPECT_EQ(*o->Total(), Usd("22.49"));
}

TEST(OrderFromMarketplace, KeepsPerLineShippingOnlyWhenItAddsUp) {
  MarketplaceOrder in;
  in.order_id = "12-2";
  in.lines = {Line("a", 1, "10.00"), Line("b", 1, "20.00")};
  in.lines[0].shipping = MarketplaceAmount{Usd("3.00"), {}};
  in.lines[1].shipping = MarketplaceAmount{Usd("2.00"), {}};
  auto given = OrderFromMarketplace(in, "shop");  // no order-level charge
  ASSERT_TRUE(given.ok()) << given.status();
  EXPECT_EQ(given->shipping.charged, Usd("5.00"));
  EXPECT_EQ(*given->lines[1].shipping, Usd("2.00"));
  in.shipping = MarketplaceAmount{Usd("4.00"), {}};  // a combined discount
  auto combined = OrderFromMarketplace(in, "shop");
  ASSERT_TRUE(combined.ok()) << combined.status();
  EXPECT_EQ(combined->shipping.charged, Usd("4.00"));
  EXPECT_FALSE(combined->lines[0].shipping.has_value());
}

TEST(OrderFromMarketplace, RefusesWhatTheBooksCannotKeep) {
  MarketplaceOrder in;
  in.order_id = "12-3";
  EXPECT_EQ(OrderFromMarketplace(in, "shop").status().reason(),
            "ORDER_INVALID");  // no lines
  in.lines = {Line("a", 0, "1.00")};
  EXPECT_EQ(OrderFromMarketplace(in, "shop").status().reason(),
            "ORDER_INVALID");
  in.lines = {Line("a", 1, "1.00"), Line("b", 1, "1.00")};
  in.lines[1].price.amount = *Money::Parse("1.00", "EUR");
  EXPECT_EQ(OrderFromMarketplace(in, "shop").status().reason(),
            "CURRENCY_MISMATCH");
}

TEST(RefundRequestFor, PartsByKindAddUpToTheTotal) {
  Refund r;
  r.id = "x";
  r.idempotency_key = "key";
  r.lines = {{"a", 1, Usd("80.00"), Usd("8.00")}};
  r.shipping = Usd("5.00");
  r.shipping_tax = Usd("0.00");
  r.deductions = {{Deduction::Kind::kRestockingFee, Usd("8.00"), "policy", ""}};
  r.total = Usd("85.00");
  auto req = RefundRequestFor(r, "thanks");
  ASSERT_TRUE(req.ok()) << req.status();
  EXPECT_EQ(req->idempotency_key, "key");
  EXPECT_EQ(req->comment, "thanks");
  ASSERT_EQ(req->parts.size(), 3u);  // the zero shipping tax is left out
  EXPECT_EQ(req->parts[0].kind, RefundPartKind::kGoods);
  EXPECT_EQ(req->parts[0].amount.amount, Usd("72.00"));
  EXPECT_EQ(req->parts[0].restocking_fee_percent, 10);
  EXPECT_EQ(req->parts[1].kind, RefundPartKind::kGoodsTax);
  EXPECT_EQ(req->parts[2].kind, RefundPartKind::kOutboundShipping);
  Money sum = *Money::Zero(*Currency::Find("USD"));
  for (auto const& p : req->parts) sum = *sum.Add(p.amount.amount);
  EXPECT_EQ(sum, req->total);

  r.deductions[0].amount = Usd("90.00");
  EXPECT_EQ(RefundRequestFor(r, "").status().reason(), "REFUND_INVALID");
}

TEST(ReturnsConnectionDefaults, AnythingNotOfferedIsUnimplemented) {
  struct ListOnly : ReturnsConnection {
    StatusOr<ReturnsPage> ListReturns(ReturnsQuery const&) override {
      return ReturnsPage{};
    }
  } c;
  EXPECT_TRUE(c.ListReturns({}).ok());
  EXPECT_TRUE(c.Capabilities().marketplace.empty());
  for (auto const& s :
       {c.GetReturn("1").status(), c.GetOrder("1").status(), c.Decide("1", {}),
        c.MarkReceived("1", ""), c.IssueRefund("1", {}).status()}) {
    EXPECT_EQ(s.code(), ErrorCode::kUnimplemented);
    EXPECT_EQ(s.reason(), "UNIMPLEMENTED");
  }
  std::vector<std::string> ids{"1", "2"};
  auto many = c.GetReturns(ids);
  ASSERT_EQ(many.size(), 2u);
  EXPECT_EQ(many[1].status().code(), ErrorCode::kUnimplemented);
}

TEST(DefaultTimeZone, ByCountryAndRegion) {
  EXPECT_EQ(DefaultTimeZone("DE"), "Europe/Berlin");
  EXPECT_EQ(DefaultTimeZone("UK"), "Europe/London");
  EXPECT_EQ(DefaultTimeZone("GB"), "Europe/London");
  EXPECT_EQ(DefaultTimeZone("US", "CA"), "America/Los_Angeles");
  EXPECT_EQ(DefaultTimeZone("US", "ZZ"), "America/New_York");
  EXPECT_EQ(DefaultTimeZone("XX"), "");
}

}  // namespace
}  // namespace v1
}  // namespace sanbao

// The domain types as JSON (sanbao/domain/json.h), the shape the CLI prints.
namespace sanbao {
inline namespace v1 {
namespace {

TEST(DomainJson, MoneyAndRefundsAsTheCliPrintsThem) {
  EXPECT_EQ(ToJson(*Money::Parse("84.90", "EUR")),
            R"({"amount":"84.90","currency":"EUR"})");
  Refund r;
  r.order_id = "shop:1";
  r.lines = {{"a", 1, Usd("10.00"), Usd("0.00")}};
  r.total = Usd("10.00");
  auto text = ToJson(r);
  EXPECT_NE(text.find(R"("order_id":"shop:1")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("shipping":null)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("total":{"amount":"10.00","currency":"USD"})"),
            std::string::npos)
      << text;
  ReturnCase rc;
  rc.id = "shop:R1";
  rc.order_id = "shop:1";
  auto rtext = ToJson(rc);
  EXPECT_NE(rtext.find(R"("state":"requested")"), std::string::npos) << rtext;
  EXPECT_NE(rtext.find(R"("history":[])"), std::string::npos) << rtext;
}

}  // namespace
}  // namespace v1
}  // namespace sanbao
