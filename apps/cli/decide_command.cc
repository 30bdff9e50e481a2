// sanbao decide FILE|- [--explain]: decide a return claim from a request (or
// a conformance case file) and print the decision as JSON, or for a person.
#include <iostream>
#include <memory>
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

void PrintExplained(Decision const& d) {
  std::cout << (d.eligible ? "ELIGIBLE" : "NOT ELIGIBLE")
            << " — basis: " << BasisName(d.basis);
  if (d.deadline)
    std::cout << ", until " << FormatCivilDateWithWeekday(*d.deadline);
  std::cout << "\n";
  if (d.statutory_deadline && d.basis != Basis::kStatutoryWithdrawal &&
      d.basis != Basis::kStatutoryReturn) {
    std::cout << "Statutory right: until "
              << FormatCivilDateWithWeekday(*d.statutory_deadline) << "\n";
  }
  if (!d.exclusion.empty()) std::cout << "Exemption: " << d.exclusion << "\n";
  if (!d.remedies.empty()) {
    std::cout << "Remedies:";
    for (auto r : d.remedies) std::cout << " " << RemedyName(r);
    std::cout << "\n";
  }
  if (d.refund) std::cout << "Refund: " << d.refund->ToStringWithCode() << "\n";
  if (d.refund_due_by) {
    std::cout << "Refund due by: "
              << FormatCivilDateWithWeekday(*d.refund_due_by) << "\n";
  }
  if (d.return_shipping_paid_by) {
    std::cout << "Return shipping paid by: "
              << PartyName(*d.return_shipping_paid_by) << "\n";
  }
  if (d.deduction_allowed) {
    std::cout << "Deduction for diminished value: "
              << (*d.deduction_allowed ? "allowed" : "not allowed") << "\n";
  }
  std::cout << "Why:\n";
  auto lines = Explain(d);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::cout << "  " << (i + 1) << ". " << lines[i] << "\n";
  }
  std::cout << "Sources:\n";
  for (auto const& c : d.citations) {
    std::cout << "  [" << c.id << "] " << c.title;
    if (!c.where.empty()) std::cout << " <" << c.where << ">";
    std::cout << "\n";
  }
  for (auto const& w : d.warnings) std::cout << "Warning: " << w << "\n";
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
