// The coalescing VFS (store/sqlite/src/coalescing_vfs.h): one WAL write per
// commit, and otherwise SQLite as without it: what other connections see, every
// synchronous mode, cache spills and rollback, write errors and SIGKILL.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "coalescing_vfs.h"
#include "sqlite_util.h"

namespace sanbao {
namespace {

namespace fs = std::filesystem;
using internal::CoalescingVfs;
using internal::kCoalescingVfsBufferLimit;
using internal::MakeCoalescingVfs;

// A VFS over the default one that counts calls per kind of file, logs WAL
// writes and syncs, and can fail the next write to a WAL file. A test and
// its connections run on one thread, so plain globals are enough.
enum Kind { kMainDb = 0, kWal = 1, kOtherFile = 2, kKinds = 3 };

struct Counters {
  std::atomic<int> writes[kKinds];
  std::atomic<int> reads[kKinds];
  std::atomic<int> largest_wal_write;
  // An SQLite result code the next WAL write returns instead of writing.
  std::atomic<int> fail_next_wal_write;
  // The WAL writes and syncs, in order ("write 32 at 0", "sync").
  std::vector<std::string> wal_log;

  void Reset() {
    for (int k = 0; k < kKinds; ++k) writes[k] = reads[k] = 0;
    largest_wal_write = 0;
    fail_next_wal_write = 0;
    wal_log.clear();
  }
};
Counters counters;

sqlite3_vfs* real_vfs = nullptr;

struct CountingFile {
  sqlite3_file base;
  sqlite3_file* real;
  Kind kind;
};

CountingFile* Counting(sqlite3_file* f) {
  return reinterpret_cast<CountingFile*>(f);
}
sqlite3_file* Real(sqlite3_file* f) { return Counting(f)->real; }
sqlite3_io_methods const* RealMethods(sqlite3_file* f) {
  return Real(f)->pMethods;
}

sqlite3_io_methods const kCountingMethods = {
    3,
    [](sqlite3_file* f) { return RealMethods(f)->xClose(Real(f)); },
    [](sqlite3_file* f, void* data, int amount, sqlite3_int64 offset) {
      ++counters.reads[Counting(f)->kind];
      return RealMethods(f)->xRead(Real(f), data, amount, offset);
    },
    [](sqlite3_file* f, void const* data, int amount, sqlite3_int64 offset) {
      Kind kind = Counting(f)->kind;
      ++counters.writes[kind];
      if (kind == kWal) {
        if (int rc = counters.fail_next_wal_write.exchange(0); rc != 0) {
          return rc;
        }
        int largest = counters.largest_wal_write;
        counters.largest_wal_write = std::max(largest, amount);
        counters.wal_log.push_back("write " + std::to_string(amount) + " at " +
                                   std::to_string(offset));
      }
      return RealMethods(f)->xWrite(Real(f), data, amount, offset);
    },
    [](sqlite3_file* f, sqlite3_int64 size) {
      return RealMethods(f)->xTruncate(Real(f), size);
    },
    [](sqlite3_file* f, int flags) {
      if (Counting(f)->kind == kWal) counters.wal_log.push_back("sync");
      return RealMethods(f)->xSync(Real(f), flags);
    },
    [](sqlite3_file* f, sqlite3_int64* size) {
      return RealMethods(f)->xFileSize(Real(f), size);
    },
    [](sqlite3_file* f, int level) {
      return RealMethods(f)->xLock(Real(f), level);
    },
    [](sqlite3_file* f, int level) {
      return RealMethods(f)->xUnlock(Real(f), level);
    },
    [](sqlite3_file* f, int* out) {
      return RealMethods(f)->xCheckReservedLock(Real(f), out);
    },
    [](sqlite3_file* f, int op, void* arg) {
      return RealMethods(f)->xFileControl(Real(f), op, arg);
    },
    [](sqlite3_file* f) { return RealMethods(f)->xSectorSize(Real(f)); },
    [](sqlite3_file* f) {
      return RealMethods(f)->xDeviceCharacteristics(Real(f));
    },
    [](sqlite3_file* f, int region, int size, int extend, void volatile** out) {
      return RealMethods(f)->xShmMap(Real(f), region, size, extend, out);
    },
    [](sqlite3_file* f, int offset, int n, int flags) {
      return RealMethods(f)->xShmLock(Real(f), offset, n, flags);
    },
    [](sqlite3_file* f) { RealMethods(f)->xShmBarrier(Real(f)); },
    [](sqlite3_file* f, int delete_flag) {
      return RealMethods(f)->xShmUnmap(Real(f), delete_flag);
    },
    [](sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
      return RealMethods(f)->xFetch(Real(f), offset, amount, out);
    },
    [](sqlite3_file* f, sqlite3_int64 offset, void* page) {
      return RealMethods(f)->xUnfetch(Real(f), offset, page);
    },
};

// The same file without shared memory or memory mapping: a first-version
// sqlite3_io_methods, as VFSes for file systems without them offer.
sqlite3_io_methods const kCountingMethodsV1 = [] {
  sqlite3_io_methods m = kCountingMethods;
  m.iVersion = 1;
  m.xShmMap = nullptr;
  m.xShmLock = nullptr;
  m.xShmBarrier = nullptr;
  m.xShmUnmap = nullptr;
  m.xFetch = nullptr;
  m.xUnfetch = nullptr;
  return m;
}();

int OpenCounting(sqlite3_io_methods const* methods, char const* name,
                 sqlite3_file* file, int flags, int* out_flags) {
  auto* f = Counting(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->kind = (flags & SQLITE_OPEN_WAL) != 0       ? kWal
            : (flags & SQLITE_OPEN_MAIN_DB) != 0 ? kMainDb
                                                 : kOtherFile;
  int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
  f->base.pMethods =
      rc == SQLITE_OK && f->real->pMethods != nullptr ? methods : nullptr;
  return rc;
}

constexpr char kCountingName[] = "sanbao-test-counting";
constexpr char kCoalescingOverCountingName[] = "sanbao-test-coalesce-counting";
constexpr char kCountingV1Name[] = "sanbao-test-counting-v1";
constexpr char kCoalescingOverCountingV1Name[] =
    "sanbao-test-coalesce-counting-v1";

/// Registers the counting VFSes and a coalescing VFS over each, once.
void RegisterTestVfses() {
  static bool const registered = [] {
    real_vfs = sqlite3_vfs_find(nullptr);
    // Everything but xOpen is the default VFS's own, with its pAppData.
    static sqlite3_vfs counting = *real_vfs;
    counting.pNext = nullptr;
    counting.zName = kCountingName;
    counting.szOsFile =
        static_cast<int>(sizeof(CountingFile)) + real_vfs->szOsFile;
    counting.xOpen = [](sqlite3_vfs*, char const* name, sqlite3_file* file,
                        int flags, int* out_flags) {
      return OpenCounting(&kCountingMethods, name, file, flags, out_flags);
    };
    static sqlite3_vfs counting_v1 = counting;
    counting_v1.zName = kCountingV1Name;
    counting_v1.xOpen = [](sqlite3_vfs*, char const* name, sqlite3_file* file,
                           int flags, int* out_flags) {
      return OpenCounting(&kCountingMethodsV1, name, file, flags, out_flags);
    };
    return sqlite3_vfs_register(&counting, 0) == SQLITE_OK &&
           sqlite3_vfs_register(&counting_v1, 0) == SQLITE_OK &&
           MakeCoalescingVfs(&counting, kCoalescingOverCountingName) !=
               nullptr &&
           MakeCoalescingVfs(&counting_v1, kCoalescingOverCountingV1Name) !=
               nullptr;
  }();
  ASSERT_TRUE(registered);
}

/// A connection; SQL errors are test failures unless Try() is used.
class Db {
 public:
  Db(std::string const& path, char const* vfs) {
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
    EXPECT_EQ(rc, SQLITE_OK) << path << " " << (vfs ? vfs : "default");
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Db() { sqlite3_close_v2(db_); }
  Db(Db const&) = delete;
  Db& operator=(Db const&) = delete;

  sqlite3* get() const { return db_; }

  int Try(std::string const& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }
  void Exec(std::string const& sql) {
    EXPECT_EQ(Try(sql), SQLITE_OK) << sql << ": " << sqlite3_errmsg(db_);
  }
  /// The first column of the first row, as text.
  std::string Text(std::string const& sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), SQLITE_OK)
        << sql << ": " << sqlite3_errmsg(db_);
    std::string out = "<no row>";
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      auto const* t = sqlite3_column_text(st, 0);
      out = t != nullptr ? reinterpret_cast<char const*>(t) : "<null>";
    } else if (rc != SQLITE_DONE) {
      out = std::string("<error ") + sqlite3_errmsg(db_) + ">";
    }
    sqlite3_finalize(st);
    return out;
  }
  std::int64_t Int(std::string const& sql) {
    std::string text = Text(sql);
    EXPECT_FALSE(text.empty() || text[0] == '<') << sql << ": " << text;
    return text.empty() || text[0] == '<' ? -1 : std::stoll(text);
  }

 private:
  sqlite3* db_ = nullptr;
};

/// Inserts rows first..last into t(n, k, v) with `bytes` random bytes each.
void InsertRows(Db& db, int first, int last, int bytes) {
  db.Exec("WITH RECURSIVE c(x) AS (SELECT " + std::to_string(first) +
          " UNION ALL SELECT x + 1 FROM c WHERE x < " + std::to_string(last) +
          ") INSERT INTO t (n, k, v) SELECT x, (x * 7919) % 1000, "
          "randomblob(" +
          std::to_string(bytes) + ") FROM c");
}

/// What t holds, as one comparable string.
std::string Summary(Db& db) {
  return db.Text(
      "SELECT count(*) || '/' || coalesce(sum(n), 0) || '/' || "
      "coalesce(sum(k), 0) || '/' || coalesce(sum(length(v)), 0) || '/' || "
      "coalesce(sum(unicode(substr(hex(v), 1, 1))), 0) FROM t");
}

constexpr char kCreateTable[] =
    "CREATE TABLE IF NOT EXISTS t (n INTEGER PRIMARY KEY, k INTEGER, v BLOB);"
    "CREATE INDEX IF NOT EXISTS t_k ON t (k)";

class CoalescingVfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterTestVfses();
    ASSERT_NE(CoalescingVfs(), nullptr);
    // SIGKILL and these tests do not depend on fsync reaching a disk; a RAM
    // disk keeps synchronous=FULL cheap where there is one.
    std::error_code ec;
    fs::path base = fs::is_directory("/dev/shm", ec)
                        ? fs::path("/dev/shm")
                        : fs::temp_directory_path();
    auto const* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name =
        std::string(info->test_suite_name()) + "_" + info->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = base / ("sanbao_vfs_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "test.db").string();
    counters.Reset();
  }
  void TearDown() override {
    counters.Reset();
    fs::remove_all(dir_);
  }

  std::int64_t WalSize() const {
    std::error_code ec;
    auto size = fs::file_size(path_ + "-wal", ec);
    return ec ? 0 : static_cast<std::int64_t>(size);
  }

  fs::path dir_;
  std::string path_;
};

/// WAL mode, `synchronous`, and the test table.
void Prepare(Db& db, std::string const& synchronous) {
  EXPECT_EQ(db.Text("PRAGMA journal_mode = WAL"), "wal");
  db.Exec("PRAGMA synchronous = " + synchronous);
  db.Exec(kCreateTable);
}

// 1. The point of it all: a commit of many pages is one write to the WAL.
TEST_F(CoalescingVfsTest, CommitIsOneWalWriteInsteadOfTwoPerPage) {
  constexpr std::int64_t kFrame = 4096 + 24;
  auto commit = [&](char const* vfs, std::string const& path) {
    Db db(path, vfs);
    db.Exec("PRAGMA page_size = 4096");
    Prepare(db, "FULL");
    // No checkpoint (and so no WAL restart) in the middle of the test.
    db.Exec("PRAGMA wal_autocheckpoint = 0");
    InsertRows(db, 1, 1, 10);  // the WAL header and first frames
    counters.Reset();
    std::int64_t before = fs::file_size(path + "-wal");
    db.Exec("BEGIN");
    InsertRows(db, 2, 200, 300);
    db.Exec("COMMIT");
    std::int64_t frames =
        (static_cast<std::int64_t>(fs::file_size(path + "-wal")) - before) /
        kFrame;
    EXPECT_EQ(db.Int("SELECT count(*) FROM t"), 200);
    return std::pair{frames, counters.writes[kWal].load()};
  };

  auto [frames, writes] = commit(kCoalescingOverCountingName, path_);
  EXPECT_GE(frames, 15) << "the transaction should dirty many pages";
  EXPECT_EQ(writes, 1) << frames << " frames";

  auto [plain_frames, plain_writes] =
      commit(kCountingName, (dir_ / "plain.db").string());
  EXPECT_EQ(plain_frames, frames);
  EXPECT_EQ(plain_writes, 2 * plain_frames);
}

// A sync covers the writes before it: after a checkpoint the next commit
// writes the WAL header and syncs it before any frame is written (SQLite's
// guard against reordered writes), then the frames, then the commit's sync.
TEST_F(CoalescingVfsTest, WalSyncsCoverTheWritesBeforeThem) {
  Db db(path_, kCoalescingOverCountingName);
  db.Exec("PRAGMA page_size = 4096");
  Prepare(db, "FULL");
  InsertRows(db, 1, 50, 300);
  EXPECT_EQ(db.Text("PRAGMA wal_checkpoint(TRUNCATE)"), "0");
  counters.Reset();
  InsertRows(db, 51, 100, 300);
  ASSERT_EQ(counters.wal_log.size(), 4u);
  EXPECT_EQ(counters.wal_log[0], "write 32 at 0");
  EXPECT_EQ(counters.wal_log[1], "sync");
  EXPECT_EQ(counters.wal_log[2].rfind("write ", 0), 0u);
  EXPECT_NE(counters.wal_log[2].find(" at 32"), std::string::npos);
  EXPECT_EQ(counters.wal_log[3], "sync");
  EXPECT_EQ(db.Int("SELECT count(*) FROM t"), 100);
}

TEST_F(CoalescingVfsTest, LargeCommitWritesAtMostTheLimitAtATime) {
  Db db(path_, kCoalescingOverCountingName);
  Prepare(db, "FULL");
  db.Exec("PRAGMA wal_autocheckpoint = 0");
  db.Exec("PRAGMA cache_size = -65536");  // no spill: one run of frames
  InsertRows(db, 1, 1, 10);
  counters.Reset();
  std::int64_t before = WalSize();
  db.Exec("BEGIN");
  InsertRows(db, 2, 3000, 1000);
  db.Exec("COMMIT");
  std::int64_t bytes = WalSize() - before;
  ASSERT_GT(bytes, 2 * kCoalescingVfsBufferLimit);
  EXPECT_LE(counters.largest_wal_write.load(), kCoalescingVfsBufferLimit);
  EXPECT_GE(counters.writes[kWal].load(), bytes / kCoalescingVfsBufferLimit);
  EXPECT_LE(counters.writes[kWal].load(),
            bytes / kCoalescingVfsBufferLimit + 3);
  EXPECT_EQ(db.Text("PRAGMA integrity_check"), "ok");
}

// Over a file without shared memory SQLite cannot use WAL, with or without
// the VFS in between, and falls back to its rollback journal.
TEST_F(CoalescingVfsTest, OffersWhatTheWrappedFileOffers) {
  for (char const* vfs : {kCountingV1Name, kCoalescingOverCountingV1Name}) {
    std::string path = (dir_ / (std::string(vfs) + ".db")).string();
    Db db(path, vfs);
    EXPECT_EQ(db.Text("PRAGMA journal_mode = WAL"), "delete") << vfs;
    db.Exec("PRAGMA mmap_size = 1048576");
    db.Exec(kCreateTable);
    InsertRows(db, 1, 100, 300);
    EXPECT_EQ(db.Int("SELECT count(*) FROM t"), 100) << vfs;
    EXPECT_EQ(db.Text("PRAGMA integrity_check"), "ok") << vfs;
  }
}

TEST_F(CoalescingVfsTest, OpenDatabaseUsesIt) {
  auto db = internal::OpenDatabase(path_, true, std::chrono::seconds(1), "test",
                                   true);
  ASSERT_TRUE(db.ok()) << db.status();
  sqlite3_vfs* vfs = nullptr;
  ASSERT_EQ(
      sqlite3_file_control(db->get(), "main", SQLITE_FCNTL_VFS_POINTER, &vfs),
      SQLITE_OK);
  EXPECT_EQ(vfs, CoalescingVfs());
  char* name = nullptr;
  ASSERT_EQ(
      sqlite3_file_control(db->get(), "main", SQLITE_FCNTL_VFSNAME, &name),
      SQLITE_OK);
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(std::string(name).rfind("sanbao-coalesce/", 0), 0u) << name;
  sqlite3_free(name);
}

// 2. Every commit is visible to other connections, with and without the
// VFS, in every synchronous mode, and survives checkpoints.
class CoalescingVfsSyncTest
    : public CoalescingVfsTest,
      public ::testing::WithParamInterface<char const*> {};

TEST_P(CoalescingVfsSyncTest, OtherConnectionsSeeEveryCommit) {
  Db writer(path_, internal::kCoalescingVfsName);
  Prepare(writer, GetParam());
  Db shim_reader(path_, internal::kCoalescingVfsName);
  Db plain_reader(path_, nullptr);
  auto check = [&](int rows) {
    std::string expected = Summary(writer);
    ASSERT_EQ(writer.Int("SELECT count(*) FROM t"), rows);
    ASSERT_EQ(Summary(shim_reader), expected) << rows;
    ASSERT_EQ(Summary(plain_reader), expected) << rows;
  };
  int rows = 0;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 40; ++i) {
      writer.Exec("BEGIN");
      InsertRows(writer, rows + 1, rows + 5, 200 + 50 * i);
      writer.Exec("UPDATE t SET v = randomblob(100) WHERE n = " +
                  std::to_string(rows / 2 + 1));
      writer.Exec("COMMIT");
      rows += 5;
      check(rows);
      if (HasFatalFailure()) return;
      // A single-page commit now and then.
      writer.Exec("UPDATE t SET v = randomblob(50) WHERE n = " +
                  std::to_string(rows));
      check(rows);
      if (HasFatalFailure()) return;
    }
    EXPECT_EQ(writer.Text("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(plain_reader.Text("PRAGMA integrity_check"), "ok");
    // The next commit restarts the WAL from its start.
    EXPECT_EQ(writer.Text("PRAGMA wal_checkpoint(TRUNCATE)"), "0");
    EXPECT_EQ(WalSize(), 0);
    check(rows);
  }
  EXPECT_EQ(shim_reader.Text("PRAGMA integrity_check"), "ok");
}

INSTANTIATE_TEST_SUITE_P(Synchronous, CoalescingVfsSyncTest,
                         ::testing::Values("FULL", "NORMAL", "OFF"),
                         [](auto const& info) {
                           return std::string(info.param);
                         });

// 3. A transaction larger than the page cache spills frames into the WAL and
// reads them back, and SQLite overwrites and re-checksums them; rollback
// discards them.
TEST_P(CoalescingVfsSyncTest, CacheSpillAndRollback) {
  std::string before;
  {
    Db db(path_, kCoalescingOverCountingName);
    Prepare(db, GetParam());
    db.Exec("PRAGMA cache_size = 1");
    InsertRows(db, 1, 100, 100);
    counters.Reset();

    db.Exec("BEGIN");
    InsertRows(db, 101, 3000, 300);
    EXPECT_EQ(db.Int("SELECT count(*) FROM t"), 3000);
    db.Exec("UPDATE t SET v = randomblob(200), k = k + 1 WHERE n % 3 = 0");
    EXPECT_EQ(db.Int("SELECT sum(length(v)) FROM t WHERE n % 3 = 0"),
              1000 * 200);
    db.Exec("COMMIT");
    EXPECT_GT(counters.reads[kWal].load(), 0) << "no page was read back";
    EXPECT_EQ(db.Int("SELECT count(*) FROM t"), 3000);
    EXPECT_EQ(db.Text("PRAGMA integrity_check"), "ok");
    before = Summary(db);

    db.Exec("BEGIN");
    db.Exec("DELETE FROM t WHERE n % 2 = 0");
    InsertRows(db, 3001, 5000, 250);
    db.Exec("UPDATE t SET v = zeroblob(10) WHERE n % 5 = 0");
    EXPECT_EQ(db.Int("SELECT count(*) FROM t"), 1500 + 2000);
    db.Exec("ROLLBACK");
    EXPECT_EQ(Summary(db), before);
    EXPECT_EQ(db.Text("PRAGMA integrity_check"), "ok");

    // And the WAL is still good for the next commit.
    InsertRows(db, 3001, 3010, 100);
    db.Exec("DELETE FROM t WHERE n > 3000");
    EXPECT_EQ(Summary(db), before);
  }
  Db plain(path_, nullptr);
  EXPECT_EQ(Summary(plain), before);
  EXPECT_EQ(plain.Text("PRAGMA integrity_check"), "ok");
}

// 4. A failing write fails the commit, even when it is the deferred one,
// and leaves the database as it was.
class CoalescingVfsErrorTest
    : public CoalescingVfsTest,
      public ::testing::WithParamInterface<std::tuple<char const*, int>> {};

TEST_P(CoalescingVfsErrorTest, FailedWalWriteFailsTheCommit) {
  auto [synchronous, code] = GetParam();
  Db db(path_, kCoalescingOverCountingName);
  Prepare(db, synchronous);
  InsertRows(db, 1, 50, 300);
  std::string before = Summary(db);

  counters.fail_next_wal_write = code;
  db.Exec("BEGIN");
  InsertRows(db, 51, 80, 300);
  db.Exec("UPDATE t SET k = -1 WHERE n <= 10");
  int rc = db.Try("COMMIT");
  EXPECT_EQ(counters.fail_next_wal_write.load(), 0) << "nothing was written";
  EXPECT_EQ(rc & 0xff, code & 0xff) << sqlite3_errstr(rc);
  if (sqlite3_get_autocommit(db.get()) == 0) db.Try("ROLLBACK");

  EXPECT_EQ(Summary(db), before);
  {
    Db other(path_, nullptr);
    EXPECT_EQ(Summary(other), before);
    EXPECT_EQ(other.Text("PRAGMA integrity_check"), "ok");
  }
  // The connection goes on.
  InsertRows(db, 51, 60, 300);
  EXPECT_EQ(db.Int("SELECT count(*) FROM t"), 60);
  EXPECT_EQ(db.Text("PRAGMA integrity_check"), "ok");
  Db other(path_, nullptr);
  EXPECT_EQ(Summary(other), Summary(db));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, CoalescingVfsErrorTest,
    ::testing::Combine(::testing::Values("FULL", "NORMAL", "OFF"),
                       ::testing::Values(SQLITE_IOERR_WRITE, SQLITE_FULL)),
    [](auto const& info) {
      return std::string(std::get<0>(info.param)) +
             (std::get<1>(info.param) == SQLITE_FULL ? "_Full" : "_IoErrWrite");
    });

// 5. SIGKILL at a random moment loses no commit that had returned: with
// synchronous=FULL, and with NORMAL, which keeps commits across a crash of
// the process too (only not across one of the machine).
TEST_F(CoalescingVfsTest, SigkillLosesNoReturnedCommit) {
  constexpr int kRounds = 20;
  std::mt19937 rng(20261212);
  std::uniform_int_distribution<int> delay_ms(5, 80);
  std::int64_t reported_total = 0;
  for (int round = 0; round < kRounds; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      sqlite3* db = nullptr;
      if (sqlite3_open_v2(path_.c_str(), &db,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                          internal::kCoalescingVfsName) != SQLITE_OK) {
        ::_exit(2);
      }
      sqlite3_busy_timeout(db, 5000);
      auto exec = [&](std::string const& sql) {
        if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) !=
            SQLITE_OK) {
          ::_exit(3);
        }
      };
      exec("PRAGMA journal_mode = WAL");
      exec(round % 2 == 0 ? "PRAGMA synchronous = FULL"
                          : "PRAGMA synchronous = NORMAL");
      exec(kCreateTable);
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(db, "SELECT coalesce(max(n), 0) FROM t", -1, &st,
                         nullptr);
      if (sqlite3_step(st) != SQLITE_ROW) ::_exit(4);
      int n = sqlite3_column_int(st, 0);
      sqlite3_finalize(st);
      for (int i = 0; i < 100000; ++i) {
        ++n;
        exec("BEGIN");
        exec("INSERT INTO t (n, k, v) VALUES (" + std::to_string(n) + ", " +
             std::to_string(n % 1000) + ", randomblob(" +
             std::to_string(100 + (n * 37) % 6000) + "))");
        exec("COMMIT");
        if (::write(fds[1], &n, sizeof n) != static_cast<ssize_t>(sizeof n)) {
          ::_exit(5);
        }
      }
      ::_exit(0);
    }
    ::close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) ||
                (WIFEXITED(status) && WEXITSTATUS(status) == 0))
        << "round " << round << ": child exit status "
        << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    std::vector<int> reported;
    for (int n;
         ::read(fds[0], &n, sizeof n) == static_cast<ssize_t>(sizeof n);) {
      reported.push_back(n);
    }
    ::close(fds[0]);
    reported_total += static_cast<std::int64_t>(reported.size());

    Db db(path_, nullptr);
    ASSERT_EQ(db.Text("PRAGMA integrity_check"), "ok") << "round " << round;
    if (reported.empty()) continue;
    std::int64_t rows = db.Int("SELECT count(*) FROM t");
    std::int64_t max = db.Int("SELECT max(n) FROM t");
    // Rows are committed in order, one per transaction: no gaps, and every
    // reported one is there (at most one more, committed but not reported).
    EXPECT_EQ(rows, max) << "round " << round;
    EXPECT_GE(max, reported.back()) << "round " << round;
    EXPECT_LE(max, reported.back() + 1) << "round " << round;
    EXPECT_EQ(db.Int("SELECT count(*) FROM t WHERE n = " +
                     std::to_string(reported.back())),
              1);
  }
  EXPECT_GT(reported_total, 0) << "no child committed anything";
}

}  // namespace
}  // namespace sanbao
