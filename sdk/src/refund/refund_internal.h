#pragma once

// Integer helpers shared by allocation.cc, ledger.cc and calculator.cc.
// Private to the library.

#include <cstdint>
#include <string>

#include "sanbao/money.h"
#include "sanbao/status.h"

namespace sanbao {
inline namespace v1 {
namespace internal {

// __extension__ keeps -Wpedantic quiet about the GCC/Clang 128-bit type.
__extension__ typedef __int128 RefundInt128;

/// `minor_units` of `currency`; `currency` must have minor units (every
/// currency an OrderAllocation accepted has).
inline Money MakeMoney(std::int64_t minor_units, Currency currency) {
  return *Money::FromMinorUnits(minor_units, currency);
}

/// Sum of units [first, first + count) of `total` split over `parts` equal
/// parts by largest remainder (ties to the lower index: the first
/// total % parts units get one more). total >= 0, parts >= 1,
/// 0 <= first, first + count <= parts.
inline std::int64_t UnitRangeSum(std::int64_t total, std::int64_t parts,
                                 std::int64_t first, std::int64_t count) {
  std::int64_t const base = total / parts;
  std::int64_t const extra = total % parts;
  std::int64_t const end = first + count;
  std::int64_t const with_extra =
      end <= extra ? count : (first >= extra ? 0 : extra - first);
  return base * count + with_extra;
}

/// The first part of `amount` split in proportion to {part, whole - part}
/// by largest remainder, ties to the first part: amount * part / whole
/// rounded half up. amount >= 0, 0 <= part <= whole, whole > 0. Monotonic
/// in `part`, and equal to `amount` when part == whole.
inline std::int64_t ProportionalShare(std::int64_t amount, std::int64_t part,
                                      std::int64_t whole) {
  RefundInt128 const product = static_cast<RefundInt128>(amount) * part;
  auto const quotient = static_cast<std::int64_t>(product / whole);
  auto const remainder = static_cast<std::int64_t>(product % whole);
  // The other part's remainder is whole - remainder (or 0); the leftover
  // unit goes to the larger remainder, to the first part on a tie.
  bool const round_up = remainder > 0 && remainder >= whole - remainder;
  return quotient + (round_up ? 1 : 0);
}

/// a + b into *out; false on int64 overflow.
inline bool CheckedAdd(std::int64_t a, std::int64_t b, std::int64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

inline Status OverflowError(std::string const& what) {
  return OutOfRangeError(what + " overflows 64-bit minor units",
                         "MONEY_OVERFLOW", {{"field", what}});
}

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
