// How the lines of a mapped file spread over time: every line counted into one of N equal time
// buckets, with how many lines each rule matches per bucket, in one parallel pass.
//
// A line's time is its own parsed time (core/time_parse.h), else that of the nearest line above it
// that has one (continuation lines and stack traces belong to the line above); lines before the
// file's first timed line take that line's time. So every line lands in exactly one bucket, and
// the line counts add up to the lines a LineIndex counts. Times before the range go to the first
// bucket, times at or after its end to the last (counted as `below` and `above`).
//
// Chunks are cut at line starts, as LineFilter cuts them, and finish out of order. A chunk reports
// its leading untimed lines apart (they take the time of the chunks before) and its other lines as
// sparse per-bucket counts; the contiguous prefix of finished chunks is merged in order into one
// dense table, so counts are exact for that prefix. A last line without a newline is kept apart
// too, so Extend can take it back and count it again with the bytes the file grew by.
#ifndef HEXLOG_CORE_TIMELINE_H_
#define HEXLOG_CORE_TIMELINE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/chunked_scan.h"
#include "core/mapped_file.h"
#include "core/rule_set.h"
#include "core/status.h"
#include "core/time_parse.h"

namespace hexlog::core {

struct TimelineOptions {
  unsigned threads = 0;      // 0: hardware concurrency, at most 2
  uint64_t chunk_bytes = 0;  // 0: kDefaultChunkBytes
  uint64_t match_limit = 0;  // 0: RegexSearch::kDefaultMatchLimit
};

struct TimelineProgress {
  uint64_t bytes_scanned = 0;  // end of the contiguous scanned prefix
  uint64_t total_bytes = 0;
  uint64_t lines_scanned = 0;  // lines starting in that prefix
  bool done = false;
  bool cancelled = false;
  Status error;  // EFILECHANGED, ECOMPLEX; terminal
  unsigned workers_running = 0;
};

struct TimelineCounts {
  // buckets × (1 + rules): entry b * (1 + K) is bucket b's line count, b * (1 + K) + 1 + k the
  // lines rule k matches in it.
  std::vector<uint64_t> counts;
  uint64_t timed_lines = 0;  // lines with a parsed time
  bool any_time = false;     // min_ms and max_ms are set
  int64_t min_ms = 0;
  int64_t max_ms = 0;
  uint64_t below = 0;  // lines whose time is before from_ms (in bucket 0)
  uint64_t above = 0;  // lines whose time is at or after to_ms (in the last bucket)
  // Lines in no bucket yet: those before the first timed line while none is known. Once the pass
  // is done they are in bucket 0 if the file has no timed line at all.
  uint64_t pending = 0;
};

// The buckets: bucket b holds the times t with floor((t - from) * buckets / (to - from)) == b,
// exactly, found from each bucket's first millisecond.
class TimeBuckets {
 public:
  TimeBuckets(int64_t from_ms, int64_t to_ms, uint32_t buckets);
  // The bucket of `ms`; *side is -1 before the range, 1 at or after its end, 0 within it.
  uint32_t Locate(int64_t ms, int* side) const {
    if (ms < from_ms_) {
      *side = -1;
      return 0;
    }
    if (ms >= to_ms_) {
      *side = 1;
      return buckets_ - 1;
    }
    *side = 0;
    const double estimate = static_cast<double>(ms - from_ms_) * scale_;
    uint32_t bucket = estimate >= buckets_ ? buckets_ - 1 : static_cast<uint32_t>(estimate);
    while (ms < first_ms_[bucket]) --bucket;
    while (ms >= first_ms_[bucket + 1]) ++bucket;

    return bucket;
  }
  uint32_t count() const { return buckets_; }
  // The times [*low, *high) that Locate puts in `bucket` on `side`, as Locate answered them.
  void Span(uint32_t bucket, int side, int64_t* low, int64_t* high) const {
    *low = side > 0 ? to_ms_ : side < 0 ? INT64_MIN : first_ms_[bucket];
    *high = side < 0 ? from_ms_ : side > 0 ? INT64_MAX : first_ms_[bucket + 1];
  }

 private:
  int64_t from_ms_;
  int64_t to_ms_;
  uint32_t buckets_;
  double scale_;                   // buckets per millisecond
  std::vector<int64_t> first_ms_;  // buckets_ + 1 entries: the first ms of each, then to_ms
};

// The file's last line when it has no newline: counted apart, since it may go on.
struct TimelineTail {
  bool present = false;
  bool timed = false;
  int64_t ms = 0;
  uint64_t matches = 0;  // bit k: rule k matches it
  uint64_t start = 0;
};

struct TimelineChunk {
  uint64_t start = 0;  // lines starting in [start, end) (nominal until complete)
  uint64_t end = 0;
  bool complete = false;
  uint64_t lines = 0;  // lines starting in [start, end), the tail included
  // Lines before the chunk's first timed line, and those each rule matches: their time comes
  // from the chunks before.
  uint64_t leading = 0;
  std::vector<uint32_t> leading_matches;
  // From the first timed line on (the tail apart):
  bool any_time = false;
  int64_t first_ms = 0;
  int64_t last_ms = 0;
  int64_t min_ms = 0;
  int64_t max_ms = 0;
  uint64_t timed_lines = 0;
  uint64_t below = 0;
  uint64_t above = 0;
  std::vector<uint32_t> buckets;        // the buckets its lines fell in
  std::vector<uint32_t> bucket_counts;  // 1 + rules for each of them
  TimelineTail tail;
};

class Timeline : public scan::ChunkedScan<TimelineChunk> {
 public:
  static constexpr uint64_t kDefaultChunkBytes = 4ULL << 20;
  static constexpr uint64_t kMaxChunkBytes = 1ULL << 30;
  static constexpr unsigned kMaxThreads = 64;
  static constexpr size_t kMaxRules = 64;  // a line's matches fit one 64-bit mask
  static constexpr uint32_t kMaxBuckets = 65536;
  static constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

  // Checks the arguments (EINVAL; exclude rules are refused: a timeline counts matches), compiles
  // the rules (EINVAL naming the rule, with *error_offset for a regex PCRE2 rejects and
  // *error_rule its index) and starts at once.
  static Status Create(std::shared_ptr<const FileMapping> file, const TimeFormat& format,
                       int64_t from_ms, int64_t to_ms, uint32_t buckets,
                       const std::vector<LineRule>& rules, const TimelineOptions& options,
                       std::unique_ptr<Timeline>* out, uint64_t* error_offset,
                       uint64_t* error_rule);
  ~Timeline();
  Timeline(const Timeline&) = delete;
  Timeline& operator=(const Timeline&) = delete;

  // For one owner thread; each is safe against the workers. ECLOSED after Dispose.
  Status Progress(TimelineProgress* progress) const;
  // The counts over the contiguous scanned prefix.
  Status Counts(TimelineCounts* counts) const;
  // Goes on over a grown mapping of the same file (the caller's promise; checked: it is not
  // smaller). EBUSY until the pass is done; EINVAL for a smaller mapping.
  Status Extend(std::shared_ptr<const FileMapping> grown);
  // Cancel and Dispose: ChunkedScan's.

  static int LiveWorkerThreadsForTest();

 private:
  using Chunk = TimelineChunk;
  struct Worker;

  Timeline(std::shared_ptr<const FileMapping> file, const TimeFormat& format, int64_t from_ms,
           int64_t to_ms, uint32_t buckets, std::shared_ptr<const RuleSet> rules, unsigned threads,
           uint64_t chunk_bytes, uint64_t match_limit);

  void WorkerMain();
  void AdvancePrefixLocked();
  void StartWorkersLocked();
  // Adds `lines` lines at `ms`, `matches[k]` of them matching rule k, to `counts`.
  template <typename Matches>
  void AddLines(int64_t ms, uint64_t lines, const Matches& matches, TimelineCounts* counts) const;

  const TimeFormat format_;
  const TimeBuckets buckets_;
  std::shared_ptr<const RuleSet> rules_;
  const size_t stride_;  // 1 + rules
  const uint64_t chunk_bytes_;
  const uint64_t match_limit_;

  // The merged prefix, the tail apart.
  TimelineCounts merged_;
  std::vector<uint64_t> pending_matches_;
  bool prefix_timed_ = false;
  int64_t prefix_last_ms_ = 0;
  uint64_t prefix_lines_ = 0;
  TimelineTail tail_;
};

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_TIMELINE_H_
