// Money benchmarks: parse, format, allocate over 5 weights, multiply by a
// decimal ratio with rounding.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "sanbao/money.h"

namespace {

using sanbao::AllocationMethod;
using sanbao::Currency;
using sanbao::Decimal;
using sanbao::Money;
using sanbao::RoundingMode;

std::vector<std::int64_t> RandomMinorUnits(std::size_t n) {
  std::mt19937_64 rng(42);
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < n; ++i) {
    // Everyday amounts up to 10^7 major units, a quarter of them negative.
    auto v = static_cast<std::int64_t>(rng() % 1000000000);
    out.push_back(rng() % 4 == 0 ? -v : v);
  }
  return out;
}

std::vector<std::string> RandomAmountTexts(Currency currency, std::size_t n) {
  std::vector<std::string> out;
  for (std::int64_t v : RandomMinorUnits(n)) {
    out.push_back(Money::FromMinorUnits(v, currency)->ToString());
  }
  return out;
}

void BM_MoneyParse(benchmark::State& state) {
  Currency eur = *Currency::Find("EUR");
  auto texts = RandomAmountTexts(eur, 1024);
  std::size_t i = 0;
  for (auto _ : state) {
    auto m = Money::Parse(texts[i++ & 1023], eur);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_MoneyParse);

void BM_MoneyParseWithCodeLookup(benchmark::State& state) {
  auto texts = RandomAmountTexts(*Currency::Find("EUR"), 1024);
  std::size_t i = 0;
  for (auto _ : state) {
    auto m = Money::Parse(texts[i++ & 1023], "EUR");
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_MoneyParseWithCodeLookup);

void BM_MoneyParseError(benchmark::State& state) {
  Currency eur = *Currency::Find("EUR");
  for (auto _ : state) {
    auto m = Money::Parse("84.900", eur);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_MoneyParseError);

void BM_MoneyFormat(benchmark::State& state) {
  Currency eur = *Currency::Find("EUR");
  std::vector<Money> amounts;
  for (std::int64_t v : RandomMinorUnits(1024)) {
    amounts.push_back(*Money::FromMinorUnits(v, eur));
  }
  std::size_t i = 0;
  for (auto _ : state) {
    std::string s = amounts[i++ & 1023].ToString();
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_MoneyFormat);

void BM_MoneyAllocate5(benchmark::State& state) {
  auto method = static_cast<AllocationMethod>(state.range(0));
  Currency eur = *Currency::Find("EUR");
  std::vector<Money> amounts;
  for (std::int64_t v : RandomMinorUnits(1024)) {
    amounts.push_back(*Money::FromMinorUnits(v, eur));
  }
  std::vector<std::int64_t> weights = {5997, 4500, 1999, 1, 300};
  std::size_t i = 0;
  for (auto _ : state) {
    auto parts = sanbao::Allocate(amounts[i++ & 1023], weights, method);
    benchmark::DoNotOptimize(parts);
  }
  state.SetLabel(std::string(sanbao::AllocationMethodName(method)));
}
BENCHMARK(BM_MoneyAllocate5)
    ->Arg(static_cast<int>(AllocationMethod::kLargestRemainder))
    ->Arg(static_cast<int>(AllocationMethod::kSequential))
    ->Arg(static_cast<int>(AllocationMethod::kLargestWeightFirst));

void BM_MoneyMultiplyRounded(benchmark::State& state) {
  Currency eur = *Currency::Find("EUR");
  std::vector<Money> amounts;
  for (std::int64_t v : RandomMinorUnits(1024)) {
    amounts.push_back(*Money::FromMinorUnits(v, eur));
  }
  Decimal rate = *Decimal::Parse("1.0856");
  std::size_t i = 0;
  for (auto _ : state) {
    auto m = amounts[i++ & 1023].Multiply(rate, RoundingMode::kHalfEven);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_MoneyMultiplyRounded);

void BM_DecimalParse(benchmark::State& state) {
  for (auto _ : state) {
    auto d = Decimal::Parse("1.0856");
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_DecimalParse);

}  // namespace
