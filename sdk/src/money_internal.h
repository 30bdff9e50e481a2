#pragma once

// Shared by currency.cc, decimal.cc and money.cc: exact decimal text
// scanning and 128-bit rounding. Private to the library.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sanbao/money.h"

namespace sanbao {
inline namespace v1 {
namespace internal {

// __extension__ keeps -Wpedantic quiet about the GCC/Clang 128-bit types.
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

namespace pow10_detail {
constexpr auto MakeTable() {
  struct Table {
    Int128 value[39];
  } table{};
  table.value[0] = 1;
  for (int i = 1; i < 39; ++i) table.value[i] = table.value[i - 1] * 10;
  return table;
}
inline constexpr auto kTable = MakeTable();
}  // namespace pow10_detail

/// 10^n for n in [0, 38].
constexpr Int128 Pow10(int n) { return pow10_detail::kTable.value[n]; }

constexpr Int128 kInt64Max = INT64_MAX;
constexpr Int128 kInt64Min = INT64_MIN;

constexpr bool FitsInt64(Int128 v) { return v >= kInt64Min && v <= kInt64Max; }

using ::sanbao::v1::QuoteForMessage;  // sanbao/status.h
/// `text` cut after 256 bytes, for error metadata.
std::string TruncateForMetadata(std::string_view text);

/// A plain decimal string split into its parts: -?[0-9]+(\.[0-9]+)?
struct DecimalText {
  bool negative = false;
  /// Value of the integer digits, saturated just above 2^64 (enough to
  /// detect int64 overflow whatever the scale).
  Int128 integer_part = 0;
  /// Value of the fraction digits; only meaningful when fraction_digits
  /// is at most 19.
  Int128 fraction_part = 0;
  int fraction_digits = 0;
};

/// Scans `text`; on failure returns nullopt and sets `*error` to a phrase
/// such as "unexpected character 'e' at position 1".
std::optional<DecimalText> ScanDecimal(std::string_view text,
                                       std::string* error);

/// num / den rounded to an integer with `mode`; den > 0.
Int128 DivideRounded(Int128 num, Int128 den, RoundingMode mode);

/// The decimal text of |magnitude| / 10^scale with exactly `scale`
/// decimals, with a leading '-' when `negative`.
std::string FormatScaled(bool negative, UInt128 magnitude, int scale);

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
