#pragma once

// ISO 4217 currencies, from the table compiled into the library
// (sdk/data/iso4217.json: ISO 4217 Table A.1 as published by SIX, read from
// the datasets/currency-codes mirror; see the file's "_source").

#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string_view>

#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {

namespace internal {
/// One row of the compiled-in ISO 4217 table (sdk/src/iso4217_table.inc).
struct CurrencyData {
  char code[4];             ///< alphabetic code, NUL-terminated: "EUR"
  std::int16_t numeric;     ///< numeric code: 978
  std::int8_t minor_units;  ///< 0..4, or -1 where ISO publishes "N.A."
  bool fund;                ///< ISO "IsFund" flag (BOV, CLF, ...)
  char const* name;         ///< ISO English name, UTF-8
};
}  // namespace internal

/// An active ISO 4217 currency. Cheap to copy (one pointer into the static
/// table); two Currency values are equal when they name the same code.
/// There is no default constructor: get one from Find() or All().
class Currency {
 public:
  /// The currency with alphabetic code `code` ("EUR"). The match is exact:
  /// three upper-case ASCII letters of an active Table A.1 code. Anything
  /// else ("eur", "EURO", "BGN" after its withdrawal) is kInvalidArgument
  /// with reason CURRENCY_UNKNOWN.
  static StatusOr<Currency> Find(std::string_view code);
  /// The currency with numeric code `numeric` (978 -> EUR), or
  /// kInvalidArgument / CURRENCY_UNKNOWN.
  static StatusOr<Currency> FindByNumeric(int numeric);

  /// Every active code, sorted by alphabetic code (178 in the shipped table).
  static std::span<Currency const> All() noexcept;
  /// Where the compiled-in table comes from (source and version stamp).
  static std::string_view TableSource() noexcept;

  std::string_view code() const noexcept { return data_->code; }
  int numeric_code() const noexcept { return data_->numeric; }
  /// Digits after the decimal point (JPY 0, EUR 2, KWD 3, CLF 4), or nullopt
  /// for the units ISO gives no minor unit ("N.A.": XAU, XDR, XXX, ...).
  /// Money cannot be held in those.
  std::optional<int> minor_units() const noexcept {
    if (data_->minor_units < 0) return std::nullopt;
    return data_->minor_units;
  }
  bool is_fund() const noexcept { return data_->fund; }
  std::string_view name() const noexcept { return data_->name; }

  friend bool operator==(Currency a, Currency b) noexcept {
    return a.data_ == b.data_;
  }

 private:
  explicit constexpr Currency(internal::CurrencyData const* data) noexcept
      : data_(data) {}
  friend struct CurrencyAccess;

  internal::CurrencyData const* data_;
};

/// Writes the alphabetic code.
std::ostream& operator<<(std::ostream& os, Currency currency);

}  // namespace v1
}  // namespace sanbao
