#include "core/pattern_scan.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define HEXLOG_PATTERN_SSE2 1
#endif
#if defined(HEXLOG_PATTERN_SSE2) && defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define HEXLOG_PATTERN_AVX2 1
#endif

namespace hexlog::core {

namespace {

// Byte values from most to least common in what hexlog opens (logs, text, source, binaries). The
// order only has to be roughly right: it picks which pattern bytes to filter on.
constexpr char kCommonFirst[] =
    " etaoinsrhldcum\n0123fpgwy.,-456789:bvk=_/\"()\t\rxETASIRONCDLMP'"
    ";[]{}jqzBFGHUWYKVJQXZ*#><+!?&@%$|\\~^`";

// rank[b]: higher is more common.
std::array<int, 256> BuildByteRanks() {
  std::array<int, 256> rank{};
  // Least common first, so later assignments get higher ranks: high bytes, then controls, then
  // 0xFF and 0x00 (padding in binaries and UTF-16 text), then the printable list above.
  int next = 0;
  for (int b = 0xFE; b >= 0x80; --b) rank[b] = next++;
  for (int b = 0x7F; b >= 0x01; --b) {
    if (b >= 0x20 && b < 0x7F) continue;
    if (b == '\n' || b == '\t' || b == '\r') continue;
    rank[b] = next++;
  }
  // Printable bytes missing from the list (none today) rank just above the controls.
  for (int b = 0x20; b < 0x7F; ++b) {
    if (std::strchr(kCommonFirst, b) == nullptr) rank[b] = next++;
  }
  rank[0xFF] = next++;
  rank[0x00] = next++;
  const size_t listed = sizeof kCommonFirst - 1;
  for (size_t i = listed; i > 0; --i) rank[static_cast<uint8_t>(kCommonFirst[i - 1])] = next++;
  return rank;
}

const std::array<int, 256>& ByteRanks() {
  static const std::array<int, 256> ranks = BuildByteRanks();
  return ranks;
}

bool IsAsciiLetter(uint8_t byte) {
  const uint8_t lower = byte | 0x20;
  return lower >= 'a' && lower <= 'z';
}

bool IsWordByte(uint8_t byte) {
  return IsAsciiLetter(byte) || (byte >= '0' && byte <= '9') || byte == '_';
}

// How common each byte value is expected to be: its count in the sample, ties broken by the
// static rank (which alone decides without a sample).
std::array<uint64_t, 256> ByteWeights(const std::vector<uint8_t>& sample) {
  std::array<uint64_t, 256> counts{};
  for (const uint8_t byte : sample) ++counts[byte];
  const std::array<int, 256>& rank = ByteRanks();
  std::array<uint64_t, 256> weights{};
  for (int b = 0; b < 256; ++b) weights[b] = counts[b] * 256 + static_cast<uint64_t>(rank[b]);
  return weights;
}

// How common the data bytes an (and_mask, value) test accepts are; lower is a better filter.
uint64_t Commonness(const std::array<uint64_t, 256>& weights, uint8_t and_mask, uint8_t value) {
  if (and_mask == 0xFF) return weights[value];
  uint64_t total = 0;  // a case-folded letter or a partial mask accepts several values
  for (int b = 0; b < 256; ++b) {
    if ((b & and_mask) == value) total += weights[b];
  }
  return total;
}

int CountTrailingZeros(uint64_t mask) { return __builtin_ctzll(mask); }

#if defined(HEXLOG_PATTERN_AVX2) || defined(HEXLOG_PATTERN_SSE2)
// One vector step's candidates (bit i: a match may start at position + i), verified left to
// right: each match goes to out[(*count)++] and drops the candidates it covers. False when `out`
// is full (*resume is then the end of that match); otherwise *next is where the next step starts:
// position + step, or the end of a match that reaches past the step.
inline bool VerifyCandidates(const CompiledPattern& pattern, const uint8_t* base, uint64_t size,
                             uint64_t position, uint64_t step, uint64_t candidates, uint64_t* out,
                             size_t capacity, size_t* count, uint64_t* last_end, uint64_t* next,
                             uint64_t* resume) {
  const size_t length = pattern.length();
  *next = position + step;
  while (candidates != 0) {
    const uint64_t candidate = position + static_cast<uint64_t>(CountTrailingZeros(candidates));
    if (!pattern.MatchesAt(base, size, candidate)) {
      candidates &= candidates - 1;
      continue;
    }
    out[(*count)++] = candidate;
    const uint64_t match_end = candidate + length;
    *last_end = match_end;
    if (*count == capacity) {
      *resume = match_end;
      return false;
    }
    if (match_end >= position + step) {
      *next = match_end;
      break;
    }
    candidates &= ~uint64_t{0} << (match_end - position);  // no overlap with this match
  }
  return true;
}
#endif

std::atomic<ScanKernel> g_kernel{ScanKernel::kAuto};

#if defined(HEXLOG_PATTERN_AVX2)
bool CpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

}  // namespace

#if defined(HEXLOG_PATTERN_AVX2)

namespace {

template <bool kMasked>
__attribute__((target("avx2"))) inline uint64_t AnchorMask64(
    const uint8_t* first, const uint8_t* second, __m256i first_mask, __m256i first_value,
    __m256i second_mask, __m256i second_value) {
  __m256i a0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(first));
  __m256i a1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(first + 32));
  __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(second));
  __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(second + 32));
  if (kMasked) {
    a0 = _mm256_and_si256(a0, first_mask);
    a1 = _mm256_and_si256(a1, first_mask);
    b0 = _mm256_and_si256(b0, second_mask);
    b1 = _mm256_and_si256(b1, second_mask);
  }
  const __m256i low =
      _mm256_and_si256(_mm256_cmpeq_epi8(a0, first_value), _mm256_cmpeq_epi8(b0, second_value));
  const __m256i high =
      _mm256_and_si256(_mm256_cmpeq_epi8(a1, first_value), _mm256_cmpeq_epi8(b1, second_value));
  return static_cast<uint32_t>(_mm256_movemask_epi8(low)) |
         (static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(high))) << 32);
}

// As FindSse2, 64 candidate positions per step. A free function: GCC applies the target
// attribute reliably only there.
template <bool kMasked>
__attribute__((target("avx2"))) size_t FindAvx2(const CompiledPattern& pattern, const uint8_t* base,
                                                uint64_t size, uint64_t from, uint64_t limit,
                                                uint64_t* out, size_t capacity, uint64_t* resume) {
  constexpr uint64_t kStep = 64;
  const CompiledPattern::Anchor& first_anchor = pattern.anchor(0);
  const CompiledPattern::Anchor& second_anchor = pattern.anchor(1);
  const uint8_t* first = base + first_anchor.offset;
  const uint8_t* second = base + second_anchor.offset;
  const __m256i first_mask = _mm256_set1_epi8(static_cast<char>(first_anchor.and_mask));
  const __m256i first_value = _mm256_set1_epi8(static_cast<char>(first_anchor.value));
  const __m256i second_mask = _mm256_set1_epi8(static_cast<char>(second_anchor.and_mask));
  const __m256i second_value = _mm256_set1_epi8(static_cast<char>(second_anchor.value));
  const uint64_t span = pattern.max_anchor_offset() + kStep;
  size_t count = 0;
  uint64_t last_end = 0;
  uint64_t position = from;
  while (position < limit && size - position >= span) {
    uint64_t candidates = AnchorMask64<kMasked>(first + position, second + position, first_mask,
                                                first_value, second_mask, second_value);
    if (candidates == 0) {
      position += kStep;
      continue;
    }
    if (limit - position < kStep) candidates &= (uint64_t{1} << (limit - position)) - 1;
    uint64_t next = 0;
    if (!VerifyCandidates(pattern, base, size, position, kStep, candidates, out, capacity, &count,
                          &last_end, &next, resume)) {
      return count;
    }
    position = next;
  }
  if (position >= limit) {
    *resume = std::max(limit, last_end);
    return count;
  }
  return count +
         pattern.FindScalar(base, size, position, limit, out + count, capacity - count, resume);
}

}  // namespace

#endif  // HEXLOG_PATTERN_AVX2

bool CompiledPattern::Compile(const PatternSpec& spec, const std::vector<uint8_t>& sample,
                              CompiledPattern* out, std::string* error) {
  const size_t length = spec.bytes.size();
  if (length == 0 || length > kMaxLength) {
    *error = "pattern length must be from 1 to " + std::to_string(kMaxLength) + " bytes, got " +
             std::to_string(length);
    return false;
  }
  if (!spec.mask.empty() && spec.mask.size() != length) {
    *error = "mask must have one byte per pattern byte (" + std::to_string(length) + "), got " +
             std::to_string(spec.mask.size());
    return false;
  }
  CompiledPattern pattern;
  pattern.length_ = length;
  pattern.whole_word_ = spec.whole_word;
  pattern.and_mask_.resize(length);
  pattern.value_.resize(length);
  bool any_fixed = false;
  for (size_t i = 0; i < length; ++i) {
    uint8_t and_mask = spec.mask.empty() ? 0xFF : spec.mask[i];
    uint8_t value = spec.bytes[i];
    // 'A' and 'a' differ only in bit 5: clearing it in both folds exactly the ASCII letters.
    if (spec.case_insensitive && and_mask == 0xFF && IsAsciiLetter(value)) and_mask = 0xDF;
    pattern.and_mask_[i] = and_mask;
    pattern.value_[i] = value & and_mask;
    any_fixed = any_fixed || and_mask != 0;
  }
  if (!any_fixed) {
    *error = "the pattern needs at least one byte that is not a wildcard";
    return false;
  }

  const size_t words = (length + 7) / 8;
  std::vector<uint8_t> padded_masks(words * 8, 0);
  std::vector<uint8_t> padded_values(words * 8, 0);
  std::copy(pattern.and_mask_.begin(), pattern.and_mask_.end(), padded_masks.begin());
  std::copy(pattern.value_.begin(), pattern.value_.end(), padded_values.begin());
  pattern.and_words_.resize(words);
  pattern.value_words_.resize(words);
  for (size_t w = 0; w < words; ++w) {
    std::memcpy(&pattern.and_words_[w], padded_masks.data() + w * 8, 8);
    std::memcpy(&pattern.value_words_[w], padded_values.data() + w * 8, 8);
  }

  pattern.ChooseFilter(sample);
  *out = std::move(pattern);
  return true;
}

void CompiledPattern::ChooseFilter(const std::vector<uint8_t>& sample) {
  size_t first = 0;
  size_t second = 0;
  ChooseAnchors(sample, &first, &second);
  for (int which = 0; which < 2; ++which) {
    const size_t offset = which == 0 ? first : second;
    anchor_[which].offset = offset;
    anchor_[which].and_mask = and_mask_[offset];
    anchor_[which].value = value_[offset];
  }
  max_anchor_offset_ = std::max(first, second);
  anchors_masked_ = anchor_[0].and_mask != 0xFF || anchor_[1].and_mask != 0xFF;
}

void CompiledPattern::ChooseAnchors(const std::vector<uint8_t>& sample, size_t* first,
                                    size_t* second) const {
  constexpr size_t kCandidates = 8;
  const std::array<uint64_t, 256> weights = ByteWeights(sample);
  // Candidates: the first and last offset of each distinct byte test, rarest first.
  constexpr uint16_t kNone = 0xFFFF;  // offsets are below kMaxLength
  std::vector<uint16_t> first_at(1 << 16, kNone);
  std::vector<uint16_t> last_at(1 << 16, kNone);
  for (size_t i = 0; i < length_; ++i) {
    const size_t test = static_cast<size_t>(and_mask_[i]) << 8 | value_[i];
    if (first_at[test] == kNone) first_at[test] = static_cast<uint16_t>(i);
    last_at[test] = static_cast<uint16_t>(i);
  }
  std::vector<std::pair<uint64_t, size_t>> ranked;  // (commonness, offset)
  for (size_t i = 0; i < length_; ++i) {
    if (and_mask_[i] == 0) continue;
    const size_t test = static_cast<size_t>(and_mask_[i]) << 8 | value_[i];
    if (first_at[test] != i && last_at[test] != i) continue;
    ranked.emplace_back(Commonness(weights, and_mask_[i], value_[i]), i);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  if (ranked.size() > kCandidates) ranked.resize(kCandidates);
  *first = ranked[0].second;
  *second = ranked[0].second;
  if (ranked.size() == 1) return;

  // Per candidate, the sample positions where the pattern could start as far as it can tell: a
  // bit set per position. A pair's cost is the number of positions both pass.
  const size_t positions = sample.size() >= length_ ? sample.size() - length_ + 1 : 0;
  const size_t words = (positions + 63) / 64;
  std::vector<uint64_t> passes(ranked.size() * words, 0);
  for (size_t c = 0; c < ranked.size(); ++c) {
    const size_t offset = ranked[c].second;
    const uint8_t and_mask = and_mask_[offset];
    const uint8_t value = value_[offset];
    uint64_t* bits = passes.data() + c * words;
    for (size_t p = 0; p < positions; ++p) {
      if ((sample[p + offset] & and_mask) == value) bits[p / 64] |= uint64_t{1} << (p % 64);
    }
  }
  const auto distinct = [this](size_t a, size_t b) {
    return and_mask_[a] != and_mask_[b] || value_[a] != value_[b];
  };
  bool found = false;
  uint64_t best_both = 0;
  uint64_t best_sum = 0;
  bool best_distinct = false;
  for (size_t a = 0; a < ranked.size(); ++a) {
    for (size_t b = a + 1; b < ranked.size(); ++b) {
      uint64_t both = 0;
      const uint64_t* bits_a = passes.data() + a * words;
      const uint64_t* bits_b = passes.data() + b * words;
      for (size_t w = 0; w < words; ++w) both += __builtin_popcountll(bits_a[w] & bits_b[w]);
      const uint64_t sum = ranked[a].first + ranked[b].first;
      const bool is_distinct = distinct(ranked[a].second, ranked[b].second);
      // Fewest joint passes; then a pair of different bytes (independent in unseen data); then
      // the rarest bytes.
      if (!found || both < best_both ||
          (both == best_both &&
           (is_distinct > best_distinct || (is_distinct == best_distinct && sum < best_sum)))) {
        found = true;
        best_both = both;
        best_sum = sum;
        best_distinct = is_distinct;
        *first = ranked[a].second;
        *second = ranked[b].second;
      }
    }
  }
}

bool CompiledPattern::MatchesAt(const uint8_t* base, uint64_t size, uint64_t position) const {
  if (size < length_ || position > size - length_) return false;
  const uint8_t* at = base + position;
  const size_t words = and_words_.size();
  if (size - position >= words * 8) {
    for (size_t w = 0; w < words; ++w) {
      uint64_t word;
      std::memcpy(&word, at + w * 8, 8);
      if ((word & and_words_[w]) != value_words_[w]) return false;
    }
  } else {  // the last few bytes of the file: no 8-byte load past its end
    for (size_t i = 0; i < length_; ++i) {
      if ((at[i] & and_mask_[i]) != value_[i]) return false;
    }
  }
  if (whole_word_) {
    if (position > 0 && IsWordByte(at[-1])) return false;
    if (position + length_ < size && IsWordByte(at[length_])) return false;
  }
  return true;
}

void SetScanKernelForTest(ScanKernel kernel) { g_kernel.store(kernel); }

ScanKernel ScanKernelForTest() { return g_kernel.load(std::memory_order_relaxed); }

size_t CompiledPattern::Find(const uint8_t* base, uint64_t size, uint64_t from, uint64_t limit,
                             uint64_t* out, size_t capacity, uint64_t* resume) const {
  *resume = std::max(from, limit);
  if (capacity == 0 || size < length_ || from > size - length_) return 0;
  const ScanKernel kernel = g_kernel.load(std::memory_order_relaxed);
  if (kernel == ScanKernel::kScalar) {
    return FindScalar(base, size, from, limit, out, capacity, resume);
  }
#if defined(HEXLOG_PATTERN_AVX2)
  if (kernel == ScanKernel::kAuto && CpuHasAvx2()) {
    return anchors_masked_ ? FindAvx2<true>(*this, base, size, from, limit, out, capacity, resume)
                           : FindAvx2<false>(*this, base, size, from, limit, out, capacity, resume);
  }
#endif
#if defined(HEXLOG_PATTERN_SSE2)
  return anchors_masked_ ? FindSse2<true>(base, size, from, limit, out, capacity, resume)
                         : FindSse2<false>(base, size, from, limit, out, capacity, resume);
#else
  return FindScalar(base, size, from, limit, out, capacity, resume);
#endif
}

// Position by position, with memchr on an exact anchor. The whole search on other CPUs, and the
// last positions (too few bytes left for a vector load) on x86.
size_t CompiledPattern::FindScalar(const uint8_t* base, uint64_t size, uint64_t from,
                                   uint64_t limit, uint64_t* out, size_t capacity,
                                   uint64_t* resume) const {
  const uint64_t last_start = size - length_;  // callers checked size >= length_
  const uint64_t end = std::min(limit, last_start + 1);
  const Anchor anchor = anchor_[0];
  size_t count = 0;
  uint64_t position = from;
  while (position < end) {
    if (anchor.and_mask == 0xFF) {
      const void* hit = std::memchr(base + position + anchor.offset, anchor.value,
                                    static_cast<size_t>(end - position));
      if (hit == nullptr) break;
      position = static_cast<uint64_t>(static_cast<const uint8_t*>(hit) - base) - anchor.offset;
    } else if ((base[position + anchor.offset] & anchor.and_mask) != anchor.value) {
      ++position;
      continue;
    }
    if (MatchesAt(base, size, position)) {
      out[count++] = position;
      position += length_;
      if (count == capacity) {
        *resume = position;
        return count;
      }
    } else {
      ++position;
    }
  }
  *resume = std::max(position, limit);
  return count;
}

#if defined(HEXLOG_PATTERN_SSE2)

namespace {

template <bool kMasked>
inline __m128i AnchorEquals16(const uint8_t* at, __m128i and_mask, __m128i value) {
  __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  if (kMasked) bytes = _mm_and_si128(bytes, and_mask);
  return _mm_cmpeq_epi8(bytes, value);
}

}  // namespace

// 32 candidate positions per step: both anchors compared over 16 bytes twice, AND-ed, one bit per
// position; only set bits are verified.
template <bool kMasked>
size_t CompiledPattern::FindSse2(const uint8_t* base, uint64_t size, uint64_t from, uint64_t limit,
                                 uint64_t* out, size_t capacity, uint64_t* resume) const {
  constexpr uint64_t kStep = 32;
  const uint8_t* first = base + anchor_[0].offset;
  const uint8_t* second = base + anchor_[1].offset;
  const __m128i first_mask = _mm_set1_epi8(static_cast<char>(anchor_[0].and_mask));
  const __m128i first_value = _mm_set1_epi8(static_cast<char>(anchor_[0].value));
  const __m128i second_mask = _mm_set1_epi8(static_cast<char>(anchor_[1].and_mask));
  const __m128i second_value = _mm_set1_epi8(static_cast<char>(anchor_[1].value));
  // A step at `position` loads up to position + max_anchor_offset_ + kStep - 1.
  const uint64_t span = max_anchor_offset_ + kStep;
  size_t count = 0;
  uint64_t last_end = 0;
  uint64_t position = from;
  while (position < limit && size - position >= span) {
    const __m128i low =
        _mm_and_si128(AnchorEquals16<kMasked>(first + position, first_mask, first_value),
                      AnchorEquals16<kMasked>(second + position, second_mask, second_value));
    const __m128i high =
        _mm_and_si128(AnchorEquals16<kMasked>(first + position + 16, first_mask, first_value),
                      AnchorEquals16<kMasked>(second + position + 16, second_mask, second_value));
    uint64_t candidates = static_cast<uint32_t>(_mm_movemask_epi8(low)) |
                          (static_cast<uint64_t>(_mm_movemask_epi8(high)) << 16);
    if (candidates == 0) {
      position += kStep;
      continue;
    }
    if (limit - position < kStep) candidates &= (uint64_t{1} << (limit - position)) - 1;
    uint64_t next = 0;
    if (!VerifyCandidates(*this, base, size, position, kStep, candidates, out, capacity, &count,
                          &last_end, &next, resume)) {
      return count;
    }
    position = next;
  }
  if (position >= limit) {
    *resume = std::max(limit, last_end);
    return count;
  }
  return count + FindScalar(base, size, position, limit, out + count, capacity - count, resume);
}

#endif  // HEXLOG_PATTERN_SSE2

}  // namespace hexlog::core
