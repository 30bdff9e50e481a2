// sanbao — the command-line face of the Sanbao SDK.
#include <iostream>
#include <string>

#include "commands.h"
#include "output.h"
#include "sanbao/version.h"

int main(int argc, char** argv) {
  using sanbao::cli::kExitUsage;
  CLI::App app{"Sanbao: cross-border returns, refunds and the law behind them",
               "sanbao"};
  app.set_version_flag("--version", std::string(sanbao::kVersion));
  app.require_subcommand(1);
  int exit_code = -1;  // set by the callback of the command that ran
  sanbao::cli::AddCalendarCommands(app, exit_code);
  sanbao::cli::AddDeadlineCommand(app, exit_code);
  sanbao::cli::AddDecideCommand(app, exit_code);
  sanbao::cli::AddLawCommands(app, exit_code);
  sanbao::cli::AddReturnsCommands(app, exit_code);
  sanbao::cli::AddSandboxCommands(app, exit_code);
  sanbao::cli::AddSyncCommand(app, exit_code);
  sanbao::cli::AddWebhooksCommands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (CLI::CallForHelp const& e) {
    return app.exit(e);
  } catch (CLI::CallForAllHelp const& e) {
    return app.exit(e);
  } catch (CLI::CallForVersion const& e) {
    return app.exit(e);
  } catch (CLI::ParseError const& e) {
    // One clear line; --help has the details.
    std::cerr << "sanbao: " << e.what() << " (see sanbao --help)\n";
    return kExitUsage;
  }
  if (exit_code < 0) {
    std::string command;
    for (auto const* sub : app.get_subcommands()) command = sub->get_name();
    std::cerr << "sanbao: " << command << " needs a subcommand (see sanbao "
              << command << " --help)\n";
    return kExitUsage;
  }
  return exit_code;
}
