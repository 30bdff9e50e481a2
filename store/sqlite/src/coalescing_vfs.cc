// The coalescing VFS (coalescing_vfs.h).
//
// When the buffer of a WAL file is written. A write that continues the
// buffered run (starts where it ends) is appended; anything else writes the
// buffer first, as one write of the wrapped file:
// - a write that does not continue the run, or would take the buffer past
//   kCoalescingVfsBufferLimit;
// - any other method of that file (read, sync, truncate, size, locks, file
//   controls, shared memory, fetch, close), so SQLite never sees the file
//   without its own writes; xSectorSize and xDeviceCharacteristics only
//   describe the device and leave the buffer alone;
// - any shared-memory method of the database file the WAL belongs to. SQLite
//   calls xShmMap/xShmLock/xShmBarrier on the database file, never on the
//   WAL file, and it publishes a commit to other connections by updating
//   the wal-index there (a barrier between the two header copies, then the
//   write lock released). So the frames reach the file before anyone can be
//   told they exist, whatever PRAGMA synchronous says. xOpen finds that
//   database file with sqlite3_database_file_object();
// - the page that completes a commit frame (a frame header whose "database
//   size after commit" field is non-zero). With synchronous=FULL the commit's
//   xSync would write the buffer anyway, but with NORMAL or OFF the next call
//   is the barrier, which returns nothing: writing here lets an error fail
//   the commit instead of being found later. It is still one write per
//   commit, since the commit frame is the last frame SQLite appends.
//
// Errors. A write of the buffer that fails drops the buffer and its error is
// returned by the method that caused it (xWrite, xRead, xSync, ...), before
// that method does anything else; SQLite then rolls the transaction back and
// the frames it had written are not part of the WAL. Methods that release
// something (xUnlock, an unlocking xShmLock, xShmUnmap, xUnfetch) still
// release it, and SQLite ignores what most of them return; xShmBarrier
// returns nothing. So after those the error is kept and returned by the next
// method of the WAL file or of its database's shared memory, such as the
// lock that starts the next transaction (xClose returns it at the latest).
//
// SQLite uses a file from one thread at a time (its connection's), and a WAL
// file and its database file belong to the same connection, so none of this
// needs a lock.
#include "coalescing_vfs.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <type_traits>

namespace sanbao {
inline namespace v1 {
namespace internal {
namespace {

// From the WAL file format: a 32-byte file header, then frames of a 24-byte
// header and a page; bytes 4..7 of a frame header are the database size
// after a commit, zero in frames that do not end a transaction.
constexpr sqlite3_int64 kWalHeaderSize = 32;
constexpr int kWalFrameHeaderSize = 24;

struct Vfs {
  sqlite3_vfs base;
  sqlite3_vfs* inner;
  std::string name;
};

sqlite3_vfs* InnerVfs(sqlite3_vfs* vfs) {
  return static_cast<Vfs*>(vfs->pAppData)->inner;
}

// SQLite allocates szOsFile bytes per file; ours start with this header
// (which SQLite sees as the sqlite3_file) and the wrapped file follows it.
struct alignas(8) File {
  sqlite3_file base;
  // What base.pMethods points to: our methods, less those the wrapped file
  // lacks, so SQLite sees the same capabilities (WAL support, mmap) as it
  // would without us.
  sqlite3_io_methods methods;
  sqlite3_file* inner;
  char const* vfs_name;
  // A WAL file: its database file; a database file: its open WAL file.
  File* peer;
  // WAL files only: the buffered run of writes, bytes [start, start + size)
  // of the file.
  unsigned char* buffer;
  sqlite3_int64 start;
  int size;
  int capacity;
  // Where the latest write to this file ended; -1 before the first.
  sqlite3_int64 end;
  // An error of a buffer write that no method could return yet.
  int deferred_rc;
  bool coalesce;
  // The buffer ends with the header of a commit frame; its page comes next.
  bool commit_pending;
};
static_assert(std::is_standard_layout_v<File>);
static_assert(std::is_trivially_destructible_v<File>);
static_assert(sizeof(File) % 8 == 0, "the wrapped file follows, 8-aligned");

File* AsFile(sqlite3_file* file) { return reinterpret_cast<File*>(file); }

sqlite3_io_methods const& InnerMethods(File* f) { return *f->inner->pMethods; }

// Writes the buffer out and empties it. Returns the first error: one kept
// from earlier, then the write's.
int Flush(File* f) {
  int rc = f->deferred_rc;
  f->deferred_rc = SQLITE_OK;
  f->commit_pending = false;
  if (f->size > 0) {
    int size = f->size;
    f->size = 0;
    int wrc = InnerMethods(f).xWrite(f->inner, f->buffer, size, f->start);
    if (rc == SQLITE_OK) rc = wrc;
  }
  return rc;
}

// Flush() for the shared-memory methods of a database file: its WAL's
// buffer too.
int FlushWithWal(File* f) {
  int rc = Flush(f);
  if (!f->coalesce && f->peer != nullptr) {
    int wal_rc = Flush(f->peer);
    if (rc == SQLITE_OK) rc = wal_rc;
  }
  return rc;
}

// For methods that cannot fail usefully: the error waits for the next
// method of the file whose buffer it was.
void FlushOrDefer(File* f) {
  if (int rc = Flush(f); rc != SQLITE_OK) f->deferred_rc = rc;
  if (!f->coalesce && f->peer != nullptr) {
    if (int rc = Flush(f->peer); rc != SQLITE_OK) f->peer->deferred_rc = rc;
  }
}

bool Reserve(File* f, int needed) {
  if (needed <= f->capacity) return true;
  int capacity =
      std::max(needed, std::min(kCoalescingVfsBufferLimit,
                                std::max(64 * 1024, f->capacity * 2)));
  void* grown =
      sqlite3_realloc64(f->buffer, static_cast<sqlite3_uint64>(capacity));
  if (grown == nullptr) return false;
  f->buffer = static_cast<unsigned char*>(grown);
  f->capacity = capacity;
  return true;
}

bool IsCommitFrameHeader(void const* data, int amount, sqlite3_int64 offset) {
  if (amount != kWalFrameHeaderSize || offset < kWalHeaderSize) return false;
  auto const* bytes = static_cast<unsigned char const*>(data);
  return (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
}

int Close(sqlite3_file* file) {
  File* f = AsFile(file);
  int rc = Flush(f);
  if (f->peer != nullptr) {
    if (f->peer->peer == f) f->peer->peer = nullptr;
    f->peer = nullptr;
  }
  int close_rc = InnerMethods(f).xClose(f->inner);
  sqlite3_free(f->buffer);
  f->buffer = nullptr;
  f->size = f->capacity = 0;
  return rc != SQLITE_OK ? rc : close_rc;
}

// The methods that write the buffer out first, then call the wrapped
// file's `Method` with the same arguments.
template <auto Method, typename... Args>
int FlushThen(sqlite3_file* file, Args... args) {
  File* f = AsFile(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  return (InnerMethods(f).*Method)(f->inner, args...);
}

int Write(sqlite3_file* file, void const* data, int amount,
          sqlite3_int64 offset) {
  File* f = AsFile(file);
  if (!f->coalesce) {
    return InnerMethods(f).xWrite(f->inner, data, amount, offset);
  }
  bool const continues = f->size > 0 && offset == f->start + f->size;
  bool const completes_commit = f->commit_pending && continues;
  bool const commit_header = IsCommitFrameHeader(data, amount, offset);
  bool const appends_to_file = offset == f->end;
  f->end = offset + amount;

  if (f->size > 0 &&
      (!continues || amount > kCoalescingVfsBufferLimit - f->size)) {
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  }
  // A commit frame header that does not follow the previous write rewrites
  // a frame already in the file (SQLite recomputing the checksums of frames
  // it overwrote during the transaction); no page follows it, so it is
  // complete now. A write larger than the buffer, or one it has no memory
  // for, goes straight through too.
  if ((commit_header && !appends_to_file) ||
      amount > kCoalescingVfsBufferLimit || !Reserve(f, f->size + amount)) {
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
    return InnerMethods(f).xWrite(f->inner, data, amount, offset);
  }
  if (f->size == 0) f->start = offset;
  std::memcpy(f->buffer + f->size, data, static_cast<std::size_t>(amount));
  f->size += amount;
  if (commit_header) {
    f->commit_pending = true;
  } else if (completes_commit) {
    return Flush(f);
  }
  return SQLITE_OK;
}

int Unlock(sqlite3_file* file, int level) {
  File* f = AsFile(file);
  FlushOrDefer(f);
  return InnerMethods(f).xUnlock(f->inner, level);
}

int FileControl(sqlite3_file* file, int op, void* arg) {
  File* f = AsFile(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  int rc = InnerMethods(f).xFileControl(f->inner, op, arg);
  // Name ourselves in front of the wrapped VFS, as SQLite's shims do.
  if (op == SQLITE_FCNTL_VFSNAME &&
      (rc == SQLITE_OK || rc == SQLITE_NOTFOUND)) {
    auto** name = static_cast<char**>(arg);
    char* inner_name = rc == SQLITE_OK ? *name : nullptr;
    *name = inner_name != nullptr
                ? sqlite3_mprintf("%s/%s", f->vfs_name, inner_name)
                : sqlite3_mprintf("%s", f->vfs_name);
    sqlite3_free(inner_name);
    rc = *name != nullptr ? SQLITE_OK : SQLITE_NOMEM;
  }
  return rc;
}

int SectorSize(sqlite3_file* file) {
  File* f = AsFile(file);
  return InnerMethods(f).xSectorSize(f->inner);
}

int DeviceCharacteristics(sqlite3_file* file) {
  File* f = AsFile(file);
  return InnerMethods(f).xDeviceCharacteristics(f->inner);
}

int ShmMap(sqlite3_file* file, int region, int region_size, int extend,
           void volatile** out) {
  File* f = AsFile(file);
  if (int rc = FlushWithWal(f); rc != SQLITE_OK) {
    *out = nullptr;
    return rc;
  }
  return InnerMethods(f).xShmMap(f->inner, region, region_size, extend, out);
}

int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  File* f = AsFile(file);
  if ((flags & SQLITE_SHM_UNLOCK) != 0) {
    FlushOrDefer(f);
  } else if (int rc = FlushWithWal(f); rc != SQLITE_OK) {
    return rc;
  }
  return InnerMethods(f).xShmLock(f->inner, offset, n, flags);
}

void ShmBarrier(sqlite3_file* file) {
  File* f = AsFile(file);
  FlushOrDefer(f);
  InnerMethods(f).xShmBarrier(f->inner);
}

int ShmUnmap(sqlite3_file* file, int delete_flag) {
  File* f = AsFile(file);
  FlushOrDefer(f);
  return InnerMethods(f).xShmUnmap(f->inner, delete_flag);
}

int Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  File* f = AsFile(file);
  if (int rc = Flush(f); rc != SQLITE_OK) {
    *out = nullptr;
    return rc;
  }
  return InnerMethods(f).xFetch(f->inner, offset, amount, out);
}

int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  File* f = AsFile(file);
  FlushOrDefer(f);
  return InnerMethods(f).xUnfetch(f->inner, offset, page);
}

constexpr sqlite3_io_methods kMethods = {
    3,
    Close,
    FlushThen<&sqlite3_io_methods::xRead, void*, int, sqlite3_int64>,
    Write,
    FlushThen<&sqlite3_io_methods::xTruncate, sqlite3_int64>,
    FlushThen<&sqlite3_io_methods::xSync, int>,
    FlushThen<&sqlite3_io_methods::xFileSize, sqlite3_int64*>,
    FlushThen<&sqlite3_io_methods::xLock, int>,
    Unlock,
    FlushThen<&sqlite3_io_methods::xCheckReservedLock, int*>,
    FileControl,
    SectorSize,
    DeviceCharacteristics,
    ShmMap,
    ShmLock,
    ShmBarrier,
    ShmUnmap,
    Fetch,
    Unfetch,
};

// kMethods, cut down to what `inner` offers.
sqlite3_io_methods MethodsFor(sqlite3_io_methods const& inner) {
  sqlite3_io_methods m = kMethods;
  m.iVersion = std::min(inner.iVersion, kMethods.iVersion);
  bool const v2 = inner.iVersion >= 2;
  bool const v3 = inner.iVersion >= 3;
  if (!v2 || inner.xShmMap == nullptr) m.xShmMap = nullptr;
  if (!v2 || inner.xShmLock == nullptr) m.xShmLock = nullptr;
  if (!v2 || inner.xShmBarrier == nullptr) m.xShmBarrier = nullptr;
  if (!v2 || inner.xShmUnmap == nullptr) m.xShmUnmap = nullptr;
  if (!v3 || inner.xFetch == nullptr) m.xFetch = nullptr;
  if (!v3 || inner.xUnfetch == nullptr) m.xUnfetch = nullptr;
  return m;
}

int Open(sqlite3_vfs* vfs, char const* name, sqlite3_file* file, int flags,
         int* out_flags) {
  auto const* state = static_cast<Vfs const*>(vfs->pAppData);
  sqlite3_vfs* inner_vfs = state->inner;
  File* f = new (file) File{};
  f->inner = reinterpret_cast<sqlite3_file*>(
      reinterpret_cast<unsigned char*>(file) + sizeof(File));
  std::memset(f->inner, 0, static_cast<std::size_t>(inner_vfs->szOsFile));
  int rc = inner_vfs->xOpen(inner_vfs, name, f->inner, flags, out_flags);
  // SQLite requires pMethods to be null after a failed open, and it closes
  // only files with methods.
  if (rc != SQLITE_OK || f->inner->pMethods == nullptr) {
    f->base.pMethods = nullptr;
    return rc;
  }
  f->methods = MethodsFor(*f->inner->pMethods);
  f->vfs_name = state->name.c_str();
  f->end = -1;
  if ((flags & SQLITE_OPEN_WAL) != 0) {
    f->coalesce = true;
    // Only SQLite opens WAL files, with the name it derived from its
    // database, which is what sqlite3_database_file_object() needs.
    sqlite3_file* db = sqlite3_database_file_object(name);
    if (db != nullptr && db->pMethods != nullptr &&
        db->pMethods->xClose == &Close) {
      f->peer = AsFile(db);
      f->peer->peer = f;
    }
  }
  f->base.pMethods = &f->methods;
  return SQLITE_OK;
}

// The VFS methods other than xOpen: the wrapped VFS's `Method`.
template <auto Method, typename... Args>
auto ToInner(sqlite3_vfs* vfs, Args... args) {
  sqlite3_vfs* inner = InnerVfs(vfs);
  return (inner->*Method)(inner, args...);
}

}  // namespace

sqlite3_vfs* MakeCoalescingVfs(sqlite3_vfs* inner, char const* name) {
  if (inner == nullptr || name == nullptr) return nullptr;
  auto* vfs = new Vfs{};
  vfs->inner = inner;
  vfs->name = name;
  sqlite3_vfs& v = vfs->base;
  v.iVersion = std::min(inner->iVersion, 3);
  v.szOsFile = static_cast<int>(sizeof(File)) + inner->szOsFile;
  v.mxPathname = inner->mxPathname;
  v.zName = vfs->name.c_str();
  v.pAppData = vfs;
  v.xOpen = Open;
  v.xDelete = ToInner<&sqlite3_vfs::xDelete, char const*, int>;
  v.xAccess = ToInner<&sqlite3_vfs::xAccess, char const*, int, int*>;
  v.xFullPathname =
      ToInner<&sqlite3_vfs::xFullPathname, char const*, int, char*>;
  // Optional methods stay null where the wrapped VFS has none.
  v.xDlOpen = inner->xDlOpen != nullptr
                  ? ToInner<&sqlite3_vfs::xDlOpen, char const*>
                  : nullptr;
  v.xDlError = inner->xDlError != nullptr
                   ? ToInner<&sqlite3_vfs::xDlError, int, char*>
                   : nullptr;
  v.xDlSym = inner->xDlSym != nullptr
                 ? ToInner<&sqlite3_vfs::xDlSym, void*, char const*>
                 : nullptr;
  v.xDlClose = inner->xDlClose != nullptr
                   ? ToInner<&sqlite3_vfs::xDlClose, void*>
                   : nullptr;
  v.xRandomness = ToInner<&sqlite3_vfs::xRandomness, int, char*>;
  v.xSleep = ToInner<&sqlite3_vfs::xSleep, int>;
  v.xCurrentTime = ToInner<&sqlite3_vfs::xCurrentTime, double*>;
  v.xGetLastError = inner->xGetLastError != nullptr
                        ? ToInner<&sqlite3_vfs::xGetLastError, int, char*>
                        : nullptr;
  if (v.iVersion >= 2 && inner->xCurrentTimeInt64 != nullptr) {
    v.xCurrentTimeInt64 =
        ToInner<&sqlite3_vfs::xCurrentTimeInt64, sqlite3_int64*>;
  }
  if (v.iVersion >= 3) {
    v.xSetSystemCall = inner->xSetSystemCall != nullptr
                           ? ToInner<&sqlite3_vfs::xSetSystemCall, char const*,
                                     sqlite3_syscall_ptr>
                           : nullptr;
    v.xGetSystemCall = inner->xGetSystemCall != nullptr
                           ? ToInner<&sqlite3_vfs::xGetSystemCall, char const*>
                           : nullptr;
    v.xNextSystemCall =
        inner->xNextSystemCall != nullptr
            ? ToInner<&sqlite3_vfs::xNextSystemCall, char const*>
            : nullptr;
  }
  if (sqlite3_vfs_register(&v, /*makeDflt=*/0) != SQLITE_OK) {
    delete vfs;
    return nullptr;
  }
  return &v;
}

sqlite3_vfs* CoalescingVfs() {
  static sqlite3_vfs* const vfs =
      MakeCoalescingVfs(sqlite3_vfs_find(nullptr), kCoalescingVfsName);
  return vfs;
}

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
