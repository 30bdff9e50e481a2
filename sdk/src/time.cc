#include "sanbao/time.h"

#include <date/tz.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <exception>
#include <fstream>
#include <set>
#include <sstream>

namespace sanbao {
inline namespace v1 {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

bool ParseDigits(std::string_view text, std::size_t pos, std::size_t count,
                 int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

// "YYYY-MM-DD" at the start of `text`.
bool ParseDatePart(std::string_view text, CivilDate& out) {
  int y = 0, m = 0, d = 0;
  if (text.size() < 10 || !ParseDigits(text, 0, 4, y) || text[4] != '-' ||
      !ParseDigits(text, 5, 2, m) || text[7] != '-' ||
      !ParseDigits(text, 8, 2, d)) {
    return false;
  }
  CivilDate date{std::chrono::year{y},
                 std::chrono::month{static_cast<unsigned>(m)},
                 std::chrono::day{static_cast<unsigned>(d)}};
  if (!date.ok()) return false;
  out = date;
  return true;
}

date::time_zone const* Zone(void const* p) {
  return static_cast<date::time_zone const*>(p);
}

date::sys_seconds ToDate(Instant instant) {
  return date::sys_seconds{instant.time_since_epoch()};
}

Instant FromDate(date::sys_seconds t) { return Instant{t.time_since_epoch()}; }

}  // namespace

bool InCivilDateRange(CivilDate date) {
  return date.ok() && sys_days{date} >= sys_days{kFirstCivilDate} &&
         sys_days{date} <= sys_days{kLastCivilDate};
}

namespace {

constexpr std::string_view kDateRange = "1900-01-01 to 9999-12-31";

}  // namespace

StatusOr<CivilDate> ParseCivilDate(std::string_view text) {
  CivilDate date;
  if (text.size() != 10 || !ParseDatePart(text, date)) {
    // append(): GCC 12 at -O2 reports a false -Wrestrict for
    // operator+(char const*, std::string&&) (GCC bug 105329).
    return InvalidArgumentError(
        QuoteForMessage(text).append(" is not a date (expected YYYY-MM-DD)"),
        "DATE_INVALID", {{"value", std::string(text)}});
  }
  if (!InCivilDateRange(date)) {
    return InvalidArgumentError(
        QuoteForMessage(text)
            .append(" is outside the dates Sanbao reads, ")
            .append(kDateRange),
        "DATE_OUT_OF_RANGE", {{"value", std::string(text)}});
  }
  return date;
}

std::string FormatCivilDate(CivilDate date) {
  std::array<char, 16> buf{};
  std::snprintf(
      buf.data(), buf.size(), "%04d-%02u-%02u", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf.data();
}

std::string_view WeekdayShortName(std::chrono::weekday weekday) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  return kNames[weekday.c_encoding() % 7];
}

std::string_view WeekdayName(std::chrono::weekday weekday) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "Sunday",   "Monday", "Tuesday", "Wednesday",
      "Thursday", "Friday", "Saturday"};
  return kNames[weekday.c_encoding() % 7];
}

std::string FormatCivilDateWithWeekday(CivilDate date) {
  return FormatCivilDate(date) + " (" +
         std::string(WeekdayShortName(std::chrono::weekday{sys_days{date}})) +
         ")";
}

StatusOr<Instant> ParseInstant(std::string_view text) {
  auto bad = [&] {
    return InvalidArgumentError(
        QuoteForMessage(text).append(
            " is not an RFC 3339 timestamp (expected e.g. "
            "2026-12-23T10:15:00Z or 2026-12-23T11:15:00+01:00)"),
        "INSTANT_INVALID", {{"value", std::string(text)}});
  };
  CivilDate date;
  int hh = 0, mm = 0, ss = 0;
  if (!ParseDatePart(text, date) || text.size() < 20 ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      !ParseDigits(text, 11, 2, hh) || text[13] != ':' ||
      !ParseDigits(text, 14, 2, mm) || text[16] != ':' ||
      !ParseDigits(text, 17, 2, ss)) {
    return bad();
  }
  // RFC 3339 allows a leap second (60); we fold it into the next second.
  if (hh > 23 || mm > 59 || ss > 60) return bad();
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
      ++digits;
    }
    if (digits == 0) return bad();
  }
  if (pos >= text.size()) return bad();
  int offset_seconds = 0;
  char z = text[pos];
  if (z == 'Z' || z == 'z') {
    if (pos + 1 != text.size()) return bad();
  } else if (z == '+' || z == '-') {
    int oh = 0, om = 0;
    if (text.size() != pos + 6 || !ParseDigits(text, pos + 1, 2, oh) ||
        text[pos + 3] != ':' || !ParseDigits(text, pos + 4, 2, om) || oh > 23 ||
        om > 59) {
      return bad();
    }
    offset_seconds = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
  } else {
    return bad();
  }
  auto local = std::chrono::sys_seconds{sys_days{date}} +
               std::chrono::hours{hh} + std::chrono::minutes{mm} +
               std::chrono::seconds{ss};
  Instant instant{local - std::chrono::seconds{offset_seconds}};
  // Both the written date and the UTC one, so that the instant prints.
  if (!InCivilDateRange(date) ||
      !InCivilDateRange(CivilDate{std::chrono::floor<days>(instant)})) {
    return InvalidArgumentError(
        QuoteForMessage(text)
            .append(" is outside the instants Sanbao reads, ")
            .append("1900-01-01T00:00:00Z to 9999-12-31T23:59:59Z"),
        "INSTANT_OUT_OF_RANGE", {{"value", std::string(text)}});
  }
  return instant;
}

std::string FormatInstant(Instant instant) {
  auto day = std::chrono::floor<days>(instant);
  CivilDate date{day};
  std::chrono::hh_mm_ss<std::chrono::seconds> tod{instant - day};
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), "T%02d:%02d:%02dZ",
                static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()));
  return FormatCivilDate(date) + buf.data();
}

namespace {

// The names the IANA tz database defines (its zones and links), from the
// system's copy of its source, tzdata.zi; empty when there is none.
std::set<std::string, std::less<>> const& IanaNames() {
  static auto const* const kNames = [] {
    auto* names = new std::set<std::string, std::less<>>();
    std::ifstream in("/usr/share/zoneinfo/tzdata.zi");
    for (std::string line; std::getline(in, line);) {
      // "Z Europe/Berlin ..." and "L Europe/Berlin Arctic/Longyearbyen".
      std::istringstream fields(line);
      std::string kind, first, second;
      fields >> kind >> first >> second;
      if (kind == "Z") names->insert(first);
      if (kind == "L") names->insert(second);
    }
    return names;
  }();
  return *kNames;
}

// Why `name` is not an IANA time zone name, or empty when it is one. The
// host's own zone ("localtime", which date::locate_zone finds among the
// files of /usr/share/zoneinfo) and the database's placeholders are not.
std::string NotIana(std::string_view name) {
  if (name == "localtime" || name.ends_with("/localtime")) {
    return "\"localtime\" is the host's own zone, which differs from machine "
           "to machine; name the buyer's zone (e.g. Europe/Berlin)";
  }
  if (name == "posixrules" || name == "Factory" || name.starts_with("posix/") ||
      name.starts_with("right/")) {
    return "not an IANA time zone name";
  }
  auto const& names = IanaNames();
  if (!names.empty() && !names.contains(name)) return "unknown";
  return {};
}

}  // namespace

StatusOr<TimeZone> TimeZone::Find(std::string_view iana_name) {
  if (auto why = NotIana(iana_name); !why.empty()) {
    return Status(ErrorCode::kNotFound,
                  "unknown time zone " + QuoteForMessage(iana_name) +
                      (why == "unknown" ? "" : ": " + why) +
                      " (expected an IANA name such as Europe/Berlin)",
                  ErrorInfo{.reason = "TIME_ZONE_UNKNOWN",
                            .metadata = {{"time_zone", std::string(iana_name)}},
                            .http_status = 404});
  }
  try {
    return TimeZone(date::locate_zone(std::string(iana_name)));
  } catch (std::exception const&) {
    return Status(ErrorCode::kNotFound,
                  "unknown time zone " + QuoteForMessage(iana_name) +
                      " (expected an IANA name such as Europe/Berlin)",
                  ErrorInfo{.reason = "TIME_ZONE_UNKNOWN",
                            .metadata = {{"time_zone", std::string(iana_name)}},
                            .http_status = 404});
  }
}

std::string_view TimeZone::name() const { return Zone(zone_)->name(); }

CivilDate TimeZone::LocalDate(Instant instant) const {
  auto local = Zone(zone_)->to_local(ToDate(instant));
  auto day = date::floor<date::days>(local);
  return CivilDate{sys_days{days{day.time_since_epoch().count()}}};
}

std::chrono::seconds TimeZone::UtcOffset(Instant instant) const {
  return Zone(zone_)->get_info(ToDate(instant)).offset;
}

Instant TimeZone::StartOfDay(CivilDate date) const {
  auto const* zone = Zone(zone_);
  date::local_seconds midnight{
      std::chrono::seconds{sys_days{date}.time_since_epoch()}};
  auto info = zone->get_info(midnight);
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // the earlier of the two midnights
      return FromDate(date::sys_seconds{midnight.time_since_epoch()} -
                      info.first.offset);
    case date::local_info::nonexistent:
      // Midnight falls into a gap: the day starts when the gap ends.
      return FromDate(info.second.begin);
  }
  return FromDate(date::sys_seconds{midnight.time_since_epoch()});
}

Instant TimeZone::EndOfDay(CivilDate date) const {
  CivilDate next{sys_days{date} + days{1}};
  return StartOfDay(next) - std::chrono::seconds{1};
}

StatusOr<CivilDate> LocalDate(Instant instant, std::string_view iana_zone) {
  auto zone = TimeZone::Find(iana_zone);
  if (!zone) return std::move(zone).status();
  return zone->LocalDate(instant);
}

namespace {

using ZoneEntry = std::pair<std::string_view, std::string_view>;

// Capital or most populous zone per country, from the IANA tz database's
// zone1970.tab / zone.tab (https://data.iana.org/time-zones/tzdb/).
constexpr std::array<ZoneEntry, 61> kCountryZones = {{
    {"AE", "Asia/Dubai"},          {"AR", "America/Argentina/Buenos_Aires"},
    {"AT", "Europe/Vienna"},       {"AU", "Australia/Sydney"},
    {"BE", "Europe/Brussels"},     {"BG", "Europe/Sofia"},
    {"BR", "America/Sao_Paulo"},   {"CA", "America/Toronto"},
    {"CH", "Europe/Zurich"},       {"CL", "America/Santiago"},
    {"CN", "Asia/Shanghai"},       {"CY", "Asia/Nicosia"},
    {"CZ", "Europe/Prague"},       {"DE", "Europe/Berlin"},
    {"DK", "Europe/Copenhagen"},   {"EE", "Europe/Tallinn"},
    {"EG", "Africa/Cairo"},        {"ES", "Europe/Madrid"},
    {"FI", "Europe/Helsinki"},     {"FR", "Europe/Paris"},
    {"GB", "Europe/London"},       {"GR", "Europe/Athens"},
    {"HK", "Asia/Hong_Kong"},      {"HR", "Europe/Zagreb"},
    {"HU", "Europe/Budapest"},     {"ID", "Asia/Jakarta"},
    {"IE", "Europe/Dublin"},       {"IL", "Asia/Jerusalem"},
    {"IN", "Asia/Kolkata"},        {"IS", "Atlantic/Reykjavik"},
    {"IT", "Europe/Rome"},         {"JP", "Asia/Tokyo"},
    {"KR", "Asia/Seoul"},          {"LI", "Europe/Vaduz"},
    {"LT", "Europe/Vilnius"},      {"LU", "Europe/Luxembourg"},
    {"LV", "Europe/Riga"},         {"MT", "Europe/Malta"},
    {"MX", "America/Mexico_City"}, {"MY", "Asia/Kuala_Lumpur"},
    {"NL", "Europe/Amsterdam"},    {"NO", "Europe/Oslo"},
    {"NZ", "Pacific/Auckland"},    {"PH", "Asia/Manila"},
    {"PL", "Europe/Warsaw"},       {"PT", "Europe/Lisbon"},
    {"RO", "Europe/Bucharest"},    {"RU", "Europe/Moscow"},
    {"SA", "Asia/Riyadh"},         {"SE", "Europe/Stockholm"},
    {"SG", "Asia/Singapore"},      {"SI", "Europe/Ljubljana"},
    {"SK", "Europe/Bratislava"},   {"TH", "Asia/Bangkok"},
    {"TR", "Europe/Istanbul"},     {"TW", "Asia/Taipei"},
    {"UA", "Europe/Kyiv"},         {"US", "America/New_York"},
    {"VN", "Asia/Ho_Chi_Minh"},    {"ZA", "Africa/Johannesburg"},
    {"GG", "Europe/Guernsey"},
}};

// Subdivisions of countries that span several zones (same source).
constexpr std::array<std::pair<std::string_view, std::string_view>, 28>
    kRegionZones = {{
        {"US-CA", "America/Los_Angeles"},  {"US-WA", "America/Los_Angeles"},
        {"US-OR", "America/Los_Angeles"},  {"US-NV", "America/Los_Angeles"},
        {"US-AZ", "America/Phoenix"},      {"US-CO", "America/Denver"},
        {"US-UT", "America/Denver"},       {"US-TX", "America/Chicago"},
        {"US-IL", "America/Chicago"},      {"US-MN", "America/Chicago"},
        {"US-HI", "Pacific/Honolulu"},     {"US-AK", "America/Anchorage"},
        {"US-NY", "America/New_York"},     {"US-NJ", "America/New_York"},
        {"US-FL", "America/New_York"},     {"CA-BC", "America/Vancouver"},
        {"CA-AB", "America/Edmonton"},     {"CA-MB", "America/Winnipeg"},
        {"CA-QC", "America/Toronto"},      {"CA-ON", "America/Toronto"},
        {"AU-WA", "Australia/Perth"},      {"AU-QLD", "Australia/Brisbane"},
        {"AU-VIC", "Australia/Melbourne"}, {"AU-SA", "Australia/Adelaide"},
        {"BR-AM", "America/Manaus"},       {"MX-BCN", "America/Tijuana"},
        {"RU-NVS", "Asia/Novosibirsk"},    {"RU-PRI", "Asia/Vladivostok"},
    }};

}  // namespace

std::string_view DefaultTimeZone(std::string_view country,
                                 std::string_view region) {
  if (country == "UK") country = "GB";
  if (!region.empty()) {
    std::string key = std::string(country) + "-" + std::string(region);
    for (auto const& [code, zone] : kRegionZones) {
      if (code == key) return zone;
    }
  }
  for (auto const& [code, zone] : kCountryZones) {
    if (code == country) return zone;
  }
  return {};
}

}  // namespace v1
}  // namespace sanbao
