// sanbao decide FILE|- [--explain]: decide a return claim from a request (or
// a conformance case file) and print the decision as JSON, or for a person.
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "commands.h"
#include "output.h"
#include "sanbao/policy/engine.h"

namespace sanbao::cli {
namespace {

struct DecideArgs {
  std::string file;
  bool explain = false;
  bool json =
      false;  // the default; accepted so that every command takes --json
};

// The explanation quotes the request (item ids, exclusions): written to a
// string, then printed with nothing in it a terminal would act on.
void WriteExplained(std::ostream& out, Decision const& d);

void PrintExplained(Decision const& d) {
  std::ostringstream text;
  WriteExplained(text, d);
  std::istringstream lines(text.str());
  for (std::string line; std::getline(lines, line);) {
    std::cout << PrintableText(line) << "\n";
  }
}

void WriteExplained(std::ostream& out, Decision const& d) {
  out << (d.eligible ? "ELIGIBLE" : "NOT ELIGIBLE")
      << " — basis: " << BasisName(d.basis);
  if (d.deadline) out << ", until " << FormatCivilDateWithWeekday(*d.deadline);
  out << "\n";
  if (d.statutory_deadline && d.basis != Basis::kStatutoryWithdrawal &&
      d.basis != Basis::kStatutoryReturn) {
    out << "Statutory right: until "
        << FormatCivilDateWithWeekday(*d.statutory_deadline) << "\n";
  }
  if (!d.exclusion.empty()) out << "Exemption: " << d.exclusion << "\n";
  if (!d.remedies.empty()) {
    out << "Remedies:";
    for (auto r : d.remedies) out << " " << RemedyName(r);
    out << "\n";
  }
  if (d.refund) out << "Refund: " << d.refund->ToStringWithCode() << "\n";
  if (d.refund_due_by) {
    out << "Refund due by: " << FormatCivilDateWithWeekday(*d.refund_due_by)
        << "\n";
  }
  if (d.return_shipping_paid_by) {
    out << "Return shipping paid by: " << PartyName(*d.return_shipping_paid_by)
        << "\n";
  }
  if (d.deduction_allowed) {
    out << "Deduction for diminished value: "
        << (*d.deduction_allowed ? "allowed" : "not allowed") << "\n";
  }
  out << "Why:\n";
  auto lines = Explain(d);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out << "  " << (i + 1) << ". " << lines[i] << "\n";
  }
  out << "Sources:\n";
  for (auto const& c : d.citations) {
    out << "  [" << c.id << "] " << c.title;
    if (!c.where.empty()) out << " <" << c.where << ">";
    out << "\n";
  }
  for (auto const& w : d.warnings) out << "Warning: " << w << "\n";
}

int Decide(DecideArgs const& args) {
  auto text = ReadInput(args.file, kMaxDecisionRequestBytes, "the request");
  if (!text) return ReportError(text.status());
  auto request = ParseDecisionRequest(*text);
  if (!request) return ReportError(request.status());
  auto engine = PolicyEngine::Create();
  if (!engine) return ReportError(engine.status());
  auto decision = engine->Decide(*request);
  if (!decision) return ReportError(decision.status());
  if (args.explain) {
    PrintExplained(*decision);
  } else {
    PrintJson(std::cout, boost::json::parse(DecisionToJson(*decision)));
  }
  return kExitOk;
}

}  // namespace

void AddDecideCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<DecideArgs>();
  auto* cmd = app.add_subcommand(
      "decide",
      "Decide a return claim under the buyer's law, the marketplace's and the "
      "seller's policy, with citations");
  cmd->add_option(
         "file", a->file,
         "A decision request or conformance case (JSON); - reads stdin")
      ->required();
  cmd->add_flag("--explain", a->explain, "Print the decision for a person");
  cmd->add_flag("--json", a->json, "JSON output (the default)");
  cmd->callback([&exit_code, a] { exit_code = Decide(*a); });
}

}  // namespace sanbao::cli
