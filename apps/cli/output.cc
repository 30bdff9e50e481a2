#include "output.h"

#include <pthread.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>

#include "sanbao/http/log.h"

namespace sanbao::cli {
namespace {

void Pretty(std::ostream& os, boost::json::value const& v, int indent) {
  std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
  switch (v.kind()) {
    case boost::json::kind::object: {
      auto const& o = v.get_object();
      if (o.empty()) {
        os << "{}";
        return;
      }
      os << "{\n";
      bool first = true;
      for (auto const& kv : o) {
        if (!first) os << ",\n";
        first = false;
        os << pad << "  "
           << boost::json::serialize(boost::json::string(kv.key())) << ": ";
        Pretty(os, kv.value(), indent + 1);
      }
      os << "\n" << pad << "}";
      return;
    }
    case boost::json::kind::array: {
      auto const& a = v.get_array();
      if (a.empty()) {
        os << "[]";
        return;
      }
      os << "[\n";
      bool first = true;
      for (auto const& e : a) {
        if (!first) os << ",\n";
        first = false;
        os << pad << "  ";
        Pretty(os, e, indent + 1);
      }
      os << "\n" << pad << "]";
      return;
    }
    default:
      os << boost::json::serialize(v);
  }
}

}  // namespace

namespace {

// One line, and nothing in it a terminal would act on, whatever the message
// quotes (a request's values, a remote answer).
void PrintError(Status const& status) {
  std::cerr << "sanbao: " << PrintableText(RedactForLog(status.message()))
            << "\n";
}

}  // namespace

int ExitCodeFor(Status const& status) {
  if (status.ok()) return kExitOk;
  // A remote system's answer says nothing about our arguments: eBay's 400
  // is a failure of the run, not a usage error.
  auto const& domain = status.error_info().domain;
  if (!domain.empty() && domain != "sanbao") return kExitFailure;
  switch (status.code()) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kOutOfRange:
      return kExitUsage;
    default:
      return kExitFailure;
  }
}

int ReportError(Status const& status) {
  PrintError(status);
  return ExitCodeFor(status);
}

int ReportFailure(Status const& status) {
  PrintError(status);
  return kExitFailure;
}

StatusOr<std::string> ReadInput(std::string const& path, std::size_t max_bytes,
                                std::string_view what) {
  auto unreadable = [&](int error) {
    return InvalidArgumentError(
        "cannot read " + QuoteForMessage(path) + ": " + std::strerror(error),
        "CLI_FILE_UNREADABLE", {{"file", path}});
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> owned(nullptr, &std::fclose);
  std::FILE* in = stdin;
  if (path != "-") {
    owned.reset(std::fopen(path.c_str(), "rb"));
    if (owned == nullptr) return unreadable(errno);
    in = owned.get();
  }
  std::string text;
  char buffer[1 << 16];
  while (text.size() <= max_bytes) {
    std::size_t n = std::fread(buffer, 1, sizeof buffer, in);
    text.append(buffer, n);
    if (n < sizeof buffer) {
      if (std::ferror(in)) return unreadable(errno);
      break;
    }
  }
  if (text.size() > max_bytes) {
    std::string where = path == "-" ? "standard input" : QuoteForMessage(path);
    return InvalidArgumentError(
        std::string(what) + " (" + where + ") is larger than " +
            std::to_string(max_bytes) + " bytes, the most accepted",
        "INPUT_TOO_LARGE",
        {{"file", path}, {"limit_bytes", std::to_string(max_bytes)}});
  }
  return text;
}

void PrintJson(std::ostream& os, boost::json::value const& value) {
  Pretty(os, value, 0);
  os << "\n";
}

std::string OptionOrEnv(std::string const& value, char const* name) {
  if (!value.empty()) return value;
  char const* env = std::getenv(name);
  return env == nullptr ? std::string() : std::string(env);
}

sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int WaitForStopSignal(sigset_t const& signals) {
  int received = 0;
  sigwait(&signals, &received);
  return received;
}

}  // namespace sanbao::cli
