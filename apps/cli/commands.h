#pragma once

#include <CLI/CLI.hpp>

namespace sanbao::cli {

/// Each Add*Commands registers subcommands on `app`; a subcommand's callback
/// stores its exit code in `exit_code`.
void AddCalendarCommands(CLI::App& app, int& exit_code);
void AddDeadlineCommand(CLI::App& app, int& exit_code);
void AddDecideCommand(CLI::App& app, int& exit_code);
/// law list|show: the jurisdiction records, their rules and sources.
void AddLawCommands(CLI::App& app, int& exit_code);
/// returns list|show, refund preview (and the hidden store seed-demo).
void AddReturnsCommands(CLI::App& app, int& exit_code);
/// sandbox ebay: the local eBay simulator.
void AddSandboxCommands(CLI::App& app, int& exit_code);
/// sync: marketplace returns into the store, decisions and refunds back.
void AddSyncCommand(CLI::App& app, int& exit_code);
/// webhooks serve: verified eBay notifications into the store's inbox.
void AddWebhooksCommands(CLI::App& app, int& exit_code);

}  // namespace sanbao::cli
