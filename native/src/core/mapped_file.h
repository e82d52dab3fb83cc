// A file mapped into memory, read and written by copying through caller-owned buffers.
#ifndef HEXLOG_CORE_MAPPED_FILE_H_
#define HEXLOG_CORE_MAPPED_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/platform.h"
#include "core/status.h"

namespace hexlog::core {

// What identifies the file on disk now; a session compares these to notice outside changes.
struct FileIdentity {
  uint64_t size = 0;  // current size, which may differ from the mapped length
  uint64_t dev = 0;
  uint64_t ino = 0;
  double mtime_ms = 0;
};

const char* MapModeName(MapMode mode);
// Parses "readonly" | "shared" | "private".
bool ParseMapMode(const std::string& text, MapMode* mode);

// One open descriptor and its mapping. Shared (std::shared_ptr) between the MappedFile that opened
// it and anything that reads it from other threads, such as a line index's workers: the mapping
// is unmapped and the descriptor closed only when the last owner lets go, so no thread can ever
// touch an unmapped region. Immutable after Open, so its const methods are thread-safe.
class FileMapping {
 public:
  // ENOENT, EACCES, EISDIR, ENOTREG (FIFO, device, socket: never opened, so never blocks; a file
  // without a fixed size, such as one under /proc or /sys), ...
  static Status Open(const std::string& path, MapMode mode, std::shared_ptr<FileMapping>* out);
  ~FileMapping();
  FileMapping(const FileMapping&) = delete;
  FileMapping& operator=(const FileMapping&) = delete;

  const std::string& path() const { return path_; }
  MapMode mode() const { return mode_; }
  // The mapped length: the file's size when it was opened.
  uint64_t size() const { return mapping_.length; }
  // nullptr for an empty file. Touch it only through the fault guard.
  const char* data() const { return static_cast<const char*>(mapping_.base); }
  // Writable in shared and private mode only.
  char* writable_data() { return static_cast<char*>(mapping_.base); }

  // fstat of the open descriptor, now.
  Status Stat(platform::FileInfo* info) const;
  // EFILECHANGED unless the file on disk still holds every byte below `end`.
  Status CheckFileCovers(uint64_t end) const;
  // After a fault caught by the guard: EFILECHANGED naming the current size when the file shrank
  // below the mapping, else EIO (the read itself failed).
  Status FaultWhileAccessing() const;
  Status FileChanged(uint64_t current_size) const;
  // msync + fsync of the pages covering the range. Thread-safe: flushAsync runs it on a worker.
  Status SyncRange(uint64_t offset, uint64_t length) const;
  // flock(LOCK_EX | LOCK_NB) / flock(LOCK_UN) on this mapping's descriptor. The lock belongs to
  // the open file description, so a second FileMapping of the same file cannot take it.
  Status TryLock(bool* taken) const;
  Status Unlock() const;

 private:
  FileMapping() = default;

  std::string path_;
  MapMode mode_ = MapMode::kReadOnly;
  platform::FileHandle handle_;
  platform::Mapping mapping_;
};

// Not synchronized: one owner thread calls these (the binding's JS thread). Every offset and
// length is 64-bit. Every operation on a closed file fails with ECLOSED.
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // ENOENT, EACCES, EISDIR, ENOTREG (FIFO, device, socket, /proc and /sys files), ...
  Status Open(const std::string& path, MapMode mode);

  // The mapped length: the file's size when it was opened.
  Status Size(uint64_t* size) const;
  // fstat of the open descriptor, now.
  Status Stat(FileIdentity* identity) const;
  // Copies min(length, size - offset) bytes at `offset` into `dst`. offset == size copies 0;
  // offset > size is ERANGE. EFILECHANGED if the file shrank below the range on disk.
  Status ReadInto(uint64_t offset, void* dst, uint64_t length, uint64_t* copied) const;
  // The first bytes of the lines starting at `starts` (each up to its LF, at most max_bytes, at
  // most the file's end), concatenated into *bytes; (*ends)[i] is where line i's bytes end. ERANGE
  // for a start past the end; EFILECHANGED if the file shrank below them.
  Status ReadLineHeads(const std::vector<uint64_t>& starts, uint64_t max_bytes,
                       std::vector<uint8_t>* bytes, std::vector<uint32_t>* ends) const;
  // Overwrites bytes in place (shared or private mode; EREADONLY otherwise). Never grows the
  // file: a range past the end is ERANGE.
  Status Write(uint64_t offset, const void* src, uint64_t length, uint64_t* written);
  // Shared mode only (EBADMODE otherwise): writes the pages covering the range to disk, then
  // fsyncs.
  Status Flush(uint64_t offset, uint64_t length);
  // The checks of Flush without the system calls: on success `mapping` is the mapping to call
  // SyncRange on from another thread, which keeps it alive even if Close runs meanwhile.
  Status PrepareFlush(uint64_t offset, uint64_t length,
                      std::shared_ptr<const FileMapping>* mapping) const;
  // Advisory exclusive lock (any mode): *taken is true when this file now holds it (again), false
  // when another open of the file holds it (another MappedFile, another process).
  Status TryLock(bool* taken);
  // Releases the lock; a no-op when not holding it.
  Status Unlock();
  // Idempotent. Releases the lock and drops this file's reference to the mapping: it is unmapped
  // now unless another owner (a line index, a pending flushAsync) still holds it, and then when
  // that owner lets go.
  void Close();

  bool is_closed() const { return file_ == nullptr; }
  bool is_locked() const { return locked_; }
  // nullptr when closed.
  std::shared_ptr<const FileMapping> shared_mapping() const { return file_; }
  const std::string& path() const { return path_; }
  MapMode mode() const { return mode_; }

 private:
  Status CheckOpen() const;

  // Kept after Close for messages.
  std::string path_;
  MapMode mode_ = MapMode::kReadOnly;
  std::shared_ptr<FileMapping> file_;
  // Unlocked explicitly on Close: the descriptor may outlive it in another owner's reference.
  bool locked_ = false;
};

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_MAPPED_FILE_H_
