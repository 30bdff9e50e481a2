#pragma once

#include <signal.h>

#include <boost/json.hpp>
#include <iosfwd>
#include <string>

#include "sanbao/status.h"

namespace sanbao::cli {

/// Exit codes: 0 success, 1 failure inside Sanbao, 2 bad arguments or input.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

/// Prints one line "sanbao: <message>" to stderr and returns the exit code
/// for `status`: 2 for errors in what the user gave us, 1 otherwise.
int ReportError(Status const& status);

/// Prints `value` as pretty JSON followed by a newline.
void PrintJson(std::ostream& os, boost::json::value const& value);

/// `value` when it is set, else the environment variable `name` (empty when
/// that is unset too): credentials may come from either.
std::string OptionOrEnv(std::string const& value, char const* name);

/// For long-running commands: blocks SIGINT and SIGTERM in the calling
/// thread, and so in every thread it starts afterwards, so that only
/// WaitForStopSignal() receives them. Call it before starting threads.
sigset_t BlockStopSignals();
/// Waits for SIGINT or SIGTERM (as blocked by BlockStopSignals) and returns
/// which one arrived.
int WaitForStopSignal(sigset_t const& signals);

}  // namespace sanbao::cli
