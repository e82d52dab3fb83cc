// A file mapped into memory, read and written by copying through caller-owned buffers.
#ifndef HEXLOG_CORE_MAPPED_FILE_H_
#define HEXLOG_CORE_MAPPED_FILE_H_

#include <cstdint>
#include <string>

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

// Not synchronized: one owner thread calls these (the binding's JS thread). Every offset and
// length is 64-bit. Every operation on a closed file fails with ECLOSED.
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // ENOENT, EACCES, EISDIR, ENOTREG (FIFO, device, socket; never opened, so never blocks), ...
  Status Open(const std::string& path, MapMode mode);

  // The mapped length: the file's size when it was opened.
  Status Size(uint64_t* size) const;
  // fstat of the open descriptor, now.
  Status Stat(FileIdentity* identity) const;
  // Copies min(length, size - offset) bytes at `offset` into `dst`. offset == size copies 0;
  // offset > size is ERANGE. EFILECHANGED if the file shrank below the range on disk.
  Status ReadInto(uint64_t offset, void* dst, uint64_t length, uint64_t* copied) const;
  // Overwrites bytes in place (shared or private mode; EREADONLY otherwise). Never grows the
  // file: a range past the end is ERANGE.
  Status Write(uint64_t offset, const void* src, uint64_t length, uint64_t* written);
  // Shared mode only (EBADMODE otherwise): writes the pages covering the range to disk, then
  // fsyncs.
  Status Flush(uint64_t offset, uint64_t length);
  // Idempotent.
  void Close();

  bool is_closed() const { return !handle_.is_open(); }
  const std::string& path() const { return path_; }
  MapMode mode() const { return mode_; }

 private:
  Status CheckOpen() const;
  // EFILECHANGED unless the file on disk still holds every byte below `end`.
  Status CheckFileCovers(uint64_t end) const;
  Status FileChanged(uint64_t current_size) const;
  Status FaultWhileCopying() const;

  std::string path_;
  MapMode mode_ = MapMode::kReadOnly;
  platform::FileHandle handle_;
  platform::Mapping mapping_;
};

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_MAPPED_FILE_H_
