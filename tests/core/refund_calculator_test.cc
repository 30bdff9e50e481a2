// ComputeRefund: goods, shipping rules, lawful deductions, tenders, points,
// due date.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "order_fixtures.h"
#include "sanbao/refund/calculator.h"

namespace sanbao {
namespace {

using testing_util::Line;
using testing_util::M;
// The golden order with shipping, two tenders and points.
Order GoldenOrder() { return testing_util::GoldenOrderPaid(); }

// An EU statutory withdrawal as the engine decides it: standard shipping
// back, buyer pays the return, deductions for diminished value allowed, no
// restocking fee.
Decision Withdrawal() {
  Decision d;
  d.eligible = true;
  d.basis = Basis::kStatutoryWithdrawal;
  d.statutory_withdrawal = true;
  d.outbound_shipping = OutboundRefund::kStandardPart;
  d.return_shipping_paid_by = Party::kBuyer;
  d.deduction_allowed = true;
  d.restocking_fee_allowed = false;
  d.refund_due_by = *ParseCivilDate("2026-03-16");
  d.jurisdiction = "DE";
  return d;
}

RefundRequest Request(std::vector<ReturnedUnits> lines, Decision const* d) {
  RefundRequest r;
  r.lines = std::move(lines);
  r.decision = d;
  return r;
}

class RefundCalculator : public testing::Test {
 protected:
  void SetUp() override {
    order_ = GoldenOrder();
    auto ledger = RefundLedger::Build(order_);
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    ledger_.emplace(*std::move(ledger));
  }
  StatusOr<Refund> Compute(RefundRequest const& r) {
    return ComputeRefund(order_, *ledger_, r);
  }
  // Computes and applies; fails the test on an error.
  Refund Take(RefundRequest const& r) {
    auto refund = Compute(r);
    EXPECT_TRUE(refund.ok()) << refund.status();
    if (!refund.ok()) return {};
    Status s = ledger_->Apply(*refund);
    EXPECT_TRUE(s.ok()) << s;
    return *refund;
  }

  Order order_;
  std::optional<RefundLedger> ledger_;
  Decision withdrawal_ = Withdrawal();
};

TEST_F(RefundCalculator, OneUnitRefundsItsStoredAllocation) {
  RefundRequest r = Request({{"A", 1}}, &withdrawal_);
  r.refund_id = "RF-1";
  r.return_id = "RT-1";
  r.idempotency_key = "idem-1";
  auto refund = Compute(r);
  ASSERT_TRUE(refund.ok()) << refund.status();
  ASSERT_EQ(refund->lines.size(), 1U);
  EXPECT_EQ(refund->lines[0].order_line_id, "A");
  EXPECT_EQ(refund->lines[0].quantity, 1);
  EXPECT_EQ(refund->lines[0].amount, M("15.20"));
  EXPECT_EQ(refund->lines[0].tax, M("2.89"));
  EXPECT_EQ(refund->total, M("18.09"));
  EXPECT_FALSE(refund->shipping.has_value());
  EXPECT_TRUE(refund->deductions.empty());
  // The card first, the gift card last.
  ASSERT_EQ(refund->tenders.size(), 1U);
  EXPECT_EQ(refund->tenders[0].tender_id, "card");
  EXPECT_EQ(refund->tenders[0].amount, M("18.09"));
  // 100 points * 18.09 / 94.97 = 19.05 -> 19.
  EXPECT_EQ(refund->loyalty_points_reversed, 19);
  EXPECT_EQ(refund->due_by, *ParseCivilDate("2026-03-16"));
  EXPECT_EQ(refund->id, "RF-1");
  EXPECT_EQ(refund->order_id, "O-golden");
  EXPECT_EQ(refund->return_id, "RT-1");
  EXPECT_EQ(refund->idempotency_key, "idem-1");
  EXPECT_FALSE(refund->conversion.has_value());
}

TEST_F(RefundCalculator, FullWithdrawalRefundsTheStandardDeliveryPartOnly) {
  Refund refund = Take(Request({{"A", 3}, {"B", 1}}, &withdrawal_));
  ASSERT_TRUE(refund.shipping.has_value());
  EXPECT_EQ(*refund.shipping, M("4.95"));
  EXPECT_EQ(*refund.shipping_tax, M("0.94"));
  EXPECT_EQ(refund.total, M("100.86"));  // 94.97 + 4.95 + 0.94
  EXPECT_EQ(refund.loyalty_points_reversed, 100);
  EXPECT_TRUE(ledger_->AllUnitsRefunded());
  // Card first, then the gift card.
  ASSERT_EQ(refund.tenders.size(), 2U);
  EXPECT_EQ(refund.tenders[0].amount, M("80.00"));
  EXPECT_EQ(refund.tenders[1].tender_id, "gift");
  EXPECT_EQ(refund.tenders[1].amount, M("20.86"));
}

TEST_F(RefundCalculator, PartialReturnsGetNoShippingUntilTheOrderIsComplete) {
  Refund first = Take(Request({{"B", 1}}, &withdrawal_));
  EXPECT_FALSE(first.shipping.has_value());
  Refund second = Take(Request({{"A", 2}}, &withdrawal_));
  EXPECT_FALSE(second.shipping.has_value());
  Refund last = Take(Request({{"A", 1}}, &withdrawal_));
  ASSERT_TRUE(last.shipping.has_value());
  EXPECT_EQ(*last.shipping, M("4.95"));
  EXPECT_EQ(*last.shipping_tax, M("0.94"));
  // The last unit of A took the residue: 18.08.
  EXPECT_EQ(last.lines[0].amount, M("15.20"));
  EXPECT_EQ(last.lines[0].tax, M("2.88"));
  EXPECT_EQ(ledger_->total_refunded(), M("100.86"));
  EXPECT_EQ(ledger_->loyalty_points_reversed(), 100);
}

TEST_F(RefundCalculator, PolicyMayRaiseTheShippingRuleButNeverLowerIt) {
  RefundRequest r = Request({{"A", 3}, {"B", 1}}, &withdrawal_);
  r.policy_outbound_shipping = OutboundRefund::kAll;
  auto refund = Compute(r);
  ASSERT_TRUE(refund.ok());
  EXPECT_EQ(*refund->shipping, M("9.90"));
  EXPECT_EQ(*refund->shipping_tax, M("1.88"));
  EXPECT_EQ(refund->total, *order_.Total());

  r.policy_outbound_shipping = OutboundRefund::kNone;
  refund = Compute(r);
  ASSERT_TRUE(refund.ok());
  EXPECT_EQ(*refund->shipping, M("4.95"));

  // Without a decision the policy alone decides; by default nothing.
  r.decision = nullptr;
  r.policy_outbound_shipping.reset();
  refund = Compute(r);
  ASSERT_TRUE(refund.ok());
  EXPECT_FALSE(refund->shipping.has_value());
  EXPECT_FALSE(refund->due_by.has_value());
}

TEST_F(RefundCalculator, ProportionalShippingOnPartialReturnsEndsOnTheBucket) {
  RefundRequest r = Request({{"A", 1}}, &withdrawal_);
  r.partial_shipping = PartialShipping::kProportional;
  r.policy_outbound_shipping = OutboundRefund::kAll;
  Refund one = Take(r);
  // 9.90 * 18.09 / 94.97 = 1.8857 -> 1.89; tax 1.88 * ... = 0.358 -> 0.36.
  EXPECT_EQ(*one.shipping, M("1.89"));
  EXPECT_EQ(*one.shipping_tax, M("0.36"));
  r.lines = {{"B", 1}};
  Take(r);
  r.lines = {{"A", 2}};
  Take(r);
  EXPECT_EQ(ledger_->shipping_refunded(), M("9.90"));
  EXPECT_EQ(ledger_->shipping_tax_refunded(), M("1.88"));
  EXPECT_EQ(ledger_->total_refunded(), *order_.Total());
}

TEST_F(RefundCalculator, PerLineShippingGoesWithEachLinesUnits) {
  order_.lines[0].shipping = M("6.90");
  order_.lines[1].shipping = M("3.00");
  ledger_.emplace(*RefundLedger::Build(order_));
  RefundRequest r = Request({{"A", 1}}, &withdrawal_);
  r.partial_shipping = PartialShipping::kPerLine;
  r.policy_outbound_shipping = OutboundRefund::kAll;
  Refund one = Take(r);
  // A's 6.90 split by units: 2.30; its share of the 1.88 tax: 0.4367 -> 0.44.
  EXPECT_EQ(*one.shipping, M("2.30"));
  EXPECT_EQ(*one.shipping_tax, M("0.44"));
  r.lines = {{"B", 1}};
  Refund two = Take(r);
  EXPECT_EQ(*two.shipping, M("3.00"));
  EXPECT_EQ(*two.shipping_tax, M("0.57"));
  r.lines = {{"A", 2}};
  Refund three = Take(r);  // completes the order: A's last two units
  EXPECT_EQ(*three.shipping, M("4.60"));
  EXPECT_EQ(*three.shipping_tax, M("0.87"));
  EXPECT_EQ(ledger_->shipping_refunded(), M("9.90"));
  EXPECT_EQ(ledger_->shipping_tax_refunded(), M("1.88"));
  EXPECT_EQ(ledger_->total_refunded(), *order_.Total());
}

TEST_F(RefundCalculator, PerLineShippingNeverMakesUpForAnotherReturn) {
  order_.lines[0].shipping = M("6.90");
  order_.lines[1].shipping = M("3.00");
  ledger_.emplace(*RefundLedger::Build(order_));
  // A returned without any shipping back (no rule gives it) ...
  RefundRequest none = Request({{"A", 3}}, nullptr);
  none.partial_shipping = PartialShipping::kPerLine;
  EXPECT_FALSE(Take(none).shipping.has_value());
  // ... then B, which completes the order: only B's own shipping.
  RefundRequest r = Request({{"B", 1}}, &withdrawal_);
  r.partial_shipping = PartialShipping::kPerLine;
  r.policy_outbound_shipping = OutboundRefund::kAll;
  Refund b = Take(r);
  EXPECT_EQ(*b.shipping, M("3.00"));
}

TEST_F(RefundCalculator, PerLineShippingNeedsEveryLinesShippingAddingUp) {
  RefundRequest r = Request({{"A", 1}}, &withdrawal_);
  r.partial_shipping = PartialShipping::kPerLine;
  auto missing = Compute(r);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().reason(), "REFUND_REQUEST_INVALID");
  order_.lines[0].shipping = M("6.90");
  order_.lines[1].shipping = M("2.00");  // 8.90, the order says 9.90
  ledger_.emplace(*RefundLedger::Build(order_));
  auto wrong = Compute(r);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().reason(), "REFUND_REQUEST_INVALID");
  EXPECT_EQ(wrong.status().error_info().metadata.at("field"),
            "partial_shipping");
}

TEST_F(RefundCalculator, DiminishedValueNeedsPermissionAndEvidence) {
  RefundRequest r = Request({{"B", 1}}, &withdrawal_);
  r.diminished_value =
      DiminishedValueDeduction{M("5.00"), "inspection RMA-7: scratched", ""};
  auto refund = Compute(r);
  ASSERT_TRUE(refund.ok()) << refund.status();
  ASSERT_EQ(refund->deductions.size(), 1U);
  EXPECT_EQ(refund->deductions[0].kind, Deduction::Kind::kDiminishedValue);
  EXPECT_EQ(refund->deductions[0].amount, M("5.00"));
  EXPECT_EQ(refund->deductions[0].evidence, "inspection RMA-7: scratched");
  EXPECT_THAT(refund->deductions[0].legal_basis,
              testing::HasSubstr("statutory_withdrawal (DE)"));
  EXPECT_EQ(refund->total, M("35.71"));  // 40.71 - 5.00
  EXPECT_TRUE(ledger_->Check(*refund).ok());

  r.diminished_value->legal_basis = "BGB § 357a(1)";
  refund = Compute(r);
  ASSERT_TRUE(refund.ok());
  EXPECT_EQ(refund->deductions[0].legal_basis, "BGB § 357a(1)");

  r.diminished_value->evidence.clear();
  EXPECT_EQ(Compute(r).status().reason(), "REFUND_REQUEST_INVALID");

  r.diminished_value->evidence = "photo";
  Decision no_deduction = withdrawal_;
  no_deduction.deduction_allowed = false;
  r.decision = &no_deduction;
  Status s = Compute(r).status();
  EXPECT_EQ(s.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(s.reason(), "REFUND_DEDUCTION_NOT_ALLOWED");
  EXPECT_EQ(s.error_info().metadata.at("deduction"), "diminished_value");
  no_deduction.deduction_allowed.reset();
  EXPECT_EQ(Compute(r).status().reason(), "REFUND_DEDUCTION_NOT_ALLOWED");
  r.decision = nullptr;
  EXPECT_EQ(Compute(r).status().reason(), "REFUND_DEDUCTION_NOT_ALLOWED");

  r.decision = &withdrawal_;
  r.diminished_value->amount = M("0.00");
  EXPECT_EQ(Compute(r).status().reason(), "REFUND_REQUEST_INVALID");
  r.diminished_value->amount = *Money::Parse("5.00", "USD");
  EXPECT_EQ(Compute(r).status().reason(), "CURRENCY_MISMATCH");
  r.diminished_value->amount = M("40.72");
  EXPECT_EQ(Compute(r).status().reason(), "REFUND_DEDUCTION_EXCEEDS_REFUND");
}

TEST_F(RefundCalculator, ReturnPostageOnlyWhenTheBuyerBearsIt) {
  RefundRequest r = Request({{"B", 1}}, &withdrawal_);
  r.return_postage = ReturnPostageDeduction{M("6.99"), ""};
  auto refund = Compute(r);
  ASSERT_TRUE(refund.ok()) << refund.status();
  EXPECT_EQ(refund->deductions[0].kind, Deduction::Kind::kReturnPostage);
  EXPECT_EQ(refund->total, M("33.72"));

  Decision seller_pays = withdrawal_;
  seller_pays.return_shipping_paid_by = Party::kSeller;
  r.decision = &seller_pays;
  EXPECT_EQ(Compute(r).status().reason(), "REFUND_DEDUCTION_NOT_ALLOWED");
  seller_pays.return_shipping_paid_by.reset();
  EXPECT_EQ(Compute(r).status().reason(), "REFUND_DEDUCTION_NOT_ALLOWED");
}

TEST_F(RefundCalculator, RestockingFeeOnlyWhenTheDecisionAllowsIt) {
  RefundRequest r = Request({{"B", 1}}, &withdrawal_);
  r.restocking_fee = RestockingFeeDeduction{M("4.00"), ""};
  Status s = Compute(r).status();
  EXPECT_EQ(s.reason(), "REFUND_DEDUCTION_NOT_ALLOWED");
  EXPECT_EQ(s.error_info().metadata.at("deduction"), "restocking_fee");

  Decision policy = withdrawal_;
  policy.basis = Basis::kSellerPolicy;
  policy.restocking_fee_allowed = true;
  r.decision = &policy;
  auto refund = Compute(r);
  ASSERT_TRUE(refund.ok()) << refund.status();
  EXPECT_EQ(refund->deductions[0].kind, Deduction::Kind::kRestockingFee);
  EXPECT_EQ(refund->total, M("36.71"));
}

TEST_F(RefundCalculator, AllDeductionsTogetherAddUp) {
  Decision policy = withdrawal_;
  policy.restocking_fee_allowed = true;
  RefundRequest r = Request({{"A", 3}, {"B", 1}}, &policy);
  r.diminished_value = DiminishedValueDeduction{M("1.00"), "photo", ""};
  r.return_postage = ReturnPostageDeduction{M("2.00"), ""};
  r.restocking_fee = RestockingFeeDeduction{M("3.00"), ""};
  Refund refund = Take(r);
  EXPECT_EQ(refund.deductions.size(), 3U);
  EXPECT_EQ(refund.total, M("94.86"));  // 100.86 - 6.00
  EXPECT_TRUE(ledger_->AllUnitsRefunded());
}

TEST_F(RefundCalculator, ConfiguredTenderOrder) {
  RefundRequest r = Request({{"B", 1}}, &withdrawal_);
  r.tender_order = {"gift", "card"};
  auto refund = Compute(r);
  ASSERT_TRUE(refund.ok()) << refund.status();
  ASSERT_EQ(refund->tenders.size(), 2U);
  EXPECT_EQ(refund->tenders[0].tender_id, "gift");
  EXPECT_EQ(refund->tenders[0].amount, M("26.75"));
  EXPECT_EQ(refund->tenders[1].amount, M("13.96"));

  r.tender_order = {"gift"};  // only the listed tenders are used
  Status s = Compute(r).status();
  EXPECT_EQ(s.reason(), "REFUND_EXCEEDS_PAID");
  EXPECT_EQ(s.error_info().metadata.at("bucket"), "tender");
  r.tender_order = {"cash"};
  EXPECT_EQ(Compute(r).status().reason(), "REFUND_TENDER_UNKNOWN");
  r.tender_order = {"card", "card"};
  EXPECT_EQ(Compute(r).status().reason(), "REFUND_REQUEST_INVALID");
}

TEST_F(RefundCalculator, StoreCreditAlsoComesLast) {
  order_.tenders = {Tender{"credit", TenderKind::kStoreCredit, M("6.75"), ""},
                    Tender{"gift", TenderKind::kGiftCard, M("20.00"), ""},
                    Tender{"wallet", TenderKind::kWallet, M("30.00"), ""},
                    Tender{"card", TenderKind::kCard, M("50.00"), ""}};
  auto ledger = RefundLedger::Build(order_);
  ASSERT_TRUE(ledger.ok());
  ledger_.emplace(*std::move(ledger));
  Refund refund = Take(Request({{"A", 3}, {"B", 1}}, &withdrawal_));
  std::vector<std::string> ids;
  for (auto const& t : refund.tenders) ids.push_back(t.tender_id);
  EXPECT_THAT(ids, testing::ElementsAre("wallet", "card", "credit", "gift"));
  EXPECT_EQ(refund.tenders[3].amount, M("14.11"));  // 100.86 - 30 - 50 - 6.75
}

TEST_F(RefundCalculator, LoyaltyPointsFollowTheGoods) {
  Refund a = Take(Request({{"A", 1}}, &withdrawal_));
  Refund b = Take(Request({{"A", 1}}, &withdrawal_));
  // Cumulative 36.18 / 94.97 of 100 = 38.1 -> 38; first took 19.
  EXPECT_EQ(a.loyalty_points_reversed, 19);
  EXPECT_EQ(b.loyalty_points_reversed, 19);
  Refund c = Take(Request({{"A", 1}, {"B", 1}}, &withdrawal_));
  EXPECT_EQ(c.loyalty_points_reversed, 62);
  EXPECT_EQ(ledger_->loyalty_points_reversed(), 100);
}

TEST_F(RefundCalculator, RequestErrors) {
  EXPECT_EQ(Compute(Request({}, &withdrawal_)).status().reason(),
            "REFUND_REQUEST_INVALID");
  EXPECT_EQ(Compute(Request({{"A", 0}}, &withdrawal_)).status().reason(),
            "REFUND_REQUEST_INVALID");
  EXPECT_EQ(
      Compute(Request({{"A", 1}, {"A", 1}}, &withdrawal_)).status().reason(),
      "REFUND_REQUEST_INVALID");
  EXPECT_EQ(Compute(Request({{"Z", 1}}, &withdrawal_)).status().reason(),
            "REFUND_LINE_UNKNOWN");
  Status s = Compute(Request({{"A", 4}}, &withdrawal_)).status();
  EXPECT_EQ(s.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(s.reason(), "REFUND_EXCEEDS_PAID");
  EXPECT_EQ(s.error_info().metadata.at("bucket"), "line_units");
  EXPECT_EQ(s.error_info().metadata.at("line_id"), "A");

  Order other = order_;
  other.id = "O-other";
  EXPECT_EQ(ComputeRefund(other, *ledger_, Request({{"A", 1}}, &withdrawal_))
                .status()
                .reason(),
            "REFUND_LEDGER_MISMATCH");
}

TEST_F(RefundCalculator, ComputingChangesNothing) {
  RefundRequest r = Request({{"A", 1}}, &withdrawal_);
  auto first = Compute(r);
  auto second = Compute(r);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->total, second->total);
  EXPECT_EQ(ledger_->refund_count(), 0U);
}

}  // namespace
}  // namespace sanbao

namespace sanbao {
namespace {

FxConversion To(std::string currency, std::string_view rate) {
  FxConversion c;
  c.to_currency = std::move(currency);
  c.rate = *Decimal::Parse(rate);
  c.source = "ECB";
  c.as_of = *ParseCivilDate("2026-03-13");
  return c;
}

TEST_F(RefundCalculator, ConvertsTheTotalExactlyAndRoundsHalfUpOnce) {
  // 18.09 EUR x 161.2345 = 2916.732105 JPY -> 2917 (no minor units).
  RefundRequest r = Request({{"A", 1}}, &withdrawal_);
  r.conversion = To("JPY", "161.2345");
  auto refund = Compute(r);
  ASSERT_TRUE(refund.ok()) << refund.status();
  ASSERT_TRUE(refund->conversion.has_value());
  EXPECT_EQ(refund->conversion->from_currency, "EUR");
  EXPECT_EQ(refund->conversion->amount, M("2917", "JPY"));
  EXPECT_EQ(refund->total, M("18.09"));  // the ledger stays in EUR
  // 18.09 EUR x 0.3315 = 5.996835 KWD -> 5.997 (three minor units).
  r.conversion = To("KWD", "0.3315");
  EXPECT_EQ(Compute(r)->conversion->amount, M("5.997", "KWD"));
  // 18.09 EUR x 1.0850 = 19.627650 USD -> 19.63; exactly half rounds up:
  // 18.09 x 1.5 = 27.135 -> 27.14.
  r.conversion = To("USD", "1.0850");
  EXPECT_EQ(Compute(r)->conversion->amount, M("19.63", "USD"));
  r.conversion = To("USD", "1.5");
  EXPECT_EQ(Compute(r)->conversion->amount, M("27.14", "USD"));
}

TEST_F(RefundCalculator, RejectsABadConversion) {
  RefundRequest r = Request({{"A", 1}}, &withdrawal_);
  r.conversion = To("JPY", "0");
  EXPECT_EQ(Compute(r).status().reason(), "FX_RATE_INVALID");
  r.conversion = To("EUX", "1.1");
  EXPECT_EQ(Compute(r).status().reason(), "CURRENCY_UNKNOWN");
}

}  // namespace
}  // namespace sanbao
