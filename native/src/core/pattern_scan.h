// Finding a byte pattern (with optional wildcard mask, ASCII case folding and whole-word
// boundaries) in memory. Pure functions over memory: callers that pass mapped memory run Find
// inside the fault guard (it never allocates).
//
// Speed comes from a "rare bytes" filter: two bytes of the pattern are compared at their offsets
// over 32 or 64 candidate positions at a time (SSE2, or AVX2 when the CPU has it), and only
// positions where both agree are verified against the whole pattern, 8 bytes at a time. The two
// are chosen with a small sample of the file being searched: among the pattern's rarest bytes
// (by their counts in the sample, ties broken by a static table of how common each byte value is
// in logs, text and binaries), the pair that passes at the fewest sample positions.
#ifndef HEXLOG_CORE_PATTERN_SCAN_H_
#define HEXLOG_CORE_PATTERN_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hexlog::core {

struct PatternSpec {
  std::vector<uint8_t> bytes;
  // Empty, or one mask byte per pattern byte: a data byte d matches pattern byte b when
  // (d & mask) == (b & mask), so 0x00 is a wildcard and 0xFF an exact byte.
  std::vector<uint8_t> mask;
  // ASCII folding of each exact (mask 0xFF) letter; every other byte compares as it is, so a
  // UTF-16 query folds too (its 0x00 bytes are unaffected).
  bool case_insensitive = false;
  // The bytes before and after a match must not be ASCII [A-Za-z0-9_] (or be the file's ends).
  bool whole_word = false;
};

// Which scanning loop Find uses. kAuto: AVX2 when the CPU has it, else SSE2 on x86, else scalar.
enum class ScanKernel { kAuto, kSse2, kScalar };

// Test support: forces a kernel for every later Find in this process, so tests cover the loops
// this CPU would not pick. A kernel this build lacks falls back to the next one down.
void SetScanKernelForTest(ScanKernel kernel);
// The kernel tests forced (kAuto unless they did); LiteralSet follows it too.
ScanKernel ScanKernelForTest();

class CompiledPattern {
 public:
  static constexpr size_t kMaxLength = 4096;

  // Checks the spec (length 1..kMaxLength, mask of the same length with at least one non-zero
  // byte) and prepares it, choosing the filter bytes with `sample` (bytes like those to be
  // searched; may be empty); false with a message (no code prefix) otherwise.
  static bool Compile(const PatternSpec& spec, const std::vector<uint8_t>& sample,
                      CompiledPattern* out, std::string* error);
  // Chooses the filter bytes again with another sample. Not while another thread uses Find.
  void ChooseFilter(const std::vector<uint8_t>& sample);

  size_t length() const { return length_; }

  // Non-overlapping matches, greedy from `from`: the first match starting at or after `from`,
  // then the first starting at or after its end, and so on, for match starts below `limit`.
  // `base` holds `size` readable bytes (a match and its word boundaries never read outside them).
  // Writes at most `capacity` offsets into `out` and returns how many. *resume is where the next
  // call continues: the end of the last match when `out` filled up, else max(limit, end of the
  // last match), so a caller that cuts [from, limit) into blocks carries a match across them.
  size_t Find(const uint8_t* base, uint64_t size, uint64_t from, uint64_t limit, uint64_t* out,
              size_t capacity, uint64_t* resume) const;

  // Whether the pattern (and its word boundaries) matches at `position`.
  bool MatchesAt(const uint8_t* base, uint64_t size, uint64_t position) const;

  // A filter byte: data byte d at pattern offset `offset` passes when (d & and_mask) == value.
  struct Anchor {
    size_t offset = 0;
    uint8_t and_mask = 0xFF;
    uint8_t value = 0;
  };
  const Anchor& anchor(int which) const { return anchor_[which]; }
  size_t max_anchor_offset() const { return max_anchor_offset_; }

  // Find without vector instructions (memchr on an exact first anchor). Also finishes the last
  // positions of a vector search, where too few bytes are left for a full load.
  size_t FindScalar(const uint8_t* base, uint64_t size, uint64_t from, uint64_t limit,
                    uint64_t* out, size_t capacity, uint64_t* resume) const;

 private:
  // Offsets of the two filter bytes (equal when only one position can filter).
  void ChooseAnchors(const std::vector<uint8_t>& sample, size_t* first, size_t* second) const;

  template <bool kMasked>
  size_t FindSse2(const uint8_t* base, uint64_t size, uint64_t from, uint64_t limit, uint64_t* out,
                  size_t capacity, uint64_t* resume) const;

  size_t length_ = 0;
  bool whole_word_ = false;
  // Per pattern byte: data byte d matches when (d & and_mask_[i]) == value_[i].
  std::vector<uint8_t> and_mask_;
  std::vector<uint8_t> value_;
  // The same, 8 bytes per word (little-endian loads), zero-padded past the pattern's end.
  std::vector<uint64_t> and_words_;
  std::vector<uint64_t> value_words_;
  Anchor anchor_[2];
  size_t max_anchor_offset_ = 0;
  bool anchors_masked_ = false;  // an anchor needs the AND (case folding or a partial mask)
};

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_PATTERN_SCAN_H_
