// Civil time and calendar benchmarks: instant -> local date, is-holiday,
// add business days.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "sanbao/policy/calendar.h"
#include "sanbao/time.h"

namespace {

using sanbao::Calendar;
using sanbao::CivilDate;

std::vector<CivilDate> RandomDates(std::size_t n) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> dist(0, 365 * 15);
  std::vector<CivilDate> out;
  auto start = std::chrono::sys_days{CivilDate{
      std::chrono::year{2020}, std::chrono::January, std::chrono::day{1}}};
  for (std::size_t i = 0; i < n; ++i) {
    out.emplace_back(start + std::chrono::days{dist(rng)});
  }
  return out;
}

void BM_InstantToLocalDate(benchmark::State& state) {
  auto zone = *sanbao::TimeZone::Find("Europe/Berlin");
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::int64_t> dist(1577836800, 2082758399);
  std::vector<sanbao::Instant> instants;
  for (int i = 0; i < 4096; ++i) {
    instants.emplace_back(std::chrono::seconds{dist(rng)});
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(zone.LocalDate(instants[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InstantToLocalDate);

void BM_IsHoliday(benchmark::State& state) {
  auto calendar = *Calendar::Find("DE-BY");
  auto dates = RandomDates(4096);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(calendar.IsHoliday(dates[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IsHoliday);

void BM_AddBusinessDays(benchmark::State& state) {
  auto calendar = *Calendar::Find("DE-BE");
  auto dates = RandomDates(4096);
  int const n = static_cast<int>(state.range(0));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(calendar.AddBusinessDays(dates[i++ & 4095], n));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddBusinessDays)->Arg(10)->Arg(30);

void BM_FindCalendar(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(Calendar::Find("DE-BY"));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FindCalendar);

}  // namespace
