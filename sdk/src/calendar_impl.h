#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
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

/// A calendar built on first use: a process that looks up three countries
/// does not build the several hundred regional calendars (start-up time and
/// memory). Thread-safe.
class LazyCalendar {
 public:
  using Builder = std::function<std::shared_ptr<Calendar::Impl const>()>;
  explicit LazyCalendar(Builder build) : build_(std::move(build)) {}

  std::shared_ptr<Calendar::Impl const> Get() const {
    std::call_once(once_, [this] {
      impl_ = build_();
      build_ = nullptr;
    });
    return impl_;
  }

 private:
  mutable Builder build_;
  mutable std::once_flag once_;
  mutable std::shared_ptr<Calendar::Impl const> impl_;
};

/// All calendars of a set of data files, by upper-case id; each is built
/// from its parsed (and validated) data when first asked for.
struct CalendarSet {
  std::map<std::string, LazyCalendar, std::less<>> calendars;
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

/// The ISO 3166-2 subdivisions of the countries that have a calendar, by
/// upper-case code with our country id ("FR-57", "UK-LND"), each mapped to
/// its parent subdivision ("FR-GES", "UK-ENG") or "" at the top level.
struct SubdivisionSet {
  std::map<std::string, std::string, std::less<>> parent;
};

/// Parses sdk/data/subdivisions/*.json. Errors: kInvalidArgument, reason
/// SUBDIVISION_DATA_INVALID, naming the file and the field.
StatusOr<std::shared_ptr<SubdivisionSet const>> LoadSubdivisions(
    std::span<const EmbeddedFile> files);

/// The subdivisions compiled into the library, loaded once on first use.
StatusOr<std::shared_ptr<SubdivisionSet const>> const& BuiltinSubdivisions();

/// The calendar for a jurisdiction code, and whether it stands in for a
/// subdivision that has none of its own.
struct CalendarMatch {
  Calendar calendar;
  /// Set when `calendar` is the national one because the code is a
  /// subdivision with no calendar of its own (nor one of a parent
  /// subdivision): the subdivision's code, viewing into `subdivisions`.
  std::string_view missing_region{};
};

/// The calendar of `code`: its own (`DE-BY`), else that of its nearest ISO
/// 3166-2 parent that has one (`ES-B` -> `ES-CT`), else the national one with
/// `missing_region` set. Errors: kNotFound (reason CALENDAR_UNKNOWN) when
/// the code's country has no calendar; kInvalidArgument (reason
/// SUBDIVISION_UNKNOWN) when the country has one but the code is no
/// subdivision of it.
StatusOr<CalendarMatch> FindCalendarForCode(CalendarSet const& calendars,
                                            SubdivisionSet const& subdivisions,
                                            std::string_view code);

/// FindCalendarForCode over the built-in data.
StatusOr<CalendarMatch> CalendarForCode(std::string_view code);

/// Whether `code` names a place: an ISO 3166-1 alpha-2 country ("UK" too,
/// ISO's reservation for GB), optionally with an ISO 3166-2 subdivision,
/// which must be one the built-in subdivision data lists when it lists that
/// country's ("DE-XX" is refused, "KE-30" is not checked). Case is ignored.
/// Errors: kInvalidArgument, reason JURISDICTION_UNKNOWN, the message
/// quoting the code without naming a field.
Status CheckJurisdictionCode(std::string_view code);

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
