// Windows implementation of platform.h and fault_guard.h, the counterpart of platform_posix.cc:
// CreateFileW, GetFileInformationByHandle, CreateFileMappingW/MapViewOfFile, FlushViewOfFile +
// FlushFileBuffers, LockFileEx, and a vectored exception handler for in-page errors. Built by
// node-gyp with MSVC on Windows, and cross-built here with mingw-w64 and tested under Wine
// (native/test/windows_core_test.cc). docs/windows.md says where Windows behaves differently.
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <cwchar>
#include <mutex>
#include <string>

#include "core/fault_guard.h"
#include "core/platform.h"

namespace hexlog::core {
namespace platform {

namespace {

HANDLE Win32Handle(const FileHandle& handle) { return reinterpret_cast<HANDLE>(handle.descriptor); }

// ---- Errors ---------------------------------------------------------------------------------

struct Win32ErrorEntry {
  DWORD error;
  const char* code;  // the POSIX name the rest of hexlog knows (ENOENT, EACCES, ...)
  const char* description;
};

// The errors CreateFileW, GetFileInformationByHandle, CreateFileMappingW, MapViewOfFile,
// FlushViewOfFile, FlushFileBuffers and LockFileEx can realistically produce, mapped to the codes
// platform_posix.cc answers for the same situation (libuv maps most of them the same way).
constexpr Win32ErrorEntry kWin32Errors[] = {
    {ERROR_FILE_NOT_FOUND, "ENOENT", "no such file"},
    {ERROR_PATH_NOT_FOUND, "ENOENT", "no such file"},
    {ERROR_INVALID_DRIVE, "ENOENT", "no such drive"},
    {ERROR_BAD_NETPATH, "ENOENT", "the network path was not found"},
    {ERROR_BAD_NET_NAME, "ENOENT", "the network name was not found"},
    {ERROR_INVALID_NAME, "ENOENT", "the file name is not valid on Windows"},
    {ERROR_BAD_PATHNAME, "ENOENT", "the path is not valid on Windows"},
    {ERROR_ACCESS_DENIED, "EACCES", "permission denied"},
    {ERROR_CANT_ACCESS_FILE, "EACCES", "the file cannot be accessed"},
    {ERROR_PRIVILEGE_NOT_HELD, "EPERM", "operation not permitted"},
    {ERROR_SHARING_VIOLATION, "EBUSY", "another program has the file open and does not share it"},
    {ERROR_LOCK_VIOLATION, "EBUSY", "another program has locked part of the file"},
    {ERROR_USER_MAPPED_FILE, "EBUSY", "the file is mapped, so it cannot be truncated"},
    {ERROR_DIRECTORY, "ENOTDIR", "a path component is not a directory"},
    {ERROR_FILENAME_EXCED_RANGE, "ENAMETOOLONG", "file name too long"},
    {ERROR_CANT_RESOLVE_FILENAME, "ELOOP", "too many symbolic links"},
    {ERROR_WRITE_PROTECT, "EROFS", "the disk is write-protected"},
    {ERROR_NOT_ENOUGH_MEMORY, "ENOMEM", "not enough memory to map the file"},
    {ERROR_OUTOFMEMORY, "ENOMEM", "not enough memory to map the file"},
    {ERROR_COMMITMENT_LIMIT, "ENOMEM",
     "not enough memory (RAM and page file) to map the file; a copy-on-write view reserves "
     "memory for the whole file on Windows"},
    {ERROR_TOO_MANY_OPEN_FILES, "EMFILE", "too many open files in this process"},
    {ERROR_DISK_FULL, "ENOSPC", "no space left on device"},
    {ERROR_HANDLE_DISK_FULL, "ENOSPC", "no space left on device"},
    {ERROR_FILE_TOO_LARGE, "EFBIG", "file too large"},
    {ERROR_ARITHMETIC_OVERFLOW, "EFBIG", "file too large"},
    {ERROR_CRC, "EIO", "input/output error (data error on the disk)"},
    {ERROR_IO_DEVICE, "EIO", "input/output error"},
    {ERROR_READ_FAULT, "EIO", "input/output error"},
    {ERROR_WRITE_FAULT, "EIO", "input/output error"},
    {ERROR_NOT_READY, "EIO", "the device is not ready"},
    {ERROR_DEVICE_NOT_CONNECTED, "EIO", "the device is not connected"},
    {ERROR_NETNAME_DELETED, "EIO", "the network name is no longer available"},
    {ERROR_UNEXP_NET_ERR, "EIO", "an unexpected network error occurred"},
    {ERROR_INVALID_HANDLE, "EBADF", "bad file handle"},
    {ERROR_INVALID_PARAMETER, "EINVAL", "invalid argument"},
    {ERROR_MAPPED_ALIGNMENT, "EINVAL", "invalid mapping offset"},
    {ERROR_NOT_SUPPORTED, "ENOTSUP", "operation not supported"},
    {ERROR_INVALID_FUNCTION, "ENOTSUP", "operation not supported by this file system"},
    {ERROR_NOT_LOCKED, "ENOLCK", "no lock is held"},
};

std::string SystemMessage(DWORD error) {
  char* buffer = nullptr;
  const DWORD length = FormatMessageA(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, error, MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US),
      reinterpret_cast<char*>(&buffer), 0, nullptr);
  std::string text;
  if (length > 0 && buffer != nullptr) text.assign(buffer, length);
  if (buffer != nullptr) LocalFree(buffer);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == '.')) {
    text.pop_back();
  }
  return text.empty() ? "Windows error " + std::to_string(error) : text;
}

}  // namespace

// Declared in platform.h under _WIN32: the Status for a failed Win32 call on `path`.
Status Win32Status(unsigned long error, const std::string& path) {
  for (const Win32ErrorEntry& entry : kWin32Errors) {
    if (entry.error == error) {
      return Status::Fail(entry.code,
                          std::string(entry.code) + ": " + entry.description + ": " + path);
    }
  }
  // Unknown to the table: a code of its own, and the system's wording.
  const std::string code = "EWIN" + std::to_string(error);
  return Status::Fail(code, code + ": " + SystemMessage(static_cast<DWORD>(error)) + ": " + path);
}

namespace {

Status LastErrorStatus(const std::string& path) { return Win32Status(GetLastError(), path); }

// ---- Paths ----------------------------------------------------------------------------------

// UTF-8 to UTF-16; false for bytes that are not UTF-8 (no file can have such a name on Windows).
bool Widen(const std::string& text, std::wstring* wide) {
  wide->clear();
  if (text.empty()) return true;
  if (text.size() > static_cast<size_t>(INT32_MAX)) return false;
  const int size = static_cast<int>(text.size());
  const int count =
      MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), size, nullptr, 0);
  if (count <= 0) return false;
  wide->resize(static_cast<size_t>(count));
  return MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), size, wide->data(),
                             count) == count;
}

bool StartsWith(const std::wstring& text, const wchar_t* prefix) {
  return text.compare(0, std::wcslen(prefix), prefix) == 0;
}

}  // namespace

// Declared in platform.h under _WIN32. A path Windows opens whatever its length: made absolute,
// and given the \\?\ prefix (\\?\UNC\ for a share) when it is MAX_PATH long or longer, because
// without it the classic APIs refuse such paths. Shorter paths are left as GetFullPathNameW makes
// them, so device names and the usual normalization behave as in every other program.
Status WindowsPath(const std::string& path, std::wstring* out) {
  out->clear();
  std::wstring wide;
  if (path.empty()) return Win32Status(ERROR_FILE_NOT_FOUND, path);
  if (!Widen(path, &wide)) return Win32Status(ERROR_INVALID_NAME, path);
  if (wide.find(L'\0') != std::wstring::npos) return Win32Status(ERROR_INVALID_NAME, path);
  if (StartsWith(wide, L"\\\\?\\")) {
    *out = wide;  // already a verbatim path: used exactly as given
    return Status::Ok();
  }
  const DWORD needed = GetFullPathNameW(wide.c_str(), 0, nullptr, nullptr);
  if (needed == 0) return LastErrorStatus(path);
  std::wstring full(needed, L'\0');
  const DWORD written = GetFullPathNameW(wide.c_str(), needed, full.data(), nullptr);
  if (written == 0 || written >= needed) return LastErrorStatus(path);
  full.resize(written);
  if (full.size() < MAX_PATH || StartsWith(full, L"\\\\.\\")) {
    *out = full;
  } else if (StartsWith(full, L"\\\\")) {
    *out = L"\\\\?\\UNC\\" + full.substr(2);
  } else {
    *out = L"\\\\?\\" + full;
  }
  return Status::Ok();
}

namespace {

// ---- Metadata -------------------------------------------------------------------------------

std::atomic<bool> g_check_file_system_type{true};

bool IsDevicePath(const std::wstring& path) { return StartsWith(path, L"\\\\.\\"); }

// Same arithmetic as libuv's FILETIME conversion behind Node's fs.Stats#mtimeMs on Windows
// (seconds and nanoseconds since 1970, then ms), so the two can be compared.
double UnixMilliseconds(const FILETIME& time) {
  constexpr uint64_t kTicksFrom1601To1970 = 116444736000000000ULL;
  const uint64_t ticks = (static_cast<uint64_t>(time.dwHighDateTime) << 32) | time.dwLowDateTime;
  const int64_t since_1970 = static_cast<int64_t>(ticks - kTicksFrom1601To1970);
  int64_t seconds = since_1970 / 10000000;
  int64_t nanoseconds = (since_1970 % 10000000) * 100;
  if (nanoseconds < 0) {
    seconds -= 1;
    nanoseconds += 1000000000;
  }
  return static_cast<double>(seconds) * 1e3 + static_cast<double>(nanoseconds) / 1e6;
}

// Fills `info` from an open handle. A handle to a character device (CON, NUL, COM1), a pipe, or a
// volume or disk (\\.\C:, \\.\PhysicalDrive0) is reported as such, never as a regular file.
Status FillInfo(HANDLE handle, const std::wstring& wide_path, const std::string& path,
                FileInfo* info) {
  *info = FileInfo();
  SetLastError(ERROR_SUCCESS);
  const DWORD type = GetFileType(handle);
  if (type == FILE_TYPE_UNKNOWN && GetLastError() != ERROR_SUCCESS) return LastErrorStatus(path);
  if (type == FILE_TYPE_CHAR) {
    info->kind = FileKind::kCharDevice;
    return Status::Ok();
  }
  if (type == FILE_TYPE_PIPE) {
    info->kind = FileKind::kFifo;
    return Status::Ok();
  }
  if (type != FILE_TYPE_DISK) {
    info->kind = FileKind::kOther;
    return Status::Ok();
  }
  BY_HANDLE_FILE_INFORMATION data;
  if (!GetFileInformationByHandle(handle, &data)) {
    // Volumes and physical disks open as FILE_TYPE_DISK but have no file information.
    if (IsDevicePath(wide_path)) {
      info->kind = FileKind::kBlockDevice;
      return Status::Ok();
    }
    return LastErrorStatus(path);
  }
  if ((data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
    info->kind = FileKind::kDirectory;
  } else if (IsDevicePath(wide_path)) {
    info->kind = FileKind::kBlockDevice;
  } else {
    info->kind = FileKind::kRegular;
  }
  info->size = (static_cast<uint64_t>(data.nFileSizeHigh) << 32) | data.nFileSizeLow;
  info->dev = data.dwVolumeSerialNumber;
  info->ino = (static_cast<uint64_t>(data.nFileIndexHigh) << 32) | data.nFileIndexLow;
  info->mtime_ms = UnixMilliseconds(data.ftLastWriteTime);
  return Status::Ok();
}

// Others may read, write (a logger keeps appending), delete or rename (log rotation) the file
// while hexlog has it open; a delete takes effect when the last handle and view are closed.
constexpr DWORD kShareAll = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

// A regular file that says it is empty but reads data (parity with the POSIX check; rare on
// Windows, where such files come from file systems that report sizes lazily).
void CheckEmptyFileReadsNothing(HANDLE handle, FileInfo* info) {
  if (info->kind != FileKind::kRegular || info->size != 0 ||
      info->size_problem != SizeProblem::kNone || !g_check_file_system_type.load()) {
    return;
  }
  char byte;
  DWORD read = 0;
  OVERLAPPED at_zero;
  std::memset(&at_zero, 0, sizeof at_zero);
  if (ReadFile(handle, &byte, 1, &read, &at_zero) && read > 0) {
    info->size_problem = SizeProblem::kDataPastSize;
  }
}

}  // namespace

const char* FileKindName(FileKind kind) {
  switch (kind) {
    case FileKind::kRegular:
      return "regular file";
    case FileKind::kDirectory:
      return "directory";
    case FileKind::kFifo:
      return "pipe";
    case FileKind::kCharDevice:
      return "character device";
    case FileKind::kBlockDevice:
      return "disk or volume";
    case FileKind::kSocket:
      return "socket";
    case FileKind::kOther:
      break;
  }
  return "special file";
}

Status StatPath(const std::string& path, FileInfo* info) {
  std::wstring wide;
  Status status = WindowsPath(path, &wide);
  if (!status.ok()) return status;
  // No access rights: only metadata. BACKUP_SEMANTICS lets a directory be opened too. A pipe
  // answers ERROR_PIPE_BUSY rather than waiting, so this never blocks.
  HANDLE handle = CreateFileW(wide.c_str(), 0, kShareAll, nullptr, OPEN_EXISTING,
                              FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    const DWORD error = GetLastError();
    if (error == ERROR_PIPE_BUSY) {
      *info = FileInfo();
      info->kind = FileKind::kFifo;
      return Status::Ok();
    }
    return Win32Status(error, path);
  }
  status = FillInfo(handle, wide, path, info);
  CloseHandle(handle);
  return status;
}

Status OpenFile(const std::string& path, bool writable, FileHandle* handle, FileInfo* info) {
  std::wstring wide;
  Status status = WindowsPath(path, &wide);
  if (!status.ok()) return status;
  const DWORD access = GENERIC_READ | (writable ? GENERIC_WRITE : 0);
  HANDLE opened = CreateFileW(wide.c_str(), access, kShareAll, nullptr, OPEN_EXISTING,
                              FILE_ATTRIBUTE_NORMAL, nullptr);
  if (opened == INVALID_HANDLE_VALUE) {
    const DWORD error = GetLastError();
    // Opening a directory without backup semantics is refused as access denied; say what it is.
    if (error == ERROR_ACCESS_DENIED) {
      const DWORD attributes = GetFileAttributesW(wide.c_str());
      if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
        *info = FileInfo();
        info->kind = FileKind::kDirectory;
        return Status::Fail("EISDIR", "EISDIR: is a directory: " + path);
      }
    }
    return Win32Status(error, path);
  }
  status = FillInfo(opened, wide, path, info);
  if (!status.ok()) {
    CloseHandle(opened);
    return status;
  }
  CheckEmptyFileReadsNothing(opened, info);
  handle->descriptor = reinterpret_cast<intptr_t>(opened);
  return Status::Ok();
}

void SetFileSystemTypeCheckForTest(bool enabled) { g_check_file_system_type.store(enabled); }

Status StatHandle(const FileHandle& handle, const std::string& path, FileInfo* info) {
  return FillInfo(Win32Handle(handle), std::wstring(), path, info);
}

Status MapFile(const FileHandle& handle, const std::string& path, uint64_t length, MapMode mode,
               Mapping* mapping) {
  *mapping = Mapping();
  if (length == 0) return Status::Ok();  // CreateFileMappingW refuses an empty file
  if (length > static_cast<uint64_t>(SIZE_MAX)) {
    return Status::Fail("EFBIG", "EFBIG: file too large to map in a 32-bit process (" +
                                     std::to_string(length) + " bytes): " + path);
  }
  DWORD protection = PAGE_READONLY;
  DWORD access = FILE_MAP_READ;
  if (mode == MapMode::kShared) {
    protection = PAGE_READWRITE;
    access = FILE_MAP_READ | FILE_MAP_WRITE;
  } else if (mode == MapMode::kPrivate) {
    // Copy-on-write over a handle opened read-only: written pages become private copies backed
    // by the page file, and nothing can ever reach the file.
    protection = PAGE_WRITECOPY;
    access = FILE_MAP_COPY;
  }
  // A maximum size of 0 means "the file's size now": never a larger section, which for
  // PAGE_READWRITE would silently grow the file.
  HANDLE section = CreateFileMappingW(Win32Handle(handle), nullptr, protection, 0, 0, nullptr);
  if (section == nullptr) {
    const DWORD error = GetLastError();
    // An empty file cannot be mapped: it was emptied after it was measured.
    if (error == ERROR_FILE_INVALID) {
      return Status::Fail("EFILECHANGED",
                          "EFILECHANGED: file changed on disk: " + path + " is now empty");
    }
    return Win32Status(error, path);
  }
  // The whole length in one view: a 64-bit process has 128 TiB of address space, so any file
  // fits. The view holds its own reference to the section.
  void* base = MapViewOfFile(section, access, 0, 0, static_cast<SIZE_T>(length));
  const DWORD error = base == nullptr ? GetLastError() : ERROR_SUCCESS;
  CloseHandle(section);
  if (base == nullptr) {
    FileInfo now;
    if (StatHandle(handle, path, &now).ok() && now.size < length) {
      return Status::Fail("EFILECHANGED", "EFILECHANGED: file changed on disk: " + path +
                                              " is now " + std::to_string(now.size) +
                                              " bytes, was " + std::to_string(length));
    }
    return Win32Status(error, path);
  }
  mapping->base = base;
  mapping->length = length;
  return Status::Ok();
}

Status SyncRange(const FileHandle& handle, const Mapping& mapping, const std::string& path,
                 uint64_t offset, uint64_t length) {
  if (mapping.base != nullptr && length > 0) {
    // FlushViewOfFile rounds the range out to whole pages itself. It starts the writes; the
    // FlushFileBuffers below waits for them and for the file's metadata to reach the disk.
    if (!FlushViewOfFile(static_cast<char*>(mapping.base) + offset, static_cast<SIZE_T>(length))) {
      return LastErrorStatus(path);
    }
  }
  if (!FlushFileBuffers(Win32Handle(handle))) return LastErrorStatus(path);
  return Status::Ok();
}

namespace {

// Windows byte-range locks are mandatory: a lock over the data would make other programs' reads
// of those bytes fail. So the advisory lock is one byte far past any real data, which only other
// lockers (hexlog sessions) ever touch — the same trick SQLite uses for its lock bytes.
constexpr DWORD kLockOffsetLow = 0xFFFFFFFEu;
constexpr DWORD kLockOffsetHigh = 0x7FFFFFFFu;

OVERLAPPED LockPlace() {
  OVERLAPPED place;
  std::memset(&place, 0, sizeof place);
  place.Offset = kLockOffsetLow;
  place.OffsetHigh = kLockOffsetHigh;
  return place;
}

}  // namespace

Status TryLockFile(const FileHandle& handle, const std::string& path, bool* taken) {
  *taken = false;
  OVERLAPPED place = LockPlace();
  if (LockFileEx(Win32Handle(handle), LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0,
                 &place)) {
    *taken = true;
    return Status::Ok();
  }
  const DWORD error = GetLastError();
  if (error == ERROR_LOCK_VIOLATION || error == ERROR_IO_PENDING) return Status::Ok();
  return Win32Status(error, path);
}

Status UnlockFile(const FileHandle& handle, const std::string& path) {
  OVERLAPPED place = LockPlace();
  if (UnlockFileEx(Win32Handle(handle), 0, 1, 0, &place)) return Status::Ok();
  const DWORD error = GetLastError();
  if (error == ERROR_NOT_LOCKED) return Status::Ok();  // held none: a no-op, as flock(LOCK_UN)
  return Win32Status(error, path);
}

bool ReleaseFreedMemory() {
  // The CRT heap returns freed blocks to the system on its own; there is no malloc_trim.
  return false;
}

void UnmapFile(Mapping* mapping) {
  if (mapping->base != nullptr) UnmapViewOfFile(mapping->base);
  *mapping = Mapping();
}

void CloseFile(FileHandle* handle) {
  if (handle->is_open()) CloseHandle(Win32Handle(*handle));
  handle->descriptor = -1;
}

}  // namespace platform

// ---- Fault guard ----------------------------------------------------------------------------
//
// Windows never lets a mapped file be truncated, but a view can still fail under a read: the
// network drive goes away, the disk returns a bad sector, removable media is pulled. The read then
// raises EXCEPTION_IN_PAGE_ERROR. One vectored exception handler for the whole process, added on
// first use, catches it for a thread that is inside guarded_copy / guarded_run ("armed"): it
// resumes the thread at the recovery point captured when the guard was armed (RtlCaptureContext,
// the Windows counterpart of sigsetjmp), where the guard returns false. Any other exception, or one
// on an unarmed thread, continues its search, so it crashes or is handled exactly as before. The
// same code builds with MSVC and mingw-w64 (no __try, which GCC lacks).

namespace {

struct RecoveryPoint {
  CONTEXT context;
  volatile LONG faulted;
  volatile DWORD fault_code;
};

thread_local RecoveryPoint* t_recovery = nullptr;
std::once_flag g_install_once;

// Wine lets the Linux side truncate a mapped file, and reports the read of a page that is gone as
// an access violation, not an in-page error. That one case is file trouble too: a read (not a
// write, not an execute) of an address inside a view of a mapped file.
bool IsReadOfMappedView(const EXCEPTION_RECORD& record) {
  if (record.ExceptionCode != EXCEPTION_ACCESS_VIOLATION || record.NumberParameters < 2 ||
      record.ExceptionInformation[0] != 0) {
    return false;
  }
  MEMORY_BASIC_INFORMATION region;
  const void* address = reinterpret_cast<const void*>(record.ExceptionInformation[1]);
  return VirtualQuery(address, &region, sizeof region) == sizeof region &&
         region.Type == MEM_MAPPED && region.State == MEM_COMMIT;
}

LONG CALLBACK OnException(EXCEPTION_POINTERS* pointers) {
  RecoveryPoint* recovery = t_recovery;
  if (recovery == nullptr) return EXCEPTION_CONTINUE_SEARCH;
  const DWORD code = pointers->ExceptionRecord->ExceptionCode;
  // Other access violations are bugs, not file trouble: they are never swallowed.
  if (code != EXCEPTION_IN_PAGE_ERROR && !IsReadOfMappedView(*pointers->ExceptionRecord)) {
    return EXCEPTION_CONTINUE_SEARCH;
  }
  t_recovery = nullptr;  // disarmed: a fault while recovering is not ours
  recovery->faulted = 1;
  // ExceptionInformation[2] holds the NTSTATUS that made the page read fail.
  recovery->fault_code =
      pointers->ExceptionRecord->NumberParameters >= 3
          ? static_cast<DWORD>(pointers->ExceptionRecord->ExceptionInformation[2])
          : 0;
  // Resume where the guard was armed, with the registers it had there. Only the base CONTEXT is
  // restored (its flags say so), never extended state the record may carry after it.
  *pointers->ContextRecord = recovery->context;
  return EXCEPTION_CONTINUE_EXECUTION;
}

// Kept out of line so its frame, and the recovery point's place in it, stay put while armed.
#if defined(_MSC_VER)
#define HEXLOG_NOINLINE __declspec(noinline)
#else
#define HEXLOG_NOINLINE __attribute__((noinline))
#endif

HEXLOG_NOINLINE bool RunArmed(void (*body)(void* context), void* context) {
  RecoveryPoint recovery;
  recovery.faulted = 0;
  recovery.fault_code = 0;
  RtlCaptureContext(&recovery.context);
  // Reached twice after a fault: first on the way in, then again when the handler resumes here.
  if (recovery.faulted != 0) return false;
  t_recovery = &recovery;
  std::atomic_signal_fence(std::memory_order_seq_cst);  // armed strictly before the body runs
  body(context);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t_recovery = nullptr;
  return true;
}

struct CopyArguments {
  void* dst;
  const void* src;
  size_t n;
};

// A temporary file of two pages, mapped read-only, with its first page read.
struct TemporaryMapping {
  HANDLE file = INVALID_HANDLE_VALUE;
  HANDLE section = nullptr;
  void* base = nullptr;
  std::string error;

  TemporaryMapping() {
    wchar_t directory[MAX_PATH + 1];
    wchar_t name[MAX_PATH + 1];
    if (GetTempPathW(MAX_PATH + 1, directory) == 0 ||
        GetTempFileNameW(directory, L"hxl", 0, name) == 0) {
      error = "no temporary file: " + platform::Win32Status(GetLastError(), "%TEMP%").message();
      return;
    }
    file = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS,
                       FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, nullptr);
    if (file == INVALID_HANDLE_VALUE) {
      error = platform::Win32Status(GetLastError(), "a temporary file").message();
      return;
    }
    char page[8192];
    std::memset(page, 'x', sizeof page);
    DWORD written = 0;
    if (!WriteFile(file, page, sizeof page, &written, nullptr) || written != sizeof page) {
      error = "the temporary file could not be written";
      return;
    }
    section = CreateFileMappingW(file, nullptr, PAGE_READONLY, 0, 0, nullptr);
    base = section == nullptr ? nullptr : MapViewOfFile(section, FILE_MAP_READ, 0, 0, 0);
    if (base == nullptr) error = "the temporary file could not be mapped";
  }
  ~TemporaryMapping() {
    if (base != nullptr) UnmapViewOfFile(base);
    if (section != nullptr) CloseHandle(section);
    if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
  }
  TemporaryMapping(const TemporaryMapping&) = delete;
  TemporaryMapping& operator=(const TemporaryMapping&) = delete;
};

// Reads the mapping inside the guard and then raises the in-page error a failing disk raises at
// that point; true when the guard caught it and the thread can copy normally afterwards. Windows
// refuses to truncate a mapped file (ERROR_USER_MAPPED_FILE), so no real fault can be made on
// demand on a local disk; the exception is the same one the memory manager raises.
bool FaultIsCaught(const TemporaryMapping& mapping) {
  char buffer[16];
  struct Probe {
    const TemporaryMapping* mapping;
    char* buffer;
  } probe{&mapping, buffer};
  const bool finished = guarded_run(
      [](void* context) {
        Probe* self = static_cast<Probe*>(context);
        std::memcpy(self->buffer, self->mapping->base, 16);
        const ULONG_PTR details[3] = {
            0, reinterpret_cast<ULONG_PTR>(self->mapping->base),
            static_cast<ULONG_PTR>(0xC0000185L)};  // STATUS_IO_DEVICE_ERROR
        RaiseException(EXCEPTION_IN_PAGE_ERROR, 0, 3, details);
      },
      &probe);
  if (finished) return false;
  const char intact[sizeof buffer] = "still works";
  return guarded_copy(buffer, intact, sizeof buffer) &&
         std::memcmp(buffer, intact, sizeof buffer) == 0;
}

}  // namespace

void InstallFaultGuard() {
  std::call_once(g_install_once, [] { AddVectoredExceptionHandler(1, OnException); });
}

bool guarded_copy(void* dst, const void* src, size_t n) {
  if (n == 0) return true;
  CopyArguments arguments{dst, src, n};
  return guarded_run(
      [](void* context) {
        CopyArguments* copy = static_cast<CopyArguments*>(context);
        std::memcpy(copy->dst, copy->src, copy->n);
      },
      &arguments);
}

bool guarded_run(void (*body)(void* context), void* context) {
  InstallFaultGuard();
  return RunArmed(body, context);
}

FaultGuardSelfTestResult RunFaultGuardSelfTest() {
  TemporaryMapping mapping;
  if (!mapping.error.empty()) {
    FaultGuardSelfTestResult result;
    result.error = mapping.error;
    return result;
  }
  return RunOnCallingAndOtherThread(
      [](const void* context) {
        return FaultIsCaught(*static_cast<const TemporaryMapping*>(context));
      },
      &mapping);
}

std::string TriggerUnguardedFaultForTest() {
  InstallFaultGuard();
  const ULONG_PTR details[3] = {0, 0, static_cast<ULONG_PTR>(0xC0000185L)};
  // Not armed: the handler passes it on, and the process ends with the exception's code.
  RaiseException(EXCEPTION_IN_PAGE_ERROR, EXCEPTION_NONCONTINUABLE, 3, details);
  return "the process survived an unguarded in-page error";
}

}  // namespace hexlog::core
