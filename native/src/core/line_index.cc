#include "core/line_index.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "core/fault_guard.h"
#include "core/scan_workers.h"

namespace hexlog::core {

namespace {

using scan::Bytes;
using scan::Invalid;
using scan::kScanBlock;

std::atomic<int> g_live_workers{0};

// A newline the index counted is no longer there: the file was rewritten under the mapping.
Status ContentChanged(const FileMapping& file) {
  return Status::Fail(codes::kFileChanged, "EFILECHANGED: file changed on disk: " + file.path() +
                                               " no longer has the lines it was indexed with");
}

// Newlines that end in [from, to). Reads the mapping: call it inside the guard.
uint64_t NewlinesBetween(TextEncoding encoding, const uint8_t* from, const uint8_t* to) {
  const uint64_t width = NewlineWidth(encoding);
  uint64_t newlines = 0;
  while (const uint8_t* newline = FindNewline(encoding, from, to)) {
    ++newlines;
    from = newline + width;
  }
  return newlines;
}

// Finds line boundaries in the scanned prefix for the first pass of ReadLines and ReadLinesAt.
// Reads the mapping: use it inside the guard. Each call is false when a newline the index
// counted is no longer there.
struct LineWalker {
  TextEncoding encoding;
  const uint8_t* base;
  uint64_t search_end;  // end of the scanned prefix
  uint64_t size;        // where an unterminated last line ends

  // Moves *position past `count` newlines.
  bool Skip(uint64_t count, uint64_t* position) const {
    for (; count > 0; --count) {
      const uint8_t* newline = FindNewline(encoding, base + *position, base + search_end);
      if (newline == nullptr) return false;
      *position = static_cast<uint64_t>(newline - base) + NewlineWidth(encoding);
    }
    return true;
  }

  // The end of the line starting at `position`: its newline if `terminated`, else `size`.
  bool LineEnd(uint64_t position, bool terminated, uint64_t* end) const {
    *end = size;
    if (!terminated) return true;
    const uint8_t* newline = FindNewline(encoding, base + position, base + search_end);
    if (newline == nullptr) return false;
    *end = static_cast<uint64_t>(newline - base);
    return true;
  }
};

// Keeps the leading lines of `slice` (file_offsets and full_lengths set) whose capped bytes fit
// in kMaxSliceBytes, at least one; the caller asks again for the rest. Fills text_starts and
// count, and returns the furthest end in the file of a kept line.
uint64_t KeepWithinSliceLimit(uint64_t max_bytes_per_line, LineSlice* slice) {
  const size_t line_count = slice->file_offsets.size();
  uint64_t total_bytes = 0;
  uint64_t highest_end = 0;
  size_t kept = 0;
  for (; kept < line_count; ++kept) {
    const uint64_t length = slice->full_lengths[kept];
    const uint64_t capped = std::min(length, max_bytes_per_line);
    if (kept > 0 && total_bytes + capped > LineIndex::kMaxSliceBytes) break;
    total_bytes += capped;
    highest_end = std::max(highest_end, slice->file_offsets[kept] + length);
    slice->text_starts.push_back(static_cast<uint32_t>(total_bytes));
  }
  slice->file_offsets.resize(kept);
  slice->full_lengths.resize(kept);
  slice->count = kept;
  return highest_end;
}

// Copies the capped bytes of the kept lines of `slice` into slice->bytes, once the file still
// covers `covered_end`: the lines just found may lie in a part of the page the file no longer
// covers (which reads as zeros).
Status CopySliceBytes(const FileMapping& file, uint64_t covered_end, LineSlice* slice) {
  Status status = file.CheckFileCovers(covered_end);
  if (!status.ok()) return status;
  const uint8_t* base = Bytes(file);
  slice->bytes.resize(static_cast<size_t>(slice->text_starts.back()));
  uint8_t* out = slice->bytes.data();
  const uint32_t* starts = slice->text_starts.data();
  const uint64_t* offsets = slice->file_offsets.data();
  const size_t kept = slice->file_offsets.size();
  const bool copied = guarded([&] {
    for (size_t i = 0; i < kept; ++i) {
      std::memcpy(out + starts[i], base + offsets[i], starts[i + 1] - starts[i]);
    }
  });
  if (!copied) return file.FaultWhileAccessing();
  return Status::Ok();
}

// The limits ReadLines and ReadLinesAt share for the bytes of one line.
Status CheckMaxBytesPerLine(uint64_t max_bytes_per_line) {
  if (max_bytes_per_line <= LineIndex::kMaxSliceBytes) return Status::Ok();
  return Status::Fail(codes::kRange, "ERANGE: maxBytesPerLine " +
                                         std::to_string(max_bytes_per_line) +
                                         " is above the limit of " +
                                         std::to_string(LineIndex::kMaxSliceBytes) + " bytes");
}

}  // namespace

Status LineIndex::Create(std::shared_ptr<const FileMapping> file, TextEncoding encoding,
                         const LineIndexOptions& options, std::unique_ptr<LineIndex>* out) {
  if (file == nullptr) return Invalid("the file is not open");
  const unsigned threads = options.threads == 0 ? scan::DefaultThreadCount(4) : options.threads;
  Status threads_ok = scan::CheckThreadCount(threads, kMaxThreads);
  if (!threads_ok.ok()) return threads_ok;
  const uint64_t chunk_bytes = options.chunk_bytes == 0 ? kDefaultChunkBytes : options.chunk_bytes;
  if (chunk_bytes < kMinChunkBytes || chunk_bytes > kMaxChunkBytes || chunk_bytes % 2 != 0) {
    return Invalid("chunkBytes must be an even number from " + std::to_string(kMinChunkBytes) +
                   " to " + std::to_string(kMaxChunkBytes) + ", got " +
                   std::to_string(chunk_bytes));
  }
  std::unique_ptr<LineIndex> index(new LineIndex(std::move(file), encoding, threads, chunk_bytes));
  {
    std::unique_lock<std::mutex> lock(index->mutex_);
    index->AppendChunksLocked(0, index->scan_end_);
    if (index->chunks_.empty()) index->FinishLocked();
    index->StartWorkersLocked(&lock);
    if (!index->error_.ok()) return index->error_;
  }
  *out = std::move(index);
  return Status::Ok();
}

LineIndex::LineIndex(std::shared_ptr<const FileMapping> file, TextEncoding encoding,
                     unsigned threads, uint64_t chunk_bytes)
    : encoding_(encoding),
      thread_count_(threads),
      chunk_bytes_(chunk_bytes),
      path_(file->path()),
      file_(std::move(file)) {
  size_ = file_->size();
  scan_end_ = NewlineWidth(encoding_) == 2 ? size_ & ~uint64_t{1} : size_;
}

LineIndex::~LineIndex() { Dispose(); }

int LineIndex::LiveWorkerThreadsForTest() { return g_live_workers.load(); }

// ---- Workers --------------------------------------------------------------------------------

void LineIndex::WorkerMain() {
  // Room for the checkpoints of one block: at most one per kCheckpointInterval bytes, plus one.
  std::vector<uint32_t> scratch(kScanBlock / kCheckpointInterval + 1);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_.load() && next_job_ < chunks_.size()) {
    // Chunks are taken in file order, so the prefix grows from the start.
    const size_t chunk_index = next_job_++;
    const Chunk& chunk = chunks_[chunk_index];
    const uint64_t chunk_start = chunk.start;
    const uint64_t from = chunk.end;
    const uint64_t to = chunk.target_end;
    const uint64_t newlines_so_far = chunk.newline_count;
    std::shared_ptr<const FileMapping> file = file_;  // keeps the mapping alive while we read it
    lock.unlock();

    uint64_t newlines_found = 0;
    std::vector<uint32_t> checkpoints;
    Status status;
    const bool finished = ScanRange(*file, chunk_start, from, to, newlines_so_far, &newlines_found,
                                    &checkpoints, &scratch, &status);
    checkpoints.shrink_to_fit();
    file.reset();  // if this was the last reference, unmap outside the lock

    lock.lock();
    if (!status.ok()) {
      scan::RecordErrorLocked(status, &error_, &stop_);
      break;
    }
    if (!finished || stop_.load()) break;
    Chunk& scanned = chunks_[chunk_index];
    if (scanned.checkpoints.empty()) {
      scanned.checkpoints = std::move(checkpoints);
    } else {  // the continuation of a chunk Extend reopened
      scanned.checkpoints.insert(scanned.checkpoints.end(), checkpoints.begin(), checkpoints.end());
      scanned.checkpoints.shrink_to_fit();
    }
    scanned.newline_count += newlines_found;
    scanned.end = to;
    AdvancePrefixLocked();
  }
  --running_;
  lock.unlock();
  g_live_workers.fetch_sub(1);
}

bool LineIndex::ScanRange(const FileMapping& file, uint64_t chunk_start, uint64_t from, uint64_t to,
                          uint64_t newlines_so_far, uint64_t* newlines_found,
                          std::vector<uint32_t>* checkpoints, std::vector<uint32_t>* scratch,
                          Status* status) const {
  const uint8_t* base = Bytes(file);
  const TextEncoding encoding = encoding_;
  uint64_t newline_count = newlines_so_far;
  uint32_t* block_checkpoints = scratch->data();
  for (uint64_t block = from; block < to; block += kScanBlock) {
    if (stop_.load(std::memory_order_relaxed)) return false;
    const uint64_t block_end = std::min(to, block + kScanBlock);
    size_t written = 0;
    const bool read = guarded([&] {
      CountNewlines(encoding, base + block, base + block_end, base + chunk_start,
                    kCheckpointInterval, &newline_count, block_checkpoints, &written);
    });
    if (!read) {
      *status = file.FaultWhileAccessing();
      return false;
    }
    checkpoints->insert(checkpoints->end(), block_checkpoints, block_checkpoints + written);
  }
  *newlines_found = newline_count - newlines_so_far;
  return true;
}

// ---- Bookkeeping (mutex_ held) --------------------------------------------------------------

void LineIndex::AppendChunksLocked(uint64_t from, uint64_t to) {
  if (from >= to) return;
  chunks_.reserve(chunks_.size() +
                  static_cast<size_t>((to - from + chunk_bytes_ - 1) / chunk_bytes_));
  for (uint64_t start = from; start < to; start += chunk_bytes_) {
    Chunk chunk;
    chunk.start = start;
    chunk.end = start;
    chunk.target_end = std::min(to, start + chunk_bytes_);
    chunks_.push_back(std::move(chunk));
  }
  if (prefix_ < chunks_.size()) chunks_[prefix_].newlines_before = prefix_newlines_;
}

void LineIndex::AdvancePrefixLocked() {
  while (prefix_ < chunks_.size() && chunks_[prefix_].complete()) {
    prefix_newlines_ += chunks_[prefix_].newline_count;
    ++prefix_;
    if (prefix_ < chunks_.size()) chunks_[prefix_].newlines_before = prefix_newlines_;
  }
  if (prefix_ == chunks_.size() && !done_) FinishLocked();
}

void LineIndex::FinishLocked() {
  // A file truncated within its last mapped page reads as zeros instead of faulting.
  Status status = file_->CheckFileCovers(size_);
  if (status.ok() && size_ > 0) {
    // The last line is unterminated unless the file ends with a complete newline.
    bool ends_with_newline = false;
    const uint64_t width = NewlineWidth(encoding_);
    if (size_ == scan_end_ && scan_end_ >= width) {
      uint8_t last[2] = {0, 0};
      if (guarded_copy(last, file_->data() + scan_end_ - width, static_cast<size_t>(width))) {
        ends_with_newline = FindNewline(encoding_, last, last + width) != nullptr;
      } else {
        status = file_->FaultWhileAccessing();
      }
    }
    has_unterminated_last_line_ = !ends_with_newline;
  }
  if (!status.ok()) {
    error_ = status;
    stop_.store(true);
    return;
  }
  done_ = true;
}

void LineIndex::StartWorkersLocked(std::unique_lock<std::mutex>* lock) {
  if (stop_.load() || next_job_ >= chunks_.size()) return;
  if (running_ == 0 && !threads_.empty()) {
    // Every earlier worker has left its loop (running_ counts them down under the lock); join
    // them so the list does not grow with each Extend. Only this thread starts workers, so
    // nothing changes while unlocked.
    std::vector<std::thread> finished;
    finished.swap(threads_);
    lock->unlock();
    for (std::thread& thread : finished) thread.join();
    lock->lock();
  }
  const size_t pending = chunks_.size() - next_job_;
  const size_t idle = running_ < static_cast<int>(thread_count_)
                          ? static_cast<size_t>(static_cast<int>(thread_count_) - running_)
                          : 0;
  const size_t wanted = std::min(pending, idle);
  for (size_t i = 0; i < wanted; ++i) {
    const Status started = scan::StartCountedWorker(&g_live_workers, &threads_, "index", path_,
                                                    [this] { WorkerMain(); });
    if (!started.ok()) {
      if (running_ == 0) {
        error_ = started;
        stop_.store(true);
      }
      break;
    }
    ++running_;  // before the new worker can take the lock (it is held here)
  }
}

Status LineIndex::CheckUsableLocked() const {
  if (!disposed_) return Status::Ok();
  return Status::Fail(codes::kClosed, "ECLOSED: the line index of " + path_ + " is disposed");
}

uint64_t LineIndex::KnownEndLocked() const {
  return prefix_ < chunks_.size() ? chunks_[prefix_].end : scan_end_;
}

uint64_t LineIndex::TerminatedLinesLocked() const {
  return prefix_newlines_ + (prefix_ < chunks_.size() ? chunks_[prefix_].newline_count : 0);
}

uint64_t LineIndex::LinesKnownLocked() const {
  return TerminatedLinesLocked() + (done_ && has_unterminated_last_line_ ? 1 : 0);
}

void LineIndex::SeekNewlineLocked(uint64_t newline_number, uint64_t* position,
                                  uint64_t* remaining) const {
  // Chunks [0, prefix_] have newlines_before; the one holding the newline is the last whose
  // newlines_before is below it.
  const size_t searchable = std::min(prefix_ + 1, chunks_.size());
  const auto after = std::partition_point(
      chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(searchable),
      [newline_number](const Chunk& chunk) { return chunk.newlines_before < newline_number; });
  const Chunk& chunk = *(after - 1);
  const uint64_t in_chunk = newline_number - chunk.newlines_before;  // 1-based
  const uint64_t checkpoint_count = in_chunk / kCheckpointInterval;
  if (checkpoint_count == 0) {
    *position = chunk.start;
    *remaining = in_chunk;
  } else {
    *position = chunk.start + chunk.checkpoints[static_cast<size_t>(checkpoint_count - 1)];
    *remaining = in_chunk - checkpoint_count * kCheckpointInterval;
  }
}

void LineIndex::SeekOffsetLocked(uint64_t offset, uint64_t* position,
                                 uint64_t* lines_before) const {
  *position = 0;
  *lines_before = 0;
  const size_t searchable = std::min(prefix_ + 1, chunks_.size());
  if (searchable == 0) return;
  const auto after = std::partition_point(
      chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(searchable),
      [offset](const Chunk& chunk) { return chunk.start <= offset; });
  const Chunk& chunk = *(after - 1);
  const uint64_t relative = offset - chunk.start;
  // Checkpoints at or before the offset.
  const size_t checkpoint_count = static_cast<size_t>(
      std::upper_bound(chunk.checkpoints.begin(), chunk.checkpoints.end(), relative) -
      chunk.checkpoints.begin());
  *position = chunk.start + (checkpoint_count == 0 ? 0 : chunk.checkpoints[checkpoint_count - 1]);
  *lines_before = chunk.newlines_before + checkpoint_count * kCheckpointInterval;
}

// ---- Queries --------------------------------------------------------------------------------

Status LineIndex::Progress(LineIndexProgress* progress) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  progress->bytes_scanned = done_ ? size_ : KnownEndLocked();
  progress->total_bytes = size_;
  progress->lines_known = LinesKnownLocked();
  progress->done = done_;
  progress->cancelled = cancelled_;
  progress->error = error_;
  return Status::Ok();
}

Status LineIndex::ReadLines(uint64_t first_line, uint64_t count, uint64_t max_bytes_per_line,
                            LineSlice* slice) const {
  *slice = LineSlice();
  slice->first_line = first_line;
  slice->text_starts.push_back(0);

  std::shared_ptr<const FileMapping> file;
  uint64_t position = 0;   // where the search for line first_line's start begins
  uint64_t remaining = 0;  // newlines to pass from there
  uint64_t line_count = 0;
  uint64_t terminated = 0;  // lines below this one end with a newline; the one after, at size
  uint64_t search_end = 0;
  uint64_t size = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Status status = CheckUsableLocked();
    if (!status.ok()) return status;
    if (count > kMaxLinesPerRead) {
      return Status::Fail(codes::kRange, "ERANGE: readLines count " + std::to_string(count) +
                                             " is above the limit of " +
                                             std::to_string(kMaxLinesPerRead) + " lines a call");
    }
    status = CheckMaxBytesPerLine(max_bytes_per_line);
    if (!status.ok()) return status;
    const uint64_t known = LinesKnownLocked();
    if (first_line >= known || count == 0) return Status::Ok();
    line_count = std::min(count, known - first_line);
    if (first_line > 0) SeekNewlineLocked(first_line, &position, &remaining);
    terminated = TerminatedLinesLocked();
    search_end = KnownEndLocked();
    size = size_;
    file = file_;
  }

  const uint8_t* base = Bytes(*file);
  const TextEncoding encoding = encoding_;
  const uint64_t width = NewlineWidth(encoding);
  slice->file_offsets.resize(static_cast<size_t>(line_count));
  slice->full_lengths.resize(static_cast<size_t>(line_count));
  uint64_t* offsets = slice->file_offsets.data();
  uint64_t* lengths = slice->full_lengths.data();
  bool lines_moved = false;
  // Pass 1: line boundaries. Writes only into vectors sized above, as the guard requires.
  const LineWalker walker{encoding, base, search_end, size};
  const bool read = guarded([&] {
    if (!walker.Skip(remaining, &position)) {
      lines_moved = true;
      return;
    }
    for (uint64_t i = 0; i < line_count; ++i) {
      uint64_t end = 0;
      if (!walker.LineEnd(position, first_line + i < terminated, &end)) {
        lines_moved = true;
        return;
      }
      offsets[i] = position;
      lengths[i] = end - position;
      position = end + width;
    }
  });
  if (!read) return file->FaultWhileAccessing();
  if (lines_moved) return ContentChanged(*file);

  // Pass 2: the capped bytes of the lines that fit in one answer.
  const uint64_t highest_end = KeepWithinSliceLimit(max_bytes_per_line, slice);
  return CopySliceBytes(*file, highest_end, slice);
}

Status LineIndex::LineAtOffset(uint64_t offset, uint64_t* line) const {
  *line = 0;
  std::shared_ptr<const FileMapping> file;
  uint64_t position = 0;
  uint64_t lines_before = 0;
  uint64_t lines_known = 0;
  bool done = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Status status = CheckUsableLocked();
    if (!status.ok()) return status;
    if (offset > size_) {
      return Status::Fail(codes::kRange, "ERANGE: offset " + std::to_string(offset) +
                                             " is past the end of " + path_ + " (" +
                                             std::to_string(size_) + " bytes)");
    }
    const uint64_t known_end = done_ ? size_ : KnownEndLocked();
    if (offset > known_end) {
      return Status::Fail(codes::kRange,
                          "ERANGE: offset " + std::to_string(offset) + " of " + path_ +
                              " is not indexed yet: lines are known up to byte " +
                              std::to_string(known_end) + " of " + std::to_string(size_) +
                              (cancelled_ ? " (indexing was cancelled)" : ""));
    }
    if (size_ == 0) return Status::Ok();
    SeekOffsetLocked(offset, &position, &lines_before);
    lines_known = LinesKnownLocked();
    done = done_;
    file = file_;
  }

  Status status = file->CheckFileCovers(offset);
  if (!status.ok()) return status;
  // Newlines that end at or before the offset: fewer than kCheckpointInterval from the checkpoint.
  const uint8_t* base = Bytes(*file);
  const TextEncoding encoding = encoding_;
  uint64_t newlines = 0;
  const bool read =
      guarded([&] { newlines = NewlinesBetween(encoding, base + position, base + offset); });
  if (!read) return file->FaultWhileAccessing();
  *line = lines_before + newlines;
  // Past the final newline (offset == size): the last line.
  if (done && *line >= lines_known) *line = lines_known == 0 ? 0 : lines_known - 1;
  return Status::Ok();
}

Status LineIndex::LinesAtOffsets(const std::vector<uint64_t>& offsets,
                                 std::vector<int64_t>* lines) const {
  lines->assign(offsets.size(), -1);
  if (offsets.size() > kMaxLinesPerRead) {
    return Status::Fail(codes::kRange, "ERANGE: linesAtOffsets got " +
                                           std::to_string(offsets.size()) +
                                           " offsets, above the limit of " +
                                           std::to_string(kMaxLinesPerRead) + " a call");
  }
  // Per offset: its chunk's checkpoint at or before it and the lines before that checkpoint.
  std::vector<uint64_t> positions(offsets.size());
  std::vector<uint64_t> lines_before(offsets.size());
  std::vector<uint8_t> known(offsets.size(), 0);
  std::shared_ptr<const FileMapping> file;
  uint64_t lines_known = 0;
  uint64_t highest = 0;
  bool any_known = false;
  bool done = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Status status = CheckUsableLocked();
    if (!status.ok()) return status;
    const uint64_t known_end = done_ ? size_ : KnownEndLocked();
    for (size_t i = 0; i < offsets.size(); ++i) {
      if (offsets[i] > known_end || offsets[i] > size_) continue;
      SeekOffsetLocked(offsets[i], &positions[i], &lines_before[i]);
      known[i] = 1;
      any_known = true;
      highest = std::max(highest, offsets[i]);
    }
    lines_known = LinesKnownLocked();
    done = done_;
    file = file_;
  }
  if (!any_known) return Status::Ok();

  Status status = file->CheckFileCovers(highest);
  if (!status.ok()) return status;
  const uint8_t* base = Bytes(*file);
  const TextEncoding encoding = encoding_;
  int64_t* out = lines->data();
  const bool read = guarded([&] {
    for (size_t i = 0; i < offsets.size(); ++i) {
      if (known[i] == 0) continue;
      // Newlines that end at or before the offset: fewer than kCheckpointInterval from there.
      uint64_t line =
          lines_before[i] + NewlinesBetween(encoding, base + positions[i], base + offsets[i]);
      // Past the final newline (offset == size): the last line.
      if (done && line >= lines_known) line = lines_known == 0 ? 0 : lines_known - 1;
      out[i] = static_cast<int64_t>(line);
    }
  });
  if (!read) {
    lines->assign(offsets.size(), -1);
    return file->FaultWhileAccessing();
  }
  return Status::Ok();
}

Status LineIndex::ReadLinesAt(const std::vector<uint64_t>& lines, uint64_t max_bytes_per_line,
                              LineSlice* slice, std::vector<uint64_t>* line_numbers) const {
  *slice = LineSlice();
  slice->text_starts.push_back(0);
  line_numbers->clear();

  std::vector<uint64_t> positions;  // per known line: where the search for its start begins
  std::vector<uint64_t> remaining;  // and how many newlines to pass from there
  std::shared_ptr<const FileMapping> file;
  uint64_t terminated = 0;
  uint64_t search_end = 0;
  uint64_t size = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Status status = CheckUsableLocked();
    if (!status.ok()) return status;
    if (lines.size() > kMaxLinesPerRead) {
      return Status::Fail(codes::kRange, "ERANGE: readLinesAt got " + std::to_string(lines.size()) +
                                             " lines, above the limit of " +
                                             std::to_string(kMaxLinesPerRead) + " a call");
    }
    status = CheckMaxBytesPerLine(max_bytes_per_line);
    if (!status.ok()) return status;
    const uint64_t known = LinesKnownLocked();
    for (const uint64_t line : lines) {
      if (line >= known) continue;
      uint64_t position = 0;
      uint64_t to_pass = 0;
      if (line > 0) SeekNewlineLocked(line, &position, &to_pass);
      line_numbers->push_back(line);
      positions.push_back(position);
      remaining.push_back(to_pass);
    }
    terminated = TerminatedLinesLocked();
    search_end = KnownEndLocked();
    size = size_;
    file = file_;
  }
  const size_t line_count = line_numbers->size();
  if (line_count == 0) return Status::Ok();
  slice->first_line = line_numbers->front();

  const uint8_t* base = Bytes(*file);
  const TextEncoding encoding = encoding_;
  slice->file_offsets.resize(line_count);
  slice->full_lengths.resize(line_count);
  uint64_t* offsets = slice->file_offsets.data();
  uint64_t* lengths = slice->full_lengths.data();
  const uint64_t* numbers = line_numbers->data();
  bool lines_moved = false;
  // Pass 1: line boundaries. Writes only into vectors sized above, as the guard requires.
  const LineWalker walker{encoding, base, search_end, size};
  const bool read = guarded([&] {
    for (size_t i = 0; i < line_count; ++i) {
      uint64_t position = positions[i];
      uint64_t end = 0;
      if (!walker.Skip(remaining[i], &position) ||
          !walker.LineEnd(position, numbers[i] < terminated, &end)) {
        lines_moved = true;
        return;
      }
      offsets[i] = position;
      lengths[i] = end - position;
    }
  });
  if (!read) return file->FaultWhileAccessing();
  if (lines_moved) return ContentChanged(*file);

  // Pass 2: the capped bytes of the lines that fit in one answer.
  const uint64_t highest_end = KeepWithinSliceLimit(max_bytes_per_line, slice);
  line_numbers->resize(slice->file_offsets.size());
  return CopySliceBytes(*file, highest_end, slice);
}

Status LineIndex::MemoryBytes(uint64_t* bytes) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  uint64_t total = sizeof(*this) + chunks_.capacity() * sizeof(Chunk) +
                   threads_.capacity() * sizeof(std::thread);
  for (const Chunk& chunk : chunks_) total += chunk.checkpoints.capacity() * sizeof(uint32_t);
  *bytes = total;
  return Status::Ok();
}

// ---- Control --------------------------------------------------------------------------------

Status LineIndex::Extend(std::shared_ptr<const FileMapping> grown) {
  std::unique_lock<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  if (!error_.ok()) return error_;
  if (cancelled_) {
    return Status::Fail(codes::kCancelled, std::string("ECANCELED: indexing of ") + path_ +
                                               " was cancelled; build a new index");
  }
  if (grown == nullptr) return Invalid("the grown file is not open");
  platform::FileInfo indexed_info;
  platform::FileInfo grown_info;
  status = file_->Stat(&indexed_info);
  if (status.ok()) status = grown->Stat(&grown_info);
  if (!status.ok()) return status;
  if (indexed_info.dev != grown_info.dev || indexed_info.ino != grown_info.ino) {
    return Invalid("extend needs the same file: " + grown->path() +
                   " is not the file this index was built over (" + path_ + "); build a new index");
  }
  if (grown->size() < size_) {
    return Status::Fail(codes::kFileChanged, "EFILECHANGED: file changed on disk: " + path_ +
                                                 " is now " + std::to_string(grown->size()) +
                                                 " bytes, but " + std::to_string(size_) +
                                                 " are indexed; build a new index");
  }

  file_ = std::move(grown);
  size_ = file_->size();
  const uint64_t new_scan_end = NewlineWidth(encoding_) == 2 ? size_ & ~uint64_t{1} : size_;
  if (new_scan_end > scan_end_) {
    uint64_t from = scan_end_;
    if (!chunks_.empty() && chunks_.back().complete() &&
        chunks_.back().end - chunks_.back().start < chunk_bytes_) {
      // Continue the short last chunk instead of adding another, so a file that grows a little
      // at a time does not pile up tiny chunks. Its job was taken, hence all were (in order).
      Chunk& last = chunks_.back();
      last.target_end = std::min(new_scan_end, last.start + chunk_bytes_);
      from = last.target_end;
      if (prefix_ == chunks_.size()) {
        --prefix_;
        prefix_newlines_ -= last.newline_count;
      }
      next_job_ = chunks_.size() - 1;
    }
    scan_end_ = new_scan_end;
    AppendChunksLocked(from, new_scan_end);
    done_ = false;
    StartWorkersLocked(&lock);
    if (!error_.ok()) return error_;
  } else if (done_) {
    // Only a byte that cannot hold a newline arrived (UTF-16, odd size): the last line grew.
    FinishLocked();
  }
  return Status::Ok();
}

Status LineIndex::Cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok() || done_) return status;
  cancelled_ = true;
  stop_.store(true);
  return Status::Ok();
}

void LineIndex::Dispose() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (disposed_) return;
    disposed_ = true;
    if (!done_) cancelled_ = true;
    stop_.store(true);
    threads.swap(threads_);
  }
  for (std::thread& thread : threads) thread.join();
  std::shared_ptr<const FileMapping> file;
  std::vector<Chunk> chunks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    file.swap(file_);
    chunks.swap(chunks_);
  }
  // The mapping (if this was its last owner) and the tables are released here, unlocked.
}

}  // namespace hexlog::core
