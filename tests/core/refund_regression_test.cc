// Regression tests for refund bugs reported in the issue trackers of other
// commerce systems (tax, discounts and shipping; minor units and rounding;
// refunds desynchronised from payments; store credit; split payments). Each
// test names the upstream issue, e.g. medusajs/medusa#14136 is
// https://github.com/medusajs/medusa/issues/14136; the list is in
// docs/guides/refunds.md section 4.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "order_fixtures.h"
#include "sanbao/refund/allocation.h"
#include "sanbao/refund/calculator.h"
#include "sanbao/refund/ledger.h"

namespace sanbao {
namespace {

using testing_util::Line;
using testing_util::M;

// Pays the whole order with one card.
Order PaidByCard(Order order) {
  order.tenders = {Tender{"card", TenderKind::kCard, *order.Total(), "ch"}};
  return order;
}

Decision FullRefund(OutboundRefund outbound = OutboundRefund::kAll) {
  Decision d;
  d.eligible = true;
  d.basis = Basis::kStatutoryWithdrawal;
  d.outbound_shipping = outbound;
  d.return_shipping_paid_by = Party::kBuyer;
  d.deduction_allowed = true;
  return d;
}

// Returns every unit one at a time (line by line) and applies each refund.
std::vector<Refund> ReturnUnitByUnit(Order const& order, RefundLedger& ledger,
                                     Decision const& decision) {
  std::vector<Refund> out;
  for (auto const& line : order.lines) {
    for (int u = 0; u < line.quantity; ++u) {
      RefundRequest r;
      r.lines = {{line.id, 1}};
      r.decision = &decision;
      auto refund = ComputeRefund(order, ledger, r);
      EXPECT_TRUE(refund.ok()) << refund.status();
      if (!refund.ok()) return out;
      EXPECT_TRUE(ledger.Apply(*refund).ok());
      out.push_back(*refund);
    }
  }
  return out;
}

// medusajs/medusa#14136 "Refundable totals are incorrect when
// is_tax_inclusive = true" and #13883 (refundable_total exceeds the order
// total with tax-inclusive pricing): the tax of an inclusive line is part of
// its price, never added on top.
TEST(RefundRegression, Medusa14136TaxInclusiveRefundableTotals) {
  Order order;
  order.id = "medusa-14136";
  order.presentment_currency = "EUR";
  order.lines.push_back(Line("A", 2, "119.00", "38.00", true));
  order.shipping.charged = M("4.90");
  order.shipping.tax = M("0.93");
  order = PaidByCard(order);
  ASSERT_EQ(*order.Total(), M("243.83"));
  auto ledger = RefundLedger::Build(order);
  ASSERT_TRUE(ledger.ok());
  Decision d = FullRefund();
  RefundRequest r;
  r.lines = {{"A", 2}};
  r.decision = &d;
  auto refund = ComputeRefund(order, *ledger, r);
  ASSERT_TRUE(refund.ok()) << refund.status();
  EXPECT_EQ(refund->lines[0].amount, M("200.00"));
  EXPECT_EQ(refund->lines[0].tax, M("38.00"));
  EXPECT_EQ(refund->total, *order.Total());  // not 243.83 + 38.00
  ASSERT_TRUE(ledger->Apply(*refund).ok());
  EXPECT_EQ(ledger->total_refunded(), ledger->total_paid());
}

// medusajs/medusa#15885: refundable_total double-counts tax on discounts for
// non-tax-inclusive items. The refund carries the tax actually charged on
// the discounted line, not tax on the list price.
TEST(RefundRegression, Medusa15885NoTaxOnDiscountsForExclusiveLines) {
  Order order;
  order.id = "medusa-15885";
  order.presentment_currency = "EUR";
  order.lines.push_back(Line("A", 1, "100.00", "16.00", false));  // 20% of 80
  order.lines[0].discounts.push_back(Discount{"d", "SAVE20", M("20.00")});
  order = PaidByCard(order);
  auto ledger = RefundLedger::Build(order);
  ASSERT_TRUE(ledger.ok());
  RefundRequest r;
  r.lines = {{"A", 1}};
  auto refund = ComputeRefund(order, *ledger, r);
  ASSERT_TRUE(refund.ok());
  EXPECT_EQ(refund->lines[0].amount, M("80.00"));
  EXPECT_EQ(refund->lines[0].tax, M("16.00"));
  EXPECT_EQ(refund->total, M("96.00"));
}

// spree/spree PR #5043 ("off by 8 cents") and PR #5926 (a full refund with
// tax came out below the order total): per-unit amounts recomputed and
// rounded one by one drift; stored unit allocations add up exactly.
TEST(RefundRegression, Spree5043UnitByUnitRefundsAreNotOffByCents) {
  Order order;
  order.id = "spree-5043";
  order.presentment_currency = "USD";
  order.lines.push_back(Line("A", 9, "3.33", "2.10", false, "USD"));
  order.lines.push_back(Line("B", 7, "1.99", "0.98", false, "USD"));
  order.lines.push_back(Line("C", 11, "0.07", "0.05", false, "USD"));
  order.order_discounts.push_back(Discount{"o", "X", M("1.00", "USD")});
  order = PaidByCard(order);
  auto ledger = RefundLedger::Build(order);
  ASSERT_TRUE(ledger.ok());
  Decision d = FullRefund();
  auto refunds = ReturnUnitByUnit(order, *ledger, d);
  ASSERT_EQ(refunds.size(), 27U);
  std::int64_t sum = 0;
  for (auto const& refund : refunds) sum += refund.total.minor_units();
  EXPECT_EQ(sum, order.Total()->minor_units());
  EXPECT_EQ(ledger->tenders()[0].refunded_minor,
            ledger->tenders()[0].paid_minor);
  // Recomputing a unit's tax each time (2.10 / 9 = 0.2333 -> 0.23) would
  // refund 2.07 of A's 2.10; the stored allocation refunds 0.24 x 3 and
  // 0.23 x 6.
  std::int64_t tax_a = 0;
  for (std::size_t i = 0; i < 9; ++i)
    tax_a += refunds[i].lines[0].tax.minor_units();
  EXPECT_EQ(tax_a, 210);
  EXPECT_EQ(refunds[0].lines[0].tax, M("0.24", "USD"));
  EXPECT_EQ(refunds[8].lines[0].tax, M("0.23", "USD"));
}

// Sylius/RefundPlugin `(int) round($amount * 100)` and Sylius/Sylius#851:
// minor units hard-coded to two. JPY has none, KWD three.
TEST(RefundRegression, SyliusRoundTimes100BreaksJpyAndKwd) {
  Order jpy;
  jpy.id = "sylius-jpy";
  jpy.presentment_currency = "JPY";
  jpy.lines.push_back(Line("A", 3, "1000", "300", false, "JPY"));
  jpy.order_discounts.push_back(Discount{"o", "X", M("100", "JPY")});
  jpy.shipping.charged = M("500", "JPY");
  jpy = PaidByCard(jpy);
  auto ledger = RefundLedger::Build(jpy);
  ASSERT_TRUE(ledger.ok());
  RefundRequest r;
  r.lines = {{"A", 1}};
  auto refund = ComputeRefund(jpy, *ledger, r);
  ASSERT_TRUE(refund.ok()) << refund.status();
  EXPECT_EQ(refund->lines[0].amount.ToString(), "967");  // not 96700, not 9.67
  EXPECT_EQ(refund->lines[0].tax.ToString(), "100");
  EXPECT_EQ(refund->total.ToStringWithCode(), "1067 JPY");
  Decision d = FullRefund();
  ReturnUnitByUnit(jpy, *ledger, d);  // the last one takes the shipping
  EXPECT_EQ(ledger->total_refunded(), M("3700", "JPY"));
  EXPECT_EQ(ledger->total_refunded(), *jpy.Total());

  Order kwd;
  kwd.id = "sylius-kwd";
  kwd.presentment_currency = "KWD";
  kwd.lines.push_back(Line("A", 3, "1.234", "0.185", false, "KWD"));
  kwd = PaidByCard(kwd);
  ledger = RefundLedger::Build(kwd);
  ASSERT_TRUE(ledger.ok());
  refund = ComputeRefund(kwd, *ledger, r);
  ASSERT_TRUE(refund.ok());
  EXPECT_EQ(refund->lines[0].amount.ToString(), "1.234");  // not 1.23
  EXPECT_EQ(refund->lines[0].tax.ToString(), "0.062");
  EXPECT_EQ(refund->total.ToStringWithCode(), "1.296 KWD");
  ReturnUnitByUnit(kwd, *ledger, d);
  EXPECT_EQ(ledger->total_refunded(), M("3.887", "KWD"));
  EXPECT_EQ(ledger->total_refunded(), *kwd.Total());
}

// Sylius/PayPalPlugin#335: a partial refund was executed repeatedly. The
// same refund (same idempotency key) is refused the second time, and a
// replayed request that is no longer covered is refused too.
TEST(RefundRegression, SyliusPayPalPlugin335PartialRefundTwice) {
  Order order;
  order.id = "sylius-335";
  order.presentment_currency = "EUR";
  order.lines.push_back(Line("A", 2, "25.00", "0", false));
  order = PaidByCard(order);
  auto ledger = RefundLedger::Build(order);
  ASSERT_TRUE(ledger.ok());
  RefundRequest r;
  r.lines = {{"A", 1}};
  r.idempotency_key = "paypal-capture-1:refund-1";
  auto refund = ComputeRefund(order, *ledger, r);
  ASSERT_TRUE(refund.ok());
  ASSERT_TRUE(ledger->Apply(*refund).ok());

  Status again = ledger->Apply(*refund);
  EXPECT_EQ(again.code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.reason(), "REFUND_DUPLICATE");
  EXPECT_EQ(ComputeRefund(order, *ledger, r).status().reason(),
            "REFUND_DUPLICATE");
  EXPECT_EQ(ledger->total_refunded(), M("25.00"));

  // Same money under a fresh key, twice: the second has no unit left.
  refund->idempotency_key = "refund-2";
  ASSERT_TRUE(ledger->Apply(*refund).ok());
  refund->idempotency_key = "refund-3";
  Status s = ledger->Apply(*refund);
  EXPECT_EQ(s.reason(), "REFUND_EXCEEDS_PAID");
  EXPECT_EQ(s.error_info().metadata.at("bucket"), "line_units");
  EXPECT_EQ(ledger->total_refunded(), M("50.00"));
}

// vendurehq/vendure#989: the shipping tax was not refunded, so the order
// stayed "partially refunded" forever.
TEST(RefundRegression, Vendure989ShippingTaxIsRefunded) {
  Order order;
  order.id = "vendure-989";
  order.presentment_currency = "GBP";
  order.lines.push_back(Line("A", 1, "20.00", "4.00", false, "GBP"));
  order.shipping.charged = M("4.99", "GBP");
  order.shipping.tax = M("1.00", "GBP");
  order = PaidByCard(order);
  auto ledger = RefundLedger::Build(order);
  ASSERT_TRUE(ledger.ok());
  Decision d = FullRefund(OutboundRefund::kAll);
  RefundRequest r;
  r.lines = {{"A", 1}};
  r.decision = &d;
  auto refund = ComputeRefund(order, *ledger, r);
  ASSERT_TRUE(refund.ok());
  EXPECT_EQ(*refund->shipping, M("4.99", "GBP"));
  EXPECT_EQ(*refund->shipping_tax, M("1.00", "GBP"));
  ASSERT_TRUE(ledger->Apply(*refund).ok());
  EXPECT_EQ(ledger->total_refunded(), *order.Total());
  EXPECT_EQ(ledger->tenders()[0].refunded_minor,
            ledger->tenders()[0].paid_minor);
}

// Shipping refunded twice (medusajs/admin#522 and #167 class; the anchors'
// "shipping refunded twice"): a second refund of the outbound shipping is
// refused, and the calculator never offers it twice.
TEST(RefundRegression, ShippingIsNeverRefundedTwice) {
  Order order;
  order.id = "shipping-twice";
  order.presentment_currency = "EUR";
  order.lines.push_back(Line("A", 2, "30.00", "0", false));
  order.shipping.charged = M("6.00");
  order = PaidByCard(order);
  auto ledger = RefundLedger::Build(order);
  ASSERT_TRUE(ledger.ok());
  Decision d = FullRefund(OutboundRefund::kAll);
  RefundRequest r;
  r.decision = &d;
  r.partial_shipping = PartialShipping::kProportional;
  r.lines = {{"A", 1}};
  auto first = ComputeRefund(order, *ledger, r);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first->shipping, M("3.00"));
  ASSERT_TRUE(ledger->Apply(*first).ok());
  auto second = ComputeRefund(order, *ledger, r);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second->shipping, M("3.00"));
  ASSERT_TRUE(ledger->Apply(*second).ok());
  EXPECT_EQ(ledger->shipping_refunded(), M("6.00"));

  // A hand-made shipping refund on top is refused and changes nothing.
  Refund extra;
  extra.shipping = M("6.00");
  extra.total = M("6.00");
  extra.tenders = {TenderRefund{"card", M("6.00")}};
  Status s = ledger->Apply(extra);
  EXPECT_EQ(s.reason(), "REFUND_EXCEEDS_PAID");
  EXPECT_EQ(s.error_info().metadata.at("bucket"), "shipping");
  EXPECT_EQ(ledger->shipping_refunded(), M("6.00"));
  EXPECT_EQ(ledger->total_refunded(), *order.Total());
}

// solidusio-contrib/solidus_product_assembly PR #43: rounding each part down
// left a cent that was never refunded; solidusio/solidus PR #1603:
// round(2, :down) only works with two-decimal currencies.
TEST(RefundRegression, SolidusProductAssembly43RoundDownResidue) {
  Order order;
  order.id = "solidus-43";
  order.presentment_currency = "EUR";
  order.lines.push_back(Line("KIT", 3, "10.00", "0", false));
  order.lines[0].discounts.push_back(Discount{"d", "BUNDLE", M("0.10")});
  order = PaidByCard(order);
  auto ledger = RefundLedger::Build(order);
  ASSERT_TRUE(ledger.ok());
  Decision d = FullRefund();
  auto refunds = ReturnUnitByUnit(order, *ledger, d);
  ASSERT_EQ(refunds.size(), 3U);
  EXPECT_EQ(refunds[0].total, M("9.97"));
  EXPECT_EQ(refunds[1].total, M("9.97"));
  EXPECT_EQ(refunds[2].total, M("9.96"));  // round-down would give 9.96 x 3
  EXPECT_EQ(ledger->total_refunded(), M("29.90"));
}

// medusajs/medusa#13091 ("Can't refund due to decimal difference") and PR
// #15530 (a sub-cent -2.376 overpayment): refunds are whole minor units and
// a full refund equals the captured amount to the unit.
TEST(RefundRegression, Medusa13091NoDecimalDifferenceOnFullRefund) {
  Order order;
  order.id = "medusa-13091";
  order.presentment_currency = "EUR";
  order.lines.push_back(
      Line("A", 3, "7.99", "4.55", false));  // 19% of 23.97 = 4.5543
  order.order_discounts.push_back(Discount{"o", "X", M("2.38")});
  order = PaidByCard(order);
  auto ledger = RefundLedger::Build(order);
  ASSERT_TRUE(ledger.ok());
  Decision d = FullRefund();
  RefundRequest r;
  r.lines = {{"A", 3}};
  r.decision = &d;
  auto refund = ComputeRefund(order, *ledger, r);
  ASSERT_TRUE(refund.ok());
  EXPECT_EQ(refund->tenders[0].amount, order.tenders[0].amount);
}

// medusajs/medusa#4686: a wrong return-shipping deduction "for most Danish
// orders". The deduction is exactly the postage given, only where the buyer
// bears it.
TEST(RefundRegression, Medusa4686ReturnShippingDeductionIsExact) {
  Order order;
  order.id = "medusa-4686";
  order.presentment_currency = "DKK";
  order.lines.push_back(Line("A", 1, "499.00", "99.80", true, "DKK"));
  order.shipping.charged = M("39.00", "DKK");
  order = PaidByCard(order);
  auto ledger = RefundLedger::Build(order);
  ASSERT_TRUE(ledger.ok());
  Decision d = FullRefund(OutboundRefund::kAll);
  RefundRequest r;
  r.lines = {{"A", 1}};
  r.decision = &d;
  r.return_postage = ReturnPostageDeduction{M("45.00", "DKK"), ""};
  auto refund = ComputeRefund(order, *ledger, r);
  ASSERT_TRUE(refund.ok()) << refund.status();
  EXPECT_EQ(refund->deductions[0].amount, M("45.00", "DKK"));
  EXPECT_EQ(refund->total, M("493.00", "DKK"));  // 499 + 39 - 45
  d.return_shipping_paid_by = Party::kSeller;
  EXPECT_EQ(ComputeRefund(order, *ledger, r).status().reason(),
            "REFUND_DEDUCTION_NOT_ALLOWED");
}

// Adyen/adyen-magento#635 and #651: split-payment refunds. Card first, gift
// card last; no tender ever gets back more than it paid, and a full return
// gives each exactly what it paid.
TEST(RefundRegression, AdyenMagento635SplitTenderRefunds) {
  Order order;
  order.id = "adyen-635";
  order.presentment_currency = "EUR";
  order.lines.push_back(Line("A", 4, "25.00", "0", false));
  order.tenders = {Tender{"gift", TenderKind::kGiftCard, M("30.00"), "gc"},
                   Tender{"card", TenderKind::kCard, M("70.00"), "psp"}};
  auto ledger = RefundLedger::Build(order);
  ASSERT_TRUE(ledger.ok());
  Decision d = FullRefund();
  auto refunds = ReturnUnitByUnit(order, *ledger, d);
  ASSERT_EQ(refunds.size(), 4U);
  EXPECT_EQ(refunds[0].tenders.size(), 1U);
  EXPECT_EQ(refunds[0].tenders[0].tender_id, "card");
  ASSERT_EQ(refunds[2].tenders.size(), 2U);  // 20.00 card + 5.00 gift
  EXPECT_EQ(refunds[2].tenders[0].amount, M("20.00"));
  EXPECT_EQ(refunds[2].tenders[1].amount, M("5.00"));
  EXPECT_EQ(ledger->tenders()[0].refunded_minor, 3000);
  EXPECT_EQ(ledger->tenders()[1].refunded_minor, 7000);
}

// solidusio/solidus#2930: a store-credit reimbursement was not credited.
// Store credit is a tender like any other, refunded last and to the unit.
TEST(RefundRegression, Solidus2930StoreCreditIsRefunded) {
  Order order;
  order.id = "solidus-2930";
  order.presentment_currency = "EUR";
  order.lines.push_back(Line("A", 1, "50.00", "0", false));
  order.tenders = {
      Tender{"credit", TenderKind::kStoreCredit, M("50.00"), "sc"}};
  auto ledger = RefundLedger::Build(order);
  ASSERT_TRUE(ledger.ok());
  RefundRequest r;
  r.lines = {{"A", 1}};
  auto refund = ComputeRefund(order, *ledger, r);
  ASSERT_TRUE(refund.ok());
  ASSERT_EQ(refund->tenders.size(), 1U);
  EXPECT_EQ(refund->tenders[0].tender_id, "credit");
  EXPECT_EQ(refund->tenders[0].amount, M("50.00"));
}

// The anchors' coupon class (smartlabsAT/sonata-project-ecommerce#177:
// "Shop loses €20 per affected order"): refunds computed from the list
// price instead of the discounted one.
TEST(RefundRegression, Sonata177CouponRefundsUseTheDiscountedPrice) {
  Order order;
  order.id = "sonata-177";
  order.presentment_currency = "EUR";
  order.lines.push_back(Line("A", 1, "100.00", "0", false));
  order.lines.push_back(Line("B", 1, "100.00", "0", false));
  order.order_discounts.push_back(Discount{"c", "COUPON40", M("40.00")});
  order = PaidByCard(order);
  auto ledger = RefundLedger::Build(order);
  ASSERT_TRUE(ledger.ok());
  RefundRequest r;
  r.lines = {{"A", 1}};
  auto refund = ComputeRefund(order, *ledger, r);
  ASSERT_TRUE(refund.ok());
  EXPECT_EQ(refund->total, M("80.00"));  // not 100.00
}

}  // namespace
}  // namespace sanbao
