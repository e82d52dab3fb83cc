#include "core/byte_map.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "core/fault_guard.h"

namespace hexlog::core {

namespace {

std::atomic<int> g_live_workers{0};

using scan::Bytes;
using scan::Invalid;

// Counts `length` bytes into four interleaved tables (fewer store-to-load stalls on runs of one
// byte value). At most 2^32 - 1 bytes a call, so a count fits 32 bits.
void CountBytes(const uint8_t* bytes, uint64_t length, uint32_t (*tables)[256]) {
  uint64_t i = 0;
  for (; i + 8 <= length; i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes + i, sizeof word);
    ++tables[0][word & 0xFF];
    ++tables[1][(word >> 8) & 0xFF];
    ++tables[2][(word >> 16) & 0xFF];
    ++tables[3][(word >> 24) & 0xFF];
    ++tables[0][(word >> 32) & 0xFF];
    ++tables[1][(word >> 40) & 0xFF];
    ++tables[2][(word >> 48) & 0xFF];
    ++tables[3][word >> 56];
  }
  for (; i < length; ++i) ++tables[0][bytes[i]];
}

}  // namespace

double EntropyOfHistogram(const uint64_t* histogram, uint64_t total) {
  if (total == 0) return 0;
  const double inverse = 1.0 / static_cast<double>(total);
  double entropy = 0;
  for (int b = 0; b < 256; ++b) {
    if (histogram[b] == 0) continue;
    const double p = static_cast<double>(histogram[b]) * inverse;
    entropy -= p * std::log2(p);
  }
  return std::max(0.0, std::min(8.0, entropy));
}

double EntropyForClass(const uint64_t* histogram, uint64_t total, double entropy) {
  if (total == 0) return 0;
  int distinct = 0;
  for (int b = 0; b < 256; ++b) distinct += histogram[b] != 0 ? 1 : 0;
  // Miller-Madow: the plug-in estimate falls short by about (K - 1) / (2 N ln 2) bits.
  const double correction = (distinct - 1) / (2.0 * static_cast<double>(total) * std::log(2.0));
  return std::min(8.0, entropy + correction);
}

ByteClass ClassOfHistogram(const uint64_t* histogram, uint64_t total, double entropy) {
  if (total == 0) return ByteClass::kOther;
  // Integer thresholds: count * 100 >= total * 99, exact for any total below 2^57.
  if (histogram[0] * 100 >= total * 99) return ByteClass::kZeros;
  uint64_t printable = histogram['\t'] + histogram['\n'] + histogram['\r'];
  for (int b = 0x20; b <= 0x7E; ++b) printable += histogram[b];
  if (printable * 100 >= total * 95) return ByteClass::kText;
  if (EntropyForClass(histogram, total, entropy) >= ByteMap::kHighEntropyBits) {
    return ByteClass::kHighEntropy;
  }
  return ByteClass::kOther;
}

Status ByteMap::Create(std::shared_ptr<const FileMapping> file, uint64_t from, uint64_t to,
                       const ByteMapOptions& options, std::unique_ptr<ByteMap>* out) {
  if (file == nullptr) return Invalid("the file is not open");
  const uint64_t size = file->size();
  if (from > to || to > size) {
    return Invalid("the range must be within the file's " + std::to_string(size) + " bytes, got " +
                   std::to_string(from) + ".." + std::to_string(to));
  }
  const unsigned threads = options.threads == 0 ? scan::DefaultThreadCount(2) : options.threads;
  Status threads_ok = scan::CheckThreadCount(threads, kMaxThreads);
  if (!threads_ok.ok()) return threads_ok;
  const uint64_t max_regions = options.max_regions == 0 ? kDefaultRegions : options.max_regions;
  if (max_regions > kMaxRegions) {
    return Invalid("maxRegions must be from 1 to " + std::to_string(kMaxRegions) + ", got " +
                   std::to_string(max_regions));
  }
  const uint64_t length = to - from;
  uint64_t region_bytes = options.region_bytes;
  if (region_bytes == 0)
    region_bytes = std::max<uint64_t>(1, (length + max_regions - 1) / max_regions);
  const uint64_t regions = (length + region_bytes - 1) / region_bytes;
  if (regions > kMaxRegions) {
    return Invalid("regionBytes " + std::to_string(region_bytes) + " gives " +
                   std::to_string(regions) + " regions, above the limit of " +
                   std::to_string(kMaxRegions));
  }
  std::unique_ptr<ByteMap> map(
      new ByteMap(std::move(file), from, to, region_bytes, regions, threads));
  {
    std::lock_guard<std::mutex> lock(map->mutex_);
    // Chunks of whole regions, about kChunkBytes each.
    const uint64_t per_chunk = std::max<uint64_t>(1, kChunkBytes / region_bytes);
    for (uint64_t first = 0; first < regions; first += per_chunk) {
      Chunk chunk;
      chunk.first_region = first;
      chunk.end_region = std::min(regions, first + per_chunk);
      chunk.start = from + first * region_bytes;
      chunk.end = std::min(to, from + chunk.end_region * region_bytes);
      map->chunks_.push_back(chunk);
    }
    if (map->chunks_.empty()) map->FinishLocked();
    map->StartWorkersLocked(&g_live_workers, "map the bytes of",
                            [raw = map.get()] { raw->WorkerMain(); });
    if (!map->error_.ok()) return map->error_;
  }
  *out = std::move(map);
  return Status::Ok();
}

ByteMap::ByteMap(std::shared_ptr<const FileMapping> file, uint64_t from, uint64_t to,
                 uint64_t region_bytes, uint64_t regions, unsigned threads)
    : ChunkedScan(std::move(file), threads, "the byte map of "),
      from_(from),
      to_(to),
      region_bytes_(region_bytes),
      classes_(regions, kByteClassPending),
      entropy_(regions, std::numeric_limits<float>::quiet_NaN()) {}

ByteMap::~ByteMap() { Dispose(); }

int ByteMap::LiveWorkerThreadsForTest() { return g_live_workers.load(); }

void ByteMap::WorkerMain() {
  std::vector<uint8_t> classes;
  std::vector<float> entropy;
  std::array<uint64_t, 256> chunk_histogram{};
  std::array<uint64_t, 256> region_histogram{};
  uint32_t tables[4][256];

  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_.load() && next_job_ < chunks_.size()) {
    const size_t chunk_index = next_job_++;
    const Chunk job = chunks_[chunk_index];
    std::shared_ptr<const FileMapping> file = file_;
    lock.unlock();

    const uint8_t* base = Bytes(*file);
    classes.clear();
    entropy.clear();
    chunk_histogram.fill(0);
    bool read = true;
    bool stopped = false;
    for (uint64_t region = job.first_region; region < job.end_region && read; ++region) {
      const uint64_t region_start = from_ + region * region_bytes_;
      const uint64_t region_end = std::min(to_, region_start + region_bytes_);
      region_histogram.fill(0);
      for (uint64_t at = region_start; at < region_end;) {
        if (stop_.load()) {
          stopped = true;
          break;
        }
        const uint64_t block_end = std::min(region_end, at + scan::kScanBlock);
        std::memset(tables, 0, sizeof tables);
        read = guarded([&] { CountBytes(base + at, block_end - at, tables); });
        if (!read) break;
        for (int b = 0; b < 256; ++b) {
          region_histogram[b] +=
              uint64_t{tables[0][b]} + tables[1][b] + tables[2][b] + tables[3][b];
        }
        at = block_end;
      }
      if (stopped || !read) break;
      const uint64_t total = region_end - region_start;
      const double bits = EntropyOfHistogram(region_histogram.data(), total);
      classes.push_back(
          static_cast<uint8_t>(ClassOfHistogram(region_histogram.data(), total, bits)));
      entropy.push_back(static_cast<float>(bits));
      for (int b = 0; b < 256; ++b) chunk_histogram[b] += region_histogram[b];
    }
    const Status status = read ? Status::Ok() : file->FaultWhileAccessing();
    file.reset();

    lock.lock();
    if (!status.ok()) {
      scan::RecordErrorLocked(status, &error_, &stop_);
      break;
    }
    if (stopped || stop_.load()) break;
    std::copy(classes.begin(), classes.end(), classes_.begin() + job.first_region);
    std::copy(entropy.begin(), entropy.end(), entropy_.begin() + job.first_region);
    for (int b = 0; b < 256; ++b) histogram_[b] += chunk_histogram[b];
    bytes_done_ += job.end - job.start;
    chunks_[chunk_index].complete = true;
    while (prefix_ < chunks_.size() && chunks_[prefix_].complete) ++prefix_;
    if (prefix_ == chunks_.size() && !done_ && !stop_.load()) FinishLocked();
  }
  lock.unlock();
  running_.fetch_sub(1);
  g_live_workers.fetch_sub(1);
}

Status ByteMap::Progress(ByteMapProgress* progress) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  FillProgressLocked(progress);
  progress->bytes_scanned = bytes_done_;
  progress->total_bytes = to_ - from_;
  return Status::Ok();
}

Status ByteMap::Result(ByteMapResult* result) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  result->from = from_;
  result->to = to_;
  result->region_bytes = region_bytes_;
  result->classes = classes_;
  result->entropy = entropy_;
  result->histogram = histogram_;
  return Status::Ok();
}

}  // namespace hexlog::core
