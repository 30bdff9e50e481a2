#pragma once

// The refund calculator: what to pay back for returned units, given the
// order, what was refunded before (RefundLedger) and the decision engine's
// ruling (docs/guides/refunds.md).
//
//   auto ledger = RefundLedger::Build(order, past_refunds);
//   RefundRequest request;
//   request.lines = {{"A", 1}};
//   request.decision = &decision;          // from PolicyEngine::Decide
//   auto refund = ComputeRefund(order, *ledger, request);
//   // ... pay it out, then:
//   ledger->Apply(*refund);
//
// How the refund is composed:
//  - Goods: each returned unit gives back its stored allocation (net of
//    every discount, RefundLine::amount excluding tax, RefundLine::tax its
//    tax). Units are consumed in index order; the request that returns a
//    line's last units gets the line's remainder, so the refunds of a line
//    add up to exactly what it was charged.
//  - Outbound shipping. The rule is the decision's `outbound_shipping`,
//    raised (never lowered) by `policy_outbound_shipping`; without a
//    decision, the policy alone (default kNone). kStandardPart refunds the
//    charge up to the cheapest standard option, kAll all of it, each with
//    its share of the shipping tax. The request that completes the return
//    of every unit of the order (alone or after earlier partial returns)
//    gets the rule's bucket minus whatever shipping was refunded before, so
//    shipping is never refunded twice. Partial returns get nothing
//    (PartialShipping::kNone, the default) or, with kProportional, the
//    bucket in proportion to the goods refunded so far (cumulative, rounded
//    half up, so the sequence ends on the bucket exactly).
//  - Deductions, each only when the decision allows it, else
//    REFUND_DEDUCTION_NOT_ALLOWED: diminished value (Decision::
//    deduction_allowed == true; needs an evidence reference), return
//    postage (Decision::return_shipping_paid_by == kBuyer, for a label the
//    seller provided), restocking fee (Decision::restocking_fee_allowed).
//    Without a decision no deduction is allowed.
//  - Tenders: the total is paid back tender by tender, each up to what it
//    paid minus what it got back already. Default order: the order's
//    tenders as listed, gift cards and store credit last. `tender_order`
//    replaces it with an explicit list of tender ids (only those are used).
//  - Loyalty points: Order::loyalty_points_earned in proportion to the goods
//    refunded so far (cumulative, rounded half up), minus the points
//    already reversed; the request that completes the return reverses the
//    rest. Never more than earned minus reversed.
//  - due_by: Decision::refund_due_by.
// The result always passes RefundLedger::Check; a full return of every unit
// under kAll refunds exactly Order::Total().
//
// Errors:
// clang-format off
//   reason                           code                 when
//   REFUND_REQUEST_INVALID           kInvalidArgument     no lines, quantity < 1, a line or tender
//                                                         listed twice, a deduction that is not
//                                                         positive, a diminished value without
//                                                         evidence, per-line shipping the order
//                                                         cannot give (field "partial_shipping")
//   REFUND_LINE_UNKNOWN              kInvalidArgument     no such order line
//   REFUND_TENDER_UNKNOWN            kInvalidArgument     tender_order names no tender
//   REFUND_LEDGER_MISMATCH           kInvalidArgument     the ledger is another order's
//   REFUND_DEDUCTION_EXCEEDS_REFUND  kInvalidArgument     deductions above the refund
//   REFUND_DEDUCTION_NOT_ALLOWED     kFailedPrecondition  see above; metadata "deduction"
//   REFUND_EXCEEDS_PAID              kFailedPrecondition  more units than remain ("bucket":
//                                                         "line_units"), or the tenders cannot
//                                                         take the total ("bucket": "tender")
//   CURRENCY_MISMATCH                kInvalidArgument     a deduction in another currency
// clang-format on

#include <optional>
#include <string>
#include <vector>

#include "sanbao/domain/order.h"
#include "sanbao/domain/refund.h"
#include "sanbao/money.h"
#include "sanbao/policy/decision.h"
#include "sanbao/refund/ledger.h"
#include "sanbao/status_or.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

/// Units of one order line coming back.
struct ReturnedUnits {
  std::string order_line_id;
  int quantity = 0;
};

/// What a partial return (one after which units of the order remain
/// unrefunded) gets of the outbound shipping bucket.
enum class PartialShipping {
  kNone,          ///< nothing; the return that completes the order gets it
  kProportional,  ///< a share in proportion to the goods refunded so far
  /// Every refund, partial or completing, gets the shipping of its own
  /// units: each line's OrderLine::shipping split by units (the last units
  /// take the residue), times the rule's share of the charge, never more
  /// than the bucket leaves. Every line must carry its shipping and the
  /// parts must add up to the order's charge (else REFUND_REQUEST_INVALID,
  /// field "partial_shipping"). For a marketplace that charges and refunds
  /// shipping per line (eBay): no return makes up for another's.
  kPerLine,
};

/// Diminished value from handling beyond what was necessary to establish
/// the nature, characteristics and functioning of the goods (CRD
/// Art. 14(2) and its equivalents).
struct DiminishedValueDeduction {
  Money amount;
  std::string evidence;     ///< inspection report, photos: required
  std::string legal_basis;  ///< empty: derived from the decision
};

/// The cost of a return label the seller provided, when the buyer bears
/// the direct cost of returning (CRD Art. 14(1)).
struct ReturnPostageDeduction {
  Money amount;
  std::string legal_basis;  ///< empty: derived from the decision
};

/// A restocking fee: only where the decision allows one (never on a
/// statutory withdrawal in the EU).
struct RestockingFeeDeduction {
  Money amount;
  std::string legal_basis;  ///< empty: derived from the decision
};

struct RefundRequest {
  /// The units coming back; each line at most once, quantity >= 1.
  std::vector<ReturnedUnits> lines;
  /// The decision engine's ruling on this return; not owned, may be null.
  Decision const* decision = nullptr;
  /// The seller's or marketplace's outbound-shipping rule, where it is more
  /// generous than the decision's.
  std::optional<OutboundRefund> policy_outbound_shipping;
  PartialShipping partial_shipping = PartialShipping::kNone;

  std::optional<DiminishedValueDeduction> diminished_value;
  std::optional<ReturnPostageDeduction> return_postage;
  std::optional<RestockingFeeDeduction> restocking_fee;

  /// Tender ids in the order they are refunded; empty: the default order.
  std::vector<std::string> tender_order;

  /// When the refund is paid in another currency (e.g. the settlement
  /// currency): `to_currency`, `rate` (units of it per unit of the
  /// presentment currency), `source` and `as_of` are required;
  /// `from_currency` is filled in and `amount` computed — the total,
  /// converted exactly and rounded half-up once. Errors: FX_RATE_INVALID
  /// (rate not positive), CURRENCY_UNKNOWN, MONEY_OVERFLOW.
  std::optional<FxConversion> conversion;

  // Copied into the Refund.
  std::string refund_id;
  std::string return_id;
  std::string idempotency_key;
  Instant created_at{};
};

/// Composes the refund for `request` (see above). Changes nothing: apply
/// the result to the ledger once it is paid out.
StatusOr<Refund> ComputeRefund(Order const& order, RefundLedger const& ledger,
                               RefundRequest const& request);

}  // namespace v1
}  // namespace sanbao
