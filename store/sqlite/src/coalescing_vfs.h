#pragma once

// A SQLite VFS shim that makes one write() per commit to a WAL file.
//
// SQLite writes every WAL frame with two calls, the 24-byte frame header and
// then the page, so a commit of N pages costs 2N write syscalls; on a machine
// where a syscall is expensive that dominates a small commit. The shim
// collects contiguous writes to a WAL file in memory and hands them to the
// wrapped VFS as one write before anything else happens to that file (or to
// its database's shared memory, where SQLite publishes a commit), so what
// other connections and processes can see, and what survives a crash, is
// unchanged. Every other file, and every other call, passes straight
// through. coalescing_vfs.cc explains when the buffer is written and how
// errors come back.
//
// The interfaces it implements and wraps:
//   https://www.sqlite.org/c3ref/vfs.html          (sqlite3_vfs)
//   https://www.sqlite.org/c3ref/io_methods.html   (sqlite3_io_methods)
//   https://www.sqlite.org/c3ref/database_file_object.html
//   https://www.sqlite.org/fileformat2.html#walformat (WAL frames)
// SQLite's own shims (src/test_vfstrace.c, src/test_multiplex.c) wrap a VFS
// the same way: the wrapped file lives inside ours, right after our header.

#include <sqlite3.h>

namespace sanbao {
inline namespace v1 {
namespace internal {

/// The name CoalescingVfs() registers under.
inline constexpr char kCoalescingVfsName[] = "sanbao-coalesce";

/// The most a WAL file buffers before writing: a larger transaction takes
/// one write per this many bytes. SQLite's unix VFS writes at most
/// 128 KiB - 1 bytes per call (os_unix.c, seekAndWriteFd masks the size with
/// 0x1ffff, since SQLite itself never writes more than a 64 KiB page) and
/// fails larger writes with SQLITE_FULL, so the buffer stays below that.
inline constexpr int kCoalescingVfsBufferLimit = (128 << 10) - 1;

/// The coalescing VFS over the default VFS (sqlite3_vfs_find(nullptr) at the
/// first call), registered once under kCoalescingVfsName, not as the
/// default. Null if there is no default VFS or SQLite refused to register
/// it. Safe to call from any thread.
sqlite3_vfs* CoalescingVfs();

/// Registers a coalescing VFS over `inner` under `name` (copied) and returns
/// it; null if `inner` is null or SQLite refuses it. Each call registers a
/// new VFS (a later one hides an earlier one of the same name). It is never
/// unregistered or freed, on purpose: SQLite keeps
/// the pointer and connections may use it until the process ends, so there
/// is no moment at which freeing it would be safe. Meant for tests, which
/// wrap a VFS that counts or fails writes; call it once per name.
sqlite3_vfs* MakeCoalescingVfs(sqlite3_vfs* inner, char const* name);

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
