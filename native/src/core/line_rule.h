// One rule of a LineFilter, compiled: a Scanner per worker thread finds the lines it matches.
#ifndef HEXLOG_CORE_LINE_RULE_H_
#define HEXLOG_CORE_LINE_RULE_H_

#include <atomic>
#include <cstdint>
#include <memory>

namespace hexlog::core {

class CompiledLineRule {
 public:
  virtual ~CompiledLineRule() = default;
  class Scanner {
   public:
    virtual ~Scanner() = default;
    // The start of the first line in [from, limit) that matches, where `from` is a line start and
    // `limit` a line start (or the file's end); `limit` if none. Reads only the mapping and never
    // allocates (it runs inside the fault guard). False on a failure: where in *problem_at, the
    // PCRE2 code in *message_code, and *complex when PCRE2's limits were hit; a code of 0 when it
    // stopped because `stop` (given to NewScanner) was set.
    virtual bool NextLine(const uint8_t* base, uint64_t size, uint64_t from, uint64_t limit,
                          uint64_t* line, uint64_t* problem_at, int* message_code,
                          bool* complex) = 0;
  };
  virtual std::unique_ptr<Scanner> NewScanner(uint64_t match_limit,
                                              const std::atomic<bool>* stop) const = 0;
};

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_LINE_RULE_H_
