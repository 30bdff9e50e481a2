// sanbao deadline: when does a period that starts with a delivery end?
//
// Until the policy engine decides claims from the law as data, this command
// shows the clock underneath every decision: an instant turned into the
// buyer's local date, a day count on the buyer's calendar, a roll-over and
// the last instant of the last day.
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "output.h"
#include "sanbao/policy/day_count.h"

namespace sanbao::cli {
namespace {

namespace json = boost::json;

struct DeadlineArgs {
  std::string jurisdiction;
  std::string zone;
  std::string delivered;
  int days = 14;
  bool no_rollover = false;
  bool json = false;
};

std::string LocalTime(TimeZone const& zone, Instant instant) {
  auto offset = zone.UtcOffset(instant);
  auto local = instant + offset;
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::hh_mm_ss<std::chrono::seconds> tod{local - day};
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d",
                static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()));
  return buf;
}

int Deadline(DeadlineArgs const& args) {
  auto calendar = Calendar::Find(args.jurisdiction);
  if (!calendar) return ReportError(calendar.status());
  auto zone = TimeZone::Find(args.zone);
  if (!zone) return ReportError(zone.status());
  auto delivered = ParseInstant(args.delivered);
  if (!delivered) return ReportError(delivered.status());
  if (args.days < 1) {
    return ReportError(
        InvalidArgumentError("--days must be at least 1", "CLI_BAD_ARGUMENTS"));
  }
  auto local = zone->LocalDate(*delivered);
  auto count = CountDays(*calendar, local, args.days, false, !args.no_rollover);
  if (!count) return ReportError(count.status());
  auto end = zone->EndOfDay(count->result);

  std::vector<std::string> trace;
  trace.push_back(
      "Delivered " + FormatInstant(*delivered) + " = " +
      FormatCivilDateWithWeekday(local) + " " + LocalTime(*zone, *delivered) +
      " in " + std::string(zone->name()) + " (the buyer's civil date counts)");
  trace.insert(trace.end(), count->trace.begin(), count->trace.end());
  trace.push_back("The period ends at the end of " +
                  FormatCivilDateWithWeekday(count->result) + ", 24:00 " +
                  std::string(zone->name()) + " = " + FormatInstant(end));

  if (args.json) {
    json::array t;
    for (auto const& line : trace) t.push_back(json::string(line));
    PrintJson(std::cout,
              json::object{{"calendar", calendar->id()},
                           {"time_zone", zone->name()},
                           {"delivered", FormatInstant(*delivered)},
                           {"delivered_local_date", FormatCivilDate(local)},
                           {"days", args.days},
                           {"rollover", !args.no_rollover},
                           {"last_day", FormatCivilDate(count->result)},
                           {"deadline", FormatInstant(end)},
                           {"trace", std::move(t)}});
    return kExitOk;
  }
  std::cout << args.days << "-day period for a buyer in " << calendar->id()
            << " (" << calendar->name() << "): last day "
            << FormatCivilDateWithWeekday(count->result) << ", until "
            << FormatInstant(end) << "\n";
  for (std::size_t i = 0; i < trace.size(); ++i) {
    std::cout << "  " << (i + 1) << ". " << trace[i] << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddDeadlineCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<DeadlineArgs>();
  auto* cmd = app.add_subcommand(
      "deadline",
      "The end of an N-day period that starts with a delivery, explained");
  cmd->add_option("--jurisdiction,-j", a->jurisdiction,
                  "The buyer's calendar id, e.g. DE-BE")
      ->required();
  cmd->add_option("--zone,-z", a->zone,
                  "The buyer's IANA time zone, e.g. Europe/Berlin")
      ->required();
  cmd->add_option("--delivered", a->delivered,
                  "Delivery instant, RFC 3339, e.g. 2026-12-11T16:20:00Z")
      ->required();
  cmd->add_option("--days", a->days, "Length of the period in calendar days")
      ->default_val(14)
      ->check(CLI::Range(1, 3660));
  cmd->add_flag("--no-rollover", a->no_rollover,
                "Do not move a last day that is not a working day");
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->callback([&exit_code, a] { exit_code = Deadline(*a); });
}

}  // namespace sanbao::cli
