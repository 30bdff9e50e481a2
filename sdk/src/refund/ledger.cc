#include "sanbao/refund/ledger.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "refund/refund_internal.h"

namespace sanbao {
inline namespace v1 {

// The changes one refund makes, worked out before anything is touched.
struct RefundLedger::Delta {
  struct Line {
    std::size_t index = 0;
    LineRefunded add;
  };
  struct TenderPart {
    std::size_t index = 0;
    std::int64_t amount = 0;
  };
  std::vector<Line> lines;
  std::vector<TenderPart> tenders;
  std::int64_t shipping = 0;
  std::int64_t shipping_tax = 0;
  std::int64_t merchandise = 0;
  std::int64_t total = 0;
  std::int64_t units = 0;
  std::int64_t points = 0;
};

namespace {

using internal::CheckedAdd;
using internal::MakeMoney;
using internal::OverflowError;

Status Invalid(std::string message, std::string field) {
  return InvalidArgumentError(std::move(message), "REFUND_INVALID",
                              {{"field", std::move(field)}});
}

// Minor units of a non-negative amount of `currency` (a zero placeholder is
// zero). `field` is only called on the error paths.
template <typename Field>
Status Amount(Money const& m, Currency currency, Field field,
              std::int64_t* out) {
  if (m.is_zero()) {
    *out = 0;
    return {};
  }
  if (!(m.currency() == currency)) {
    return InvalidArgumentError(
        field() + " is in " + std::string(m.currency().code()) +
            " but the order is in " + std::string(currency.code()),
        "CURRENCY_MISMATCH",
        {{"field", field()}, {"currency", std::string(m.currency().code())}});
  }
  if (m.is_negative()) {
    return Invalid(field() + " is negative (" + m.ToStringWithCode() + ")",
                   field());
  }
  *out = m.minor_units();
  return {};
}

Status Exceeds(std::string bucket, std::string message, Currency currency,
               std::int64_t paid, std::int64_t refunded, std::int64_t requested,
               std::map<std::string, std::string> extra = {}) {
  extra["bucket"] = std::move(bucket);
  extra["paid"] = MakeMoney(paid, currency).ToString();
  extra["refunded"] = MakeMoney(refunded, currency).ToString();
  extra["requested"] = MakeMoney(requested, currency).ToString();
  extra["currency"] = std::string(currency.code());
  return FailedPreconditionError(std::move(message), "REFUND_EXCEEDS_PAID",
                                 std::move(extra));
}

// True if refunded + requested > cap (all non-negative, refunded <= cap).
bool Over(std::int64_t cap, std::int64_t refunded, std::int64_t requested) {
  return requested > cap - refunded;
}

}  // namespace

StatusOr<RefundLedger> RefundLedger::Build(Order const& order,
                                           std::span<Refund const> refunds) {
  auto allocation = OrderAllocation::Compute(order);
  if (!allocation) return allocation.status();
  Currency const c = allocation->currency();
  RefundLedger ledger(*std::move(allocation));
  ledger.lines_.resize(ledger.allocation_.lines().size());
  ledger.tenders_.reserve(order.tenders.size());
  for (std::size_t i = 0; i < order.tenders.size(); ++i) {
    Tender const& t = order.tenders[i];
    if (std::any_of(
            ledger.tenders_.begin(), ledger.tenders_.end(),
            [&](TenderBalance const& b) { return b.tender_id == t.id; })) {
      return InvalidArgumentError(
          "two tenders have the id " + QuoteForMessage(t.id),
          "ORDER_INCONSISTENT",
          {{"field", "tenders[" + std::to_string(i) + "].id"}});
    }
    TenderBalance b;
    b.tender_id = t.id;
    b.kind = t.kind;
    if (auto s = Amount(
            t.amount, c,
            [&] { return "tenders[" + std::to_string(i) + "].amount"; },
            &b.paid_minor);
        !s.ok()) {
      return s.reason() == "REFUND_INVALID"
                 ? InvalidArgumentError(s.message(), "ORDER_INCONSISTENT",
                                        s.error_info().metadata)
                 : s;
    }
    ledger.tenders_.push_back(std::move(b));
  }
  if (order.loyalty_points_earned < 0) {
    return InvalidArgumentError("loyalty_points_earned is negative",
                                "ORDER_INCONSISTENT",
                                {{"field", "loyalty_points_earned"}});
  }
  ledger.points_earned_ = order.loyalty_points_earned;
  for (std::size_t i = 0; i < refunds.size(); ++i) {
    if (auto s = ledger.Apply(refunds[i]); !s.ok()) {
      return s.WithMetadata("refund_index", std::to_string(i));
    }
  }
  return ledger;
}

int RefundLedger::UnitsRemaining(std::size_t line_index) const noexcept {
  if (line_index >= lines_.size()) return 0;
  return allocation_.lines()[line_index].quantity() - lines_[line_index].units;
}

Money RefundLedger::LineAmountRefunded(std::size_t line_index) const {
  return MakeMoney(
      line_index < lines_.size() ? lines_[line_index].amount_minor : 0,
      currency());
}
Money RefundLedger::LineTaxRefunded(std::size_t line_index) const {
  return MakeMoney(
      line_index < lines_.size() ? lines_[line_index].tax_minor : 0,
      currency());
}
Money RefundLedger::shipping_refunded() const {
  return MakeMoney(shipping_, currency());
}
Money RefundLedger::shipping_tax_refunded() const {
  return MakeMoney(shipping_tax_, currency());
}
Money RefundLedger::merchandise_refunded() const {
  return MakeMoney(merchandise_, currency());
}
Money RefundLedger::total_refunded() const {
  return MakeMoney(total_, currency());
}

int RefundLedger::TenderIndex(std::string_view tender_id) const noexcept {
  for (std::size_t i = 0; i < tenders_.size(); ++i) {
    if (tenders_[i].tender_id == tender_id) return static_cast<int>(i);
  }
  return -1;
}

// keys_ holds "k:<idempotency key>" and "i:<refund id>".
bool RefundLedger::Contains(std::string_view key_or_id) const {
  std::string probe = "k:";
  probe += key_or_id;
  if (keys_.count(probe) > 0) return true;
  probe[0] = 'i';
  return keys_.count(probe) > 0;
}

Status RefundLedger::Check(Refund const& refund) const {
  Delta delta;
  return Prepare(refund, delta);
}

Status RefundLedger::Apply(Refund const& refund) {
  Delta delta;
  if (auto s = Prepare(refund, delta); !s.ok()) return s;
  Commit(refund, delta);
  return {};
}

Status RefundLedger::Prepare(Refund const& refund, Delta& delta) const {
  Currency const c = currency();
  if (!refund.order_id.empty() && refund.order_id != order_id()) {
    return InvalidArgumentError(
        "refund for order " + QuoteForMessage(refund.order_id) +
            " applied to the ledger of " + QuoteForMessage(order_id()),
        "REFUND_ORDER_MISMATCH", {{"order_id", refund.order_id}});
  }
  if (!refund.idempotency_key.empty() &&
      keys_.count("k:" + refund.idempotency_key) > 0) {
    return Status(
        ErrorCode::kAlreadyExists,
        "a refund with idempotency key " +
            QuoteForMessage(refund.idempotency_key) + " was already applied",
        ErrorInfo{.reason = "REFUND_DUPLICATE",
                  .metadata = {{"idempotency_key", refund.idempotency_key}}});
  }
  if (!refund.id.empty() && keys_.count("i:" + refund.id) > 0) {
    return Status(
        ErrorCode::kAlreadyExists,
        "refund " + QuoteForMessage(refund.id) + " was already applied",
        ErrorInfo{.reason = "REFUND_DUPLICATE",
                  .metadata = {{"refund_id", refund.id}}});
  }

  // Shape: known lines and tenders, non-negative amounts, sums that add up.
  std::int64_t gross = 0;
  delta.lines.reserve(refund.lines.size());
  for (std::size_t i = 0; i < refund.lines.size(); ++i) {
    RefundLine const& rl = refund.lines[i];
    auto field = [&](char const* member) {
      return "lines[" + std::to_string(i) + "]." + member;
    };
    int const index = allocation_.LineIndex(rl.order_line_id);
    if (index < 0) {
      return InvalidArgumentError(
          "order " + QuoteForMessage(order_id()) + " has no line " +
              QuoteForMessage(rl.order_line_id),
          "REFUND_LINE_UNKNOWN",
          {{"field", field("order_line_id")}, {"line_id", rl.order_line_id}});
    }
    if (rl.quantity < 0) {
      return Invalid(field("quantity") + " is negative", field("quantity"));
    }
    std::int64_t amount = 0;
    std::int64_t tax = 0;
    if (auto s = Amount(
            rl.amount, c, [&] { return field("amount"); }, &amount);
        !s.ok()) {
      return s;
    }
    if (auto s = Amount(
            rl.tax, c, [&] { return field("tax"); }, &tax);
        !s.ok()) {
      return s;
    }
    auto it = std::find_if(delta.lines.begin(), delta.lines.end(),
                           [&](Delta::Line const& l) {
                             return l.index == static_cast<std::size_t>(index);
                           });
    if (it == delta.lines.end()) {
      delta.lines.push_back(Delta::Line{static_cast<std::size_t>(index), {}});
      it = delta.lines.end() - 1;
    }
    if (__builtin_add_overflow(it->add.units, rl.quantity, &it->add.units) ||
        !CheckedAdd(it->add.amount_minor, amount, &it->add.amount_minor) ||
        !CheckedAdd(it->add.tax_minor, tax, &it->add.tax_minor) ||
        !CheckedAdd(delta.merchandise, amount, &delta.merchandise) ||
        !CheckedAdd(delta.merchandise, tax, &delta.merchandise)) {
      return OverflowError(field("amount"));
    }
    delta.units += rl.quantity;
  }
  if (refund.shipping) {
    if (auto s = Amount(
            *refund.shipping, c, [] { return std::string("shipping"); },
            &delta.shipping);
        !s.ok()) {
      return s;
    }
  }
  if (refund.shipping_tax) {
    if (auto s = Amount(
            *refund.shipping_tax, c, [] { return std::string("shipping_tax"); },
            &delta.shipping_tax);
        !s.ok()) {
      return s;
    }
  }
  if (!CheckedAdd(delta.merchandise, delta.shipping, &gross) ||
      !CheckedAdd(gross, delta.shipping_tax, &gross)) {
    return OverflowError("total");
  }
  std::int64_t deductions = 0;
  for (std::size_t i = 0; i < refund.deductions.size(); ++i) {
    auto field = [&] { return "deductions[" + std::to_string(i) + "].amount"; };
    std::int64_t amount = 0;
    if (auto s = Amount(refund.deductions[i].amount, c, field, &amount);
        !s.ok()) {
      return s;
    }
    if (amount == 0) return Invalid(field() + " is zero", field());
    if (!CheckedAdd(deductions, amount, &deductions))
      return OverflowError(field());
  }
  if (deductions > gross) {
    return Invalid("the deductions (" + MakeMoney(deductions, c).ToString() +
                       ") exceed what the refund gives back (" +
                       MakeMoney(gross, c).ToString() + ")",
                   "deductions");
  }
  delta.total = gross - deductions;
  std::int64_t total = 0;
  if (auto s = Amount(
          refund.total, c, [] { return std::string("total"); }, &total);
      !s.ok()) {
    return s;
  }
  if (total != delta.total) {
    return Invalid("the refund total " + MakeMoney(total, c).ToString() +
                       " is not lines + tax + shipping - deductions = " +
                       MakeMoney(delta.total, c).ToString(),
                   "total");
  }
  std::int64_t tendered = 0;
  delta.tenders.reserve(refund.tenders.size());
  for (std::size_t i = 0; i < refund.tenders.size(); ++i) {
    TenderRefund const& tr = refund.tenders[i];
    auto field = [&] { return "tenders[" + std::to_string(i) + "].amount"; };
    int const index = TenderIndex(tr.tender_id);
    if (index < 0) {
      return InvalidArgumentError(
          "order " + QuoteForMessage(order_id()) + " has no tender " +
              QuoteForMessage(tr.tender_id),
          "REFUND_TENDER_UNKNOWN",
          {{"field", "tenders[" + std::to_string(i) + "].tender_id"},
           {"tender_id", tr.tender_id}});
    }
    std::int64_t amount = 0;
    if (auto s = Amount(tr.amount, c, field, &amount); !s.ok()) return s;
    if (!CheckedAdd(tendered, amount, &tendered)) return OverflowError(field());
    auto it = std::find_if(delta.tenders.begin(), delta.tenders.end(),
                           [&](Delta::TenderPart const& p) {
                             return p.index == static_cast<std::size_t>(index);
                           });
    if (it == delta.tenders.end()) {
      delta.tenders.push_back(
          Delta::TenderPart{static_cast<std::size_t>(index), amount});
    } else {
      it->amount += amount;  // <= tendered, cannot overflow
    }
  }
  if (!tenders_.empty() && tendered != delta.total) {
    return Invalid(
        "the tender parts add up to " + MakeMoney(tendered, c).ToString() +
            ", not the refund total " + MakeMoney(delta.total, c).ToString(),
        "tenders");
  }
  if (refund.loyalty_points_reversed < 0) {
    return Invalid("loyalty_points_reversed is negative",
                   "loyalty_points_reversed");
  }
  delta.points = refund.loyalty_points_reversed;

  // Caps.
  for (auto const& l : delta.lines) {
    LineAllocation const& a = allocation_.lines()[l.index];
    LineRefunded const& done = lines_[l.index];
    if (l.add.units > a.quantity() - done.units) {
      return FailedPreconditionError(
          "line " + QuoteForMessage(a.line_id()) + ": " +
              std::to_string(l.add.units) + " more units requested, " +
              std::to_string(a.quantity() - done.units) + " of " +
              std::to_string(a.quantity()) + " left to refund",
          "REFUND_EXCEEDS_PAID",
          {{"bucket", "line_units"},
           {"line_id", a.line_id()},
           {"paid", std::to_string(a.quantity())},
           {"refunded", std::to_string(done.units)},
           {"requested", std::to_string(l.add.units)}});
    }
    if (Over(a.paid_excluding_tax_minor(), done.amount_minor,
             l.add.amount_minor)) {
      return Exceeds("line_amount",
                     "line " + QuoteForMessage(a.line_id()) +
                         ": the refund would exceed what was paid",
                     c, a.paid_excluding_tax_minor(), done.amount_minor,
                     l.add.amount_minor, {{"line_id", a.line_id()}});
    }
    if (Over(a.tax_minor(), done.tax_minor, l.add.tax_minor)) {
      return Exceeds("line_tax",
                     "line " + QuoteForMessage(a.line_id()) +
                         ": the refund would exceed the tax charged",
                     c, a.tax_minor(), done.tax_minor, l.add.tax_minor,
                     {{"line_id", a.line_id()}});
    }
  }
  ShippingAllocation const& ship = allocation_.shipping();
  if (Over(ship.charged_minor(), shipping_, delta.shipping)) {
    return Exceeds("shipping",
                   "the shipping refund would exceed the shipping charged", c,
                   ship.charged_minor(), shipping_, delta.shipping);
  }
  if (Over(ship.tax_minor(), shipping_tax_, delta.shipping_tax)) {
    return Exceeds(
        "shipping_tax",
        "the shipping tax refund would exceed the shipping tax charged", c,
        ship.tax_minor(), shipping_tax_, delta.shipping_tax);
  }
  for (auto const& p : delta.tenders) {
    TenderBalance const& t = tenders_[p.index];
    if (Over(t.paid_minor, t.refunded_minor, p.amount)) {
      return Exceeds("tender",
                     "tender " + QuoteForMessage(t.tender_id) +
                         ": the refund would exceed what it paid",
                     c, t.paid_minor, t.refunded_minor, p.amount,
                     {{"tender_id", t.tender_id}});
    }
  }
  if (Over(allocation_.total_minor(), total_, delta.total)) {
    return Exceeds("total", "the refund would exceed the order total", c,
                   allocation_.total_minor(), total_, delta.total);
  }
  if (delta.points > points_earned_ - points_reversed_) {
    return FailedPreconditionError(
        "the refund would reverse more loyalty points than were earned",
        "REFUND_EXCEEDS_PAID",
        {{"bucket", "loyalty_points"},
         {"paid", std::to_string(points_earned_)},
         {"refunded", std::to_string(points_reversed_)},
         {"requested", std::to_string(delta.points)}});
  }
  return {};
}

void RefundLedger::Commit(Refund const& refund, Delta const& delta) {
  for (auto const& l : delta.lines) {
    LineRefunded& done = lines_[l.index];
    done.units += l.add.units;
    done.amount_minor += l.add.amount_minor;
    done.tax_minor += l.add.tax_minor;
  }
  for (auto const& p : delta.tenders)
    tenders_[p.index].refunded_minor += p.amount;
  shipping_ += delta.shipping;
  shipping_tax_ += delta.shipping_tax;
  merchandise_ += delta.merchandise;
  total_ += delta.total;
  units_refunded_ += delta.units;
  points_reversed_ += delta.points;
  ++refund_count_;
  if (!refund.idempotency_key.empty())
    keys_.insert("k:" + refund.idempotency_key);
  if (!refund.id.empty()) keys_.insert("i:" + refund.id);
}

}  // namespace v1
}  // namespace sanbao
