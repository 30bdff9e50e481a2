#pragma once

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

}  // namespace sanbao::cli
