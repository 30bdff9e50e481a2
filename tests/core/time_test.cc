#include "sanbao/time.h"

#include <gtest/gtest.h>

namespace sanbao {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

CivilDate D(int y, unsigned m, unsigned d) {
  return CivilDate{year{y}, month{m}, day{d}};
}

TEST(CivilDate, ParseAndFormat) {
  auto d = ParseCivilDate("2026-12-23");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, D(2026, 12, 23));
  EXPECT_EQ(FormatCivilDate(*d), "2026-12-23");
  EXPECT_EQ(FormatCivilDateWithWeekday(*d), "2026-12-23 (Wed)");
  EXPECT_EQ(*ParseCivilDate("2024-02-29"), D(2024, 2, 29));
}

TEST(CivilDate, RejectsBadInput) {
  for (auto text : {"", "2026-2-3", "2026-02-30", "2025-02-29", "2026-13-01",
                    "2026-00-10", "20261223", "2026-12-23T00:00:00Z",
                    "2026/12/23", " 2026-12-23", "abcd-ef-gh"}) {
    auto d = ParseCivilDate(text);
    EXPECT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().code(), ErrorCode::kInvalidArgument) << text;
    EXPECT_EQ(d.status().reason(), "DATE_INVALID") << text;
  }
}

// Years of 10000 and more and negative ones printed as dates; what is read
// stays within 1900-01-01..9999-12-31, so that every date prints.
TEST(CivilDate, RangeIsRead1900To9999) {
  EXPECT_TRUE(ParseCivilDate("1900-01-01").ok());
  EXPECT_TRUE(ParseCivilDate("9999-12-31").ok());
  for (auto text : {"1899-12-31", "0000-01-01", "0005-01-01"}) {
    auto d = ParseCivilDate(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(d.status().reason(), "DATE_OUT_OF_RANGE") << text;
    EXPECT_EQ(d.status().message(),
              "\"" + std::string(text) +
                  "\" is outside the dates Sanbao reads, 1900-01-01 to "
                  "9999-12-31");
  }
  EXPECT_TRUE(InCivilDateRange(D(2026, 12, 25)));
  EXPECT_FALSE(InCivilDateRange(D(10000, 1, 1)));
  EXPECT_FALSE(InCivilDateRange(D(-10, 12, 25)));
  EXPECT_FALSE(InCivilDateRange(D(2026, 2, 30)));
}

TEST(Instant, RangeIsRead1900To9999InUtcToo) {
  EXPECT_TRUE(ParseInstant("1900-01-01T00:00:00Z").ok());
  EXPECT_TRUE(ParseInstant("9999-12-31T23:59:59Z").ok());
  for (auto text : {"1899-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
                    "1900-01-01T00:30:00+01:00", "9999-12-31T23:00:00-02:00"}) {
    auto i = ParseInstant(text);
    ASSERT_FALSE(i.ok()) << text;
    EXPECT_EQ(i.status().reason(), "INSTANT_OUT_OF_RANGE") << text;
  }
}

TEST(Weekday, Names) {
  EXPECT_EQ(WeekdayName(std::chrono::Monday), "Monday");
  EXPECT_EQ(WeekdayShortName(std::chrono::Sunday), "Sun");
}

TEST(Instant, ParseRfc3339) {
  auto a = ParseInstant("2026-12-23T10:15:00Z");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(FormatInstant(*a), "2026-12-23T10:15:00Z");
  auto b = ParseInstant("2026-12-23T11:15:00+01:00");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
  auto c = ParseInstant("2026-12-23T05:15:00.123456-05:00");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*a, *c);
  EXPECT_EQ(FormatInstant(*ParseInstant("1970-01-01T00:00:00Z")),
            "1970-01-01T00:00:00Z");
}

TEST(Instant, RejectsBadInput) {
  for (auto text : {"", "2026-12-23", "2026-12-23T10:15:00",
                    "2026-12-23T24:00:00Z", "2026-12-23T10:15Z",
                    "2026-12-23T10:15:00+1:00", "2026-12-23T10:15:00.Z",
                    "2026-12-23T10:15:00Zjunk", "2026-02-30T10:15:00Z"}) {
    auto i = ParseInstant(text);
    EXPECT_FALSE(i.ok()) << text;
    EXPECT_EQ(i.status().reason(), "INSTANT_INVALID") << text;
  }
}

TEST(TimeZone, LocalDateAcrossMidnight) {
  // 23:30 UTC on 31 Dec is already 1 Jan in Berlin (UTC+1) and Shanghai,
  // still 31 Dec in New York.
  auto t = *ParseInstant("2026-12-31T23:30:00Z");
  EXPECT_EQ(*LocalDate(t, "Europe/Berlin"), D(2027, 1, 1));
  EXPECT_EQ(*LocalDate(t, "Asia/Shanghai"), D(2027, 1, 1));
  EXPECT_EQ(*LocalDate(t, "America/New_York"), D(2026, 12, 31));
  EXPECT_EQ(*LocalDate(t, "UTC"), D(2026, 12, 31));
}

TEST(TimeZone, DaylightSavingOffsets) {
  auto berlin = TimeZone::Find("Europe/Berlin");
  ASSERT_TRUE(berlin.ok());
  EXPECT_EQ(berlin->name(), "Europe/Berlin");
  EXPECT_EQ(berlin->UtcOffset(*ParseInstant("2026-01-15T12:00:00Z")),
            std::chrono::hours(1));
  EXPECT_EQ(berlin->UtcOffset(*ParseInstant("2026-07-15T12:00:00Z")),
            std::chrono::hours(2));
  // EU summer time ends on the last Sunday of October (Directive 2000/84/EC).
  EXPECT_EQ(berlin->UtcOffset(*ParseInstant("2026-10-25T00:59:59Z")),
            std::chrono::hours(2));
  EXPECT_EQ(berlin->UtcOffset(*ParseInstant("2026-10-25T01:00:00Z")),
            std::chrono::hours(1));
}

TEST(TimeZone, StartAndEndOfDay) {
  auto berlin = *TimeZone::Find("Europe/Berlin");
  EXPECT_EQ(FormatInstant(berlin.StartOfDay(D(2026, 12, 28))),
            "2026-12-27T23:00:00Z");
  EXPECT_EQ(FormatInstant(berlin.EndOfDay(D(2026, 12, 28))),
            "2026-12-28T22:59:59Z");
  // Santiago de Chile starts DST at midnight: 2026-09-06 00:00 does not
  // exist and the day starts at 01:00 local (UTC-3).
  auto santiago = *TimeZone::Find("America/Santiago");
  EXPECT_EQ(FormatInstant(santiago.StartOfDay(D(2026, 9, 6))),
            "2026-09-06T04:00:00Z");
}

TEST(TimeZone, UnknownZoneIsAClearError) {
  auto z = TimeZone::Find("Europe/Atlantis");
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(z.status().reason(), "TIME_ZONE_UNKNOWN");
  EXPECT_NE(z.status().message().find("Europe/Atlantis"), std::string::npos);
  EXPECT_FALSE(LocalDate(Instant{}, "").ok());
}

// "localtime" was found (a file of /usr/share/zoneinfo that points at the
// host's /etc/localtime), so a decision followed the machine it ran on.
TEST(TimeZone, OnlyIanaNamesAreFound) {
  for (auto name :
       {"localtime", "posixrules", "Factory", "posix/Europe/Berlin",
        "right/Europe/Berlin", "Europe/Berlin/", "../zoneinfo/UTC"}) {
    auto z = TimeZone::Find(name);
    EXPECT_FALSE(z.ok()) << name;
    EXPECT_EQ(z.status().reason(), "TIME_ZONE_UNKNOWN") << name;
  }
  EXPECT_NE(TimeZone::Find("localtime")
                .status()
                .message()
                .find("the host's own zone"),
            std::string::npos);
  // Zones and the database's links (backward names) are IANA names.
  for (auto name : {"Europe/Berlin", "UTC", "Etc/UTC", "US/Pacific", "EST",
                    "America/Argentina/Buenos_Aires"}) {
    EXPECT_TRUE(TimeZone::Find(name).ok()) << name;
  }
}

TEST(Quote, EscapesWhatCouldMoveATerminal) {
  EXPECT_EQ(QuoteForMessage("DE"), "\"DE\"");
  EXPECT_EQ(QuoteForMessage("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(QuoteForMessage("\x1b[2J\nfake\r\t\x7f"),
            "\"\\x1B[2J\\x0Afake\\x0D\\x09\\x7F\"");
  // UTF-8 stays readable; C1 controls, direction marks and bytes that are
  // not UTF-8 do not.
  EXPECT_EQ(QuoteForMessage("M\u00fcnchen \u5317\u4eac"),
            "\"M\u00fcnchen \u5317\u4eac\"");
  EXPECT_EQ(QuoteForMessage("\xc2\x9b"
                            "2J"),
            "\"\\u{009B}2J\"");
  EXPECT_EQ(QuoteForMessage("abc\u202Egpj.exe"), "\"abc\\u{202E}gpj.exe\"");
  EXPECT_EQ(QuoteForMessage("\xff\xc3"), "\"\\xFF\\xC3\"");
  EXPECT_EQ(QuoteForMessage("\xed\xa0\x80"), "\"\\xED\\xA0\\x80\"");
  // Cut after the limit, never inside a character.
  EXPECT_EQ(QuoteForMessage("abcdef", 4), "\"abcd...\"");
  EXPECT_EQ(QuoteForMessage("ab\u00fc", 3), "\"ab...\"");
  EXPECT_EQ(EscapeForMessage("say \"hi\"\n"), "say \"hi\"\\x0A");
}

}  // namespace
}  // namespace sanbao
