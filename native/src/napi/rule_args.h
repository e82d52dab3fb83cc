// The LineRule list as LineFilter and Timeline take it from JS: flattened into typed arrays by
// native/ts/lineRules.ts.
#ifndef HEXLOG_NAPI_RULE_ARGS_H_
#define HEXLOG_NAPI_RULE_ARGS_H_

#include <napi.h>

#include <cstddef>
#include <vector>

#include "core/rule_set.h"

namespace hexlog::napi {

// How many arguments the rules take.
constexpr size_t kLineRuleArgs = 10;

// info[index .. index + kLineRuleArgs) are kinds, flags, patterns, patternEnds, masks, literals,
// literalEnds, setLiterals, setLiteralEnds, setEnds: kinds[i] is 0 (bytes) or 1 (regex); flags[i]
// has bit 0 exclude, 1 ignore case, 2 whole word, 3 UTF-8, 4 line mode, 5 has a mask; rule i's
// pattern is patterns[patternEnds[i - 1] .. patternEnds[i]), its mask the same range of masks, its
// required literal likewise in literals; its literal set is the literals
// [setEnds[i - 1] .. setEnds[i]) of setLiterals, literal j being
// setLiterals[setLiteralEnds[j - 1] .. setLiteralEnds[j]) (a regex rule only). Throws EINVAL (a
// TypeError) when they do not fit together.
std::vector<core::LineRule> RequireLineRules(const Napi::CallbackInfo& info, size_t index);

}  // namespace hexlog::napi

#endif  // HEXLOG_NAPI_RULE_ARGS_H_
