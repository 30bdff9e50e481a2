#pragma once

// The refund ledger of one order: what has been refunded so far, bucket by
// bucket, so that no sequence of refunds can pay back more than was paid
// (docs/guides/refunds.md).
//
// Buckets and their caps (the order's OrderAllocation):
//   bucket          cap
//   line_units      the line's quantity
//   line_amount     the line's paid amount excluding tax
//   line_tax        the line's tax
//   shipping        the shipping charge
//   shipping_tax    the tax on the shipping charge
//   tender          what the tender paid
//   total           the order total (Order::Total())
//   loyalty_points  Order::loyalty_points_earned
//
// Apply(refund) either records the whole refund or nothing. Errors:
//   reason                  code                 when
//   REFUND_EXCEEDS_PAID     kFailedPrecondition  a bucket would exceed its cap;
//                                                metadata "bucket" (above),
//                                                "line_id" / "tender_id",
//                                                "paid", "refunded",
//                                                "requested"
//   REFUND_DUPLICATE        kAlreadyExists       the refund's idempotency_key
//                                                (or id) was already applied;
//                                                metadata "idempotency_key" /
//                                                "refund_id"
//   REFUND_ORDER_MISMATCH   kInvalidArgument     refund.order_id names another
//                                                order
//   REFUND_LINE_UNKNOWN     kInvalidArgument     no such order line
//   REFUND_TENDER_UNKNOWN   kInvalidArgument     no such tender
//   REFUND_INVALID          kInvalidArgument     a negative amount or
//                                                quantity, a non-positive
//                                                deduction, total != lines +
//                                                tax + shipping + shipping tax
//                                                - deductions, or the tender
//                                                parts do not add up to the
//                                                total
//   CURRENCY_MISMATCH       kInvalidArgument     an amount in another currency
//   MONEY_OVERFLOW          kOutOfRange          sums beyond int64
//
// A refund may carry money for a line without units (a price reduction);
// the money caps still hold. Deductions reduce what the tenders get back,
// not the line buckets: units refunded with a deduction are consumed.
// An order without tenders has no tender buckets; its refunds carry none.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sanbao/domain/order.h"
#include "sanbao/domain/refund.h"
#include "sanbao/money.h"
#include "sanbao/refund/allocation.h"
#include "sanbao/status.h"
#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {

/// What has been refunded for one order line.
struct LineRefunded {
  int units = 0;
  std::int64_t amount_minor = 0;  ///< excluding tax
  std::int64_t tax_minor = 0;
};

/// One tender: what it paid and what went back to it.
struct TenderBalance {
  std::string tender_id;
  TenderKind kind = TenderKind::kCard;
  std::int64_t paid_minor = 0;
  std::int64_t refunded_minor = 0;
};

class RefundLedger {
 public:
  /// The ledger of `order` after `refunds` (oldest first) were applied.
  /// Fails with Compute's errors for an inconsistent order, and with the
  /// first refund Apply would refuse (metadata "refund_index").
  static StatusOr<RefundLedger> Build(Order const& order,
                                      std::span<Refund const> refunds = {});

  /// What Apply(refund) would return, changing nothing.
  Status Check(Refund const& refund) const;
  /// Records `refund`, or returns why not and changes nothing.
  Status Apply(Refund const& refund);

  std::string const& order_id() const noexcept {
    return allocation_.order_id();
  }
  OrderAllocation const& allocation() const noexcept { return allocation_; }
  Currency currency() const noexcept { return allocation_.currency(); }

  /// Per order line, in the order's line order.
  std::span<LineRefunded const> lines() const noexcept { return lines_; }
  /// Units of line `line_index` not refunded yet.
  int UnitsRemaining(std::size_t line_index) const noexcept;
  /// True when every unit of every line is refunded.
  bool AllUnitsRefunded() const noexcept {
    return units_refunded_ == allocation_.units();
  }
  std::int64_t units_refunded() const noexcept { return units_refunded_; }

  Money LineAmountRefunded(std::size_t line_index) const;
  Money LineTaxRefunded(std::size_t line_index) const;
  Money shipping_refunded() const;
  Money shipping_tax_refunded() const;
  /// Goods refunded so far, tax included (sum of the line buckets).
  Money merchandise_refunded() const;
  /// Sum of the refunds' totals (after deductions).
  Money total_refunded() const;
  /// Order::Total().
  Money total_paid() const { return allocation_.total(); }

  std::span<TenderBalance const> tenders() const noexcept { return tenders_; }
  /// The index of `tender_id` in tenders(), or -1.
  int TenderIndex(std::string_view tender_id) const noexcept;

  std::int64_t loyalty_points_earned() const noexcept { return points_earned_; }
  std::int64_t loyalty_points_reversed() const noexcept {
    return points_reversed_;
  }

  std::int64_t shipping_refunded_minor() const noexcept { return shipping_; }
  std::int64_t shipping_tax_refunded_minor() const noexcept {
    return shipping_tax_;
  }
  std::int64_t merchandise_refunded_minor() const noexcept {
    return merchandise_;
  }
  std::int64_t total_refunded_minor() const noexcept { return total_; }

  /// Number of refunds applied.
  std::size_t refund_count() const noexcept { return refund_count_; }
  /// Whether a refund with this idempotency key or id was applied.
  bool Contains(std::string_view key_or_id) const;

 private:
  struct Delta;
  explicit RefundLedger(OrderAllocation allocation) noexcept
      : allocation_(std::move(allocation)) {}
  Status Prepare(Refund const& refund, Delta& delta) const;
  void Commit(Refund const& refund, Delta const& delta);

  OrderAllocation allocation_;
  std::vector<LineRefunded> lines_;
  std::vector<TenderBalance> tenders_;
  std::int64_t shipping_ = 0;
  std::int64_t shipping_tax_ = 0;
  std::int64_t merchandise_ = 0;
  std::int64_t total_ = 0;
  std::int64_t units_refunded_ = 0;
  std::int64_t points_earned_ = 0;
  std::int64_t points_reversed_ = 0;
  std::size_t refund_count_ = 0;
  std::unordered_set<std::string> keys_;
};

}  // namespace v1
}  // namespace sanbao
