// sanbao calendar list | holidays ID YEAR | day ID DATE | add-days ...
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "output.h"
#include "sanbao/policy/day_count.h"

namespace sanbao::cli {
namespace {

namespace json = boost::json;

json::object HolidayJson(Holiday const& h) {
  return {{"date", FormatCivilDate(h.date)},
          {"weekday", WeekdayShortName(
                          std::chrono::weekday{std::chrono::sys_days{h.date}})},
          {"name", h.name},
          {"name_en", h.name_en},
          {"observed", h.observed},
          {"regional", h.regional},
          {"source", h.source}};
}

int Holidays(std::string const& id, int year, bool as_json) {
  auto calendar = Calendar::Find(id);
  if (!calendar) return ReportError(calendar.status());
  auto holidays = calendar->Holidays(std::chrono::year{year});
  if (!holidays) return ReportError(holidays.status());
  if (as_json) {
    json::array list;
    for (auto const& h : *holidays) list.push_back(HolidayJson(h));
    PrintJson(std::cout, json::object{{"calendar", calendar->id()},
                                      {"name", calendar->name()},
                                      {"year", year},
                                      {"holidays", std::move(list)}});
    return kExitOk;
  }
  std::cout << "Public holidays in " << calendar->id() << " ("
            << calendar->name() << "), " << year << "\n";
  for (auto const& h : *holidays) {
    std::cout << "  " << FormatCivilDate(h.date) << "  "
              << WeekdayShortName(
                     std::chrono::weekday{std::chrono::sys_days{h.date}})
              << "  " << h.name;
    if (!h.name_en.empty() && h.name_en != h.name)
      std::cout << " (" << h.name_en << ")";
    if (h.regional) std::cout << "  [regional]";
    std::cout << "\n";
  }
  std::cout << holidays->size() << " days\n";
  return kExitOk;
}

int List(bool as_json) {
  auto ids = Calendar::Ids();
  if (ids.empty()) return ReportError(Calendar::Find("DE").status());
  json::array list;
  for (auto const& id : ids) {
    auto c = Calendar::Find(id);
    if (!c) return ReportError(c.status());
    if (as_json) {
      list.push_back(
          json::object{{"id", id},
                       {"name", c->name()},
                       {"first_year", static_cast<int>(c->first_year())},
                       {"last_year", static_cast<int>(c->last_year())}});
    } else {
      std::cout << id << "\t" << c->name() << "\t"
                << static_cast<int>(c->first_year()) << "-"
                << static_cast<int>(c->last_year()) << "\n";
    }
  }
  if (as_json) PrintJson(std::cout, list);
  return kExitOk;
}

int Day(std::string const& id, std::string const& date_text, bool as_json) {
  auto calendar = Calendar::Find(id);
  if (!calendar) return ReportError(calendar.status());
  auto date = ParseCivilDate(date_text);
  if (!date) return ReportError(date.status());
  auto info = calendar->Describe(*date);
  if (!info) return ReportError(info.status());
  if (as_json) {
    json::array holidays;
    for (auto const& h : info->holidays) holidays.push_back(HolidayJson(h));
    PrintJson(std::cout,
              json::object{{"calendar", calendar->id()},
                           {"date", FormatCivilDate(*date)},
                           {"working_day", info->working_day},
                           {"weekend", info->weekend},
                           {"make_up_working_day", info->make_up_working_day},
                           {"holidays", std::move(holidays)}});
    return kExitOk;
  }
  std::cout << FormatCivilDateWithWeekday(*date) << " in " << calendar->id()
            << ": "
            << (info->working_day
                    ? std::string(
                          info->make_up_working_day
                              ? "a working day (a weekend day declared one)"
                              : "a working day")
                    : "not a working day: " + WhyNotWorking(*info))
            << "\n";
  return kExitOk;
}

struct AddDaysArgs {
  std::string jurisdiction;
  std::string from;
  int days = 0;
  bool business = false;
  bool rollover = false;
  bool json = false;
};

int AddDays(AddDaysArgs const& args) {
  auto calendar = Calendar::Find(args.jurisdiction);
  if (!calendar) return ReportError(calendar.status());
  auto from = ParseCivilDate(args.from);
  if (!from) return ReportError(from.status().WithMetadata("field", "--from"));
  if (args.business && args.rollover) {
    return ReportError(InvalidArgumentError(
        "--rollover has no meaning with --business: a business-day count "
        "always ends on a working day",
        "CLI_BAD_ARGUMENTS"));
  }
  auto count =
      CountDays(*calendar, *from, args.days, args.business, args.rollover);
  if (!count) return ReportError(count.status());
  if (args.json) {
    json::array trace;
    for (auto const& line : count->trace) trace.push_back(json::string(line));
    PrintJson(
        std::cout,
        json::object{
            {"calendar", calendar->id()},
            {"from", FormatCivilDate(*from)},
            {"days", args.days},
            {"unit", args.business ? "business_days" : "calendar_days"},
            {"rollover", args.rollover},
            {"day_n", FormatCivilDate(count->before_rollover)},
            {"result", FormatCivilDate(count->result)},
            {"result_weekday", WeekdayShortName(std::chrono::weekday{
                                   std::chrono::sys_days{count->result}})},
            {"trace", std::move(trace)}});
    return kExitOk;
  }
  std::cout << FormatCivilDateWithWeekday(*from) << " + " << args.days
            << (args.business ? " business" : " calendar") << " days in "
            << calendar->id() << " (" << calendar->name() << ")"
            << (args.rollover ? ", rolled over to a working day" : "") << " = "
            << FormatCivilDateWithWeekday(count->result) << "\n";
  for (std::size_t i = 0; i < count->trace.size(); ++i) {
    std::cout << "  " << (i + 1) << ". " << count->trace[i] << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddCalendarCommands(CLI::App& app, int& exit_code) {
  auto* calendar = app.add_subcommand(
      "calendar",
      "Public holidays, working days and day counts per jurisdiction");
  // No require_subcommand: an unknown word then reads "not expected: word",
  // and main() reports a missing subcommand.

  auto* list = calendar->add_subcommand("list", "List every calendar id");
  auto list_json = std::make_shared<bool>(false);
  list->add_flag("--json", *list_json, "Print JSON");
  list->callback([&exit_code, list_json] { exit_code = List(*list_json); });

  struct HolidaysArgs {
    std::string id;
    int year = 0;
    bool json = false;
  };
  auto h = std::make_shared<HolidaysArgs>();
  auto* holidays = calendar->add_subcommand(
      "holidays", "Public holidays of a jurisdiction in a year");
  holidays
      ->add_option("jurisdiction", h->id, "Calendar id, e.g. DE-BY, US-CA, CN")
      ->required();
  holidays->add_option("year", h->year, "Year, e.g. 2027")
      ->required()
      ->check(CLI::Range(1900, 2200));
  holidays->add_flag("--json", h->json, "Print JSON");
  holidays->callback(
      [&exit_code, h] { exit_code = Holidays(h->id, h->year, h->json); });

  struct DayArgs {
    std::string id;
    std::string date;
    bool json = false;
  };
  auto d = std::make_shared<DayArgs>();
  auto* day =
      calendar->add_subcommand("day", "Is a date a working day, and why");
  day->add_option("jurisdiction", d->id, "Calendar id")->required();
  day->add_option("date", d->date, "Date, YYYY-MM-DD")->required();
  day->add_flag("--json", d->json, "Print JSON");
  day->callback([&exit_code, d] { exit_code = Day(d->id, d->date, d->json); });

  auto a = std::make_shared<AddDaysArgs>();
  auto* add = calendar->add_subcommand(
      "add-days",
      "Add calendar or business days to a date, with the reasoning");
  add->add_option("--jurisdiction,-j", a->jurisdiction,
                  "Calendar id, e.g. DE-BE")
      ->required();
  add->add_option("--from", a->from, "Start date, YYYY-MM-DD (day 0)")
      ->required();
  add->add_option("--days", a->days, "Number of days (negative counts back)")
      ->required()
      ->check(CLI::Range(-3660, 3660));
  add->add_flag("--business", a->business,
                "Count working days only (no weekends, no public holidays)");
  add->add_flag("--rollover", a->rollover,
                "If the last day is not a working day, move it to the next one "
                "(EU Regulation 1182/71 Art. 3(4), BGB §193)");
  add->add_flag("--json", a->json, "Print JSON");
  add->callback([&exit_code, a] { exit_code = AddDays(*a); });
}

}  // namespace sanbao::cli
