#include "core/timeline.h"

#include <algorithm>
#include <string>
#include <utility>

#include "core/fault_guard.h"
#include "core/line_bounds.h"
#include "core/newline_scan.h"
#include "core/scan_workers.h"

namespace hexlog::core {

namespace {

using scan::Bytes;
using scan::Invalid;

std::atomic<int> g_live_workers{0};

constexpr uint64_t kMaxChunks = 1ULL << 20;
// A chunk is counted a window of lines at a time: the lines starting in one window fit scratch
// arrays of kWindowBytes + 1 entries, whatever the line lengths.
constexpr uint64_t kWindowBytes = 64ULL << 10;
constexpr size_t kWindowLines = kWindowBytes + 1;

}  // namespace

TimeBuckets::TimeBuckets(int64_t from_ms, int64_t to_ms, uint32_t buckets)
    : from_ms_(from_ms),
      to_ms_(to_ms),
      buckets_(buckets),
      scale_(static_cast<double>(buckets) / static_cast<double>(to_ms - from_ms)),
      first_ms_(buckets + size_t{1}) {
  // ceil(b * span / buckets) without overflow: span = whole * buckets + rest, rest < buckets.
  const int64_t span = to_ms - from_ms;
  const int64_t whole = span / buckets;
  const int64_t rest = span % buckets;
  for (int64_t b = 0; b <= static_cast<int64_t>(buckets); ++b) {
    first_ms_[static_cast<size_t>(b)] = from_ms + b * whole + (b * rest + buckets - 1) / buckets;
  }
}

// One worker's scratch and the counts of the chunk it is on. Counting a window never allocates
// (it runs inside the fault guard).
struct Timeline::Worker {
  Worker(const Timeline& timeline, const std::atomic<bool>* stop)
      : format(timeline.format_),
        buckets(timeline.buckets_),
        rule_count(timeline.rules_->compiled.size()),
        stride(timeline.stride_),
        stop(stop),
        cells(static_cast<size_t>(timeline.buckets_.count()) * timeline.stride_),
        touched(timeline.buckets_.count()),
        rule_lines(rule_count, std::vector<uint32_t>(kWindowLines)),
        rule_line_count(rule_count),
        line_ends(kWindowLines),
        leading_matches(rule_count) {
    for (const auto& rule : timeline.rules_->compiled) {
      scanners.push_back(rule->NewScanner(timeline.match_limit_, stop));
    }
  }

  void StartChunk(const uint8_t* chunk_base, uint64_t file_size) {
    base = chunk_base;
    size = file_size;
    lines = 0;
    leading = 0;
    any_time = false;
    first_ms = last_ms = min_ms = max_ms = 0;
    timed_lines = below = above = 0;
    tail = TimelineTail{};
  }

  // Counts the lines of the window [ws, we) (line starts; `we` may be the file's end).
  RuleOutcome Window(uint64_t ws, uint64_t we) {
    for (size_t rule = 0; rule < rule_count; ++rule) {
      const RuleOutcome outcome =
          MatchingLines(scanners[rule].get(), base, size, ws, we, ws, *stop,
                        rule_lines[rule].data(), &rule_line_count[rule], &problem);
      if (outcome != RuleOutcome::kDone) return outcome;
    }
    size_t next_match[kMaxRules] = {};
    auto matches_at = [&](uint64_t line_start) {
      uint64_t mask = 0;
      const auto relative = static_cast<uint32_t>(line_start - ws);
      for (size_t rule = 0; rule < rule_count; ++rule) {
        size_t& next = next_match[rule];
        if (next < rule_line_count[rule] && rule_lines[rule][next] == relative) {
          mask |= uint64_t{1} << rule;
          ++next;
        }
      }
      return mask;
    };
    // The newlines before ws + kWindowBytes; past it the window holds at most one more, at we - 1.
    const uint64_t scan_end = std::min(we, ws + kWindowBytes);
    uint64_t newlines = 0;
    size_t written = 0;
    CountNewlines(TextEncoding::kUtf8, base + ws, base + scan_end, base + ws, 1, &newlines,
                  line_ends.data(), &written);
    uint64_t line_start = ws;
    for (size_t i = 0; i < written; ++i) {
      const uint64_t next_start = ws + line_ends[i];
      Line(line_start, next_start - 1, matches_at(line_start));
      line_start = next_start;
    }
    lines += written;
    if (line_start < we) {
      ++lines;
      if (base[we - 1] == '\n') {
        Line(line_start, we - 1, matches_at(line_start));
      } else {  // the file's last line, without a newline
        tail.present = true;
        tail.start = line_start;
        uint32_t column = 0;
        tail.timed = ParseLineTime(format, base + line_start, we - line_start, &tail.ms, &column,
                                   &parse_cache);
        tail.matches = matches_at(line_start);
      }
    }
    return RuleOutcome::kDone;
  }

  // One line [start, end): its own time or the last one seen, into its bucket.
  void Line(uint64_t start, uint64_t end, uint64_t matches) {
    int64_t ms = 0;
    uint32_t column = 0;
    if (ParseLineTime(format, base + start, end - start, &ms, &column, &parse_cache)) {
      ++timed_lines;
      if (!any_time) {
        any_time = true;
        first_ms = min_ms = max_ms = ms;
      } else {
        min_ms = std::min(min_ms, ms);
        max_ms = std::max(max_ms, ms);
      }
      last_ms = ms;
      // Most lines fall in the bucket of the line before.
      if (ms < bucket_low || ms >= bucket_high) {
        current_bucket = buckets.Locate(ms, &current_side);
        buckets.Span(current_bucket, current_side, &bucket_low, &bucket_high);
      }
    }
    if (!any_time) {
      ++leading;
      for (; matches != 0; matches &= matches - 1) ++leading_matches[LowestBit(matches)];
      return;
    }
    uint32_t* cell = cells.data() + static_cast<size_t>(current_bucket) * stride;
    if (cell[0]++ == 0) touched[touched_count++] = current_bucket;
    for (; matches != 0; matches &= matches - 1) ++cell[1 + LowestBit(matches)];
    below += current_side < 0 ? 1 : 0;
    above += current_side > 0 ? 1 : 0;
  }

  // Moves the chunk's counts into `chunk` and clears the scratch for the next one.
  void TakeChunk(Chunk* chunk) {
    chunk->lines = lines;
    chunk->leading = leading;
    chunk->leading_matches.assign(leading_matches.begin(), leading_matches.end());
    std::fill(leading_matches.begin(), leading_matches.end(), 0);
    chunk->any_time = any_time;
    chunk->first_ms = first_ms;
    chunk->last_ms = last_ms;
    chunk->min_ms = min_ms;
    chunk->max_ms = max_ms;
    chunk->timed_lines = timed_lines;
    chunk->below = below;
    chunk->above = above;
    chunk->buckets.assign(touched.begin(),
                          touched.begin() + static_cast<std::ptrdiff_t>(touched_count));
    chunk->bucket_counts.resize(touched_count * stride);
    for (size_t i = 0; i < touched_count; ++i) {
      uint32_t* cell = cells.data() + static_cast<size_t>(touched[i]) * stride;
      std::copy(cell, cell + stride,
                chunk->bucket_counts.begin() + static_cast<std::ptrdiff_t>(i * stride));
      std::fill(cell, cell + stride, 0);
    }
    touched_count = 0;
    chunk->tail = tail;
  }

  static size_t LowestBit(uint64_t mask) { return static_cast<size_t>(__builtin_ctzll(mask)); }

  const TimeFormat& format;
  const TimeBuckets& buckets;
  const size_t rule_count;
  const size_t stride;
  const std::atomic<bool>* stop;
  std::vector<std::unique_ptr<CompiledLineRule::Scanner>> scanners;
  std::vector<uint32_t> cells;    // buckets × stride, zero outside `touched`
  std::vector<uint32_t> touched;  // the buckets with a line in this chunk
  size_t touched_count = 0;
  std::vector<std::vector<uint32_t>> rule_lines;  // per rule: its lines in the window
  std::vector<size_t> rule_line_count;
  std::vector<uint32_t> line_ends;  // offsets just after each newline of the window
  std::vector<uint32_t> leading_matches;
  TimeParseCache parse_cache;
  RuleProblem problem;

  // The chunk so far.
  const uint8_t* base = nullptr;
  uint64_t size = 0;
  uint64_t lines = 0;
  uint64_t leading = 0;
  bool any_time = false;
  int64_t first_ms = 0;
  int64_t last_ms = 0;
  int64_t min_ms = 0;
  int64_t max_ms = 0;
  uint64_t timed_lines = 0;
  uint64_t below = 0;
  uint64_t above = 0;
  // The bucket of the last time seen, and the times it holds.
  uint32_t current_bucket = 0;
  int current_side = 0;
  int64_t bucket_low = 0;
  int64_t bucket_high = 0;
  TimelineTail tail;
};

Status Timeline::Create(std::shared_ptr<const FileMapping> file, const TimeFormat& format,
                        int64_t from_ms, int64_t to_ms, uint32_t buckets,
                        const std::vector<LineRule>& rules, const TimelineOptions& options,
                        std::unique_ptr<Timeline>* out, uint64_t* error_offset,
                        uint64_t* error_rule) {
  *error_offset = 0;
  *error_rule = 0;
  if (file == nullptr) return Invalid("the file is not open");
  Status format_ok = CheckTimeFormat(format);
  if (!format_ok.ok()) return format_ok;
  if (from_ms < -kMaxSafeInteger || to_ms > kMaxSafeInteger || from_ms >= to_ms) {
    return Invalid("fromMs and toMs must be safe integers with fromMs < toMs, got " +
                   std::to_string(from_ms) + " and " + std::to_string(to_ms));
  }
  if (buckets < 1 || buckets > kMaxBuckets) {
    return Invalid("buckets must be from 1 to " + std::to_string(kMaxBuckets) + ", got " +
                   std::to_string(buckets));
  }
  if (rules.size() > kMaxRules) {
    return Invalid("at most " + std::to_string(kMaxRules) + " rules, got " +
                   std::to_string(rules.size()));
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].exclude) {
      *error_rule = i;
      return Invalid("rule " + std::to_string(i) +
                     " excludes: a timeline counts the lines each rule matches, so it takes no "
                     "exclude rule");
    }
  }
  const unsigned threads = options.threads == 0 ? scan::DefaultThreadCount(2) : options.threads;
  Status threads_ok = scan::CheckThreadCount(threads, kMaxThreads);
  if (!threads_ok.ok()) return threads_ok;
  const uint64_t chunk_bytes = options.chunk_bytes == 0 ? kDefaultChunkBytes : options.chunk_bytes;
  if (chunk_bytes > kMaxChunkBytes) {
    return Invalid("chunkBytes must be from 1 to " + std::to_string(kMaxChunkBytes) + ", got " +
                   std::to_string(chunk_bytes));
  }
  const uint64_t match_limit =
      options.match_limit == 0 ? RegexSearch::kDefaultMatchLimit : options.match_limit;
  std::shared_ptr<const RuleSet> compiled;
  Status compiled_ok = RuleSet::Compile(rules, &compiled, error_offset, error_rule);
  if (!compiled_ok.ok()) return compiled_ok;

  std::unique_ptr<Timeline> timeline(new Timeline(std::move(file), format, from_ms, to_ms, buckets,
                                                  std::move(compiled), threads, chunk_bytes,
                                                  match_limit));
  {
    std::lock_guard<std::mutex> lock(timeline->mutex_);
    timeline->AddChunksLocked(0, timeline->size_, timeline->chunk_bytes_, kMaxChunks);
    if (timeline->chunks_.empty()) timeline->FinishLocked();
    timeline->StartWorkersLocked();
    if (!timeline->error_.ok()) return timeline->error_;
  }
  *out = std::move(timeline);
  return Status::Ok();
}

Timeline::Timeline(std::shared_ptr<const FileMapping> file, const TimeFormat& format,
                   int64_t from_ms, int64_t to_ms, uint32_t buckets,
                   std::shared_ptr<const RuleSet> rules, unsigned threads, uint64_t chunk_bytes,
                   uint64_t match_limit)
    : ChunkedScan(std::move(file), threads, "the timeline of "),
      format_(format),
      buckets_(from_ms, to_ms, buckets),
      rules_(std::move(rules)),
      stride_(1 + rules_->compiled.size()),
      chunk_bytes_(chunk_bytes),
      match_limit_(match_limit),
      pending_matches_(rules_->compiled.size()) {
  merged_.counts.assign(static_cast<size_t>(buckets) * stride_, 0);
}

Timeline::~Timeline() { Dispose(); }

int Timeline::LiveWorkerThreadsForTest() { return g_live_workers.load(); }

void Timeline::WorkerMain() {
  Worker worker(*this, &stop_);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_.load() && next_job_ < chunks_.size()) {
    const size_t chunk_index = next_job_++;
    const uint64_t nominal_start = chunks_[chunk_index].start;
    const uint64_t nominal_end = chunks_[chunk_index].end;
    const uint64_t limit = size_;
    std::shared_ptr<const FileMapping> file = file_;
    lock.unlock();

    const uint8_t* base = Bytes(*file);
    worker.StartChunk(base, file->size());
    uint64_t region_start = 0;
    uint64_t region_end = 0;
    bool read = guarded([&] {
      region_start = lines::LineStartAtOrAfter(base, nominal_start, limit);
      region_end = lines::LineStartAtOrAfter(base, nominal_end, limit);
    });
    region_end = std::max(region_end, region_start);
    Status status;
    bool finished = read;
    for (uint64_t ws = region_start; read && ws < region_end;) {
      uint64_t we = ws;
      RuleOutcome outcome = RuleOutcome::kDone;
      read = guarded([&] {
        we = lines::LineStartAtOrAfter(base, std::min(region_end, ws + kWindowBytes), region_end);
        outcome = worker.Window(ws, we);
      });
      if (!read) break;
      if (outcome != RuleOutcome::kDone) {
        finished = false;
        status = RuleFailure(outcome, worker.problem);
        break;
      }
      ws = we;
    }
    if (!read) {
      finished = false;
      status = file->FaultWhileAccessing();
    }
    file.reset();
    Chunk result;
    if (finished) worker.TakeChunk(&result);  // allocates: outside the lock

    lock.lock();
    if (!status.ok()) {
      scan::RecordErrorLocked(status, &error_, &stop_);
      break;
    }
    if (!finished || stop_.load()) break;
    result.start = region_start;
    result.end = region_end;
    result.complete = true;
    chunks_[chunk_index] = std::move(result);
    AdvancePrefixLocked();
  }
  lock.unlock();
  running_.fetch_sub(1);
  g_live_workers.fetch_sub(1);
}

template <typename Matches>
void Timeline::AddLines(int64_t ms, uint64_t lines, const Matches& matches,
                        TimelineCounts* counts) const {
  if (lines == 0) return;
  int side = 0;
  const size_t row = static_cast<size_t>(buckets_.Locate(ms, &side)) * stride_;
  counts->counts[row] += lines;
  for (size_t rule = 0; rule + 1 < stride_; ++rule) counts->counts[row + 1 + rule] += matches[rule];
  if (side < 0) counts->below += lines;
  if (side > 0) counts->above += lines;
}

void Timeline::AdvancePrefixLocked() {
  while (prefix_ < chunks_.size() && chunks_[prefix_].complete) {
    Chunk& chunk = chunks_[prefix_];
    prefix_lines_ += chunk.lines;
    // The chunk's leading untimed lines take the time of the lines before, once there is one.
    if (prefix_timed_) {
      AddLines(prefix_last_ms_, chunk.leading, chunk.leading_matches, &merged_);
    } else {
      merged_.pending += chunk.leading;
      for (size_t rule = 0; rule < pending_matches_.size(); ++rule) {
        pending_matches_[rule] += chunk.leading_matches[rule];
      }
    }
    for (size_t i = 0; i < chunk.buckets.size(); ++i) {
      const size_t row = static_cast<size_t>(chunk.buckets[i]) * stride_;
      for (size_t j = 0; j < stride_; ++j) {
        merged_.counts[row + j] += chunk.bucket_counts[i * stride_ + j];
      }
    }
    merged_.timed_lines += chunk.timed_lines;
    merged_.below += chunk.below;
    merged_.above += chunk.above;
    if (chunk.any_time) {
      merged_.min_ms = merged_.any_time ? std::min(merged_.min_ms, chunk.min_ms) : chunk.min_ms;
      merged_.max_ms = merged_.any_time ? std::max(merged_.max_ms, chunk.max_ms) : chunk.max_ms;
      merged_.any_time = true;
      if (!prefix_timed_) {
        // The file's first timed line: the lines before it take its time.
        AddLines(chunk.first_ms, merged_.pending, pending_matches_, &merged_);
        merged_.pending = 0;
        std::fill(pending_matches_.begin(), pending_matches_.end(), 0);
        prefix_timed_ = true;
      }
      prefix_last_ms_ = chunk.last_ms;
    }
    if (chunk.tail.present) tail_ = chunk.tail;
    // Merged: only the region stays.
    chunk.leading_matches = {};
    chunk.buckets = {};
    chunk.bucket_counts = {};
    ++prefix_;
  }
  if (prefix_ == chunks_.size() && !done_ && !stop_.load()) FinishLocked();
}

void Timeline::StartWorkersLocked() {
  ChunkedScan::StartWorkersLocked(&g_live_workers, "count lines over time in",
                                  [this] { WorkerMain(); });
}

Status Timeline::Progress(TimelineProgress* progress) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  FillProgressLocked(progress);
  progress->lines_scanned = prefix_lines_;
  return Status::Ok();
}

Status Timeline::Counts(TimelineCounts* counts) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  *counts = merged_;
  std::vector<uint64_t> pending_matches = pending_matches_;
  if (tail_.present) {
    std::vector<uint64_t> tail_matches(pending_matches.size());
    for (size_t rule = 0; rule < tail_matches.size(); ++rule) {
      tail_matches[rule] = (tail_.matches >> rule) & 1;
    }
    if (tail_.timed) {
      ++counts->timed_lines;
      counts->min_ms = counts->any_time ? std::min(counts->min_ms, tail_.ms) : tail_.ms;
      counts->max_ms = counts->any_time ? std::max(counts->max_ms, tail_.ms) : tail_.ms;
      counts->any_time = true;
      if (!prefix_timed_) {
        AddLines(tail_.ms, counts->pending, pending_matches, counts);
        counts->pending = 0;
        std::fill(pending_matches.begin(), pending_matches.end(), 0);
      }
      AddLines(tail_.ms, 1, tail_matches, counts);
    } else if (prefix_timed_) {
      AddLines(prefix_last_ms_, 1, tail_matches, counts);
    } else {
      counts->pending += 1;
      for (size_t rule = 0; rule < tail_matches.size(); ++rule) {
        pending_matches[rule] += tail_matches[rule];
      }
    }
  }
  if (done_ && counts->pending > 0) {
    // No line of the file has a time: every line is in the first bucket.
    counts->counts[0] += counts->pending;
    for (size_t rule = 0; rule < pending_matches.size(); ++rule) {
      counts->counts[1 + rule] += pending_matches[rule];
    }
    counts->pending = 0;
  }
  return Status::Ok();
}

Status Timeline::Extend(std::shared_ptr<const FileMapping> grown) {
  std::vector<std::thread> finished;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Status status = CheckUsableLocked();
    if (!status.ok()) return status;
    if (grown == nullptr || grown->size() < size_) {
      return Invalid("extend needs a mapping of the same file at least as large (" +
                     std::to_string(size_) + " bytes)");
    }
    if (!error_.ok()) return error_;
    if (cancelled_) {
      return Status::Fail("ECANCELED", "ECANCELED: the timeline of " + path_ + " was cancelled");
    }
    if (!done_) return Status::Fail("EBUSY", "EBUSY: the timeline of " + path_ + " is running");
    if (grown->size() == size_) {
      file_ = std::move(grown);
      return Status::Ok();
    }
    finished.swap(threads_);
  }
  for (std::thread& thread : finished) thread.join();
  std::lock_guard<std::mutex> lock(mutex_);
  if (disposed_) return CheckUsableLocked();
  uint64_t from = size_;
  if (tail_.present) {
    // A last line without a newline goes on in the new bytes: it is counted again with them.
    from = tail_.start;
    prefix_lines_ -= 1;
    tail_ = TimelineTail{};
    while (!chunks_.empty() && chunks_.back().start >= from) chunks_.pop_back();
    if (!chunks_.empty()) chunks_.back().end = std::min(chunks_.back().end, from);
  }
  prefix_ = chunks_.size();
  next_job_ = chunks_.size();
  file_ = std::move(grown);
  size_ = file_->size();
  AddChunksLocked(from, size_, chunk_bytes_, kMaxChunks);
  done_ = false;
  StartWorkersLocked();
  return error_;
}

}  // namespace hexlog::core
