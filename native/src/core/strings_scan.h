// Strings of a mapped file, as GNU `strings -a -n N` finds them, in one parallel pass:
//   ASCII     maximal runs of bytes 0x20-0x7E or tab, at least N bytes long (`strings -n N`);
//   UTF-16LE  maximal runs of 2-byte units whose low byte is 0x20-0x7E or tab and whose high byte
//   is
//             0x00, at least N units long, at any byte offset (`strings -n N -e l`). Such a unit
//             never overlaps another one a byte away (one holds 0x00 where the other needs a
//             printable byte), so the runs of the even and the odd offsets are found side by side.
// A run belongs to the chunk it starts in; a worker reads past its chunk's end to finish its last
// run, and skips a run that started before its chunk. Results are kept per chunk (offset within
// the chunk, length, encoding), sorted by offset, and read by index over the contiguous prefix of
// finished chunks, so what has been read never changes.
#ifndef HEXLOG_CORE_STRINGS_SCAN_H_
#define HEXLOG_CORE_STRINGS_SCAN_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "core/chunked_scan.h"
#include "core/mapped_file.h"
#include "core/status.h"

namespace hexlog::core {

enum StringEncodingBits : uint8_t { kStringAscii = 1, kStringUtf16le = 2 };

struct StringsScanOptions {
  unsigned threads = 0;      // 0: hardware concurrency, at most 2
  uint64_t chunk_bytes = 0;  // 0: kDefaultChunkBytes
  uint64_t max_results = 0;  // 0: kDefaultMaxResults; the scan stops there, `truncated`
};

struct StringsProgress {
  uint64_t bytes_scanned = 0;  // end of the contiguous scanned prefix
  uint64_t total_bytes = 0;
  uint64_t strings_known = 0;  // strings starting in that prefix: final and in order
  bool truncated = false;      // stopped at max_results
  bool done = false;
  bool cancelled = false;
  Status error;  // EFILECHANGED; terminal
  unsigned workers_running = 0;
};

// Strings [first, first + count): offset, length in bytes (2 a unit for UTF-16LE), encoding (one
// StringEncodingBits value), and up to max_preview characters of each (UTF-16LE units as their low
// byte), concatenated in `preview` with preview_ends[i] where string i's end.
struct StringsPage {
  std::vector<uint64_t> offsets;
  std::vector<uint64_t> lengths;
  std::vector<uint8_t> encodings;
  std::vector<uint8_t> preview;
  std::vector<uint32_t> preview_ends;
};

struct StringsChunk {
  uint64_t start = 0;
  uint64_t end = 0;
  bool complete = false;
  uint64_t before = 0;            // strings in the chunks before
  std::vector<uint32_t> offsets;  // from start
  std::vector<uint64_t> lengths;
  std::vector<uint8_t> encodings;
  size_t count() const { return offsets.size(); }
};

class StringsScan : public scan::ChunkedScan<StringsChunk> {
 public:
  static constexpr uint64_t kDefaultChunkBytes = 4ULL << 20;
  static constexpr uint64_t kMaxChunkBytes = 1ULL << 30;
  static constexpr unsigned kMaxThreads = 64;
  static constexpr uint64_t kMaxMinLength = 1ULL << 20;
  static constexpr uint64_t kDefaultMaxResults = 1ULL << 24;
  static constexpr uint64_t kMaxResultsPerRead = 1ULL << 16;
  static constexpr uint64_t kMaxPreview = 4096;

  // EINVAL for min_length outside 1..kMaxMinLength or no encoding. Starts at once.
  static Status Create(std::shared_ptr<const FileMapping> file, uint64_t min_length,
                       uint8_t encodings, const StringsScanOptions& options,
                       std::unique_ptr<StringsScan>* out);
  ~StringsScan();
  StringsScan(const StringsScan&) = delete;
  StringsScan& operator=(const StringsScan&) = delete;

  // For one owner thread; each is safe against the workers. ECLOSED after Dispose.
  Status Progress(StringsProgress* progress) const;
  // ERANGE above kMaxResultsPerRead or kMaxPreview; EFILECHANGED if the previews' bytes are gone.
  Status Read(uint64_t first, uint64_t count, uint64_t max_preview, StringsPage* page) const;
  // The index of the first string starting at or after `offset` (strings_known if none yet).
  Status IndexAtOffset(uint64_t offset, uint64_t* index) const;

  static int LiveWorkerThreadsForTest();

 private:
  using Chunk = StringsChunk;
  StringsScan(std::shared_ptr<const FileMapping> file, uint64_t min_length, uint8_t encodings,
              unsigned threads, uint64_t max_results);
  void WorkerMain();

  const uint64_t min_length_;
  const uint8_t encodings_;
  const uint64_t max_results_;
  uint64_t prefix_count_ = 0;
  bool truncated_ = false;
};

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_STRINGS_SCAN_H_
