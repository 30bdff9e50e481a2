// RefundLedger: caps per bucket, refusals that change nothing, duplicates.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sanbao/refund/ledger.h"

namespace sanbao {
namespace {

Money M(std::string_view amount) { return *Money::Parse(amount, "EUR"); }

// A 2 x 10.00 + 1.90 tax, B 1 x 30.00 + 5.70 tax (tax-exclusive); shipping
// 5.00 + 0.95; paid 40.00 by card and 25.45 by gift card; 50 points.
Order TestOrder() {
  Order order;
  order.id = "O1";
  order.presentment_currency = "EUR";
  OrderLine a;
  a.id = "A";
  a.quantity = 2;
  a.unit_price = M("10.00");
  a.tax = M("3.80");
  OrderLine b;
  b.id = "B";
  b.quantity = 1;
  b.unit_price = M("30.00");
  b.tax = M("5.70");
  order.lines = {a, b};
  order.shipping.charged = M("5.00");
  order.shipping.tax = M("0.95");
  order.tenders.push_back(
      Tender{"card", TenderKind::kCard, M("40.00"), "ch_1"});
  order.tenders.push_back(
      Tender{"gift", TenderKind::kGiftCard, M("25.45"), "gc_1"});
  order.loyalty_points_earned = 50;
  return order;
}

Refund OneUnitOfA(std::string key = "k1") {
  Refund r;
  r.order_id = "O1";
  r.idempotency_key = std::move(key);
  r.lines.push_back(RefundLine{"A", 1, M("10.00"), M("1.90")});
  r.total = M("11.90");
  r.tenders.push_back(TenderRefund{"card", M("11.90")});
  r.loyalty_points_reversed = 11;
  return r;
}

// Every observable number, to prove that a refusal changed nothing.
std::string Snapshot(RefundLedger const& l) {
  std::string out;
  for (std::size_t i = 0; i < l.lines().size(); ++i) {
    out += std::to_string(l.lines()[i].units) + "/" +
           l.LineAmountRefunded(i).ToString() + "/" +
           l.LineTaxRefunded(i).ToString() + ";";
  }
  out += l.shipping_refunded().ToString() + ";" +
         l.shipping_tax_refunded().ToString() + ";" +
         l.total_refunded().ToString() + ";" +
         l.merchandise_refunded().ToString();
  for (auto const& t : l.tenders())
    out += ";" + std::to_string(t.refunded_minor);
  out += ";" + std::to_string(l.loyalty_points_reversed()) + ";" +
         std::to_string(l.refund_count()) + ";" +
         std::to_string(l.units_refunded());
  return out;
}

TEST(RefundLedger, TotalsMatchTheOrder) {
  Order order = TestOrder();
  auto ledger = RefundLedger::Build(order);
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  EXPECT_EQ(ledger->total_paid(), *order.Total());
  EXPECT_EQ(ledger->total_paid(), *order.TenderTotal());
  EXPECT_EQ(ledger->UnitsRemaining(0), 2);
  EXPECT_FALSE(ledger->AllUnitsRefunded());
  EXPECT_EQ(ledger->total_refunded(), M("0.00"));
}

TEST(RefundLedger, ApplyRecordsEveryBucket) {
  auto ledger = RefundLedger::Build(TestOrder());
  ASSERT_TRUE(ledger.ok());
  ASSERT_TRUE(ledger->Apply(OneUnitOfA()).ok());
  EXPECT_EQ(ledger->lines()[0].units, 1);
  EXPECT_EQ(ledger->UnitsRemaining(0), 1);
  EXPECT_EQ(ledger->LineAmountRefunded(0), M("10.00"));
  EXPECT_EQ(ledger->LineTaxRefunded(0), M("1.90"));
  EXPECT_EQ(ledger->merchandise_refunded(), M("11.90"));
  EXPECT_EQ(ledger->total_refunded(), M("11.90"));
  EXPECT_EQ(ledger->tenders()[0].refunded_minor, 1190);
  EXPECT_EQ(ledger->loyalty_points_reversed(), 11);
  EXPECT_EQ(ledger->refund_count(), 1U);
  EXPECT_TRUE(ledger->Contains("k1"));
}

TEST(RefundLedger, BuildReplaysPastRefunds) {
  std::vector<Refund> past = {OneUnitOfA("k1"), OneUnitOfA("k2")};
  auto ledger = RefundLedger::Build(TestOrder(), past);
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  EXPECT_EQ(ledger->UnitsRemaining(0), 0);
  past.push_back(OneUnitOfA("k3"));
  auto bad = RefundLedger::Build(TestOrder(), past);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().reason(), "REFUND_EXCEEDS_PAID");
  EXPECT_EQ(bad.status().error_info().metadata.at("refund_index"), "2");
}

struct Overdraw {
  char const* name;
  void (*mutate)(Refund&);
  char const* bucket;
};

class RefundLedgerOverdraw : public testing::TestWithParam<Overdraw> {};

TEST_P(RefundLedgerOverdraw, IsRefusedAndChangesNothing) {
  auto ledger = RefundLedger::Build(TestOrder());
  ASSERT_TRUE(ledger.ok());
  ASSERT_TRUE(ledger->Apply(OneUnitOfA("first")).ok());
  std::string const before = Snapshot(*ledger);
  Refund r = OneUnitOfA("second");
  GetParam().mutate(r);
  Status s = ledger->Apply(r);
  EXPECT_EQ(s.code(), ErrorCode::kFailedPrecondition) << s;
  EXPECT_EQ(s.reason(), "REFUND_EXCEEDS_PAID");
  EXPECT_EQ(s.error_info().metadata.at("bucket"), GetParam().bucket) << s;
  EXPECT_EQ(Snapshot(*ledger), before);
  EXPECT_FALSE(ledger->Contains("second"));
  EXPECT_EQ(ledger->Check(r), s);
}

// Each mutation keeps the refund internally consistent (total = parts,
// tenders = total) and overdraws exactly one bucket first.
INSTANTIATE_TEST_SUITE_P(
    Buckets, RefundLedgerOverdraw,
    testing::Values(
        Overdraw{"LineUnits", [](Refund& r) { r.lines[0].quantity = 2; },
                 "line_units"},
        Overdraw{"LineAmount",
                 [](Refund& r) {
                   r.lines[0].amount = M("10.01");
                   r.total = M("11.91");
                   r.tenders[0].amount = M("11.91");
                 },
                 "line_amount"},
        Overdraw{"LineTax",
                 [](Refund& r) {
                   r.lines[0].tax = M("1.91");
                   r.total = M("11.91");
                   r.tenders[0].amount = M("11.91");
                 },
                 "line_tax"},
        Overdraw{"Shipping",
                 [](Refund& r) {
                   r.shipping = M("5.01");
                   r.total = M("16.91");
                   r.tenders[0].amount = M("16.91");
                 },
                 "shipping"},
        Overdraw{"ShippingTax",
                 [](Refund& r) {
                   r.shipping_tax = M("0.96");
                   r.total = M("12.86");
                   r.tenders[0].amount = M("12.86");
                 },
                 "shipping_tax"},
        Overdraw{"Tender",
                 [](Refund& r) {
                   r.lines[0].quantity = 1;
                   r.lines.push_back(RefundLine{"B", 1, M("30.00"), M("5.70")});
                   r.total = M("47.60");
                   r.tenders[0].amount = M("47.60");
                 },
                 "tender"},
        Overdraw{"LoyaltyPoints",
                 [](Refund& r) { r.loyalty_points_reversed = 40; },
                 "loyalty_points"}),
    [](testing::TestParamInfo<Overdraw> const& info) {
      return info.param.name;
    });

TEST(RefundLedger, NothingLeftAfterAFullRefundEvenIfTendersOverpaid) {
  // Tenders that paid more than the order total: the order buckets still cap.
  Order order = TestOrder();
  order.tenders[1].amount = M("100.00");
  auto ledger = RefundLedger::Build(order);
  ASSERT_TRUE(ledger.ok());
  Refund r;
  r.lines.push_back(RefundLine{"B", 1, M("30.00"), M("5.70")});
  r.lines.push_back(RefundLine{"A", 2, M("20.00"), M("3.80")});
  r.shipping = M("5.00");
  r.shipping_tax = M("0.95");
  r.total = M("65.45");
  r.tenders = {TenderRefund{"gift", M("65.45")}};
  ASSERT_TRUE(ledger->Apply(r).ok());
  EXPECT_EQ(ledger->total_refunded(), ledger->total_paid());
  Refund more;
  more.lines.push_back(RefundLine{"B", 0, M("0.01"), M("0.00")});
  more.total = M("0.01");
  more.tenders = {TenderRefund{"gift", M("0.01")}};
  Status s = ledger->Apply(more);
  EXPECT_EQ(s.reason(), "REFUND_EXCEEDS_PAID");
  EXPECT_EQ(s.error_info().metadata.at("bucket"), "line_amount");
}

TEST(RefundLedger, PriceReductionWithoutUnitsCountsAgainstTheLine) {
  auto ledger = RefundLedger::Build(TestOrder());
  ASSERT_TRUE(ledger.ok());
  Refund reduction;
  reduction.lines.push_back(RefundLine{"B", 0, M("25.00"), M("4.75")});
  reduction.total = M("29.75");
  reduction.tenders = {TenderRefund{"card", M("29.75")}};
  ASSERT_TRUE(ledger->Apply(reduction).ok());
  Refund rest;
  rest.lines.push_back(RefundLine{"B", 1, M("5.01"), M("0.95")});
  rest.total = M("5.96");
  rest.tenders = {TenderRefund{"card", M("5.96")}};
  EXPECT_EQ(ledger->Apply(rest).error_info().metadata.at("bucket"),
            "line_amount");
  rest.lines[0].amount = M("5.00");
  rest.total = M("5.95");
  rest.tenders[0].amount = M("5.95");
  EXPECT_TRUE(ledger->Apply(rest).ok());
}

TEST(RefundLedger, DuplicatesAreRefused) {
  auto ledger = RefundLedger::Build(TestOrder());
  ASSERT_TRUE(ledger.ok());
  ASSERT_TRUE(ledger->Apply(OneUnitOfA("same")).ok());
  std::string const before = Snapshot(*ledger);
  Status s = ledger->Apply(OneUnitOfA("same"));
  EXPECT_EQ(s.code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(s.reason(), "REFUND_DUPLICATE");
  EXPECT_EQ(s.error_info().metadata.at("idempotency_key"), "same");
  EXPECT_EQ(Snapshot(*ledger), before);

  Refund with_id = OneUnitOfA("");
  with_id.id = "RF-1";
  ASSERT_TRUE(ledger->Apply(with_id).ok());
  s = ledger->Apply(with_id);
  EXPECT_EQ(s.reason(), "REFUND_DUPLICATE");
  EXPECT_EQ(s.error_info().metadata.at("refund_id"), "RF-1");
  // Keys and ids live in separate namespaces.
  Refund key_like_id = OneUnitOfA("RF-1");
  key_like_id.lines[0].quantity = 0;
  key_like_id.lines[0].amount = M("0.00");
  key_like_id.lines[0].tax = M("0.00");
  key_like_id.total = M("0.00");
  key_like_id.tenders.clear();
  key_like_id.loyalty_points_reversed = 0;
  EXPECT_TRUE(ledger->Apply(key_like_id).ok());
}

TEST(RefundLedger, MalformedRefundsAreInvalidArguments) {
  auto ledger = RefundLedger::Build(TestOrder());
  ASSERT_TRUE(ledger.ok());
  std::string const before = Snapshot(*ledger);
  auto reason = [&](Refund const& r) { return ledger->Apply(r).reason(); };

  Refund r = OneUnitOfA();
  r.order_id = "O2";
  EXPECT_EQ(reason(r), "REFUND_ORDER_MISMATCH");
  r = OneUnitOfA();
  r.lines[0].order_line_id = "Z";
  EXPECT_EQ(reason(r), "REFUND_LINE_UNKNOWN");
  r = OneUnitOfA();
  r.tenders[0].tender_id = "cash";
  EXPECT_EQ(reason(r), "REFUND_TENDER_UNKNOWN");
  r = OneUnitOfA();
  r.total = M("11.89");
  EXPECT_EQ(reason(r), "REFUND_INVALID");
  r = OneUnitOfA();
  r.tenders[0].amount = M("11.00");
  EXPECT_EQ(reason(r), "REFUND_INVALID");
  r = OneUnitOfA();
  r.tenders.clear();
  EXPECT_EQ(reason(r), "REFUND_INVALID");
  r = OneUnitOfA();
  r.lines[0].quantity = -1;
  EXPECT_EQ(reason(r), "REFUND_INVALID");
  r = OneUnitOfA();
  r.lines[0].amount = M("-10.00");
  EXPECT_EQ(reason(r), "REFUND_INVALID");
  r = OneUnitOfA();
  r.deductions.push_back(
      Deduction{Deduction::Kind::kOther, M("0.00"), "x", ""});
  EXPECT_EQ(reason(r), "REFUND_INVALID");
  r = OneUnitOfA();
  r.deductions.push_back(
      Deduction{Deduction::Kind::kOther, M("20.00"), "x", ""});
  r.total = M("0.00");
  r.tenders.clear();
  EXPECT_EQ(reason(r), "REFUND_INVALID");
  r = OneUnitOfA();
  r.loyalty_points_reversed = -1;
  EXPECT_EQ(reason(r), "REFUND_INVALID");
  r = OneUnitOfA();
  r.lines[0].tax = *Money::Parse("1.90", "USD");
  EXPECT_EQ(reason(r), "CURRENCY_MISMATCH");
  EXPECT_EQ(Snapshot(*ledger), before);
}

TEST(RefundLedger, DeductionsReduceTendersNotLines) {
  auto ledger = RefundLedger::Build(TestOrder());
  ASSERT_TRUE(ledger.ok());
  Refund r = OneUnitOfA();
  r.deductions.push_back(Deduction{Deduction::Kind::kDiminishedValue, M("2.00"),
                                   "CRD Art. 14(2)", "photo-1"});
  r.total = M("9.90");
  r.tenders[0].amount = M("9.90");
  ASSERT_TRUE(ledger->Apply(r).ok());
  EXPECT_EQ(ledger->LineAmountRefunded(0), M("10.00"));
  EXPECT_EQ(ledger->total_refunded(), M("9.90"));
  EXPECT_EQ(ledger->merchandise_refunded(), M("11.90"));
}

TEST(RefundLedger, OrderWithoutTendersHasNoTenderBuckets) {
  Order order = TestOrder();
  order.tenders.clear();
  auto ledger = RefundLedger::Build(order);
  ASSERT_TRUE(ledger.ok());
  Refund r = OneUnitOfA();
  r.tenders.clear();
  EXPECT_TRUE(ledger->Apply(r).ok());
  r = OneUnitOfA("k2");
  EXPECT_EQ(ledger->Apply(r).reason(), "REFUND_TENDER_UNKNOWN");
}

TEST(RefundLedger, RefundsMaySplitOneLineOverSeveralEntries) {
  auto ledger = RefundLedger::Build(TestOrder());
  ASSERT_TRUE(ledger.ok());
  Refund r;
  r.lines.push_back(RefundLine{"A", 1, M("10.00"), M("1.90")});
  r.lines.push_back(RefundLine{"A", 2, M("10.00"), M("1.90")});
  r.total = M("23.80");
  r.tenders = {TenderRefund{"card", M("20.00")},
               TenderRefund{"card", M("3.80")}};
  Status s = ledger->Apply(r);
  EXPECT_EQ(s.error_info().metadata.at("bucket"), "line_units");
  r.lines[1].quantity = 1;
  EXPECT_TRUE(ledger->Apply(r).ok());
  EXPECT_EQ(ledger->tenders()[0].refunded_minor, 2380);
}

}  // namespace
}  // namespace sanbao
