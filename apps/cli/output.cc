#include "output.h"

#include <pthread.h>

#include <cstdlib>
#include <iostream>

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

int ReportError(Status const& status) {
  std::cerr << "sanbao: " << status.message() << "\n";
  switch (status.code()) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kOutOfRange:
      return kExitUsage;
    default:
      return kExitFailure;
  }
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
