#include "core/literal_set.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "core/pattern_scan.h"

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define HEXLOG_LITERAL_SSE2 1
#endif
#if defined(HEXLOG_LITERAL_SSE2) && defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define HEXLOG_LITERAL_AVX2 1
#endif

namespace hexlog::core {

struct LiteralSet::Tables {
  // A literal's first (up to) 8 bytes as one little-endian word, compared under a mask.
  struct Entry {
    uint64_t word = 0;       // lowercased when caseless
    uint64_t mask = 0;       // 0xFF for each of its first bytes
    uint64_t case_bits = 0;  // 0x20 where the literal has a letter (caseless only)
    uint32_t length = 0;
    uint32_t offset = 0;  // where its bytes start in `bytes`
  };
  bool caseless = false;
  std::string bytes;  // every literal's bytes, one after another (lowercased when caseless)
  // The literals starting with (folded) byte b, in the set's order: entries[first[b] ..
  // first[b+1]).
  std::array<uint32_t, 257> first{};
  std::vector<Entry> entries;
  std::array<uint8_t, 256> fold{};
  // A literal of one byte starts with it (any second byte will do).
  std::array<bool, 256> single{};
  // Bit (fold(b0) << 8 | fold(b1)): some literal starts with those two bytes.
  std::vector<uint64_t> pairs;
  // The vector filter's bytes (with 0x20 set when caseless): pairs, then single bytes; none when
  // there are more than kMaxVectorPairs.
  std::array<uint8_t, kMaxVectorPairs> vector_first{};
  std::array<uint8_t, kMaxVectorPairs> vector_second{};
  std::array<uint8_t, kMaxVectorPairs> vector_single{};
  size_t vector_pairs = 0;
  size_t vector_singles = 0;
  bool vectorized = false;
};

namespace {

using Tables = LiteralSet::Tables;
using Match = LiteralSet::Match;

Status Invalid(const std::string& message) {
  return Status::Fail(codes::kInvalid, "EINVAL: " + message);
}

uint8_t AsciiLower(uint8_t byte) {
  return byte >= 'A' && byte <= 'Z' ? static_cast<uint8_t>(byte + 32) : byte;
}

inline uint64_t LoadWord(const uint8_t* bytes) {
  uint64_t word = 0;
  std::memcpy(&word, bytes, sizeof(word));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  word = __builtin_bswap64(word);
#endif
  return word;
}

inline int LowestBit(uint64_t mask) {
#if defined(_MSC_VER) && !defined(__clang__)
  unsigned long index = 0;
  _BitScanForward64(&index, mask);
  return static_cast<int>(index);
#else
  return __builtin_ctzll(mask);
#endif
}

// The length of the first literal (in order) at `at`, or 0.
template <bool kCaseless>
inline uint32_t LengthAt(const Tables& tables, const uint8_t* base, uint64_t size, uint64_t at) {
  const uint8_t* text = base + at;
  const uint64_t room = size - at;
  const uint8_t first = kCaseless ? tables.fold[text[0]] : text[0];
  const Tables::Entry* entry = tables.entries.data() + tables.first[first];
  const Tables::Entry* end = tables.entries.data() + tables.first[first + 1];
  const uint8_t* bytes = reinterpret_cast<const uint8_t*>(tables.bytes.data());
  const auto equal_from = [&](const Tables::Entry& literal, uint32_t from) {
    if (!kCaseless) {
      return std::memcmp(text + from, bytes + literal.offset + from, literal.length - from) == 0;
    }
    for (uint32_t i = from; i < literal.length; ++i) {
      if (tables.fold[text[i]] != bytes[literal.offset + i]) return false;
    }
    return true;
  };
  if (room >= 8) {
    const uint64_t word = LoadWord(text);
    for (; entry != end; ++entry) {
      if (((word | entry->case_bits) & entry->mask) != entry->word) continue;
      if (entry->length <= 8 || (entry->length <= room && equal_from(*entry, 8))) {
        return entry->length;
      }
    }
    return 0;
  }
  for (; entry != end; ++entry) {
    if (entry->length <= room && equal_from(*entry, 1)) return entry->length;
  }
  return 0;
}

// Where a search stands: the matches so far and the end of the last one.
struct Cursor {
  Match* out;
  size_t capacity;
  size_t count;
  uint64_t last_end;
};

// Verifies `candidates` (bit i: position at + i, below at + step) in order, passing over those
// inside a match. Returns where the scan goes on (at + step, or past a match that crosses it), or
// 0 with cursor->last_end after the last match when the output is full.
template <bool kCaseless>
inline uint64_t TakeCandidates(const Tables& tables, const uint8_t* base, uint64_t size,
                               uint64_t at, uint64_t step, uint64_t candidates, Cursor* cursor) {
  while (candidates != 0) {
    const uint64_t candidate = at + static_cast<uint64_t>(LowestBit(candidates));
    candidates &= candidates - 1;
    const uint32_t length = LengthAt<kCaseless>(tables, base, size, candidate);
    if (length == 0) continue;
    cursor->out[cursor->count++] = Match{candidate, length};
    cursor->last_end = candidate + length;
    if (cursor->count == cursor->capacity) return 0;
    if (cursor->last_end >= at + step) return cursor->last_end;
    candidates &= ~uint64_t{0} << (cursor->last_end - at);
  }
  return at + step;
}

template <bool kCaseless>
size_t FindScalar(const Tables& tables, const uint8_t* base, uint64_t size, uint64_t from,
                  uint64_t until, Cursor* cursor, uint64_t* next) {
  uint64_t at = from;
  while (at < until) {
    const uint8_t first = kCaseless ? tables.fold[base[at]] : base[at];
    bool candidate = tables.first[first] != tables.first[first + 1];
    if (candidate && !tables.single[first]) {
      const uint8_t second =
          at + 1 < size ? (kCaseless ? tables.fold[base[at + 1]] : base[at + 1]) : 0;
      const unsigned key = static_cast<unsigned>(first) << 8 | second;
      candidate = at + 1 < size && (tables.pairs[key / 64] >> (key % 64) & 1) != 0;
    }
    const uint32_t length = candidate ? LengthAt<kCaseless>(tables, base, size, at) : 0;
    if (length == 0) {
      ++at;
      continue;
    }
    cursor->out[cursor->count++] = Match{at, length};
    at += length;
    cursor->last_end = at;
    if (cursor->count == cursor->capacity) break;
  }
  *next = at;
  return cursor->count;
}

#ifdef HEXLOG_LITERAL_SSE2
template <bool kCaseless, size_t kPairs>
size_t FindSse2(const Tables& tables, const uint8_t* base, uint64_t size, uint64_t from,
                uint64_t until, Cursor* cursor, uint64_t* next) {
  constexpr uint64_t kStep = 16;
  __m128i firsts[kPairs + 1];
  __m128i seconds[kPairs + 1];
  __m128i singles[LiteralSet::kMaxVectorPairs];
  for (size_t k = 0; k < kPairs; ++k) {
    firsts[k] = _mm_set1_epi8(static_cast<char>(tables.vector_first[k]));
    seconds[k] = _mm_set1_epi8(static_cast<char>(tables.vector_second[k]));
  }
  const size_t single_count = tables.vector_singles;
  for (size_t k = 0; k < single_count; ++k) {
    singles[k] = _mm_set1_epi8(static_cast<char>(tables.vector_single[k]));
  }
  const __m128i case_bit = _mm_set1_epi8(0x20);
  uint64_t at = from;
  // A step reads kStep + 1 bytes: the candidates and the second byte of each.
  while (at < until && size - at > kStep) {
    __m128i text = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + at));
    __m128i after = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + at + 1));
    if (kCaseless) {
      text = _mm_or_si128(text, case_bit);
      after = _mm_or_si128(after, case_bit);
    }
    __m128i hits = _mm_setzero_si128();
    for (size_t k = 0; k < kPairs; ++k) {
      hits = _mm_or_si128(
          hits, _mm_and_si128(_mm_cmpeq_epi8(text, firsts[k]), _mm_cmpeq_epi8(after, seconds[k])));
    }
    for (size_t k = 0; k < single_count; ++k) {
      hits = _mm_or_si128(hits, _mm_cmpeq_epi8(text, singles[k]));
    }
    uint64_t candidates = static_cast<uint32_t>(_mm_movemask_epi8(hits));
    if (candidates == 0) {
      at += kStep;
      continue;
    }
    if (until - at < kStep) candidates &= (uint64_t{1} << (until - at)) - 1;
    at = TakeCandidates<kCaseless>(tables, base, size, at, kStep, candidates, cursor);
    if (at == 0) {
      *next = cursor->last_end;
      return cursor->count;
    }
  }
  if (at >= until) {
    // Not past `until` itself: candidates beyond it were masked out, not rejected.
    *next = std::max(until, cursor->last_end);
    return cursor->count;
  }
  return FindScalar<kCaseless>(tables, base, size, at, until, cursor, next);
}
#endif

#ifdef HEXLOG_LITERAL_AVX2
bool CpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

// The AVX2 filter's candidates among the 32 positions from `text` (bit i: text + i).
template <bool kCaseless, size_t kPairs>
__attribute__((target("avx2"))) inline uint32_t Avx2Candidates(const uint8_t* text,
                                                               const __m256i* firsts,
                                                               const __m256i* seconds,
                                                               const __m256i* singles,
                                                               size_t single_count) {
  __m256i here = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(text));
  __m256i after = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(text + 1));
  if (kCaseless) {
    here = _mm256_or_si256(here, _mm256_set1_epi8(0x20));
    after = _mm256_or_si256(after, _mm256_set1_epi8(0x20));
  }
  __m256i hits = _mm256_setzero_si256();
  for (size_t k = 0; k < kPairs; ++k) {
    hits = _mm256_or_si256(hits, _mm256_and_si256(_mm256_cmpeq_epi8(here, firsts[k]),
                                                  _mm256_cmpeq_epi8(after, seconds[k])));
  }
  for (size_t k = 0; k < single_count; ++k) {
    hits = _mm256_or_si256(hits, _mm256_cmpeq_epi8(here, singles[k]));
  }
  return static_cast<uint32_t>(_mm256_movemask_epi8(hits));
}

// As FindSse2, 64 candidate positions per step (two vectors: fewer, better predicted branches
// with dense matches). A free function: GCC applies the target attribute reliably only there.
template <bool kCaseless, size_t kPairs>
__attribute__((target("avx2"))) size_t FindAvx2(const Tables& tables, const uint8_t* base,
                                                uint64_t size, uint64_t from, uint64_t until,
                                                Cursor* cursor, uint64_t* next) {
  constexpr uint64_t kStep = 64;
  __m256i firsts[kPairs + 1];
  __m256i seconds[kPairs + 1];
  __m256i singles[LiteralSet::kMaxVectorPairs];
  for (size_t k = 0; k < kPairs; ++k) {
    firsts[k] = _mm256_set1_epi8(static_cast<char>(tables.vector_first[k]));
    seconds[k] = _mm256_set1_epi8(static_cast<char>(tables.vector_second[k]));
  }
  const size_t single_count = tables.vector_singles;
  for (size_t k = 0; k < single_count; ++k) {
    singles[k] = _mm256_set1_epi8(static_cast<char>(tables.vector_single[k]));
  }
  uint64_t at = from;
  while (at < until && size - at > kStep) {
    const uint8_t* text = base + at;
    uint64_t candidates =
        Avx2Candidates<kCaseless, kPairs>(text, firsts, seconds, singles, single_count) |
        uint64_t{
            Avx2Candidates<kCaseless, kPairs>(text + 32, firsts, seconds, singles, single_count)}
            << 32;
    if (candidates == 0) {
      at += kStep;
      continue;
    }
    if (until - at < kStep) candidates &= (uint64_t{1} << (until - at)) - 1;
    at = TakeCandidates<kCaseless>(tables, base, size, at, kStep, candidates, cursor);
    if (at == 0) {
      *next = cursor->last_end;
      return cursor->count;
    }
  }
  if (at >= until) {
    *next = std::max(until, cursor->last_end);
    return cursor->count;
  }
  return FindScalar<kCaseless>(tables, base, size, at, until, cursor, next);
}
#endif

using Kernel = size_t (*)(const Tables&, const uint8_t*, uint64_t, uint64_t, uint64_t, Cursor*,
                          uint64_t*);

// The vector kernels by case and pair count (a constant, so the filter's loop unrolls).
template <template <bool, size_t> class Family, size_t... kPairs>
constexpr std::array<std::array<Kernel, sizeof...(kPairs)>, 2> KernelTable(
    std::index_sequence<kPairs...>) {
  return {{{Family<false, kPairs>::kKernel...}, {Family<true, kPairs>::kKernel...}}};
}

#ifdef HEXLOG_LITERAL_SSE2
template <bool kCaseless, size_t kPairs>
struct Sse2Family {
  static constexpr Kernel kKernel = &FindSse2<kCaseless, kPairs>;
};
constexpr auto kSse2Kernels =
    KernelTable<Sse2Family>(std::make_index_sequence<LiteralSet::kMaxVectorPairs + 1>());
#endif
#ifdef HEXLOG_LITERAL_AVX2
template <bool kCaseless, size_t kPairs>
struct Avx2Family {
  static constexpr Kernel kKernel = &FindAvx2<kCaseless, kPairs>;
};
constexpr auto kAvx2Kernels =
    KernelTable<Avx2Family>(std::make_index_sequence<LiteralSet::kMaxVectorPairs + 1>());
#endif

}  // namespace

LiteralSet::LiteralSet(std::unique_ptr<Tables> tables) : tables_(std::move(tables)) {}
LiteralSet::~LiteralSet() = default;

Status LiteralSet::Create(const std::vector<std::string>& literals, bool caseless,
                          std::unique_ptr<LiteralSet>* out) {
  if (literals.empty() || literals.size() > kMaxLiterals) {
    return Invalid("a literal set needs 1 to " + std::to_string(kMaxLiterals) + " literals, got " +
                   std::to_string(literals.size()));
  }
  auto tables = std::make_unique<Tables>();
  tables->caseless = caseless;
  for (int byte = 0; byte < 256; ++byte) {
    const uint8_t value = static_cast<uint8_t>(byte);
    tables->fold[byte] = caseless ? AsciiLower(value) : value;
  }
  tables->pairs.assign(65536 / 64, 0);
  // The vector filter compares bytes with 0x20 set when caseless: a superset of ASCII folding.
  const uint8_t filter_bit = caseless ? 0x20 : 0;
  bool vector_fits = true;
  std::array<std::vector<Tables::Entry>, 256> by_first;
  for (size_t index = 0; index < literals.size(); ++index) {
    const std::string& given = literals[index];
    if (given.empty()) return Invalid("literal " + std::to_string(index) + " is empty");
    Tables::Entry entry;
    entry.length = static_cast<uint32_t>(given.size());
    entry.offset = static_cast<uint32_t>(tables->bytes.size());
    for (size_t i = 0; i < given.size(); ++i) {
      const uint8_t byte = static_cast<uint8_t>(given[i]);
      if (byte == '\n' || byte == '\r') {
        return Invalid("literal " + std::to_string(index) + " holds a CR or LF");
      }
      if (caseless && byte >= 0x80) {
        return Invalid("literal " + std::to_string(index) +
                       " is not ASCII, and the set ignores case");
      }
      const uint8_t folded = tables->fold[byte];
      tables->bytes.push_back(static_cast<char>(folded));
      if (i < 8) {
        entry.word |= uint64_t{folded} << (8 * i);
        entry.mask |= uint64_t{0xFF} << (8 * i);
        if (caseless && folded >= 'a' && folded <= 'z') {
          entry.case_bits |= uint64_t{0x20} << (8 * i);
        }
      }
    }
    const uint8_t first = tables->fold[static_cast<uint8_t>(given[0])];
    by_first[first].push_back(entry);
    const size_t used = tables->vector_pairs + tables->vector_singles;
    if (given.size() == 1) {
      tables->single[first] = true;
      const uint8_t key = first | filter_bit;
      const auto begin = tables->vector_single.begin();
      if (std::find(begin, begin + static_cast<std::ptrdiff_t>(tables->vector_singles), key) ==
          begin + static_cast<std::ptrdiff_t>(tables->vector_singles)) {
        if (used < kMaxVectorPairs) {
          tables->vector_single[tables->vector_singles++] = key;
        } else {
          vector_fits = false;
        }
      }
    } else {
      const uint8_t second = tables->fold[static_cast<uint8_t>(given[1])];
      const unsigned key = static_cast<unsigned>(first) << 8 | second;
      tables->pairs[key / 64] |= uint64_t{1} << (key % 64);
      const uint8_t first_key = first | filter_bit;
      const uint8_t second_key = second | filter_bit;
      bool known = false;
      for (size_t k = 0; k < tables->vector_pairs; ++k) {
        known = known ||
                (tables->vector_first[k] == first_key && tables->vector_second[k] == second_key);
      }
      if (!known && used < kMaxVectorPairs) {
        tables->vector_first[tables->vector_pairs] = first_key;
        tables->vector_second[tables->vector_pairs++] = second_key;
      } else if (!known) {
        vector_fits = false;
      }
    }
  }
  for (int byte = 0; byte < 256; ++byte) {
    tables->first[byte] = static_cast<uint32_t>(tables->entries.size());
    tables->entries.insert(tables->entries.end(), by_first[byte].begin(), by_first[byte].end());
  }
  tables->first[256] = static_cast<uint32_t>(tables->entries.size());
  tables->vectorized = vector_fits;
  out->reset(new LiteralSet(std::move(tables)));
  return Status::Ok();
}

size_t LiteralSet::FindMany(const uint8_t* base, uint64_t size, uint64_t from, uint64_t until,
                            Match* out, size_t capacity, uint64_t* next) const {
  until = std::min(until, size);
  *next = from;
  if (from >= until || capacity == 0) return 0;
  const Tables& tables = *tables_;
  Cursor cursor{out, capacity, 0, from};
  const ScanKernel kernel = ScanKernelForTest();
  const size_t caseless = tables.caseless ? 1 : 0;
  if (tables.vectorized && kernel != ScanKernel::kScalar) {
#ifdef HEXLOG_LITERAL_AVX2
    if (kernel == ScanKernel::kAuto && CpuHasAvx2()) {
      return kAvx2Kernels[caseless][tables.vector_pairs](tables, base, size, from, until, &cursor,
                                                         next);
    }
#endif
#ifdef HEXLOG_LITERAL_SSE2
    return kSse2Kernels[caseless][tables.vector_pairs](tables, base, size, from, until, &cursor,
                                                       next);
#endif
  }
  return tables.caseless ? FindScalar<true>(tables, base, size, from, until, &cursor, next)
                         : FindScalar<false>(tables, base, size, from, until, &cursor, next);
}

}  // namespace hexlog::core
