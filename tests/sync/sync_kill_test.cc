// `sanbao sync` killed with SIGKILL at random moments, again and again, and
// rerun each time: no return goes missing and none is refunded twice.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include "sanbao/store/sqlite_store.h"
#include "sandbox_harness.h"
#include "store_util.h"

namespace sanbao {
inline namespace v1 {
namespace {

using testing_util::SandboxHarness;

constexpr char kNowText[] = "2026-11-20T12:00:00Z";

struct Outcome {
  bool killed = false;
  int exit_code = -1;
  std::chrono::milliseconds took{0};
};

// Runs `sanbao sync` against `url`; kills it after `kill_after` unless it
// finished first.
Outcome RunSync(std::string const& url, std::string const& db,
                ebay::EbaySandboxOptions const& o,
                std::optional<std::chrono::milliseconds> kill_after) {
  std::vector<std::string> args = {SANBAO_CLI,
                                   "sync",
                                   "--ebay-url",
                                   url,
                                   "--db",
                                   db,
                                   "--client-id",
                                   o.client_id,
                                   "--client-secret",
                                   o.client_secret,
                                   "--refresh-token",
                                   o.refresh_token,
                                   "--now",
                                   kNowText,
                                   "--page-size",
                                   "50",
                                   "--no-progress"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    FILE* null = std::fopen("/dev/null", "w");
    if (null != nullptr) {
      dup2(fileno(null), STDOUT_FILENO);
      dup2(fileno(null), STDERR_FILENO);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  Outcome out;
  auto const start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
  };
  if (kill_after) {
    auto deadline = start + *kill_after;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        out.took = elapsed();
        return out;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    kill(pid, SIGKILL);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  out.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  out.took = elapsed();
  return out;
}

TEST(SyncKillTest, KilledRunsLoseNothingAndNeverRefundTwice) {
  auto db = (std::filesystem::temp_directory_path() /
             ("sanbao_sync_kill_" + std::to_string(::getpid()) + ".db"))
                .string();
  auto remove = [&] {
    for (auto const* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(db + suffix);
    }
  };
  remove();
  ebay::EbaySandboxOptions o;
  o.returns = 2500;
  o.seed = 5;
  Instant now = *ParseInstant(kNowText);
  o.clock = [now] { return now; };
  o.now = now;
  SandboxHarness sandbox(o);

  // Kill moments are drawn from the length of the last run that finished
  // (stretched when a run outlives it), so a fast machine, where a run with
  // little left to do ends in tens of milliseconds, gets its kills as surely
  // as a slow one, and a slow one still sees runs complete.
  std::mt19937 rng(20261123);
  std::uniform_real_distribution<double> fraction(0.02, 1.5);
  std::chrono::milliseconds run_length{1200};
  int kills = 0;
  int completed = 0;
  for (int i = 0; i < 250 && kills < 25; ++i) {
    auto delay = std::chrono::milliseconds(std::max<std::int64_t>(
        2, static_cast<std::int64_t>(fraction(rng) *
                                     static_cast<double>(run_length.count()))));
    auto outcome = RunSync(sandbox.url(), db, o, delay);
    if (outcome.killed) {
      ++kills;
      // Killed past the estimate: runs take longer than the last one did.
      run_length = std::max(run_length, delay);
    } else {
      ASSERT_EQ(outcome.exit_code, 0) << "run " << i;
      ++completed;
      run_length = std::max(outcome.took, std::chrono::milliseconds(10));
      // New returns keep arriving, so later runs have work to be killed in.
      ServerRequest add;
      add.method = "POST";
      add.target = "/sandbox/v1/returns";
      add.headers = {{"Content-Type", "application/json"}};
      add.body = R"({"count": 150})";
      ASSERT_EQ(sandbox.sandbox().Handle(add).status / 100, 2);
    }
  }
  EXPECT_GE(kills, 20) << "completed runs: " << completed;

  auto last = RunSync(sandbox.url(), db, o, std::nullopt);
  ASSERT_FALSE(last.killed);
  ASSERT_EQ(last.exit_code, 0);

  auto stats = sandbox.sandbox().Stats();
  EXPECT_LE(stats.max_refunds_per_return, 1);
  EXPECT_TRUE(stats.returns_refunded_more_than_once.empty());
  EXPECT_GT(stats.refunds_issued, 0);

  auto store = OpenSqliteStore({.path = db, .create_if_missing = false});
  ASSERT_TRUE(store.ok()) << store.status();
  std::int64_t stored = testing_util::CountReturns(**store);
  EXPECT_EQ(stored, stats.returns);
  std::cout << "SIGKILLs: " << kills << ", completed runs: " << completed
            << ", returns: " << stats.returns
            << ", refunds issued: " << stats.refunds_issued << "\n";
  auto pending = (*store)->PendingEffects(10);
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
  store->reset();
  remove();
}

}  // namespace
}  // namespace v1
}  // namespace sanbao
