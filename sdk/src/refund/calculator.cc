#include "sanbao/refund/calculator.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "refund/refund_internal.h"

namespace sanbao {
inline namespace v1 {
namespace {

using internal::CheckedAdd;
using internal::MakeMoney;
using internal::OverflowError;
using internal::ProportionalShare;

Status RequestInvalid(std::string message, std::string field) {
  return InvalidArgumentError(std::move(message), "REFUND_REQUEST_INVALID",
                              {{"field", std::move(field)}});
}

Status NotAllowed(std::string_view deduction, std::string why) {
  return FailedPreconditionError(
      "a " + std::string(deduction) + " deduction is not allowed: " + why,
      "REFUND_DEDUCTION_NOT_ALLOWED", {{"deduction", std::string(deduction)}});
}

// "statutory_withdrawal (DE)": where the decision's permission comes from.
std::string DecisionBasis(Decision const& d, std::string_view what) {
  std::string out(BasisName(d.basis));
  if (!d.jurisdiction.empty()) out += " (" + d.jurisdiction + ")";
  out += ": ";
  out += what;
  return out;
}

// The positive minor units of a deduction amount in `currency`.
Status DeductionAmount(Money const& m, Currency currency, char const* field,
                       std::int64_t* out) {
  if (!m.is_zero() && !(m.currency() == currency)) {
    return InvalidArgumentError(
        std::string(field) + " is in " + std::string(m.currency().code()) +
            " but the order is in " + std::string(currency.code()),
        "CURRENCY_MISMATCH",
        {{"field", field}, {"currency", std::string(m.currency().code())}});
  }
  if (!m.is_positive()) {
    return RequestInvalid(std::string(field) + " must be positive", field);
  }
  *out = m.minor_units();
  return {};
}

bool RefundedLast(TenderKind kind) {
  return kind == TenderKind::kGiftCard || kind == TenderKind::kStoreCredit;
}

}  // namespace

namespace {

// `total` in the conversion's currency: total x rate, exact, rounded
// half-up once. The rate is rescaled by the difference in minor units so
// that Money::Multiply works on minor units throughout.
StatusOr<FxConversion> ConvertTotal(Money const& total,
                                    FxConversion conversion) {
  if (conversion.rate.mantissa() <= 0) {
    return InvalidArgumentError(
        "a conversion rate must be positive, not " + conversion.rate.ToString(),
        "FX_RATE_INVALID");
  }
  auto to = Currency::Find(conversion.to_currency);
  if (!to) return to.status();
  int const shift = to->minor_units().value_or(0) - total.scale();
  std::int64_t mantissa = conversion.rate.mantissa();
  int scale = conversion.rate.scale() - shift;
  for (; scale < 0; ++scale) {
    if (mantissa > INT64_MAX / 10) {
      return OutOfRangeError("the conversion overflows", "MONEY_OVERFLOW");
    }
    mantissa *= 10;
  }
  auto factor = Decimal::FromMantissa(mantissa, scale);
  if (!factor) return factor.status();
  auto minor = total.Multiply(*factor, RoundingMode::kHalfUp);
  if (!minor) return minor.status();
  auto amount = Money::FromMinorUnits(minor->minor_units(), *to);
  if (!amount) return amount.status();
  conversion.from_currency = std::string(total.currency().code());
  conversion.amount = *amount;
  return conversion;
}

}  // namespace

StatusOr<Refund> ComputeRefund(Order const& order, RefundLedger const& ledger,
                               RefundRequest const& request) {
  OrderAllocation const& alloc = ledger.allocation();
  Currency const c = ledger.currency();
  if (ledger.order_id() != order.id ||
      alloc.lines().size() != order.lines.size() ||
      ledger.tenders().size() != order.tenders.size()) {
    return InvalidArgumentError(
        "the ledger is not the ledger of order " + QuoteForMessage(order.id),
        "REFUND_LEDGER_MISMATCH",
        {{"order_id", order.id}, {"ledger_order_id", ledger.order_id()}});
  }
  if (request.lines.empty()) {
    return RequestInvalid("the request returns no units", "lines");
  }

  Refund refund;
  refund.id = request.refund_id;
  refund.order_id = order.id;
  refund.return_id = request.return_id;
  refund.idempotency_key = request.idempotency_key;
  refund.created_at = request.created_at;
  refund.lines.reserve(request.lines.size());

  // Goods: stored unit allocations, the last units take the residue.
  std::int64_t merchandise = 0;
  std::int64_t units = 0;
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    ReturnedUnits const& r = request.lines[i];
    std::string const field = "lines[" + std::to_string(i) + "]";
    int const index = alloc.LineIndex(r.order_line_id);
    if (index < 0) {
      return InvalidArgumentError(
          "order " + QuoteForMessage(order.id) + " has no line " +
              QuoteForMessage(r.order_line_id),
          "REFUND_LINE_UNKNOWN",
          {{"field", field + ".order_line_id"}, {"line_id", r.order_line_id}});
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (request.lines[j].order_line_id == r.order_line_id) {
        return RequestInvalid(
            "line " + QuoteForMessage(r.order_line_id) + " is listed twice",
            field + ".order_line_id");
      }
    }
    if (r.quantity < 1) {
      return RequestInvalid(field + ".quantity must be at least 1",
                            field + ".quantity");
    }
    auto const line_index = static_cast<std::size_t>(index);
    LineAllocation const& a = alloc.lines()[line_index];
    LineRefunded const& done = ledger.lines()[line_index];
    int const remaining = a.quantity() - done.units;
    if (r.quantity > remaining) {
      return FailedPreconditionError(
          "line " + QuoteForMessage(a.line_id()) + ": " +
              std::to_string(r.quantity) + " units requested, " +
              std::to_string(remaining) + " of " +
              std::to_string(a.quantity()) + " left to refund",
          "REFUND_EXCEEDS_PAID",
          {{"bucket", "line_units"},
           {"line_id", a.line_id()},
           {"paid", std::to_string(a.quantity())},
           {"refunded", std::to_string(done.units)},
           {"requested", std::to_string(r.quantity)}});
    }
    std::int64_t const amount_left =
        a.paid_excluding_tax_minor() - done.amount_minor;
    std::int64_t const tax_left = a.tax_minor() - done.tax_minor;
    std::int64_t amount = amount_left;
    std::int64_t tax = tax_left;
    if (r.quantity < remaining) {
      amount = std::min(amount_left,
                        a.PaidExcludingTaxOfUnitsMinor(done.units, r.quantity));
      tax = std::min(tax_left, a.TaxOfUnitsMinor(done.units, r.quantity));
    }
    merchandise += amount + tax;  // <= the order total: cannot overflow
    units += r.quantity;
    refund.lines.push_back(RefundLine{.order_line_id = a.line_id(),
                                      .quantity = r.quantity,
                                      .amount = MakeMoney(amount, c),
                                      .tax = MakeMoney(tax, c)});
  }
  bool const completes = ledger.units_refunded() + units == alloc.units();
  std::int64_t const merchandise_after =
      ledger.merchandise_refunded_minor() + merchandise;

  // Outbound shipping.
  Decision const* decision = request.decision;
  OutboundRefund rule =
      decision != nullptr ? decision->outbound_shipping : OutboundRefund::kNone;
  if (request.policy_outbound_shipping &&
      static_cast<int>(*request.policy_outbound_shipping) >
          static_cast<int>(rule)) {
    rule = *request.policy_outbound_shipping;
  }
  ShippingAllocation const& ship = alloc.shipping();
  std::int64_t ship_bucket = ship.RefundableMinor(rule);
  std::int64_t ship_tax_bucket = ship.RefundableTaxMinor(rule);
  if (request.partial_shipping == PartialShipping::kPerLine) {
    // Each refund carries the shipping of its own units only, whether or
    // not it completes the order: a line's part split by units (the last
    // units take the residue), under the rule's share of the charge. No
    // refund makes up for what another line's refund did not get.
    std::int64_t whole = 0;
    std::int64_t own = 0;
    for (std::size_t i = 0; i < order.lines.size(); ++i) {
      auto const& line = order.lines[i];
      if (!line.shipping || line.shipping->currency() != c ||
          line.shipping->is_negative()) {
        return RequestInvalid(
            "per-line shipping needs every line's shipping "
            "(line " +
                QuoteForMessage(line.id) + ")",
            "partial_shipping");
      }
      std::int64_t const line_ship = line.shipping->minor_units();
      whole += line_ship;
      int const before = static_cast<int>(ledger.lines()[i].units);
      for (auto const& r : request.lines) {
        if (r.order_line_id != line.id) continue;
        own +=
            ProportionalShare(line_ship, before + r.quantity, line.quantity) -
            ProportionalShare(line_ship, before, line.quantity);
      }
    }
    if (whole != ship.charged_minor()) {
      return RequestInvalid(
          "the lines' shipping does not add up to the "
          "order's shipping charge",
          "partial_shipping");
    }
    std::int64_t const refunded = ledger.shipping_refunded_minor();
    std::int64_t const refunded_tax = ledger.shipping_tax_refunded_minor();
    ship_bucket =
        whole > 0
            ? std::min(ship_bucket,
                       refunded + ProportionalShare(ship_bucket, own, whole))
            : 0;
    ship_tax_bucket =
        whole > 0 ? std::min(ship_tax_bucket,
                             refunded_tax +
                                 ProportionalShare(ship_tax_bucket, own, whole))
                  : 0;
  } else if (!completes) {
    std::int64_t const whole = alloc.merchandise_paid_minor();
    if (request.partial_shipping == PartialShipping::kProportional &&
        whole > 0) {
      std::int64_t const part = std::min(merchandise_after, whole);
      ship_bucket = ProportionalShare(ship_bucket, part, whole);
      ship_tax_bucket = ProportionalShare(ship_tax_bucket, part, whole);
    } else {
      ship_bucket = 0;
      ship_tax_bucket = 0;
    }
  }
  std::int64_t const shipping =
      std::max<std::int64_t>(0, ship_bucket - ledger.shipping_refunded_minor());
  std::int64_t const shipping_tax = std::max<std::int64_t>(
      0, ship_tax_bucket - ledger.shipping_tax_refunded_minor());
  if (shipping > 0 || shipping_tax > 0) {
    refund.shipping = MakeMoney(shipping, c);
    refund.shipping_tax = MakeMoney(shipping_tax, c);
  }
  std::int64_t gross = merchandise + shipping + shipping_tax;  // <= total

  // Deductions the decision allows.
  std::int64_t deductions = 0;
  auto add_deduction = [&](Deduction::Kind kind, Money const& money,
                           char const* field, std::string legal_basis,
                           std::string evidence) -> Status {
    std::int64_t amount = 0;
    if (auto s = DeductionAmount(money, c, field, &amount); !s.ok()) return s;
    if (!CheckedAdd(deductions, amount, &deductions))
      return OverflowError(field);
    refund.deductions.push_back(Deduction{.kind = kind,
                                          .amount = money,
                                          .legal_basis = std::move(legal_basis),
                                          .evidence = std::move(evidence)});
    return {};
  };
  if (auto const& d = request.diminished_value) {
    if (decision == nullptr) {
      return NotAllowed("diminished_value", "there is no decision");
    }
    if (decision->deduction_allowed != true) {
      return NotAllowed(
          "diminished_value",
          "the decision does not allow deductions for diminished value");
    }
    if (d->evidence.empty()) {
      return RequestInvalid("a diminished value deduction needs evidence",
                            "diminished_value.evidence");
    }
    if (auto s = add_deduction(
            Deduction::Kind::kDiminishedValue, d->amount,
            "diminished_value.amount",
            d->legal_basis.empty()
                ? DecisionBasis(*decision, "liability for diminished value")
                : d->legal_basis,
            d->evidence);
        !s.ok()) {
      return s;
    }
  }
  if (auto const& p = request.return_postage) {
    if (decision == nullptr) {
      return NotAllowed("return_postage", "there is no decision");
    }
    if (decision->return_shipping_paid_by != Party::kBuyer) {
      return NotAllowed("return_postage",
                        "the buyer does not bear the return costs");
    }
    if (auto s = add_deduction(
            Deduction::Kind::kReturnPostage, p->amount, "return_postage.amount",
            p->legal_basis.empty()
                ? DecisionBasis(*decision, "the buyer bears the return costs")
                : p->legal_basis,
            {});
        !s.ok()) {
      return s;
    }
  }
  if (auto const& f = request.restocking_fee) {
    if (decision == nullptr) {
      return NotAllowed("restocking_fee", "there is no decision");
    }
    if (!decision->restocking_fee_allowed) {
      return NotAllowed("restocking_fee",
                        "the decision does not allow a restocking fee");
    }
    if (auto s = add_deduction(
            Deduction::Kind::kRestockingFee, f->amount, "restocking_fee.amount",
            f->legal_basis.empty() ? DecisionBasis(*decision, "restocking fee")
                                   : f->legal_basis,
            {});
        !s.ok()) {
      return s;
    }
  }
  if (deductions > gross) {
    return InvalidArgumentError(
        "the deductions (" + MakeMoney(deductions, c).ToString() +
            ") exceed what the refund gives back (" +
            MakeMoney(gross, c).ToString() + ")",
        "REFUND_DEDUCTION_EXCEEDS_REFUND",
        {{"deductions", MakeMoney(deductions, c).ToString()},
         {"refund", MakeMoney(gross, c).ToString()}});
  }
  std::int64_t const total = gross - deductions;
  refund.total = MakeMoney(total, c);

  // Tenders.
  auto const balances = ledger.tenders();
  if (!balances.empty()) {
    std::vector<std::size_t> sequence;
    sequence.reserve(balances.size());
    if (request.tender_order.empty()) {
      for (std::size_t i = 0; i < balances.size(); ++i) {
        if (!RefundedLast(balances[i].kind)) sequence.push_back(i);
      }
      for (std::size_t i = 0; i < balances.size(); ++i) {
        if (RefundedLast(balances[i].kind)) sequence.push_back(i);
      }
    } else {
      for (std::size_t k = 0; k < request.tender_order.size(); ++k) {
        std::string const& id = request.tender_order[k];
        int const index = ledger.TenderIndex(id);
        std::string const field = "tender_order[" + std::to_string(k) + "]";
        if (index < 0) {
          return InvalidArgumentError(
              "order " + QuoteForMessage(order.id) + " has no tender " +
                  QuoteForMessage(id),
              "REFUND_TENDER_UNKNOWN", {{"field", field}, {"tender_id", id}});
        }
        auto const u = static_cast<std::size_t>(index);
        if (std::find(sequence.begin(), sequence.end(), u) != sequence.end()) {
          return RequestInvalid(
              "tender " + QuoteForMessage(id) + " is listed twice", field);
        }
        sequence.push_back(u);
      }
    }
    std::int64_t left = total;
    for (std::size_t i : sequence) {
      if (left == 0) break;
      TenderBalance const& b = balances[i];
      std::int64_t const part = std::min(left, b.paid_minor - b.refunded_minor);
      if (part <= 0) continue;
      refund.tenders.push_back(
          TenderRefund{.tender_id = b.tender_id, .amount = MakeMoney(part, c)});
      left -= part;
    }
    if (left > 0) {
      return FailedPreconditionError(
          "the tenders cannot take the refund: " +
              MakeMoney(left, c).ToString() + " " + std::string(c.code()) +
              " more than they have left",
          "REFUND_EXCEEDS_PAID",
          {{"bucket", "tender"},
           {"requested", MakeMoney(total, c).ToString()},
           {"unallocated", MakeMoney(left, c).ToString()}});
    }
  }

  // Loyalty points, in proportion to the goods refunded so far.
  std::int64_t const earned = ledger.loyalty_points_earned();
  std::int64_t const reversed = ledger.loyalty_points_reversed();
  std::int64_t points = 0;
  if (completes) {
    points = earned - reversed;
  } else if (alloc.merchandise_paid_minor() > 0 && earned > 0) {
    std::int64_t const whole = alloc.merchandise_paid_minor();
    std::int64_t const target =
        ProportionalShare(earned, std::min(merchandise_after, whole), whole);
    points = std::clamp<std::int64_t>(target - reversed, 0, earned - reversed);
  }
  refund.loyalty_points_reversed = std::max<std::int64_t>(points, 0);

  if (decision != nullptr) refund.due_by = decision->refund_due_by;

  if (request.conversion) {
    auto converted = ConvertTotal(refund.total, *request.conversion);
    if (!converted) return converted.status();
    refund.conversion = *std::move(converted);
  }

  // Belt and braces: never hand out a refund the ledger would refuse.
  if (auto s = ledger.Check(refund); !s.ok()) return s;
  return refund;
}

}  // namespace v1
}  // namespace sanbao
