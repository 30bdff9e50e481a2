// The calendar engine on small, hand-made data files: every rule kind, the
// observed-day rules, coverage, and the validation errors.
#include "sanbao/policy/calendar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "calendar_impl.h"

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
