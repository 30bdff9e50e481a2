// Uses the installed headers and library: a deadline on the Berlin calendar.
#include <cstdlib>
#include <iostream>

#include "sanbao/policy/calendar.h"
#include "sanbao/status_or.h"
#include "sanbao/time.h"

int main() {
  auto calendar = sanbao::Calendar::Find("DE-BE");
  auto from = sanbao::ParseCivilDate("2026-12-11");
  if (!calendar || !from) {
    std::cerr << (calendar ? from.status() : calendar.status()) << "\n";
    return EXIT_FAILURE;
  }
  auto due = calendar->RollForward(sanbao::Calendar::AddDays(*from, 14));
  if (!due) {
    std::cerr << due.status() << "\n";
    return EXIT_FAILURE;
  }
  std::cout << "DE-BE: " << sanbao::FormatCivilDateWithWeekday(*from)
            << " + 14 days, rolled over: "
            << sanbao::FormatCivilDateWithWeekday(*due) << "\n";
  // 2026-12-25 is Christmas Day; the next working day is Monday the 28th.
  return sanbao::FormatCivilDate(*due) == "2026-12-28" ? EXIT_SUCCESS
                                                       : EXIT_FAILURE;
}
