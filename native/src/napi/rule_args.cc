#include "napi/rule_args.h"

#include <string>
#include <utility>

#include "napi/errors.h"

namespace hexlog::napi {

namespace {

constexpr uint8_t kExclude = 1, kCaseless = 2, kWholeWord = 4, kUtf = 8, kLineMode = 16,
                  kHasMask = 32;

// [begin, end) of rule `index` in a concatenation with the given ends.
std::pair<size_t, size_t> Range(Napi::Env env, const std::vector<uint64_t>& ends, size_t index,
                                size_t total, const char* name) {
  const uint64_t begin = index == 0 ? 0 : ends[index - 1];
  const uint64_t end = ends[index];
  if (begin > end || end > total) {
    ThrowInvalidArgument(env, std::string(name) + " ends must rise and stay within the bytes");
  }
  return {static_cast<size_t>(begin), static_cast<size_t>(end)};
}

}  // namespace

std::vector<core::LineRule> RequireLineRules(const Napi::CallbackInfo& info, size_t index) {
  Napi::Env env = info.Env();
  const Napi::Uint8Array kinds = RequireUint8Array(info, index, "kinds");
  const Napi::Uint8Array flags = RequireUint8Array(info, index + 1, "flags");
  const Napi::Uint8Array patterns = RequireUint8Array(info, index + 2, "patterns");
  const std::vector<uint64_t> pattern_ends = RequireOffsetArray(info, index + 3, "patternEnds");
  const Napi::Uint8Array masks = RequireUint8Array(info, index + 4, "masks");
  const Napi::Uint8Array literals = RequireUint8Array(info, index + 5, "literals");
  const std::vector<uint64_t> literal_ends = RequireOffsetArray(info, index + 6, "literalEnds");
  const Napi::Uint8Array set_literals = RequireUint8Array(info, index + 7, "setLiterals");
  const std::vector<uint64_t> set_literal_ends =
      RequireOffsetArray(info, index + 8, "setLiteralEnds");
  const std::vector<uint64_t> set_ends = RequireOffsetArray(info, index + 9, "setEnds");
  const size_t count = kinds.ElementLength();
  if (flags.ElementLength() != count || pattern_ends.size() != count ||
      literal_ends.size() != count || set_ends.size() != count) {
    ThrowInvalidArgument(env, "kinds, flags, patternEnds, literalEnds and setEnds must be as long");
  }
  if (masks.ByteLength() != patterns.ByteLength()) {
    ThrowInvalidArgument(env, "masks must be as long as patterns");
  }
  std::vector<core::LineRule> rules(count);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t kind = kinds[i];
    const uint8_t flag = flags[i];
    if (kind > 1) ThrowInvalidArgument(env, "kinds must be 0 (bytes) or 1 (regex)");
    const auto [begin, end] = Range(env, pattern_ends, i, patterns.ByteLength(), "pattern");
    const auto [literal_begin, literal_end] =
        Range(env, literal_ends, i, literals.ByteLength(), "literal");
    const auto [set_begin, set_end] = Range(env, set_ends, i, set_literal_ends.size(), "set");
    core::LineRule& rule = rules[i];
    rule.exclude = (flag & kExclude) != 0;
    const uint8_t* pattern = patterns.Data() + begin;
    if (kind == 0) {
      rule.kind = core::LineRule::Kind::kBytes;
      rule.bytes.bytes.assign(pattern, pattern + (end - begin));
      if ((flag & kHasMask) != 0) {
        rule.bytes.mask.assign(masks.Data() + begin, masks.Data() + end);
      }
      rule.bytes.case_insensitive = (flag & kCaseless) != 0;
      rule.bytes.whole_word = (flag & kWholeWord) != 0;
      if (set_end > set_begin) ThrowInvalidArgument(env, "only a regex rule takes a literal set");
    } else {
      rule.kind = core::LineRule::Kind::kRegex;
      rule.regex.pattern.assign(reinterpret_cast<const char*>(pattern), end - begin);
      rule.regex.caseless = (flag & kCaseless) != 0;
      rule.regex.utf = (flag & kUtf) != 0;
      rule.regex.line_mode = (flag & kLineMode) != 0;
      rule.regex.required_literal.assign(
          reinterpret_cast<const char*>(literals.Data() + literal_begin),
          literal_end - literal_begin);
      for (size_t j = set_begin; j < set_end; ++j) {
        const auto [begin_byte, end_byte] =
            Range(env, set_literal_ends, j, set_literals.ByteLength(), "setLiteral");
        rule.regex.literal_set.emplace_back(
            reinterpret_cast<const char*>(set_literals.Data() + begin_byte), end_byte - begin_byte);
      }
    }
  }
  return rules;
}

}  // namespace hexlog::napi
