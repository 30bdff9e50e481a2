// Refund benchmarks: ComputeRefund, RefundLedger::Apply and
// OrderAllocation::Compute.
//
//   BM_ComputeRefund/golden   the worked order of order_fixtures.h (2 lines,
//                             order discount, shipping, card + gift card),
//                             one unit back under an EU withdrawal decision
//   BM_ComputeRefund/large    20 lines, 3 tenders, 5 lines coming back
//   BM_ComputeAndApply/golden ComputeRefund, then Apply to a copy of the
//                             ledger (what a refund service does per request)
//   BM_LedgerBuild/large      the ledger of the large order from 10 past
//   refunds BM_OrderAllocation/large  OrderAllocation::Compute alone
//
// items/s is refund computations (or builds) per second on one core.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "order_fixtures.h"
#include "sanbao/refund/calculator.h"
#include "sanbao/refund/ledger.h"

namespace {

using namespace sanbao;  // NOLINT(build/namespaces): a benchmark file
using sanbao::testing_util::Line;
using sanbao::testing_util::M;
Order GoldenOrder() { return sanbao::testing_util::GoldenOrderPaid(); }

Order LargeOrder() {
  Order order;
  order.id = "large";
  order.presentment_currency = "EUR";
  for (int i = 0; i < 20; ++i) {
    auto line = Line(std::string("L").append(std::to_string(i)), 1 + i % 4,
                     "12.34", "0", i % 2 == 0);
    line.tax = *Money::FromMinorUnits(197 * line.quantity, "EUR");
    if (i % 3 == 0) line.discounts.push_back(Discount{"d", "X", M("1.00")});
    order.lines.push_back(std::move(line));
  }
  order.order_discounts.push_back(Discount{"o", "CART", M("15.00")});
  order.shipping.charged = M("12.90");
  order.shipping.cheapest_standard = M("5.90");
  order.shipping.tax = M("2.45");
  Money total = *order.Total();
  Money gift = M("20.00");
  Money wallet = M("100.00");
  order.tenders.push_back(Tender{"gift", TenderKind::kGiftCard, gift, ""});
  order.tenders.push_back(Tender{"wallet", TenderKind::kWallet, wallet, ""});
  order.tenders.push_back(Tender{"card", TenderKind::kCard,
                                 *total.Subtract(*gift.Add(wallet)), ""});
  order.loyalty_points_earned = 1234;
  return order;
}

Decision Withdrawal() {
  Decision d;
  d.eligible = true;
  d.basis = Basis::kStatutoryWithdrawal;
  d.outbound_shipping = OutboundRefund::kStandardPart;
  d.return_shipping_paid_by = Party::kBuyer;
  d.deduction_allowed = true;
  d.refund_due_by = *ParseCivilDate("2026-03-16");
  return d;
}

void BM_ComputeRefundGolden(benchmark::State& state) {
  Order const order = GoldenOrder();
  RefundLedger const ledger = *RefundLedger::Build(order);
  Decision const decision = Withdrawal();
  RefundRequest request;
  request.lines = {{"A", 1}};
  request.decision = &decision;
  for (auto _ : state) {
    auto refund = ComputeRefund(order, ledger, request);
    benchmark::DoNotOptimize(refund);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ComputeRefundGolden)->Name("BM_ComputeRefund/golden");

void BM_ComputeRefundLarge(benchmark::State& state) {
  Order const order = LargeOrder();
  RefundLedger const ledger = *RefundLedger::Build(order);
  Decision const decision = Withdrawal();
  RefundRequest request;
  request.lines = {{"L1", 1}, {"L4", 1}, {"L7", 2}, {"L13", 1}, {"L19", 3}};
  request.decision = &decision;
  request.diminished_value = DiminishedValueDeduction{M("2.50"), "photo", ""};
  for (auto _ : state) {
    auto refund = ComputeRefund(order, ledger, request);
    benchmark::DoNotOptimize(refund);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ComputeRefundLarge)->Name("BM_ComputeRefund/large");

void BM_ComputeAndApplyGolden(benchmark::State& state) {
  Order const order = GoldenOrder();
  RefundLedger const ledger = *RefundLedger::Build(order);
  Decision const decision = Withdrawal();
  RefundRequest request;
  request.lines = {{"A", 1}};
  request.decision = &decision;
  for (auto _ : state) {
    RefundLedger copy = ledger;
    auto refund = ComputeRefund(order, copy, request);
    Status s = copy.Apply(*refund);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ComputeAndApplyGolden)->Name("BM_ComputeAndApply/golden");

void BM_LedgerBuildLarge(benchmark::State& state) {
  Order const order = LargeOrder();
  Decision const decision = Withdrawal();
  std::vector<Refund> past;
  {
    RefundLedger ledger = *RefundLedger::Build(order);
    for (int i = 0; i < 10; ++i) {
      RefundRequest request;
      request.lines = {{std::string("L").append(std::to_string(i * 2)), 1}};
      request.decision = &decision;
      request.idempotency_key = std::string("k").append(std::to_string(i));
      Refund refund = *ComputeRefund(order, ledger, request);
      (void)ledger.Apply(refund);
      past.push_back(std::move(refund));
    }
  }
  for (auto _ : state) {
    auto ledger = RefundLedger::Build(order, past);
    benchmark::DoNotOptimize(ledger);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LedgerBuildLarge)->Name("BM_LedgerBuild/large");

void BM_OrderAllocationLarge(benchmark::State& state) {
  Order const order = LargeOrder();
  for (auto _ : state) {
    auto alloc = OrderAllocation::Compute(order);
    benchmark::DoNotOptimize(alloc);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OrderAllocationLarge)->Name("BM_OrderAllocation/large");

}  // namespace
