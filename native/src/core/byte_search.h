// A progressive, multi-threaded search for a byte pattern in a mapped file.
//
// The file is cut into chunks (default 4 MiB). Worker threads take chunks in file order and find
// the non-overlapping matches that start in their chunk, greedy from the chunk's start, reading up
// to length - 1 bytes past its end so a match across a border is found by the chunk it starts in.
// Chunks finish out of order; the contiguous prefix of finished chunks is merged in order: when a
// chunk's first match overlaps the last accepted match of the prefix, the chunk is re-scanned
// sequentially from the end of that match until its matches agree with the chunk's own again.
// The result is exactly that of one sequential scan: non-overlapping occurrences, left to right.
#ifndef HEXLOG_CORE_BYTE_SEARCH_H_
#define HEXLOG_CORE_BYTE_SEARCH_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/mapped_file.h"
#include "core/pattern_scan.h"
#include "core/status.h"

namespace hexlog::core {

struct ByteSearchOptions {
  unsigned threads = 0;  // 0: hardware concurrency, at most 2
  // 0: kDefaultChunkBytes; otherwise kMin.. kMaxChunkBytes, raised if the file would have more
  // than 2^20 chunks.
  uint64_t chunk_bytes = 0;
};

struct ByteSearchProgress {
  uint64_t bytes_scanned = 0;  // end of the contiguous scanned prefix
  uint64_t total_bytes = 0;
  uint64_t matches_known = 0;  // matches starting in that prefix: final and in order
  // Bytes the stored matches of every completed chunk hold (vector capacity): ~4 per match.
  uint64_t result_bytes = 0;
  bool done = false;
  bool cancelled = false;
  Status error;  // a fault while scanning (EFILECHANGED); terminal
};

class ByteSearch {
 public:
  static constexpr uint64_t kDefaultChunkBytes = 4ULL << 20;
  static constexpr uint64_t kMinChunkBytes = 1;
  static constexpr uint64_t kMaxChunkBytes = 1ULL << 30;
  // Chunks store their matches as uint32 offsets from the chunk's start.
  static_assert(kMaxChunkBytes - 1 <= UINT32_MAX, "a chunk-relative offset must fit in uint32");
  static constexpr unsigned kMaxThreads = 64;
  static constexpr uint64_t kMaxResultsPerRead = 1ULL << 24;

  // Compiles the pattern (EINVAL if invalid), validates the options and starts searching `file`
  // at once.
  static Status Create(std::shared_ptr<const FileMapping> file, const PatternSpec& pattern,
                       const ByteSearchOptions& options, std::unique_ptr<ByteSearch>* out);
  // Dispose.
  ~ByteSearch();
  ByteSearch(const ByteSearch&) = delete;
  ByteSearch& operator=(const ByteSearch&) = delete;

  // The methods below are for one owner thread (the binding's JS thread); each is safe against
  // the workers. All fail with ECLOSED after Dispose.

  // Cheap: a lock and a few copies.
  Status Progress(ByteSearchProgress* progress) const;
  // Offsets of matches [first_index, first_index + count) that lie below matches_known; fewer (or
  // none) past it. ERANGE for a count above kMaxResultsPerRead.
  Status Results(uint64_t first_index, uint64_t count, std::vector<uint64_t>* offsets) const;
  // Index of the first known match at or after `offset`; matches_known if there is none (yet).
  Status IndexAtOrAfter(uint64_t offset, uint64_t* index) const;
  // Stops the search; the known prefix stays readable. No effect once done.
  Status Cancel();
  // Cancel, join the workers, release the mapping and results. Idempotent.
  void Dispose();

  size_t pattern_length() const { return pattern_.length(); }

  // Test support: worker threads started and not yet finished in this process, over all searches.
  static int LiveWorkerThreadsForTest();

 private:
  struct Chunk {
    uint64_t start = 0;
    uint64_t end = 0;  // matches starting in [start, end) belong to this chunk
    bool complete = false;
    uint64_t matches_before = 0;  // valid once the prefix has passed this chunk
    // Offsets from `start`, sorted, at exact capacity: 4 bytes per match.
    std::vector<uint32_t> matches;

    uint64_t match_at(size_t i) const { return start + matches[i]; }
  };

  // A worker's reusable buffers, so the growth slack of collecting a chunk's matches is paid once
  // per worker rather than kept by every chunk.
  struct WorkerBuffers {
    std::vector<uint64_t> found;    // absolute offsets from one guarded Find
    std::vector<uint32_t> matches;  // the chunk being scanned, relative to its start
  };

  ByteSearch(std::shared_ptr<const FileMapping> file, CompiledPattern pattern, unsigned threads);

  // The first worker also chooses the pattern's filter bytes from a sample of the file (reading
  // it may wait for the disk, so not on the caller's thread), then starts the others.
  void WorkerMain(bool first);
  // Finds the matches starting in [from, limit) (inside the chunk starting at `chunk_start`),
  // greedy from `from`, into buffers->matches as offsets from chunk_start. With `agree_with`
  // (sorted matches of the same chunk found greedy from an earlier start), stops at the first
  // match both have and appends the rest of `agree_with` from there. Returns the matches at exact
  // capacity. False if stopped (cancel, dispose, a fault: then *status says so).
  bool ScanRange(const FileMapping& file, uint64_t chunk_start, uint64_t from, uint64_t limit,
                 const std::vector<uint32_t>* agree_with, WorkerBuffers* buffers,
                 std::vector<uint32_t>* matches, Status* status) const;

  // The following need mutex_ held. AdvancePrefixLocked may unlock to re-scan a chunk.
  void AdvancePrefixLocked(std::unique_lock<std::mutex>* lock, WorkerBuffers* buffers);
  // Stores a completed chunk's matches and counts their bytes.
  void StoreMatchesLocked(Chunk* chunk, std::vector<uint32_t> matches);
  void FinishLocked();
  void StartWorkersLocked(size_t count);
  Status CheckUsableLocked() const;
  uint64_t KnownEndLocked() const;

  CompiledPattern pattern_;  // its filter is set by the first worker before the others start
  const unsigned thread_count_;
  const std::string path_;  // for messages, also after Dispose
  const uint64_t size_;

  mutable std::mutex mutex_;
  std::shared_ptr<const FileMapping> file_;
  std::vector<Chunk> chunks_;      // fixed after Create, so references stay valid unlocked
  size_t next_job_ = 0;            // next chunk a worker takes
  size_t prefix_ = 0;              // first chunk not merged into the prefix
  uint64_t prefix_matches_ = 0;    // matches in chunks_[0, prefix_)
  uint64_t prefix_match_end_ = 0;  // end of the last match in the prefix (0 if none)
  uint64_t result_bytes_ = 0;      // capacity of every chunk's matches, in bytes
  bool merging_ = false;           // a worker is advancing the prefix (maybe unlocked)
  bool done_ = false;
  bool cancelled_ = false;
  bool disposed_ = false;
  Status error_;
  std::atomic<bool> stop_{false};  // read by workers between blocks
  std::vector<std::thread> threads_;
};

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_BYTE_SEARCH_H_
