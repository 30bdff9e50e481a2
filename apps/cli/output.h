#pragma once

#include <signal.h>

#include <boost/json.hpp>
#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

#include "sanbao/status.h"
#include "sanbao/status_or.h"

namespace sanbao::cli {

/// Exit codes: 0 success, 1 failure inside Sanbao, 2 bad arguments or input.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

/// Prints one line "sanbao: <message>" to stderr and returns the exit code
/// for `status`: 2 for errors in what the user gave us, 1 otherwise.
int ReportError(Status const& status);

/// The contents of the file `path`, or of standard input for "-", read to
/// at most `max_bytes`: a longer input is refused (reason INPUT_TOO_LARGE)
/// with a message naming `what` and the limit, before it fills memory. An
/// unreadable file is CLI_FILE_UNREADABLE. Both are kInvalidArgument.
StatusOr<std::string> ReadInput(std::string const& path, std::size_t max_bytes,
                                std::string_view what);

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
