#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "embedded_files.h"
#include "sanbao/policy/calendar.h"

namespace sanbao {
inline namespace v1 {

/// One year of a calendar: bitsets indexed by day of year (0 = Jan 1).
struct CalendarYear {
  using Bits = std::array<std::uint64_t, 6>;  // 384 bits >= 366 days
  Bits holiday{};
  Bits make_up{};                 // weekend days declared working days
  Bits nonworking{};              // (weekend and not make_up) or holiday
  std::uint8_t weekend_mask = 0;  // bit i = weekday with c_encoding() i
  std::vector<Holiday> holidays;  // sorted by date

  static bool Test(Bits const& bits, unsigned day) {
    return (bits[day / 64] >> (day % 64)) & 1U;
  }
  static void Set(Bits& bits, unsigned day) {
    bits[day / 64] |= std::uint64_t{1} << (day % 64);
  }
};

struct Calendar::Impl {
  std::string id;
  std::string name;
  std::string notes;
  int first_year = 0;
  int last_year = -1;
  std::vector<CalendarSource> sources;
  std::vector<CalendarYear> years;  // index: year - first_year
};

namespace internal {

/// All calendars built from a set of data files, by upper-case id.
struct CalendarSet {
  std::map<std::string, std::shared_ptr<Calendar::Impl const>, std::less<>>
      calendars;
};

/// Parses, validates and builds every calendar in `files`. Errors:
/// kInvalidArgument, reason HOLIDAY_DATA_INVALID, with the file and the
/// field path in the message and in metadata ("file", "field").
StatusOr<std::shared_ptr<CalendarSet const>> LoadCalendars(
    std::span<const EmbeddedFile> files);

/// The calendars compiled into the library, loaded once on first use.
StatusOr<std::shared_ptr<CalendarSet const>> const& BuiltinCalendars();

/// Finds `id` in `set` (used by Calendar::Find and by tests of custom data).
StatusOr<Calendar> FindCalendar(CalendarSet const& set, std::string_view id);

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
