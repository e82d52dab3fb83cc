// A search for one ASCII character class under a quantifier, as a JavaScript regex of that alone
// finds it (`\d+`, `\w{3,}`, `[0-9]{5}`, `[A-Fa-f0-9]{2,4}`): every maximal run of member bytes is
// cut, from its start, into greedy matches of at most `max` bytes, the last kept only when it has
// at least `min`. With a class of ASCII bytes only (never CR or LF), a run never spans lines and
// never takes part of a UTF-8 sequence, so this is exact without a regex engine. RegexSearch uses
// it instead of PCRE2, whose cost per call dominates when matches are dense.
//
// Membership of 64 bytes at a time comes from a nibble lookup (AVX2 where the CPU has it, else a
// byte table, and under any kernel SetScanKernelForTest forces); the runs' starts and ends are the
// transitions of that mask.
#ifndef HEXLOG_CORE_CLASS_RUN_H_
#define HEXLOG_CORE_CLASS_RUN_H_

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/status.h"

namespace hexlog::core {

class ClassRun {
 public:
  struct Match {
    uint64_t start = 0;
    uint64_t length = 0;
  };

  // EINVAL unless `members` holds 1..128 ASCII bytes other than CR and LF, 1 <= min, and max is 0
  // (no bound) or at least min.
  static Status Create(const std::vector<uint8_t>& members, uint64_t min, uint64_t max,
                       std::unique_ptr<ClassRun>* out);

  // Up to `capacity` matches starting in [from, until), reading runs on up to `limit` (a run that
  // starts before `until` is followed to its end). Returns how many; *next is where the search
  // goes on: after the last match or run it took, at least `until` unless `capacity` ran out.
  size_t FindMany(const uint8_t* base, uint64_t limit, uint64_t from, uint64_t until, Match* out,
                  size_t capacity, uint64_t* next) const;
  // How many matches FindMany would find there with no bound on capacity (runs counted by their
  // starts where every run is one match).
  uint64_t Count(const uint8_t* base, uint64_t limit, uint64_t from, uint64_t until,
                 uint64_t* next) const;

 private:
  ClassRun() = default;
  static bool UseAvx2();
  // The runs from `at` (inside one when `in_run`) that start before `until`, each followed to its
  // end (at most `limit`): on_start() at each start, on_end(start, end) at each end, which answers
  // false to stop (having set *next). Otherwise *next is the first run start at or after `until`,
  // or past the last run taken and at least `until`.
  template <typename OnStart, typename OnEnd>
  void WalkRuns(const uint8_t* base, uint64_t limit, uint64_t at, uint64_t until, bool in_run,
                bool avx2, OnStart on_start, OnEnd on_end, uint64_t* next) const;
  // Membership of the (up to) 64 bytes at `at`, below `limit`.
  uint64_t MaskAt(const uint8_t* base, uint64_t limit, uint64_t at, bool avx2) const;
  // Matches in one run of `length` bytes.
  uint64_t MatchesInRun(uint64_t length) const {
    if (length < min_) return 0;
    if (max_ == 0) return 1;
    return length / max_ + (length % max_ >= min_ ? 1 : 0);
  }
  std::array<bool, 256> member_{};
  std::array<uint8_t, 16> low_nibble_rows_{};  // bit h: byte (h << 4 | low) is a member
  uint64_t min_ = 1;
  uint64_t max_ = 0;
};

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_CLASS_RUN_H_
