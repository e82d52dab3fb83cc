// A LineRule list compiled once, for the scans that sort lines by rules (LineFilter, Timeline),
// and the lines of a window that one rule matches.
//
// A rule is a byte pattern (PatternSpec: literal, ASCII case folding, whole word, wildcards) or a
// regex (RegexSpec, PCRE2). A line matches a rule when a match starts in it (a regex: when it has
// a non-empty match, as find counts them, with the same per-line semantics as RegexSearch). A
// regex that is nothing but literals (RegexSpec::literal_set, over bytes) is scanned by LiteralSet,
// not by PCRE2, as RegexSearch scans it.
#ifndef HEXLOG_CORE_RULE_SET_H_
#define HEXLOG_CORE_RULE_SET_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/line_rule.h"
#include "core/pattern_scan.h"
#include "core/regex_search.h"
#include "core/status.h"

namespace hexlog::core {

struct LineRule {
  enum class Kind { kBytes, kRegex };
  Kind kind = Kind::kBytes;
  bool exclude = false;
  PatternSpec bytes;  // kBytes
  RegexSpec regex;    // kRegex (required_literal and literal_set as RegexSearch uses them)
};

struct RuleSet {
  std::vector<std::unique_ptr<CompiledLineRule>> compiled;
  std::vector<bool> excludes;
  bool any_include = false;

  // Compiles `rules`: EINVAL naming the rule (*error_rule its index, *error_offset where PCRE2
  // rejects a regex), ENOTSUP for a regex in a build without PCRE2.
  static Status Compile(const std::vector<LineRule>& rules, std::shared_ptr<const RuleSet>* out,
                        uint64_t* error_offset, uint64_t* error_rule);
};

enum class RuleOutcome { kDone, kStopped, kTooComplex, kError };

// Where a rule that did not finish stopped.
struct RuleProblem {
  uint64_t at = 0;     // near this offset
  int pcre_error = 0;  // PCRE2's code; 0 when stopped by the stop flag
};

// The starts of the lines in [from, to) (line starts, `to` possibly the file's end) that `scanner`
// matches, as offsets from `origin`, into lines[0 .. *count): room for one entry per line start in
// the range. Checks `stop` before each rule call. Reads the mapping and never allocates: run it
// inside the fault guard.
RuleOutcome MatchingLines(CompiledLineRule::Scanner* scanner, const uint8_t* base, uint64_t size,
                          uint64_t from, uint64_t to, uint64_t origin,
                          const std::atomic<bool>& stop, uint32_t* lines, size_t* count,
                          RuleProblem* problem);

// The error of a rule that did not finish (kTooComplex: ECOMPLEX, kError: EIO), OK otherwise.
Status RuleFailure(RuleOutcome outcome, const RuleProblem& problem);

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_RULE_SET_H_
