// Line boundaries in UTF-8 or Latin-1 bytes (a line ends at LF), for the scans that cut their
// chunks at line starts. They read the mapping: callers run them inside the fault guard.
#ifndef HEXLOG_CORE_LINE_BOUNDS_H_
#define HEXLOG_CORE_LINE_BOUNDS_H_

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace hexlog::core::lines {

// The end of the line holding `from`: its LF, or `limit`.
inline uint64_t LineEnd(const uint8_t* base, uint64_t from, uint64_t limit) {
  if (from >= limit) return limit;
  const void* found = std::memchr(base + from, '\n', static_cast<size_t>(limit - from));
  return found == nullptr ? limit
                          : static_cast<uint64_t>(static_cast<const uint8_t*>(found) - base);
}

// The first line start at or after `at`, at most `limit` (itself a line start or the file's end).
inline uint64_t LineStartAtOrAfter(const uint8_t* base, uint64_t at, uint64_t limit) {
  if (at >= limit) return limit;
  if (at == 0 || base[at - 1] == '\n') return at;
  return std::min(limit, LineEnd(base, at, limit) + 1);
}

// The start of the line holding `at`, not before `floor` (a line start).
inline uint64_t LineStartOf(const uint8_t* base, uint64_t floor, uint64_t at) {
  while (at > floor && base[at - 1] != '\n') --at;
  return at;
}

}  // namespace hexlog::core::lines

#endif  // HEXLOG_CORE_LINE_BOUNDS_H_
