#include "core/byte_diff.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "core/fault_guard.h"
#include "core/scan_workers.h"

namespace hexlog::core {

namespace {

using scan::Bytes;
using scan::Invalid;

std::atomic<int> g_live_workers{0};

constexpr uint64_t kMaxChunks = 1ULL << 20;
// memcmp takes blocks this large at a time; the exact byte is then found word-wise.
constexpr uint64_t kBlock = 4096;
constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;
// Ranges found under one guard before they are appended (appending allocates: not under it).
constexpr size_t kScratchRanges = 4096;
// The first gap coalescing uses; doubled until the list fits.
constexpr uint64_t kFirstGap = 16;

inline uint64_t LoadWord(const uint8_t* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Nonzero when some byte of `word` is zero.
inline uint64_t HasZeroByte(uint64_t word) { return (word - kOnes) & ~word & kHighs; }

// Appends [start, end) to `entries`: joined to the last entry when adjacent (one run), or when
// closer than `gap` (coalesced). Returns whether it was a new range (not a continued run).
bool Append(std::vector<DiffEntry>* entries, uint64_t gap, DiffEntry range) {
  if (!entries->empty()) {
    DiffEntry& last = entries->back();
    if (range.start == last.end) {
      last.end = range.end;
      return false;
    }
    if (gap > 0 && range.start - last.end <= gap) {
      last.end = range.end;
      return true;
    }
  }
  entries->push_back(range);
  return true;
}

// Joins entries closer than `gap`, in place.
void Coalesce(std::vector<DiffEntry>* entries, uint64_t gap) {
  size_t kept = 0;
  for (size_t i = 0; i < entries->size(); ++i) {
    const DiffEntry entry = (*entries)[i];
    if (kept > 0 && entry.start - (*entries)[kept - 1].end <= gap) {
      (*entries)[kept - 1].end = entry.end;
    } else {
      (*entries)[kept++] = entry;
    }
  }
  entries->resize(kept);
}

// Doubles *gap and coalesces until `entries` holds at most `limit`.
void Shrink(std::vector<DiffEntry>* entries, uint64_t limit, uint64_t* gap) {
  while (entries->size() > limit) {
    *gap = *gap == 0 ? kFirstGap : *gap * 2;
    Coalesce(entries, *gap);
  }
}

}  // namespace

uint64_t FirstDifferent(const uint8_t* a, const uint8_t* b, uint64_t from, uint64_t to) {
  uint64_t at = from;
  while (to - at >= kBlock && std::memcmp(a + at, b + at, kBlock) == 0) at += kBlock;
  for (; to - at >= 8; at += 8) {
    if (LoadWord(a + at) != LoadWord(b + at)) break;
  }
  for (; at < to; ++at) {
    if (a[at] != b[at]) return at;
  }
  return to;
}

uint64_t FirstEqual(const uint8_t* a, const uint8_t* b, uint64_t from, uint64_t to) {
  uint64_t at = from;
  for (; to - at >= 8; at += 8) {
    if (HasZeroByte(LoadWord(a + at) ^ LoadWord(b + at)) != 0) break;
  }
  for (; at < to; ++at) {
    if (a[at] == b[at]) return at;
  }
  return to;
}

uint64_t LastDifferent(const uint8_t* a, const uint8_t* b, uint64_t from, uint64_t to) {
  uint64_t at = to;  // [from, at) is left to search
  while (at - from >= kBlock && std::memcmp(a + at - kBlock, b + at - kBlock, kBlock) == 0) {
    at -= kBlock;
  }
  for (; at - from >= 8; at -= 8) {
    if (LoadWord(a + at - 8) != LoadWord(b + at - 8)) break;
  }
  for (; at > from; --at) {
    if (a[at - 1] != b[at - 1]) return at - 1;
  }
  return to;
}

uint64_t LastEqual(const uint8_t* a, const uint8_t* b, uint64_t from, uint64_t to) {
  uint64_t at = to;
  for (; at - from >= 8; at -= 8) {
    if (HasZeroByte(LoadWord(a + at - 8) ^ LoadWord(b + at - 8)) != 0) break;
  }
  for (; at > from; --at) {
    if (a[at - 1] == b[at - 1]) return at - 1;
  }
  return to;
}

Status ByteDiff::Create(std::shared_ptr<const FileMapping> a, std::shared_ptr<const FileMapping> b,
                        const ByteDiffOptions& options, std::unique_ptr<ByteDiff>* out) {
  if (a == nullptr || b == nullptr) return Invalid("both files must be open");
  const unsigned threads = options.threads == 0 ? scan::DefaultThreadCount(2) : options.threads;
  Status threads_ok = scan::CheckThreadCount(threads, kMaxThreads);
  if (!threads_ok.ok()) return threads_ok;
  const uint64_t chunk_bytes = options.chunk_bytes == 0 ? kDefaultChunkBytes : options.chunk_bytes;
  if (chunk_bytes > kMaxChunkBytes) {
    return Invalid("chunkBytes must be from 1 to " + std::to_string(kMaxChunkBytes) + ", got " +
                   std::to_string(chunk_bytes));
  }
  const uint64_t max_entries = options.max_entries == 0 ? kDefaultMaxEntries : options.max_entries;
  if (max_entries < 2) {
    return Invalid("maxEntries must be at least 2, got " + std::to_string(max_entries));
  }
  std::unique_ptr<ByteDiff> diff(
      new ByteDiff(std::move(a), std::move(b), threads, chunk_bytes, max_entries));
  {
    std::lock_guard<std::mutex> lock(diff->mutex_);
    const uint64_t chunk = std::max(chunk_bytes, (diff->common_ + kMaxChunks - 1) / kMaxChunks);
    for (uint64_t start = 0; start < diff->common_; start += chunk) {
      Chunk nominal;
      nominal.start = start;
      nominal.end = std::min(diff->common_, start + chunk);
      diff->chunks_.push_back(std::move(nominal));
    }
    diff->AdvancePrefixLocked();  // no chunk at all: done at once
    const size_t wanted = std::min<size_t>(diff->chunks_.size(), diff->thread_count_);
    for (size_t i = 0; i < wanted; ++i) {
      diff->running_.fetch_add(1);
      const Status started =
          scan::StartCountedWorker(&g_live_workers, &diff->threads_, "compare", diff->path_a_,
                                   [raw = diff.get()] { raw->WorkerMain(); });
      if (!started.ok()) {
        diff->running_.fetch_sub(1);
        if (i == 0) return started;
        break;
      }
    }
  }
  *out = std::move(diff);
  return Status::Ok();
}

ByteDiff::ByteDiff(std::shared_ptr<const FileMapping> a, std::shared_ptr<const FileMapping> b,
                   unsigned threads, uint64_t chunk_bytes, uint64_t max_entries)
    : thread_count_(threads),
      chunk_bytes_(chunk_bytes),
      max_entries_(max_entries),
      path_a_(a->path()),
      path_b_(b->path()),
      size_a_(a->size()),
      size_b_(b->size()),
      common_(std::min(a->size(), b->size())),
      a_(std::move(a)),
      b_(std::move(b)) {}

ByteDiff::~ByteDiff() { Dispose(); }

int ByteDiff::LiveWorkerThreadsForTest() { return g_live_workers.load(); }

bool ByteDiff::CompareChunk(const uint8_t* a, const uint8_t* b, Chunk* chunk, uint64_t gap) {
  // A chunk holds a bounded share of the cap; past it, its own entries coalesce too.
  const uint64_t local_cap = std::max<uint64_t>(1, max_entries_ / 16);
  DiffEntry scratch[kScratchRanges];
  uint64_t at = chunk->start;
  while (at < chunk->end && !stop_.load()) {
    // About one scan block between checks of the stop flag.
    const uint64_t window_end = std::min(chunk->end, at + scan::kScanBlock);
    size_t found = 0;
    uint64_t resume = at;
    const bool read = guarded([&] {
      uint64_t pos = at;
      while (found < kScratchRanges) {
        const uint64_t start = FirstDifferent(a, b, pos, window_end);
        if (start == window_end) {
          pos = window_end;
          break;
        }
        const uint64_t end = FirstEqual(a, b, start + 1, window_end);
        scratch[found++] = DiffEntry{start, end};
        pos = end;
      }
      resume = pos;
    });
    if (!read) return false;
    for (size_t i = 0; i < found; ++i) {
      chunk->bytes += scratch[i].end - scratch[i].start;
      if (Append(&chunk->entries, gap, scratch[i])) ++chunk->ranges;
      if (chunk->entries.size() > local_cap) Shrink(&chunk->entries, local_cap / 2 + 1, &gap);
    }
    // A run cut by the window goes on in the next one: Append joins the two parts.
    at = resume;
  }
  chunk->gap = gap;
  return true;
}

void ByteDiff::WorkerMain() {
  std::shared_ptr<const FileMapping> file_a;
  std::shared_ptr<const FileMapping> file_b;
  std::unique_lock<std::mutex> lock(mutex_);
  file_a = a_;
  file_b = b_;
  while (!stop_.load() && next_job_ < chunks_.size()) {
    // Finished chunks wait for the ones before them: keep few of them waiting.
    if (next_job_ >= prefix_ + 2 * static_cast<size_t>(thread_count_)) {
      room_.wait(lock);
      continue;
    }
    const size_t index = next_job_++;
    Chunk chunk;
    chunk.start = chunks_[index].start;
    chunk.end = chunks_[index].end;
    lock.unlock();
    const bool read = CompareChunk(Bytes(*file_a), Bytes(*file_b), &chunk, gap_hint_.load());
    lock.lock();
    if (!read) {
      Status status = file_a->CheckFileCovers(size_a_);
      if (status.ok()) status = file_b->CheckFileCovers(size_b_);
      if (status.ok()) status = file_a->FaultWhileAccessing();
      scan::RecordErrorLocked(status, &error_, &stop_);
      break;
    }
    if (stop_.load()) break;
    chunk.complete = true;
    chunks_[index] = std::move(chunk);
    AdvancePrefixLocked();
    room_.notify_all();
  }
  room_.notify_all();
  lock.unlock();
  running_.fetch_sub(1);
  g_live_workers.fetch_sub(1);
}

void ByteDiff::AdvancePrefixLocked() {
  while (prefix_ < chunks_.size() && chunks_[prefix_].complete) {
    Chunk& chunk = chunks_[prefix_];
    ranges_ += chunk.ranges;
    bytes_ += chunk.bytes;
    if (chunk.gap > gap_) {
      gap_ = chunk.gap;
      Coalesce(&entries_, gap_);
    }
    for (const DiffEntry& entry : chunk.entries) {
      // A run across the chunk boundary was counted in both chunks.
      if (!Append(&entries_, gap_, entry)) --ranges_;
    }
    if (entries_.size() > max_entries_) {
      Shrink(&entries_, max_entries_ / 2, &gap_);
      gap_hint_.store(gap_);
    }
    chunk.entries = std::vector<DiffEntry>();  // merged: only its bounds stay
    ++prefix_;
  }
  if (prefix_ < chunks_.size() || done_ || stop_.load()) return;
  Status status = a_->CheckFileCovers(size_a_);
  if (status.ok()) status = b_->CheckFileCovers(size_b_);
  if (!status.ok()) {
    error_ = status;
    stop_.store(true);
    return;
  }
  if (size_a_ != size_b_) {
    // The longer file's tail is one more range, never joined to the one before.
    const uint64_t longer = std::max(size_a_, size_b_);
    ++ranges_;
    bytes_ += longer - common_;
    entries_.push_back(DiffEntry{common_, longer});
  }
  done_ = true;
}

Status ByteDiff::CheckUsableLocked() const {
  if (!disposed_) return Status::Ok();
  return Status::Fail(codes::kClosed,
                      "ECLOSED: the comparison of " + path_a_ + " and " + path_b_ + " is disposed");
}

Status ByteDiff::Progress(ByteDiffProgress* progress) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  progress->bytes_compared =
      done_ ? common_ : (prefix_ >= chunks_.size() ? common_ : chunks_[prefix_].start);
  progress->total_bytes = common_;
  progress->ranges = ranges_;
  progress->bytes = bytes_;
  progress->entries = entries_.size();
  progress->gap = gap_;
  progress->done = done_;
  progress->cancelled = cancelled_;
  progress->error = error_;
  return Status::Ok();
}

Status ByteDiff::Entries(uint64_t first, uint64_t count, std::vector<DiffEntry>* entries) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  entries->clear();
  if (first >= entries_.size()) return Status::Ok();
  const uint64_t last = std::min<uint64_t>(entries_.size(), first + std::min(count, max_entries_));
  entries->assign(entries_.begin() + static_cast<std::ptrdiff_t>(first),
                  entries_.begin() + static_cast<std::ptrdiff_t>(last));
  return Status::Ok();
}

Status ByteDiff::Ticks(uint32_t buckets, std::vector<uint32_t>* counts) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  if (buckets == 0) return Invalid("buckets must be at least 1");
  counts->assign(buckets, 0);
  const uint64_t longer = std::max(size_a_, size_b_);
  if (longer == 0) return Status::Ok();
  for (const DiffEntry& entry : entries_) {
    const auto bucket =
        static_cast<uint32_t>(static_cast<unsigned __int128>(entry.start) * buckets / longer);
    uint32_t& cell = (*counts)[std::min(bucket, buckets - 1)];
    if (cell < UINT32_MAX) ++cell;
  }
  return Status::Ok();
}

Status ByteDiff::Step(uint64_t offset, int direction, bool* found, DiffEntry* range) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  if (!error_.ok()) return error_;
  if (!done_) {
    return Status::Fail(
        "EBUSY", "EBUSY: the comparison of " + path_a_ + " and " + path_b_ + " is still running");
  }
  if (direction != 1 && direction != -1) return Invalid("direction must be 1 or -1");
  return StepLocked(offset, direction, found, range);
}

Status ByteDiff::StepLocked(uint64_t offset, int direction, bool* found, DiffEntry* range) const {
  *found = false;
  const uint8_t* a = Bytes(*a_);
  const uint8_t* b = Bytes(*b_);
  // Entries of the compared part; the tail (if any) is the last entry, at common_.
  const bool has_tail = size_a_ != size_b_;
  const auto compared_end = entries_.end() - (has_tail ? 1 : 0);
  const DiffEntry tail{common_, std::max(size_a_, size_b_)};
  bool read = true;
  if (direction > 0) {
    if (offset > common_) return Status::Ok();  // past every start, the tail's (common_) too
    // From where the next range may start: past the run `offset` is inside of, if it is.
    uint64_t from = offset;
    read = guarded([&] {
      if (offset > 0 && offset < common_ && a[offset - 1] != b[offset - 1] &&
          a[offset] != b[offset]) {
        from = FirstEqual(a, b, offset + 1, common_);
      }
    });
    if (!read) return a_->FaultWhileAccessing();
    auto entry = std::upper_bound(entries_.begin(), compared_end, from,
                                  [](uint64_t at, const DiffEntry& e) { return at < e.end; });
    for (; entry != compared_end; ++entry) {
      uint64_t start = entry->start;
      uint64_t end = entry->end;
      read = guarded([&] {
        if (start < from) start = FirstDifferent(a, b, from, entry->end);
        if (start < entry->end) end = FirstEqual(a, b, start + 1, entry->end);
      });
      if (!read) return a_->FaultWhileAccessing();
      if (start < entry->end) {
        *found = true;
        *range = DiffEntry{start, end};
        return Status::Ok();
      }
    }
    if (has_tail) {
      *found = true;
      *range = tail;
    }
    return Status::Ok();
  }
  if (offset == 0) return Status::Ok();
  if (has_tail && offset > common_) {
    *found = true;
    *range = tail;
    return Status::Ok();
  }
  // The last entry starting before `offset` holds the range wanted (entries start at a range).
  auto after = std::lower_bound(entries_.begin(), compared_end, offset,
                                [](const DiffEntry& e, uint64_t at) { return e.start < at; });
  if (after == entries_.begin()) return Status::Ok();
  const DiffEntry entry = *(after - 1);
  const uint64_t limit = std::min(offset, entry.end);
  DiffEntry result;
  read = guarded([&] {
    const uint64_t last = LastDifferent(a, b, entry.start, limit);  // there is one: entry.start
    const uint64_t equal = LastEqual(a, b, entry.start, last);
    result.start = equal == last ? entry.start : equal + 1;
    result.end = FirstEqual(a, b, last + 1, entry.end);
  });
  if (!read) return a_->FaultWhileAccessing();
  *found = true;
  *range = result;
  return Status::Ok();
}

Status ByteDiff::Cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok() || done_) return status;
  cancelled_ = true;
  stop_.store(true);
  room_.notify_all();
  return Status::Ok();
}

void ByteDiff::Dispose() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (disposed_) return;
    disposed_ = true;
    if (!done_) cancelled_ = true;
    stop_.store(true);
    room_.notify_all();
    threads.swap(threads_);
  }
  for (std::thread& thread : threads) thread.join();
  std::shared_ptr<const FileMapping> a;
  std::shared_ptr<const FileMapping> b;
  std::vector<DiffEntry> entries;
  std::vector<Chunk> chunks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    a.swap(a_);
    b.swap(b_);
    entries.swap(entries_);
    chunks.swap(chunks_);
  }
}

}  // namespace hexlog::core
