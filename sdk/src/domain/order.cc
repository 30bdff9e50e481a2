#include "sanbao/domain/order.h"

#include <algorithm>

namespace sanbao {
inline namespace v1 {
namespace {

// Adds `b` to `a`; fails on mixed currencies or overflow.
Status Accumulate(Money& a, Money const& b) {
  if (b.is_zero()) return {};  // also an unset (XXX) placeholder
  auto sum = a.Add(b);
  if (!sum) return sum.status();
  a = *sum;
  return {};
}

}  // namespace

OrderLine const* Order::FindLine(std::string_view line_id) const {
  auto it = std::find_if(lines.begin(), lines.end(),
                         [&](OrderLine const& l) { return l.id == line_id; });
  return it == lines.end() ? nullptr : &*it;
}

StatusOr<Money> Order::Total() const {
  auto zero = Money::Parse("0", presentment_currency);
  if (!zero) return zero.status();
  Money total = *zero;
  for (auto const& line : lines) {
    auto gross = line.unit_price.Multiply(line.quantity);
    if (!gross) return gross.status();
    if (auto s = Accumulate(total, *gross); !s.ok()) return s;
    for (auto const& d : line.discounts) {
      auto minus = d.amount.Negate();
      if (!minus) return minus.status();
      if (auto s = Accumulate(total, *minus); !s.ok()) return s;
    }
    if (!line.tax_included) {
      if (auto s = Accumulate(total, line.tax); !s.ok()) return s;
    }
  }
  for (auto const& d : order_discounts) {
    auto minus = d.amount.Negate();
    if (!minus) return minus.status();
    if (auto s = Accumulate(total, *minus); !s.ok()) return s;
  }
  if (auto s = Accumulate(total, shipping.charged); !s.ok()) return s;
  if (auto s = Accumulate(total, shipping.tax); !s.ok()) return s;
  return total;
}

StatusOr<Money> Order::TenderTotal() const {
  auto zero = Money::Parse("0", presentment_currency);
  if (!zero) return zero.status();
  Money total = *zero;
  for (auto const& t : tenders) {
    if (auto s = Accumulate(total, t.amount); !s.ok()) return s;
  }
  return total;
}

}  // namespace v1
}  // namespace sanbao
