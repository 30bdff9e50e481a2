#include "sanbao/refund/allocation.h"

#include <algorithm>
#include <map>
#include <string>
#include <unordered_set>
#include <utility>

#include "refund/refund_internal.h"

namespace sanbao {
inline namespace v1 {
namespace {

using internal::CheckedAdd;
using internal::MakeMoney;
using internal::OverflowError;
using internal::ProportionalShare;
using internal::UnitRangeSum;

// "lines[2].tax", "shipping.charged", ...
std::string FieldName(char const* what, int index, char const* member) {
  std::string out = what;
  if (index >= 0) out.append("[").append(std::to_string(index)).append("]");
  if (member != nullptr && *member != '\0') {
    out += ".";
    out += member;
  }
  return out;
}

Status Inconsistent(std::string message, std::string field,
                    std::string const& line_id = {}) {
  std::map<std::string, std::string> metadata{{"field", std::move(field)}};
  if (!line_id.empty()) metadata.emplace("line_id", line_id);
  return InvalidArgumentError(std::move(message), "ORDER_INCONSISTENT",
                              std::move(metadata));
}

// The minor units of `m` if it is a non-negative amount of `currency` (or a
// zero placeholder). Field names are only built on the error paths.
Status NonNegative(Money const& m, Currency currency, char const* what,
                   int index, char const* member, std::string const& line_id,
                   std::int64_t* out) {
  if (m.is_zero()) {
    *out = 0;
    return {};
  }
  if (!(m.currency() == currency)) {
    std::string field = FieldName(what, index, member);
    return InvalidArgumentError(
        field + " is in " + std::string(m.currency().code()) +
            " but the order is in " + std::string(currency.code()),
        "CURRENCY_MISMATCH",
        {{"field", field}, {"currency", std::string(m.currency().code())}});
  }
  if (m.is_negative()) {
    std::string field = FieldName(what, index, member);
    return Inconsistent(field + " is negative (" + m.ToStringWithCode() + ")",
                        field, line_id);
  }
  *out = m.minor_units();
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------
// LineAllocation

Money LineAllocation::gross() const { return MakeMoney(gross_, currency_); }
Money LineAllocation::line_discount() const {
  return MakeMoney(line_discount_, currency_);
}
Money LineAllocation::order_discount() const {
  return MakeMoney(order_discount_, currency_);
}
Money LineAllocation::net() const { return MakeMoney(net_, currency_); }
Money LineAllocation::tax() const { return MakeMoney(tax_, currency_); }
Money LineAllocation::paid() const {
  return MakeMoney(paid_minor(), currency_);
}
Money LineAllocation::paid_excluding_tax() const {
  return MakeMoney(paid_excluding_tax_minor(), currency_);
}

namespace {
// Clips [first, first + count) to [0, quantity); false if empty.
bool Clip(int quantity, int& first, int& count) {
  std::int64_t begin = std::max(first, 0);
  std::int64_t end = std::min<std::int64_t>(
      static_cast<std::int64_t>(first) + std::max(count, 0), quantity);
  if (end <= begin) return false;
  first = static_cast<int>(begin);
  count = static_cast<int>(end - begin);
  return true;
}
}  // namespace

std::int64_t LineAllocation::NetOfUnitsMinor(int first,
                                             int count) const noexcept {
  if (!Clip(quantity_, first, count)) return 0;
  return UnitRangeSum(net_, quantity_, first, count);
}

std::int64_t LineAllocation::TaxOfUnitsMinor(int first,
                                             int count) const noexcept {
  if (!Clip(quantity_, first, count)) return 0;
  return UnitRangeSum(tax_, quantity_, first, count);
}

std::int64_t LineAllocation::PaidExcludingTaxOfUnitsMinor(
    int first, int count) const noexcept {
  std::int64_t net = NetOfUnitsMinor(first, count);
  return tax_included_ ? net - TaxOfUnitsMinor(first, count) : net;
}

Money LineAllocation::NetOfUnits(int first, int count) const {
  return MakeMoney(NetOfUnitsMinor(first, count), currency_);
}
Money LineAllocation::TaxOfUnits(int first, int count) const {
  return MakeMoney(TaxOfUnitsMinor(first, count), currency_);
}
Money LineAllocation::PaidOfUnits(int first, int count) const {
  std::int64_t net = NetOfUnitsMinor(first, count);
  return MakeMoney(tax_included_ ? net : net + TaxOfUnitsMinor(first, count),
                   currency_);
}
Money LineAllocation::PaidExcludingTaxOfUnits(int first, int count) const {
  return MakeMoney(PaidExcludingTaxOfUnitsMinor(first, count), currency_);
}

// ---------------------------------------------------------------------------
// ShippingAllocation

Money ShippingAllocation::charged() const {
  return MakeMoney(charged_, currency_);
}
Money ShippingAllocation::tax() const { return MakeMoney(tax_, currency_); }
Money ShippingAllocation::standard_part() const {
  return MakeMoney(standard_, currency_);
}
Money ShippingAllocation::standard_part_tax() const {
  return MakeMoney(standard_tax_, currency_);
}

std::int64_t ShippingAllocation::RefundableMinor(
    OutboundRefund rule) const noexcept {
  switch (rule) {
    case OutboundRefund::kNone:
      return 0;
    case OutboundRefund::kStandardPart:
      return standard_;
    case OutboundRefund::kAll:
      return charged_;
  }
  return 0;
}

std::int64_t ShippingAllocation::RefundableTaxMinor(
    OutboundRefund rule) const noexcept {
  switch (rule) {
    case OutboundRefund::kNone:
      return 0;
    case OutboundRefund::kStandardPart:
      return standard_tax_;
    case OutboundRefund::kAll:
      return tax_;
  }
  return 0;
}

Money ShippingAllocation::Refundable(OutboundRefund rule) const {
  return MakeMoney(RefundableMinor(rule), currency_);
}
Money ShippingAllocation::RefundableTax(OutboundRefund rule) const {
  return MakeMoney(RefundableTaxMinor(rule), currency_);
}

// ---------------------------------------------------------------------------
// OrderAllocation

int OrderAllocation::LineIndex(std::string_view line_id) const noexcept {
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    if (lines_[i].line_id_ == line_id) return static_cast<int>(i);
  }
  return -1;
}

LineAllocation const* OrderAllocation::FindLine(
    std::string_view line_id) const noexcept {
  int i = LineIndex(line_id);
  return i < 0 ? nullptr : &lines_[static_cast<std::size_t>(i)];
}

Money OrderAllocation::merchandise_paid() const {
  return MakeMoney(merchandise_paid_, currency_);
}
Money OrderAllocation::total() const { return MakeMoney(total_, currency_); }

StatusOr<OrderAllocation> OrderAllocation::Compute(Order const& order) {
  auto currency = Currency::Find(order.presentment_currency);
  if (!currency) return currency.status();
  if (!currency->minor_units()) {
    return InvalidArgumentError(
        "presentment currency " + order.presentment_currency +
            " has no minor units",
        "CURRENCY_NO_MINOR_UNITS", {{"currency", order.presentment_currency}});
  }
  Currency const c = *currency;
  OrderAllocation out(c);
  out.order_id_ = order.id;
  out.lines_.reserve(order.lines.size());

  // 1. Lines before order discounts.
  std::unordered_set<std::string_view> ids;
  std::int64_t lines_net = 0;
  for (std::size_t i = 0; i < order.lines.size(); ++i) {
    OrderLine const& line = order.lines[i];
    int const index = static_cast<int>(i);
    if (!ids.insert(line.id).second) {
      return Inconsistent(
          "two order lines have the id " + QuoteForMessage(line.id),
          FieldName("lines", index, "id"), line.id);
    }
    if (line.quantity < 1) {
      return Inconsistent("order line " + QuoteForMessage(line.id) +
                              " has quantity " + std::to_string(line.quantity) +
                              " (needs >= 1)",
                          FieldName("lines", index, "quantity"), line.id);
    }
    LineAllocation a(c);
    a.line_id_ = line.id;
    a.quantity_ = line.quantity;
    a.tax_included_ = line.tax_included;
    std::int64_t unit_price = 0;
    if (auto s = NonNegative(line.unit_price, c, "lines", index, "unit_price",
                             line.id, &unit_price);
        !s.ok()) {
      return s;
    }
    if (__builtin_mul_overflow(
            unit_price, static_cast<std::int64_t>(line.quantity), &a.gross_)) {
      return OverflowError(FieldName("lines", index, "gross"));
    }
    for (std::size_t d = 0; d < line.discounts.size(); ++d) {
      std::int64_t amount = 0;
      if (auto s = NonNegative(
              line.discounts[d].amount, c, "lines", index,
              ("discounts[" + std::to_string(d) + "].amount").c_str(), line.id,
              &amount);
          !s.ok()) {
        return s;
      }
      if (!CheckedAdd(a.line_discount_, amount, &a.line_discount_)) {
        return OverflowError(FieldName("lines", index, "discounts"));
      }
    }
    if (a.line_discount_ > a.gross_) {
      return Inconsistent("the discounts of order line " +
                              QuoteForMessage(line.id) +
                              " exceed its gross amount",
                          FieldName("lines", index, "discounts"), line.id);
    }
    a.net_ = a.gross_ - a.line_discount_;
    if (auto s =
            NonNegative(line.tax, c, "lines", index, "tax", line.id, &a.tax_);
        !s.ok()) {
      return s;
    }
    // net + tax must fit so that paid_minor() cannot overflow later (the
    // net only shrinks from here on).
    std::int64_t paid = 0;
    if (!CheckedAdd(a.net_, a.tax_, &paid)) {
      return OverflowError(FieldName("lines", index, "tax"));
    }
    if (!CheckedAdd(lines_net, a.net_, &lines_net)) {
      return OverflowError("lines");
    }
    out.units_ += line.quantity;
    out.lines_.push_back(std::move(a));
  }

  // 2. Order discounts, split by the lines' amounts after line discounts.
  std::int64_t order_discount = 0;
  for (std::size_t d = 0; d < order.order_discounts.size(); ++d) {
    std::int64_t amount = 0;
    if (auto s =
            NonNegative(order.order_discounts[d].amount, c, "order_discounts",
                        static_cast<int>(d), "amount", {}, &amount);
        !s.ok()) {
      return s;
    }
    if (!CheckedAdd(order_discount, amount, &order_discount)) {
      return OverflowError("order_discounts");
    }
  }
  if (order_discount > lines_net) {
    return Inconsistent("the order discounts (" +
                            MakeMoney(order_discount, c).ToString() +
                            ") exceed the lines after their own discounts (" +
                            MakeMoney(lines_net, c).ToString() + ")",
                        "order_discounts");
  }
  if (order_discount > 0) {
    std::vector<std::int64_t> weights;
    weights.reserve(out.lines_.size());
    for (auto const& a : out.lines_) weights.push_back(a.net_);
    auto shares = Allocate(MakeMoney(order_discount, c), weights,
                           AllocationMethod::kLargestRemainder);
    if (!shares) return shares.status();
    for (std::size_t i = 0; i < out.lines_.size(); ++i) {
      out.lines_[i].order_discount_ = (*shares)[i].minor_units();
      out.lines_[i].net_ -= out.lines_[i].order_discount_;
    }
  }

  // 3-5. Per unit amounts are derived on demand; check what must hold.
  for (std::size_t i = 0; i < out.lines_.size(); ++i) {
    LineAllocation const& a = out.lines_[i];
    if (a.tax_included_ && a.tax_ > a.net_) {
      return Inconsistent(
          "the tax of tax-inclusive order line " + QuoteForMessage(a.line_id_) +
              " exceeds its net amount",
          FieldName("lines", static_cast<int>(i), "tax"), a.line_id_);
    }
    if (!CheckedAdd(out.merchandise_paid_, a.paid_minor(),
                    &out.merchandise_paid_)) {
      return OverflowError("lines");
    }
  }

  // 6. Shipping.
  ShippingAllocation& s = out.shipping_;
  if (auto st = NonNegative(order.shipping.charged, c, "shipping", -1,
                            "charged", {}, &s.charged_);
      !st.ok()) {
    return st;
  }
  if (auto st = NonNegative(order.shipping.tax, c, "shipping", -1, "tax", {},
                            &s.tax_);
      !st.ok()) {
    return st;
  }
  s.standard_ = s.charged_;
  if (order.shipping.cheapest_standard) {
    std::int64_t cheapest = 0;
    if (auto st = NonNegative(*order.shipping.cheapest_standard, c, "shipping",
                              -1, "cheapest_standard", {}, &cheapest);
        !st.ok()) {
      return st;
    }
    s.standard_ = std::min(s.charged_, cheapest);
  }
  s.standard_tax_ = s.charged_ == 0
                        ? s.tax_
                        : ProportionalShare(s.tax_, s.standard_, s.charged_);

  if (!CheckedAdd(out.merchandise_paid_, s.charged_, &out.total_) ||
      !CheckedAdd(out.total_, s.tax_, &out.total_)) {
    return OverflowError("total");
  }
  return out;
}

}  // namespace v1
}  // namespace sanbao
