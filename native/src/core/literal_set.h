// A search for a set of literals with a JavaScript alternation's meaning (`upload|retry|commit`):
// the leftmost position where any literal occurs wins, and there the first literal in the set's
// order that occurs (not the longest). RegexSearch uses it instead of PCRE2 when the pattern is
// nothing but literals, where PCRE2's cost per call dominates with dense matches.
//
// Candidate positions come from the first two bytes of each literal: with at most kMaxVectorPairs
// distinct pairs, AVX2 or SSE2 test 64 or 16 positions per step; otherwise a 64 Ki-entry pair
// table is looked up one position at a time. Each candidate is verified against the literals
// starting with its byte, in order, their first 8 bytes as one masked word.
#ifndef HEXLOG_CORE_LITERAL_SET_H_
#define HEXLOG_CORE_LITERAL_SET_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace hexlog::core {

class LiteralSet {
 public:
  static constexpr size_t kMaxLiterals = 4096;
  static constexpr size_t kMaxVectorPairs = 8;

  struct Match {
    uint64_t start = 0;
    uint64_t length = 0;
  };

  // EINVAL unless there are 1 .. kMaxLiterals literals, none empty and none holding CR or LF (a
  // match then never spans lines), and with `caseless` all ASCII (folded as ASCII only).
  static Status Create(const std::vector<std::string>& literals, bool caseless,
                       std::unique_ptr<LiteralSet>* out);
  ~LiteralSet();
  LiteralSet(const LiteralSet&) = delete;
  LiteralSet& operator=(const LiteralSet&) = delete;

  // Up to `capacity` matches starting in [from, until) and ending at most at `size` (bytes of
  // `base`), leftmost first, each search going on after the previous match. Returns how many;
  // *next is where the search goes on (`until`, or past it after a match that crosses it, or
  // after the last match when `capacity` ran out).
  size_t FindMany(const uint8_t* base, uint64_t size, uint64_t from, uint64_t until, Match* out,
                  size_t capacity, uint64_t* next) const;

  struct Tables;  // the filter and the literals, opaque here

 private:
  explicit LiteralSet(std::unique_ptr<Tables> tables);
  std::unique_ptr<Tables> tables_;
};

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_LITERAL_SET_H_
