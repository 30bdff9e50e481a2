#pragma once

// Exact money: an int64 count of minor units of an ISO 4217 currency
// (docs/adr/0003-money-in-minor-units.md, docs/guides/money.md).
//
// Nothing here throws for bad input or overflow: every fallible operation
// returns Status / StatusOr with a stable reason:
//
//   reason                   code              when
//   MONEY_MALFORMED          kInvalidArgument  not a plain decimal string
//   MONEY_TOO_MANY_DECIMALS  kInvalidArgument  more decimals than the currency
//   MONEY_OVERFLOW           kOutOfRange       result outside int64 minor units
//   CURRENCY_UNKNOWN         kInvalidArgument  not an active ISO 4217 code
//   CURRENCY_NO_MINOR_UNITS  kInvalidArgument  XAU, XDR, ... (ISO "N.A.")
//   CURRENCY_MISMATCH        kInvalidArgument  two currencies in one operation
//   ALLOCATION_WEIGHTS_INVALID      kInvalidArgument  empty, negative or all 0
//   ALLOCATION_WEIGHTS_TOO_LARGE    kOutOfRange       weights sum > INT64_MAX
//
// Error metadata carries "input" (the offending text or value) and
// "currency" where there is one.

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/currency.h"
#include "sanbao/decimal.h"
#include "sanbao/status.h"
#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {

/// How a result that falls between two minor units is rounded. Examples
/// for 2.5 / -2.5 / 2.4 / 2.6:
///   kHalfEven  2 / -2 / 2 / 3   ties to the even neighbour ("banker's")
///   kHalfUp    3 / -3 / 2 / 3   ties away from zero (EU Reg. 1103/97 Art. 5)
///   kHalfDown  2 / -2 / 2 / 3   ties toward zero
///   kDown      2 / -2 / 2 / 2   toward zero (truncate)
///   kUp        3 / -3 / 3 / 3   away from zero
///   kFloor     2 / -3 / 2 / 2   toward negative infinity
///   kCeiling   3 / -2 / 3 / 3   toward positive infinity
enum class RoundingMode {
  kHalfEven,
  kHalfUp,
  kHalfDown,
  kDown,
  kUp,
  kFloor,
  kCeiling,
};

/// "HALF_EVEN", "HALF_UP", ...
std::string_view RoundingModeName(RoundingMode mode) noexcept;

/// An amount of money: int64 minor units of one currency. Immutable and
/// cheap to copy. There is no default constructor and no implicit
/// conversion from or to floating point.
class Money {
 public:
  /// Zero in "XXX", ISO 4217's code for "no currency involved": a
  /// placeholder that domain structs can hold before they are filled in. It
  /// cannot be mixed with a real currency (CURRENCY_MISMATCH).
  Money() noexcept;

  /// Parses an exact decimal amount in `currency`'s major unit:
  /// Parse("84.90", EUR) is 8490 cents, Parse("1000", JPY) is 1000 yen,
  /// Parse("1.234", KWD) is 1234 fils, Parse("-5.00", EUR) is -500.
  ///
  /// Grammar (ASCII only, nothing else): an optional '-', one or more
  /// digits, and optionally '.' followed by one or more digits. Leading
  /// zeros are allowed ("007.50"); "-0" is zero. Rejected with
  /// MONEY_MALFORMED: "", " 1", "1 ", "+1", "+-1", "1.2.3", "1,00", "1e5",
  /// ".5", "5.", "NaN", "Infinity", "0x10".
  ///
  /// Fewer decimals than the currency has are filled with zeros ("84.9"
  /// EUR = 8490; "5" EUR = 500). More decimals are MONEY_TOO_MANY_DECIMALS
  /// even when they are zeros: "84.900" EUR and "1000.0" JPY are errors.
  /// This is deliberately strict: such input usually means the wrong
  /// currency or a unit mix-up, and we never guess.
  static StatusOr<Money> Parse(std::string_view amount, Currency currency);
  /// As above, looking up `currency_code` first (CURRENCY_UNKNOWN).
  static StatusOr<Money> Parse(std::string_view amount,
                               std::string_view currency_code);

  /// `minor_units` of `currency` (cents for EUR, yen for JPY). Fails only
  /// with CURRENCY_NO_MINOR_UNITS.
  static StatusOr<Money> FromMinorUnits(std::int64_t minor_units,
                                        Currency currency);
  static StatusOr<Money> FromMinorUnits(std::int64_t minor_units,
                                        std::string_view currency_code);
  /// Zero of `currency` (CURRENCY_NO_MINOR_UNITS for XAU and the like).
  static StatusOr<Money> Zero(Currency currency) {
    return FromMinorUnits(0, currency);
  }

  std::int64_t minor_units() const noexcept { return minor_units_; }
  Currency currency() const noexcept { return currency_; }
  /// The currency's number of minor units (0..4).
  int scale() const noexcept { return currency_.minor_units().value_or(0); }

  bool is_zero() const noexcept { return minor_units_ == 0; }
  bool is_negative() const noexcept { return minor_units_ < 0; }
  bool is_positive() const noexcept { return minor_units_ > 0; }

  /// The amount as an exact decimal string with exactly scale() decimals
  /// and no currency: "84.90", "1000", "1.234", "-5.00", "0.0001".
  /// Parse(m.ToString(), m.currency()) == m for every Money m.
  std::string ToString() const;
  /// ToString() and the code: "84.90 EUR".
  std::string ToStringWithCode() const;

  /// The amount as a Decimal with scale() decimals (8490 EUR -> 84.90).
  Decimal ToDecimal() const noexcept;

  /// this + other. CURRENCY_MISMATCH or MONEY_OVERFLOW.
  StatusOr<Money> Add(Money const& other) const;
  /// this - other. CURRENCY_MISMATCH or MONEY_OVERFLOW.
  StatusOr<Money> Subtract(Money const& other) const;
  /// -this. MONEY_OVERFLOW only for INT64_MIN minor units.
  StatusOr<Money> Negate() const;
  /// this * factor, exact. MONEY_OVERFLOW.
  StatusOr<Money> Multiply(std::int64_t factor) const;
  /// this * ratio rounded to a whole minor unit with `mode`, computed
  /// exactly in 128 bits: 84.90 EUR * 0.19 = 16.131 -> 16.13. The rounding
  /// happens once, on the exact product. MONEY_OVERFLOW.
  StatusOr<Money> Multiply(Decimal const& ratio, RoundingMode mode) const;

  /// -1, 0 or 1; CURRENCY_MISMATCH for different currencies (there is no
  /// operator< so that a mismatch cannot go unnoticed).
  StatusOr<int> Compare(Money const& other) const;

  /// Same currency and same amount. Different currencies are simply not
  /// equal (use Compare to treat that as an error).
  friend bool operator==(Money const& a, Money const& b) noexcept {
    return a.currency_ == b.currency_ && a.minor_units_ == b.minor_units_;
  }

 private:
  Money(std::int64_t minor_units, Currency currency) noexcept
      : minor_units_(minor_units), currency_(currency) {}
  friend struct MoneyAccess;

  std::int64_t minor_units_;
  Currency currency_;
};

/// Writes ToStringWithCode(): "84.90 EUR".
std::ostream& operator<<(std::ostream& os, Money const& money);

/// How Allocate hands out the minor units left over after every part got
/// its share rounded toward zero. Every method returns parts that sum to the
/// whole exactly, gives nothing to zero weights, and is symmetric:
/// Allocate(-x) is the negation of Allocate(x), part by part.
enum class AllocationMethod {
  /// Largest remainder (Hamilton): part i gets floor(|x| * w_i / W), and
  /// the R leftover units go one each to the parts with the largest
  /// remainders (|x| * w_i mod W); ties go to the lower index. Every part
  /// is the floor or the ceiling of its exact quota. The default.
  kLargestRemainder,
  /// "Remainder to the first parts" (Fowler, Patterns of Enterprise
  /// Application Architecture; moneyphp; dinero.js 1.x for non-negative
  /// amounts): truncated shares, then one leftover unit each to the first
  /// R parts with a non-zero weight, in argument order.
  kSequential,
  /// dinero.js 2.x `allocate`: truncated shares, then one leftover unit each
  /// to the R parts with the largest weights; equal weights in argument
  /// order (src/core/utils/distribute.ts). Equal to dinero.js 2.0.2 on
  /// every case of tests/fixtures/money/dinero_allocate.json.
  kLargestWeightFirst,
};

/// "LARGEST_REMAINDER", "SEQUENTIAL", "LARGEST_WEIGHT_FIRST".
std::string_view AllocationMethodName(AllocationMethod method) noexcept;

/// Splits `amount` in proportion to `weights` (non-negative integers, at
/// least one positive, sum <= INT64_MAX) with no minor unit lost or gained:
/// Allocate(10.00 EUR, {1, 1, 1}) = {3.34, 3.33, 3.33}. Errors:
/// ALLOCATION_WEIGHTS_INVALID (empty, a negative weight, all zero) and
/// ALLOCATION_WEIGHTS_TOO_LARGE.
StatusOr<std::vector<Money>> Allocate(
    Money const& amount, std::span<std::int64_t const> weights,
    AllocationMethod method = AllocationMethod::kLargestRemainder);
inline StatusOr<std::vector<Money>> Allocate(
    Money const& amount, std::initializer_list<std::int64_t> weights,
    AllocationMethod method = AllocationMethod::kLargestRemainder) {
  return Allocate(
      amount, std::span<std::int64_t const>(weights.begin(), weights.size()),
      method);
}
/// As above with decimal weights ("0.19", "0.81", percentages, ...): they
/// are brought to a common scale and used as integers.
/// ALLOCATION_WEIGHTS_TOO_LARGE if the scaled sum exceeds INT64_MAX.
StatusOr<std::vector<Money>> AllocateByDecimals(
    Money const& amount, std::span<Decimal const> weights,
    AllocationMethod method = AllocationMethod::kLargestRemainder);

/// Splits `amount` into `parts` parts as equal as possible, the larger
/// ones first: Split(8.00 USD, 3) = {2.67, 2.67, 2.66}.
/// ALLOCATION_WEIGHTS_INVALID if parts < 1.
StatusOr<std::vector<Money>> Split(Money const& amount, int parts);

}  // namespace v1
}  // namespace sanbao
