#include "core/class_run.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "core/pattern_scan.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HEXLOG_CLASS_RUN_AVX2 1
#endif

namespace hexlog::core {

namespace {

constexpr size_t kBlock = 64;

Status Invalid(const std::string& message) {
  return Status::Fail(codes::kInvalid, "EINVAL: " + message);
}

inline int LowestBit(uint64_t bits) { return __builtin_ctzll(bits); }

// Where the member bytes of p[0, length) are (length <= 64; bits past it are 0).
uint64_t ScalarMask(const std::array<bool, 256>& member, const uint8_t* p, size_t length) {
  uint64_t mask = 0;
  for (size_t i = 0; i < length; ++i) mask |= static_cast<uint64_t>(member[p[i]]) << i;
  return mask;
}

#ifdef HEXLOG_CLASS_RUN_AVX2
bool CpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

// The same with a nibble lookup: a byte is a member when the row bits of its low nibble hold the
// bit of its high nibble (high nibbles 8..15, non-ASCII, have none).
__attribute__((target("avx2"))) inline uint32_t Avx2Mask32(const uint8_t* p, __m256i rows,
                                                           __m256i high_bits, __m256i nibble) {
  const __m256i text = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i low = _mm256_and_si256(text, nibble);
  const __m256i high = _mm256_and_si256(_mm256_srli_epi16(text, 4), nibble);
  const __m256i hits =
      _mm256_and_si256(_mm256_shuffle_epi8(rows, low), _mm256_shuffle_epi8(high_bits, high));
  return ~static_cast<uint32_t>(
      _mm256_movemask_epi8(_mm256_cmpeq_epi8(hits, _mm256_setzero_si256())));
}

__attribute__((target("avx2"))) uint64_t Avx2Mask64(const uint8_t* p, const uint8_t* low_rows) {
  const __m256i rows =
      _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(low_rows)));
  const __m256i high_bits = _mm256_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0,
                                             1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  return Avx2Mask32(p, rows, high_bits, nibble) |
         static_cast<uint64_t>(Avx2Mask32(p + 32, rows, high_bits, nibble)) << 32;
}
#endif

}  // namespace

Status ClassRun::Create(const std::vector<uint8_t>& members, uint64_t min, uint64_t max,
                        std::unique_ptr<ClassRun>* out) {
  if (members.empty() || members.size() > 128) return Invalid("a class needs 1 to 128 members");
  if (min == 0) return Invalid("a class run's minimum must be at least 1");
  if (max != 0 && max < min)
    return Invalid("a class run's maximum must be 0 or at least its minimum");
  std::unique_ptr<ClassRun> run(new ClassRun());
  for (const uint8_t byte : members) {
    if (byte >= 0x80 || byte == '\n' || byte == '\r') {
      return Invalid("a class run's members must be ASCII, and not CR or LF");
    }
    run->member_[byte] = true;
    run->low_nibble_rows_[byte & 0x0F] |= static_cast<uint8_t>(1u << (byte >> 4));
  }
  run->min_ = min;
  run->max_ = max;
  *out = std::move(run);
  return Status::Ok();
}

uint64_t ClassRun::MaskAt(const uint8_t* base, uint64_t limit, uint64_t at, bool avx2) const {
  const size_t length = static_cast<size_t>(std::min<uint64_t>(kBlock, limit - at));
#ifdef HEXLOG_CLASS_RUN_AVX2
  if (avx2) {
    const uint8_t* p = base + at;
    uint8_t padded[kBlock];
    if (length < kBlock) {
      std::memset(padded, 0x80, kBlock);  // non-ASCII: never a member
      std::memcpy(padded, p, length);
      p = padded;
    }
    return Avx2Mask64(p, low_nibble_rows_.data());
  }
#else
  (void)avx2;
#endif
  return ScalarMask(member_, base + at, length);
}

bool ClassRun::UseAvx2() {
#ifdef HEXLOG_CLASS_RUN_AVX2
  return ScanKernelForTest() == ScanKernel::kAuto && CpuHasAvx2();
#else
  return false;
#endif
}

template <typename OnStart, typename OnEnd>
void ClassRun::WalkRuns(const uint8_t* base, uint64_t limit, uint64_t at, uint64_t until,
                        bool in_run, bool avx2, OnStart on_start, OnEnd on_end,
                        uint64_t* next) const {
  uint64_t run_start = 0;
  uint64_t last_end = at;
  while (at < limit) {
    const uint64_t mask = MaskAt(base, limit, at, avx2);
    // Bit i: a run starts (mask bit set) or ends (clear) at at + i.
    uint64_t changes = mask ^ ((mask << 1) | (in_run ? 1 : 0));
    while (changes != 0) {
      const int i = LowestBit(changes);
      changes &= changes - 1;
      const uint64_t position = at + static_cast<uint64_t>(i);
      if ((mask >> i) & 1) {
        if (position >= until) {
          *next = position;
          return;
        }
        in_run = true;
        run_start = position;
        on_start();
      } else {
        in_run = false;
        if (!on_end(run_start, position)) return;
        last_end = position;
      }
    }
    at += kBlock;
    if (!in_run && at >= until) break;
  }
  if (in_run) {
    if (!on_end(run_start, limit)) return;
    last_end = limit;
  }
  *next = std::max(until, last_end);
}

uint64_t ClassRun::Count(const uint8_t* base, uint64_t limit, uint64_t from, uint64_t until,
                         uint64_t* next) const {
  const bool avx2 = UseAvx2();
  // Where every run is one match, a run counts at its start; else at its end, by its length.
  const bool by_start = min_ == 1 && max_ == 0;
  uint64_t count = 0;
  bool in_run = false;
  uint64_t at = from;
  // Whole blocks below `until`, counted by their runs' starts alone.
  if (by_start) {
    while (at + kBlock <= until && at + kBlock <= limit) {
      const uint64_t mask = MaskAt(base, limit, at, avx2);
      count +=
          static_cast<uint64_t>(__builtin_popcountll(mask & ~((mask << 1) | (in_run ? 1 : 0))));
      in_run = (mask >> 63) != 0;
      at += kBlock;
    }
  }
  WalkRuns(
      base, limit, at, until, in_run, avx2,
      [&] {
        if (by_start) ++count;
      },
      [&](uint64_t start, uint64_t end) {
        if (!by_start) count += MatchesInRun(end - start);
        return true;
      },
      next);
  return count;
}

size_t ClassRun::FindMany(const uint8_t* base, uint64_t limit, uint64_t from, uint64_t until,
                          Match* out, size_t capacity, uint64_t* next) const {
  size_t count = 0;
  WalkRuns(
      base, limit, from, until, false, UseAvx2(), [] {},
      // The matches of the run [start, end): false when `out` is full (*next is then set).
      [&](uint64_t start, uint64_t end) {
        uint64_t at = start;
        while (end - at >= min_) {
          const uint64_t length = max_ == 0 ? end - at : std::min(max_, end - at);
          if (count == capacity) {
            *next = at;
            return false;
          }
          out[count++] = {at, length};
          at += length;
        }
        return true;
      },
      next);
  return count;
}

}  // namespace hexlog::core
