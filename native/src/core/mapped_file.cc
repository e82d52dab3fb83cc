#include "core/mapped_file.h"

#include <algorithm>

#include <cstring>
#include <utility>

#include "core/fault_guard.h"

namespace hexlog::core {

namespace {

std::string Bytes(uint64_t count) {
  return std::to_string(count) + (count == 1 ? " byte" : " bytes");
}

// ENOTREG for a regular file whose size says nothing about its contents.
Status RequireFixedSize(const platform::FileInfo& info, const std::string& path) {
  switch (info.size_problem) {
    case platform::SizeProblem::kNone:
      return Status::Ok();
    case platform::SizeProblem::kPseudoFileSystem:
      return Status::Fail(codes::kNotRegular,
                          "ENOTREG: " + path +
                              " is not a mappable file: files under /proc and /sys have no fixed "
                              "size (they read as 0 bytes); copy it to a regular file first");
    case platform::SizeProblem::kDataPastSize:
      break;
  }
  return Status::Fail(codes::kNotRegular,
                      "ENOTREG: " + path +
                          " is not a mappable file: it has no fixed size (it says 0 bytes but "
                          "reads data, like files under /proc and /sys); copy it to a regular "
                          "file first");
}

// EISDIR / ENOTREG for anything we must not map.
Status RequireRegularFile(const platform::FileInfo& info, const std::string& path) {
  switch (info.kind) {
    case platform::FileKind::kRegular:
      return RequireFixedSize(info, path);
    case platform::FileKind::kDirectory:
      return Status::Fail(codes::kIsDirectory, "EISDIR: is a directory: " + path);
    default:
      return Status::Fail(codes::kNotRegular, std::string("ENOTREG: not a regular file (") +
                                                  platform::FileKindName(info.kind) + "): " + path);
  }
}

}  // namespace

const char* MapModeName(MapMode mode) {
  switch (mode) {
    case MapMode::kReadOnly:
      return "readonly";
    case MapMode::kShared:
      return "shared";
    case MapMode::kPrivate:
      return "private";
  }
  return "unknown";
}

bool ParseMapMode(const std::string& text, MapMode* mode) {
  for (MapMode candidate : {MapMode::kReadOnly, MapMode::kShared, MapMode::kPrivate}) {
    if (text == MapModeName(candidate)) {
      *mode = candidate;
      return true;
    }
  }
  return false;
}

FileMapping::~FileMapping() {
  platform::UnmapFile(&mapping_);
  platform::CloseFile(&handle_);
}

Status FileMapping::Open(const std::string& path, MapMode mode, std::shared_ptr<FileMapping>* out) {
  // Look before opening: opening a FIFO for reading would block until a writer appears.
  platform::FileInfo info;
  Status status = platform::StatPath(path, &info);
  if (!status.ok()) return status;
  status = RequireRegularFile(info, path);
  if (!status.ok()) return status;

  // Private mode opens read-only, so its copy-on-write pages can never reach the file.
  std::shared_ptr<FileMapping> file(new FileMapping());
  status = platform::OpenFile(path, mode == MapMode::kShared, &file->handle_, &info);
  if (!status.ok()) return status;
  // The path may have been replaced between the stat and the open.
  status = RequireRegularFile(info, path);
  if (status.ok()) {
    status = platform::MapFile(file->handle_, path, info.size, mode, &file->mapping_);
  }
  if (!status.ok()) return status;  // the destructor closes the descriptor
  // The descriptor stays open while mapped: Stat and the truncation check need it.
  file->path_ = path;
  file->mode_ = mode;
  *out = std::move(file);
  return Status::Ok();
}

Status FileMapping::Stat(platform::FileInfo* info) const {
  return platform::StatHandle(handle_, path_, info);
}

Status FileMapping::CheckFileCovers(uint64_t end) const {
  platform::FileInfo info;
  Status status = Stat(&info);
  if (!status.ok()) return status;
  if (info.size < end) return FileChanged(info.size);
  return Status::Ok();
}

Status FileMapping::FileChanged(uint64_t current_size) const {
  return Status::Fail(codes::kFileChanged, "EFILECHANGED: file changed on disk: " + path_ +
                                               " is now " + Bytes(current_size) + ", was " +
                                               Bytes(mapping_.length));
}

Status FileMapping::FaultWhileAccessing() const {
  platform::FileInfo info;
  if (Stat(&info).ok()) {
    if (info.size < mapping_.length) return FileChanged(info.size);
    // Still as long as the mapping: the read itself failed (a bad sector, a network drive or
    // removable disk gone), which Windows reports as an in-page error and POSIX as SIGBUS too.
    return Status::Fail(codes::kIo,
                        "EIO: input/output error: the disk or network drive failed "
                        "while reading the mapped file: " +
                            path_);
  }
  return Status::Fail(codes::kFileChanged,
                      "EFILECHANGED: file changed on disk: " + path_ + " shrank under the mapping");
}

Status FileMapping::SyncRange(uint64_t offset, uint64_t length) const {
  return platform::SyncRange(handle_, mapping_, path_, offset, length);
}

Status FileMapping::TryLock(bool* taken) const {
  return platform::TryLockFile(handle_, path_, taken);
}

Status FileMapping::Unlock() const { return platform::UnlockFile(handle_, path_); }

MappedFile::~MappedFile() { Close(); }

Status MappedFile::Open(const std::string& path, MapMode mode) {
  if (!is_closed()) {
    return Status::Fail(codes::kInvalid, "EINVAL: already open: " + path_);
  }
  std::shared_ptr<FileMapping> file;
  Status status = FileMapping::Open(path, mode, &file);
  if (!status.ok()) return status;
  file_ = std::move(file);
  path_ = path;
  mode_ = mode;
  return Status::Ok();
}

Status MappedFile::Size(uint64_t* size) const {
  Status status = CheckOpen();
  if (status.ok()) *size = file_->size();
  return status;
}

Status MappedFile::Stat(FileIdentity* identity) const {
  Status status = CheckOpen();
  if (!status.ok()) return status;
  platform::FileInfo info;
  status = file_->Stat(&info);
  if (!status.ok()) return status;
  identity->size = info.size;
  identity->dev = info.dev;
  identity->ino = info.ino;
  identity->mtime_ms = info.mtime_ms;
  return Status::Ok();
}

Status MappedFile::ReadInto(uint64_t offset, void* dst, uint64_t length, uint64_t* copied) const {
  *copied = 0;
  Status status = CheckOpen();
  if (!status.ok()) return status;
  const uint64_t size = file_->size();
  if (offset > size) {
    return Status::Fail(codes::kRange, "ERANGE: read at offset " + std::to_string(offset) +
                                           " is past the end of " + path_ + " (" + Bytes(size) +
                                           ")");
  }
  const uint64_t count = length < size - offset ? length : size - offset;
  if (count == 0) return Status::Ok();
  status = file_->CheckFileCovers(offset + count);
  if (!status.ok()) return status;
  // The file can still shrink between the check and the copy; the guard catches that fault.
  if (!guarded_copy(dst, file_->data() + offset, static_cast<size_t>(count))) {
    return file_->FaultWhileAccessing();
  }
  *copied = count;
  return Status::Ok();
}

Status MappedFile::ReadLineHeads(const std::vector<uint64_t>& starts, uint64_t max_bytes,
                                 std::vector<uint8_t>* bytes, std::vector<uint32_t>* ends) const {
  bytes->clear();
  ends->clear();
  Status status = CheckOpen();
  if (!status.ok()) return status;
  const uint64_t size = file_->size();
  uint64_t furthest = 0;
  for (const uint64_t start : starts) {
    if (start > size) {
      return Status::Fail(codes::kRange, "ERANGE: a line start at offset " + std::to_string(start) +
                                             " is past the end of " + path_ + " (" + Bytes(size) +
                                             ")");
    }
    furthest = std::max(furthest, std::min(size, start + max_bytes));
  }
  if (starts.empty()) return Status::Ok();
  status = file_->CheckFileCovers(furthest);
  if (!status.ok()) return status;
  // Lengths first (no allocation under the guard), then the bytes.
  std::vector<uint64_t> lengths(starts.size());
  const uint8_t* base = reinterpret_cast<const uint8_t*>(file_->data());
  bool read = guarded([&] {
    for (size_t i = 0; i < starts.size(); ++i) {
      const uint64_t limit = std::min<uint64_t>(size - starts[i], max_bytes);
      const void* newline = std::memchr(base + starts[i], '\n', static_cast<size_t>(limit));
      lengths[i] =
          newline == nullptr
              ? limit
              : static_cast<uint64_t>(static_cast<const uint8_t*>(newline) - (base + starts[i]));
    }
  });
  if (!read) return file_->FaultWhileAccessing();
  uint64_t total = 0;
  ends->resize(starts.size());
  for (size_t i = 0; i < starts.size(); ++i) {
    total += lengths[i];
    if (total > UINT32_MAX) return Status::Fail(codes::kRange, "ERANGE: too many line bytes");
    (*ends)[i] = static_cast<uint32_t>(total);
  }
  bytes->resize(static_cast<size_t>(total));
  read = guarded([&] {
    uint8_t* out = bytes->data();
    for (size_t i = 0; i < starts.size(); ++i) {
      std::memcpy(out, base + starts[i], static_cast<size_t>(lengths[i]));
      out += lengths[i];
    }
  });
  if (!read) {
    bytes->clear();
    ends->clear();
    return file_->FaultWhileAccessing();
  }
  return Status::Ok();
}

Status MappedFile::Write(uint64_t offset, const void* src, uint64_t length, uint64_t* written) {
  *written = 0;
  Status status = CheckOpen();
  if (!status.ok()) return status;
  if (mode_ == MapMode::kReadOnly) {
    return Status::Fail(codes::kReadOnly, "EREADONLY: " + path_ +
                                              " is open read-only; open it in shared or private "
                                              "mode to write");
  }
  const uint64_t size = file_->size();
  if (offset > size || length > size - offset) {
    return Status::Fail(codes::kRange, "ERANGE: write of " + Bytes(length) + " at offset " +
                                           std::to_string(offset) + " goes past the end of " +
                                           path_ + " (" + Bytes(size) +
                                           "); writes cannot grow the file");
  }
  if (length == 0) return Status::Ok();
  status = file_->CheckFileCovers(offset + length);
  if (!status.ok()) return status;
  if (!guarded_copy(file_->writable_data() + offset, src, static_cast<size_t>(length))) {
    return file_->FaultWhileAccessing();
  }
  *written = length;
  return Status::Ok();
}

Status MappedFile::Flush(uint64_t offset, uint64_t length) {
  std::shared_ptr<const FileMapping> mapping;
  Status status = PrepareFlush(offset, length, &mapping);
  if (!status.ok()) return status;
  return mapping->SyncRange(offset, length);
}

Status MappedFile::PrepareFlush(uint64_t offset, uint64_t length,
                                std::shared_ptr<const FileMapping>* mapping) const {
  Status status = CheckOpen();
  if (!status.ok()) return status;
  if (mode_ == MapMode::kPrivate) {
    return Status::Fail(codes::kBadMode, "EBADMODE: " + path_ +
                                             " is open in private (copy-on-write) mode; its "
                                             "changes never reach the file, so it cannot be "
                                             "flushed");
  }
  if (mode_ == MapMode::kReadOnly) {
    return Status::Fail(codes::kBadMode,
                        "EBADMODE: " + path_ + " is open read-only; there is nothing to flush");
  }
  const uint64_t size = file_->size();
  if (offset > size || length > size - offset) {
    return Status::Fail(codes::kRange, "ERANGE: flush of " + Bytes(length) + " at offset " +
                                           std::to_string(offset) + " goes past the end of " +
                                           path_ + " (" + Bytes(size) + ")");
  }
  *mapping = file_;
  return Status::Ok();
}

Status MappedFile::TryLock(bool* taken) {
  *taken = false;
  Status status = CheckOpen();
  if (!status.ok()) return status;
  status = file_->TryLock(taken);
  if (status.ok() && *taken) locked_ = true;
  return status;
}

Status MappedFile::Unlock() {
  Status status = CheckOpen();
  if (!status.ok() || !locked_) return status;
  status = file_->Unlock();
  if (status.ok()) locked_ = false;
  return status;
}

void MappedFile::Close() {
  // flock(LOCK_UN) cannot fail on a valid descriptor; closing must not report errors anyway.
  if (file_ != nullptr && locked_) file_->Unlock();
  locked_ = false;
  file_.reset();
}

Status MappedFile::CheckOpen() const {
  if (!is_closed()) return Status::Ok();
  return Status::Fail(codes::kClosed,
                      "ECLOSED: file is closed: " + (path_.empty() ? "(never opened)" : path_));
}

}  // namespace hexlog::core
