#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/status_or.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

class Calendar;
namespace internal {
struct CalendarSet;
StatusOr<Calendar> FindCalendar(CalendarSet const& set, std::string_view id);
}  // namespace internal

/// A public holiday on a given date.
struct Holiday {
  CivilDate date{};
  std::string name{};  ///< in the local language: "Tag der Deutschen Einheit"
  std::string name_en{};  ///< in English, when the data has it
  bool observed = false;  ///< a substitute day for a holiday on a rest day
  bool regional = false;  ///< applies in this region only, not nationwide
  std::string source{};   ///< key of the legal source in the calendar's data

  friend bool operator==(Holiday const&, Holiday const&) = default;
};

/// A legal source a calendar's data cites.
struct CalendarSource {
  std::string id{};
  std::string title{};
  std::string where{};
};

/// Why a date is, or is not, a working day.
struct DayInfo {
  CivilDate date{};
  bool working_day = false;
  bool weekend = false;  ///< a rest day of the week in this calendar
  bool make_up_working_day = false;  ///< a weekend day declared a working day
  std::vector<Holiday> holidays{};   ///< empty when none
};

/// The public holidays and rest days of a country or one of its regions
/// ("DE", "DE-BE", "US-CA"), with the arithmetic that deadlines need.
///
/// Calendars are built from the data in sdk/data/holidays (compiled into the
/// library), are immutable, cheap to copy and safe to share between threads.
/// Each covers a range of years for which its data is complete; asking about
/// a date outside it is an error (kOutOfRange, reason
/// CALENDAR_OUT_OF_COVERAGE), never a guess.
class Calendar {
 public:
  /// Looks up a calendar by id, case-insensitively; "GB" is accepted for
  /// "UK". Errors: kNotFound, reason CALENDAR_UNKNOWN (the message lists
  /// close matches); kInternal, reason HOLIDAY_DATA_INVALID, if the compiled
  /// data failed validation.
  static StatusOr<Calendar> Find(std::string_view id);

  /// Every calendar id, sorted.
  static std::vector<std::string> Ids();

  std::string const& id() const;
  /// "Germany" or "Germany / Berlin".
  std::string const& name() const;
  std::chrono::year first_year() const;
  std::chrono::year last_year() const;
  bool Covers(CivilDate date) const;
  /// The rest days of the week in force in `year` (usually Sat and Sun).
  std::vector<std::chrono::weekday> Weekend(std::chrono::year year) const;
  /// The sources the calendar's data cites.
  std::vector<CalendarSource> Sources() const;
  /// Free-text notes of the data file (e.g. which years are provisional).
  std::string const& notes() const;

  /// The public holidays of `year`, by date (observed days included).
  StatusOr<std::vector<Holiday>> Holidays(std::chrono::year year) const;

  StatusOr<bool> IsHoliday(CivilDate date) const;
  /// Not a weekend day (unless declared a make-up working day) and not a
  /// public holiday.
  StatusOr<bool> IsWorkingDay(CivilDate date) const;
  /// Everything known about `date`.
  StatusOr<DayInfo> Describe(CivilDate date) const;

  /// `date` plus `days` calendar days (negative goes back). Needs no
  /// coverage, so it cannot fail.
  static CivilDate AddDays(CivilDate date, int days);

  /// The `business_days`-th working day after `date` (before it, if
  /// negative); `date` itself is returned for 0.
  StatusOr<CivilDate> AddBusinessDays(CivilDate date, int business_days) const;

  /// The first working day strictly after `date`.
  StatusOr<CivilDate> NextWorkingDay(CivilDate date) const;

  /// `date` if it is a working day, else the next working day: the
  /// roll-over of a deadline that ends on a rest day.
  StatusOr<CivilDate> RollForward(CivilDate date) const;

  struct Impl;

 private:
  friend StatusOr<Calendar> internal::FindCalendar(
      internal::CalendarSet const& set, std::string_view id);
  explicit Calendar(std::shared_ptr<Impl const> impl)
      : impl_(std::move(impl)) {}
  std::shared_ptr<Impl const> impl_{};
};

}  // namespace v1
}  // namespace sanbao
