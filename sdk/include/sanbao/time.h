#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {

/// A date on the civil calendar, with no time zone: what the law counts in.
using CivilDate = std::chrono::year_month_day;

/// A point in time, UTC, second precision.
using Instant = std::chrono::sys_seconds;

/// The dates Sanbao reads and computes: 1900-01-01 to 9999-12-31. A date or
/// instant outside is refused where it is read (DATE_OUT_OF_RANGE,
/// INSTANT_OUT_OF_RANGE), and a count or decision that would leave the range
/// fails (DATE_OUT_OF_RANGE) rather than print a five-digit or negative year.
inline constexpr CivilDate kFirstCivilDate{
    std::chrono::year{1900}, std::chrono::January, std::chrono::day{1}};
inline constexpr CivilDate kLastCivilDate{
    std::chrono::year{9999}, std::chrono::December, std::chrono::day{31}};
/// Whether `date` is a real date from kFirstCivilDate to kLastCivilDate.
bool InCivilDateRange(CivilDate date);

/// Parses "2026-12-23" strictly (four-digit year, two-digit month and day, a
/// real date). Errors: kInvalidArgument, reason DATE_INVALID, or
/// DATE_OUT_OF_RANGE before 1900-01-01.
StatusOr<CivilDate> ParseCivilDate(std::string_view text);

/// "2026-12-23".
std::string FormatCivilDate(CivilDate date);

/// "Mon" ... "Sun".
std::string_view WeekdayShortName(std::chrono::weekday weekday);
/// "Monday" ... "Sunday".
std::string_view WeekdayName(std::chrono::weekday weekday);

/// "2026-12-23 (Wed)".
std::string FormatCivilDateWithWeekday(CivilDate date);

/// Parses an RFC 3339 timestamp: "2026-12-23T10:15:00Z",
/// "2026-12-23T11:15:00+01:00", fractional seconds are truncated. A date or
/// time without an offset is rejected, because it names no instant.
/// Errors: kInvalidArgument, reason INSTANT_INVALID, or INSTANT_OUT_OF_RANGE
/// when the date written or the UTC date is outside 1900-01-01..9999-12-31.
StatusOr<Instant> ParseInstant(std::string_view text);

/// "2026-12-23T10:15:00Z".
std::string FormatInstant(Instant instant);

/// An IANA time zone from the system's tz database ("Europe/Berlin").
/// Cheap to copy; thread-safe.
class TimeZone {
 public:
  /// Errors: kNotFound, reason TIME_ZONE_UNKNOWN, for a name the tz
  /// database does not have (the message names it). Only IANA names are
  /// found: not "localtime" (the host's own zone, different on every
  /// machine), "posixrules", "Factory" or the posix/ and right/ copies.
  static StatusOr<TimeZone> Find(std::string_view iana_name);

  std::string_view name() const;

  /// The civil date in this zone at `instant`.
  CivilDate LocalDate(Instant instant) const;

  /// The offset from UTC in effect at `instant` (DST included).
  std::chrono::seconds UtcOffset(Instant instant) const;

  /// The first instant of `date` in this zone (local midnight, or the first
  /// instant after a DST gap that swallows midnight).
  Instant StartOfDay(CivilDate date) const;

  /// The last instant of `date` in this zone (the second before the next
  /// day starts): "24:00 local" of a deadline.
  Instant EndOfDay(CivilDate date) const;

 private:
  explicit TimeZone(void const* zone) : zone_(zone) {}
  void const* zone_;  // the tz database's zone; lives for the process
};

/// Shorthand for TimeZone::Find(zone) then LocalDate(instant).
StatusOr<CivilDate> LocalDate(Instant instant, std::string_view iana_zone);

/// The IANA zone of a buyer known only by country (ISO 3166-1 alpha-2, "UK"
/// and "GB" alike) and, for countries spanning several zones, region ("CA"
/// in the US): the capital's or most populous zone, from the tz database's
/// zone1970.tab (https://data.iana.org/time-zones/tzdb/). Empty when the
/// country is not listed.
std::string_view DefaultTimeZone(std::string_view country,
                                 std::string_view region = {});

}  // namespace v1
}  // namespace sanbao
