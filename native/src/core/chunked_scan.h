// The lifecycle that the chunked worker-thread scans cut at line starts share (RegexSearch,
// LineFilter): chunks taken in file order by worker threads, a contiguous prefix of finished
// chunks, one terminal error, cancel, and a dispose that joins the workers and lets go of the
// mapping and the results. The derived scan owns what a chunk holds and how the prefix counts.
#ifndef HEXLOG_CORE_CHUNKED_SCAN_H_
#define HEXLOG_CORE_CHUNKED_SCAN_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/mapped_file.h"
#include "core/scan_workers.h"
#include "core/status.h"

namespace hexlog::core::scan {

// Chunk needs `start`, `end` (nominal until the chunk is complete, then its lines' region).
template <typename Chunk>
class ChunkedScan {
 public:
  ChunkedScan(const ChunkedScan&) = delete;
  ChunkedScan& operator=(const ChunkedScan&) = delete;

  // Stops the scan; the known prefix stays readable. No effect once done. ECLOSED after Dispose.
  Status Cancel() {
    std::lock_guard<std::mutex> lock(mutex_);
    Status status = CheckUsableLocked();
    if (!status.ok() || done_) return status;
    cancelled_ = true;
    stop_.store(true);
    return Status::Ok();
  }

  // Cancel, join the workers, release the mapping and the results. Idempotent.
  void Dispose() {
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
  }

 protected:
  // `what` names the scan in messages ("the search in ", followed by the path).
  ChunkedScan(std::shared_ptr<const FileMapping> file, unsigned threads, const char* what)
      : thread_count_(threads),
        what_(what),
        path_(file->path()),
        size_(file->size()),
        file_(std::move(file)) {}
  ~ChunkedScan() = default;

  // Cuts [from, to) into nominal chunks of chunk_bytes, at most `max_chunks` of them.
  void AddChunksLocked(uint64_t from, uint64_t to, uint64_t chunk_bytes, uint64_t max_chunks) {
    const uint64_t span = to - from;
    chunk_bytes = std::max(chunk_bytes, (span + max_chunks - 1) / max_chunks);
    for (uint64_t start = from; start < to; start += chunk_bytes) {
      Chunk chunk;
      chunk.start = start;  // nominal until the worker finds the first line start
      chunk.end = std::min(to, start + chunk_bytes);
      chunks_.push_back(std::move(chunk));
    }
  }

  // The rest need mutex_ held.
  Status CheckUsableLocked() const {
    if (!disposed_) return Status::Ok();
    return Status::Fail(codes::kClosed, "ECLOSED: " + what_ + path_ + " is disposed");
  }

  // The end of the contiguous prefix of complete chunks.
  uint64_t KnownEndLocked() const {
    if (prefix_ >= chunks_.size()) return size_;
    return prefix_ == 0 ? 0 : chunks_[prefix_ - 1].end;
  }

  // Every chunk is in the prefix: done, unless the file no longer covers what was scanned.
  void FinishLocked() {
    const Status status = file_->CheckFileCovers(size_);
    if (!status.ok()) {
      error_ = status;
      stop_.store(true);
      return;
    }
    done_ = true;
  }

  // Starts up to thread_count_ workers for the chunks not taken yet, each counted in `live`
  // (process-wide, for tests) and in running_; the error when none could start.
  template <typename Body>
  void StartWorkersLocked(std::atomic<int>* live, const char* purpose, Body body) {
    const size_t wanted = std::min<size_t>(chunks_.size() - next_job_, thread_count_);
    for (size_t i = 0; i < wanted; ++i) {
      running_.fetch_add(1);
      const Status started = StartCountedWorker(live, &threads_, purpose, path_, body);
      if (!started.ok()) {
        running_.fetch_sub(1);
        if (i == 0) {
          error_ = started;
          stop_.store(true);
        }
        break;
      }
    }
  }

  // The entries [first, first + count) that the prefix's chunks hold (chunk.count() each, the
  // chunks before it before(chunk), `known` in all), given chunk by chunk in order to
  // emit(chunk, first index in it, how many), which answers a Status (the first failure ends it).
  // ERANGE for a count above max_per_read.
  template <typename Before, typename Emit>
  Status ForEachInPrefixLocked(uint64_t first, uint64_t count, uint64_t known,
                               uint64_t max_per_read, Before before, Emit emit) const {
    if (count > max_per_read) {
      return Status::Fail(codes::kRange, "ERANGE: results count " + std::to_string(count) +
                                             " is above the limit of " +
                                             std::to_string(max_per_read) + " a call");
    }
    if (first >= known || count == 0) return Status::Ok();
    const uint64_t wanted = std::min(count, known - first);
    auto chunk = std::partition_point(
        chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(prefix_),
        [&](const Chunk& c) { return before(c) + c.count() <= first; });
    uint64_t in_chunk = first - before(*chunk);
    for (uint64_t given = 0; given < wanted; ++chunk, in_chunk = 0) {
      const uint64_t take = std::min<uint64_t>(wanted - given, chunk->count() - in_chunk);
      if (take > 0) {
        Status emitted = emit(*chunk, in_chunk, take);
        if (!emitted.ok()) return emitted;
      }
      given += take;
    }
    return Status::Ok();
  }

  // What every progress report has: scanned bytes, done, cancelled, error, workers running.
  template <typename Progress>
  void FillProgressLocked(Progress* progress) const {
    progress->bytes_scanned = done_ ? size_ : KnownEndLocked();
    progress->total_bytes = size_;
    progress->done = done_;
    progress->cancelled = cancelled_;
    progress->error = error_;
    progress->workers_running = running_.load();
  }

  const unsigned thread_count_;
  const std::string what_;
  const std::string path_;  // for messages, also after Dispose

  mutable std::mutex mutex_;
  uint64_t size_;
  std::shared_ptr<const FileMapping> file_;
  std::vector<Chunk> chunks_;
  size_t next_job_ = 0;  // the next chunk a worker takes
  size_t prefix_ = 0;    // the first chunk not in the contiguous prefix
  bool done_ = false;
  bool cancelled_ = false;
  bool disposed_ = false;
  Status error_;
  std::atomic<bool> stop_{false};  // read by workers between blocks
  std::atomic<unsigned> running_{0};
  std::vector<std::thread> threads_;
};

}  // namespace hexlog::core::scan

#endif  // HEXLOG_CORE_CHUNKED_SCAN_H_
