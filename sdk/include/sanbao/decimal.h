#pragma once

// An exact decimal number for rates, ratios and weights: an int64 mantissa
// and a power-of-ten scale, value = mantissa / 10^scale. "1.0856" is
// {10856, 4}; "0.19" is {19, 2}. Never binary floating point.

#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {

class Decimal {
 public:
  /// The largest scale (digits after the point): 18, so 10^scale fits in
  /// int64 and products with int64 amounts fit in 128 bits.
  static constexpr int kMaxScale = 18;

  /// Zero.
  constexpr Decimal() noexcept = default;
  /// An integer (scale 0).
  constexpr explicit Decimal(std::int64_t integer) noexcept
      : mantissa_(integer) {}

  /// Parses a plain decimal string: an optional '-', one or more ASCII
  /// digits, and optionally '.' followed by one or more digits
  /// ("1.0856", "-0.19", "19"). Trailing zeros are kept in the scale
  /// ("1.50" is {150, 2}). No '+', spaces, exponents, separators, "NaN" or
  /// "Infinity". Errors (kInvalidArgument unless noted):
  ///   DECIMAL_MALFORMED        not of the form above
  ///   DECIMAL_TOO_MANY_DIGITS  more than kMaxScale digits after the point
  ///   DECIMAL_OVERFLOW         mantissa outside int64 (kOutOfRange)
  static StatusOr<Decimal> Parse(std::string_view text);
  /// mantissa / 10^scale; scale in [0, kMaxScale] or DECIMAL_TOO_MANY_DIGITS.
  static StatusOr<Decimal> FromMantissa(std::int64_t mantissa, int scale);

  constexpr std::int64_t mantissa() const noexcept { return mantissa_; }
  constexpr int scale() const noexcept { return scale_; }

  /// Exact text with the stored scale: {150, 2} -> "1.50", {-5, 3} ->
  /// "-0.005". Parse(x.ToString()) reproduces x exactly.
  std::string ToString() const;

  /// Numeric comparison: 1.5 == 1.50.
  friend bool operator==(Decimal const& a, Decimal const& b) noexcept {
    return (a <=> b) == 0;
  }
  friend std::strong_ordering operator<=>(Decimal const& a,
                                          Decimal const& b) noexcept;

 private:
  constexpr Decimal(std::int64_t mantissa, int scale) noexcept
      : mantissa_(mantissa), scale_(scale) {}

  std::int64_t mantissa_ = 0;
  int scale_ = 0;
};

std::ostream& operator<<(std::ostream& os, Decimal const& value);

}  // namespace v1
}  // namespace sanbao
