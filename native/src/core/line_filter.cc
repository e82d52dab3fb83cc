#include "core/line_filter.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
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
// A chunk is filtered a window of lines at a time: the lines starting in one window fit scratch
// arrays of kWindowBytes + 1 entries, whatever the line lengths.
constexpr uint64_t kWindowBytes = 64ULL << 10;
constexpr size_t kWindowLines = kWindowBytes + 1;

uint64_t CountLinesBetween(const uint8_t* base, uint64_t from, uint64_t to) {
  uint64_t count = 0;
  if (to <= from) return 0;
  uint32_t unused_checkpoint = 0;
  size_t unused_written = 0;
  CountNewlines(TextEncoding::kUtf8, base + from, base + to, base, 1ULL << 62, &count,
                &unused_checkpoint, &unused_written);
  return count;
}

// Sorted union of two sorted lists into `out`; returns its length.
size_t Union(const uint32_t* a, size_t a_count, const uint32_t* b, size_t b_count, uint32_t* out) {
  size_t i = 0, j = 0, n = 0;
  while (i < a_count || j < b_count) {
    if (j == b_count || (i < a_count && a[i] < b[j])) {
      out[n++] = a[i++];
    } else if (i == a_count || b[j] < a[i]) {
      out[n++] = b[j++];
    } else {
      out[n++] = a[i++];
      ++j;
    }
  }
  return n;
}

// Removes from the sorted list `a` the entries of the sorted list `b`, in place.
size_t Subtract(uint32_t* a, size_t a_count, const uint32_t* b, size_t b_count) {
  size_t j = 0, n = 0;
  for (size_t i = 0; i < a_count; ++i) {
    while (j < b_count && b[j] < a[i]) ++j;
    if (j < b_count && b[j] == a[i]) continue;
    a[n++] = a[i];
  }
  return n;
}

// A worker's state for one window; never allocates while guarded.
struct WindowState {
  const uint8_t* base = nullptr;
  uint64_t size = 0;
  uint64_t region_start = 0;
  std::vector<std::unique_ptr<CompiledLineRule::Scanner>>* scanners = nullptr;
  const std::vector<bool>* excludes = nullptr;
  bool any_include = false;
  std::vector<std::vector<uint32_t>>* per_rule = nullptr;  // kWindowLines each
  std::vector<size_t>* per_rule_count = nullptr;
  uint32_t* merge_a = nullptr;  // kWindowLines each
  uint32_t* merge_b = nullptr;
  uint32_t* out = nullptr;  // 2 * kWindowLines: (line in chunk, offset in chunk)
  size_t out_count = 0;
  uint64_t counted_to = 0;  // lines counted in [region_start, counted_to)
  uint64_t lines = 0;
  RuleProblem problem;
  const std::atomic<bool>* stop = nullptr;
};

// The kept lines of the window [ws, we) (line starts) into state->out, counting lines on the way.
RuleOutcome FilterWindow(WindowState* state, uint64_t ws, uint64_t we) {
  const uint8_t* base = state->base;
  auto& scanners = *state->scanners;
  for (size_t rule = 0; rule < scanners.size(); ++rule) {
    const RuleOutcome outcome = MatchingLines(
        scanners[rule].get(), base, state->size, ws, we, state->region_start, *state->stop,
        (*state->per_rule)[rule].data(), &(*state->per_rule_count)[rule], &state->problem);
    if (outcome != RuleOutcome::kDone) return outcome;
  }
  // Kept = (union of includes, or every line) minus the union of excludes.
  uint32_t* kept = state->merge_a;
  uint32_t* spare = state->merge_b;
  size_t kept_count = 0;
  if (state->any_include) {
    for (size_t rule = 0; rule < scanners.size(); ++rule) {
      if ((*state->excludes)[rule]) continue;
      kept_count = Union(kept, kept_count, (*state->per_rule)[rule].data(),
                         (*state->per_rule_count)[rule], spare);
      std::swap(kept, spare);
    }
  } else {
    for (uint64_t line = ws; line < we; line = std::min(we, lines::LineEnd(base, line, we) + 1)) {
      kept[kept_count++] = static_cast<uint32_t>(line - state->region_start);
    }
  }
  for (size_t rule = 0; rule < scanners.size(); ++rule) {
    if (!(*state->excludes)[rule]) continue;
    kept_count =
        Subtract(kept, kept_count, (*state->per_rule)[rule].data(), (*state->per_rule_count)[rule]);
  }
  for (size_t i = 0; i < kept_count; ++i) {
    const uint64_t at = state->region_start + kept[i];
    state->lines += CountLinesBetween(base, state->counted_to, at);
    state->counted_to = at;
    state->out[2 * state->out_count] = static_cast<uint32_t>(state->lines);
    state->out[2 * state->out_count + 1] = kept[i];
    ++state->out_count;
  }
  state->lines += CountLinesBetween(base, state->counted_to, we);
  state->counted_to = we;
  return RuleOutcome::kDone;
}

}  // namespace

Status LineFilter::Create(std::shared_ptr<const FileMapping> file,
                          const std::vector<LineRule>& rules, const LineFilterOptions& options,
                          std::unique_ptr<LineFilter>* out, uint64_t* error_offset,
                          uint64_t* error_rule) {
  *error_offset = 0;
  *error_rule = 0;
  if (file == nullptr) return Invalid("the file is not open");
  if (rules.size() > kMaxRules) {
    return Invalid("at most " + std::to_string(kMaxRules) + " rules, got " +
                   std::to_string(rules.size()));
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

  std::unique_ptr<LineFilter> filter(new LineFilter(std::move(file), std::move(compiled), threads,
                                                    chunk_bytes, match_limit, options.lines_only));
  {
    std::lock_guard<std::mutex> lock(filter->mutex_);
    filter->AddChunksLocked(0, filter->size_, filter->chunk_bytes_, kMaxChunks);
    if (filter->chunks_.empty()) filter->FinishLocked();
    filter->StartWorkersLocked();
    if (!filter->error_.ok()) return filter->error_;
  }
  *out = std::move(filter);
  return Status::Ok();
}

LineFilter::LineFilter(std::shared_ptr<const FileMapping> file,
                       std::shared_ptr<const RuleSet> rules, unsigned threads, uint64_t chunk_bytes,
                       uint64_t match_limit, bool lines_only)
    : ChunkedScan(std::move(file), threads, "the line filter of "),
      rules_(std::move(rules)),
      chunk_bytes_(chunk_bytes),
      match_limit_(match_limit),
      stride_(lines_only ? 1 : 2) {}

LineFilter::~LineFilter() { Dispose(); }

int LineFilter::LiveWorkerThreadsForTest() { return g_live_workers.load(); }

void LineFilter::WorkerMain() {
  const RuleSet& rules = *rules_;
  std::vector<std::unique_ptr<CompiledLineRule::Scanner>> scanners;
  std::vector<std::vector<uint32_t>> per_rule(rules.compiled.size(),
                                              std::vector<uint32_t>(kWindowLines));
  std::vector<size_t> per_rule_count(rules.compiled.size(), 0);
  std::vector<uint32_t> merge_a(kWindowLines);
  std::vector<uint32_t> merge_b(kWindowLines);
  std::vector<uint32_t> out(2 * kWindowLines);
  std::vector<uint32_t> collected;
  for (const auto& rule : rules.compiled) {
    scanners.push_back(rule->NewScanner(match_limit_, &stop_));
  }

  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_.load() && next_job_ < chunks_.size()) {
    const size_t chunk_index = next_job_++;
    const uint64_t nominal_start = chunks_[chunk_index].start;
    const uint64_t nominal_end = chunks_[chunk_index].end;
    const uint64_t limit = size_;
    std::shared_ptr<const FileMapping> file = file_;
    lock.unlock();

    WindowState state;
    state.base = Bytes(*file);
    state.size = file->size();
    state.scanners = &scanners;
    state.excludes = &rules.excludes;
    state.any_include = rules.any_include;
    state.per_rule = &per_rule;
    state.per_rule_count = &per_rule_count;
    state.merge_a = merge_a.data();
    state.merge_b = merge_b.data();
    state.out = out.data();
    state.stop = &stop_;
    uint64_t region_start = 0;
    uint64_t region_end = 0;
    bool read = guarded([&] {
      region_start = lines::LineStartAtOrAfter(state.base, nominal_start, limit);
      region_end = lines::LineStartAtOrAfter(state.base, nominal_end, limit);
    });
    region_end = std::max(region_end, region_start);
    state.region_start = region_start;
    state.counted_to = region_start;
    collected.clear();
    Status status;
    bool finished = read;
    uint64_t ws = region_start;
    while (read && ws < region_end) {
      uint64_t we = ws;
      RuleOutcome outcome = RuleOutcome::kDone;
      state.out_count = 0;
      read = guarded([&] {
        we = lines::LineStartAtOrAfter(state.base, std::min(region_end, ws + kWindowBytes),
                                       region_end);
        outcome = FilterWindow(&state, ws, we);
      });
      if (!read) break;
      if (outcome != RuleOutcome::kDone) {
        finished = false;
        status = RuleFailure(outcome, state.problem);
        break;
      }
      collected.insert(collected.end(), out.begin(),
                       out.begin() + static_cast<std::ptrdiff_t>(2 * state.out_count));
      ws = we;
    }
    // A last line without a newline is a line too.
    bool last_partial = false;
    if (read && finished && region_end == limit && region_end > region_start) {
      read = guarded([&] { last_partial = state.base[region_end - 1] != '\n'; });
    }
    if (!read) {
      finished = false;
      status = file->FaultWhileAccessing();
    }
    file.reset();

    lock.lock();
    if (!status.ok()) {
      scan::RecordErrorLocked(status, &error_, &stop_);
      break;
    }
    if (!finished || stop_.load()) break;
    Chunk& chunk = chunks_[chunk_index];
    chunk.start = region_start;
    chunk.end = region_end;
    chunk.newlines = state.lines + (last_partial ? 1 : 0);
    if (stride_ == 1) {
      // Lines only: every other number of the (line, offset) pairs, kept at exact capacity.
      std::vector<uint32_t> lines(collected.size() / 2);
      for (size_t i = 0; i < lines.size(); ++i) lines[i] = collected[2 * i];
      chunk.kept = std::move(lines);
    } else {
      chunk.kept = std::vector<uint32_t>(collected.begin(), collected.end());
    }
    chunk.stride = stride_;
    result_bytes_ += chunk.kept.capacity() * sizeof(uint32_t);
    chunk.complete = true;
    AdvancePrefixLocked();
  }
  lock.unlock();
  running_.fetch_sub(1);
  g_live_workers.fetch_sub(1);
}

void LineFilter::AdvancePrefixLocked() {
  while (prefix_ < chunks_.size() && chunks_[prefix_].complete) {
    Chunk& chunk = chunks_[prefix_];
    chunk.lines_before = prefix_lines_;
    chunk.kept_before = prefix_kept_;
    prefix_lines_ += chunk.newlines;
    prefix_kept_ += chunk.count();
    ++prefix_;
  }
  if (prefix_ == chunks_.size() && !done_ && !stop_.load()) FinishLocked();
}

void LineFilter::StartWorkersLocked() {
  ChunkedScan::StartWorkersLocked(&g_live_workers, "filter", [this] { WorkerMain(); });
}

Status LineFilter::Progress(LineFilterProgress* progress) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  FillProgressLocked(progress);
  progress->lines_scanned = prefix_lines_;
  progress->kept_known = prefix_kept_;
  progress->result_bytes = result_bytes_;
  return Status::Ok();
}

Status LineFilter::Results(uint64_t first, uint64_t count, std::vector<uint64_t>* lines,
                           std::vector<uint64_t>* offsets) const {
  lines->clear();
  offsets->clear();
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  if (first < prefix_kept_ && count <= kMaxResultsPerRead) {
    lines->reserve(static_cast<size_t>(std::min(count, prefix_kept_ - first)));
    offsets->reserve(lines->capacity());
  }
  return ForEachInPrefixLocked(
      first, count, prefix_kept_, kMaxResultsPerRead, [](const Chunk& c) { return c.kept_before; },
      [&](const Chunk& chunk, uint64_t first_in_chunk, uint64_t take) {
        for (uint64_t i = first_in_chunk; i < first_in_chunk + take; ++i) {
          lines->push_back(chunk.lines_before + chunk.line(i));
          if (chunk.stride == 2) offsets->push_back(chunk.start + chunk.kept[2 * i + 1]);
        }
        return Status::Ok();
      });
}

Status LineFilter::IndexOfLine(uint64_t line, uint64_t* index) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  *index = IndexOfLineLocked(line);
  return Status::Ok();
}

Status LineFilter::IndexesOfLines(const std::vector<uint64_t>& lines,
                                  std::vector<uint64_t>* indexes) const {
  indexes->clear();
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  indexes->reserve(lines.size());
  for (const uint64_t line : lines) indexes->push_back(IndexOfLineLocked(line));
  return Status::Ok();
}

uint64_t LineFilter::IndexOfLineLocked(uint64_t line) const {
  const auto prefix_end = chunks_.begin() + static_cast<std::ptrdiff_t>(prefix_);
  const auto chunk = std::partition_point(chunks_.begin(), prefix_end, [line](const Chunk& c) {
    return c.lines_before + c.newlines <= line;
  });
  if (chunk == prefix_end) return prefix_kept_;
  const uint64_t relative = line < chunk->lines_before ? 0 : line - chunk->lines_before;
  size_t low = 0;
  size_t high = chunk->count();
  while (low < high) {
    const size_t middle = (low + high) / 2;
    if (chunk->line(middle) < relative) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return chunk->kept_before + low;
}

Status LineFilter::IndexAtOffset(uint64_t offset, uint64_t* index) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  if (stride_ == 1) return Invalid("this line filter keeps line numbers only, no offsets");
  const auto prefix_end = chunks_.begin() + static_cast<std::ptrdiff_t>(prefix_);
  // The last chunk starting at or before `offset`, then the last kept line there at or before it.
  auto chunk = std::partition_point(chunks_.begin(), prefix_end,
                                    [offset](const Chunk& c) { return c.start <= offset; });
  while (chunk != chunks_.begin()) {
    --chunk;
    if (chunk->count() == 0) continue;
    const uint64_t relative = offset - chunk->start;
    size_t low = 0;
    size_t high = chunk->count();
    while (low < high) {
      const size_t middle = (low + high) / 2;
      if (chunk->kept[2 * middle + 1] <= relative) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    if (low > 0) {
      *index = chunk->kept_before + low - 1;
      return Status::Ok();
    }
  }
  *index = UINT64_MAX;
  return Status::Ok();
}

Status LineFilter::Extend(std::shared_ptr<const FileMapping> grown) {
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
    if (!done_) return Status::Fail("EBUSY", "EBUSY: the line filter of " + path_ + " is running");
    if (grown->size() == size_) {
      file_ = std::move(grown);
      return Status::Ok();
    }
    finished.swap(threads_);
  }
  for (std::thread& thread : finished) thread.join();
  std::lock_guard<std::mutex> lock(mutex_);
  if (disposed_) return CheckUsableLocked();
  // A last line without a newline goes on in the new bytes: it is filtered again with them. It
  // is in the last chunk holding any line (chunks after it are empty and go).
  while (!chunks_.empty() && chunks_.back().end == chunks_.back().start) chunks_.pop_back();
  prefix_ = chunks_.size();
  next_job_ = chunks_.size();
  uint64_t from = chunks_.empty() ? 0 : chunks_.back().end;
  if (!chunks_.empty()) {
    Chunk& last = chunks_.back();
    const uint8_t* base = Bytes(*file_);
    uint64_t last_line = last.end;
    const bool read = guarded([&] {
      if (base[last.end - 1] != '\n')
        last_line = lines::LineStartOf(base, last.start, last.end - 1);
    });
    if (!read) {
      error_ = file_->FaultWhileAccessing();
      return error_;
    }
    if (last_line < last.end) {
      // The unterminated last line is the chunk's last line (newlines counted it): drop it if kept.
      std::vector<uint32_t> kept = last.kept;
      const uint64_t partial = last.newlines - 1;
      while (!kept.empty() && kept[kept.size() - last.stride] >= partial) {
        kept.resize(kept.size() - last.stride);
      }
      result_bytes_ -= last.kept.capacity() * sizeof(uint32_t);
      last.kept = std::vector<uint32_t>(kept.begin(), kept.end());
      result_bytes_ += last.kept.capacity() * sizeof(uint32_t);
      last.newlines -= 1;
      last.end = last_line;
      from = last_line;
    }
    prefix_kept_ = last.kept_before + last.count();
    prefix_lines_ = last.lines_before + last.newlines;
  } else {
    prefix_kept_ = 0;
    prefix_lines_ = 0;
  }
  file_ = std::move(grown);
  size_ = file_->size();
  AddChunksLocked(from, size_, chunk_bytes_, kMaxChunks);
  done_ = false;
  StartWorkersLocked();
  return error_;
}

}  // namespace hexlog::core
