// A byte map of a range of a mapped file: the range cut into regions, each given a class and its
// Shannon entropy, plus the byte histogram of the whole range, in one parallel pass.
//
// Classes, decided from the region's own byte histogram, first match wins:
//   zeros         at least 99% of the region's bytes are 0x00;
//   text          at least 95% are printable ASCII (0x20-0x7E) or tab, LF, CR;
//   high entropy  the region's entropy, corrected for its size (Miller-Madow: plus (K - 1) / (2 N
//   ln 2)
//                 for K distinct byte values in N bytes), is at least 7.2 bits per byte: compressed
//                 or encrypted data. Without the correction, 256 random bytes measure only ~7.2
//                 bits on average, so small regions of random data would be missed half the time; a
//                 region under ~150 bytes cannot reach it at all (it has at most N distinct
//                 values);
//   other         anything else (code, tables, mixed data).
// Entropy is -sum(p * log2 p) over the region's 256 byte frequencies, from 0 to 8 bits per byte.
//
// Regions: `region_bytes` each (the last one shorter), or, when 0, the range cut into at most
// `max_regions` equal regions of at least one byte. Workers take groups of whole regions (about a
// chunk's worth of bytes), so a region's figures never depend on the threads.
#ifndef HEXLOG_CORE_BYTE_MAP_H_
#define HEXLOG_CORE_BYTE_MAP_H_

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/chunked_scan.h"
#include "core/mapped_file.h"
#include "core/status.h"

namespace hexlog::core {

enum class ByteClass : uint8_t { kZeros = 0, kText = 1, kHighEntropy = 2, kOther = 3 };
// The class of a region not scanned yet.
inline constexpr uint8_t kByteClassPending = 255;

struct ByteMapOptions {
  unsigned threads = 0;       // 0: hardware concurrency, at most 2
  uint64_t region_bytes = 0;  // 0: the range over at most max_regions regions
  uint64_t max_regions = 0;   // 0: kDefaultRegions
};

struct ByteMapProgress {
  uint64_t bytes_scanned = 0;  // bytes of the range in finished regions
  uint64_t total_bytes = 0;    // the range's length
  bool done = false;
  bool cancelled = false;
  Status error;  // EFILECHANGED; terminal
  unsigned workers_running = 0;
};

struct ByteMapResult {
  uint64_t from = 0;
  uint64_t to = 0;
  uint64_t region_bytes = 0;
  std::vector<uint8_t> classes;           // one ByteClass a region, kByteClassPending until scanned
  std::vector<float> entropy;             // bits per byte, NaN until scanned
  std::array<uint64_t, 256> histogram{};  // of the finished regions
};

// The figures of one region from its byte histogram (exposed for tests and the naive check).
double EntropyOfHistogram(const uint64_t* histogram, uint64_t total);
// The entropy the high-entropy class is decided by: `entropy` with the Miller-Madow correction.
double EntropyForClass(const uint64_t* histogram, uint64_t total, double entropy);
ByteClass ClassOfHistogram(const uint64_t* histogram, uint64_t total, double entropy);

struct ByteMapChunk {
  uint64_t start = 0;  // bytes [start, end): regions [first_region, end_region)
  uint64_t end = 0;
  uint64_t first_region = 0;
  uint64_t end_region = 0;
  bool complete = false;
  size_t count() const { return 0; }
};

class ByteMap : public scan::ChunkedScan<ByteMapChunk> {
 public:
  static constexpr uint64_t kDefaultRegions = 4096;
  static constexpr uint64_t kMaxRegions = 1ULL << 20;
  static constexpr unsigned kMaxThreads = 64;
  static constexpr uint64_t kChunkBytes = 4ULL << 20;
  static constexpr double kHighEntropyBits = 7.2;

  // EINVAL for a range outside the mapping or a region size giving more than kMaxRegions regions.
  // Starts at once.
  static Status Create(std::shared_ptr<const FileMapping> file, uint64_t from, uint64_t to,
                       const ByteMapOptions& options, std::unique_ptr<ByteMap>* out);
  ~ByteMap();
  ByteMap(const ByteMap&) = delete;
  ByteMap& operator=(const ByteMap&) = delete;

  // For one owner thread; each is safe against the workers. ECLOSED after Dispose.
  Status Progress(ByteMapProgress* progress) const;
  // What is known so far (everything once done).
  Status Result(ByteMapResult* result) const;
  // Cancel and Dispose: ChunkedScan's.

  static int LiveWorkerThreadsForTest();

 private:
  using Chunk = ByteMapChunk;
  ByteMap(std::shared_ptr<const FileMapping> file, uint64_t from, uint64_t to,
          uint64_t region_bytes, uint64_t regions, unsigned threads);
  void WorkerMain();

  const uint64_t from_;
  const uint64_t to_;
  const uint64_t region_bytes_;
  uint64_t bytes_done_ = 0;
  std::vector<uint8_t> classes_;
  std::vector<float> entropy_;
  std::array<uint64_t, 256> histogram_{};
};

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_BYTE_MAP_H_
