#include "core/status.h"

#include <cerrno>
#include <cstring>

namespace hexlog::core {

namespace {

struct ErrnoEntry {
  int number;
  const char* name;
  const char* description;  // nullptr: use strerror
};

// The errors open/stat/mmap/msync/fsync/flock can realistically produce, with short wording for the
// UI.
constexpr ErrnoEntry kErrnoTable[] = {
    {ENOENT, "ENOENT", "no such file"},
    {EACCES, "EACCES", "permission denied"},
    {EPERM, "EPERM", "operation not permitted"},
    {EISDIR, "EISDIR", "is a directory"},
    {ENOTDIR, "ENOTDIR", "a path component is not a directory"},
    {EROFS, "EROFS", "read-only file system"},
    {EIO, "EIO", "input/output error"},
    {ENOMEM, "ENOMEM", "not enough memory to map the file"},
    {EMFILE, "EMFILE", "too many open files in this process"},
    {ENFILE, "ENFILE", "too many open files in the system"},
    {ENAMETOOLONG, "ENAMETOOLONG", "file name too long"},
    {ELOOP, "ELOOP", "too many symbolic links"},
    {EINVAL, "EINVAL", nullptr},
    {EBUSY, "EBUSY", "resource busy"},
    {ETXTBSY, "ETXTBSY", "text file busy"},
    {EFBIG, "EFBIG", "file too large"},
    {EOVERFLOW, "EOVERFLOW", "file too large for this platform"},
    {EAGAIN, "EAGAIN", "resource temporarily unavailable"},
    {ENODEV, "ENODEV", "the file system does not support memory mapping"},
    {ENXIO, "ENXIO", "no such device or address"},
    {ENOSPC, "ENOSPC", "no space left on device"},
#ifdef EDQUOT  // not in the Windows C runtime's errno.h
    {EDQUOT, "EDQUOT", "disk quota exceeded"},
#endif
    {EINTR, "EINTR", "interrupted system call"},
    {EBADF, "EBADF", "bad file descriptor"},
    {EFAULT, "EFAULT", "bad address"},
#ifdef ESTALE
    {ESTALE, "ESTALE", "stale file handle"},
#endif
    {ENOTSUP, "ENOTSUP", "operation not supported"},
    {ENOLCK, "ENOLCK", "no locks available"},
};

const ErrnoEntry* FindErrno(int error_number) {
  for (const ErrnoEntry& entry : kErrnoTable) {
    if (entry.number == error_number) return &entry;
  }
  return nullptr;
}

}  // namespace

std::string ErrnoName(int error_number) {
  const ErrnoEntry* entry = FindErrno(error_number);
  if (entry != nullptr) return entry->name;
  return "E" + std::to_string(error_number);
}

Status ErrnoStatus(int error_number, const std::string& path) {
  const ErrnoEntry* entry = FindErrno(error_number);
  std::string description = (entry != nullptr && entry->description != nullptr)
                                ? entry->description
                                : std::strerror(error_number);
  std::string name = ErrnoName(error_number);
  return Status::Fail(name, name + ": " + description + ": " + path);
}

}  // namespace hexlog::core
