// Tests of the C++ core over the Windows platform layer (platform_win.cc). Cross-built with
// mingw-w64 and run under Wine by scripts/windows-core.mjs (`npm run test:windows-core`); on a
// Windows machine the same source builds with MSVC. Every test works on real files in a fresh
// temporary directory through the core's own classes: MappedFile and FileMapping in every mode,
// LineIndex, ByteSearch and the fault guard.
//
// Output is one line per test ("ok - name" / "not ok - name: why") and a summary; the exit code
// is the number of failed tests.
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <winioctl.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/byte_search.h"
#include "core/fault_guard.h"
#include "core/line_index.h"
#include "core/mapped_file.h"
#include "core/platform.h"
#include "core/regex_search.h"
#include "core/status.h"

namespace core = hexlog::core;

namespace {

// ---- A tiny test runner ---------------------------------------------------------------------

struct Failure {
  std::string message;
};

#define EXPECT(condition, detail)                             \
  do {                                                        \
    if (!(condition)) {                                       \
      std::ostringstream out_;                                \
      out_ << __LINE__ << ": " #condition << " — " << detail; \
      throw Failure{out_.str()};                              \
    }                                                         \
  } while (false)

#define EXPECT_OK(status_expression)                  \
  do {                                                \
    const core::Status status_ = (status_expression); \
    EXPECT(status_.ok(), status_.message());          \
  } while (false)

#define EXPECT_CODE(status_expression, expected)                                                \
  do {                                                                                          \
    const core::Status status_ = (status_expression);                                           \
    EXPECT(status_.code() == std::string(expected),                                             \
           "expected " << (expected) << ", got " << (status_.ok() ? "ok" : status_.message())); \
  } while (false)

struct Test {
  const char* name;
  std::function<void()> body;
};

std::vector<Test>& Tests() {
  static std::vector<Test> tests;
  return tests;
}

struct Register {
  Register(const char* name, std::function<void()> body) {
    Tests().push_back({name, std::move(body)});
  }
};

#define TEST_CASE(id, name)                 \
  void id();                                \
  const Register id##_registered(name, id); \
  void id()

// ---- Files ----------------------------------------------------------------------------------

std::wstring Widen(const std::string& text) {
  const int count =
      MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
  std::wstring wide(static_cast<size_t>(count), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), wide.data(), count);
  return wide;
}

std::string Narrow(const std::wstring& wide) {
  const int count = WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()),
                                        nullptr, 0, nullptr, nullptr);
  std::string text(static_cast<size_t>(count), '\0');
  WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), text.data(), count,
                      nullptr, nullptr);
  return text;
}

// A line under the test's result saying which way an environment-dependent test went.
void Note(const std::string& text) { std::printf("  # %s\n", text.c_str()); }

std::string LastError() { return "Windows error " + std::to_string(GetLastError()); }

// A fresh directory under %TEMP%, removed (with what is in it) by main at the end.
std::string& Scratch() {
  static std::string directory = [] {
    wchar_t temp[MAX_PATH + 1];
    GetTempPathW(MAX_PATH + 1, temp);
    std::wstring path = std::wstring(temp) + L"hexlog-windows-core-" +
                        std::to_wstring(GetCurrentProcessId()) + L"-" +
                        std::to_wstring(GetTickCount64());
    CreateDirectoryW(path.c_str(), nullptr);
    return Narrow(path);
  }();
  return directory;
}

std::string PathIn(const std::string& name) { return Scratch() + "\\" + name; }

void WriteWhole(const std::string& path, const std::string& bytes) {
  HANDLE file = CreateFileW(Widen(path).c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS,
                            FILE_ATTRIBUTE_NORMAL, nullptr);
  EXPECT(file != INVALID_HANDLE_VALUE, "create " << path << ": " << LastError());
  DWORD written = 0;
  const BOOL wrote =
      bytes.empty() ||
      WriteFile(file, bytes.data(), static_cast<DWORD>(bytes.size()), &written, nullptr);
  CloseHandle(file);
  EXPECT(wrote && written == bytes.size(), "write " << path << ": " << LastError());
}

// The file's bytes as another program sees them, through ReadFile on its own handle.
std::string ReadWhole(const std::string& path) {
  HANDLE file = CreateFileW(Widen(path).c_str(), GENERIC_READ,
                            FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                            OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  EXPECT(file != INVALID_HANDLE_VALUE, "open " << path << ": " << LastError());
  std::string bytes;
  char buffer[65536];
  DWORD read = 0;
  while (ReadFile(file, buffer, sizeof buffer, &read, nullptr) && read > 0)
    bytes.append(buffer, read);
  CloseHandle(file);
  return bytes;
}

std::string ReadThrough(const core::MappedFile& file, uint64_t offset, uint64_t length) {
  std::string bytes(static_cast<size_t>(length), '\0');
  uint64_t copied = 0;
  EXPECT_OK(file.ReadInto(offset, bytes.data(), length, &copied));
  bytes.resize(static_cast<size_t>(copied));
  return bytes;
}

std::string Seeded(size_t size, uint32_t seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random() & 0xFF);
  return bytes;
}

// ---- Modes ----------------------------------------------------------------------------------

TEST_CASE(ReadOnlyMapping, "a read-only mapping reads the file's bytes and refuses writes") {
  const std::string path = PathIn("readonly.bin");
  const std::string bytes = Seeded(200000, 1);
  WriteWhole(path, bytes);
  core::MappedFile file;
  EXPECT_OK(file.Open(path, core::MapMode::kReadOnly));
  uint64_t size = 0;
  EXPECT_OK(file.Size(&size));
  EXPECT(size == bytes.size(), size);
  EXPECT(ReadThrough(file, 0, size) == bytes, "contents differ");
  EXPECT(ReadThrough(file, 123457, 10) == bytes.substr(123457, 10), "slice differs");
  EXPECT(ReadThrough(file, size, 10).empty(), "read at the end copies nothing");
  char byte = 0;
  uint64_t copied = 0;
  EXPECT_CODE(file.ReadInto(size + 1, &byte, 1, &copied), "ERANGE");
  uint64_t written = 0;
  EXPECT_CODE(file.Write(0, "x", 1, &written), "EREADONLY");
  EXPECT_CODE(file.Flush(0, 1), "EBADMODE");
}

TEST_CASE(SharedMapping, "a shared mapping's writes reach the file after flush") {
  const std::string path = PathIn("shared.bin");
  const std::string bytes = Seeded(3 * 65536 + 17, 2);
  WriteWhole(path, bytes);
  core::MappedFile file;
  EXPECT_OK(file.Open(path, core::MapMode::kShared));
  std::string expected = bytes;
  std::mt19937 random(7);
  for (int i = 0; i < 50; ++i) {
    const uint64_t offset = random() % (bytes.size() - 8);
    const std::string patch = Seeded(1 + random() % 8, static_cast<uint32_t>(100 + i));
    uint64_t written = 0;
    EXPECT_OK(file.Write(offset, patch.data(), patch.size(), &written));
    EXPECT(written == patch.size(), written);
    expected.replace(static_cast<size_t>(offset), patch.size(), patch);
  }
  uint64_t written = 0;
  EXPECT_CODE(file.Write(bytes.size() - 1, "ab", 2, &written), "ERANGE");
  EXPECT_OK(file.Flush(0, bytes.size()));
  EXPECT(ReadThrough(file, 0, bytes.size()) == expected, "mapping differs from the edits");
  EXPECT(ReadWhole(path) == expected, "the file on disk lacks the flushed edits");
  file.Close();
  EXPECT(ReadWhole(path) == expected, "the file changed on close");
}

TEST_CASE(PrivateMapping, "a copy-on-write mapping shows its writes and never touches the file") {
  const std::string path = PathIn("private.bin");
  const std::string bytes = Seeded(100000, 3);
  WriteWhole(path, bytes);
  core::MappedFile file;
  EXPECT_OK(file.Open(path, core::MapMode::kPrivate));
  uint64_t written = 0;
  EXPECT_OK(file.Write(4096, "PATCHED", 7, &written));
  EXPECT(ReadThrough(file, 4096, 7) == "PATCHED", "the preview lacks the write");
  EXPECT_CODE(file.Flush(0, 10), "EBADMODE");
  EXPECT(ReadWhole(path) == bytes, "a private write reached the file");
  // Another program reads the original while the preview is open, and may even write it.
  core::MappedFile other;
  EXPECT_OK(other.Open(path, core::MapMode::kReadOnly));
  EXPECT(ReadThrough(other, 4096, 7) == bytes.substr(4096, 7), "another view sees the preview");
  file.Close();
  EXPECT(ReadWhole(path) == bytes, "closing the preview changed the file");
}

TEST_CASE(EmptyFile, "an empty file opens in every mode as 0 bytes") {
  const std::string path = PathIn("empty.bin");
  WriteWhole(path, "");
  for (core::MapMode mode :
       {core::MapMode::kReadOnly, core::MapMode::kShared, core::MapMode::kPrivate}) {
    core::MappedFile file;
    EXPECT_OK(file.Open(path, mode));
    uint64_t size = 1;
    EXPECT_OK(file.Size(&size));
    EXPECT(size == 0, core::MapModeName(mode) << " size " << size);
    EXPECT(ReadThrough(file, 0, 10).empty(), core::MapModeName(mode));
  }
}

// ---- Paths ----------------------------------------------------------------------------------

TEST_CASE(WidePaths, "UTF-8 names outside ASCII open as the same wide names") {
  const std::string name =
      "journ\xC3\xA4l-\xE6\x97\xA5\xE6\x9C\xAC-\xF0\x9F\x93\x9C.log";  // äl, 日本, 📜
  const std::string path = PathIn(name);
  WriteWhole(path, "wide\n");
  core::MappedFile file;
  EXPECT_OK(file.Open(path, core::MapMode::kReadOnly));
  EXPECT(ReadThrough(file, 0, 5) == "wide\n", "contents");
  // The name on disk is the UTF-16 of that UTF-8.
  WIN32_FIND_DATAW found;
  HANDLE search = FindFirstFileW(Widen(path).c_str(), &found);
  EXPECT(search != INVALID_HANDLE_VALUE, LastError());
  FindClose(search);
  EXPECT(Narrow(found.cFileName) == name, Narrow(found.cFileName));
}

TEST_CASE(LongPaths, "paths longer than MAX_PATH open, with or without the \\\\?\\ prefix") {
  std::string directory = Scratch();
  std::wstring verbatim = L"\\\\?\\" + Widen(directory);
  for (int i = 0; i < 6; ++i) {
    const std::string part = "a-rather-long-directory-name-to-pass-max-path-" + std::to_string(i);
    directory += "\\" + part;
    verbatim += L"\\" + Widen(part);
    EXPECT(CreateDirectoryW(verbatim.c_str(), nullptr) || GetLastError() == ERROR_ALREADY_EXISTS,
           LastError());
  }
  const std::string path = directory + "\\deep.log";
  EXPECT(path.size() > MAX_PATH, path.size());
  HANDLE created = CreateFileW((verbatim + L"\\deep.log").c_str(), GENERIC_WRITE, 0, nullptr,
                               CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  EXPECT(created != INVALID_HANDLE_VALUE, LastError());
  DWORD written = 0;
  WriteFile(created, "deep\n", 5, &written, nullptr);
  CloseHandle(created);

  core::MappedFile plain;
  EXPECT_OK(plain.Open(path, core::MapMode::kReadOnly));
  EXPECT(ReadThrough(plain, 0, 5) == "deep\n", "via the plain path");
  core::MappedFile prefixed;
  EXPECT_OK(prefixed.Open("\\\\?\\" + path, core::MapMode::kShared));
  EXPECT(ReadThrough(prefixed, 0, 5) == "deep\n", "via the \\\\?\\ path");

  std::wstring wide;
  EXPECT_OK(core::platform::WindowsPath(path, &wide));
  EXPECT(wide.rfind(L"\\\\?\\", 0) == 0, Narrow(wide));
  EXPECT_OK(core::platform::WindowsPath(PathIn("short.log"), &wide));
  EXPECT(wide.rfind(L"\\\\?\\", 0) != 0, "a short path keeps its usual form: " << Narrow(wide));
  EXPECT_OK(core::platform::WindowsPath("\\\\server\\share\\" + std::string(300, 'x'), &wide));
  EXPECT(wide.rfind(L"\\\\?\\UNC\\server\\share\\", 0) == 0, Narrow(wide));
}

// ---- Errors ---------------------------------------------------------------------------------

TEST_CASE(ErrorCodes, "errors answer the codes POSIX answers") {
  core::MappedFile file;
  EXPECT_CODE(file.Open(PathIn("missing.log"), core::MapMode::kReadOnly), "ENOENT");
  EXPECT_CODE(file.Open(PathIn("no-such-dir\\missing.log"), core::MapMode::kReadOnly), "ENOENT");
  EXPECT_CODE(file.Open("", core::MapMode::kReadOnly), "ENOENT");
  EXPECT_CODE(file.Open(Scratch(), core::MapMode::kReadOnly), "EISDIR");
  EXPECT_CODE(file.Open(Scratch(), core::MapMode::kShared), "EISDIR");
  EXPECT_CODE(file.Open("NUL", core::MapMode::kReadOnly), "ENOTREG");
  EXPECT_CODE(file.Open("\\\\.\\NUL", core::MapMode::kReadOnly), "ENOTREG");
  // Not UTF-8: no file can have this name.
  EXPECT_CODE(file.Open(PathIn("bad-\xFF\xFE.log"), core::MapMode::kReadOnly), "ENOENT");
  // A name Windows forbids.
  EXPECT_CODE(file.Open(PathIn("what?.log"), core::MapMode::kReadOnly), "ENOENT");

  // A read-only file opened for writing.
  const std::string locked = PathIn("readonly-attribute.log");
  WriteWhole(locked, "data\n");
  SetFileAttributesW(Widen(locked).c_str(), FILE_ATTRIBUTE_READONLY);
  // Under Wine as root, the host would let root write it anyway: the runner runs this driver as
  // an unprivileged user for that reason.
  EXPECT_CODE(file.Open(locked, core::MapMode::kShared), "EACCES");
  EXPECT_OK(file.Open(locked, core::MapMode::kReadOnly));
  file.Close();
  SetFileAttributesW(Widen(locked).c_str(), FILE_ATTRIBUTE_NORMAL);

  // Another program holds the file without sharing it.
  const std::string held = PathIn("held.log");
  WriteWhole(held, "held\n");
  HANDLE exclusive = CreateFileW(Widen(held).c_str(), GENERIC_READ, 0, nullptr, OPEN_EXISTING,
                                 FILE_ATTRIBUTE_NORMAL, nullptr);
  EXPECT(exclusive != INVALID_HANDLE_VALUE, LastError());
  const core::Status busy = file.Open(held, core::MapMode::kReadOnly);
  CloseHandle(exclusive);
  EXPECT(busy.code() == "EBUSY", busy.message());
  EXPECT(busy.message().find("another program") != std::string::npos, busy.message());
  EXPECT(busy.message().find(held) != std::string::npos, busy.message());
  EXPECT_OK(file.Open(held, core::MapMode::kReadOnly));

  // The table, for errors no test can provoke on demand.
  EXPECT_CODE(core::platform::Win32Status(ERROR_DISK_FULL, "x"), "ENOSPC");
  EXPECT_CODE(core::platform::Win32Status(ERROR_NOT_READY, "x"), "EIO");
  EXPECT_CODE(core::platform::Win32Status(ERROR_COMMITMENT_LIMIT, "x"), "ENOMEM");
  EXPECT_CODE(core::platform::Win32Status(ERROR_FILENAME_EXCED_RANGE, "x"), "ENAMETOOLONG");
  const core::Status unknown = core::platform::Win32Status(1784, "x");
  EXPECT(unknown.code() == "EWIN1784", unknown.message());
  EXPECT(unknown.message().size() > std::string("EWIN1784: : x").size(), unknown.message());
}

// ---- Sharing with other programs --------------------------------------------------------------

TEST_CASE(OthersAppend, "another program appends while the file is mapped; a new mapping sees it") {
  const std::string path = PathIn("growing.log");
  WriteWhole(path, "one\ntwo\n");
  core::MappedFile file;
  EXPECT_OK(file.Open(path, core::MapMode::kReadOnly));
  std::unique_ptr<core::LineIndex> index;
  EXPECT_OK(core::LineIndex::Create(file.shared_mapping(), core::TextEncoding::kUtf8, {}, &index));
  // A logger: opens for appending with the usual share modes, while hexlog holds the file.
  HANDLE logger = CreateFileW(Widen(path).c_str(), FILE_APPEND_DATA,
                              FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                              OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  EXPECT(logger != INVALID_HANDLE_VALUE, "a logger cannot open the file: " << LastError());
  DWORD written = 0;
  EXPECT(WriteFile(logger, "three\n", 6, &written, nullptr), LastError());
  CloseHandle(logger);

  core::FileIdentity identity;
  EXPECT_OK(file.Stat(&identity));
  EXPECT(identity.size == 14, identity.size);
  uint64_t size = 0;
  EXPECT_OK(file.Size(&size));
  EXPECT(size == 8, "the mapping keeps its length: " << size);
  std::shared_ptr<core::FileMapping> grown;
  EXPECT_OK(core::FileMapping::Open(path, core::MapMode::kReadOnly, &grown));
  EXPECT(grown->size() == 14, grown->size());
  EXPECT_OK(index->Extend(grown));
  core::LineIndexProgress progress;
  for (int i = 0; i < 500; ++i) {
    EXPECT_OK(index->Progress(&progress));
    if (progress.done) break;
    Sleep(2);
  }
  EXPECT(progress.done && progress.lines_known == 3, progress.lines_known);
  core::LineSlice slice;
  EXPECT_OK(index->ReadLines(2, 1, 100, &slice));
  EXPECT(slice.count == 1 && std::string(slice.bytes.begin(), slice.bytes.end()) == "three",
         "line 3");
}

TEST_CASE(TruncateWhileMapped,
          "truncating a mapped file is refused by Windows, or answered EFILECHANGED") {
  const std::string path = PathIn("truncated.log");
  WriteWhole(path, std::string(3 * 65536, 'z'));
  core::MappedFile file;
  EXPECT_OK(file.Open(path, core::MapMode::kReadOnly));
  HANDLE other = CreateFileW(Widen(path).c_str(), GENERIC_WRITE,
                             FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                             OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  EXPECT(other != INVALID_HANDLE_VALUE, LastError());
  LARGE_INTEGER small;
  small.QuadPart = 100;
  SetFilePointerEx(other, small, nullptr, FILE_BEGIN);
  const BOOL truncated = SetEndOfFile(other);
  const DWORD error = GetLastError();
  CloseHandle(other);
  if (!truncated) {
    Note("SetEndOfFile was refused with ERROR_USER_MAPPED_FILE, as Windows does");
    // Windows: a file with a mapped view cannot be cut below it.
    EXPECT(error == ERROR_USER_MAPPED_FILE, "SetEndOfFile failed with " << error);
    EXPECT(ReadThrough(file, 65536, 4) == "zzzz", "the mapping still reads");
    return;
  }
  Note("SetEndOfFile cut the mapped file (Windows refuses this; this host allowed it)");
  // Wine lets the host truncate it: hexlog must answer EFILECHANGED, never crash.
  char buffer[16];
  uint64_t copied = 0;
  EXPECT_CODE(file.ReadInto(2 * 65536, buffer, sizeof buffer, &copied), "EFILECHANGED");
}

TEST_CASE(DeleteWhileMapped, "another program may delete a mapped file; the view keeps reading") {
  const std::string path = PathIn("rotated.log");
  WriteWhole(path, "rotated away\n");
  core::MappedFile file;
  EXPECT_OK(file.Open(path, core::MapMode::kReadOnly));
  // Log rotation: the logger deletes (or renames) the file while hexlog has it open.
  EXPECT(DeleteFileW(Widen(path).c_str()), "delete refused: " << LastError());
  EXPECT(ReadThrough(file, 0, 7) == "rotated", "the view reads after the delete");
  file.Close();
  EXPECT(GetFileAttributesW(Widen(path).c_str()) == INVALID_FILE_ATTRIBUTES,
         "the file is gone once hexlog lets go");
}

TEST_CASE(AdvisoryLock, "the edit lock excludes a second hexlog but not other programs' reads") {
  const std::string path = PathIn("locked.bin");
  const std::string bytes = Seeded(10000, 4);
  WriteWhole(path, bytes);
  core::MappedFile first;
  core::MappedFile second;
  EXPECT_OK(first.Open(path, core::MapMode::kShared));
  EXPECT_OK(second.Open(path, core::MapMode::kShared));
  bool taken = false;
  EXPECT_OK(first.TryLock(&taken));
  EXPECT(taken, "the first lock");
  EXPECT_OK(second.TryLock(&taken));
  EXPECT(!taken, "a second open of the file took the lock");
  EXPECT(ReadWhole(path) == bytes, "the lock blocked another program's read");
  EXPECT_OK(first.Unlock());
  EXPECT_OK(first.Unlock());  // holding none is a no-op
  EXPECT_OK(second.TryLock(&taken));
  EXPECT(taken, "the lock is free after unlock");
  second.Close();
  EXPECT_OK(first.TryLock(&taken));
  EXPECT(taken, "closing releases the lock");
}

// ---- 64-bit sizes ---------------------------------------------------------------------------

TEST_CASE(SparseFile, "a sparse 5 GiB file maps whole; bytes past 4 GiB read and write") {
  const std::string path = PathIn("sparse.bin");
  const uint64_t size = 5ULL << 30;
  const uint64_t marker_at = (4ULL << 30) + 12345;
  HANDLE file = CreateFileW(Widen(path).c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr,
                            CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  EXPECT(file != INVALID_HANDLE_VALUE, LastError());
  DWORD returned = 0;
  DeviceIoControl(file, FSCTL_SET_SPARSE, nullptr, 0, nullptr, 0, &returned, nullptr);
  LARGE_INTEGER at;
  at.QuadPart = static_cast<LONGLONG>(marker_at);
  SetFilePointerEx(file, at, nullptr, FILE_BEGIN);
  DWORD written = 0;
  WriteFile(file, "MARKER", 6, &written, nullptr);
  at.QuadPart = static_cast<LONGLONG>(size);
  SetFilePointerEx(file, at, nullptr, FILE_BEGIN);
  const BOOL extended = SetEndOfFile(file);
  CloseHandle(file);
  EXPECT(extended && written == 6, LastError());

  core::MappedFile mapped;
  EXPECT_OK(mapped.Open(path, core::MapMode::kShared));
  uint64_t mapped_size = 0;
  EXPECT_OK(mapped.Size(&mapped_size));
  EXPECT(mapped_size == size, mapped_size);
  EXPECT(ReadThrough(mapped, marker_at, 6) == "MARKER", "bytes past 4 GiB");
  EXPECT(ReadThrough(mapped, 3ULL << 30, 4) == std::string(4, '\0'), "a hole reads zeros");
  EXPECT(ReadThrough(mapped, size - 2, 10) == std::string(2, '\0'), "the last bytes");
  uint64_t count = 0;
  EXPECT_OK(mapped.Write(size - 1, "!", 1, &count));
  EXPECT_OK(mapped.Flush(size - 1, 1));
  core::MappedFile again;
  EXPECT_OK(again.Open(path, core::MapMode::kReadOnly));
  EXPECT(ReadThrough(again, size - 1, 1) == "!", "the flushed last byte");
  core::FileIdentity identity;
  EXPECT_OK(again.Stat(&identity));
  EXPECT(identity.size == size && identity.ino != 0, identity.size << " ino " << identity.ino);
  mapped.Close();
  again.Close();
  DeleteFileW(Widen(path).c_str());
}

// ---- Scans over a mapping -------------------------------------------------------------------

void WaitIndex(const core::LineIndex& index, core::LineIndexProgress* progress) {
  for (int i = 0; i < 5000; ++i) {
    EXPECT_OK(index.Progress(progress));
    if (progress->done) return;
    Sleep(2);
  }
  EXPECT(false, "the index did not finish");
}

TEST_CASE(LineIndexOverMapping, "the line index counts and reads lines as a naive split does") {
  std::mt19937 random(11);
  std::string text;
  std::vector<std::string> lines;
  for (int i = 0; i < 40000; ++i) {
    std::string line = "line " + std::to_string(i) + " " + std::string(random() % 90, 'x');
    if (random() % 7 == 0) line += "\r";  // CRLF lines keep their CR, as on POSIX
    lines.push_back(line);
    text += line + "\n";
  }
  text += "unterminated";
  lines.push_back("unterminated");
  const std::string path = PathIn("lines.log");
  WriteWhole(path, text);
  core::MappedFile file;
  EXPECT_OK(file.Open(path, core::MapMode::kReadOnly));
  core::LineIndexOptions options;
  options.threads = 2;
  options.chunk_bytes = 65536;  // many chunks, so lines cross chunk edges
  std::unique_ptr<core::LineIndex> index;
  EXPECT_OK(
      core::LineIndex::Create(file.shared_mapping(), core::TextEncoding::kUtf8, options, &index));
  core::LineIndexProgress progress;
  WaitIndex(*index, &progress);
  EXPECT(progress.lines_known == lines.size(), progress.lines_known << " vs " << lines.size());
  for (uint64_t first : {uint64_t{0}, uint64_t{12345}, uint64_t{lines.size() - 3}}) {
    core::LineSlice slice;
    EXPECT_OK(index->ReadLines(first, 3, 1000, &slice));
    EXPECT(slice.count == 3, slice.count);
    for (uint64_t i = 0; i < 3; ++i) {
      const std::string got(slice.bytes.begin() + slice.text_starts[i],
                            slice.bytes.begin() + slice.text_starts[i + 1]);
      EXPECT(got == lines[first + i], "line " << first + i << ": " << got);
    }
  }
  uint64_t line = 0;
  EXPECT_OK(index->LineAtOffset(text.find("line 20000 "), &line));
  EXPECT(line == 20000, line);
}

TEST_CASE(SearchOverMapping, "the byte search finds every match a naive scan finds") {
  std::mt19937 random(12);
  std::string bytes = Seeded(3 << 20, 13);
  const std::string needle = "needle\x00\xFF";
  for (int i = 0; i < 300; ++i) {
    const size_t at = random() % (bytes.size() - needle.size());
    bytes.replace(at, needle.size(), needle);
  }
  std::vector<uint64_t> expected;
  for (size_t at = bytes.find(needle); at != std::string::npos; at = bytes.find(needle, at + 1)) {
    expected.push_back(at);
  }
  const std::string path = PathIn("search.bin");
  WriteWhole(path, bytes);
  core::MappedFile file;
  EXPECT_OK(file.Open(path, core::MapMode::kReadOnly));
  core::PatternSpec pattern;
  pattern.bytes.assign(needle.begin(), needle.end());
  core::ByteSearchOptions options;
  options.threads = 2;
  options.chunk_bytes = 100003;  // odd chunks, so matches straddle their edges
  std::unique_ptr<core::ByteSearch> search;
  EXPECT_OK(core::ByteSearch::Create(file.shared_mapping(), pattern, options, &search));
  core::ByteSearchProgress progress;
  for (int i = 0; i < 5000 && !progress.done; ++i) {
    EXPECT_OK(search->Progress(&progress));
    if (!progress.done) Sleep(2);
  }
  EXPECT(progress.done && progress.error.ok(), progress.error.message());
  std::vector<uint64_t> found;
  EXPECT_OK(search->Results(0, expected.size() + 10, &found));
  EXPECT(found == expected, found.size() << " matches, expected " << expected.size());
}

#ifdef HEXLOG_HAVE_PCRE2
TEST_CASE(RegexOverMapping, "the PCRE2 regex search finds every match std::regex finds") {
  std::mt19937 random(14);
  std::string text;
  for (int i = 0; i < 30000; ++i) {
    text += "2026-12-06 level=" + std::string(random() % 5 == 0 ? "ERROR" : "info") +
            " id=" + std::to_string(random() % 100000) + " " + std::string(random() % 60, 'x') +
            "\n";
  }
  const std::string path = PathIn("regex.log");
  WriteWhole(path, text);
  const std::regex reference("ERROR id=([0-9]+)");
  std::vector<uint64_t> expected_offsets;
  std::vector<uint64_t> expected_lengths;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), reference);
       it != std::sregex_iterator(); ++it) {
    expected_offsets.push_back(static_cast<uint64_t>(it->position(0)));
    expected_lengths.push_back(static_cast<uint64_t>(it->length(0)));
  }
  core::MappedFile file;
  EXPECT_OK(file.Open(path, core::MapMode::kReadOnly));
  core::RegexSpec spec;
  spec.pattern = "ERROR id=([0-9]+)";
  core::RegexSearchOptions options;
  options.threads = 2;
  options.chunk_bytes = 65521;  // matches straddle chunk edges
  std::unique_ptr<core::RegexSearch> search;
  uint64_t error_offset = 0;
  EXPECT_OK(
      core::RegexSearch::Create(file.shared_mapping(), spec, options, &search, &error_offset));
  core::RegexSearchProgress progress;
  for (int i = 0; i < 5000 && !progress.done; ++i) {
    EXPECT_OK(search->Progress(&progress));
    if (!progress.done) Sleep(2);
  }
  EXPECT(progress.done && progress.error.ok(), progress.error.message());
  std::vector<uint64_t> offsets;
  std::vector<uint64_t> lengths;
  EXPECT_OK(search->Results(0, expected_offsets.size() + 10, &offsets, &lengths));
  EXPECT(offsets == expected_offsets && lengths == expected_lengths,
         offsets.size() << " matches, expected " << expected_offsets.size());
  Note(search->jit() ? "PCRE2 ran with its JIT" : "PCRE2 ran its interpreter (no JIT)");
  spec.pattern = "broken(";
  EXPECT_CODE(core::RegexSearch::CheckPattern(spec, &error_offset), "EINVAL");
}
#endif

// ---- The fault guard --------------------------------------------------------------------------

TEST_CASE(FaultGuard, "the guard turns an in-page error into a return value on any thread") {
  const core::FaultGuardSelfTestResult result = core::RunFaultGuardSelfTest();
  EXPECT(result.error.empty(), result.error);
  EXPECT(result.caught_on_calling_thread, "calling thread");
  EXPECT(result.caught_on_other_thread, "another thread");
  // An access violation is a bug, never swallowed: checked in a child (see main).
}

TEST_CASE(FaultAnswersCodes, "a fault under a read answers EIO, or EFILECHANGED if it shrank") {
  const std::string path = PathIn("fault.bin");
  WriteWhole(path, std::string(8192, 'f'));
  std::shared_ptr<core::FileMapping> mapping;
  EXPECT_OK(core::FileMapping::Open(path, core::MapMode::kReadOnly, &mapping));
  const core::Status same_size = mapping->FaultWhileAccessing();
  EXPECT(same_size.code() == "EIO", same_size.message());
  EXPECT(same_size.message().find(path) != std::string::npos, same_size.message());
}

int RunChild(const std::wstring& argument, DWORD* exit_code) {
  wchar_t self[MAX_PATH + 1];
  GetModuleFileNameW(nullptr, self, MAX_PATH + 1);
  std::wstring command = L"\"" + std::wstring(self) + L"\" " + argument;
  STARTUPINFOW startup;
  std::memset(&startup, 0, sizeof startup);
  startup.cb = sizeof startup;
  PROCESS_INFORMATION process;
  if (!CreateProcessW(nullptr, command.data(), nullptr, nullptr, FALSE, 0, nullptr, nullptr,
                      &startup, &process)) {
    return 0;
  }
  WaitForSingleObject(process.hProcess, 60000);
  GetExitCodeProcess(process.hProcess, exit_code);
  CloseHandle(process.hThread);
  CloseHandle(process.hProcess);
  return 1;
}

LONG WINAPI ExitWithCode(EXCEPTION_POINTERS* pointers) {
  // Report the exception as the exit code, without Wine's or Windows' crash dialog or backtrace.
  ExitProcess(pointers->ExceptionRecord->ExceptionCode);
}

TEST_CASE(UnguardedFaults,
          "faults outside the guard, and access violations, still end the process") {
  DWORD code = 0;
  EXPECT(RunChild(L"--unguarded-in-page-error", &code), LastError());
  EXPECT(code == EXCEPTION_IN_PAGE_ERROR, "exit code 0x" << std::hex << code);
  EXPECT(RunChild(L"--guarded-access-violation", &code), LastError());
  EXPECT(code == EXCEPTION_ACCESS_VIOLATION, "exit code 0x" << std::hex << code);
  EXPECT(RunChild(L"--guarded-wild-read", &code), LastError());
  EXPECT(code == EXCEPTION_ACCESS_VIOLATION, "exit code 0x" << std::hex << code);
}

// Deletes a directory tree (long paths included, hence the \\?\ form).
void RemoveTree(const std::wstring& verbatim) {
  WIN32_FIND_DATAW entry;
  HANDLE search = FindFirstFileW((verbatim + L"\\*").c_str(), &entry);
  if (search != INVALID_HANDLE_VALUE) {
    do {
      const std::wstring name = entry.cFileName;
      if (name == L"." || name == L"..") continue;
      const std::wstring child = verbatim + L"\\" + name;
      if ((entry.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
        RemoveTree(child);
      } else {
        SetFileAttributesW(child.c_str(), FILE_ATTRIBUTE_NORMAL);
        DeleteFileW(child.c_str());
      }
    } while (FindNextFileW(search, &entry));
    FindClose(search);
  }
  RemoveDirectoryW(verbatim.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    SetUnhandledExceptionFilter(ExitWithCode);
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
    const std::string mode = argv[1];
    if (mode == "--probe") {
      std::puts("probe ok");
      return 0;
    }
    if (mode == "--fault-after-truncate" && argc > 2) {
      // A real fault: the runner truncates the file from outside (the host) once this says
      // "mapped", then this reads the page that is gone.
      std::shared_ptr<core::FileMapping> mapping;
      const core::Status opened =
          core::FileMapping::Open(argv[2], core::MapMode::kReadOnly, &mapping);
      if (!opened.ok() || mapping->size() < 8192) {
        std::printf("could not map: %s\n", opened.message().c_str());
        return 1;
      }
      char buffer[16];
      if (!core::guarded_copy(buffer, mapping->data() + 4096, sizeof buffer)) return 1;
      std::puts("mapped");
      std::fflush(stdout);
      char line[16];
      if (std::fgets(line, sizeof line, stdin) == nullptr) return 1;
      if (core::guarded_copy(buffer, mapping->data() + 4096, sizeof buffer)) {
        std::puts("no fault: the page still read after the truncation");
        return 1;
      }
      std::printf("caught %s\n", mapping->FaultWhileAccessing().code().c_str());
      return 0;
    }
    if (mode == "--unguarded-in-page-error") {
      std::puts(core::TriggerUnguardedFaultForTest().c_str());
      return 1;
    }
    if (mode == "--guarded-access-violation") {
      // A bug inside a guarded body (a wild pointer) must not be mistaken for file trouble.
      core::guarded_run([](void*) { *static_cast<volatile char*>(nullptr) = 1; }, nullptr);
      std::puts("the guard swallowed an access violation");
      return 1;
    }
    if (mode == "--guarded-wild-read") {
      // Nor a read of memory that is no file's view (reserved, never committed).
      void* reserved = VirtualAlloc(nullptr, 65536, MEM_RESERVE, PAGE_NOACCESS);
      core::guarded_run(
          [](void* address) { std::printf("read %d\n", *static_cast<volatile char*>(address)); },
          reserved);
      std::puts("the guard swallowed a wild read");
      return 1;
    }
    return 2;
  }
  int failed = 0;
  for (const Test& test : Tests()) {
    const auto started = std::chrono::steady_clock::now();
    try {
      test.body();
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
      std::printf("ok - %s (%lld ms)\n", test.name, static_cast<long long>(ms));
    } catch (const Failure& failure) {
      ++failed;
      std::printf("not ok - %s: %s\n", test.name, failure.message.c_str());
    } catch (const std::exception& error) {
      ++failed;
      std::printf("not ok - %s: exception %s\n", test.name, error.what());
    }
    std::fflush(stdout);
  }
  RemoveTree(L"\\\\?\\" + Widen(Scratch()));
  std::printf("%d passed, %d failed\n", static_cast<int>(Tests().size()) - failed, failed);
  return failed;
}
