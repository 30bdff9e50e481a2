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

/// The exit codes of every command (README, "Exit codes"):
///   0  done: everything asked for was done. A decision that a claim is not
///      eligible and returns the seller's rules leave for review are results,
///      not failures.
///   1  failure: the command could not do its work for a reason other than
///      its arguments: a marketplace or network error (whatever HTTP status
///      it answered with), a store that cannot be read or written, an
///      internal error.
///   2  usage: bad arguments or input: an unknown option, a malformed or
///      invalid request or rules file, missing credentials, a file or store
///      that is not there.
///   3  partial: the command finished, but some of its items failed (a sync
///      whose summary counts errors: those returns are listed, and the next
///      run tries them again).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitPartial = 3;

/// The exit code for a command that failed with `status`: 2 for
/// kInvalidArgument, kNotFound and kOutOfRange raised by Sanbao itself about
/// what the user gave; 1 for any other code and for every error a remote
/// system answered with (its ErrorInfo domain is not "sanbao": "ebay",
/// "oauth", ...), even a 400 or 404.
int ExitCodeFor(Status const& status);

/// Prints one line "sanbao: <message>" to stderr and returns
/// ExitCodeFor(status).
int ReportError(Status const& status);
/// Prints like ReportError and returns 1 whatever the status: for errors in
/// the work a command does once its arguments were accepted (a sync run).
int ReportFailure(Status const& status);

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
