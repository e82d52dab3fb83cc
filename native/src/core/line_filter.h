// The lines of a mapped file that match a rule set, computed by worker threads in one pass.
//
// A rule (core/rule_set.h: a byte pattern or a regex) either includes or excludes. A line is kept
// when it matches any include rule (every line when there is none) and no exclude rule.
//
// Lines are counted here, not looked up in a line index: each chunk (cut at line starts, as
// RegexSearch cuts them) counts its newlines, so kept lines carry exact 0-based numbers as soon as
// the prefix before them is scanned. A kept line costs 8 bytes (its line and its offset, both
// relative to its chunk). A grown file is `Extend`ed: only the last line (if it had no newline)
// and the new bytes are scanned.
#ifndef HEXLOG_CORE_LINE_FILTER_H_
#define HEXLOG_CORE_LINE_FILTER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/chunked_scan.h"
#include "core/mapped_file.h"
#include "core/rule_set.h"
#include "core/status.h"

namespace hexlog::core {

struct LineFilterOptions {
  unsigned threads = 0;      // 0: hardware concurrency, at most 2
  uint64_t chunk_bytes = 0;  // 0: kDefaultChunkBytes
  uint64_t match_limit = 0;  // 0: RegexSearch::kDefaultMatchLimit
  // Keep only each kept line's number (4 bytes a line, not 8): Results answers no offsets and
  // IndexAtOffset is refused. For a filtered view, which reads its lines through a line index.
  bool lines_only = false;
};

struct LineFilterProgress {
  uint64_t bytes_scanned = 0;  // end of the contiguous scanned prefix
  uint64_t total_bytes = 0;
  uint64_t lines_scanned = 0;  // lines starting in that prefix
  uint64_t kept_known = 0;     // kept lines in that prefix: final and in order
  uint64_t result_bytes = 0;   // capacity of the stored lines: ~8 per kept line
  bool done = false;
  bool cancelled = false;
  Status error;  // EFILECHANGED, ECOMPLEX; terminal
  unsigned workers_running = 0;
};

struct LineFilterChunk {
  uint64_t start = 0;  // lines starting in [start, end) (nominal until complete)
  uint64_t end = 0;
  bool complete = false;
  uint64_t newlines = 0;  // lines starting in [start, end)
  uint64_t lines_before = 0;
  uint64_t kept_before = 0;
  // Pairs (line - first line of the chunk, offset - start), at exact capacity; lines only
  // (stride 1) with LineFilterOptions::lines_only.
  std::vector<uint32_t> kept;
  uint32_t stride = 2;
  size_t count() const { return kept.size() / stride; }
  uint32_t line(size_t i) const { return kept[stride * i]; }
};

class LineFilter : public scan::ChunkedScan<LineFilterChunk> {
 public:
  static constexpr uint64_t kDefaultChunkBytes = 4ULL << 20;
  static constexpr uint64_t kMaxChunkBytes = 1ULL << 30;
  static constexpr unsigned kMaxThreads = 64;
  static constexpr size_t kMaxRules = 64;
  static constexpr uint64_t kMaxResultsPerRead = 1ULL << 24;

  // Compiles the rules (EINVAL naming the rule, with *error_offset for a regex PCRE2 rejects and
  // *error_rule its index), and starts at once.
  static Status Create(std::shared_ptr<const FileMapping> file, const std::vector<LineRule>& rules,
                       const LineFilterOptions& options, std::unique_ptr<LineFilter>* out,
                       uint64_t* error_offset, uint64_t* error_rule);
  ~LineFilter();
  LineFilter(const LineFilter&) = delete;
  LineFilter& operator=(const LineFilter&) = delete;

  // For one owner thread; each is safe against the workers. ECLOSED after Dispose.
  Status Progress(LineFilterProgress* progress) const;
  // Kept lines [first, first + count) below kept_known: 0-based line numbers and line starts
  // (no offsets with lines_only).
  Status Results(uint64_t first, uint64_t count, std::vector<uint64_t>* lines,
                 std::vector<uint64_t>* offsets) const;
  // The index of the first kept line at or after line `line` (kept_known if none is known yet).
  Status IndexOfLine(uint64_t line, uint64_t* index) const;
  // IndexOfLine for many lines in one call (a viewport of marks, never a call a line).
  Status IndexesOfLines(const std::vector<uint64_t>& lines, std::vector<uint64_t>* indexes) const;
  // The index of the last kept line starting at or before `offset`, or -1 as UINT64_MAX if none.
  Status IndexAtOffset(uint64_t offset, uint64_t* index) const;
  // Goes on over a grown mapping of the same file (the caller's promise; checked: it is not
  // smaller). EBUSY until the filter is done; EINVAL for a smaller mapping.
  Status Extend(std::shared_ptr<const FileMapping> grown);
  // Cancel and Dispose: ChunkedScan's.

  static int LiveWorkerThreadsForTest();

 private:
  using Chunk = LineFilterChunk;

  LineFilter(std::shared_ptr<const FileMapping> file, std::shared_ptr<const RuleSet> rules,
             unsigned threads, uint64_t chunk_bytes, uint64_t match_limit, bool lines_only);

  void WorkerMain();
  uint64_t IndexOfLineLocked(uint64_t line) const;
  void AdvancePrefixLocked();
  void StartWorkersLocked();

  std::shared_ptr<const RuleSet> rules_;
  const uint64_t chunk_bytes_;
  const uint64_t match_limit_;
  const uint32_t stride_;

  uint64_t prefix_lines_ = 0;
  uint64_t prefix_kept_ = 0;
  uint64_t result_bytes_ = 0;
};

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_LINE_FILTER_H_
