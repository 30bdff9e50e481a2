#pragma once

// Counting days on a calendar the way a legal period is counted, and saying
// why in words a person can check by hand. The policy engine's explanations
// (Explain) and the `sanbao calendar` / `sanbao deadline` commands use the
// same wording, from here.

#include <string>
#include <vector>

#include "sanbao/policy/calendar.h"
#include "sanbao/status_or.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

/// Why `info`'s day is not a working day: "a public holiday (Weihnachtstag /
/// Christmas Day)", "a weekend day", "a weekend day and a public holiday
/// (...)". Empty for a working day.
std::string WhyNotWorking(DayInfo const& info);

/// Why `day` rolls forward to `rolled` on `calendar`: "2026-12-25 (Fri) is
/// a public holiday (1. Weihnachtstag / Christmas Day) in DE-BE; 2026-12-26
/// (Sat) is a weekend day and a public holiday (...); 2026-12-27 (Sun) is a
/// weekend day -> next working day 2026-12-28 (Mon)". Errors: the calendar's
/// (CALENDAR_OUT_OF_COVERAGE).
StatusOr<std::string> ExplainRollover(Calendar const& calendar, CivilDate day,
                                      CivilDate rolled);

/// The result of adding days, with the trace that explains it.
struct DayCount {
  CivilDate result{};
  CivilDate before_rollover{};
  std::vector<std::string> trace{};
};

/// Adds `days` calendar or business days to `from` on `calendar` and, when
/// `rollover` is set, moves a result that is not a working day to the next
/// working day. Day 1 is the day after `from`.
StatusOr<DayCount> CountDays(Calendar const& calendar, CivilDate from, int days,
                             bool business, bool rollover);

}  // namespace v1
}  // namespace sanbao
