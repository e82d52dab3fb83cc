#include "core/newline_scan.h"

#include <cstring>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define HEXLOG_SCAN_SSE2 1
#endif

namespace hexlog::core {

namespace {

constexpr size_t kBlock = 64;  // bytes per mask: one bit per byte
constexpr uint64_t kEvenBits = 0x5555555555555555ULL;
constexpr uint8_t kLineFeed = 0x0A;

#if defined(HEXLOG_SCAN_SSE2)

uint64_t EqualMask16(const uint8_t* bytes, __m128i needle) {
  const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
  return static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, needle)));
}

// Bit i is set when bytes[i] == value, for the 64 bytes at `bytes`.
uint64_t EqualMask64(const uint8_t* bytes, uint8_t value) {
  const __m128i needle = _mm_set1_epi8(static_cast<char>(value));
  return EqualMask16(bytes, needle) | (EqualMask16(bytes + 16, needle) << 16) |
         (EqualMask16(bytes + 32, needle) << 32) | (EqualMask16(bytes + 48, needle) << 48);
}

#else

// Portable SWAR: exact per-byte equality (no false positives from borrows), then the eight
// high bits gathered into one byte with a multiply.
uint64_t EqualMask8(const uint8_t* bytes, uint8_t value) {
  uint64_t word;
  std::memcpy(&word, bytes, sizeof word);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  word = __builtin_bswap64(word);
#endif
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  const uint64_t zero_where_equal = word ^ (0x0101010101010101ULL * value);
  const uint64_t high_where_nonzero = ((zero_where_equal & kLow7) + kLow7) | zero_where_equal;
  const uint64_t high_where_equal = ~high_where_nonzero & 0x8080808080808080ULL;
  return ((high_where_equal >> 7) * 0x0102040810204080ULL) >> 56;
}

uint64_t EqualMask64(const uint8_t* bytes, uint8_t value) {
  uint64_t mask = 0;
  for (size_t word = 0; word < kBlock / 8; ++word) {
    mask |= EqualMask8(bytes + word * 8, value) << (word * 8);
  }
  return mask;
}

#endif

// Bit i is set when a newline starts at bytes + i. For UTF-16 `bytes` is at an even offset, so
// even bits are even offsets, and a unit never straddles two blocks.
template <TextEncoding kEncoding>
uint64_t NewlineMask(const uint8_t* bytes) {
  if constexpr (kEncoding == TextEncoding::kUtf16Le) {
    return EqualMask64(bytes, kLineFeed) & (EqualMask64(bytes, 0) >> 1) & kEvenBits;
  } else if constexpr (kEncoding == TextEncoding::kUtf16Be) {
    return EqualMask64(bytes, 0) & (EqualMask64(bytes, kLineFeed) >> 1) & kEvenBits;
  } else {
    return EqualMask64(bytes, kLineFeed);
  }
}

int CountBits(uint64_t mask) { return __builtin_popcountll(mask); }
int LowestBit(uint64_t mask) { return __builtin_ctzll(mask); }

template <TextEncoding kEncoding>
void CountNewlinesIn(const uint8_t* begin, const uint8_t* end, const uint8_t* origin,
                     uint64_t checkpoint_interval, uint64_t* newline_count, uint32_t* checkpoints,
                     size_t* checkpoints_written) {
  constexpr uint64_t kWidth =
      kEncoding == TextEncoding::kUtf16Le || kEncoding == TextEncoding::kUtf16Be ? 2 : 1;
  uint64_t count = *newline_count;
  size_t written = *checkpoints_written;
  // Newlines still to go before the next checkpoint: 1 .. interval.
  uint64_t until_checkpoint = checkpoint_interval - (count & (checkpoint_interval - 1));

  auto take = [&](uint64_t mask, const uint8_t* block) {
    const uint64_t found = static_cast<uint64_t>(CountBits(mask));
    if (found < until_checkpoint) {  // the common case: no checkpoint in this block
      count += found;
      until_checkpoint -= found;
      return;
    }
    while (mask != 0) {
      const int bit = LowestBit(mask);
      mask &= mask - 1;
      ++count;
      if (--until_checkpoint == 0) {
        checkpoints[written++] = static_cast<uint32_t>(block + bit + kWidth - origin);
        until_checkpoint = checkpoint_interval;
      }
    }
  };

  const uint8_t* block = begin;
  for (; static_cast<size_t>(end - block) >= kBlock; block += kBlock) {
    take(NewlineMask<kEncoding>(block), block);
  }
  if (block < end) {
    // Pad with 0xFF, which is never part of a newline, so a unit cut by `end` does not count.
    uint8_t tail[kBlock];
    std::memset(tail, 0xFF, sizeof tail);
    std::memcpy(tail, block, static_cast<size_t>(end - block));
    take(NewlineMask<kEncoding>(tail), block);
  }
  *newline_count = count;
  *checkpoints_written = written;
}

}  // namespace

const char* TextEncodingName(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kUtf8:
      return "utf-8";
    case TextEncoding::kLatin1:
      return "latin1";
    case TextEncoding::kUtf16Le:
      return "utf-16le";
    case TextEncoding::kUtf16Be:
      return "utf-16be";
  }
  return "unknown";
}

bool ParseTextEncoding(const std::string& text, TextEncoding* encoding) {
  for (TextEncoding candidate : {TextEncoding::kUtf8, TextEncoding::kLatin1, TextEncoding::kUtf16Le,
                                 TextEncoding::kUtf16Be}) {
    if (text == TextEncodingName(candidate)) {
      *encoding = candidate;
      return true;
    }
  }
  return false;
}

const uint8_t* FindNewline(TextEncoding encoding, const uint8_t* begin, const uint8_t* end) {
  if (begin >= end) return nullptr;
  switch (encoding) {
    case TextEncoding::kUtf8:
    case TextEncoding::kLatin1:
      return static_cast<const uint8_t*>(
          std::memchr(begin, kLineFeed, static_cast<size_t>(end - begin)));
    case TextEncoding::kUtf16Le:
      // 0x0A at an even offset followed by 0x00; a 0x0A high byte or odd byte is text.
      for (const uint8_t* from = begin; from < end;) {
        const auto* found = static_cast<const uint8_t*>(
            std::memchr(from, kLineFeed, static_cast<size_t>(end - from)));
        if (found == nullptr) return nullptr;
        if (((found - begin) & 1) == 0 && found + 1 < end && found[1] == 0) return found;
        from = found + 1;
      }
      return nullptr;
    case TextEncoding::kUtf16Be:
      // 0x0A at an odd offset preceded by 0x00.
      for (const uint8_t* from = begin + 1; from < end;) {
        const auto* found = static_cast<const uint8_t*>(
            std::memchr(from, kLineFeed, static_cast<size_t>(end - from)));
        if (found == nullptr) return nullptr;
        if (((found - begin) & 1) == 1 && found[-1] == 0) return found - 1;
        from = found + 1;
      }
      return nullptr;
  }
  return nullptr;
}

void CountNewlines(TextEncoding encoding, const uint8_t* begin, const uint8_t* end,
                   const uint8_t* origin, uint64_t checkpoint_interval, uint64_t* newline_count,
                   uint32_t* checkpoints, size_t* checkpoints_written) {
  if (begin >= end) return;
  switch (encoding) {
    case TextEncoding::kUtf8:
    case TextEncoding::kLatin1:
      CountNewlinesIn<TextEncoding::kUtf8>(begin, end, origin, checkpoint_interval, newline_count,
                                           checkpoints, checkpoints_written);
      return;
    case TextEncoding::kUtf16Le:
      CountNewlinesIn<TextEncoding::kUtf16Le>(begin, end, origin, checkpoint_interval,
                                              newline_count, checkpoints, checkpoints_written);
      return;
    case TextEncoding::kUtf16Be:
      CountNewlinesIn<TextEncoding::kUtf16Be>(begin, end, origin, checkpoint_interval,
                                              newline_count, checkpoints, checkpoints_written);
      return;
  }
}

}  // namespace hexlog::core
