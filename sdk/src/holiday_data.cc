// Loads sdk/data/holidays/*.json (format: docs/guides/holiday-data.md),
// validates every field, and builds the per-year tables of each calendar.

#include <algorithm>
#include <climits>
#include <mutex>
#include <optional>
#include <set>
#include <utility>

#include "calendar_impl.h"
#include "internal/json_util.h"

namespace sanbao {
inline namespace v1 {
namespace internal {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::weekday;

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2200;

enum class RuleKind {
  kFixed,
  kEaster,
  kOrthodoxEaster,
  kNthWeekday,
  kOnOrAfter,
  kOnOrBefore,
  kDates
};

enum class Observed {
  kNone,
  kSatToFriSunToMon,
  kSunToMon,
  kNextFreeIfWeekend,
  kNextFreeIfSunday,
  kNextFreeIfWeekendOrClash,
  kNextFreeIfSundayOrClash,
};

struct Rule {
  RuleKind kind = RuleKind::kFixed;
  unsigned month = 1;
  unsigned day = 1;
  int offset = 0;
  int n = 1;
  weekday wd{};
  std::vector<CivilDate> dates;
};

struct HolidayRule {
  std::string name;
  std::string name_en;
  std::string source;
  Rule rule;
  int days = 1;
  std::set<std::string> regions;
  std::set<std::string> except_regions;
  int from = INT_MIN;
  int to = INT_MAX;
  std::set<int> except_years;
  Observed observed = Observed::kNone;

  bool InForce(int year) const {
    return year >= from && year <= to && !except_years.contains(year);
  }
  bool AppliesTo(std::string const* region) const {
    if (region == nullptr) return regions.empty() && except_regions.empty();
    if (except_regions.contains(*region)) return false;
    return regions.empty() || regions.contains(*region);
  }
  bool Regional() const { return !regions.empty() || !except_regions.empty(); }
};

struct WeekendPeriod {
  int from = INT_MIN;
  int to = INT_MAX;
  std::uint8_t mask = 0;
};

struct WorkingDay {
  CivilDate date;
  std::string name;
  std::string source;
};

struct SandwichRule {
  bool enabled = false;
  std::string name = "Day between two public holidays";
  std::string name_en = "Day between two public holidays";
  std::string source;
};

struct CountryData {
  std::string file;
  std::string id;
  std::string name;
  std::string notes;
  int first_year = 0;
  int last_year = 0;
  std::vector<WeekendPeriod> weekend;
  std::vector<CalendarSource> sources;
  std::vector<std::pair<std::string, std::string>> regions;  // code, name
  std::vector<HolidayRule> holidays;
  std::vector<WorkingDay> working_days;
  SandwichRule sandwich;

  std::uint8_t WeekendMask(int year) const {
    for (auto const& p : weekend) {
      if (year >= p.from && year <= p.to) return p.mask;
    }
    return 0;
  }
};

// --- dates -----------------------------------------------------------------

CivilDate WesternEaster(int y) {
  // Anonymous Gregorian algorithm (Meeus, Astronomical Algorithms, ch. 8).
  int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
  int f = (b + 8) / 25, g = (b - f + 1) / 3;
  int h = (19 * a + b - d - g + 15) % 30;
  int i = c / 4, k = c % 4;
  int l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  int month = (h + l - 7 * m + 114) / 31;
  int day = (h + l - 7 * m + 114) % 31 + 1;
  return CivilDate{std::chrono::year{y},
                   std::chrono::month{static_cast<unsigned>(month)},
                   std::chrono::day{static_cast<unsigned>(day)}};
}

CivilDate OrthodoxEaster(int y) {
  // Julian computus (Meeus), then the Julian date converted to Gregorian.
  int a = y % 4, b = y % 7, c = y % 19;
  int d = (19 * c + 15) % 30;
  int e = (2 * a + 4 * b - d + 34) % 7;
  int month = (d + e + 114) / 31;
  int day = (d + e + 114) % 31 + 1;
  int julian_to_gregorian = y / 100 - y / 400 - 2;
  sys_days julian_as_gregorian = sys_days{CivilDate{
      std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(month)},
      std::chrono::day{static_cast<unsigned>(day)}}};
  return CivilDate{julian_as_gregorian + days{julian_to_gregorian}};
}

std::vector<CivilDate> RuleDates(Rule const& rule, int year_number) {
  using std::chrono::month;
  std::chrono::year y{year_number};
  int const year = year_number;
  switch (rule.kind) {
    case RuleKind::kFixed:
      return {CivilDate{y, month{rule.month}, std::chrono::day{rule.day}}};
    case RuleKind::kEaster:
      return {CivilDate{sys_days{WesternEaster(year)} + days{rule.offset}}};
    case RuleKind::kOrthodoxEaster:
      return {CivilDate{sys_days{OrthodoxEaster(year)} + days{rule.offset}}};
    case RuleKind::kNthWeekday: {
      if (rule.n < 0) {
        return {CivilDate{std::chrono::year_month_weekday_last{
            y, month{rule.month}, std::chrono::weekday_last{rule.wd}}}};
      }
      std::chrono::year_month_weekday ymw{
          y, month{rule.month},
          std::chrono::weekday_indexed{rule.wd, static_cast<unsigned>(rule.n)}};
      if (!ymw.ok()) return {};  // no fifth such weekday this month
      return {CivilDate{ymw}};
    }
    case RuleKind::kOnOrAfter: {
      sys_days d{CivilDate{y, month{rule.month}, std::chrono::day{rule.day}}};
      return {CivilDate{d + (rule.wd - weekday{d})}};
    }
    case RuleKind::kOnOrBefore: {
      sys_days d{CivilDate{y, month{rule.month}, std::chrono::day{rule.day}}};
      return {CivilDate{d - (weekday{d} - rule.wd)}};
    }
    case RuleKind::kDates: {
      std::vector<CivilDate> out;
      for (auto const& d : rule.dates) {
        if (static_cast<int>(d.year()) == year) out.push_back(d);
      }
      return out;
    }
  }
  return {};
}

// --- parsing ---------------------------------------------------------------

std::optional<weekday> ParseWeekday(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  for (unsigned i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return weekday{i};
  }
  return std::nullopt;
}

weekday WeekdayAt(boost::json::value const& v, std::string const& path) {
  auto name = AsString(v, path);
  auto wd = ParseWeekday(name);
  if (!wd) {
    FailAt(path, "\"" + name + "\" is not a weekday (mon, tue, ... sun)");
  }
  return *wd;
}

CivilDate DateAt(boost::json::value const& v, std::string const& path) {
  auto text = AsString(v, path);
  auto date = ParseCivilDate(text);
  if (!date) FailAt(path, "\"" + text + "\" is not a date (YYYY-MM-DD)");
  return *date;
}

// "MM-DD", a day that exists in every year (02-29 does not).
std::pair<unsigned, unsigned> MonthDayAt(boost::json::value const& v,
                                         std::string const& path) {
  auto text = AsString(v, path);
  auto date = ParseCivilDate("2001-" + text);
  if (text.size() != 5 || !date) {
    FailAt(path, "\"" + text +
                     "\" is not a month-day that exists every year (MM-DD)");
  }
  return {static_cast<unsigned>(date->month()),
          static_cast<unsigned>(date->day())};
}

Rule ParseRule(ObjectReader r) {
  auto keys = r.Keys();
  if (keys.size() != 1) {
    FailAt(r.path(),
           "a rule has exactly one of fixed, easter, orthodox_easter, "
           "nth_weekday, weekday_on_or_after, weekday_on_or_before, dates");
  }
  std::string const& kind = keys.front();
  auto const& v = r.Require(kind);
  auto path = r.PathOf(kind);
  Rule rule;
  if (kind == "fixed") {
    rule.kind = RuleKind::kFixed;
    std::tie(rule.month, rule.day) = MonthDayAt(v, path);
  } else if (kind == "easter" || kind == "orthodox_easter") {
    rule.kind =
        kind == "easter" ? RuleKind::kEaster : RuleKind::kOrthodoxEaster;
    rule.offset = static_cast<int>(AsInt(v, path, -100, 250));
  } else if (kind == "nth_weekday") {
    ObjectReader o(v, path);
    rule.kind = RuleKind::kNthWeekday;
    rule.month = static_cast<unsigned>(o.Int("month", 1, 12));
    rule.wd = WeekdayAt(o.Require("weekday"), o.PathOf("weekday"));
    rule.n = static_cast<int>(o.Int("n", -1, 5));
    if (rule.n == 0) FailAt(o.PathOf("n"), "n is 1 to 5, or -1 for the last");
    o.Finish();
  } else if (kind == "weekday_on_or_after" || kind == "weekday_on_or_before") {
    ObjectReader o(v, path);
    rule.kind = kind == "weekday_on_or_after" ? RuleKind::kOnOrAfter
                                              : RuleKind::kOnOrBefore;
    std::tie(rule.month, rule.day) =
        MonthDayAt(o.Require("date"), o.PathOf("date"));
    rule.wd = WeekdayAt(o.Require("weekday"), o.PathOf("weekday"));
    o.Finish();
  } else if (kind == "dates") {
    rule.kind = RuleKind::kDates;
    auto const* arr = v.if_array();
    if (arr == nullptr || arr->empty()) {
      FailAt(path, "expected a non-empty array of dates");
    }
    std::set<sys_days> seen;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      auto ep = ElementPath(path, i);
      auto d = DateAt((*arr)[i], ep);
      if (!seen.insert(sys_days{d}).second) {
        FailAt(ep, FormatCivilDate(d) + " is listed twice");
      }
      rule.dates.push_back(d);
    }
  } else {
    FailAt(path, "unknown rule kind");
  }
  return rule;
}

Observed ParseObserved(boost::json::value const& v, std::string const& path) {
  static constexpr std::array<std::pair<std::string_view, Observed>, 6> kKinds{{
      {"sat_to_fri_sun_to_mon", Observed::kSatToFriSunToMon},
      {"sun_to_mon", Observed::kSunToMon},
      {"next_free_if_weekend", Observed::kNextFreeIfWeekend},
      {"next_free_if_sunday", Observed::kNextFreeIfSunday},
      {"next_free_if_weekend_or_clash", Observed::kNextFreeIfWeekendOrClash},
      {"next_free_if_sunday_or_clash", Observed::kNextFreeIfSundayOrClash},
  }};
  auto name = AsString(v, path);
  for (auto const& [n, o] : kKinds) {
    if (n == name) return o;
  }
  FailAt(path, "\"" + name + "\" is not an observed-day rule");
}

std::uint8_t WeekendMaskAt(boost::json::array const& days,
                           std::string const& path) {
  std::uint8_t mask = 0;
  for (std::size_t i = 0; i < days.size(); ++i) {
    auto wd = WeekdayAt(days[i], ElementPath(path, i));
    mask = static_cast<std::uint8_t>(mask | (1U << wd.c_encoding()));
  }
  return mask;
}

void ParseWeekend(ObjectReader& file, CountryData& c) {
  auto const& arr = file.Array("weekend");
  auto path = file.PathOf("weekend");
  if (arr.empty() || arr.front().is_string()) {
    c.weekend.push_back({INT_MIN, INT_MAX, WeekendMaskAt(arr, path)});
    return;
  }
  for (std::size_t i = 0; i < arr.size(); ++i) {
    ObjectReader p(arr[i], ElementPath(path, i));
    WeekendPeriod period;
    period.from = static_cast<int>(
        p.OptionalInt("from", kMinYear, kMaxYear).value_or(INT_MIN));
    period.to = static_cast<int>(
        p.OptionalInt("to", kMinYear, kMaxYear).value_or(INT_MAX));
    period.mask = WeekendMaskAt(p.Array("days"), p.PathOf("days"));
    p.Finish();
    for (auto const& other : c.weekend) {
      if (period.from <= other.to && other.from <= period.to) {
        FailAt(p.path(), "weekend periods overlap");
      }
    }
    c.weekend.push_back(period);
  }
  for (int y = c.first_year; y <= c.last_year; ++y) {
    bool found =
        std::any_of(c.weekend.begin(), c.weekend.end(),
                    [&](auto const& p) { return y >= p.from && y <= p.to; });
    if (!found) {
      FailAt(path, "no weekend given for " + std::to_string(y) +
                       ", which is inside coverage");
    }
  }
}

std::set<std::string> RegionSet(ObjectReader& h, std::string_view key,
                                CountryData const& c) {
  std::set<std::string> out;
  auto const* arr = h.OptionalArray(key);
  if (arr == nullptr) return out;
  auto path = h.PathOf(key);
  if (arr->empty()) FailAt(path, "an empty list; leave the field out instead");
  for (std::size_t i = 0; i < arr->size(); ++i) {
    auto ep = ElementPath(path, i);
    auto code = AsString((*arr)[i], ep);
    bool known = std::any_of(c.regions.begin(), c.regions.end(),
                             [&](auto const& r) { return r.first == code; });
    if (!known)
      FailAt(ep, "\"" + code + "\" is not one of this file's regions");
    out.insert(code);
  }
  return out;
}

void CheckSource(CountryData const& c, std::string const& source,
                 std::string const& path) {
  bool known = std::any_of(c.sources.begin(), c.sources.end(),
                           [&](auto const& s) { return s.id == source; });
  if (!known) FailAt(path, "\"" + source + "\" is not a key of sources");
}

HolidayRule ParseHoliday(ObjectReader h, CountryData const& c) {
  HolidayRule out;
  out.name = h.String("name");
  if (out.name.empty()) FailAt(h.PathOf("name"), "must not be empty");
  out.name_en = h.OptionalString("name_en").value_or("");
  out.rule = ParseRule(h.Object("rule"));
  out.days = static_cast<int>(h.OptionalInt("days", 1, 31).value_or(1));
  out.regions = RegionSet(h, "regions", c);
  out.except_regions = RegionSet(h, "except_regions", c);
  if (!out.regions.empty() && !out.except_regions.empty()) {
    FailAt(h.PathOf("except_regions"),
           "use either regions or except_regions, not both");
  }
  out.from = static_cast<int>(
      h.OptionalInt("from", kMinYear, kMaxYear).value_or(INT_MIN));
  out.to = static_cast<int>(
      h.OptionalInt("to", kMinYear, kMaxYear).value_or(INT_MAX));
  if (out.from > out.to) FailAt(h.PathOf("to"), "is before from");
  if (auto const* arr = h.OptionalArray("except_years")) {
    for (std::size_t i = 0; i < arr->size(); ++i) {
      out.except_years.insert(static_cast<int>(
          AsInt((*arr)[i], ElementPath(h.PathOf("except_years"), i), kMinYear,
                kMaxYear)));
    }
  }
  if (auto const* v = h.Find("observed")) {
    out.observed = ParseObserved(*v, h.PathOf("observed"));
  }
  if (auto source = h.OptionalString("source")) {
    CheckSource(c, *source, h.PathOf("source"));
    out.source = *source;
  }
  bool annual = h.Bool("annual", false);
  if (out.rule.kind == RuleKind::kDates) {
    for (std::size_t i = 0; i < out.rule.dates.size(); ++i) {
      auto y = static_cast<int>(out.rule.dates[i].year());
      auto ep = ElementPath(h.PathOf("rule") + ".dates", i);
      if (y < c.first_year || y > c.last_year) {
        FailAt(ep, FormatCivilDate(out.rule.dates[i]) +
                       " is outside coverage " + std::to_string(c.first_year) +
                       "-" + std::to_string(c.last_year));
      }
      if (!out.InForce(y)) {
        FailAt(ep, FormatCivilDate(out.rule.dates[i]) +
                       " is outside the holiday's from/to/except_years");
      }
    }
    if (annual) {
      for (int y = std::max(c.first_year, out.from);
           y <= std::min(c.last_year, out.to); ++y) {
        if (!out.InForce(y)) continue;
        if (RuleDates(out.rule, y).empty()) {
          FailAt(h.PathOf("rule") + ".dates",
                 "an annual holiday has no date in " + std::to_string(y) +
                     ", which is inside coverage");
        }
      }
    }
  } else if (annual) {
    FailAt(h.PathOf("annual"), "only a dates rule can be marked annual");
  }
  h.Finish();
  return out;
}

CountryData ParseCountry(EmbeddedFile const& file) {
  CountryData c;
  c.file = std::string(file.name);
  auto doc = ParseJson(file.content);
  ObjectReader r(doc, "");
  c.id = r.String("id");
  auto stem = c.file.substr(0, c.file.rfind('.'));
  if (c.id != stem) {
    FailAt("id", "\"" + c.id + "\" does not match the file name " + c.file);
  }
  c.name = r.String("name");
  c.notes = r.OptionalString("notes").value_or("");
  {
    auto cov = r.Object("coverage");
    c.first_year = static_cast<int>(cov.Int("from", kMinYear, kMaxYear));
    c.last_year = static_cast<int>(cov.Int("to", kMinYear, kMaxYear));
    if (c.first_year > c.last_year) FailAt(cov.PathOf("to"), "is before from");
    cov.Finish();
  }
  ParseWeekend(r, c);
  {
    auto sources = r.Object("sources");
    for (auto const& key : sources.Keys()) {
      auto s = sources.Object(key);
      c.sources.push_back({key, s.String("title"), s.String("where")});
      s.Finish();
    }
  }
  if (auto regions = r.OptionalObject("regions")) {
    for (auto const& key : regions->Keys()) {
      bool ok = !key.empty() && key.size() <= 4 &&
                std::all_of(key.begin(), key.end(), [](char ch) {
                  return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
                });
      if (!ok) {
        FailAt(regions->PathOf(key),
               "a region code is 1-4 upper-case letters or digits");
      }
      auto region = regions->Object(key);
      c.regions.emplace_back(key, region.String("name"));
      region.Finish();
    }
  }
  {
    auto const& arr = r.Array("holidays");
    for (std::size_t i = 0; i < arr.size(); ++i) {
      c.holidays.push_back(
          ParseHoliday(ObjectReader(arr[i], ElementPath("holidays", i)), c));
    }
  }
  if (auto const* arr = r.OptionalArray("working_days")) {
    for (std::size_t i = 0; i < arr->size(); ++i) {
      ObjectReader w((*arr)[i], ElementPath("working_days", i));
      WorkingDay day;
      day.date = DateAt(w.Require("date"), w.PathOf("date"));
      day.name = w.OptionalString("name").value_or("Make-up working day");
      if (auto source = w.OptionalString("source")) {
        CheckSource(c, *source, w.PathOf("source"));
        day.source = *source;
      }
      w.Finish();
      int y = static_cast<int>(day.date.year());
      if (y < c.first_year || y > c.last_year) {
        FailAt(w.PathOf("date"),
               FormatCivilDate(day.date) + " is outside coverage");
      }
      weekday wd{sys_days{day.date}};
      if (((c.WeekendMask(y) >> wd.c_encoding()) & 1U) == 0) {
        FailAt(
            w.PathOf("date"),
            FormatCivilDate(day.date) +
                " is not a weekend day, so it cannot be a make-up working day");
      }
      c.working_days.push_back(std::move(day));
    }
  }
  if (auto const* v = r.Find("sandwich_days")) {
    if (v->is_bool()) {
      c.sandwich.enabled = v->get_bool();
    } else {
      ObjectReader s(*v, "sandwich_days");
      c.sandwich.enabled = true;
      c.sandwich.name = s.String("name");
      c.sandwich.name_en = s.OptionalString("name_en").value_or("");
      if (auto source = s.OptionalString("source")) {
        CheckSource(c, *source, s.PathOf("source"));
        c.sandwich.source = *source;
      }
      s.Finish();
    }
  }
  r.Finish();
  return c;
}

// --- building --------------------------------------------------------------

struct Entry {
  sys_days date;
  std::size_t rule;  // index into CountryData::holidays
  bool observed = false;
};

std::shared_ptr<Calendar::Impl const> Build(CountryData const& c,
                                            std::string const* region,
                                            std::string const& region_name) {
  auto impl = std::make_shared<Calendar::Impl>();
  impl->id = region ? c.id + "-" + *region : c.id;
  impl->name = region ? c.name + " / " + region_name : c.name;
  impl->notes = c.notes;
  impl->first_year = c.first_year;
  impl->last_year = c.last_year;
  impl->sources = c.sources;

  // Base holidays, one year of margin on both sides so that substitutes
  // crossing New Year land in the right year.
  std::vector<Entry> base;
  for (std::size_t i = 0; i < c.holidays.size(); ++i) {
    auto const& h = c.holidays[i];
    if (!h.AppliesTo(region)) continue;
    for (int y = c.first_year - 1; y <= c.last_year + 1; ++y) {
      if (!h.InForce(y)) continue;
      for (auto const& d : RuleDates(h.rule, y)) {
        for (int k = 0; k < h.days; ++k)
          base.push_back({sys_days{d} + days{k}, i});
      }
    }
  }
  std::stable_sort(
      base.begin(), base.end(),
      [](Entry const& a, Entry const& b) { return a.date < b.date; });

  auto is_rest = [&](sys_days d) {
    weekday wd{d};
    int y = static_cast<int>(CivilDate{d}.year());
    return ((c.WeekendMask(y) >> wd.c_encoding()) & 1U) != 0;
  };
  std::set<sys_days> occupied;
  for (auto const& e : base) occupied.insert(e.date);
  std::set<sys_days> owned;  // dates already claimed by an earlier holiday
  std::vector<Entry> all = base;
  for (auto const& e : base) {
    bool clash = !owned.insert(e.date).second;
    auto observed = c.holidays[e.rule].observed;
    weekday wd{e.date};
    auto next_free = [&](bool skip_weekend) {
      sys_days d = e.date + days{1};
      while (occupied.contains(d) || (skip_weekend && is_rest(d)) ||
             (!skip_weekend && wd == std::chrono::Sunday &&
              weekday{d} == std::chrono::Sunday)) {
        d += days{1};
      }
      return d;
    };
    std::optional<sys_days> substitute;
    switch (observed) {
      case Observed::kNone:
        break;
      case Observed::kSatToFriSunToMon:
        if (wd == std::chrono::Saturday) substitute = e.date - days{1};
        if (wd == std::chrono::Sunday) substitute = e.date + days{1};
        break;
      case Observed::kSunToMon:
        if (wd == std::chrono::Sunday) substitute = e.date + days{1};
        break;
      case Observed::kNextFreeIfWeekend:
        if (is_rest(e.date)) substitute = next_free(true);
        break;
      case Observed::kNextFreeIfSunday:
        if (wd == std::chrono::Sunday) substitute = next_free(false);
        break;
      case Observed::kNextFreeIfWeekendOrClash:
        if (is_rest(e.date) || clash) substitute = next_free(true);
        break;
      case Observed::kNextFreeIfSundayOrClash:
        if (wd == std::chrono::Sunday || clash) substitute = next_free(true);
        break;
    }
    if (substitute) {
      occupied.insert(*substitute);
      owned.insert(*substitute);
      all.push_back({*substitute, e.rule, true});
    }
  }

  std::vector<std::pair<sys_days, std::size_t>> sandwiched;
  if (c.sandwich.enabled) {
    std::set<sys_days> proper;
    for (auto const& e : base) proper.insert(e.date);
    for (auto d : proper) {
      sys_days mid = d + days{1};
      if (!occupied.contains(mid) && proper.contains(mid + days{1}) &&
          !is_rest(mid)) {
        sandwiched.emplace_back(mid, 0);
      }
    }
  }

  impl->years.resize(static_cast<std::size_t>(c.last_year - c.first_year + 1));
  auto year_of = [&](sys_days d) -> CalendarYear* {
    int y = static_cast<int>(CivilDate{d}.year());
    if (y < c.first_year || y > c.last_year) return nullptr;
    return &impl->years[static_cast<std::size_t>(y - c.first_year)];
  };
  auto day_index = [](sys_days d) {
    auto y = CivilDate{d}.year();
    return static_cast<unsigned>((d - sys_days{y / 1 / 1}).count());
  };
  for (auto const& e : all) {
    auto* year = year_of(e.date);
    if (year == nullptr) continue;
    auto const& h = c.holidays[e.rule];
    CalendarYear::Set(year->holiday, day_index(e.date));
    year->holidays.push_back(Holiday{
        .date = CivilDate{e.date},
        .name = e.observed ? h.name + " (observed)" : h.name,
        .name_en = e.observed && !h.name_en.empty() ? h.name_en + " (observed)"
                                                    : h.name_en,
        .observed = e.observed,
        .regional = h.Regional(),
        .source = h.source});
  }
  for (auto const& [d, unused] : sandwiched) {
    auto* year = year_of(d);
    if (year == nullptr) continue;
    CalendarYear::Set(year->holiday, day_index(d));
    year->holidays.push_back(Holiday{.date = CivilDate{d},
                                     .name = c.sandwich.name,
                                     .name_en = c.sandwich.name_en,
                                     .source = c.sandwich.source});
  }
  for (auto const& w : c.working_days) {
    auto* year = year_of(sys_days{w.date});
    if (year == nullptr) continue;
    CalendarYear::Set(year->make_up, day_index(sys_days{w.date}));
  }
  for (int y = c.first_year; y <= c.last_year; ++y) {
    auto& year = impl->years[static_cast<std::size_t>(y - c.first_year)];
    year.weekend_mask = c.WeekendMask(y);
    std::stable_sort(year.holidays.begin(), year.holidays.end(),
                     [](Holiday const& a, Holiday const& b) {
                       return sys_days{a.date} < sys_days{b.date};
                     });
    sys_days jan1{std::chrono::year{y} / 1 / 1};
    unsigned length = std::chrono::year{y}.is_leap() ? 366 : 365;
    for (unsigned i = 0; i < length; ++i) {
      weekday wd{jan1 + days{i}};
      bool rest = ((year.weekend_mask >> wd.c_encoding()) & 1U) != 0;
      bool make_up = CalendarYear::Test(year.make_up, i);
      if (CalendarYear::Test(year.holiday, i) || (rest && !make_up)) {
        CalendarYear::Set(year.nonworking, i);
      }
    }
  }
  return impl;
}

}  // namespace

StatusOr<std::shared_ptr<CalendarSet const>> LoadCalendars(
    std::span<const EmbeddedFile> files) {
  auto set = std::make_shared<CalendarSet>();
  for (auto const& file : files) {
    CountryData country;
    try {
      country = ParseCountry(file);
    } catch (DataError const& e) {
      std::string where = "sdk/data/holidays/" + std::string(file.name);
      return InvalidArgumentError(
          where + (e.path.empty() ? "" : ": " + e.path) + ": " + e.message,
          "HOLIDAY_DATA_INVALID", {{"file", where}, {"field", e.path}});
    }
    if (set->calendars.contains(country.id)) {
      return InvalidArgumentError("calendar " + country.id + " defined twice",
                                  "HOLIDAY_DATA_INVALID",
                                  {{"file", std::string(file.name)}});
    }
    auto shared = std::make_shared<CountryData const>(std::move(country));
    set->calendars.try_emplace(shared->id, LazyCalendar::Builder([shared] {
                                 return Build(*shared, nullptr, "");
                               }));
    for (auto const& [code, name] : shared->regions) {
      set->calendars.try_emplace(
          shared->id + "-" + code,
          LazyCalendar::Builder([shared, code = code, name = name] {
            return Build(*shared, &code, name);
          }));
    }
  }
  return std::shared_ptr<CalendarSet const>(std::move(set));
}

StatusOr<std::shared_ptr<SubdivisionSet const>> LoadSubdivisions(
    std::span<const EmbeddedFile> files) {
  auto set = std::make_shared<SubdivisionSet>();
  for (auto const& file : files) {
    try {
      auto doc = ParseJson(file.content);
      ObjectReader r(doc, "");
      {
        auto source = r.Object("source");
        source.String("title");
        source.String("where");
        source.Finish();
      }
      auto countries = r.Object("countries");
      for (auto const& country : countries.Keys()) {
        auto codes = countries.Object(country);
        for (auto const& code : codes.Keys()) {
          auto parent = codes.String(code);
          if (!parent.empty() && !codes.Has(parent)) {
            FailAt(
                codes.PathOf(code),
                "parent \"" + parent + "\" is not a subdivision of " + country);
          }
          set->parent.emplace(country + "-" + code,
                              parent.empty() ? "" : country + "-" + parent);
        }
        codes.Finish();
      }
      countries.Finish();
      r.Finish();
    } catch (DataError const& e) {
      std::string where = "sdk/data/subdivisions/" + std::string(file.name);
      return InvalidArgumentError(
          where + (e.path.empty() ? "" : ": " + e.path) + ": " + e.message,
          "SUBDIVISION_DATA_INVALID", {{"file", where}, {"field", e.path}});
    }
  }
  return std::shared_ptr<SubdivisionSet const>(std::move(set));
}

StatusOr<std::shared_ptr<SubdivisionSet const>> const& BuiltinSubdivisions() {
  return LoadBuiltInOnce<SubdivisionSet>(
      [] { return LoadSubdivisions(EmbeddedSubdivisionFiles()); });
}

StatusOr<std::shared_ptr<CalendarSet const>> const& BuiltinCalendars() {
  return LoadBuiltInOnce<CalendarSet>(
      [] { return LoadCalendars(EmbeddedHolidayFiles()); });
}

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
