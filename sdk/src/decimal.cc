#include "sanbao/decimal.h"

#include <algorithm>
#include <string>

#include "money_internal.h"

namespace sanbao {
inline namespace v1 {
namespace internal {
namespace {

constexpr std::size_t kMetadataLimit = 256;
constexpr Int128 kSaturation = Int128{1} << 66;

}  // namespace

std::string TruncateForMetadata(std::string_view text) {
  return std::string(text.substr(0, kMetadataLimit));
}

namespace {

std::string DescribeChar(std::string_view text, std::size_t pos) {
  std::string quoted = QuoteForMessage(text.substr(pos, 1));
  quoted.front() = '\'';
  quoted.back() = '\'';
  return "unexpected character " + quoted + " at position " +
         std::to_string(pos);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<DecimalText> ScanDecimal(std::string_view text,
                                       std::string* error) {
  DecimalText out;
  if (text.empty()) {
    *error = "empty string";
    return std::nullopt;
  }
  std::size_t pos = 0;
  if (text[0] == '-') {
    out.negative = true;
    pos = 1;
  }
  std::size_t int_start = pos;
  while (pos < text.size() && IsDigit(text[pos])) {
    if (out.integer_part < kSaturation) {
      out.integer_part = out.integer_part * 10 + (text[pos] - '0');
    }
    ++pos;
  }
  if (pos == int_start) {
    if (pos == text.size()) {
      *error = "no digits";
    } else if (text[pos] == '.') {
      *error = "no digit before '.'";
    } else {
      *error = DescribeChar(text, pos);
    }
    return std::nullopt;
  }
  if (pos == text.size()) return out;
  if (text[pos] != '.') {
    *error = DescribeChar(text, pos);
    return std::nullopt;
  }
  ++pos;
  std::size_t frac_start = pos;
  while (pos < text.size() && IsDigit(text[pos])) {
    if (out.fraction_digits < 20) {
      out.fraction_part = out.fraction_part * 10 + (text[pos] - '0');
    }
    ++out.fraction_digits;
    if (out.fraction_digits > 1000) out.fraction_digits = 1000;
    ++pos;
  }
  if (pos == frac_start) {
    *error =
        pos == text.size() ? "no digit after '.'" : DescribeChar(text, pos);
    return std::nullopt;
  }
  if (pos != text.size()) {
    *error = DescribeChar(text, pos);
    return std::nullopt;
  }
  return out;
}

namespace {

// DivideRounded on 64-bit operands: the common case, and much cheaper than
// a 128-bit division.
template <typename T>
T DivideRoundedImpl(T num, T den, RoundingMode mode) {
  T q = num / den;
  T r = num % den;
  if (r == 0) return q;
  T away = num < 0 ? -1 : 1;
  T twice = (r < 0 ? -r : r) * 2;
  switch (mode) {
    case RoundingMode::kDown:
      return q;
    case RoundingMode::kUp:
      return q + away;
    case RoundingMode::kFloor:
      return num < 0 ? q - 1 : q;
    case RoundingMode::kCeiling:
      return num > 0 ? q + 1 : q;
    case RoundingMode::kHalfUp:
      return twice >= den ? q + away : q;
    case RoundingMode::kHalfDown:
      return twice > den ? q + away : q;
    case RoundingMode::kHalfEven:
      if (twice > den) return q + away;
      if (twice < den) return q;
      return (q % 2 == 0) ? q : q + away;
  }
  return q;
}

}  // namespace

Int128 DivideRounded(Int128 num, Int128 den, RoundingMode mode) {
  // |num| < 2^62 and den < 2^62 keep q, r and 2|r| inside int64.
  constexpr Int128 kFast = Int128{1} << 62;
  if (num > -kFast && num < kFast && den < kFast) {
    return DivideRoundedImpl<std::int64_t>(
        static_cast<std::int64_t>(num), static_cast<std::int64_t>(den), mode);
  }
  return DivideRoundedImpl<Int128>(num, den, mode);
}
namespace {

template <typename T>
char* WriteScaled(char* p, T magnitude, int scale) {
  int digits = 0;
  do {
    *--p = static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
    ++digits;
    if (digits == scale) *--p = '.';
  } while (magnitude != 0 || digits <= scale);
  return p;
}

}  // namespace

std::string FormatScaled(bool negative, UInt128 magnitude, int scale) {
  // Filled from the end: at most 39 digits, a point, a sign.
  char buf[48];
  char* end = buf + sizeof(buf);
  char* p = magnitude <= UINT64_MAX
                ? WriteScaled(end, static_cast<std::uint64_t>(magnitude), scale)
                : WriteScaled(end, magnitude, scale);
  if (negative) *--p = '-';
  return std::string(p, end);
}

}  // namespace internal

using internal::Int128;

StatusOr<Decimal> Decimal::Parse(std::string_view text) {
  std::string why;
  auto scanned = internal::ScanDecimal(text, &why);
  // Error text is only built on the error paths.
  auto metadata = [&] {
    return std::map<std::string, std::string>{
        {"input", internal::TruncateForMetadata(text)}};
  };
  auto quoted = [&] { return internal::QuoteForMessage(text); };
  if (!scanned) {
    return InvalidArgumentError(quoted() + " is not a decimal number: " + why,
                                "DECIMAL_MALFORMED", metadata());
  }
  if (scanned->fraction_digits > kMaxScale) {
    return InvalidArgumentError(
        quoted() + " has " + std::to_string(scanned->fraction_digits) +
            " digits after the decimal point; at most " +
            std::to_string(kMaxScale) + " are supported",
        "DECIMAL_TOO_MANY_DIGITS", metadata());
  }
  Int128 mantissa =
      scanned->integer_part * internal::Pow10(scanned->fraction_digits) +
      scanned->fraction_part;
  if (scanned->negative) mantissa = -mantissa;
  if (!internal::FitsInt64(mantissa)) {
    return OutOfRangeError(
        quoted() + " does not fit a decimal of 64-bit mantissa",
        "DECIMAL_OVERFLOW", metadata());
  }
  return Decimal(static_cast<std::int64_t>(mantissa), scanned->fraction_digits);
}

StatusOr<Decimal> Decimal::FromMantissa(std::int64_t mantissa, int scale) {
  if (scale < 0 || scale > kMaxScale) {
    return InvalidArgumentError(
        "decimal scale " + std::to_string(scale) + " is outside [0, " +
            std::to_string(kMaxScale) + "]",
        "DECIMAL_TOO_MANY_DIGITS", {{"input", std::to_string(scale)}});
  }
  return Decimal(mantissa, scale);
}

std::string Decimal::ToString() const {
  bool negative = mantissa_ < 0;
  internal::UInt128 magnitude =
      negative ? static_cast<internal::UInt128>(-static_cast<Int128>(mantissa_))
               : static_cast<internal::UInt128>(mantissa_);
  return internal::FormatScaled(negative, magnitude, scale_);
}

std::strong_ordering operator<=>(Decimal const& a, Decimal const& b) noexcept {
  int scale = std::max(a.scale(), b.scale());
  Int128 x =
      static_cast<Int128>(a.mantissa()) * internal::Pow10(scale - a.scale());
  Int128 y =
      static_cast<Int128>(b.mantissa()) * internal::Pow10(scale - b.scale());
  return x < y   ? std::strong_ordering::less
         : x > y ? std::strong_ordering::greater
                 : std::strong_ordering::equal;
}

std::ostream& operator<<(std::ostream& os, Decimal const& value) {
  return os << value.ToString();
}

}  // namespace v1
}  // namespace sanbao
