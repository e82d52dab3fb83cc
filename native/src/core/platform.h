// Every operating-system call of the core lives behind this header, implemented once per platform
// (platform_posix.cc, platform_win.cc). The rest of core is portable C++17.
#ifndef HEXLOG_CORE_PLATFORM_H_
#define HEXLOG_CORE_PLATFORM_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/status.h"

namespace hexlog::core {

enum class MapMode {
  kReadOnly,  // read-only view of the file
  kShared,    // writes reach the file (after flush, for durability)
  kPrivate,   // copy-on-write: writes stay in this process, the file is never touched
};

namespace platform {

enum class FileKind { kRegular, kDirectory, kFifo, kCharDevice, kBlockDevice, kSocket, kOther };

// Why a regular file cannot be mapped although it is one: its st_size does not say how many bytes
// it holds, so a mapping of st_size bytes would show nothing (or garbage) of it.
enum class SizeProblem {
  kNone,
  kPseudoFileSystem,  // procfs, sysfs, debugfs, ... (Linux): contents made up on every read
  kDataPastSize,      // st_size is 0, yet a read returns data (found by OpenFile only)
};

struct FileInfo {
  FileKind kind = FileKind::kOther;
  SizeProblem size_problem = SizeProblem::kNone;
  uint64_t size = 0;
  uint64_t dev = 0;
  uint64_t ino = 0;
  double mtime_ms = 0;
};

// An open file plus its mapping. Fields are platform-owned; callers treat them as opaque.
struct FileHandle {
  intptr_t descriptor = -1;  // fd on POSIX, HANDLE on Windows
  bool is_open() const { return descriptor >= 0; }
};

struct Mapping {
  void* base = nullptr;  // nullptr for a zero-length file
  uint64_t length = 0;
};

// "FIFO", "directory", ... for messages.
const char* FileKindName(FileKind kind);

// Metadata of `path` without opening it (follows symlinks), so a FIFO is never opened. Sets
// kPseudoFileSystem from the file system's type.
Status StatPath(const std::string& path, FileInfo* info);

// Opens for reading, or for reading and writing when `writable`, and fills `info` from the open
// descriptor so the caller can check what was actually opened. Never blocks on special files. For
// a regular file sets kPseudoFileSystem from the file system's type, else, if st_size is 0,
// kDataPastSize when a 1-byte read returns data.
Status OpenFile(const std::string& path, bool writable, FileHandle* handle, FileInfo* info);

// Test support: false skips the file-system type check (so kDataPastSize can be tested on /proc).
void SetFileSystemTypeCheckForTest(bool enabled);

// Metadata of the open file now (size as it is on disk at this moment).
Status StatHandle(const FileHandle& handle, const std::string& path, FileInfo* info);

// Maps `length` bytes of the file. A zero length yields an empty mapping without a system call.
Status MapFile(const FileHandle& handle, const std::string& path, uint64_t length, MapMode mode,
               Mapping* mapping);

// Writes the page-aligned range covering [offset, offset + length) back to the file, then
// flushes the file to stable storage.
Status SyncRange(const FileHandle& handle, const Mapping& mapping, const std::string& path,
                 uint64_t offset, uint64_t length);

// Advisory exclusive lock on the open file description (flock on POSIX), never waiting: *taken is
// false when another open file description holds a lock on the file.
Status TryLockFile(const FileHandle& handle, const std::string& path, bool* taken);
// Releases this description's lock; a no-op when it holds none.
Status UnlockFile(const FileHandle& handle, const std::string& path);

// Returns memory the allocator keeps after frees (search results of a closed session) to the
// operating system: malloc_trim(0) with glibc, nothing elsewhere. True if memory was released.
bool ReleaseFreedMemory();

void UnmapFile(Mapping* mapping);
void CloseFile(FileHandle* handle);

#if defined(_WIN32)
// The Status for a failed Win32 call on `path`, with the same codes POSIX answers (ENOENT,
// EACCES, EBUSY for a sharing violation, ...; EWIN<n> for an error no POSIX code fits).
Status Win32Status(unsigned long error, const std::string& path);
// `path` (UTF-8) as the UTF-16 path CreateFileW opens: absolute, and with the \\?\ prefix when it
// is MAX_PATH characters or longer.
Status WindowsPath(const std::string& path, std::wstring* wide);
#endif

}  // namespace platform
}  // namespace hexlog::core

#endif  // HEXLOG_CORE_PLATFORM_H_
