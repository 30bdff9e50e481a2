// Seeded property tests: random orders, random sequences of partial
// refunds. Whatever the sequence, no bucket ever exceeds what was paid, no
// minor unit is lost, and returning everything refunds exactly what was paid.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "sanbao/refund/allocation.h"
#include "sanbao/refund/calculator.h"
#include "sanbao/refund/ledger.h"

namespace sanbao {
namespace {

constexpr std::uint64_t kSeed = 20260314;
constexpr int kOrders = 400;

class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}
  std::int64_t Int(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  bool Coin(int percent = 50) { return Int(1, 100) <= percent; }
  template <typename T>
  T const& Pick(std::vector<T> const& v) {
    return v[static_cast<std::size_t>(
        Int(0, static_cast<std::int64_t>(v.size()) - 1))];
  }

 private:
  std::mt19937_64 rng_;
};

Money Minor(std::int64_t units, Currency c) {
  return *Money::FromMinorUnits(units, c);
}

// A random consistent order, paid in full by 1-3 tenders.
Order RandomOrder(Gen& g, int n) {
  static std::vector<std::string> const kCurrencies = {"EUR", "JPY", "KWD",
                                                       "USD", "CLF"};
  Currency const c = *Currency::Find(g.Pick(kCurrencies));
  Order order;
  order.id = "P" + std::to_string(n);
  order.presentment_currency = std::string(c.code());
  int const lines = static_cast<int>(g.Int(1, 5));
  std::int64_t after_line_discounts = 0;
  for (int i = 0; i < lines; ++i) {
    OrderLine line;
    line.id = "L" + std::to_string(i);
    line.quantity = static_cast<int>(g.Int(1, 7));
    std::int64_t const unit = g.Coin(5) ? 0 : g.Int(1, 50000);
    line.unit_price = Minor(unit, c);
    std::int64_t const gross = unit * line.quantity;
    std::int64_t discount = 0;
    if (g.Coin(30) && gross > 0) {
      discount = g.Int(1, gross / 2 + 1);
      line.discounts.push_back(
          Discount{"d" + std::to_string(i), "X", Minor(discount, c)});
    }
    line.tax_included = g.Coin();
    // Up to ~25% of the line; inclusive tax stays below the net even after
    // the order discount (at most half of every line).
    std::int64_t const net = gross - discount;
    line.tax = Minor(net <= 4 ? 0 : g.Int(0, net / 4), c);
    after_line_discounts += net;
    order.lines.push_back(std::move(line));
  }
  if (g.Coin(40) && after_line_discounts > 4) {
    order.order_discounts.push_back(Discount{
        "o", "CART", Minor(g.Int(1, after_line_discounts / 2 - 1), c)});
  }
  if (g.Coin(70)) {
    std::int64_t const charged = g.Int(0, 2000);
    order.shipping.charged = Minor(charged, c);
    order.shipping.tax = Minor(g.Int(0, charged / 5 + 1), c);
    if (g.Coin()) order.shipping.cheapest_standard = Minor(g.Int(0, 2500), c);
  }
  std::int64_t const total = order.Total()->minor_units();
  int const tenders = static_cast<int>(g.Int(1, 3));
  std::int64_t left = total;
  static std::vector<TenderKind> const kKinds = {
      TenderKind::kCard, TenderKind::kWallet, TenderKind::kGiftCard,
      TenderKind::kStoreCredit, TenderKind::kBankTransfer};
  for (int t = 0; t < tenders; ++t) {
    std::int64_t const part = t + 1 == tenders ? left : g.Int(0, left);
    order.tenders.push_back(
        Tender{"T" + std::to_string(t), g.Pick(kKinds), Minor(part, c), ""});
    left -= part;
  }
  order.loyalty_points_earned = g.Coin(70) ? g.Int(0, 5000) : 0;
  return order;
}

// The invariants that must hold after any sequence of applied refunds.
void ExpectWithinPaid(RefundLedger const& ledger, Order const& order) {
  auto const& alloc = ledger.allocation();
  for (std::size_t i = 0; i < alloc.lines().size(); ++i) {
    auto const& a = alloc.lines()[i];
    auto const& done = ledger.lines()[i];
    EXPECT_LE(done.units, a.quantity());
    EXPECT_LE(done.amount_minor, a.paid_excluding_tax_minor());
    EXPECT_LE(done.tax_minor, a.tax_minor());
  }
  EXPECT_LE(ledger.shipping_refunded_minor(), alloc.shipping().charged_minor());
  EXPECT_LE(ledger.shipping_tax_refunded_minor(), alloc.shipping().tax_minor());
  std::int64_t tendered = 0;
  for (auto const& t : ledger.tenders()) {
    EXPECT_LE(t.refunded_minor, t.paid_minor) << t.tender_id;
    tendered += t.refunded_minor;
  }
  EXPECT_EQ(tendered, ledger.total_refunded_minor());
  EXPECT_LE(ledger.total_refunded_minor(), order.Total()->minor_units());
  EXPECT_LE(ledger.loyalty_points_reversed(), order.loyalty_points_earned);
}

TEST(RefundProperty, UnitAllocationsLoseNoMinorUnit) {
  Gen g(kSeed);
  for (int n = 0; n < kOrders; ++n) {
    Order const order = RandomOrder(g, n);
    auto alloc = OrderAllocation::Compute(order);
    ASSERT_TRUE(alloc.ok()) << alloc.status();
    std::int64_t merchandise = 0;
    std::int64_t order_discount = 0;
    for (auto const& a : alloc->lines()) {
      std::int64_t net = 0;
      std::int64_t tax = 0;
      std::int64_t lo = INT64_MAX;
      std::int64_t hi = INT64_MIN;
      for (int u = 0; u < a.quantity(); ++u) {
        std::int64_t const unit_net = a.UnitNet(u).minor_units();
        net += unit_net;
        tax += a.UnitTax(u).minor_units();
        lo = std::min(lo, unit_net);
        hi = std::max(hi, unit_net);
        EXPECT_GE(a.PaidExcludingTaxOfUnits(u, 1).minor_units(), 0);
        merchandise += a.UnitPaid(u).minor_units();
      }
      EXPECT_EQ(net, a.net_minor());
      EXPECT_EQ(tax, a.tax_minor());
      EXPECT_LE(hi - lo, 1);  // equal parts, at most one unit apart
      order_discount += a.order_discount().minor_units();
    }
    std::int64_t discounts = 0;
    for (auto const& d : order.order_discounts)
      discounts += d.amount.minor_units();
    EXPECT_EQ(order_discount, discounts);
    EXPECT_EQ(merchandise, alloc->merchandise_paid_minor());
    EXPECT_EQ(alloc->total(), *order.Total()) << order.id;
  }
}

TEST(RefundProperty, RandomPartialRefundSequencesEndOnWhatWasPaid) {
  Gen g(kSeed + 1);
  for (int n = 0; n < kOrders; ++n) {
    Order const order = RandomOrder(g, n);
    auto ledger = RefundLedger::Build(order);
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    Decision decision;
    decision.outbound_shipping = OutboundRefund::kAll;
    PartialShipping const partial =
        g.Coin() ? PartialShipping::kProportional : PartialShipping::kNone;
    int steps = 0;
    while (!ledger->AllUnitsRefunded()) {
      RefundRequest r;
      r.decision = &decision;
      r.partial_shipping = partial;
      r.idempotency_key = order.id + "-" + std::to_string(steps);
      for (std::size_t i = 0; i < order.lines.size(); ++i) {
        int const left = ledger->UnitsRemaining(i);
        if (left > 0 && g.Coin(40)) {
          r.lines.push_back(
              {order.lines[i].id, static_cast<int>(g.Int(1, left))});
        }
      }
      if (r.lines.empty()) continue;
      auto refund = ComputeRefund(order, *ledger, r);
      ASSERT_TRUE(refund.ok()) << order.id << ": " << refund.status();
      ASSERT_TRUE(ledger->Apply(*refund).ok());
      ExpectWithinPaid(*ledger, order);
      ++steps;
    }
    // Everything back: exactly what was paid, bucket by bucket.
    EXPECT_EQ(ledger->total_refunded(), *order.Total()) << order.id;
    for (auto const& t : ledger->tenders()) {
      EXPECT_EQ(t.refunded_minor, t.paid_minor)
          << order.id << " " << t.tender_id;
    }
    for (std::size_t i = 0; i < order.lines.size(); ++i) {
      auto const& a = ledger->allocation().lines()[i];
      EXPECT_EQ(ledger->lines()[i].amount_minor, a.paid_excluding_tax_minor());
      EXPECT_EQ(ledger->lines()[i].tax_minor, a.tax_minor());
    }
    EXPECT_EQ(ledger->loyalty_points_reversed(), order.loyalty_points_earned);
    // And nothing more can come out.
    RefundRequest more;
    more.lines = {{order.lines[0].id, 1}};
    EXPECT_EQ(ComputeRefund(order, *ledger, more).status().reason(),
              "REFUND_EXCEEDS_PAID");
  }
}

TEST(RefundProperty, FullReturnUnderKAllRefundsTheOrderTotal) {
  Gen g(kSeed + 2);
  for (int n = 0; n < kOrders; ++n) {
    Order const order = RandomOrder(g, n);
    auto ledger = RefundLedger::Build(order);
    ASSERT_TRUE(ledger.ok());
    Decision decision;
    decision.outbound_shipping = OutboundRefund::kAll;
    RefundRequest r;
    r.decision = &decision;
    for (auto const& line : order.lines)
      r.lines.push_back({line.id, line.quantity});
    auto refund = ComputeRefund(order, *ledger, r);
    ASSERT_TRUE(refund.ok()) << refund.status();
    EXPECT_EQ(refund->total, *order.Total()) << order.id;
    EXPECT_EQ(refund->total, *order.TenderTotal());
    // kStandardPart refunds the total less the non-standard part.
    decision.outbound_shipping = OutboundRefund::kStandardPart;
    auto standard = ComputeRefund(order, *ledger, r);
    ASSERT_TRUE(standard.ok());
    auto const& s = ledger->allocation().shipping();
    EXPECT_EQ(refund->total.minor_units() - standard->total.minor_units(),
              s.charged_minor() + s.tax_minor() -
                  s.RefundableMinor(OutboundRefund::kStandardPart) -
                  s.RefundableTaxMinor(OutboundRefund::kStandardPart));
  }
}

// Hand-made refunds with random amounts: each is either recorded or refused
// with nothing changed, and the caps always hold.
TEST(RefundProperty, RandomRefundsNeverOverdrawAndRefusalsChangeNothing) {
  Gen g(kSeed + 3);
  int refused = 0;
  int applied = 0;
  for (int n = 0; n < kOrders / 2; ++n) {
    Order const order = RandomOrder(g, n);
    Currency const c = *Currency::Find(order.presentment_currency);
    auto ledger = RefundLedger::Build(order);
    ASSERT_TRUE(ledger.ok());
    std::int64_t const total = order.Total()->minor_units();
    for (int step = 0; step < 12; ++step) {
      Refund r;
      std::int64_t sum = 0;
      for (auto const& line : order.lines) {
        if (!g.Coin(40)) continue;
        std::int64_t const amount = g.Int(0, total / 2 + 1);
        std::int64_t const tax = g.Int(0, amount / 5 + 1);
        r.lines.push_back(RefundLine{line.id, static_cast<int>(g.Int(0, 2)),
                                     Minor(amount, c), Minor(tax, c)});
        sum += amount + tax;
      }
      if (g.Coin(20)) {
        std::int64_t const ship = g.Int(0, 1000);
        r.shipping = Minor(ship, c);
        sum += ship;
      }
      r.total = Minor(sum, c);
      std::int64_t left = sum;
      for (auto const& t : order.tenders) {
        std::int64_t const part = g.Coin(30) ? g.Int(0, left) : left;
        if (part > 0) r.tenders.push_back(TenderRefund{t.id, Minor(part, c)});
        left -= part;
      }
      if (left > 0)
        r.tenders.push_back(TenderRefund{order.tenders[0].id, Minor(left, c)});
      r.loyalty_points_reversed = g.Int(0, 100);

      RefundLedger const before = *ledger;
      Status s = ledger->Apply(r);
      if (s.ok()) {
        ++applied;
      } else {
        ++refused;
        EXPECT_EQ(s.reason(), "REFUND_EXCEEDS_PAID") << s;
        EXPECT_EQ(ledger->total_refunded_minor(),
                  before.total_refunded_minor());
        EXPECT_EQ(ledger->units_refunded(), before.units_refunded());
        EXPECT_EQ(ledger->shipping_refunded_minor(),
                  before.shipping_refunded_minor());
        EXPECT_EQ(ledger->loyalty_points_reversed(),
                  before.loyalty_points_reversed());
        EXPECT_EQ(ledger->refund_count(), before.refund_count());
        for (std::size_t i = 0; i < ledger->tenders().size(); ++i) {
          EXPECT_EQ(ledger->tenders()[i].refunded_minor,
                    before.tenders()[i].refunded_minor);
        }
        for (std::size_t i = 0; i < ledger->lines().size(); ++i) {
          EXPECT_EQ(ledger->lines()[i].amount_minor,
                    before.lines()[i].amount_minor);
        }
      }
      ExpectWithinPaid(*ledger, order);
    }
  }
  // The generator must exercise both outcomes.
  EXPECT_GT(applied, 50);
  EXPECT_GT(refused, 50);
}

}  // namespace
}  // namespace sanbao
