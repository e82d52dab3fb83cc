// Same-offset comparison of two mapped files: which bytes differ, as maximal runs ("ranges").
//
// Worker threads take chunks of [0, min(sizeA, sizeB)) in file order (interleaved between them),
// compare each with memcmp over blocks and find the exact differing bytes word-wise, and the
// finished chunks are joined in order into one list: a run that crosses a chunk boundary is one
// range. Counts of ranges and bytes are always exact. The list is bounded: past `max_entries`,
// neighbouring ranges closer than a gap (doubled until the list fits in half the cap) are
// coalesced into one entry ("region"); navigation then compares the bytes of a region again to
// find the exact range. The tail of the longer file past the shorter one's end is one more range.
#ifndef HEXLOG_CORE_BYTE_DIFF_H_
#define HEXLOG_CORE_BYTE_DIFF_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/mapped_file.h"
#include "core/status.h"

namespace hexlog::core {

struct ByteDiffOptions {
  unsigned threads = 0;      // 0: hardware concurrency, at most 2
  uint64_t chunk_bytes = 0;  // 0: kDefaultChunkBytes
  uint64_t max_entries = 0;  // 0: kDefaultMaxEntries
};

// [start, end): a range of differing bytes, or (coalesced) a region holding several.
struct DiffEntry {
  uint64_t start = 0;
  uint64_t end = 0;
};

struct ByteDiffProgress {
  uint64_t bytes_compared = 0;  // end of the contiguous compared prefix
  uint64_t total_bytes = 0;     // min of the two sizes
  uint64_t ranges = 0;          // differing ranges in that prefix (the tail's once done)
  uint64_t bytes = 0;           // differing bytes in that prefix (the tail's once done)
  uint64_t entries = 0;         // entries held
  uint64_t gap = 0;             // coalescing gap: 0 while every entry is one exact range
  bool done = false;
  bool cancelled = false;
  Status error;  // EFILECHANGED; terminal
};

// Byte-level helpers over two buffers, exposed for tests. Each answers an index in [from, to), or
// `to` when there is none (the Last* ones answer `to` too when none is found).
uint64_t FirstDifferent(const uint8_t* a, const uint8_t* b, uint64_t from, uint64_t to);
uint64_t FirstEqual(const uint8_t* a, const uint8_t* b, uint64_t from, uint64_t to);
uint64_t LastDifferent(const uint8_t* a, const uint8_t* b, uint64_t from, uint64_t to);
uint64_t LastEqual(const uint8_t* a, const uint8_t* b, uint64_t from, uint64_t to);

class ByteDiff {
 public:
  static constexpr uint64_t kDefaultChunkBytes = 16ULL << 20;
  static constexpr uint64_t kMaxChunkBytes = 1ULL << 30;
  static constexpr uint64_t kDefaultMaxEntries = 4ULL << 20;
  static constexpr unsigned kMaxThreads = 64;

  // Checks the options (EINVAL) and starts at once.
  static Status Create(std::shared_ptr<const FileMapping> a, std::shared_ptr<const FileMapping> b,
                       const ByteDiffOptions& options, std::unique_ptr<ByteDiff>* out);
  ~ByteDiff();
  ByteDiff(const ByteDiff&) = delete;
  ByteDiff& operator=(const ByteDiff&) = delete;

  // For one owner thread; each is safe against the workers. ECLOSED after Dispose.
  Status Progress(ByteDiffProgress* progress) const;
  // Entries [first, first + count) of the list (the tail's last, once done); fewer past its end.
  Status Entries(uint64_t first, uint64_t count, std::vector<DiffEntry>* entries) const;
  // The exact range that starts first at or after `offset` (direction 1) or last before it (-1),
  // with *found false when there is none. Needs the pass done (EBUSY before). Reads the files.
  Status Step(uint64_t offset, int direction, bool* found, DiffEntry* range) const;
  // Entries per bucket of `buckets` equal slices of [0, max size), by where they start.
  Status Ticks(uint32_t buckets, std::vector<uint32_t>* counts) const;
  Status Cancel();
  // Cancel, join the workers, release the mappings. Idempotent.
  void Dispose();

  static int LiveWorkerThreadsForTest();

 private:
  struct Chunk {
    uint64_t start = 0;
    uint64_t end = 0;
    bool complete = false;
    uint64_t ranges = 0;  // exact, counted inside the chunk
    uint64_t bytes = 0;
    uint64_t gap = 0;  // the gap its entries were coalesced with
    std::vector<DiffEntry> entries;
  };

  ByteDiff(std::shared_ptr<const FileMapping> a, std::shared_ptr<const FileMapping> b,
           unsigned threads, uint64_t chunk_bytes, uint64_t max_entries);

  void WorkerMain();
  // Compares one chunk into `chunk`; false when a mapping faulted (the file shrank).
  bool CompareChunk(const uint8_t* a, const uint8_t* b, Chunk* chunk, uint64_t gap_hint);
  void AdvancePrefixLocked();
  void CoalesceLocked();
  Status CheckUsableLocked() const;
  // Needs both mappings; reads them under the fault guard.
  Status StepLocked(uint64_t offset, int direction, bool* found, DiffEntry* range) const;

  const unsigned thread_count_;
  const uint64_t chunk_bytes_;
  const uint64_t max_entries_;
  const std::string path_a_;
  const std::string path_b_;
  const uint64_t size_a_;
  const uint64_t size_b_;
  const uint64_t common_;  // min(size_a_, size_b_)

  mutable std::mutex mutex_;
  std::condition_variable room_;  // a worker waits for the prefix to catch up
  std::shared_ptr<const FileMapping> a_;
  std::shared_ptr<const FileMapping> b_;
  std::vector<Chunk> chunks_;
  size_t next_job_ = 0;
  size_t prefix_ = 0;
  std::vector<DiffEntry> entries_;
  uint64_t gap_ = 0;
  uint64_t ranges_ = 0;
  uint64_t bytes_ = 0;
  bool done_ = false;
  bool cancelled_ = false;
  bool disposed_ = false;
  Status error_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> gap_hint_{0};
  std::atomic<unsigned> running_{0};
  std::vector<std::thread> threads_;
};

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_BYTE_DIFF_H_
