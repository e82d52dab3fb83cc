#include "core/rule_set.h"

#include <string>
#include <utility>

#include "core/line_bounds.h"
#include "core/literal_set.h"
#include "core/scan_workers.h"

namespace hexlog::core {

namespace {

// A byte-pattern rule: the pattern's own fast Find, then the line of each hit.
class BytesRule final : public CompiledLineRule {
 public:
  explicit BytesRule(CompiledPattern pattern) : pattern_(std::move(pattern)) {}

  class BytesScanner final : public Scanner {
   public:
    explicit BytesScanner(const CompiledPattern* pattern) : pattern_(pattern) {}
    bool NextLine(const uint8_t* base, uint64_t size, uint64_t from, uint64_t limit, uint64_t* line,
                  uint64_t*, int*, bool*) override {
      uint64_t hit = 0;
      uint64_t resume = 0;
      const size_t found = pattern_->Find(base, size, from, limit, &hit, 1, &resume);
      *line = found == 0 ? limit : lines::LineStartOf(base, from, hit);
      return true;
    }

   private:
    const CompiledPattern* pattern_;
  };

  std::unique_ptr<Scanner> NewScanner(uint64_t, const std::atomic<bool>*) const override {
    return std::make_unique<BytesScanner>(&pattern_);
  }

 private:
  CompiledPattern pattern_;
};

// A regex that is nothing but literals (RegexSpec::literal_set): LiteralSet's vector filter finds
// the first occurrence of any of them, and its line is the answer. A literal holds no CR or LF, so
// an occurrence lies inside its line's text, which is where PCRE2 would find a match.
class LiteralSetRule final : public CompiledLineRule {
 public:
  explicit LiteralSetRule(std::unique_ptr<LiteralSet> literals) : literals_(std::move(literals)) {}

  class LiteralSetScanner final : public Scanner {
   public:
    explicit LiteralSetScanner(const LiteralSet* literals) : literals_(literals) {}
    bool NextLine(const uint8_t* base, uint64_t size, uint64_t from, uint64_t limit, uint64_t* line,
                  uint64_t*, int*, bool*) override {
      LiteralSet::Match first;
      uint64_t next = 0;
      const size_t found = literals_->FindMany(base, size, from, limit, &first, 1, &next);
      *line = found == 0 ? limit : lines::LineStartOf(base, from, first.start);
      return true;
    }

   private:
    const LiteralSet* literals_;
  };

  std::unique_ptr<Scanner> NewScanner(uint64_t, const std::atomic<bool>*) const override {
    return std::make_unique<LiteralSetScanner>(literals_.get());
  }

 private:
  std::unique_ptr<LiteralSet> literals_;
};

// A regex rule. PCRE2 compiles the pattern even when a literal set will scan for it, so a rule's
// errors (and ENOTSUP without PCRE2) are RegexSearch's.
Status CompileRegexRule(const RegexSpec& spec, std::unique_ptr<CompiledLineRule>* out,
                        uint64_t* error_offset) {
  Status status = RegexSearch::CompileLineRule(spec, out, error_offset);
  if (!status.ok() || spec.literal_set.empty() || spec.text != RegexSpec::Text::kBytes) {
    return status;
  }
  std::unique_ptr<LiteralSet> literals;
  status = LiteralSet::Create(spec.literal_set, spec.caseless, &literals);
  if (!status.ok()) return status;
  *out = std::make_unique<LiteralSetRule>(std::move(literals));
  return Status::Ok();
}

}  // namespace

Status RuleSet::Compile(const std::vector<LineRule>& rules, std::shared_ptr<const RuleSet>* out,
                        uint64_t* error_offset, uint64_t* error_rule) {
  *error_offset = 0;
  *error_rule = 0;
  auto compiled = std::make_shared<RuleSet>();
  for (size_t i = 0; i < rules.size(); ++i) {
    const LineRule& rule = rules[i];
    *error_rule = i;
    std::unique_ptr<CompiledLineRule> one;
    if (rule.kind == LineRule::Kind::kBytes) {
      CompiledPattern pattern;
      std::string message;
      if (!CompiledPattern::Compile(rule.bytes, {}, &pattern, &message)) {
        return scan::Invalid("rule " + std::to_string(i) + ": " + message);
      }
      one = std::make_unique<BytesRule>(std::move(pattern));
    } else {
      if (rule.regex.pattern.empty()) {
        return scan::Invalid("rule " + std::to_string(i) + " is empty");
      }
      Status status = CompileRegexRule(rule.regex, &one, error_offset);
      if (!status.ok()) return status;
    }
    compiled->compiled.push_back(std::move(one));
    compiled->excludes.push_back(rule.exclude);
    compiled->any_include = compiled->any_include || !rule.exclude;
  }
  *error_rule = 0;
  *out = std::move(compiled);
  return Status::Ok();
}

RuleOutcome MatchingLines(CompiledLineRule::Scanner* scanner, const uint8_t* base, uint64_t size,
                          uint64_t from, uint64_t to, uint64_t origin,
                          const std::atomic<bool>& stop, uint32_t* lines, size_t* count,
                          RuleProblem* problem) {
  size_t found = 0;
  while (from < to) {
    if (stop.load(std::memory_order_relaxed)) return RuleOutcome::kStopped;
    uint64_t line = to;
    bool complex = false;
    if (!scanner->NextLine(base, size, from, to, &line, &problem->at, &problem->pcre_error,
                           &complex)) {
      *count = found;
      if (problem->pcre_error == 0) return RuleOutcome::kStopped;
      return complex ? RuleOutcome::kTooComplex : RuleOutcome::kError;
    }
    if (line >= to) break;
    lines[found++] = static_cast<uint32_t>(line - origin);
    from = std::min(to, lines::LineEnd(base, line, to) + 1);
  }
  *count = found;
  return RuleOutcome::kDone;
}

Status RuleFailure(RuleOutcome outcome, const RuleProblem& problem) {
  if (outcome == RuleOutcome::kTooComplex) {
    return Status::Fail("ECOMPLEX", "ECOMPLEX: pattern too complex near offset " +
                                        std::to_string(problem.at) +
                                        ": the regex hit PCRE2's match limit on the line there; "
                                        "avoid nested quantifiers such as (a+)+");
  }
  if (outcome == RuleOutcome::kError) {
    return Status::Fail("EIO", "EIO: the regex failed near offset " + std::to_string(problem.at) +
                                   ": " + RegexSearch::ErrorMessage(problem.pcre_error));
  }
  return Status::Ok();
}

}  // namespace hexlog::core
