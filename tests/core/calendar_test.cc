// The calendar engine on small, hand-made data files: every rule kind, the
// observed-day rules, coverage, and the validation errors.
#include "sanbao/policy/calendar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "calendar_impl.h"
#include "sanbao/policy/day_count.h"

namespace sanbao {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

CivilDate D(std::string_view text) { return *ParseCivilDate(text); }

std::shared_ptr<internal::CalendarSet const> Load(std::string const& name,
                                                  std::string const& json) {
  internal::EmbeddedFile file{name, json};
  auto set = internal::LoadCalendars(std::span(&file, 1));
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? *set : nullptr;
}

Status LoadError(std::string const& json) {
  internal::EmbeddedFile file{"XX.json", json};
  auto set = internal::LoadCalendars(std::span(&file, 1));
  return set.status();
}

std::vector<std::string> Dates(Calendar const& c, int year) {
  std::vector<std::string> out;
  for (auto const& h : *c.Holidays(std::chrono::year{year})) {
    out.push_back(FormatCivilDate(h.date));
  }
  return out;
}

// A file skeleton with the given holidays and extra top-level fields.
std::string File(std::string const& holidays, std::string const& extra = "",
                 std::string const& weekend = R"(["sat", "sun"])") {
  return R"({"id": "XX", "name": "Testland", "weekend": )" + weekend +
         R"(, "coverage": {"from": 2020, "to": 2030},
     "sources": {"LAW": {"title": "Holidays Act", "where": "https://example.org/law"}},
     "regions": {"N": {"name": "North"}, "S": {"name": "South"}},
     "holidays": [)" +
         holidays + "]" + extra + "}";
}

TEST(CalendarRules, EveryRuleKind) {
  auto set = Load("XX.json", File(R"(
    {"name": "New Year", "rule": {"fixed": "01-01"}, "source": "LAW"},
    {"name": "Good Friday", "rule": {"easter": -2}},
    {"name": "Orthodox Easter Monday", "rule": {"orthodox_easter": 1}},
    {"name": "Memorial Day", "rule": {"nth_weekday": {"month": 5, "weekday": "mon", "n": -1}}},
    {"name": "Labor Day", "rule": {"nth_weekday": {"month": 9, "weekday": "mon", "n": 1}}},
    {"name": "Midsummer", "rule": {"weekday_on_or_after": {"date": "06-20", "weekday": "sat"}}},
    {"name": "Repentance", "rule": {"weekday_on_or_before": {"date": "11-22", "weekday": "wed"}}},
    {"name": "Lunar New Year", "rule": {"dates": ["2026-02-17"]}, "days": 3}
  )"));
  auto c = *internal::FindCalendar(*set, "XX");
  EXPECT_THAT(
      Dates(c, 2026),
      ElementsAre("2026-01-01", "2026-02-17", "2026-02-18", "2026-02-19",
                  "2026-04-03", "2026-04-13", "2026-05-25", "2026-06-20",
                  "2026-09-07", "2026-11-18"));
  // Western and Orthodox Easter coincide in 2025 (20 April).
  EXPECT_THAT(
      Dates(c, 2025),
      ElementsAre("2025-01-01", "2025-04-18", "2025-04-21", "2025-05-26",
                  "2025-06-21", "2025-09-01", "2025-11-19"));
}

TEST(CalendarRules, EasterDatesMatchPublishedTables) {
  // Western Easter Sundays and Orthodox Easter Sundays (Gregorian dates) as
  // tabulated by the US Naval Observatory and the Greek Orthodox Archdiocese.
  auto set = Load("XX.json", File(R"(
    {"name": "Easter", "rule": {"easter": 0}},
    {"name": "Pascha", "rule": {"orthodox_easter": 0}}
  )"));
  auto c = *internal::FindCalendar(*set, "XX");
  EXPECT_THAT(Dates(c, 2020), ElementsAre("2020-04-12", "2020-04-19"));
  EXPECT_THAT(Dates(c, 2021), ElementsAre("2021-04-04", "2021-05-02"));
  EXPECT_THAT(Dates(c, 2024), ElementsAre("2024-03-31", "2024-05-05"));
  EXPECT_THAT(Dates(c, 2027), ElementsAre("2027-03-28", "2027-05-02"));
  EXPECT_THAT(Dates(c, 2028), ElementsAre("2028-04-16", "2028-04-16"));
  EXPECT_THAT(Dates(c, 2030), ElementsAre("2030-04-21", "2030-04-28"));
}

TEST(CalendarRules, RegionsFromToAndExceptions) {
  auto set = Load("XX.json", File(R"(
    {"name": "National", "rule": {"fixed": "03-01"}},
    {"name": "North only", "rule": {"fixed": "04-01"}, "regions": ["N"]},
    {"name": "Not south", "rule": {"fixed": "05-01"}, "except_regions": ["S"]},
    {"name": "New since 2025", "rule": {"fixed": "06-01"}, "from": 2025},
    {"name": "Until 2024", "rule": {"fixed": "07-01"}, "to": 2024},
    {"name": "Skipped 2026", "rule": {"fixed": "08-03"}, "except_years": [2026]}
  )"));
  auto national = *internal::FindCalendar(*set, "XX");
  auto north = *internal::FindCalendar(*set, "xx-n");  // case-insensitive
  auto south = *internal::FindCalendar(*set, "XX-S");
  EXPECT_EQ(north.id(), "XX-N");
  EXPECT_EQ(north.name(), "Testland / North");
  EXPECT_THAT(Dates(national, 2026), ElementsAre("2026-03-01", "2026-06-01"));
  EXPECT_THAT(Dates(north, 2026), ElementsAre("2026-03-01", "2026-04-01",
                                              "2026-05-01", "2026-06-01"));
  EXPECT_THAT(Dates(south, 2024),
              ElementsAre("2024-03-01", "2024-07-01", "2024-08-03"));
  auto info = *north.Describe(D("2026-04-01"));
  ASSERT_EQ(info.holidays.size(), 1U);
  EXPECT_TRUE(info.holidays[0].regional);
}

TEST(CalendarObserved, UsFederalStyle) {
  auto set = Load("XX.json", File(R"(
    {"name": "Independence Day", "rule": {"fixed": "07-04"}, "observed": "sat_to_fri_sun_to_mon"},
    {"name": "New Year", "rule": {"fixed": "01-01"}, "observed": "sat_to_fri_sun_to_mon"}
  )"));
  auto c = *internal::FindCalendar(*set, "XX");
  // 2026-07-04 is a Saturday: observed Friday 3 July. 2027-07-04 is a Sunday.
  EXPECT_THAT(Dates(c, 2026),
              ElementsAre("2026-01-01", "2026-07-03", "2026-07-04"));
  // 2028-01-01 is a Saturday too: observed on Friday 31 December 2027.
  EXPECT_THAT(Dates(c, 2027), ElementsAre("2027-01-01", "2027-07-04",
                                          "2027-07-05", "2027-12-31"));
  // 2022-01-01 is a Saturday: observed on Friday 31 December 2021.
  EXPECT_THAT(Dates(c, 2021), ElementsAre("2021-01-01", "2021-07-04",
                                          "2021-07-05", "2021-12-31"));
  auto dec31 = *c.Describe(D("2021-12-31"));
  ASSERT_EQ(dec31.holidays.size(), 1U);  // 2022-01-01 is a Saturday
  EXPECT_EQ(dec31.holidays[0].name, "New Year (observed)");
  EXPECT_TRUE(dec31.holidays[0].observed);
}

TEST(CalendarObserved, UkStyleConsecutiveWeekendHolidays) {
  auto set = Load("XX.json", File(R"(
    {"name": "Christmas Day", "rule": {"fixed": "12-25"}, "observed": "next_free_if_weekend"},
    {"name": "Boxing Day", "rule": {"fixed": "12-26"}, "observed": "next_free_if_weekend"}
  )"));
  auto c = *internal::FindCalendar(*set, "XX");
  // 2021: Sat 25 and Sun 26 -> Mon 27 and Tue 28.
  EXPECT_THAT(Dates(c, 2021), ElementsAre("2021-12-25", "2021-12-26",
                                          "2021-12-27", "2021-12-28"));
  // 2022: Sun 25, Mon 26 -> Christmas observed Tue 27.
  EXPECT_THAT(Dates(c, 2022),
              ElementsAre("2022-12-25", "2022-12-26", "2022-12-27"));
  // 2027: Sat 25, Sun 26 -> Mon 27, Tue 28.
  EXPECT_THAT(Dates(c, 2027), ElementsAre("2027-12-25", "2027-12-26",
                                          "2027-12-27", "2027-12-28"));
}

TEST(CalendarObserved, JapanStyleSundayAndSandwich) {
  auto set = Load(
      "XX.json",
      File(
          R"(
    {"name": "Constitution Day", "rule": {"fixed": "05-03"}, "observed": "next_free_if_sunday"},
    {"name": "Greenery Day", "rule": {"fixed": "05-04"}, "observed": "next_free_if_sunday"},
    {"name": "Children's Day", "rule": {"fixed": "05-05"}, "observed": "next_free_if_sunday"},
    {"name": "Respect for the Aged Day", "rule": {"nth_weekday": {"month": 9, "weekday": "mon", "n": 3}}},
    {"name": "Autumnal Equinox Day", "rule": {"dates": ["2026-09-23"]}}
  )",
          R"(, "sandwich_days": {"name": "Kokumin no kyujitsu", "name_en": "Citizens' Holiday", "source": "LAW"})"));
  auto c = *internal::FindCalendar(*set, "XX");
  // 2026: Sun 3 May -> substitute Wed 6 May (4 and 5 are holidays);
  // 21 Sep (Mon) and 23 Sep (Wed) are holidays, so Tue 22 Sep is one too.
  EXPECT_THAT(
      Dates(c, 2026),
      ElementsAre("2026-05-03", "2026-05-04", "2026-05-05", "2026-05-06",
                  "2026-09-21", "2026-09-22", "2026-09-23"));
  auto info = *c.Describe(D("2026-09-22"));
  ASSERT_EQ(info.holidays.size(), 1U);
  EXPECT_EQ(info.holidays[0].name_en, "Citizens' Holiday");
}

TEST(CalendarObserved, KoreaStyleClash) {
  auto set = Load("XX.json", File(R"(
    {"name": "Chuseok", "rule": {"dates": ["2025-10-05"]}, "days": 3, "observed": "next_free_if_sunday_or_clash"},
    {"name": "National Foundation Day", "rule": {"fixed": "10-03"}, "observed": "next_free_if_weekend_or_clash"}
  )"));
  auto c = *internal::FindCalendar(*set, "XX");
  // 2025: Chuseok 5-7 Oct starts on a Sunday -> substitute Wed 8 Oct.
  EXPECT_THAT(Dates(c, 2025),
              ElementsAre("2025-10-03", "2025-10-05", "2025-10-06",
                          "2025-10-07", "2025-10-08"));
}

TEST(CalendarWeekend, PeriodsAndMakeUpWorkingDays) {
  auto set = Load(
      "XX.json",
      File(
          R"(
    {"name": "Spring Festival", "rule": {"dates": ["2026-02-16"]}, "days": 3}
  )",
          R"(, "working_days": [{"date": "2026-02-14", "name": "Make-up day", "source": "LAW"}])",
          R"([{"to": 2021, "days": ["fri", "sat"]}, {"from": 2022, "days": ["sat", "sun"]}])"));
  auto c = *internal::FindCalendar(*set, "XX");
  EXPECT_THAT(c.Weekend(std::chrono::year{2021}),
              ElementsAre(std::chrono::Friday, std::chrono::Saturday));
  EXPECT_THAT(c.Weekend(std::chrono::year{2026}),
              ElementsAre(std::chrono::Saturday, std::chrono::Sunday));
  EXPECT_FALSE(*c.IsWorkingDay(D("2021-12-31")));  // a Friday in 2021
  EXPECT_TRUE(*c.IsWorkingDay(D("2021-12-26")));   // a Sunday in 2021
  EXPECT_TRUE(*c.IsWorkingDay(D("2026-02-14")));   // a make-up Saturday
  auto info = *c.Describe(D("2026-02-14"));
  EXPECT_TRUE(info.weekend);
  EXPECT_TRUE(info.make_up_working_day);
  EXPECT_FALSE(*c.IsWorkingDay(D("2026-02-15")));
  // Thu 12 Feb + 2 business days: Fri 13, (Sat 14 is a make-up working day).
  EXPECT_EQ(*c.AddBusinessDays(D("2026-02-12"), 2), D("2026-02-14"));
  // + 3: Sun 15 off, 16-18 holidays -> Thu 19.
  EXPECT_EQ(*c.AddBusinessDays(D("2026-02-12"), 3), D("2026-02-19"));
}

TEST(CalendarArithmetic, BusinessDaysRollForwardAndCoverage) {
  auto set = Load("XX.json", File(R"(
    {"name": "Christmas", "rule": {"fixed": "12-25"}},
    {"name": "Boxing Day", "rule": {"fixed": "12-26"}},
    {"name": "New Year", "rule": {"fixed": "01-01"}}
  )"));
  auto c = *internal::FindCalendar(*set, "XX");
  EXPECT_EQ(Calendar::AddDays(D("2026-12-11"), 14), D("2026-12-25"));
  EXPECT_EQ(Calendar::AddDays(D("2026-03-01"), -1), D("2026-02-28"));
  EXPECT_EQ(*c.RollForward(D("2026-12-25")), D("2026-12-28"));
  EXPECT_EQ(*c.RollForward(D("2026-12-23")), D("2026-12-23"));
  EXPECT_EQ(*c.NextWorkingDay(D("2026-12-23")), D("2026-12-24"));
  EXPECT_EQ(*c.AddBusinessDays(D("2026-12-23"), 0), D("2026-12-23"));
  EXPECT_EQ(*c.AddBusinessDays(D("2026-12-23"), 3), D("2026-12-29"));
  EXPECT_EQ(*c.AddBusinessDays(D("2026-12-29"), -3), D("2026-12-23"));
  EXPECT_EQ(*c.AddBusinessDays(D("2026-12-31"), 1), D("2027-01-04"));

  auto outside = c.IsHoliday(D("2031-01-01"));
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.status().code(), ErrorCode::kOutOfRange);
  EXPECT_EQ(outside.status().reason(), "CALENDAR_OUT_OF_COVERAGE");
  EXPECT_FALSE(c.AddBusinessDays(D("2030-12-30"), 5).ok());
  EXPECT_FALSE(c.Holidays(std::chrono::year{2019}).ok());
  EXPECT_TRUE(c.Covers(D("2030-12-31")));
  EXPECT_FALSE(c.Covers(D("2019-12-31")));
}

// "9999-12-25 + 14 days = 10000-01-08" was printed; a count that leaves
// 1900-01-01..9999-12-31 fails.
TEST(CalendarArithmetic, CountsThatLeaveTheDateRangeFail) {
  auto de = Calendar::Find("DE");
  ASSERT_TRUE(de.ok());
  for (auto [from, days] : std::vector<std::pair<char const*, int>>{
           {"9999-12-25", 14}, {"1900-01-05", -14}, {"9999-12-31", 1}}) {
    auto count = CountDays(*de, D(from), days, false, false);
    ASSERT_FALSE(count.ok()) << from;
    EXPECT_EQ(count.status().reason(), "DATE_OUT_OF_RANGE") << from;
    EXPECT_THAT(count.status().message(),
                HasSubstr("fall outside the dates Sanbao handles, 1900-01-01 "
                          "to 9999-12-31"));
  }
  EXPECT_TRUE(CountDays(*de, D("9999-12-17"), 14, false, false).ok());
}

TEST(CalendarArithmetic, PropertiesOnRandomDates) {
  auto set = Load("XX.json", File(R"(
    {"name": "A", "rule": {"fixed": "01-01"}, "observed": "next_free_if_weekend"},
    {"name": "B", "rule": {"easter": 1}},
    {"name": "C", "rule": {"nth_weekday": {"month": 8, "weekday": "mon", "n": 1}}},
    {"name": "D", "rule": {"fixed": "12-25"}, "observed": "next_free_if_weekend"},
    {"name": "E", "rule": {"fixed": "12-26"}, "observed": "next_free_if_weekend"}
  )"));
  auto c = *internal::FindCalendar(*set, "XX");
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<int> day_dist(0, 365 * 9);
  std::uniform_int_distribution<int> n_dist(0, 60);
  auto start = std::chrono::sys_days{D("2020-06-01")};
  for (int i = 0; i < 2000; ++i) {
    CivilDate from{start + std::chrono::days{day_dist(rng)}};
    int n = n_dist(rng);
    auto to = c.AddBusinessDays(from, n);
    ASSERT_TRUE(to.ok()) << to.status();
    // Adding n business days lands on a working day (for n > 0), is never
    // earlier, and going back n business days returns to the roll-back of
    // the start.
    EXPECT_GE(std::chrono::sys_days{*to}, std::chrono::sys_days{from});
    if (n > 0) {
      EXPECT_TRUE(*c.IsWorkingDay(*to));
      auto back = c.AddBusinessDays(*to, -n);
      ASSERT_TRUE(back.ok());
      EXPECT_LE(std::chrono::sys_days{*back}, std::chrono::sys_days{from});
      EXPECT_EQ(*c.AddBusinessDays(*back, n), *to);
    }
    // A roll-forward never moves a date earlier and always lands on a
    // working day.
    auto rolled = c.RollForward(from);
    ASSERT_TRUE(rolled.ok());
    EXPECT_GE(std::chrono::sys_days{*rolled}, std::chrono::sys_days{from});
    EXPECT_TRUE(*c.IsWorkingDay(*rolled));
  }
}

TEST(CalendarLookup, UnknownIdSuggestsRegions) {
  auto set =
      Load("XX.json", File(R"({"name": "A", "rule": {"fixed": "01-01"}})"));
  auto missing = internal::FindCalendar(*set, "XX-Q");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.status().reason(), "CALENDAR_UNKNOWN");
  EXPECT_THAT(missing.status().message(), HasSubstr("XX, XX-N, XX-S"));
}

std::shared_ptr<internal::SubdivisionSet const> Subdivisions(
    std::string const& json) {
  internal::EmbeddedFile file{"ISO3166-2.json", json};
  auto set = internal::LoadSubdivisions(std::span(&file, 1));
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? *set : nullptr;
}

constexpr char kSubdivisions[] =
    R"({"source": {"title": "t", "where": "https://example.org"},
        "countries": {"XX": {"N": "", "S": "", "N1": "N", "N11": "N1",
                             "E": "", "E1": "E"}}})";

TEST(CalendarLookup, SubdivisionsUseTheirOwnTheirParentsOrTheNationalCalendar) {
  auto set =
      Load("XX.json", File(R"({"name": "A", "rule": {"fixed": "01-01"}})"));
  auto subs = Subdivisions(kSubdivisions);
  ASSERT_TRUE(set && subs);
  auto own = internal::FindCalendarForCode(*set, *subs, "xx-n");
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->calendar.id(), "XX-N");
  EXPECT_TRUE(own->missing_region.empty());
  // A district of region N uses N's calendar, however deep.
  auto parent = internal::FindCalendarForCode(*set, *subs, "XX-N11");
  ASSERT_TRUE(parent.ok()) << parent.status();
  EXPECT_EQ(parent->calendar.id(), "XX-N");
  EXPECT_TRUE(parent->missing_region.empty());
  // A subdivision with no calendar in its line: the national one, flagged.
  auto national = internal::FindCalendarForCode(*set, *subs, "XX-E1");
  ASSERT_TRUE(national.ok()) << national.status();
  EXPECT_EQ(national->calendar.id(), "XX");
  EXPECT_EQ(national->missing_region, "XX-E1");
  auto country = internal::FindCalendarForCode(*set, *subs, "XX");
  ASSERT_TRUE(country.ok()) << country.status();
  EXPECT_TRUE(country->missing_region.empty());
  // No subdivision of XX, and no country at all.
  auto bad = internal::FindCalendarForCode(*set, *subs, "XX-Q");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.status().reason(), "SUBDIVISION_UNKNOWN");
  EXPECT_THAT(bad.status().message(),
              HasSubstr("\"XX-Q\" is not an ISO 3166-2 subdivision of XX"));
  auto unknown = internal::FindCalendarForCode(*set, *subs, "YY-N");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
}

TEST(CalendarLookup, SubdivisionDataIsValidated) {
  internal::EmbeddedFile file{"ISO3166-2.json",
                              R"({"source": {"title": "t", "where": "w"},
          "countries": {"XX": {"N1": "N"}}})"};
  auto set = internal::LoadSubdivisions(std::span(&file, 1));
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().reason(), "SUBDIVISION_DATA_INVALID");
  EXPECT_THAT(set.status().message(),
              HasSubstr("countries.XX.N1: parent \"N\" is not a subdivision "
                        "of XX"));
}

// --- the shipped regional calendars -----------------------------------------

bool Holiday(std::string_view calendar, std::string_view date) {
  auto c = Calendar::Find(calendar);
  EXPECT_TRUE(c.ok()) << c.status();
  if (!c.ok()) return false;
  auto working = c->IsWorkingDay(D(date));
  EXPECT_TRUE(working.ok()) << working.status();
  return working.ok() && !*working;
}

TEST(RegionalCalendars, AlsaceMoselleHasGoodFridayAndStStephensDay) {
  // Code du travail L3134-13: Good Friday 2026-04-03 and Friday 2025-12-26.
  for (auto const* id : {"FR-57", "FR-67", "FR-68", "FR-6AE"}) {
    EXPECT_TRUE(Holiday(id, "2026-04-03")) << id;
    EXPECT_TRUE(Holiday(id, "2025-12-26")) << id;
    EXPECT_TRUE(Holiday(id, "2026-07-14")) << id << " keeps the national days";
  }
  EXPECT_FALSE(Holiday("FR", "2026-04-03"));
  EXPECT_FALSE(Holiday("FR", "2025-12-26"));
  EXPECT_FALSE(Holiday("FR-GP", "2025-12-26"));
  EXPECT_TRUE(Holiday("FR-GP", "2026-05-27"));  // abolition of slavery
}

TEST(RegionalCalendars, GermanLaenderDiffer) {
  EXPECT_TRUE(Holiday("DE-BY", "2026-01-06"));  // Epiphany
  EXPECT_FALSE(Holiday("DE-BE", "2026-01-06"));
  EXPECT_FALSE(Holiday("DE-NI", "2026-01-06"));
}

TEST(RegionalCalendars, NorthAmerica) {
  EXPECT_TRUE(Holiday("US-MA", "2026-04-20"));  // Patriots' Day
  EXPECT_FALSE(Holiday("US-TX", "2026-04-20"));
  EXPECT_FALSE(Holiday("US", "2026-04-20"));
  EXPECT_TRUE(Holiday("US-MA", "2026-10-12"));  // Columbus Day (federal)
  EXPECT_TRUE(Holiday("CA-QC", "2026-06-24"));  // Fête nationale
  EXPECT_FALSE(Holiday("CA-ON", "2026-06-24"));
  EXPECT_TRUE(Holiday("CA-BC", "2026-08-03"));  // British Columbia Day
  EXPECT_FALSE(Holiday("CA", "2026-08-03"));
}

TEST(RegionalCalendars, CantonsLaenderCommunitiesStates) {
  // Sechseläuten (third Monday of April, 2026-04-20) is a Zurich custom on
  // which shops close in the afternoon, not a public holiday.
  EXPECT_FALSE(Holiday("CH-ZH", "2026-04-20"));
  EXPECT_TRUE(Holiday("CH-ZH", "2026-04-03"));   // Good Friday
  EXPECT_FALSE(Holiday("CH-TI", "2026-04-03"));  // not in Ticino
  EXPECT_TRUE(Holiday("CH-TI", "2026-06-29"));   // Saints Peter and Paul
  EXPECT_TRUE(Holiday("ES-CT", "2026-09-11"));   // Diada
  EXPECT_FALSE(Holiday("ES-MD", "2026-09-11"));
  EXPECT_TRUE(Holiday("ES-MD", "2026-04-02"));  // Maundy Thursday
  EXPECT_FALSE(Holiday("ES-CT", "2026-04-02"));
  EXPECT_TRUE(Holiday("AU-NSW", "2026-06-08"));  // King's Birthday
  EXPECT_FALSE(Holiday("AU-QLD", "2026-06-08"));
  EXPECT_TRUE(Holiday("BR-SP", "2026-07-09"));  // Revolução Constitucionalista
  EXPECT_FALSE(Holiday("BR-RJ", "2026-07-09"));
  EXPECT_TRUE(Holiday("IT-BZ", "2026-05-25"));  // Whit Monday in South Tyrol
  EXPECT_FALSE(Holiday("IT", "2026-05-25"));
  EXPECT_TRUE(Holiday("AT-9", "2026-12-08"));  // as the national calendar
}

TEST(RegionalCalendars, BuiltInSubdivisions) {
  auto barcelona = internal::CalendarForCode("ES-B");
  ASSERT_TRUE(barcelona.ok()) << barcelona.status();
  EXPECT_EQ(barcelona->calendar.id(), "ES-CT");
  auto london = internal::CalendarForCode("GB-LND");
  ASSERT_TRUE(london.ok()) << london.status();
  EXPECT_EQ(london->calendar.id(), "UK-ENG");
  auto marne = internal::CalendarForCode("FR-51");
  ASSERT_TRUE(marne.ok()) << marne.status();
  EXPECT_EQ(marne->calendar.id(), "FR");
  EXPECT_EQ(marne->missing_region, "FR-51");
  auto jalisco = internal::CalendarForCode("MX-JAL");
  ASSERT_TRUE(jalisco.ok()) << jalisco.status();
  EXPECT_EQ(jalisco->missing_region, "MX-JAL");
  EXPECT_EQ(internal::CalendarForCode("FR-ZZZ").status().code(),
            ErrorCode::kInvalidArgument);
}

struct BadFile {
  std::string json;
  std::string expected;  // a substring of the error message
};

class CalendarValidation : public ::testing::TestWithParam<BadFile> {};

TEST_P(CalendarValidation, RejectsWithFileAndField) {
  auto status = LoadError(GetParam().json);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.reason(), "HOLIDAY_DATA_INVALID");
  EXPECT_THAT(status.message(), HasSubstr("sdk/data/holidays/XX.json"));
  EXPECT_THAT(status.message(), HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    BadFiles, CalendarValidation,
    ::testing::Values(
        BadFile{"{", "invalid JSON at line 1"},
        // A key given twice was read as its last value.
        BadFile{File(R"({"name": "A", "rule": {"fixed": "01-01"}}, {"name": "B",
                   "name": "C", "rule": {"fixed": "01-02"}})"),
                "holidays[1].name: duplicate key \"name\" (line 5, column 25)"},
        BadFile{
            File(
                R"({"name": "A", "rule": {"fixed": "01-01"}, "colour": "red"})"),
            "holidays[0].colour: unknown field"},
        BadFile{File(R"({"rule": {"fixed": "01-01"}})"),
                "holidays[0].name: required field is missing"},
        BadFile{File(R"({"name": "A", "rule": {"fixed": "13-01"}})"),
                "holidays[0].rule.fixed: \"13-01\" is not a month-day"},
        BadFile{File(R"({"name": "A", "rule": {"fixed": "02-29"}})"),
                "holidays[0].rule.fixed"},
        BadFile{
            File(R"({"name": "A", "rule": {"fixed": "01-01", "easter": 1}})"),
            "holidays[0].rule: a rule has exactly one of"},
        BadFile{File(R"({"name": "A", "rule": {"lunar": "01-01"}})"),
                "holidays[0].rule.lunar: unknown rule kind"},
        BadFile{File(R"({"name": "A", "rule": {"dates": ["2026-02-30"]}})"),
                "holidays[0].rule.dates[0]: \"2026-02-30\" is not a date"},
        BadFile{File(R"({"name": "A", "rule": {"dates": ["2040-01-01"]}})"),
                "is outside coverage 2020-2030"},
        BadFile{
            File(
                R"({"name": "A", "rule": {"dates": ["2020-01-01"]}, "annual": true})"),
            "an annual holiday has no date in 2021"},
        BadFile{
            File(
                R"({"name": "A", "rule": {"fixed": "01-01"}, "regions": ["W"]})"),
            "holidays[0].regions[0]: \"W\" is not one of this file's regions"},
        BadFile{
            File(
                R"({"name": "A", "rule": {"fixed": "01-01"}, "source": "NOPE"})"),
            "holidays[0].source: \"NOPE\" is not a key of sources"},
        BadFile{
            File(
                R"({"name": "A", "rule": {"fixed": "01-01"}, "observed": "sometimes"})"),
            "holidays[0].observed: \"sometimes\" is not an observed-day rule"},
        BadFile{
            File(
                R"({"name": "A", "rule": {"nth_weekday": {"month": 5, "weekday": "monday", "n": 1}}})"),
            "holidays[0].rule.nth_weekday.weekday"},
        BadFile{
            File(
                R"({"name": "A", "rule": {"fixed": "01-01"}, "from": 2025, "to": 2024})"),
            "holidays[0].to: is before from"},
        BadFile{File(R"({"name": "A", "rule": {"fixed": "01-01"}})",
                     R"(, "working_days": [{"date": "2026-02-16"}])"),
                "working_days[0].date: 2026-02-16 is not a weekend day"},
        BadFile{File(R"({"name": "A", "rule": {"fixed": "01-01"}})", "",
                     R"([{"from": 2022, "days": ["sat", "sun"]}])"),
                "weekend: no weekend given for 2020"},
        BadFile{
            std::string(
                R"({"id": "YY", "name": "n", "weekend": [], "coverage": {"from": 2020, "to": 2030}, "sources": {}, "holidays": []})"),
            "id: \"YY\" does not match the file name XX.json"},
        BadFile{
            std::string(
                R"({"id": "XX", "name": "n", "weekend": [], "sources": {}, "holidays": []})"),
            "coverage: required field is missing"}));

}  // namespace
}  // namespace sanbao
