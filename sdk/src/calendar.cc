#include <algorithm>
#include <cctype>

#include "calendar_impl.h"

namespace sanbao {
inline namespace v1 {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

std::string Upper(std::string_view text) {
  std::string out(text);
  for (auto& ch : out) {
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  return out;
}

Status OutOfCoverage(Calendar::Impl const& impl, CivilDate date) {
  auto range =
      std::to_string(impl.first_year) + "-" + std::to_string(impl.last_year);
  return OutOfRangeError("calendar " + impl.id + " has holiday data for " +
                             range + " only; " + FormatCivilDate(date) +
                             " is outside it",
                         "CALENDAR_OUT_OF_COVERAGE",
                         {{"calendar", impl.id},
                          {"date", FormatCivilDate(date)},
                          {"coverage", range}});
}

// The year table and day index of `date`, or nullptr when not covered.
CalendarYear const* Locate(Calendar::Impl const& impl, sys_days date,
                           unsigned& index) {
  CivilDate civil{date};
  int y = static_cast<int>(civil.year());
  if (y < impl.first_year || y > impl.last_year) return nullptr;
  index = static_cast<unsigned>(
      (date - sys_days{civil.year() / std::chrono::January / 1}).count());
  return &impl.years[static_cast<std::size_t>(y - impl.first_year)];
}

// Every ISO 3166-1 alpha-2 code, sorted, from Debian iso-codes 4.15.0
// (data/iso_3166-1.json, https://salsa.debian.org/iso-codes-team/iso-codes),
// 249 codes.
constexpr std::string_view kIso3166Countries =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI "
    "BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN "
    "CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK "
    "FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM "
    "HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK "
    "ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP "
    "NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW "
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF "
    "TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW";

bool IsIso3166Country(std::string_view code) {
  if (code.size() != 2) return false;
  for (std::size_t i = 0; i < kIso3166Countries.size(); i += 3) {
    if (kIso3166Countries.substr(i, 2) == code) return true;
  }
  return false;
}

bool IsCodeChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

namespace internal {

Status CheckJurisdictionCode(std::string_view code) {
  auto unknown = [&](std::string why) {
    return Status(ErrorCode::kInvalidArgument,
                  QuoteForMessage(code) + " " + std::move(why),
                  ErrorInfo{.reason = "JURISDICTION_UNKNOWN",
                            .metadata = {{"code", std::string(code)}},
                            .http_status = 400});
  };
  std::string key = Upper(code);
  auto dash = key.find('-');
  std::string country = key.substr(0, dash);
  // "UK" is ISO's exceptional reservation for GB; the data says UK.
  if (!IsIso3166Country(country == "UK" ? "GB" : country)) {
    return unknown(
        "is not an ISO 3166 country code (e.g. DE) or subdivision (e.g. "
        "US-CA)");
  }
  if (dash == std::string::npos) return {};
  std::string_view region = std::string_view(key).substr(dash + 1);
  bool well_formed = !region.empty() && region.size() <= 3 &&
                     std::all_of(region.begin(), region.end(), IsCodeChar);
  auto const& subdivisions = BuiltinSubdivisions();
  if (!subdivisions) return subdivisions.status();
  auto const& parent = (*subdivisions)->parent;
  // Only the countries whose subdivisions the data lists can be checked.
  auto prefix = (country == "GB" ? std::string("UK") : country) + "-";
  auto listed = parent.lower_bound(prefix);
  bool country_listed =
      listed != parent.end() && listed->first.starts_with(prefix);
  // A region with a calendar of its own is a place too (FR-6AE, the
  // Collectivité européenne d'Alsace, is newer than the subdivision list).
  auto const& calendars = BuiltinCalendars();
  bool has_calendar =
      calendars &&
      (*calendars)->calendars.contains(prefix + std::string(region));
  if (!well_formed || (country_listed && !has_calendar &&
                       !parent.contains(prefix + std::string(region)))) {
    return unknown("is not an ISO 3166-2 subdivision of " + country);
  }
  return {};
}

StatusOr<Calendar> FindCalendar(CalendarSet const& set, std::string_view id) {
  auto key = Upper(id);
  if (key == "GB" || key.starts_with("GB-")) key.replace(0, 2, "UK");
  auto it = set.calendars.find(key);
  if (it != set.calendars.end()) return Calendar(it->second.Get());
  // Suggest the calendars of the same country, if there are any.
  auto country = key.substr(0, key.find('-'));
  std::string suggestions;
  for (auto const& [known, unused] : set.calendars) {
    if (known == country || known.starts_with(country + "-")) {
      suggestions += (suggestions.empty() ? "" : ", ") + known;
    }
  }
  return Status(
      ErrorCode::kNotFound,
      "unknown calendar " + QuoteForMessage(id) +
          (suggestions.empty() ? std::string(" (see `sanbao calendar list`)")
                               : "; known for " + country + ": " + suggestions),
      ErrorInfo{.reason = "CALENDAR_UNKNOWN",
                .metadata = {{"calendar", std::string(id)}},
                .http_status = 404});
}

StatusOr<CalendarMatch> FindCalendarForCode(CalendarSet const& calendars,
                                            SubdivisionSet const& subdivisions,
                                            std::string_view code) {
  auto key = Upper(code);
  if (key == "GB" || key.starts_with("GB-")) key.replace(0, 2, "UK");
  if (calendars.calendars.contains(key))
    return CalendarMatch{*FindCalendar(calendars, key)};
  auto dash = key.find('-');
  auto country = key.substr(0, dash);
  auto national = calendars.calendars.find(country);
  if (dash == std::string::npos || national == calendars.calendars.end()) {
    return FindCalendar(calendars, code).status();
  }
  auto sub = subdivisions.parent.find(key);
  if (sub == subdivisions.parent.end()) {
    return Status(ErrorCode::kInvalidArgument,
                  QuoteForMessage(code) +
                      " is not an ISO 3166-2 subdivision of " + country,
                  ErrorInfo{.reason = "SUBDIVISION_UNKNOWN",
                            .metadata = {{"code", std::string(code)}},
                            .http_status = 400});
  }
  // The nearest parent subdivision with a calendar of its own.
  for (auto parent = sub->second; !parent.empty();) {
    if (calendars.calendars.contains(parent))
      return CalendarMatch{*FindCalendar(calendars, parent)};
    auto up = subdivisions.parent.find(parent);
    parent = up == subdivisions.parent.end() ? std::string() : up->second;
  }
  return CalendarMatch{*FindCalendar(calendars, country), sub->first};
}

StatusOr<CalendarMatch> CalendarForCode(std::string_view code) {
  auto const& calendars = BuiltinCalendars();
  if (!calendars) return calendars.status();
  auto const& subdivisions = BuiltinSubdivisions();
  if (!subdivisions) return subdivisions.status();
  return FindCalendarForCode(**calendars, **subdivisions, code);
}

}  // namespace internal

StatusOr<Calendar> Calendar::Find(std::string_view id) {
  auto const& set = internal::BuiltinCalendars();
  if (!set) return set.status();
  return internal::FindCalendar(**set, id);
}

std::vector<std::string> Calendar::Ids() {
  std::vector<std::string> ids;
  auto const& set = internal::BuiltinCalendars();
  if (!set) return ids;
  for (auto const& [id, unused] : (*set)->calendars) ids.push_back(id);
  return ids;
}

std::string const& Calendar::id() const { return impl_->id; }
std::string const& Calendar::name() const { return impl_->name; }
std::string const& Calendar::notes() const { return impl_->notes; }
std::chrono::year Calendar::first_year() const {
  return std::chrono::year{impl_->first_year};
}
std::chrono::year Calendar::last_year() const {
  return std::chrono::year{impl_->last_year};
}

bool Calendar::Covers(CivilDate date) const {
  int y = static_cast<int>(date.year());
  return date.ok() && y >= impl_->first_year && y <= impl_->last_year;
}

std::vector<std::chrono::weekday> Calendar::Weekend(
    std::chrono::year year) const {
  std::vector<std::chrono::weekday> out;
  int y =
      std::clamp(static_cast<int>(year), impl_->first_year, impl_->last_year);
  auto mask = impl_->years[static_cast<std::size_t>(y - impl_->first_year)]
                  .weekend_mask;
  for (unsigned i = 1; i <= 7; ++i) {  // Monday first
    std::chrono::weekday wd{i % 7};
    if ((mask >> wd.c_encoding()) & 1U) out.push_back(wd);
  }
  return out;
}

std::vector<CalendarSource> Calendar::Sources() const { return impl_->sources; }

StatusOr<std::vector<Holiday>> Calendar::Holidays(
    std::chrono::year year) const {
  int y = static_cast<int>(year);
  if (!year.ok() || y < impl_->first_year || y > impl_->last_year) {
    return OutOfCoverage(*impl_, year / std::chrono::January / 1);
  }
  return impl_->years[static_cast<std::size_t>(y - impl_->first_year)].holidays;
}

StatusOr<bool> Calendar::IsHoliday(CivilDate date) const {
  unsigned i = 0;
  auto const* year = Locate(*impl_, sys_days{date}, i);
  if (year == nullptr) return OutOfCoverage(*impl_, date);
  return CalendarYear::Test(year->holiday, i);
}

StatusOr<bool> Calendar::IsWorkingDay(CivilDate date) const {
  unsigned i = 0;
  auto const* year = Locate(*impl_, sys_days{date}, i);
  if (year == nullptr) return OutOfCoverage(*impl_, date);
  return !CalendarYear::Test(year->nonworking, i);
}

StatusOr<DayInfo> Calendar::Describe(CivilDate date) const {
  unsigned i = 0;
  auto const* year = Locate(*impl_, sys_days{date}, i);
  if (year == nullptr) return OutOfCoverage(*impl_, date);
  DayInfo info;
  info.date = date;
  info.working_day = !CalendarYear::Test(year->nonworking, i);
  info.weekend = ((year->weekend_mask >>
                   std::chrono::weekday{sys_days{date}}.c_encoding()) &
                  1U) != 0;
  info.make_up_working_day = CalendarYear::Test(year->make_up, i);
  for (auto const& h : year->holidays) {
    if (h.date == date) info.holidays.push_back(h);
  }
  return info;
}

CivilDate Calendar::AddDays(CivilDate date, int n) {
  return CivilDate{sys_days{date} + days{n}};
}

StatusOr<CivilDate> Calendar::AddBusinessDays(CivilDate date, int n) const {
  sys_days d{date};
  days const step{n < 0 ? -1 : 1};
  int remaining = n < 0 ? -n : n;
  unsigned i = 0;
  CalendarYear const* year = nullptr;
  int year_number = 0;
  while (remaining > 0) {
    d += step;
    CivilDate civil{d};
    if (year == nullptr || static_cast<int>(civil.year()) != year_number) {
      year = Locate(*impl_, d, i);
      if (year == nullptr) return OutOfCoverage(*impl_, civil);
      year_number = static_cast<int>(civil.year());
    } else {
      i = static_cast<unsigned>(static_cast<int>(i) +
                                static_cast<int>(step.count()));
    }
    if (!CalendarYear::Test(year->nonworking, i)) --remaining;
  }
  return CivilDate{d};
}

StatusOr<CivilDate> Calendar::NextWorkingDay(CivilDate date) const {
  return AddBusinessDays(date, 1);
}

StatusOr<CivilDate> Calendar::RollForward(CivilDate date) const {
  auto working = IsWorkingDay(date);
  if (!working) return std::move(working).status();
  if (*working) return date;
  return NextWorkingDay(date);
}

}  // namespace v1
}  // namespace sanbao
