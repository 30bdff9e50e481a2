// OrderAllocation: golden vectors (the worked order of
// tests/support/order_fixtures.h) and the rules documented in
// sanbao/refund/allocation.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "order_fixtures.h"
#include "sanbao/refund/allocation.h"

namespace sanbao {
namespace {

using testing_util::GoldenOrder;
using testing_util::Line;
using testing_util::M;

std::vector<std::string> Units(LineAllocation const& a,
                               Money (LineAllocation::*f)(int) const) {
  std::vector<std::string> out;
  for (int i = 0; i < a.quantity(); ++i) out.push_back((a.*f)(i).ToString());
  return out;
}

TEST(RefundAllocation, GoldenWorkedExample) {
  auto alloc = OrderAllocation::Compute(GoldenOrder());
  ASSERT_TRUE(alloc.ok()) << alloc.status();
  LineAllocation const& a = alloc->lines()[0];
  LineAllocation const& b = alloc->lines()[1];
  EXPECT_EQ(a.order_discount(), M("5.71"));
  EXPECT_EQ(b.order_discount(), M("4.29"));
  EXPECT_EQ(a.net(), M("54.26"));
  EXPECT_EQ(b.net(), M("40.71"));
  EXPECT_THAT(Units(a, &LineAllocation::UnitNet),
              testing::ElementsAre("18.09", "18.09", "18.08"));
  EXPECT_THAT(Units(a, &LineAllocation::UnitTax),
              testing::ElementsAre("2.89", "2.89", "2.88"));
  // Returning one unit of A refunds 18.09, of which VAT 2.89.
  EXPECT_EQ(a.UnitPaid(0), M("18.09"));
  EXPECT_EQ(a.PaidExcludingTaxOfUnits(0, 1), M("15.20"));
  EXPECT_EQ(a.paid(), M("54.26"));
  EXPECT_EQ(alloc->merchandise_paid(), M("94.97"));
  EXPECT_EQ(alloc->total(), *GoldenOrder().Total());
  EXPECT_EQ(alloc->units(), 4);
}

TEST(RefundAllocation, TaxExclusiveLinesAddTaxOnTop) {
  Order order = GoldenOrder();
  for (auto& line : order.lines) line.tax_included = false;
  auto alloc = OrderAllocation::Compute(order);
  ASSERT_TRUE(alloc.ok()) << alloc.status();
  LineAllocation const& a = alloc->lines()[0];
  EXPECT_THAT(Units(a, &LineAllocation::UnitPaid),
              testing::ElementsAre("20.98", "20.98", "20.96"));
  EXPECT_EQ(a.paid(), M("62.92"));
  EXPECT_EQ(a.paid_excluding_tax(), M("54.26"));
  EXPECT_EQ(alloc->total(), *order.Total());
}

TEST(RefundAllocation, RangesSumToTheLineAndResidueGoesLast) {
  Order order;
  order.id = "O";
  order.presentment_currency = "EUR";
  order.lines.push_back(Line("L", 7, "10.00", "3.33", false));
  order.lines[0].discounts.push_back(Discount{"d", "X", M("0.05")});
  auto alloc = OrderAllocation::Compute(order);
  ASSERT_TRUE(alloc.ok());
  LineAllocation const& l = alloc->lines()[0];
  EXPECT_EQ(l.net(), M("69.95"));
  // 6995 / 7 = 999 r 2: units 0 and 1 get 10.00, the rest 9.99.
  EXPECT_THAT(Units(l, &LineAllocation::UnitNet),
              testing::ElementsAre("10.00", "10.00", "9.99", "9.99", "9.99",
                                   "9.99", "9.99"));
  for (int first = 0; first <= 7; ++first) {
    for (int count = 0; first + count <= 7; ++count) {
      std::int64_t sum = 0;
      for (int u = first; u < first + count; ++u) {
        sum += l.UnitNet(u).minor_units();
      }
      EXPECT_EQ(l.NetOfUnitsMinor(first, count), sum) << first << "+" << count;
    }
  }
  // Out of range is empty.
  EXPECT_TRUE(l.NetOfUnits(7, 1).is_zero());
  EXPECT_TRUE(l.NetOfUnits(-3, 2).is_zero());
  EXPECT_EQ(l.NetOfUnits(-1, 3), M("20.00"));
}

TEST(RefundAllocation, OrderDiscountWeighsLinesAfterTheirOwnDiscounts) {
  Order order;
  order.id = "O";
  order.presentment_currency = "EUR";
  order.lines.push_back(Line("A", 1, "50.00", "0", false));
  order.lines.push_back(Line("B", 1, "50.00", "0", false));
  order.lines[0].discounts.push_back(Discount{"d", "HALF", M("25.00")});
  order.order_discounts.push_back(Discount{"o", "X", M("30.00")});
  auto alloc = OrderAllocation::Compute(order);
  ASSERT_TRUE(alloc.ok());
  EXPECT_EQ(alloc->lines()[0].order_discount(), M("10.00"));
  EXPECT_EQ(alloc->lines()[1].order_discount(), M("20.00"));
  EXPECT_EQ(alloc->total(), M("45.00"));
}

TEST(RefundAllocation, TiesGoToTheLowerIndex) {
  Order order;
  order.id = "O";
  order.presentment_currency = "EUR";
  for (char const* id : {"A", "B", "C"}) {
    order.lines.push_back(Line(id, 1, "1.00", "0", false));
  }
  order.order_discounts.push_back(Discount{"o", "X", M("0.02")});
  auto alloc = OrderAllocation::Compute(order);
  ASSERT_TRUE(alloc.ok());
  EXPECT_EQ(alloc->lines()[0].order_discount(), M("0.01"));
  EXPECT_EQ(alloc->lines()[1].order_discount(), M("0.01"));
  EXPECT_TRUE(alloc->lines()[2].order_discount().is_zero());
}

TEST(RefundAllocation, ShippingBucketStandardPartAndItsTax) {
  Order order = GoldenOrder();
  order.shipping.charged = M("9.90");
  order.shipping.cheapest_standard = M("4.95");
  order.shipping.tax = M("1.88");
  auto alloc = OrderAllocation::Compute(order);
  ASSERT_TRUE(alloc.ok());
  ShippingAllocation const& s = alloc->shipping();
  EXPECT_EQ(s.charged(), M("9.90"));
  EXPECT_EQ(s.standard_part(), M("4.95"));
  EXPECT_EQ(s.standard_part_tax(), M("0.94"));
  EXPECT_EQ(s.Refundable(OutboundRefund::kNone), M("0.00"));
  EXPECT_EQ(s.Refundable(OutboundRefund::kStandardPart), M("4.95"));
  EXPECT_EQ(s.RefundableTax(OutboundRefund::kAll), M("1.88"));
  EXPECT_EQ(alloc->total(), *order.Total());

  // No cheapest option known: the whole charge is standard.
  order.shipping.cheapest_standard.reset();
  alloc = OrderAllocation::Compute(order);
  ASSERT_TRUE(alloc.ok());
  EXPECT_EQ(alloc->shipping().standard_part(), M("9.90"));
  EXPECT_EQ(alloc->shipping().standard_part_tax(), M("1.88"));
  // A cheapest option above the charge caps at the charge.
  order.shipping.cheapest_standard = M("20.00");
  alloc = OrderAllocation::Compute(order);
  ASSERT_TRUE(alloc.ok());
  EXPECT_EQ(alloc->shipping().standard_part(), M("9.90"));
}

TEST(RefundAllocation, ZeroDecimalAndThreeDecimalCurrencies) {
  Order jpy;
  jpy.id = "J";
  jpy.presentment_currency = "JPY";
  jpy.lines.push_back(Line("A", 3, "1000", "272", true, "JPY"));
  jpy.order_discounts.push_back(Discount{"o", "X", M("100", "JPY")});
  auto a = OrderAllocation::Compute(jpy);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(Units(a->lines()[0], &LineAllocation::UnitNet),
              testing::ElementsAre("967", "967", "966"));
  EXPECT_THAT(Units(a->lines()[0], &LineAllocation::UnitTax),
              testing::ElementsAre("91", "91", "90"));

  Order kwd;
  kwd.id = "K";
  kwd.presentment_currency = "KWD";
  kwd.lines.push_back(Line("A", 3, "1.000", "0.150", false, "KWD"));
  kwd.order_discounts.push_back(Discount{"o", "X", M("0.100", "KWD")});
  auto k = OrderAllocation::Compute(kwd);
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_THAT(Units(k->lines()[0], &LineAllocation::UnitNet),
              testing::ElementsAre("0.967", "0.967", "0.966"));
  EXPECT_THAT(Units(k->lines()[0], &LineAllocation::UnitPaid),
              testing::ElementsAre("1.017", "1.017", "1.016"));
  EXPECT_EQ(k->total(), *kwd.Total());
}

TEST(RefundAllocation, PlaceholderZerosCountAsZero) {
  Order order;
  order.id = "O";
  order.presentment_currency = "EUR";
  OrderLine line;
  line.id = "A";
  line.quantity = 2;
  line.unit_price = M("5.00");
  // line.tax, shipping.charged and shipping.tax stay Money() ("XXX" zero).
  order.lines.push_back(line);
  auto alloc = OrderAllocation::Compute(order);
  ASSERT_TRUE(alloc.ok()) << alloc.status();
  EXPECT_EQ(alloc->total(), M("10.00"));
  EXPECT_EQ(alloc->lines()[0].UnitTax(1), M("0.00"));
}

TEST(RefundAllocation, InconsistentOrdersAreRejected) {
  auto reason = [](Order const& o) {
    return OrderAllocation::Compute(o).status().reason();
  };
  Order order = GoldenOrder();
  order.lines[1].quantity = 0;
  EXPECT_EQ(reason(order), "ORDER_INCONSISTENT");

  order = GoldenOrder();
  order.lines[1].id = "A";
  EXPECT_EQ(reason(order), "ORDER_INCONSISTENT");

  order = GoldenOrder();
  order.lines[0].discounts.push_back(Discount{"d", "X", M("60.00")});
  auto st = OrderAllocation::Compute(order).status();
  EXPECT_EQ(st.reason(), "ORDER_INCONSISTENT");
  EXPECT_EQ(st.error_info().metadata.at("line_id"), "A");
  EXPECT_EQ(st.error_info().metadata.at("field"), "lines[0].discounts");

  order = GoldenOrder();
  order.order_discounts[0].amount = M("200.00");
  EXPECT_EQ(reason(order), "ORDER_INCONSISTENT");

  order = GoldenOrder();
  order.lines[0].tax = M("60.00");  // inclusive tax above the net
  EXPECT_EQ(reason(order), "ORDER_INCONSISTENT");

  order = GoldenOrder();
  order.lines[0].unit_price = M("-1.00");
  EXPECT_EQ(reason(order), "ORDER_INCONSISTENT");

  order = GoldenOrder();
  order.lines[0].tax = M("1.00", "USD");
  st = OrderAllocation::Compute(order).status();
  EXPECT_EQ(st.reason(), "CURRENCY_MISMATCH");
  EXPECT_EQ(st.error_info().metadata.at("field"), "lines[0].tax");

  order = GoldenOrder();
  order.presentment_currency = "EURO";
  EXPECT_EQ(reason(order), "CURRENCY_UNKNOWN");

  order = GoldenOrder();
  order.lines[0].unit_price = *Money::FromMinorUnits(INT64_MAX / 2, "EUR");
  st = OrderAllocation::Compute(order).status();
  EXPECT_EQ(st.code(), ErrorCode::kOutOfRange);
  EXPECT_EQ(st.reason(), "MONEY_OVERFLOW");
}

TEST(RefundAllocation, Deterministic) {
  auto a = OrderAllocation::Compute(GoldenOrder());
  auto b = OrderAllocation::Compute(GoldenOrder());
  ASSERT_TRUE(a.ok() && b.ok());
  for (std::size_t i = 0; i < a->lines().size(); ++i) {
    for (int u = 0; u < a->lines()[i].quantity(); ++u) {
      EXPECT_EQ(a->lines()[i].UnitPaid(u), b->lines()[i].UnitPaid(u));
      EXPECT_EQ(a->lines()[i].UnitTax(u), b->lines()[i].UnitTax(u));
    }
  }
  EXPECT_EQ(a->FindLine("B"), &a->lines()[1]);
  EXPECT_EQ(a->FindLine("Z"), nullptr);
  EXPECT_EQ(a->LineIndex("Z"), -1);
}

}  // namespace
}  // namespace sanbao
