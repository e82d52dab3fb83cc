// POSIX implementation of platform.h and fault_guard.h: the only file in core that makes system
// calls (open, fstat, fstatfs, mmap, msync, flock, munmap, ftruncate, sigaction; malloc_trim). A
// Windows build swaps this file for one built on CreateFileMapping, LockFileEx and structured
// exception handling.
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/vfs.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "core/fault_guard.h"
#include "core/platform.h"

namespace hexlog::core {
namespace platform {

namespace {

int Descriptor(const FileHandle& handle) { return static_cast<int>(handle.descriptor); }

uint64_t PageSize() {
  static const uint64_t page_size = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return page_size;
}

FileKind KindOf(mode_t mode) {
  if (S_ISREG(mode)) return FileKind::kRegular;
  if (S_ISDIR(mode)) return FileKind::kDirectory;
  if (S_ISFIFO(mode)) return FileKind::kFifo;
  if (S_ISCHR(mode)) return FileKind::kCharDevice;
  if (S_ISBLK(mode)) return FileKind::kBlockDevice;
  if (S_ISSOCK(mode)) return FileKind::kSocket;
  return FileKind::kOther;
}

std::atomic<bool> g_check_file_system_type{true};

#if defined(__linux__)
// f_type values from <linux/magic.h>, spelled out because older headers lack some of them.
constexpr uint32_t kPseudoFileSystemTypes[] = {
    0x9fa0,      // PROC_SUPER_MAGIC
    0x62656572,  // SYSFS_MAGIC
    0x64626720,  // DEBUGFS_MAGIC
    0x74726163,  // TRACEFS_MAGIC
    0x73636673,  // SECURITYFS_MAGIC
    0x27e0eb,    // CGROUP_SUPER_MAGIC
    0x63677270,  // CGROUP2_SUPER_MAGIC
    0x62656570,  // CONFIGFS_MAGIC
    0xcafe4a11,  // BPF_FS_MAGIC
    0x6165676c,  // PSTOREFS_MAGIC
    0xde5e81e4,  // EFIVARFS_MAGIC
};

bool IsPseudoFileSystem(const struct statfs& fs) {
  // f_type is a signed word (int on 32-bit targets); every magic fits in its low 32 bits.
  const uint32_t type = static_cast<uint32_t>(fs.f_type);
  for (uint32_t pseudo : kPseudoFileSystemTypes) {
    if (type == pseudo) return true;
  }
  return false;
}
#endif

// Only a regular file can have the problem; a failed statfs leaves it unknown rather than fail
// the open (the size checks still apply).
void CheckFileSystemOfPath(const std::string& path, FileInfo* info) {
#if defined(__linux__)
  if (info->kind != FileKind::kRegular || !g_check_file_system_type.load()) return;
  struct statfs fs;
  if (statfs(path.c_str(), &fs) == 0 && IsPseudoFileSystem(fs)) {
    info->size_problem = SizeProblem::kPseudoFileSystem;
  }
#else
  (void)path;
  (void)info;
#endif
}

void CheckFileSystemOfDescriptor(int fd, FileInfo* info) {
#if defined(__linux__)
  if (info->kind != FileKind::kRegular || !g_check_file_system_type.load()) return;
  struct statfs fs;
  if (fstatfs(fd, &fs) == 0 && IsPseudoFileSystem(fs)) {
    info->size_problem = SizeProblem::kPseudoFileSystem;
  }
#else
  (void)fd;
  (void)info;
#endif
}

// A regular file that says it is empty but reads data (a pseudo file on a file system not listed
// above, such as a FUSE or 9p export of /proc). The descriptor is non-blocking, and a regular file
// read never waits for a writer, so this cannot hang on a pipe-like file.
void CheckEmptyFileReadsNothing(int fd, FileInfo* info) {
  if (info->kind != FileKind::kRegular || info->size != 0 ||
      info->size_problem != SizeProblem::kNone) {
    return;
  }
  char byte;
  ssize_t result;
  do {
    result = pread(fd, &byte, 1, 0);
  } while (result < 0 && errno == EINTR);
  if (result > 0) info->size_problem = SizeProblem::kDataPastSize;
}

void FillInfo(const struct stat& st, FileInfo* info) {
  info->kind = KindOf(st.st_mode);
  info->size_problem = SizeProblem::kNone;
  info->size = static_cast<uint64_t>(st.st_size);
  info->dev = static_cast<uint64_t>(st.st_dev);
  info->ino = static_cast<uint64_t>(st.st_ino);
#if defined(__APPLE__)
  const struct timespec& mtime = st.st_mtimespec;
#else
  const struct timespec& mtime = st.st_mtim;
#endif
  // Same arithmetic as Node's fs.Stats#mtimeMs, so the two can be compared.
  info->mtime_ms =
      static_cast<double>(mtime.tv_sec) * 1e3 + static_cast<double>(mtime.tv_nsec) / 1e6;
}

}  // namespace

const char* FileKindName(FileKind kind) {
  switch (kind) {
    case FileKind::kRegular:
      return "regular file";
    case FileKind::kDirectory:
      return "directory";
    case FileKind::kFifo:
      return "FIFO";
    case FileKind::kCharDevice:
      return "character device";
    case FileKind::kBlockDevice:
      return "block device";
    case FileKind::kSocket:
      return "socket";
    case FileKind::kOther:
      break;
  }
  return "special file";
}

Status StatPath(const std::string& path, FileInfo* info) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, path);
  FillInfo(st, info);
  CheckFileSystemOfPath(path, info);
  return Status::Ok();
}

Status OpenFile(const std::string& path, bool writable, FileHandle* handle, FileInfo* info) {
  // O_NONBLOCK: if the path became a FIFO since it was checked, open must not wait for a writer.
  // It has no effect on regular files.
  const int flags = (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  int fd;
  do {
    fd = open(path.c_str(), flags);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ErrnoStatus(errno, path);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int error_number = errno;
    close(fd);
    return ErrnoStatus(error_number, path);
  }
  FillInfo(st, info);
  CheckFileSystemOfDescriptor(fd, info);
  CheckEmptyFileReadsNothing(fd, info);
  handle->descriptor = fd;
  return Status::Ok();
}

void SetFileSystemTypeCheckForTest(bool enabled) { g_check_file_system_type.store(enabled); }

Status StatHandle(const FileHandle& handle, const std::string& path, FileInfo* info) {
  struct stat st;
  if (fstat(Descriptor(handle), &st) != 0) return ErrnoStatus(errno, path);
  FillInfo(st, info);
  return Status::Ok();
}

Status MapFile(const FileHandle& handle, const std::string& path, uint64_t length, MapMode mode,
               Mapping* mapping) {
  *mapping = Mapping();
  if (length == 0) return Status::Ok();  // mmap rejects a zero length; nothing to map anyway
  if (length > static_cast<uint64_t>(SIZE_MAX)) return ErrnoStatus(EFBIG, path);
  int protection = PROT_READ;
  int flags = MAP_SHARED;
  if (mode == MapMode::kShared) protection |= PROT_WRITE;
  if (mode == MapMode::kPrivate) {
    protection |= PROT_WRITE;
    // Without NORESERVE the kernel would charge the whole file against the commit limit up front
    // and refuse to map files larger than RAM + swap; only pages actually written cost memory.
    flags = MAP_PRIVATE | MAP_NORESERVE;
  }
  void* base = mmap(nullptr, static_cast<size_t>(length), protection, flags, Descriptor(handle), 0);
  if (base == MAP_FAILED) return ErrnoStatus(errno, path);
  mapping->base = base;
  mapping->length = length;
  return Status::Ok();
}

Status SyncRange(const FileHandle& handle, const Mapping& mapping, const std::string& path,
                 uint64_t offset, uint64_t length) {
  if (mapping.base != nullptr && length > 0) {
    const uint64_t start = offset & ~(PageSize() - 1);  // msync needs a page-aligned address
    const uint64_t end = offset + length;
    if (msync(static_cast<char*>(mapping.base) + start, static_cast<size_t>(end - start),
              MS_SYNC) != 0) {
      return ErrnoStatus(errno, path);
    }
  }
  int result;
  do {
    result = fsync(Descriptor(handle));
  } while (result != 0 && errno == EINTR);
  if (result != 0) return ErrnoStatus(errno, path);
  return Status::Ok();
}

Status TryLockFile(const FileHandle& handle, const std::string& path, bool* taken) {
  *taken = false;
  int result;
  do {
    result = flock(Descriptor(handle), LOCK_EX | LOCK_NB);
  } while (result != 0 && errno == EINTR);
  if (result == 0) {
    *taken = true;
    return Status::Ok();
  }
  if (errno == EWOULDBLOCK) return Status::Ok();
  return ErrnoStatus(errno, path);
}

Status UnlockFile(const FileHandle& handle, const std::string& path) {
  int result;
  do {
    result = flock(Descriptor(handle), LOCK_UN);
  } while (result != 0 && errno == EINTR);
  if (result != 0) return ErrnoStatus(errno, path);
  return Status::Ok();
}

bool ReleaseFreedMemory() {
#if defined(__GLIBC__)
  // Every arena, and free pages inside the heap too (glibc >= 2.8), not only its top.
  return malloc_trim(0) != 0;
#else
  return false;
#endif
}

void UnmapFile(Mapping* mapping) {
  if (mapping->base != nullptr) munmap(mapping->base, static_cast<size_t>(mapping->length));
  *mapping = Mapping();
}

void CloseFile(FileHandle* handle) {
  // Not retried on EINTR: on Linux the descriptor is released even when close reports it.
  if (handle->is_open()) close(Descriptor(*handle));
  handle->descriptor = -1;
}

}  // namespace platform

// ---- Fault guard ----------------------------------------------------------------------------
//
// One SIGBUS handler for the whole process, installed on first use. A thread that is inside
// guarded_copy is "armed": the handler jumps back to that thread's recovery point and the copy
// reports failure. A fault on any other thread is not ours, so it goes to whichever handler was
// installed before (or the default action, which kills the process as it would have anyway).

namespace {

struct sigaction g_previous_sigbus_action;
std::once_flag g_install_once;

// Per thread, so worker threads can copy concurrently. The variables are touched by the thread
// itself before it can fault, so their storage exists by the time the handler reads them.
thread_local sigjmp_buf t_recovery_point;
thread_local volatile sig_atomic_t t_armed = 0;

void PassToPreviousHandler(int signal_number, siginfo_t* info, void* context) {
  const struct sigaction& previous = g_previous_sigbus_action;
  if ((previous.sa_flags & SA_SIGINFO) != 0 && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(signal_number, info, context);
    return;
  }
  if ((previous.sa_flags & SA_SIGINFO) == 0 && previous.sa_handler != SIG_DFL &&
      previous.sa_handler != SIG_IGN) {
    previous.sa_handler(signal_number);
    return;
  }
  // SIG_DFL (or SIG_IGN, which cannot skip a hardware fault): restore the default action and
  // raise again. The signal stays pending until this handler returns, then terminates the process
  // (and returning would re-run the faulting access anyway).
  struct sigaction default_action;
  std::memset(&default_action, 0, sizeof default_action);
  sigemptyset(&default_action.sa_mask);
  default_action.sa_handler = SIG_DFL;
  sigaction(signal_number, &default_action, nullptr);
  raise(signal_number);
}

void OnSigbus(int signal_number, siginfo_t* info, void* context) {
  if (t_armed != 0) {
    t_armed = 0;
    siglongjmp(t_recovery_point, 1);
  }
  const int saved_errno = errno;
  PassToPreviousHandler(signal_number, info, context);
  errno = saved_errno;
}

void UnblockSigbus() {
  // Leaving the handler by siglongjmp (with an unsaved mask) leaves SIGBUS blocked.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGBUS);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

// A temporary file mapped at two pages and then truncated to zero, so both pages fault.
struct TruncatedMapping {
  int fd = -1;
  void* base = nullptr;
  size_t length = 0;
  std::string error;

  TruncatedMapping() {
    const char* dir = std::getenv("TMPDIR");
    std::string name =
        std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/hexlog-fault-guard-XXXXXX";
    fd = mkstemp(name.data());
    if (fd < 0) {
      error = "mkstemp " + name + ": " + std::strerror(errno);
      return;
    }
    unlink(name.c_str());  // lives as long as the descriptor
    length = static_cast<size_t>(2 * platform::PageSize());
    if (ftruncate(fd, static_cast<off_t>(length)) != 0) {
      error = std::string("ftruncate: ") + std::strerror(errno);
      return;
    }
    void* mapped = mmap(nullptr, length, PROT_READ, MAP_SHARED, fd, 0);
    if (mapped == MAP_FAILED) {
      error = std::string("mmap: ") + std::strerror(errno);
      return;
    }
    base = mapped;
    // Touch both pages first so the fault below comes from truncation, not from a fresh mapping.
    char probe[16];
    if (!guarded_copy(probe, second_page(), sizeof probe)) {
      error = "the mapping faulted before it was truncated";
      return;
    }
    if (ftruncate(fd, 0) != 0) error = std::string("ftruncate to 0: ") + std::strerror(errno);
  }
  ~TruncatedMapping() {
    if (base != nullptr) munmap(base, length);
    if (fd >= 0) close(fd);
  }
  TruncatedMapping(const TruncatedMapping&) = delete;
  TruncatedMapping& operator=(const TruncatedMapping&) = delete;

  const char* second_page() const { return static_cast<const char*>(base) + platform::PageSize(); }
};

// True when copying from the truncated page faults and the thread can copy normally afterwards.
bool FaultIsCaught(const TruncatedMapping& mapping) {
  char buffer[16];
  if (guarded_copy(buffer, mapping.second_page(), sizeof buffer)) return false;
  const char intact[sizeof buffer] = "still works";
  return guarded_copy(buffer, intact, sizeof buffer) &&
         std::memcmp(buffer, intact, sizeof buffer) == 0;
}

}  // namespace

void InstallFaultGuard() {
  std::call_once(g_install_once, [] {
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_sigaction = OnSigbus;
    // ONSTACK: run on the thread's alternate stack if it set one up (a fault may be a stack issue).
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGBUS, &action, &g_previous_sigbus_action);
  });
}

bool guarded_copy(void* dst, const void* src, size_t n) {
  if (n == 0) return true;
  InstallFaultGuard();
  // Mask not saved (savemask 0): saving it costs a system call per copy; UnblockSigbus restores
  // the one signal that matters on the rare fault path instead.
  if (sigsetjmp(t_recovery_point, 0) != 0) {
    UnblockSigbus();
    return false;
  }
  t_armed = 1;
  std::atomic_signal_fence(std::memory_order_seq_cst);  // arm strictly before the copy starts
  std::memcpy(dst, src, n);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t_armed = 0;
  return true;
}

bool guarded_run(void (*body)(void* context), void* context) {
  InstallFaultGuard();
  if (sigsetjmp(t_recovery_point, 0) != 0) {
    UnblockSigbus();
    return false;
  }
  t_armed = 1;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  body(context);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t_armed = 0;
  return true;
}

FaultGuardSelfTestResult RunFaultGuardSelfTest() {
  TruncatedMapping mapping;
  if (!mapping.error.empty()) {
    FaultGuardSelfTestResult result;
    result.error = mapping.error;
    return result;
  }
  return RunOnCallingAndOtherThread(
      [](const void* context) {
        return FaultIsCaught(*static_cast<const TruncatedMapping*>(context));
      },
      &mapping);
}

std::string TriggerUnguardedFaultForTest() {
  InstallFaultGuard();
  TruncatedMapping mapping;
  if (!mapping.error.empty()) return mapping.error;
  const volatile char* page = mapping.second_page();
  const char value = page[0];  // faults; the guard is not armed, so the default action applies
  return std::string("the process survived an unguarded read of a truncated page (read ") +
         std::to_string(static_cast<int>(value)) + ")";
}

}  // namespace hexlog::core
