// Finding and counting newlines in text of a given encoding. Pure functions over memory: callers
// that pass mapped memory run them inside the fault guard (they never allocate).
#ifndef HEXLOG_CORE_NEWLINE_SCAN_H_
#define HEXLOG_CORE_NEWLINE_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace hexlog::core {

// What a newline is: the byte 0x0A for UTF-8 and Latin-1; the 2-byte unit 0x0A 0x00 (LE) or
// 0x00 0x0A (BE) starting at an even file offset for UTF-16. A CR before it stays part of the line.
enum class TextEncoding { kUtf8, kLatin1, kUtf16Le, kUtf16Be };

const char* TextEncodingName(TextEncoding encoding);
// Parses "utf-8" | "latin1" | "utf-16le" | "utf-16be".
bool ParseTextEncoding(const std::string& text, TextEncoding* encoding);
// Bytes in one newline unit: 1 or 2.
inline uint64_t NewlineWidth(TextEncoding encoding) {
  return encoding == TextEncoding::kUtf16Le || encoding == TextEncoding::kUtf16Be ? 2 : 1;
}

// In every function below, `begin` and `end` bound the bytes that may be read, and a newline
// counts only if all of its bytes lie in [begin, end). For UTF-16, `begin` must be at an even file
// offset (mappings are page-aligned, so pointer parity is offset parity).

// The start of the first newline in [begin, end), or nullptr. memchr-based, fast on long lines.
const uint8_t* FindNewline(TextEncoding encoding, const uint8_t* begin, const uint8_t* end);

// Counts the newlines in [begin, end), adding them to *newline_count. Whenever the count reaches
// a multiple of `checkpoint_interval` (a power of two), appends the offset just after that
// newline, relative to `origin`, to `checkpoints` and increments *checkpoints_written. The caller
// provides room for (end - begin) / checkpoint_interval + 1 entries. SIMD mask + popcount: as
// fast on dense short lines as on long ones.
void CountNewlines(TextEncoding encoding, const uint8_t* begin, const uint8_t* end,
                   const uint8_t* origin, uint64_t checkpoint_interval, uint64_t* newline_count,
                   uint32_t* checkpoints, size_t* checkpoints_written);

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_NEWLINE_SCAN_H_
