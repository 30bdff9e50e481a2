#pragma once

// What every unit of an order was charged, fixed at order time
// (docs/guides/refunds.md).
//
// OrderAllocation::Compute spreads the order-level discounts over the lines
// and each line's net amount and tax over its units, without losing or
// inventing a minor unit. Refunds consume these stored unit amounts
// (RefundLedger, ComputeRefund); they never recompute a price, so later
// changes of tax rates or FX cannot make cumulative refunds drift.
//
// The rules (deterministic, golden vectors in
// tests/core/refund_allocation_test.cc):
//
//  1. Line net before order discounts = unit_price * quantity - sum of the
//     line's discounts. It stays in the line's own convention: tax included
//     when `tax_included`, excluded otherwise.
//  2. The sum of the order discounts is split over the lines in proportion
//     to (1), largest remainder, ties to the lower line index
//     (Allocate(..., kLargestRemainder)). Weighting by the amount after line
//     discounts means no line ever gets more order discount than it costs.
//  3. Line net = (1) - its share of (2); it is split over the line's units
//     in equal parts, largest remainder, ties to the lower unit index: the
//     first `net % quantity` units get one minor unit more.
//  4. The line's tax (OrderLine::tax, all units, after discounts) is split
//     over the units the same way.
//  5. A unit's paid amount is its net when the line is tax-inclusive and
//     net + tax otherwise; paid excluding tax is paid - tax. For a
//     tax-inclusive line whose tax does not exceed its net, no unit's tax
//     exceeds its net, so paid excluding tax is never negative.
//  6. Shipping is one bucket: the charge, its tax, and the "standard part"
//     (the charge capped at OrderShipping::cheapest_standard, which is all of
//     it when no cheapest option is known) with the tax share of that part (tax
//     * standard / charged, rounded half up).
//
// Worked example (EUR, tax-inclusive): A 3 x 19.99, B 1 x 45.00, cart
// discount 10.00 -> A 5.71, B 4.29; A's net 54.26 per unit
// [18.09, 18.09, 18.08]; A's VAT 8.66 per unit [2.89, 2.89, 2.88].
//
// Compute fails with:
//   reason                code              when
//   CURRENCY_UNKNOWN      kInvalidArgument  presentment_currency is not ISO
//   4217 CURRENCY_MISMATCH     kInvalidArgument  an amount in another currency
//   ORDER_INCONSISTENT    kInvalidArgument  quantity < 1, a negative amount,
//                                           discounts above the gross,
//                                           inclusive tax above the net,
//                                           duplicate line ids
//   MONEY_OVERFLOW        kOutOfRange       sums beyond int64 minor units
// Metadata: "field" (e.g. "lines[1].tax") and "line_id" where there is one.
// Zero amounts held as the "XXX" placeholder Money() count as zero of the
// order's currency.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/currency.h"
#include "sanbao/domain/order.h"
#include "sanbao/money.h"
#include "sanbao/policy/decision.h"
#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {

/// One order line's charges, spread over its units. Unit indexes run from
/// 0 to quantity() - 1; refunds consume units in index order, so the last
/// units returned take the residue.
class LineAllocation {
 public:
  std::string const& line_id() const noexcept { return line_id_; }
  int quantity() const noexcept { return quantity_; }
  bool tax_included() const noexcept { return tax_included_; }
  Currency currency() const noexcept { return currency_; }

  /// unit_price * quantity.
  Money gross() const;
  /// Sum of the line's own discounts.
  Money line_discount() const;
  /// This line's share of the order-level discounts.
  Money order_discount() const;
  /// gross - line_discount - order_discount, in the line's tax convention.
  Money net() const;
  /// The line's tax (all units).
  Money tax() const;
  /// What the buyer paid for the line: net, plus tax when tax-exclusive.
  Money paid() const;
  /// paid - tax.
  Money paid_excluding_tax() const;

  /// Per unit, 0 <= unit < quantity(); anything else is treated as an
  /// empty range and gives zero.
  Money UnitNet(int unit) const { return NetOfUnits(unit, 1); }
  Money UnitTax(int unit) const { return TaxOfUnits(unit, 1); }
  Money UnitPaid(int unit) const { return PaidOfUnits(unit, 1); }

  /// Sums over units [first, first + count), clipped to [0, quantity()).
  Money NetOfUnits(int first, int count) const;
  Money TaxOfUnits(int first, int count) const;
  Money PaidOfUnits(int first, int count) const;
  Money PaidExcludingTaxOfUnits(int first, int count) const;

  // The same in minor units, for callers that sum many of them.
  std::int64_t net_minor() const noexcept { return net_; }
  std::int64_t tax_minor() const noexcept { return tax_; }
  std::int64_t paid_minor() const noexcept {
    return tax_included_ ? net_ : net_ + tax_;
  }
  std::int64_t paid_excluding_tax_minor() const noexcept {
    return tax_included_ ? net_ - tax_ : net_;
  }
  std::int64_t NetOfUnitsMinor(int first, int count) const noexcept;
  std::int64_t TaxOfUnitsMinor(int first, int count) const noexcept;
  std::int64_t PaidExcludingTaxOfUnitsMinor(int first,
                                            int count) const noexcept;

 private:
  friend class OrderAllocation;
  explicit LineAllocation(Currency currency) noexcept : currency_(currency) {}

  std::string line_id_;
  int quantity_ = 0;
  bool tax_included_ = false;
  Currency currency_;
  std::int64_t gross_ = 0;
  std::int64_t line_discount_ = 0;
  std::int64_t order_discount_ = 0;
  std::int64_t net_ = 0;
  std::int64_t tax_ = 0;
};

/// The outbound shipping bucket.
class ShippingAllocation {
 public:
  /// What the buyer paid for outbound delivery, excluding its tax.
  Money charged() const;
  /// The tax on `charged`.
  Money tax() const;
  /// `charged` capped at the cheapest standard option (CRD Art. 13(2)).
  Money standard_part() const;
  /// The share of `tax` that belongs to `standard_part`.
  Money standard_part_tax() const;

  /// How much of the charge and of its tax `rule` makes refundable on a
  /// full return: nothing, the standard part, or everything.
  Money Refundable(OutboundRefund rule) const;
  Money RefundableTax(OutboundRefund rule) const;

  std::int64_t charged_minor() const noexcept { return charged_; }
  std::int64_t tax_minor() const noexcept { return tax_; }
  std::int64_t RefundableMinor(OutboundRefund rule) const noexcept;
  std::int64_t RefundableTaxMinor(OutboundRefund rule) const noexcept;

 private:
  friend class OrderAllocation;
  explicit ShippingAllocation(Currency currency) noexcept
      : currency_(currency) {}

  Currency currency_;
  std::int64_t charged_ = 0;
  std::int64_t tax_ = 0;
  std::int64_t standard_ = 0;
  std::int64_t standard_tax_ = 0;
};

/// The whole order's allocation. Cheap to query, immutable once computed.
class OrderAllocation {
 public:
  /// Computes the allocation of `order` in its presentment currency (see the
  /// rules and errors at the top of this header).
  static StatusOr<OrderAllocation> Compute(Order const& order);

  std::string const& order_id() const noexcept { return order_id_; }
  Currency currency() const noexcept { return currency_; }
  /// One entry per order line, in the order's line order.
  std::span<LineAllocation const> lines() const noexcept { return lines_; }
  /// The index of the line with `line_id` in lines(), or -1.
  int LineIndex(std::string_view line_id) const noexcept;
  /// The line with `line_id`, or nullptr.
  LineAllocation const* FindLine(std::string_view line_id) const noexcept;
  ShippingAllocation const& shipping() const noexcept { return shipping_; }

  /// Sum of the lines' paid amounts (goods, including their tax).
  Money merchandise_paid() const;
  std::int64_t merchandise_paid_minor() const noexcept {
    return merchandise_paid_;
  }
  /// merchandise_paid + shipping charge + shipping tax; equal to
  /// Order::Total().
  Money total() const;
  std::int64_t total_minor() const noexcept { return total_; }
  /// Total units over all lines.
  std::int64_t units() const noexcept { return units_; }

 private:
  explicit OrderAllocation(Currency currency) noexcept
      : currency_(currency), shipping_(currency) {}

  std::string order_id_;
  Currency currency_;
  std::vector<LineAllocation> lines_;
  ShippingAllocation shipping_;
  std::int64_t merchandise_paid_ = 0;
  std::int64_t total_ = 0;
  std::int64_t units_ = 0;
};

}  // namespace v1
}  // namespace sanbao
