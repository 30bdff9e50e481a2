// Crash test: store_crash_writer is killed with SIGKILL at random moments,
// many times; after each kill the database must be intact and consistent,
// and in the end no refund, outbox entry or event exists twice.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;

constexpr int kItems = 6000;
constexpr int kKills = 60;
constexpr unsigned kSeed = 20261211;

class Db {
 public:
  explicit Db(std::string const& path) {
    EXPECT_EQ(
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr),
        SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Db() { sqlite3_close(db_); }
  Db(Db const&) = delete;
  Db& operator=(Db const&) = delete;

  std::string Text(char const* sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql, -1, &st, nullptr), SQLITE_OK) << sql;
    std::string out = "<no row>";
    if (sqlite3_step(st) == SQLITE_ROW) {
      auto const* t = sqlite3_column_text(st, 0);
      out = t ? reinterpret_cast<char const*>(t) : "<null>";
    }
    sqlite3_finalize(st);
    return out;
  }
  std::int64_t Int(char const* sql) { return std::stoll(Text(sql)); }
  std::set<std::string> Column(char const* sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql, -1, &st, nullptr), SQLITE_OK) << sql;
    std::set<std::string> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
      out.insert(reinterpret_cast<char const*>(sqlite3_column_text(st, 0)));
    }
    sqlite3_finalize(st);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

/// Starts the writer; returns its pid. Its stderr goes to `err`.
pid_t Spawn(std::string const& db, std::string const& remote,
            std::string const& err, bool from_zero) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) ::dup2(fd, 2);
    std::string count = std::to_string(kItems);
    char const* argv[] = {SANBAO_CRASH_WRITER,
                          db.c_str(),
                          remote.c_str(),
                          count.c_str(),
                          from_zero ? "--from-zero" : nullptr,
                          nullptr};
    ::execv(SANBAO_CRASH_WRITER, const_cast<char* const*>(argv));
    ::_exit(127);
  }
  return pid;
}

std::string Slurp(std::string const& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Invariants that hold after any crash. `existed`: the file was there
/// after an earlier round.
void CheckConsistent(std::string const& path, int round, bool existed) {
  // Killed before it even created the database file (a slow start under a
  // sanitizer): nothing was written, so nothing to check. Once created, the
  // file never goes away.
  if (!fs::exists(path)) {
    EXPECT_FALSE(existed) << "round " << round << ": the database vanished";
    return;
  }
  Db db(path);
  ASSERT_EQ(db.Text("PRAGMA integrity_check"), "ok") << "round " << round;
  // Killed before its first migration committed (a slow start, e.g. under
  // a sanitizer): migrations are one transaction, so there is no schema at
  // all — and nothing else to check.
  if (db.Int(
          "SELECT count(*) FROM sqlite_master WHERE name = 'schema_version'") ==
      0) {
    EXPECT_EQ(db.Int("SELECT count(*) FROM sqlite_master WHERE type = 'table'"),
              0)
        << "round " << round << ": tables without a schema version";
    return;
  }
  EXPECT_EQ(db.Text("PRAGMA foreign_key_check"), "<no row>")
      << "round " << round;
  // Each refund once, with exactly one outbox entry, and the other way round.
  EXPECT_EQ(
      db.Int("SELECT count(*) - count(DISTINCT idempotency_key) FROM refunds"),
      0);
  EXPECT_EQ(
      db.Int(
          "SELECT count(*) FROM refunds f WHERE (SELECT count(*) FROM outbox o "
          "WHERE o.idempotency_key = f.idempotency_key AND o.subject_id = "
          "f.id) != 1"),
      0)
      << "round " << round;
  EXPECT_EQ(db.Int("SELECT count(*) FROM outbox o WHERE NOT EXISTS "
                   "(SELECT 1 FROM refunds f WHERE f.id = o.subject_id)"),
            0);
  // The state change and the refund committed together.
  EXPECT_EQ(db.Int("SELECT count(*) FROM returns r WHERE r.state = 'resolved' "
                   "AND NOT EXISTS "
                   "(SELECT 1 FROM refunds f WHERE f.return_id = r.id)"),
            0)
      << "round " << round;
  EXPECT_EQ(db.Int("SELECT count(*) FROM refunds f WHERE NOT EXISTS (SELECT 1 "
                   "FROM returns r "
                   "WHERE r.id = f.return_id AND r.state = 'resolved')"),
            0)
      << "round " << round;
  // The events are exactly the histories.
  EXPECT_EQ(
      db.Int("SELECT count(*) FROM returns r WHERE r.history_len != "
             "(SELECT count(*) FROM return_events e WHERE e.return_id = r.id)"),
      0)
      << "round " << round;
  // The cursor commits with the refund, so it never runs ahead of them.
  EXPECT_LE(db.Int("SELECT coalesce((SELECT CAST(cursor AS INTEGER) FROM "
                   "sync_cursors), 0) - "
                   "(SELECT count(*) FROM refunds)"),
            0)
      << "round " << round;
}

/// Every effect marked done was confirmed by the remote side first.
void CheckDoneWereSent(std::string const& path, std::string const& remote) {
  std::set<std::string> sent;
  std::ifstream in(remote);
  for (std::string line; std::getline(in, line);) sent.insert(line);
  Db db(path);
  for (auto const& key : db.Column(
           "SELECT idempotency_key FROM outbox WHERE done_at IS NOT NULL")) {
    EXPECT_TRUE(sent.count(key)) << key << " marked done but never sent";
  }
}

TEST(StoreCrashTest, SigkillAtRandomMomentsLosesAndDuplicatesNothing) {
  // SIGKILL loses what the process had not handed to the kernel; it does not
  // lose the page cache, so fsync adds nothing to this test but time. Prefer
  // a RAM disk where there is one (synchronous=FULL stays on).
  std::error_code ec;
  fs::path base = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm")
                                                   : fs::temp_directory_path();
  fs::path dir = base / ("sanbao_crash_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string db = (dir / "crash.db").string();
  std::string remote = (dir / "remote.log").string();
  std::string err = (dir / "writer.err").string();

  std::mt19937 rng(kSeed);
  std::uniform_int_distribution<int> delay_ms(5, 120);
  int killed = 0;
  int finished = 0;
  bool existed = false;
  auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < kKills; ++round) {
    pid_t pid = Spawn(db, remote, err, false);
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) {
      ASSERT_EQ(WTERMSIG(status), SIGKILL) << Slurp(err);
      ++killed;
    } else {
      ASSERT_TRUE(WIFEXITED(status));
      ASSERT_EQ(WEXITSTATUS(status), 0) << Slurp(err);
      ++finished;
    }
    CheckConsistent(db, round, existed);
    if (HasFatalFailure()) return;
    existed = existed || fs::exists(db);
  }
  bool has_schema =
      existed &&
      Db(db).Int(
          "SELECT count(*) FROM sqlite_master WHERE name = 'schema_version'") >
          0;
  if (has_schema) CheckDoneWereSent(db, remote);
  std::int64_t reached =
      has_schema ? Db(db).Int("SELECT count(*) FROM refunds") : 0;

  // Finish the work, then replay all of it from the start: nothing doubles.
  for (bool from_zero : {false, true}) {
    pid_t pid = Spawn(db, remote, err, from_zero);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << Slurp(err);
    CheckConsistent(db, kKills, /*existed=*/true);
    Db d(db);
    EXPECT_EQ(d.Int("SELECT count(*) FROM refunds"), kItems);
    EXPECT_EQ(d.Int("SELECT count(DISTINCT idempotency_key) FROM refunds"),
              kItems);
    EXPECT_EQ(d.Int("SELECT count(*) FROM outbox"), kItems);
    EXPECT_EQ(d.Int("SELECT count(*) FROM idempotency_keys"), kItems);
    EXPECT_EQ(d.Int("SELECT count(*) FROM returns WHERE state = 'resolved'"),
              kItems);
    EXPECT_EQ(d.Int("SELECT count(*) FROM return_events"), 2 * kItems);
    EXPECT_EQ(d.Int("SELECT count(*) FROM orders"), kItems / 4);
    EXPECT_EQ(d.Int("SELECT count(*) FROM outbox WHERE done_at IS NULL"), 0);
    EXPECT_EQ(
        d.Int("SELECT count(*) FROM outbox WHERE remote_ref != 'remote-' || "
              "idempotency_key"),
        0);
  }
  CheckDoneWereSent(db, remote);
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  std::printf(
      "crash test: %d runs killed with SIGKILL, %d finished before the kill, "
      "%lld of %d items "
      "done by then, %lld ms\n",
      killed, finished, static_cast<long long>(reached), kItems,
      static_cast<long long>(elapsed.count()));
  // Without at least one kill mid-work the test would prove nothing; how
  // many land mid-work depends on the machine's speed, so no more is asked.
  EXPECT_GT(killed, 0) << "no SIGKILL landed while the writer was working";
  fs::remove_all(dir);
}

}  // namespace
