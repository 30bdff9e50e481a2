#include "sanbao/policy/day_count.h"

namespace sanbao {
inline namespace v1 {

std::string WhyNotWorking(DayInfo const& info) {
  std::string names;
  for (auto const& h : info.holidays) {
    names += names.empty() ? "" : "; ";
    names += h.name;
    if (!h.name_en.empty() && h.name_en != h.name) names += " / " + h.name_en;
  }
  std::string why = names.empty() ? "" : "a public holiday (" + names + ")";
  if (info.weekend && !info.make_up_working_day) {
    why = why.empty() ? "a weekend day" : "a weekend day and " + why;
  }
  return why;
}

StatusOr<std::string> ExplainRollover(Calendar const& calendar, CivilDate day,
                                      CivilDate rolled) {
  std::string line;
  for (auto d = day; d != rolled; d = Calendar::AddDays(d, 1)) {
    auto info = calendar.Describe(d);
    if (!info) return std::move(info).status();
    line += (line.empty() ? "" : "; ") + FormatCivilDateWithWeekday(d) +
            " is " + WhyNotWorking(*info);
    if (d == day) line += " in " + calendar.id();
  }
  return line + " -> next working day " + FormatCivilDateWithWeekday(rolled);
}

namespace {

// A count that leaves the dates Sanbao handles fails rather than print a
// five-digit or negative year.
Status OutOfDateRange(CivilDate from, int days) {
  return OutOfRangeError(
      std::to_string(days) + " days from " + FormatCivilDate(from) +
          " fall outside the dates Sanbao handles, 1900-01-01 to 9999-12-31",
      "DATE_OUT_OF_RANGE",
      {{"from", FormatCivilDate(from)}, {"days", std::to_string(days)}});
}

}  // namespace

StatusOr<DayCount> CountDays(Calendar const& calendar, CivilDate from, int days,
                             bool business, bool rollover) {
  if (!InCivilDateRange(from)) return OutOfDateRange(from, days);
  if (!InCivilDateRange(Calendar::AddDays(from, days))) {
    return OutOfDateRange(from, days);
  }
  DayCount out;
  out.trace.push_back("Start: " + FormatCivilDateWithWeekday(from) +
                      "; day 1 is the next day");
  if (business) {
    auto result = calendar.AddBusinessDays(from, days);
    if (!result) return std::move(result).status();
    // Name every day that was skipped, so the count can be checked by hand.
    auto step = days < 0 ? -1 : 1;
    for (auto d = Calendar::AddDays(from, step); d != *result;
         d = Calendar::AddDays(d, step)) {
      auto info = calendar.Describe(d);
      if (!info) return std::move(info).status();
      if (!info->working_day) {
        out.trace.push_back("Skipped " + FormatCivilDateWithWeekday(d) + ": " +
                            WhyNotWorking(*info));
      } else if (info->make_up_working_day) {
        out.trace.push_back("Counted " + FormatCivilDateWithWeekday(d) +
                            ": a weekend day declared a working day");
      }
    }
    out.trace.push_back("Business day " + std::to_string(days) + " in " +
                        calendar.id() + " = " +
                        FormatCivilDateWithWeekday(*result));
    out.result = out.before_rollover = *result;
    return out;
  }
  auto day_n = Calendar::AddDays(from, days);
  out.before_rollover = out.result = day_n;
  out.trace.push_back("Day " + std::to_string(days) + " = " +
                      FormatCivilDateWithWeekday(day_n));
  if (!rollover) {
    out.trace.push_back("No roll-over: the period ends on day " +
                        std::to_string(days) + " whatever day it is");
    return out;
  }
  auto info = calendar.Describe(day_n);
  if (!info) return std::move(info).status();
  if (info->working_day) {
    out.trace.push_back(FormatCivilDateWithWeekday(day_n) +
                        " is a working day in " + calendar.id() +
                        ": no roll-over");
    return out;
  }
  auto rolled = calendar.RollForward(day_n);
  if (!rolled) return std::move(rolled).status();
  if (!InCivilDateRange(*rolled)) return OutOfDateRange(from, days);
  auto line = ExplainRollover(calendar, day_n, *rolled);
  if (!line) return std::move(line).status();
  out.trace.push_back(*std::move(line));
  out.result = *rolled;
  return out;
}

}  // namespace v1
}  // namespace sanbao
