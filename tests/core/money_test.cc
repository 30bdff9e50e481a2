#include "sanbao/money.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "sanbao/currency.h"
#include "sanbao/decimal.h"

namespace sanbao {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

Currency Cur(std::string_view code) { return Currency::Find(code).value(); }
Money M(std::string_view amount, std::string_view code) {
  return Money::Parse(amount, code).value();
}
Money Minor(std::int64_t minor, std::string_view code) {
  return Money::FromMinorUnits(minor, code).value();
}
Decimal D(std::string_view text) { return Decimal::Parse(text).value(); }

// ---------------------------------------------------------------- Currency

TEST(MoneyCurrency, FindsActiveCodes) {
  EXPECT_EQ(Cur("EUR").minor_units(), 2);
  EXPECT_EQ(Cur("EUR").numeric_code(), 978);
  EXPECT_EQ(Cur("JPY").minor_units(), 0);
  EXPECT_EQ(Cur("KWD").minor_units(), 3);
  EXPECT_EQ(Cur("BHD").minor_units(), 3);
  EXPECT_EQ(Cur("CLF").minor_units(), 4);
  EXPECT_TRUE(Cur("CLF").is_fund());
  EXPECT_EQ(Cur("UYW").minor_units(), 4);
  EXPECT_EQ(Cur("XAU").minor_units(), std::nullopt);
  EXPECT_EQ(Cur("USD").name(), "US Dollar");
  EXPECT_EQ(Currency::FindByNumeric(392)->code(), "JPY");
  EXPECT_EQ(Cur("EUR"), Currency::FindByNumeric(978).value());
  EXPECT_NE(Cur("EUR"), Cur("USD"));
}

TEST(MoneyCurrency, UnknownCodes) {
  for (std::string_view code :
       {"", "eur", "EURO", "EU", "XYZ", "BGN", "HRK", " EUR", "E\x01R"}) {
    auto c = Currency::Find(code);
    ASSERT_FALSE(c.ok()) << code;
    EXPECT_EQ(c.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(c.status().reason(), "CURRENCY_UNKNOWN");
  }
  EXPECT_THAT(Currency::Find("eur").status().message(), HasSubstr("\"eur\""));
  EXPECT_EQ(Currency::FindByNumeric(0).status().reason(), "CURRENCY_UNKNOWN");
}

TEST(MoneyCurrency, NoMinorUnitsCannotHoldMoney) {
  auto m = Money::Parse("1", "XAU");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().reason(), "CURRENCY_NO_MINOR_UNITS");
  EXPECT_EQ(Money::FromMinorUnits(1, "XXX").status().reason(),
            "CURRENCY_NO_MINOR_UNITS");
}

// ------------------------------------------------------- Parse and format

struct RoundTrip {
  std::string_view text;
  std::string_view code;
  std::int64_t minor;
};

TEST(MoneyParse, RoundTrips) {
  const RoundTrip cases[] = {
      {"84.90", "EUR", 8490},
      {"-5.00", "EUR", -500},
      {"0.01", "EUR", 1},
      {"-0.01", "EUR", -1},
      {"0.00", "EUR", 0},
      {"1000", "JPY", 1000},
      {"-1000", "JPY", -1000},
      {"0", "JPY", 0},
      {"1.234", "KWD", 1234},
      {"-0.005", "KWD", -5},
      {"12.345", "BHD", 12345},
      {"1.0000", "CLF", 10000},
      {"0.0001", "CLF", 1},
      {"-37.1234", "UYW", -371234},
      {"92233720368547758.07", "EUR", kMax},
      {"-92233720368547758.08", "EUR", kMin},
      {"9223372036854775807", "JPY", kMax},
      {"-9223372036854775808", "JPY", kMin},
      {"922337203685477.5807", "CLF", kMax},
  };
  for (auto const& c : cases) {
    auto m = Money::Parse(c.text, c.code);
    ASSERT_TRUE(m.ok()) << c.text << " " << m.status();
    EXPECT_EQ(m->minor_units(), c.minor) << c.text;
    EXPECT_EQ(m->currency().code(), c.code);
    EXPECT_EQ(m->ToString(), c.text);
    EXPECT_EQ(Money::Parse(m->ToString(), m->currency()).value(), *m);
  }
}

TEST(MoneyParse, FewerDecimalsArePadded) {
  EXPECT_EQ(M("84.9", "EUR").minor_units(), 8490);
  EXPECT_EQ(M("5", "EUR").minor_units(), 500);
  EXPECT_EQ(M("1.2", "KWD").minor_units(), 1200);
  EXPECT_EQ(M("007.50", "EUR").minor_units(), 750);
  EXPECT_EQ(M("-0", "EUR").minor_units(), 0);
  EXPECT_EQ(M("-0", "EUR").ToString(), "0.00");
  EXPECT_EQ(M("84.9", "EUR").ToString(), "84.90");
  EXPECT_EQ(M("1", "CLF").ToString(), "1.0000");
}

TEST(MoneyParse, MalformedInputs) {
  for (std::string_view text :
       {"",     "1.2.3", "NaN",  "nan",   "Infinity",     "-Infinity",
        "1e5",  "1E5",   " 1",   "1 ",    "+1",           "+-1",
        "-+1",  "--1",   "-",    "1,00",  "1,000.00",     ".5",
        "5.",   "-.5",   "0x10", "1_000", "\xEF\xBC\x91", "1\n",
        "1.0.", "\t1",   "12a",  "١"}) {
    auto m = Money::Parse(text, "EUR");
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_EQ(m.status().code(), ErrorCode::kInvalidArgument) << text;
    EXPECT_EQ(m.status().reason(), "MONEY_MALFORMED") << text;
    EXPECT_EQ(m.status().error_info().metadata.at("input"), text);
    EXPECT_EQ(m.status().error_info().metadata.at("currency"), "EUR");
  }
}

TEST(MoneyParse, MessagesNameTheInput) {
  EXPECT_EQ(Money::Parse("1.2.3", "EUR").status().message(),
            "\"1.2.3\" is not a EUR amount: unexpected character '.' at "
            "position 3 (expected digits with an optional '-' and '.', e.g. "
            "\"-84.90\")");
  EXPECT_THAT(Money::Parse("", "EUR").status().message(),
              HasSubstr("\"\" is not a EUR amount: empty string"));
  EXPECT_THAT(Money::Parse(" 1", "EUR").status().message(),
              HasSubstr("unexpected character ' ' at position 0"));
  EXPECT_THAT(Money::Parse("1\n", "EUR").status().message(),
              HasSubstr("\"1\\x0A\""));
  EXPECT_THAT(Money::Parse("5.", "EUR").status().message(),
              HasSubstr("no digit after '.'"));
  EXPECT_THAT(Money::Parse(".5", "EUR").status().message(),
              HasSubstr("no digit before '.'"));
  std::string huge(1000, '9');
  huge += "x";
  auto s = Money::Parse(huge, "EUR").status();
  EXPECT_LT(s.message().size(), 200u);
  EXPECT_THAT(s.message(), HasSubstr("...\""));
}

TEST(MoneyParse, TooManyDecimals) {
  const std::tuple<std::string_view, std::string_view> cases[] = {
      {"84.901", "EUR"}, {"84.900", "EUR"},
      {"1000.0", "JPY"}, {"1.5", "JPY"},
      {"1.2345", "KWD"}, {"0.00001", "CLF"},
      {"-5.001", "EUR"}, {"1.00000000000000000000000001", "EUR"}};
  for (auto const& [text, code] : cases) {
    auto m = Money::Parse(text, code);
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_EQ(m.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(m.status().reason(), "MONEY_TOO_MANY_DECIMALS") << text;
  }
  EXPECT_EQ(Money::Parse("84.900", "EUR").status().message(),
            "\"84.900\" has 3 decimals but EUR has 2 minor-unit digits");
}

TEST(MoneyParse, UnknownCurrency) {
  auto m = Money::Parse("1.00", "EURO");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.status().reason(), "CURRENCY_UNKNOWN");
  EXPECT_THAT(m.status().message(), HasSubstr("\"EURO\""));
}

TEST(MoneyParse, Overflow) {
  for (auto [text, code] :
       std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"92233720368547758.08", "EUR"},
           {"-92233720368547758.09", "EUR"},
           {"9223372036854775808", "JPY"},
           {"-9223372036854775809", "JPY"},
           {"922337203685477.5808", "CLF"},
           {"99999999999999999999999999999999999999999999", "JPY"},
           {"99999999999999999999999999999999999999999.99", "EUR"}}) {
    auto m = Money::Parse(text, code);
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_EQ(m.status().code(), ErrorCode::kOutOfRange) << text;
    EXPECT_EQ(m.status().reason(), "MONEY_OVERFLOW") << text;
    EXPECT_THAT(m.status().message(), HasSubstr(text));
  }
}

TEST(MoneyFormat, StreamsWithCode) {
  std::ostringstream os;
  os << M("84.90", "EUR") << " " << Cur("JPY");
  EXPECT_EQ(os.str(), "84.90 EUR JPY");
  EXPECT_EQ(M("-1.234", "KWD").ToStringWithCode(), "-1.234 KWD");
  EXPECT_EQ(M("-1.234", "KWD").ToDecimal(), D("-1.234"));
  EXPECT_EQ(M("-1.234", "KWD").ToDecimal().scale(), 3);
}

// --------------------------------------------------------------- Decimal

TEST(MoneyDecimal, ParsesExactly) {
  EXPECT_EQ(D("1.0856").mantissa(), 10856);
  EXPECT_EQ(D("1.0856").scale(), 4);
  EXPECT_EQ(D("0.19").mantissa(), 19);
  EXPECT_EQ(D("-0.19").mantissa(), -19);
  EXPECT_EQ(D("1.50").ToString(), "1.50");
  EXPECT_EQ(D("1.50"), D("1.5"));
  EXPECT_LT(D("1.49"), D("1.5"));
  EXPECT_GT(D("-1.49"), D("-1.5"));
  EXPECT_EQ(D("0.000000000000000001").ToString(), "0.000000000000000001");
  EXPECT_EQ(D("9223372036854775807").mantissa(), kMax);
  EXPECT_EQ(D("-9.223372036854775808").mantissa(), kMin);
  EXPECT_EQ(Decimal(42).ToString(), "42");
  EXPECT_EQ(Decimal::FromMantissa(-5, 3)->ToString(), "-0.005");
  EXPECT_EQ(Decimal::FromMantissa(1, 19).status().reason(),
            "DECIMAL_TOO_MANY_DIGITS");
}

TEST(MoneyDecimal, RejectsBadInput) {
  for (std::string_view text : {"", "NaN", "1e5", " 1", "+1", "1,5", "1.2.3"}) {
    auto d = Decimal::Parse(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().reason(), "DECIMAL_MALFORMED") << text;
  }
  EXPECT_EQ(Decimal::Parse("0.0000000000000000001").status().reason(),
            "DECIMAL_TOO_MANY_DIGITS");
  EXPECT_EQ(Decimal::Parse("9223372036854775808").status().reason(),
            "DECIMAL_OVERFLOW");
  EXPECT_EQ(Decimal::Parse("9223372036854775808").status().code(),
            ErrorCode::kOutOfRange);
  EXPECT_EQ(Decimal::Parse("-9.223372036854775809").status().reason(),
            "DECIMAL_OVERFLOW");
}

// ------------------------------------------------------------ Arithmetic

TEST(MoneyArithmetic, AddSubtractNegate) {
  EXPECT_EQ(M("84.90", "EUR").Add(M("0.10", "EUR")).value(), M("85.00", "EUR"));
  EXPECT_EQ(M("84.90", "EUR").Subtract(M("100", "EUR")).value(),
            M("-15.10", "EUR"));
  EXPECT_EQ(M("1.234", "KWD").Negate().value(), M("-1.234", "KWD"));
  EXPECT_EQ(M("1000", "JPY").Multiply(3).value(), M("3000", "JPY"));
}

TEST(MoneyArithmetic, OverflowIsAnError) {
  Money max = Minor(kMax, "EUR");
  Money min = Minor(kMin, "EUR");
  Money one = Minor(1, "EUR");
  EXPECT_EQ(max.Add(one).status().reason(), "MONEY_OVERFLOW");
  EXPECT_EQ(max.Add(one).status().code(), ErrorCode::kOutOfRange);
  EXPECT_THAT(max.Add(one).status().message(),
              HasSubstr("92233720368547758.07 EUR + 0.01"));
  EXPECT_EQ(min.Subtract(one).status().reason(), "MONEY_OVERFLOW");
  EXPECT_EQ(min.Negate().status().reason(), "MONEY_OVERFLOW");
  EXPECT_EQ(max.Negate()->minor_units(), -kMax);
  EXPECT_EQ(max.Add(Minor(0, "EUR")).value(), max);
  EXPECT_EQ(min.Add(max)->minor_units(), -1);
  EXPECT_EQ(max.Subtract(max)->minor_units(), 0);
  EXPECT_EQ(max.Multiply(2).status().reason(), "MONEY_OVERFLOW");
  EXPECT_EQ(min.Multiply(-1).status().reason(), "MONEY_OVERFLOW");
  EXPECT_EQ(max.Multiply(-1)->minor_units(), -kMax);
  EXPECT_EQ(
      max.Multiply(D("1.0000000001"), RoundingMode::kDown).status().reason(),
      "MONEY_OVERFLOW");
  EXPECT_EQ(max.Multiply(D("0.5"), RoundingMode::kHalfUp)->minor_units(),
            kMax / 2 + 1);
  EXPECT_EQ(min.Multiply(D("-1"), RoundingMode::kDown).status().reason(),
            "MONEY_OVERFLOW");
  // The 128-bit intermediate holds INT64_MAX * INT64_MAX.
  EXPECT_EQ(max.Multiply(D("9.223372036854775807"), RoundingMode::kDown)
                .status()
                .reason(),
            "MONEY_OVERFLOW");
  EXPECT_EQ(Minor(1, "EUR")
                .Multiply(D("922337203685477580.7"), RoundingMode::kDown)
                ->minor_units(),
            922337203685477580);
}

TEST(MoneyArithmetic, MixedCurrenciesAreErrors) {
  Money eur = M("1.00", "EUR");
  Money usd = M("1.00", "USD");
  for (auto const& s : {eur.Add(usd).status(), eur.Subtract(usd).status(),
                        eur.Compare(usd).status()}) {
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.reason(), "CURRENCY_MISMATCH");
    EXPECT_EQ(s.error_info().metadata.at("currency"), "EUR");
    EXPECT_EQ(s.error_info().metadata.at("other_currency"), "USD");
  }
  EXPECT_THAT(eur.Add(usd).status().message(),
              HasSubstr("cannot add 1.00 USD and 1.00 EUR"));
  EXPECT_FALSE(eur == usd);
  EXPECT_TRUE(eur == M("1", "EUR"));
}

TEST(MoneyArithmetic, Compare) {
  EXPECT_EQ(M("1.00", "EUR").Compare(M("2.00", "EUR")).value(), -1);
  EXPECT_EQ(M("2.00", "EUR").Compare(M("2.00", "EUR")).value(), 0);
  EXPECT_EQ(M("-2.00", "EUR").Compare(M("-3.00", "EUR")).value(), 1);
}

// -------------------------------------------------------------- Rounding

// value (in tenths of a minor unit) -> expected result per mode, in the
// order kHalfEven, kHalfUp, kHalfDown, kDown, kUp, kFloor, kCeiling.
struct RoundingRow {
  std::string_view ratio;  // multiplies 1 minor unit
  std::int64_t expected[7];
};

TEST(MoneyRounding, ModeTable) {
  constexpr RoundingMode kModes[] = {
      RoundingMode::kHalfEven, RoundingMode::kHalfUp, RoundingMode::kHalfDown,
      RoundingMode::kDown,     RoundingMode::kUp,     RoundingMode::kFloor,
      RoundingMode::kCeiling};
  const RoundingRow rows[] = {
      // HalfEven HalfUp HalfDown Down Up Floor Ceiling
      {"2.5", {2, 3, 2, 2, 3, 2, 3}},
      {"3.5", {4, 4, 3, 3, 4, 3, 4}},
      {"-2.5", {-2, -3, -2, -2, -3, -3, -2}},
      {"-3.5", {-4, -4, -3, -3, -4, -4, -3}},
      {"2.4", {2, 2, 2, 2, 3, 2, 3}},
      {"2.6", {3, 3, 3, 2, 3, 2, 3}},
      {"-2.4", {-2, -2, -2, -2, -3, -3, -2}},
      {"-2.6", {-3, -3, -3, -2, -3, -3, -2}},
      {"2.0", {2, 2, 2, 2, 2, 2, 2}},
      {"-2", {-2, -2, -2, -2, -2, -2, -2}},
      {"0.5", {0, 1, 0, 0, 1, 0, 1}},
      {"-0.5", {0, -1, 0, 0, -1, -1, 0}},
      {"0.000000000000000001", {0, 0, 0, 0, 1, 0, 1}},
      {"2.500000000000000001", {3, 3, 3, 2, 3, 2, 3}},
      {"-2.499999999999999999", {-2, -2, -2, -2, -3, -3, -2}},
  };
  for (auto const& row : rows) {
    for (int i = 0; i < 7; ++i) {
      auto r = Minor(1, "JPY").Multiply(D(row.ratio), kModes[i]);
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(r->minor_units(), row.expected[i])
          << row.ratio << " " << RoundingModeName(kModes[i]);
    }
  }
}

TEST(MoneyRounding, WideProductsUseTheSameRules) {
  // Products beyond 2^62 take the 128-bit path; the rules must not change.
  constexpr std::int64_t kHalf = kMax / 2;  // kMax * 0.5 = kHalf + 0.5
  Decimal half = D("0.5");
  Money max = Minor(kMax, "JPY");
  Money neg = Minor(-kMax, "JPY");
  EXPECT_EQ(max.Multiply(half, RoundingMode::kHalfEven)->minor_units(),
            kHalf + 1);  // kHalf is odd
  EXPECT_EQ(max.Multiply(half, RoundingMode::kHalfDown)->minor_units(), kHalf);
  EXPECT_EQ(max.Multiply(half, RoundingMode::kDown)->minor_units(), kHalf);
  EXPECT_EQ(neg.Multiply(half, RoundingMode::kHalfEven)->minor_units(),
            -kHalf - 1);
  EXPECT_EQ(neg.Multiply(half, RoundingMode::kHalfUp)->minor_units(),
            -kHalf - 1);
  EXPECT_EQ(neg.Multiply(half, RoundingMode::kFloor)->minor_units(),
            -kHalf - 1);
  EXPECT_EQ(neg.Multiply(half, RoundingMode::kCeiling)->minor_units(), -kHalf);
  EXPECT_EQ(neg.Multiply(half, RoundingMode::kUp)->minor_units(), -kHalf - 1);
}

TEST(MoneyRounding, RealisticProducts) {
  // 84.90 EUR * 0.19 = 16.131 EUR.
  EXPECT_EQ(
      M("84.90", "EUR").Multiply(D("0.19"), RoundingMode::kHalfUp)->ToString(),
      "16.13");
  // 24.785 -> 24.79 under EU Regulation 1103/97 Art. 5 (half up); the
  // example is from evro.si, "Rounding rules",
  // http://evro.si/en/info-for-consumers/rounding-rules/index.html.
  EXPECT_EQ(
      M("247.85", "EUR").Multiply(D("0.1"), RoundingMode::kHalfUp)->ToString(),
      "24.79");
  EXPECT_EQ(M("247.85", "EUR")
                .Multiply(D("0.1"), RoundingMode::kHalfEven)
                ->ToString(),
            "24.78");
  EXPECT_EQ(M("100", "JPY")
                .Multiply(D("1.0856"), RoundingMode::kHalfEven)
                ->ToString(),
            "109");
  EXPECT_EQ(
      M("1.000", "KWD").Multiply(D("0.3333"), RoundingMode::kUp)->ToString(),
      "0.334");
  EXPECT_EQ(M("-10.00", "EUR")
                .Multiply(D("0.125"), RoundingMode::kHalfEven)
                ->ToString(),
            "-1.25");
  EXPECT_EQ(M("-0.10", "EUR")
                .Multiply(D("0.125"), RoundingMode::kHalfEven)
                ->ToString(),
            "-0.01");  // -1.25 cents -> -1
  EXPECT_EQ(
      M("-0.10", "EUR").Multiply(D("0.125"), RoundingMode::kFloor)->ToString(),
      "-0.02");
}

TEST(MoneyRounding, Names) {
  EXPECT_EQ(RoundingModeName(RoundingMode::kHalfEven), "HALF_EVEN");
  EXPECT_EQ(RoundingModeName(RoundingMode::kCeiling), "CEILING");
  EXPECT_EQ(AllocationMethodName(AllocationMethod::kLargestWeightFirst),
            "LARGEST_WEIGHT_FIRST");
}

}  // namespace
}  // namespace sanbao
