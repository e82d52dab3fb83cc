// A progressive, compact, multi-threaded index of the lines of a mapped file.
//
// The scannable bytes are cut into chunks (default 4 MiB). Worker threads take chunks in file
// order and, per chunk, count its newlines and record a checkpoint after every
// kCheckpointInterval-th newline (a 32-bit offset relative to the chunk: 4 bytes per 32 lines,
// 0.125 bytes per line). Chunks finish out of order; only the contiguous prefix of finished chunks
// has known line numbers. Line n is found by a binary search over the prefix chunks' cumulative
// newline counts, then its checkpoint, then a memchr forward over fewer than kCheckpointInterval
// newlines.
#ifndef HEXLOG_CORE_LINE_INDEX_H_
#define HEXLOG_CORE_LINE_INDEX_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/mapped_file.h"
#include "core/newline_scan.h"
#include "core/status.h"

namespace hexlog::core {

namespace codes {
inline constexpr const char kCancelled[] = "ECANCELED";
}  // namespace codes

struct LineIndexOptions {
  unsigned threads = 0;      // 0: hardware concurrency, at most 4 (2 if unknown)
  uint64_t chunk_bytes = 0;  // 0: kDefaultChunkBytes; otherwise even, kMin.. kMaxChunkBytes
};

struct LineIndexProgress {
  uint64_t bytes_scanned = 0;  // end of the contiguous scanned prefix
  uint64_t total_bytes = 0;
  uint64_t lines_known = 0;  // lines whose end is known (+ an unterminated last line once done)
  bool done = false;
  bool cancelled = false;
  Status error;  // a fault while scanning (EFILECHANGED); terminal
};

// Lines [first_line, first_line + count): each line's bytes (newline excluded) capped at the
// requested maximum and concatenated; text_starts has count + 1 entries into `bytes`.
struct LineSlice {
  uint64_t first_line = 0;
  uint64_t count = 0;
  std::vector<uint8_t> bytes;
  std::vector<uint32_t> text_starts;
  std::vector<uint64_t> file_offsets;
  std::vector<uint64_t> full_lengths;  // newline excluded, not capped
};

class LineIndex {
 public:
  static constexpr uint64_t kCheckpointInterval = 32;  // newlines per checkpoint, a power of two
  static constexpr uint64_t kDefaultChunkBytes = 4ULL << 20;
  static constexpr uint64_t kMinChunkBytes = 16;
  static constexpr uint64_t kMaxChunkBytes = 1ULL << 30;  // checkpoints are 32-bit offsets
  static constexpr unsigned kMaxThreads = 64;
  static constexpr uint64_t kMaxLinesPerRead = 1ULL << 20;
  // The bytes of one readLines answer; lines past it are left for the next call.
  static constexpr uint64_t kMaxSliceBytes = 256ULL << 20;

  // Validates the options and starts scanning `file` at once. EINVAL for bad options.
  static Status Create(std::shared_ptr<const FileMapping> file, TextEncoding encoding,
                       const LineIndexOptions& options, std::unique_ptr<LineIndex>* out);
  // Dispose.
  ~LineIndex();
  LineIndex(const LineIndex&) = delete;
  LineIndex& operator=(const LineIndex&) = delete;

  // The methods below are for one owner thread (the binding's JS thread); each is safe against
  // the workers. All fail with ECLOSED after Dispose.

  // Cheap: a lock and a few copies.
  Status Progress(LineIndexProgress* progress) const;
  // Lines within the known range; fewer (or none) if the range passes its end. ERANGE for a
  // count above kMaxLinesPerRead or a cap above kMaxSliceBytes; EFILECHANGED if the file shrank.
  Status ReadLines(uint64_t first_line, uint64_t count, uint64_t max_bytes_per_line,
                   LineSlice* slice) const;
  // The 0-based line containing `offset`; offset == size is the last line (0 for an empty file).
  // ERANGE past the scanned prefix.
  Status LineAtOffset(uint64_t offset, uint64_t* line) const;
  // LineAtOffset for each offset, under one lock: -1 for an offset past the scanned prefix (or
  // the file). ERANGE for more than kMaxLinesPerRead offsets; EFILECHANGED if the file shrank.
  Status LinesAtOffsets(const std::vector<uint64_t>& offsets, std::vector<int64_t>* lines) const;
  // ReadLines for arbitrary line numbers (any order, repeats allowed): entry i of `slice` is line
  // (*line_numbers)[i]. Lines not known yet are skipped; slice->first_line is the first entry's
  // line (0 when there is none). Same limits and errors as ReadLines.
  Status ReadLinesAt(const std::vector<uint64_t>& lines, uint64_t max_bytes_per_line,
                     LineSlice* slice, std::vector<uint64_t>* line_numbers) const;
  // The file grew: `grown` maps the same file (same device and inode), at least as long. Keeps
  // every result, scans only the new bytes, and reads through `grown` from now on.
  Status Extend(std::shared_ptr<const FileMapping> grown);
  // Stops the scan; the known prefix stays readable. No effect once done.
  Status Cancel();
  // Cancel, join the workers, release the mapping and tables. Idempotent.
  void Dispose();
  // Bytes held by the index's tables.
  Status MemoryBytes(uint64_t* bytes) const;

  TextEncoding encoding() const { return encoding_; }

  // Test support: worker threads started and not yet finished in this process, over all indexes.
  static int LiveWorkerThreadsForTest();

 private:
  struct Chunk {
    uint64_t start = 0;
    uint64_t end = 0;         // scanned (published) up to here
    uint64_t target_end = 0;  // complete when end == target_end
    uint64_t newline_count = 0;
    uint64_t newlines_before = 0;  // valid once the prefix has reached this chunk
    // Offset just after newline number kCheckpointInterval * (i + 1) of this chunk, relative to
    // `start`.
    std::vector<uint32_t> checkpoints;

    bool complete() const { return end == target_end; }
  };

  LineIndex(std::shared_ptr<const FileMapping> file, TextEncoding encoding, unsigned threads,
            uint64_t chunk_bytes);

  void WorkerMain();
  // Scans [from, to) of a chunk; false if stopped (cancel, dispose, another worker's fault).
  bool ScanRange(const FileMapping& file, uint64_t chunk_start, uint64_t from, uint64_t to,
                 uint64_t newlines_so_far, uint64_t* newlines_found,
                 std::vector<uint32_t>* checkpoints, std::vector<uint32_t>* scratch,
                 Status* status) const;

  // The following need mutex_ held.
  void AppendChunksLocked(uint64_t from, uint64_t to);
  void AdvancePrefixLocked();
  // When the prefix reaches the end: final truncation check and the unterminated last line.
  void FinishLocked();
  void StartWorkersLocked(std::unique_lock<std::mutex>* lock);
  Status CheckUsableLocked() const;
  uint64_t KnownEndLocked() const;
  uint64_t TerminatedLinesLocked() const;
  uint64_t LinesKnownLocked() const;
  // Where to start looking for the end of `newline_number` (1-based, within the prefix): a
  // checkpoint at or before it, and how many newlines remain from there.
  void SeekNewlineLocked(uint64_t newline_number, uint64_t* position, uint64_t* remaining) const;
  // The chunk holding `offset` (within the prefix), its last checkpoint at or before `offset`,
  // and the number of lines before that checkpoint.
  void SeekOffsetLocked(uint64_t offset, uint64_t* position, uint64_t* lines_before) const;

  const TextEncoding encoding_;
  const unsigned thread_count_;
  const uint64_t chunk_bytes_;
  const std::string path_;  // for messages, also after Dispose

  mutable std::mutex mutex_;
  std::shared_ptr<const FileMapping> file_;  // replaced by Extend
  uint64_t size_ = 0;                        // file_->size()
  uint64_t scan_end_ = 0;                    // size_, rounded down to even for UTF-16
  std::vector<Chunk> chunks_;
  size_t next_job_ = 0;           // next chunk a worker takes
  size_t prefix_ = 0;             // first incomplete chunk (chunks_.size() when all are complete)
  uint64_t prefix_newlines_ = 0;  // newlines in chunks_[0, prefix_)
  bool done_ = false;
  bool has_unterminated_last_line_ = false;  // valid when done_
  bool cancelled_ = false;
  bool disposed_ = false;
  Status error_;
  std::atomic<bool> stop_{false};  // read by workers between blocks
  int running_ = 0;                // workers between start and exit
  std::vector<std::thread> threads_;
};

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_LINE_INDEX_H_
