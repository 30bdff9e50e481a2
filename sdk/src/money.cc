#include "sanbao/money.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <string>
#include <utility>

#include "money_internal.h"

namespace sanbao {
inline namespace v1 {

using internal::FitsInt64;
using internal::Int128;
using internal::Pow10;

struct MoneyAccess {
  static Money Make(std::int64_t minor_units, Currency currency) {
    return Money(minor_units, currency);
  }
};

namespace {

using Metadata = std::map<std::string, std::string>;

Status NoMinorUnits(Currency currency) {
  return InvalidArgumentError(
      "currency " + std::string(currency.code()) +
          " has no minor unit in ISO 4217 (\"N.A.\"); money cannot be held "
          "in it",
      "CURRENCY_NO_MINOR_UNITS", {{"currency", std::string(currency.code())}});
}

Status Mismatch(std::string_view op, Money const& a, Money const& b) {
  return InvalidArgumentError(
      std::string("cannot ") + std::string(op) + " " + b.ToStringWithCode() +
          " and " + a.ToStringWithCode() + ": currencies differ",
      "CURRENCY_MISMATCH",
      {{"currency", std::string(a.currency().code())},
       {"other_currency", std::string(b.currency().code())}});
}

Status Overflow(std::string what, Currency currency) {
  return OutOfRangeError(what + " overflows the int64 range of minor units",
                         "MONEY_OVERFLOW",
                         {{"currency", std::string(currency.code())}});
}

// `what` describes the operation for the error message; it is only called
// on overflow.
template <typename Describe>
StatusOr<Money> Checked(Int128 value, Currency currency, Describe what) {
  if (!FitsInt64(value)) return Overflow(what(), currency);
  return MoneyAccess::Make(static_cast<std::int64_t>(value), currency);
}

}  // namespace

std::string_view RoundingModeName(RoundingMode mode) noexcept {
  switch (mode) {
    case RoundingMode::kHalfEven:
      return "HALF_EVEN";
    case RoundingMode::kHalfUp:
      return "HALF_UP";
    case RoundingMode::kHalfDown:
      return "HALF_DOWN";
    case RoundingMode::kDown:
      return "DOWN";
    case RoundingMode::kUp:
      return "UP";
    case RoundingMode::kFloor:
      return "FLOOR";
    case RoundingMode::kCeiling:
      return "CEILING";
  }
  return "UNKNOWN";
}

std::string_view AllocationMethodName(AllocationMethod method) noexcept {
  switch (method) {
    case AllocationMethod::kLargestRemainder:
      return "LARGEST_REMAINDER";
    case AllocationMethod::kSequential:
      return "SEQUENTIAL";
    case AllocationMethod::kLargestWeightFirst:
      return "LARGEST_WEIGHT_FIRST";
  }
  return "UNKNOWN";
}

StatusOr<Money> Money::Parse(std::string_view amount, Currency currency) {
  std::optional<int> units = currency.minor_units();
  if (!units) return NoMinorUnits(currency);
  // Error text is only built on the error paths.
  auto code = [&] { return std::string(currency.code()); };
  auto quoted = [&] { return internal::QuoteForMessage(amount); };
  auto metadata = [&] {
    return Metadata{{"input", internal::TruncateForMetadata(amount)},
                    {"currency", code()}};
  };
  std::string why;
  auto scanned = internal::ScanDecimal(amount, &why);
  if (!scanned) {
    return InvalidArgumentError(
        quoted() + " is not a " + code() + " amount: " + why +
            " (expected digits with an optional '-' and '.', e.g. \"-84.90\")",
        "MONEY_MALFORMED", metadata());
  }
  if (scanned->fraction_digits > *units) {
    return InvalidArgumentError(
        quoted() + " has " + std::to_string(scanned->fraction_digits) +
            " decimals but " + code() + " has " + std::to_string(*units) +
            " minor-unit digits",
        "MONEY_TOO_MANY_DECIMALS", metadata());
  }
  Int128 minor =
      scanned->integer_part * Pow10(*units) +
      scanned->fraction_part * Pow10(*units - scanned->fraction_digits);
  if (scanned->negative) minor = -minor;
  if (!FitsInt64(minor)) {
    return OutOfRangeError(
        quoted() + " " + code() + " overflows the int64 range of minor units",
        "MONEY_OVERFLOW", metadata());
  }
  return Money(static_cast<std::int64_t>(minor), currency);
}

StatusOr<Money> Money::Parse(std::string_view amount,
                             std::string_view currency_code) {
  auto currency = Currency::Find(currency_code);
  if (!currency.ok()) return currency.status();
  return Parse(amount, *currency);
}

StatusOr<Money> Money::FromMinorUnits(std::int64_t minor_units,
                                      Currency currency) {
  if (!currency.minor_units()) return NoMinorUnits(currency);
  return Money(minor_units, currency);
}

StatusOr<Money> Money::FromMinorUnits(std::int64_t minor_units,
                                      std::string_view currency_code) {
  auto currency = Currency::Find(currency_code);
  if (!currency.ok()) return currency.status();
  return FromMinorUnits(minor_units, *currency);
}

std::string Money::ToString() const {
  bool negative = minor_units_ < 0;
  auto magnitude = static_cast<internal::UInt128>(
      negative ? -static_cast<Int128>(minor_units_)
               : static_cast<Int128>(minor_units_));
  return internal::FormatScaled(negative, magnitude, scale());
}

std::string Money::ToStringWithCode() const {
  std::string out = ToString();
  out += ' ';
  out += currency_.code();
  return out;
}

Decimal Money::ToDecimal() const noexcept {
  return *Decimal::FromMantissa(minor_units_, scale());
}

StatusOr<Money> Money::Add(Money const& other) const {
  if (currency_ != other.currency_) return Mismatch("add", *this, other);
  return Checked(Int128{minor_units_} + other.minor_units_, currency_,
                 [&] { return ToStringWithCode() + " + " + other.ToString(); });
}

StatusOr<Money> Money::Subtract(Money const& other) const {
  if (currency_ != other.currency_) return Mismatch("subtract", *this, other);
  return Checked(Int128{minor_units_} - other.minor_units_, currency_,
                 [&] { return ToStringWithCode() + " - " + other.ToString(); });
}

StatusOr<Money> Money::Negate() const {
  return Checked(-Int128{minor_units_}, currency_,
                 [&] { return "-(" + ToStringWithCode() + ")"; });
}

StatusOr<Money> Money::Multiply(std::int64_t factor) const {
  return Checked(Int128{minor_units_} * factor, currency_, [&] {
    return ToStringWithCode() + " * " + std::to_string(factor);
  });
}

StatusOr<Money> Money::Multiply(Decimal const& ratio, RoundingMode mode) const {
  Int128 product = Int128{minor_units_} * ratio.mantissa();
  Int128 rounded = internal::DivideRounded(product, Pow10(ratio.scale()), mode);
  return Checked(rounded, currency_,
                 [&] { return ToStringWithCode() + " * " + ratio.ToString(); });
}

StatusOr<int> Money::Compare(Money const& other) const {
  if (currency_ != other.currency_) return Mismatch("compare", *this, other);
  return minor_units_ < other.minor_units_   ? -1
         : minor_units_ > other.minor_units_ ? 1
                                             : 0;
}

std::ostream& operator<<(std::ostream& os, Money const& money) {
  return os << money.ToStringWithCode();
}

namespace {

Status InvalidWeights(std::string message, Metadata metadata = {}) {
  return InvalidArgumentError(std::move(message), "ALLOCATION_WEIGHTS_INVALID",
                              std::move(metadata));
}

Status WeightsTooLarge() {
  return OutOfRangeError("allocation weights sum to more than INT64_MAX",
                         "ALLOCATION_WEIGHTS_TOO_LARGE");
}

// `weights` are validated: non-negative, at least one positive, and
// `total` (their sum) <= INT64_MAX.
std::vector<Money> AllocateValidated(Money const& amount,
                                     std::span<std::int64_t const> weights,
                                     Int128 total, AllocationMethod method) {
  std::size_t n = weights.size();
  bool negative = amount.is_negative();
  Int128 whole = amount.minor_units();
  if (negative) whole = -whole;  // at most 2^63

  // Truncated (= floored, whole >= 0) shares and their remainders. Every
  // product is below 2^63 * 2^63 = 2^126.
  std::vector<Int128> shares(n);
  std::vector<Int128> remainders(n);
  Int128 given = 0;
  auto const whole64 = static_cast<std::uint64_t>(whole);
  auto const total64 = static_cast<std::uint64_t>(total);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t product64;
    if (!__builtin_mul_overflow(whole64, static_cast<std::uint64_t>(weights[i]),
                                &product64)) {
      // The common case, without a 128-bit division.
      shares[i] = product64 / total64;
      remainders[i] = product64 % total64;
    } else {
      Int128 product = whole * weights[i];
      shares[i] = product / total;
      remainders[i] = product % total;
    }
    given += shares[i];
  }
  // Leftover < number of parts with a non-zero remainder <= n.
  auto leftover = static_cast<std::size_t>(whole - given);

  if (leftover > 0) {
    std::vector<std::size_t> order;
    order.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (weights[i] > 0) order.push_back(i);
    }
    switch (method) {
      case AllocationMethod::kLargestRemainder:
        // Largest remainder first; ties to the lower index.
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) {
                           return remainders[a] > remainders[b];
                         });
        break;
      case AllocationMethod::kSequential:
        break;  // argument order
      case AllocationMethod::kLargestWeightFirst:
        // Largest weight first; ties to the lower index.
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) {
                           return weights[a] > weights[b];
                         });
        break;
    }
    for (std::size_t k = 0; k < leftover; ++k) shares[order[k]] += 1;
  }

  std::vector<Money> parts;
  parts.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    Int128 v = negative ? -shares[i] : shares[i];
    parts.push_back(
        MoneyAccess::Make(static_cast<std::int64_t>(v), amount.currency()));
  }
  return parts;
}

}  // namespace

StatusOr<std::vector<Money>> Allocate(Money const& amount,
                                      std::span<std::int64_t const> weights,
                                      AllocationMethod method) {
  if (weights.empty()) return InvalidWeights("no allocation weights");
  Int128 total = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] < 0) {
      return InvalidWeights("allocation weight [" + std::to_string(i) +
                                "] is negative (" + std::to_string(weights[i]) +
                                ")",
                            {{"index", std::to_string(i)},
                             {"input", std::to_string(weights[i])}});
    }
    total += weights[i];
  }
  if (total == 0) return InvalidWeights("all allocation weights are zero");
  if (total > internal::kInt64Max) return WeightsTooLarge();
  return AllocateValidated(amount, weights, total, method);
}

StatusOr<std::vector<Money>> AllocateByDecimals(
    Money const& amount, std::span<Decimal const> weights,
    AllocationMethod method) {
  if (weights.empty()) return InvalidWeights("no allocation weights");
  int scale = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i].mantissa() < 0) {
      return InvalidWeights(
          "allocation weight [" + std::to_string(i) + "] is negative (" +
              weights[i].ToString() + ")",
          {{"index", std::to_string(i)}, {"input", weights[i].ToString()}});
    }
    scale = std::max(scale, weights[i].scale());
  }
  std::vector<std::int64_t> scaled(weights.size());
  Int128 total = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    Int128 w =
        Int128{weights[i].mantissa()} * Pow10(scale - weights[i].scale());
    if (w > internal::kInt64Max) return WeightsTooLarge();
    scaled[i] = static_cast<std::int64_t>(w);
    total += w;
  }
  if (total == 0) return InvalidWeights("all allocation weights are zero");
  if (total > internal::kInt64Max) return WeightsTooLarge();
  return AllocateValidated(amount, scaled, total, method);
}

StatusOr<std::vector<Money>> Split(Money const& amount, int parts) {
  if (parts < 1) {
    return InvalidWeights(
        "cannot split into " + std::to_string(parts) + " parts",
        {{"input", std::to_string(parts)}});
  }
  std::vector<std::int64_t> weights(static_cast<std::size_t>(parts), 1);
  return Allocate(amount, weights, AllocationMethod::kLargestRemainder);
}

// Looked up once: default-constructed Money is common (every optional
// amount of a parsed body starts as one).
Money::Money() noexcept
    : minor_units_(0), currency_([] {
        static Currency const kNone = *Currency::Find("XXX");
        return kNone;
      }()) {}

}  // namespace v1
}  // namespace sanbao
