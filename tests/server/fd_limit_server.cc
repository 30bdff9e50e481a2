// The child of http_server_test's descriptor-limit test: lowers
// RLIMIT_NOFILE to argv[1] descriptors, starts an HttpServer with two io
// threads and max_connections argv[2] (0: derived from the limit) that
// answers every request 200 "ok", and prints its port. Then, for each line
// on stdin, prints the CPU time the process has used so far in
// microseconds (getrusage RUSAGE_SELF, every thread); at the end of stdin it
// stops the server and exits 0. Read and idle timeouts are a minute, so
// that no idle connection is closed by a timeout while the test runs.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sanbao/server/http_server.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fd_limit_server FDS MAX_CONNECTIONS\n");
    return 2;
  }
  rlimit limit{};
  limit.rlim_cur = limit.rlim_max = std::strtoul(argv[1], nullptr, 10);
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    std::perror("setrlimit");
    return 1;
  }
  sanbao::HttpServerOptions options;
  options.threads = 2;
  options.read_timeout = std::chrono::minutes(1);
  options.idle_timeout = std::chrono::minutes(1);
  options.max_connections = std::strtoul(argv[2], nullptr, 10);
  auto server = sanbao::HttpServer::Start(options, [](auto const&) {
    return sanbao::HttpResponse{.status = 200, .body = "ok"};
  });
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  std::printf("%u\n", static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);
  char line[64];
  while (std::fgets(line, sizeof line, stdin) != nullptr) {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    long long micros =
        (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000LL +
        usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
    std::printf("%lld\n", micros);
    std::fflush(stdout);
  }
  (*server)->Stop();
  return 0;
}
