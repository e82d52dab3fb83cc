#include "core/strings_scan.h"

#include <algorithm>
#include <atomic>
#include <numeric>
#include <string>
#include <utility>

#include "core/fault_guard.h"

namespace hexlog::core {

namespace {

std::atomic<int> g_live_workers{0};

using scan::Bytes;
using scan::Invalid;

constexpr uint64_t kMaxChunks = 1ULL << 20;
// Bytes scanned between checks of the stop flag; a window closes at most two runs a byte.
constexpr uint64_t kWindowBytes = 64ULL << 10;
constexpr size_t kWindowResults = 2 * kWindowBytes + 4;

inline bool IsStringByte(uint8_t byte) { return byte == '\t' || (byte >= 0x20 && byte <= 0x7E); }

struct Run {
  bool open = false;
  bool foreign = false;  // started before the chunk: not ours to report
  uint64_t start = 0;
};

// Where a chunk's scan stands, and what a window found (written without allocating, as the
// guarded body must).
struct ScanState {
  const uint8_t* base = nullptr;
  uint64_t size = 0;
  uint64_t min_length = 0;
  bool ascii = false;
  bool utf16 = false;
  Run ascii_run;
  Run utf16_runs[2];  // by the parity of the offset
  uint64_t* out_offsets = nullptr;
  uint64_t* out_lengths = nullptr;
  uint8_t* out_encodings = nullptr;
  size_t out_count = 0;

  bool Utf16UnitAt(uint64_t p) const {
    return p + 1 < size && IsStringByte(base[p]) && base[p + 1] == 0;
  }
  void Emit(uint64_t offset, uint64_t length, uint8_t encoding) {
    out_offsets[out_count] = offset;
    out_lengths[out_count] = length;
    out_encodings[out_count] = encoding;
    ++out_count;
  }
  void CloseAscii(uint64_t at) {
    if (!ascii_run.foreign && at - ascii_run.start >= min_length) {
      Emit(ascii_run.start, at - ascii_run.start, kStringAscii);
    }
    ascii_run.open = false;
  }
  void CloseUtf16(Run* run, uint64_t at) {
    const uint64_t units = (at - run->start) / 2;
    if (!run->foreign && units >= min_length) Emit(run->start, 2 * units, kStringUtf16le);
    run->open = false;
  }
  bool AnyOpen() const {
    return (ascii && ascii_run.open) || (utf16 && (utf16_runs[0].open || utf16_runs[1].open));
  }

  // ASCII alone: tight loops over the bytes outside a run, then over the run.
  void ScanAsciiOnly(uint64_t from, uint64_t to, uint64_t open_limit) {
    uint64_t p = from;
    while (p < to) {
      if (ascii_run.open) {
        while (p < to && IsStringByte(base[p])) ++p;
        if (p < to) CloseAscii(p++);
      } else {
        while (p < to && !IsStringByte(base[p])) ++p;
        if (p >= to || p >= open_limit) break;
        ascii_run = Run{true, false, p++};
      }
    }
    if (to == size && ascii_run.open) CloseAscii(size);
  }

  // Scans [from, to); runs may only start below open_limit. At the file's end closes what is open.
  void Scan(uint64_t from, uint64_t to, uint64_t open_limit) {
    if (ascii && !utf16) return ScanAsciiOnly(from, to, open_limit);
    for (uint64_t p = from; p < to; ++p) {
      const bool may_open = p < open_limit;
      if (ascii) {
        const bool in = IsStringByte(base[p]);
        if (in && !ascii_run.open && may_open) {
          ascii_run = Run{true, false, p};
        } else if (!in && ascii_run.open) {
          CloseAscii(p);
        }
      }
      if (utf16) {
        Run& run = utf16_runs[p & 1];
        const bool in = Utf16UnitAt(p);
        if (in && !run.open && may_open) {
          run = Run{true, false, p};
        } else if (!in && run.open) {
          CloseUtf16(&run, p);
        }
      }
    }
    if (to == size) {
      if (ascii && ascii_run.open) CloseAscii(size);
      for (Run& run : utf16_runs) {
        if (utf16 && run.open) CloseUtf16(&run, size);
      }
    }
  }
};

}  // namespace

Status StringsScan::Create(std::shared_ptr<const FileMapping> file, uint64_t min_length,
                           uint8_t encodings, const StringsScanOptions& options,
                           std::unique_ptr<StringsScan>* out) {
  if (file == nullptr) return Invalid("the file is not open");
  if (min_length < 1 || min_length > kMaxMinLength) {
    return Invalid("minLength must be from 1 to " + std::to_string(kMaxMinLength) + ", got " +
                   std::to_string(min_length));
  }
  if (encodings == 0 || (encodings & ~(kStringAscii | kStringUtf16le)) != 0) {
    return Invalid("encodings must be ASCII, UTF-16LE or both");
  }
  const unsigned threads = options.threads == 0 ? scan::DefaultThreadCount(2) : options.threads;
  Status threads_ok = scan::CheckThreadCount(threads, kMaxThreads);
  if (!threads_ok.ok()) return threads_ok;
  const uint64_t chunk_bytes = options.chunk_bytes == 0 ? kDefaultChunkBytes : options.chunk_bytes;
  if (chunk_bytes > kMaxChunkBytes) {
    return Invalid("chunkBytes must be from 1 to " + std::to_string(kMaxChunkBytes) + ", got " +
                   std::to_string(chunk_bytes));
  }
  const uint64_t max_results = options.max_results == 0 ? kDefaultMaxResults : options.max_results;
  std::unique_ptr<StringsScan> scan(
      new StringsScan(std::move(file), min_length, encodings, threads, max_results));
  {
    std::lock_guard<std::mutex> lock(scan->mutex_);
    scan->AddChunksLocked(0, scan->size_, chunk_bytes, kMaxChunks);
    if (scan->chunks_.empty()) scan->FinishLocked();
    scan->StartWorkersLocked(&g_live_workers, "find the strings of",
                             [raw = scan.get()] { raw->WorkerMain(); });
    if (!scan->error_.ok()) return scan->error_;
  }
  *out = std::move(scan);
  return Status::Ok();
}

StringsScan::StringsScan(std::shared_ptr<const FileMapping> file, uint64_t min_length,
                         uint8_t encodings, unsigned threads, uint64_t max_results)
    : ChunkedScan(std::move(file), threads, "the strings of "),
      min_length_(min_length),
      encodings_(encodings),
      max_results_(max_results) {}

StringsScan::~StringsScan() { Dispose(); }

int StringsScan::LiveWorkerThreadsForTest() { return g_live_workers.load(); }

void StringsScan::WorkerMain() {
  std::vector<uint64_t> out_offsets(kWindowResults);
  std::vector<uint64_t> out_lengths(kWindowResults);
  std::vector<uint8_t> out_encodings(kWindowResults);
  std::vector<uint32_t> offsets;
  std::vector<uint64_t> lengths;
  std::vector<uint8_t> encodings;

  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_.load() && next_job_ < chunks_.size()) {
    const size_t chunk_index = next_job_++;
    const uint64_t start = chunks_[chunk_index].start;
    const uint64_t end = chunks_[chunk_index].end;
    std::shared_ptr<const FileMapping> file = file_;
    lock.unlock();

    ScanState state;
    state.base = Bytes(*file);
    state.size = file->size();
    state.min_length = min_length_;
    state.ascii = (encodings_ & kStringAscii) != 0;
    state.utf16 = (encodings_ & kStringUtf16le) != 0;
    state.out_offsets = out_offsets.data();
    state.out_lengths = out_lengths.data();
    state.out_encodings = out_encodings.data();
    offsets.clear();
    lengths.clear();
    encodings.clear();
    // A run going on from before the chunk is the chunk before's.
    bool read = guarded([&] {
      if (start == 0) return;
      if (state.ascii && IsStringByte(state.base[start - 1])) state.ascii_run = Run{true, true, 0};
      if (state.utf16) {
        if (start >= 2 && state.Utf16UnitAt(start - 2))
          state.utf16_runs[start & 1] = Run{true, true, 0};
        if (state.Utf16UnitAt(start - 1)) state.utf16_runs[(start - 1) & 1] = Run{true, true, 0};
      }
    });
    bool stopped = false;
    for (uint64_t at = start; read && (at < end || (state.AnyOpen() && at < state.size));) {
      if (stop_.load()) {
        stopped = true;
        break;
      }
      const uint64_t window_end = std::min(state.size, at + kWindowBytes);
      const uint64_t to = at < end ? std::min(end, window_end) : window_end;
      state.out_count = 0;
      read = guarded([&] { state.Scan(at, to, end); });
      if (!read) break;
      for (size_t i = 0; i < state.out_count; ++i) {
        offsets.push_back(static_cast<uint32_t>(out_offsets[i] - start));
        lengths.push_back(out_lengths[i]);
        encodings.push_back(out_encodings[i]);
      }
      at = to;
    }
    const Status status = read ? Status::Ok() : file->FaultWhileAccessing();
    file.reset();
    // Runs of the two lanes close out of order: sort the chunk's strings by offset.
    if (state.utf16 && !std::is_sorted(offsets.begin(), offsets.end())) {
      std::vector<uint32_t> order(offsets.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](uint32_t a, uint32_t b) { return offsets[a] < offsets[b]; });
      std::vector<uint32_t> sorted_offsets(order.size());
      std::vector<uint64_t> sorted_lengths(order.size());
      std::vector<uint8_t> sorted_encodings(order.size());
      for (size_t i = 0; i < order.size(); ++i) {
        sorted_offsets[i] = offsets[order[i]];
        sorted_lengths[i] = lengths[order[i]];
        sorted_encodings[i] = encodings[order[i]];
      }
      offsets.swap(sorted_offsets);
      lengths.swap(sorted_lengths);
      encodings.swap(sorted_encodings);
    }

    lock.lock();
    if (!status.ok()) {
      scan::RecordErrorLocked(status, &error_, &stop_);
      break;
    }
    if (stopped || stop_.load()) break;
    Chunk& chunk = chunks_[chunk_index];
    chunk.offsets.assign(offsets.begin(), offsets.end());
    chunk.lengths.assign(lengths.begin(), lengths.end());
    chunk.encodings.assign(encodings.begin(), encodings.end());
    chunk.complete = true;
    while (prefix_ < chunks_.size() && chunks_[prefix_].complete && !truncated_) {
      Chunk& next = chunks_[prefix_];
      next.before = prefix_count_;
      prefix_count_ += next.count();
      ++prefix_;
      if (prefix_count_ >= max_results_) {
        truncated_ = true;
        done_ = true;
        stop_.store(true);
      }
    }
    if (prefix_ == chunks_.size() && !done_ && !stop_.load()) FinishLocked();
  }
  lock.unlock();
  running_.fetch_sub(1);
  g_live_workers.fetch_sub(1);
}

Status StringsScan::Progress(StringsProgress* progress) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  FillProgressLocked(progress);
  if (truncated_) progress->bytes_scanned = KnownEndLocked();
  progress->strings_known = std::min(prefix_count_, max_results_);
  progress->truncated = truncated_;
  return Status::Ok();
}

Status StringsScan::Read(uint64_t first, uint64_t count, uint64_t max_preview,
                         StringsPage* page) const {
  *page = StringsPage();
  if (max_preview > kMaxPreview) {
    return Status::Fail(codes::kRange, "ERANGE: maxPreview " + std::to_string(max_preview) +
                                           " is above the limit of " + std::to_string(kMaxPreview));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  const uint64_t known = std::min(prefix_count_, max_results_);
  status = ForEachInPrefixLocked(
      first, count, known, kMaxResultsPerRead, [](const Chunk& c) { return c.before; },
      [&](const Chunk& chunk, uint64_t first_in_chunk, uint64_t take) {
        for (uint64_t i = first_in_chunk; i < first_in_chunk + take; ++i) {
          page->offsets.push_back(chunk.start + chunk.offsets[i]);
          page->lengths.push_back(chunk.lengths[i]);
          page->encodings.push_back(chunk.encodings[i]);
        }
        return Status::Ok();
      });
  if (!status.ok()) return status;
  // The previews: sized first, then copied under the guard (which must not allocate).
  const size_t n = page->offsets.size();
  page->preview_ends.resize(n);
  uint64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t unit = page->encodings[i] == kStringUtf16le ? 2 : 1;
    total += std::min(max_preview, page->lengths[i] / unit);
    page->preview_ends[i] = static_cast<uint32_t>(total);
  }
  page->preview.resize(static_cast<size_t>(total));
  const uint8_t* base = Bytes(*file_);
  const bool read = guarded([&] {
    size_t at = 0;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t unit = page->encodings[i] == kStringUtf16le ? 2 : 1;
      const size_t chars = page->preview_ends[i] - at;
      const uint8_t* source = base + page->offsets[i];
      for (size_t c = 0; c < chars; ++c) page->preview[at + c] = source[c * unit];
      at += chars;
    }
  });
  if (!read) {
    const Status changed = file_->FaultWhileAccessing();
    *page = StringsPage();
    return changed;
  }
  return Status::Ok();
}

Status StringsScan::IndexAtOffset(uint64_t offset, uint64_t* index) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  const uint64_t known = std::min(prefix_count_, max_results_);
  const auto prefix_end = chunks_.begin() + static_cast<std::ptrdiff_t>(prefix_);
  const auto chunk = std::partition_point(chunks_.begin(), prefix_end,
                                          [offset](const Chunk& c) { return c.end <= offset; });
  if (chunk == prefix_end) {
    *index = known;
    return Status::Ok();
  }
  const uint64_t relative = offset < chunk->start ? 0 : offset - chunk->start;
  const auto in_chunk = std::lower_bound(chunk->offsets.begin(), chunk->offsets.end(), relative,
                                         [](uint32_t a, uint64_t b) { return a < b; });
  *index =
      std::min(known, chunk->before + static_cast<uint64_t>(in_chunk - chunk->offsets.begin()));
  return Status::Ok();
}

}  // namespace hexlog::core
