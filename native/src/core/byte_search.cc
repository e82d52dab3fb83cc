#include "core/byte_search.h"

#include <algorithm>
#include <cerrno>
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

// Matches one guarded scan may report before it returns to store them (it may not allocate).
constexpr size_t kScratchMatches = 16384;
// More chunks than this and the chunk size is raised: the bookkeeping stays small.
constexpr uint64_t kMaxChunks = 1ULL << 20;

std::atomic<int> g_live_workers{0};

// A few spread-out windows of the file (all of a small one), so the search filters on bytes that
// are rare in this file: digits and '=' are rare in prose but not in most logs. Empty if the file
// shrank under the mapping (then a static table decides).
std::vector<uint8_t> SampleBytes(const FileMapping& file) {
  constexpr uint64_t kWindows = 16;
  constexpr uint64_t kWindowBytes = 4096;
  const uint8_t* base = Bytes(file);
  const uint64_t size = file.size();
  std::vector<uint8_t> sample(static_cast<size_t>(std::min(size, kWindows * kWindowBytes)));
  uint8_t* out = sample.data();
  const bool read = guarded([&] {
    if (size <= kWindows * kWindowBytes) {
      std::memcpy(out, base, static_cast<size_t>(size));
      return;
    }
    const uint64_t stride = size / kWindows;
    for (uint64_t window = 0; window < kWindows; ++window) {
      std::memcpy(out + window * kWindowBytes, base + window * stride, kWindowBytes);
    }
  });
  if (!read) sample.clear();
  return sample;
}

}  // namespace

Status ByteSearch::Create(std::shared_ptr<const FileMapping> file, const PatternSpec& pattern,
                          const ByteSearchOptions& options, std::unique_ptr<ByteSearch>* out) {
  if (file == nullptr) return Invalid("the file is not open");
  CompiledPattern compiled;
  std::string error;
  if (!CompiledPattern::Compile(pattern, {}, &compiled, &error)) {
    return Invalid(error);
  }
  const unsigned threads = options.threads == 0 ? scan::DefaultThreadCount(2) : options.threads;
  Status threads_ok = scan::CheckThreadCount(threads, kMaxThreads);
  if (!threads_ok.ok()) return threads_ok;
  uint64_t chunk_bytes = options.chunk_bytes == 0 ? kDefaultChunkBytes : options.chunk_bytes;
  if (chunk_bytes < kMinChunkBytes || chunk_bytes > kMaxChunkBytes) {
    return Invalid("chunkBytes must be from " + std::to_string(kMinChunkBytes) + " to " +
                   std::to_string(kMaxChunkBytes) + ", got " + std::to_string(chunk_bytes));
  }
  chunk_bytes = std::max(chunk_bytes, (file->size() + kMaxChunks - 1) / kMaxChunks);
  if (chunk_bytes > kMaxChunkBytes) {
    // Over 2^50 bytes: no address space maps that today, but the uint32 offsets rely on it.
    return ErrnoStatus(EFBIG, file->path());
  }
  std::unique_ptr<ByteSearch> search(new ByteSearch(std::move(file), std::move(compiled), threads));
  {
    std::unique_lock<std::mutex> lock(search->mutex_);
    search->chunks_.reserve(static_cast<size_t>((search->size_ + chunk_bytes - 1) / chunk_bytes));
    for (uint64_t start = 0; start < search->size_; start += chunk_bytes) {
      Chunk chunk;
      chunk.start = start;
      chunk.end = std::min(search->size_, start + chunk_bytes);
      search->chunks_.push_back(std::move(chunk));
    }
    if (search->chunks_.empty()) search->FinishLocked();
    search->StartWorkersLocked(1);
    if (!search->error_.ok()) return search->error_;
  }
  *out = std::move(search);
  return Status::Ok();
}

ByteSearch::ByteSearch(std::shared_ptr<const FileMapping> file, CompiledPattern pattern,
                       unsigned threads)
    : pattern_(std::move(pattern)),
      thread_count_(threads),
      path_(file->path()),
      size_(file->size()),
      file_(std::move(file)) {}

ByteSearch::~ByteSearch() { Dispose(); }

int ByteSearch::LiveWorkerThreadsForTest() { return g_live_workers.load(); }

// ---- Workers --------------------------------------------------------------------------------

void ByteSearch::WorkerMain(bool first) {
  WorkerBuffers buffers;
  buffers.found.resize(kScratchMatches);
  std::unique_lock<std::mutex> lock(mutex_);
  if (first) {
    std::shared_ptr<const FileMapping> file = file_;
    lock.unlock();
    // No other thread reads the filter yet: the others start below, under the lock.
    pattern_.ChooseFilter(SampleBytes(*file));
    file.reset();
    lock.lock();
    if (!stop_.load() && thread_count_ > 1) StartWorkersLocked(thread_count_ - 1);
  }
  while (!stop_.load() && next_job_ < chunks_.size()) {
    // Chunks are taken in file order, so the prefix grows from the start.
    const size_t chunk_index = next_job_++;
    const uint64_t from = chunks_[chunk_index].start;
    const uint64_t limit = chunks_[chunk_index].end;
    std::shared_ptr<const FileMapping> file = file_;  // keeps the mapping alive while we read it
    lock.unlock();

    std::vector<uint32_t> matches;
    Status status;
    const bool finished = ScanRange(*file, from, from, limit, nullptr, &buffers, &matches, &status);
    file.reset();  // if this was the last reference, unmap outside the lock

    lock.lock();
    if (!status.ok()) {
      scan::RecordErrorLocked(status, &error_, &stop_);
      break;
    }
    if (!finished || stop_.load()) break;
    StoreMatchesLocked(&chunks_[chunk_index], std::move(matches));
    chunks_[chunk_index].complete = true;
    AdvancePrefixLocked(&lock, &buffers);
  }
  lock.unlock();
  g_live_workers.fetch_sub(1);
}

bool ByteSearch::ScanRange(const FileMapping& file, uint64_t chunk_start, uint64_t from,
                           uint64_t limit, const std::vector<uint32_t>* agree_with,
                           WorkerBuffers* buffers, std::vector<uint32_t>* matches,
                           Status* status) const {
  const uint8_t* base = Bytes(file);
  const uint64_t size = file.size();
  uint64_t* found_offsets = buffers->found.data();
  const size_t capacity = buffers->found.size();
  std::vector<uint32_t>& collected = buffers->matches;
  collected.clear();  // keeps its capacity from earlier chunks
  // Every offset below is in [chunk_start, chunk_start + kMaxChunkBytes), so it fits.
  const auto relative = [chunk_start](uint64_t offset) {
    return static_cast<uint32_t>(offset - chunk_start);
  };
  size_t agreed = 0;  // agree_with[0, agreed) lie before the matches seen so far
  bool agree = false;
  for (uint64_t position = from; position < limit && !agree;) {
    if (stop_.load(std::memory_order_relaxed)) return false;
    const uint64_t block_limit = std::min(limit, position + kScanBlock);
    size_t found = 0;
    uint64_t resume = block_limit;
    const bool read = guarded([&] {
      found = pattern_.Find(base, size, position, block_limit, found_offsets, capacity, &resume);
    });
    if (!read) {
      *status = file.FaultWhileAccessing();
      return false;
    }
    for (size_t i = 0; i < found && !agree; ++i) {
      const uint32_t match = relative(found_offsets[i]);
      if (agree_with != nullptr) {
        // Greedy scans that share one match agree from there on.
        while (agreed < agree_with->size() && (*agree_with)[agreed] < match) ++agreed;
        if (agreed < agree_with->size() && (*agree_with)[agreed] == match) {
          collected.insert(collected.end(),
                           agree_with->begin() + static_cast<std::ptrdiff_t>(agreed),
                           agree_with->end());
          agree = true;
          break;
        }
      }
      collected.push_back(match);
    }
    position = resume;
  }
  // An exact-size copy: the growth slack stays in the worker's buffer.
  *matches = std::vector<uint32_t>(collected.begin(), collected.end());
  return true;
}

// ---- Bookkeeping (mutex_ held) --------------------------------------------------------------

void ByteSearch::AdvancePrefixLocked(std::unique_lock<std::mutex>* lock, WorkerBuffers* buffers) {
  if (merging_) return;  // that worker will also merge the chunk just completed
  merging_ = true;
  while (!stop_.load() && prefix_ < chunks_.size() && chunks_[prefix_].complete) {
    Chunk& chunk = chunks_[prefix_];
    if (!chunk.matches.empty() && chunk.match_at(0) < prefix_match_end_) {
      // The chunk's first match overlaps the last accepted one: continue the sequential scan from
      // the end of that match. Only this worker touches a completed chunk outside the prefix.
      std::shared_ptr<const FileMapping> file = file_;
      const uint64_t chunk_start = chunk.start;
      const uint64_t from = prefix_match_end_;
      const uint64_t limit = chunk.end;
      // Still counted in result_bytes_ until replaced below: it is held until then.
      std::vector<uint32_t> own;
      own.swap(chunk.matches);
      lock->unlock();
      std::vector<uint32_t> merged;
      Status status;
      const bool finished =
          ScanRange(*file, chunk_start, from, limit, &own, buffers, &merged, &status);
      file.reset();
      lock->lock();
      if (!status.ok()) scan::RecordErrorLocked(status, &error_, &stop_);
      result_bytes_ -= own.capacity() * sizeof(uint32_t);
      own = std::vector<uint32_t>();
      if (!finished || stop_.load()) break;
      StoreMatchesLocked(&chunk, std::move(merged));
    }
    chunk.matches_before = prefix_matches_;
    prefix_matches_ += chunk.matches.size();
    if (!chunk.matches.empty()) {
      prefix_match_end_ = chunk.match_at(chunk.matches.size() - 1) + pattern_.length();
    }
    ++prefix_;
  }
  merging_ = false;
  if (prefix_ == chunks_.size() && !done_ && !stop_.load()) FinishLocked();
}

void ByteSearch::StoreMatchesLocked(Chunk* chunk, std::vector<uint32_t> matches) {
  result_bytes_ -= chunk->matches.capacity() * sizeof(uint32_t);
  chunk->matches = std::move(matches);
  result_bytes_ += chunk->matches.capacity() * sizeof(uint32_t);
}

void ByteSearch::FinishLocked() {
  // A file truncated within its last mapped page reads as zeros instead of faulting.
  const Status status = file_->CheckFileCovers(size_);
  if (!status.ok()) {
    error_ = status;
    stop_.store(true);
    return;
  }
  done_ = true;
}

void ByteSearch::StartWorkersLocked(size_t count) {
  const size_t wanted = std::min(chunks_.size() - std::min(chunks_.size(), next_job_), count);
  for (size_t i = 0; i < wanted; ++i) {
    const bool first = threads_.empty();
    const Status started = scan::StartCountedWorker(&g_live_workers, &threads_, "search", path_,
                                                    [this, first] { WorkerMain(first); });
    if (!started.ok()) {
      if (first) {
        error_ = started;
        stop_.store(true);
      }
      break;
    }
  }
}

Status ByteSearch::CheckUsableLocked() const {
  if (!disposed_) return Status::Ok();
  return Status::Fail(codes::kClosed, "ECLOSED: the search in " + path_ + " is disposed");
}

uint64_t ByteSearch::KnownEndLocked() const {
  return prefix_ < chunks_.size() ? chunks_[prefix_].start : size_;
}

// ---- Queries --------------------------------------------------------------------------------

Status ByteSearch::Progress(ByteSearchProgress* progress) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  progress->bytes_scanned = done_ ? size_ : KnownEndLocked();
  progress->total_bytes = size_;
  progress->matches_known = prefix_matches_;
  progress->result_bytes = result_bytes_;
  progress->done = done_;
  progress->cancelled = cancelled_;
  progress->error = error_;
  return Status::Ok();
}

Status ByteSearch::Results(uint64_t first_index, uint64_t count,
                           std::vector<uint64_t>* offsets) const {
  offsets->clear();
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  if (count > kMaxResultsPerRead) {
    return Status::Fail(codes::kRange, "ERANGE: results count " + std::to_string(count) +
                                           " is above the limit of " +
                                           std::to_string(kMaxResultsPerRead) + " a call");
  }
  if (first_index >= prefix_matches_ || count == 0) return Status::Ok();
  const uint64_t wanted = std::min(count, prefix_matches_ - first_index);
  offsets->reserve(static_cast<size_t>(wanted));
  // The first prefix chunk whose matches reach past first_index.
  auto chunk = std::partition_point(
      chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(prefix_),
      [first_index](const Chunk& c) { return c.matches_before + c.matches.size() <= first_index; });
  uint64_t in_chunk = first_index - chunk->matches_before;
  while (offsets->size() < wanted) {
    const uint64_t take =
        std::min<uint64_t>(wanted - offsets->size(), chunk->matches.size() - in_chunk);
    const uint64_t start = chunk->start;
    const uint32_t* relative = chunk->matches.data() + in_chunk;
    for (uint64_t i = 0; i < take; ++i) offsets->push_back(start + relative[i]);
    ++chunk;
    in_chunk = 0;
  }
  return Status::Ok();
}

Status ByteSearch::IndexAtOrAfter(uint64_t offset, uint64_t* index) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  // Matches of earlier chunks start before the first chunk that ends after the offset.
  const auto chunk =
      std::partition_point(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(prefix_),
                           [offset](const Chunk& c) { return c.end <= offset; });
  if (chunk == chunks_.begin() + static_cast<std::ptrdiff_t>(prefix_)) {
    *index = prefix_matches_;
    return Status::Ok();
  }
  // Past this chunk's last match, matches_before + size is the next chunk's first index. The
  // chunk is the first to end after `offset`, so offset - start is below its size.
  const uint32_t relative = static_cast<uint32_t>(offset - chunk->start);
  *index = chunk->matches_before +
           static_cast<uint64_t>(
               std::lower_bound(chunk->matches.begin(), chunk->matches.end(), relative) -
               chunk->matches.begin());
  return Status::Ok();
}

// ---- Control --------------------------------------------------------------------------------

Status ByteSearch::Cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok() || done_) return status;
  cancelled_ = true;
  stop_.store(true);
  return Status::Ok();
}

void ByteSearch::Dispose() {
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
  // The mapping (if this was its last owner) and the results are released here, unlocked.
}

}  // namespace hexlog::core
