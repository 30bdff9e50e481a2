#pragma once

#include <string>
#include <vector>

#include "sanbao/policy/calendar.h"

namespace sanbao::cli {

/// "public holiday (Weihnachtstag / Christmas Day)", "weekend", ... — why a
/// day is not a working day in `calendar`.
std::string WhyNotWorking(DayInfo const& info);

/// The result of adding days, with the trace that explains it.
struct DayCount {
  CivilDate result;
  CivilDate before_rollover;
  std::vector<std::string> trace;
};

/// Adds `days` calendar or business days to `from` on `calendar` and, when
/// `rollover` is set, moves a result that is not a working day to the next
/// working day. Day 1 is the day after `from`.
StatusOr<DayCount> CountDays(Calendar const& calendar, CivilDate from, int days,
                             bool business, bool rollover);

}  // namespace sanbao::cli
