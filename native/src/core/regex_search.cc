#include "core/regex_search.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>

#include "core/class_run.h"
#include "core/fault_guard.h"
#include "core/literal_set.h"
#include "core/newline_scan.h"
#include "core/scan_workers.h"

#ifdef HEXLOG_HAVE_PCRE2
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif

namespace hexlog::core {

namespace {

std::atomic<int> g_live_workers{0};

}  // namespace

#ifdef HEXLOG_HAVE_PCRE2

namespace {

using scan::Bytes;
using scan::Invalid;

constexpr uint64_t kMaxChunks = 1ULL << 20;
// One chunk-wide PCRE2 call covers the whole lines starting in about this many bytes. PCRE2's match
// limit applies per start position, not per call, so the block size adapts to keep a call near a
// few milliseconds: the stop flag is read between calls, and cancel stays prompt.
constexpr uint64_t kMinBlockBytes = 1ULL << 10;
constexpr uint64_t kMaxBlockBytes = 256ULL << 10;
constexpr auto kSlowBlock = std::chrono::milliseconds(8);
constexpr auto kFastBlock = std::chrono::milliseconds(2);
// Matches one guarded scan may collect before it returns to store them (it may not allocate).
constexpr size_t kScratchMatches = 16384;

Status TooComplex(uint64_t offset) {
  return Status::Fail("ECOMPLEX", "ECOMPLEX: pattern too complex near offset " +
                                      std::to_string(offset) +
                                      ": the regex hit PCRE2's match limit on the line there; "
                                      "avoid nested quantifiers such as (a+)+");
}

// PCRE2's character tables as pcre2_maketables builds them in the "C" locale (see its source for
// the layout), with Latin-1's letter pairs added to the case tables and U+00A0 to \s, as
// JavaScript has them. Built here rather than from the process locale, so matching never depends
// on it. In UTF mode PCRE2 folds characters above 127 with Unicode data anyway.
const uint8_t* CharacterTables() {
  static const std::vector<uint8_t> tables = [] {
    constexpr size_t kCbits = 512, kCtypes = 832, kLength = 1088;
    constexpr size_t kSpace = 0, kXdigit = 32, kDigit = 64, kUpper = 96, kLower = 128, kWord = 160,
                     kGraph = 192, kPrint = 224, kPunct = 256, kCntrl = 288;
    std::vector<uint8_t> out(kLength, 0);
    const auto is_upper = [](int c) {
      return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
    };
    const auto is_lower = [](int c) {
      return (c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7);
    };
    for (int c = 0; c < 256; ++c) {
      const bool ascii_upper = c >= 'A' && c <= 'Z';
      const bool ascii_lower = c >= 'a' && c <= 'z';
      const bool digit = c >= '0' && c <= '9';
      const bool space = c == ' ' || (c >= '\t' && c <= '\r');
      const bool xdigit = digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      const bool print = c >= 0x20 && c < 0x7F;
      const bool cntrl = c < 0x20 || c == 0x7F;
      const bool alnum = ascii_upper || ascii_lower || digit;
      const uint8_t byte = static_cast<uint8_t>(c);
      out[c] = is_upper(c) ? static_cast<uint8_t>(c + 32) : byte;
      out[256 + c] = is_upper(c)   ? static_cast<uint8_t>(c + 32)
                     : is_lower(c) ? static_cast<uint8_t>(c - 32)
                                   : byte;
      const auto set = [&](size_t table, bool on) {
        if (on) out[kCbits + table + c / 8] |= static_cast<uint8_t>(1u << (c & 7));
      };
      set(kSpace, space || c == 0xA0);
      set(kXdigit, xdigit);
      set(kDigit, digit);
      set(kUpper, ascii_upper);
      set(kLower, ascii_lower);
      set(kWord, alnum || c == '_');
      set(kGraph, print && c != ' ');
      set(kPrint, print);
      set(kPunct, print && c != ' ' && !alnum);
      set(kCntrl, cntrl);
      uint8_t type = 0;
      if (space || c == 0xA0) type |= 0x01;          // ctype_space
      if (ascii_upper || ascii_lower) type |= 0x02;  // ctype_letter
      if (ascii_lower) type |= 0x04;                 // ctype_lcletter
      if (digit) type |= 0x08;                       // ctype_digit
      if (alnum || c == '_') type |= 0x10;           // ctype_word
      out[kCtypes + c] = type;
    }
    return out;
  }();
  return tables.data();
}

// One worker's PCRE2 state: match data for one pair, a JIT stack and the limits.
class Matcher {
 public:
  Matcher(const pcre2_code* code, uint64_t match_limit) {
    data_ = pcre2_match_data_create(1, nullptr);
    context_ = pcre2_match_context_create(nullptr);
    // Up to 256 MiB, grown only as a match needs it: a repeated group over a multi-MB line needs
    // tens of MiB, and hitting the ceiling fails the search.
    stack_ = pcre2_jit_stack_create(32 * 1024, 256 * 1024 * 1024, nullptr);
    if (context_ != nullptr) {
      if (stack_ != nullptr) pcre2_jit_stack_assign(context_, nullptr, stack_);
      pcre2_set_match_limit(context_,
                            static_cast<uint32_t>(std::min<uint64_t>(match_limit, UINT32_MAX)));
      pcre2_set_depth_limit(context_, 100000);
      pcre2_set_heap_limit(context_, 64 * 1024);  // KiB, for the interpreter
    }
    code_ = code;
  }
  ~Matcher() {
    pcre2_match_data_free(data_);
    pcre2_match_context_free(context_);
    pcre2_jit_stack_free(stack_);
  }
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  bool ok() const { return data_ != nullptr && context_ != nullptr; }

  // rc as pcre2_match; on a match, [*start, *end) relative to subject.
  int Match(const uint8_t* subject, uint64_t length, uint64_t from, uint64_t* start,
            uint64_t* end) const {
    const int rc = pcre2_match(code_, subject, static_cast<PCRE2_SIZE>(length),
                               static_cast<PCRE2_SIZE>(from), 0, data_, context_);
    if (rc >= 0) {
      const PCRE2_SIZE* vector = pcre2_get_ovector_pointer(data_);
      *start = vector[0];
      *end = vector[1];
    }
    return rc;
  }

 private:
  const pcre2_code* code_ = nullptr;
  pcre2_match_data* data_ = nullptr;
  pcre2_match_context* context_ = nullptr;
  pcre2_jit_stack* stack_ = nullptr;
};

bool IsLimit(int rc) {
  return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
         rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
}

}  // namespace

struct RegexSearch::Compiled {
  pcre2_code* code = nullptr;
  RegexSpec::Text text = RegexSpec::Text::kBytes;
  bool utf = true;
  bool line_mode = false;
  bool jit = false;
  std::string literal;                      // RegexSpec::required_literal
  std::unique_ptr<LiteralSet> literal_set;  // RegexSpec::literal_set, when given
  std::unique_ptr<ClassRun> class_run;      // RegexSpec::class_members, when given
  ~Compiled() { pcre2_code_free(code); }
};

namespace {

enum class Outcome { kDone, kFull, kStopped, kTooComplex, kTooLong, kError };

// What one guarded scan of a chunk's lines reads and writes. It never allocates.
struct ScanState {
  const uint8_t* base = nullptr;
  uint64_t region_start = 0;  // the chunk's first line start
  uint64_t region_end = 0;    // the next chunk's first line start (or the file's end)
  bool utf = true;
  bool line_mode = false;
  const std::atomic<bool>* stop = nullptr;
  const Matcher* matcher = nullptr;
  // Where the next scan continues, and the start of the line holding it.
  uint64_t pos = 0;
  uint64_t line_start = 0;
  // Pairs (offset from region_start, length).
  uint32_t* out = nullptr;
  size_t capacity = 0;  // pairs
  size_t count = 0;
  uint64_t problem_at = 0;  // ECOMPLEX: where the call started
  int pcre_error = 0;
  uint64_t block_bytes = kMinBlockBytes;  // adapted to how long blocks take
  // The required literal, and whether it still filters lines in this chunk.
  const uint8_t* literal = nullptr;
  size_t literal_length = 0;
  bool prefilter = false;
  uint64_t candidates = 0;                  // lines the literal let through in this chunk
  uint64_t filtered_bytes = 0;              // bytes those lines and the skips between them covered
  const LiteralSet* literal_set = nullptr;  // scans the chunk instead of PCRE2 when set
  const ClassRun* class_run = nullptr;      // likewise
  bool count_only = false;                  // count matches, record none (never kFull)
};

// Candidate lines per chunk before the prefilter judges whether it pays, and the bytes per
// candidate under which it stops (the literal is on most lines: blocks of lines are faster).
constexpr uint64_t kPrefilterProbe = 64;
constexpr uint64_t kPrefilterMinBytesPerLine = 1024;

// The first occurrence of the literal in [from, limit), or `limit`.
uint64_t FindLiteral(const ScanState& state, uint64_t from, uint64_t limit) {
  if (limit - from < state.literal_length) return limit;
#if defined(_WIN32)
  const uint8_t* begin = state.base + from;
  const uint8_t* end = state.base + limit;
  const uint8_t* found =
      std::search(begin, end, state.literal, state.literal + state.literal_length);
  return found == end ? limit : static_cast<uint64_t>(found - state.base);
#else
  const void* found = memmem(state.base + from, static_cast<size_t>(limit - from), state.literal,
                             state.literal_length);
  return found == nullptr ? limit
                          : static_cast<uint64_t>(static_cast<const uint8_t*>(found) - state.base);
#endif
}

// The end of the line starting at or before `from`: the offset of its LF, or `limit`.
uint64_t LineEnd(const uint8_t* base, uint64_t from, uint64_t limit) {
  const void* found = std::memchr(base + from, '\n', static_cast<size_t>(limit - from));
  return found == nullptr ? limit
                          : static_cast<uint64_t>(static_cast<const uint8_t*>(found) - base);
}

// The end of a line's text: before one CR that ends it.
uint64_t TextEnd(const uint8_t* base, uint64_t line_start, uint64_t line_end) {
  return line_end > line_start && base[line_end - 1] == '\r' ? line_end - 1 : line_end;
}

// One character on from `at` (UTF-8 continuation bytes skipped), at most to `limit`.
uint64_t NextCharacter(const ScanState& state, uint64_t at, uint64_t limit) {
  uint64_t next = at + 1;
  if (state.utf) {
    while (next < limit && next - at < 4 && (state.base[next] & 0xC0) == 0x80) ++next;
  }
  return next;
}

// Records a match; false (nothing recorded) when the scratch is full or the offset does not fit.
Outcome Record(ScanState* state, uint64_t start, uint64_t end) {
  if (state->count_only) {
    ++state->count;
    return Outcome::kDone;
  }
  if (state->count == state->capacity) return Outcome::kFull;
  const uint64_t relative = start - state->region_start;
  if (relative > UINT32_MAX || end - start > UINT32_MAX) return Outcome::kTooLong;
  state->out[2 * state->count] = static_cast<uint32_t>(relative);
  state->out[2 * state->count + 1] = static_cast<uint32_t>(end - start);
  ++state->count;
  return Outcome::kDone;
}

// The matches of one line's text [line_start, text_end) from `from`, as JavaScript finds them:
// non-overlapping, empty ones skipped. kDone when the line is finished; on kFull, state->pos is
// the match that did not fit.
Outcome MatchLine(ScanState* state, uint64_t line_start, uint64_t text_end, uint64_t from) {
  const uint64_t length = text_end - line_start;
  uint64_t offset = from - line_start;
  while (offset <= length) {
    if (state->stop->load(std::memory_order_relaxed)) return Outcome::kStopped;
    uint64_t start = 0;
    uint64_t end = 0;
    const int rc = state->matcher->Match(state->base + line_start, length, offset, &start, &end);
    if (rc == PCRE2_ERROR_NOMATCH) return Outcome::kDone;
    if (rc < 0) {
      state->problem_at = line_start + offset;
      state->pcre_error = rc;
      return IsLimit(rc) ? Outcome::kTooComplex : Outcome::kError;
    }
    if (end == start) {
      offset = NextCharacter(*state, line_start + start, text_end) - line_start;
      continue;
    }
    const Outcome recorded = Record(state, line_start + start, line_start + end);
    if (recorded != Outcome::kDone) {
      state->pos = line_start + start;
      state->line_start = line_start;
      return recorded;
    }
    offset = end;
  }
  return Outcome::kDone;
}

// Matches every line from state->pos (in the line starting at state->line_start) up to `limit` (a
// line start), each line on its own.
Outcome ScanLines(ScanState* state, uint64_t limit) {
  while (state->line_start < limit) {
    const uint64_t line_start = state->line_start;
    const uint64_t line_end = LineEnd(state->base, std::max(line_start, state->pos), limit);
    const Outcome outcome = MatchLine(state, line_start, TextEnd(state->base, line_start, line_end),
                                      std::max(line_start, state->pos));
    if (outcome != Outcome::kDone) return outcome;
    state->line_start = std::min(limit, line_end + 1);
    state->pos = state->line_start;
  }
  return Outcome::kDone;
}

// The first line start at or after `at` (at most `limit`, itself a line start).
uint64_t LineStartAtOrAfter(const uint8_t* base, uint64_t at, uint64_t limit) {
  if (at >= limit) return limit;
  if (at == 0 || base[at - 1] == '\n') return at;
  const uint64_t line_end = LineEnd(base, at, limit);
  return std::min(limit, line_end + 1);
}

// The lines in [state->line_start, block_end) (block_end a line start), from state->pos, with as
// few PCRE2 calls as the matches allow.
Outcome ScanBlock(ScanState* state, uint64_t block_end) {
  const uint8_t* base = state->base;
  // The lines in [line_start, block_end) at once; matches past a line's text re-run that line.
  // known_end: the end (LF) of the line starting at state->line_start, when known.
  bool known = false;
  uint64_t known_end = 0;
  while (true) {
    if (state->stop->load(std::memory_order_relaxed)) return Outcome::kStopped;
    if (state->pos >= block_end) {
      state->pos = block_end;
      state->line_start = block_end;
      return Outcome::kDone;
    }
    const uint64_t subject = state->line_start;
    uint64_t start = 0;
    uint64_t end = 0;
    const int rc = state->matcher->Match(base + subject, block_end - subject, state->pos - subject,
                                         &start, &end);
    if (rc == PCRE2_ERROR_NOMATCH) {
      state->pos = block_end;
      state->line_start = block_end;
      return Outcome::kDone;
    }
    if (rc < 0) {
      if (!IsLimit(rc)) {
        state->problem_at = state->pos;
        state->pcre_error = rc;
        return Outcome::kError;
      }
      // Too much for one block: each line gets the limit to itself.
      return ScanLines(state, block_end);
    }
    start += subject;
    end += subject;
    // The line holding the match (a match at a LF belongs to the line that LF ends).
    if (!known || start > known_end) {
      uint64_t line_start = start;
      const uint64_t floor = known ? known_end + 1 : state->line_start;
      while (line_start > floor && base[line_start - 1] != '\n') --line_start;
      state->line_start = line_start;
      known_end = LineEnd(base, start, block_end);
      known = true;
    }
    const uint64_t line_start = state->line_start;
    const uint64_t text_end = TextEnd(base, line_start, known_end);
    if (end == start) {
      state->pos = NextCharacter(*state, start, block_end);
      if (start < block_end && base[start] == '\n') {
        state->line_start = state->pos;
        known = false;
      }
      continue;
    }
    if (end <= text_end) {
      const Outcome recorded = Record(state, start, end);
      if (recorded != Outcome::kDone) {
        state->pos = start;
        return recorded;
      }
      state->pos = end;
      continue;
    }
    // Past the line's text (into its CR or LF, or beyond): this line as JavaScript sees it.
    state->pos = std::min(start, text_end);
    const Outcome outcome = MatchLine(state, line_start, text_end, state->pos);
    if (outcome != Outcome::kDone) return outcome;
    state->line_start = std::min(block_end, known_end + 1);
    state->pos = state->line_start;
    known = false;
  }
}

// Matches only the lines holding the required literal, each on its own, from state->pos to the
// chunk's end; returns kDone with state->prefilter cleared where it stops paying (the caller goes
// on from state->pos with blocks of lines).
Outcome ScanCandidates(ScanState* state) {
  const uint8_t* base = state->base;
  while (state->line_start < state->region_end) {
    if (!state->line_mode && state->candidates >= kPrefilterProbe &&
        state->filtered_bytes < state->candidates * kPrefilterMinBytesPerLine) {
      state->prefilter = false;
      return Outcome::kDone;
    }
    const uint64_t from = std::max(state->pos, state->line_start);
    const uint64_t hit = FindLiteral(*state, from, state->region_end);
    if (hit == state->region_end) {
      state->filtered_bytes += state->region_end - from;
      state->pos = state->region_end;
      state->line_start = state->region_end;
      return Outcome::kDone;
    }
    // The hit's line: the current one unless a LF lies between.
    uint64_t line_start = hit;
    while (line_start > from && base[line_start - 1] != '\n') --line_start;
    if (line_start > from ||
        (line_start == from && from > state->line_start && base[from - 1] == '\n')) {
      state->line_start = line_start;
      state->pos = line_start;
    }
    const uint64_t line_end = LineEnd(base, hit, state->region_end);
    const uint64_t next = std::min(state->region_end, line_end + 1);
    // The line as a block of one, as the block scan sees it (a line on its own only in line mode).
    const Outcome outcome = state->line_mode
                                ? MatchLine(state, state->line_start,
                                            TextEnd(base, state->line_start, line_end), state->pos)
                                : ScanBlock(state, next);
    if (outcome != Outcome::kDone) return outcome;
    state->filtered_bytes += next - from;
    ++state->candidates;
    state->line_start = next;
    state->pos = next;
  }
  return Outcome::kDone;
}

// Bytes a literal-set scan covers between reads of the stop flag, and matches it finds per call.
constexpr uint64_t kLiteralBlockBytes = 256ULL << 10;
constexpr size_t kLiteralBatch = 256;

// The chunk's matches from state->pos to its end with a scanner of its own (LiteralSet or
// ClassRun), not PCRE2. Their literals and classes hold no CR or LF, so a match is inside one
// line's text and the chunk's end (after a LF) bounds it exactly. A class run only counts when
// asked to.
template <typename Finder>
Outcome ScanDirect(ScanState* state, const Finder& finder) {
  typename Finder::Match batch[kLiteralBatch];
  while (state->pos < state->region_end) {
    if (state->stop->load(std::memory_order_relaxed)) return Outcome::kStopped;
    const uint64_t block_end = std::min(state->region_end, state->pos + kLiteralBlockBytes);
    if constexpr (std::is_same_v<Finder, ClassRun>) {
      if (state->count_only) {
        uint64_t next = 0;
        state->count += finder.Count(state->base, state->region_end, state->pos, block_end, &next);
        state->pos = next;
        continue;
      }
    }
    while (state->pos < block_end) {
      uint64_t next = 0;
      const size_t found = finder.FindMany(state->base, state->region_end, state->pos, block_end,
                                           batch, kLiteralBatch, &next);
      for (size_t i = 0; i < found; ++i) {
        const Outcome recorded = Record(state, batch[i].start, batch[i].start + batch[i].length);
        if (recorded != Outcome::kDone) {
          state->pos = batch[i].start;
          return recorded;
        }
      }
      state->pos = next;
    }
  }
  state->line_start = state->region_end;
  return Outcome::kDone;
}

// Scans the chunk's lines from state->pos to its end, a block of lines per PCRE2 call.
Outcome ScanChunk(ScanState* state) {
  const uint8_t* base = state->base;
  if (state->class_run != nullptr) return ScanDirect(state, *state->class_run);
  if (state->literal_set != nullptr) return ScanDirect(state, *state->literal_set);
  if (state->prefilter) {
    const Outcome outcome = ScanCandidates(state);
    if (outcome != Outcome::kDone || state->prefilter) return outcome;
  }
  while (state->pos < state->region_end || state->line_start < state->region_end) {
    if (state->stop->load(std::memory_order_relaxed)) return Outcome::kStopped;
    const uint64_t block_end = LineStartAtOrAfter(
        base,
        std::min(state->region_end, std::max(state->pos, state->line_start) + state->block_bytes),
        state->region_end);
    const auto began = std::chrono::steady_clock::now();
    if (state->line_mode) {
      const Outcome outcome = ScanLines(state, block_end);
      if (outcome != Outcome::kDone) return outcome;
      continue;
    }
    const Outcome outcome = ScanBlock(state, block_end);
    if (outcome != Outcome::kDone) return outcome;
    const auto took = std::chrono::steady_clock::now() - began;
    if (took > kSlowBlock) {
      state->block_bytes = std::max(kMinBlockBytes, state->block_bytes / 4);
    } else if (took < kFastBlock) {
      state->block_bytes = std::min(kMaxBlockBytes, state->block_bytes * 2);
    }
  }
  return Outcome::kDone;
}

}  // namespace

bool RegexSearch::Available() { return true; }

std::string RegexSearch::Version() {
  char version[64] = {0};
  pcre2_config(PCRE2_CONFIG_VERSION, version);
  return version;
}

bool RegexSearch::jit() const { return compiled_->jit; }

// Compiles `spec` with the options every search uses; EINVAL with PCRE2's message and offset.
Status RegexSearch::CompilePattern(const RegexSpec& spec, std::unique_ptr<Compiled>* out,
                                   uint64_t* error_offset) {
  *error_offset = 0;
  pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
  if (context == nullptr) return Status::Fail("ENOMEM", "ENOMEM: no memory to compile the regex");
  pcre2_set_character_tables(context, CharacterTables());
  // Only LF ends a line; the caller writes $ as (?=\r?$) so that it also holds before CR LF.
  pcre2_set_newline(context, PCRE2_NEWLINE_LF);
  // ALT_BSUX and ALLOW_EMPTY_CLASS: \uHHHH, \xHH, [] and [^] as JavaScript reads them.
  // MATCH_UNSET_BACKREF: a reference to a group that has not matched matches empty, as in
  // JavaScript.
  uint32_t flags =
      PCRE2_MULTILINE | PCRE2_ALT_BSUX | PCRE2_ALLOW_EMPTY_CLASS | PCRE2_MATCH_UNSET_BACKREF;
  if (spec.utf) flags |= PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  if (spec.caseless) flags |= PCRE2_CASELESS;
  int error_code = 0;
  PCRE2_SIZE offset = 0;
  auto compiled = std::make_unique<Compiled>();
  compiled->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(spec.pattern.data()),
                                 spec.pattern.size(), flags, &error_code, &offset, context);
  pcre2_compile_context_free(context);
  if (compiled->code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error_code, message, sizeof(message));
    *error_offset = offset;
    return Invalid(std::string(reinterpret_cast<const char*>(message)) + " at pattern offset " +
                   std::to_string(offset));
  }
  compiled->jit = pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE) == 0;
  compiled->utf = spec.utf;
  compiled->text = spec.text;
  compiled->line_mode = spec.line_mode;
  compiled->literal = spec.required_literal;
  if (!spec.literal_set.empty()) {
    Status set_ok = LiteralSet::Create(spec.literal_set, spec.caseless, &compiled->literal_set);
    if (!set_ok.ok()) return set_ok;
  }
  if (!spec.class_members.empty()) {
    Status run_ok =
        ClassRun::Create(spec.class_members, spec.class_min, spec.class_max, &compiled->class_run);
    if (!run_ok.ok()) return run_ok;
  }
  *out = std::move(compiled);
  return Status::Ok();
}

Status RegexSearch::CheckPattern(const RegexSpec& spec, uint64_t* error_offset) {
  if (spec.pattern.empty()) return Invalid("the pattern is empty");
  std::unique_ptr<Compiled> compiled;
  return CompilePattern(spec, &compiled, error_offset);
}

Status RegexSearch::Create(std::shared_ptr<const FileMapping> file, const RegexSpec& spec,
                           const RegexSearchOptions& options, std::unique_ptr<RegexSearch>* out,
                           uint64_t* error_offset) {
  *error_offset = 0;
  if (file == nullptr) return Invalid("the file is not open");
  if (spec.pattern.empty()) return Invalid("the pattern is empty");
  const unsigned threads = options.threads == 0 ? scan::DefaultThreadCount(2) : options.threads;
  Status threads_ok = scan::CheckThreadCount(threads, kMaxThreads);
  if (!threads_ok.ok()) return threads_ok;
  uint64_t chunk_bytes = options.chunk_bytes == 0 ? kDefaultChunkBytes : options.chunk_bytes;
  if (chunk_bytes > kMaxChunkBytes) {
    return Invalid("chunkBytes must be from 1 to " + std::to_string(kMaxChunkBytes) + ", got " +
                   std::to_string(chunk_bytes));
  }
  chunk_bytes = std::max(chunk_bytes, (file->size() + kMaxChunks - 1) / kMaxChunks);
  if (chunk_bytes > kMaxChunkBytes) return ErrnoStatus(EFBIG, file->path());
  const uint64_t match_limit = options.match_limit == 0 ? kDefaultMatchLimit : options.match_limit;

  std::unique_ptr<Compiled> compiled;
  Status compiled_ok = CompilePattern(spec, &compiled, error_offset);
  if (!compiled_ok.ok()) return compiled_ok;

  std::unique_ptr<RegexSearch> search(
      new RegexSearch(std::move(file), std::move(compiled), threads, chunk_bytes, match_limit));
  {
    RegexSearch* self = search.get();
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->chunks_.reserve(static_cast<size_t>((self->size_ + chunk_bytes - 1) / chunk_bytes));
    self->AddChunksLocked(0, self->size_, chunk_bytes, kMaxChunks);
    if (self->chunks_.empty()) self->FinishLocked();
    self->StartWorkersLocked(&g_live_workers, "search", [self] { self->WorkerMain(); });
    if (!self->error_.ok()) return self->error_;
  }
  *out = std::move(search);
  return Status::Ok();
}

namespace {

// A UTF-16 chunk's region larger than this is refused (its transcoding and offset map would
// need 7 bytes of memory a byte).
constexpr uint64_t kMaxUtf16Region = 64ULL << 20;

// The first UTF-16 line start at or after `at` (rounded up to even), at most `limit`.
uint64_t Utf16LineStartAtOrAfter(const uint8_t* base, uint64_t at, uint64_t limit,
                                 TextEncoding encoding) {
  at += at & 1;
  if (at >= limit) return limit;
  if (at == 0) return 0;
  const uint8_t* newline = FindNewline(encoding, base + at - 2, base + limit);
  return newline == nullptr ? limit : std::min<uint64_t>(limit, newline - base + 2);
}

// UTF-16 text as UTF-8 for PCRE2, with each UTF-8 byte's source offset (the character's first
// byte; origin[returned count] = length). Never allocates: `out` and `origin` hold 3 entries per
// source unit plus 4.
size_t TranscodeUtf16(const uint8_t* source, uint64_t length, bool big_endian, uint8_t* out,
                      uint32_t* origin) {
  size_t n = 0;
  const auto unit = [&](uint64_t at) -> uint32_t {
    return big_endian ? (static_cast<uint32_t>(source[at]) << 8) | source[at + 1]
                      : source[at] | (static_cast<uint32_t>(source[at + 1]) << 8);
  };
  const auto put = [&](uint32_t code_point, uint64_t from) {
    const auto from32 = static_cast<uint32_t>(from);
    if (code_point < 0x80) {
      origin[n] = from32;
      out[n++] = static_cast<uint8_t>(code_point);
      return;
    }
    const int extra = code_point < 0x800 ? 1 : code_point < 0x10000 ? 2 : 3;
    static constexpr uint8_t kLead[] = {0, 0xC0, 0xE0, 0xF0};
    origin[n] = from32;
    out[n++] = static_cast<uint8_t>(kLead[extra] | (code_point >> (6 * extra)));
    for (int i = extra - 1; i >= 0; --i) {
      origin[n] = from32;
      out[n++] = static_cast<uint8_t>(0x80 | ((code_point >> (6 * i)) & 0x3F));
    }
  };
  uint64_t at = 0;
  while (at + 1 < length) {
    uint32_t code = unit(at);
    if (code >= 0xD800 && code <= 0xDBFF && at + 3 < length) {
      const uint32_t low = unit(at + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        put(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), at);
        at += 4;
        continue;
      }
    }
    if (code >= 0xD800 && code <= 0xDFFF) code = 0xFFFD;
    put(code, at);
    at += 2;
  }
  if (at < length) put(0xFFFD, at);  // an odd last byte
  origin[n] = static_cast<uint32_t>(length);
  return n;
}

}  // namespace

void RegexSearch::WorkerMain() {
  std::vector<uint32_t> scratch(2 * kScratchMatches);
  std::vector<uint8_t> utf8;     // UTF-16 only: the chunk as UTF-8
  std::vector<uint32_t> origin;  // and each UTF-8 byte's offset in the chunk
  std::vector<uint32_t> collected;
  Matcher matcher(compiled_->code, match_limit_);
  uint64_t block_bytes = kMinBlockBytes;
  std::unique_lock<std::mutex> lock(mutex_);
  if (!matcher.ok()) {
    scan::RecordErrorLocked(Status::Fail("ENOMEM", "ENOMEM: no memory to run the regex"), &error_,
                            &stop_);
  }
  while (!stop_.load() && next_job_ < chunks_.size()) {
    const size_t chunk_index = next_job_++;
    const uint64_t nominal_start = chunks_[chunk_index].start;
    const uint64_t nominal_end = chunks_[chunk_index].end;
    std::shared_ptr<const FileMapping> file = file_;
    lock.unlock();

    ScanState state;
    state.base = Bytes(*file);
    state.utf = compiled_->utf;
    state.line_mode = compiled_->line_mode;
    state.stop = &stop_;
    state.matcher = &matcher;
    state.out = scratch.data();
    state.capacity = kScratchMatches;
    state.block_bytes = block_bytes;
    state.literal = reinterpret_cast<const uint8_t*>(compiled_->literal.data());
    state.literal_length = compiled_->literal.size();
    state.prefilter = !compiled_->literal.empty();
    state.literal_set = compiled_->literal_set.get();
    state.class_run = compiled_->class_run.get();
    // Fast scans that cannot fail only count; their matches are found again when read.
    const bool counted = compiled_->text == RegexSpec::Text::kBytes &&
                         (state.literal_set != nullptr || state.class_run != nullptr);
    state.count_only = counted;
    const uint64_t size = file->size();
    const RegexSpec::Text text = compiled_->text;
    const TextEncoding utf16 =
        text == RegexSpec::Text::kUtf16Be ? TextEncoding::kUtf16Be : TextEncoding::kUtf16Le;
    bool read = guarded([&] {
      if (text == RegexSpec::Text::kBytes) {
        state.region_start = LineStartAtOrAfter(state.base, nominal_start, size);
        state.region_end = LineStartAtOrAfter(state.base, nominal_end, size);
      } else {
        state.region_start = Utf16LineStartAtOrAfter(state.base, nominal_start, size, utf16);
        state.region_end = Utf16LineStartAtOrAfter(state.base, nominal_end, size, utf16);
      }
    });
    state.region_end = std::max(state.region_end, state.region_start);
    // A UTF-16 chunk is matched as UTF-8 in `utf8`; its matches are mapped back below.
    const uint64_t file_region_start = state.region_start;
    const uint64_t file_region_end = state.region_end;
    Status status;
    if (read && text != RegexSpec::Text::kBytes) {
      const uint64_t length = file_region_end - file_region_start;
      if (length > kMaxUtf16Region) {
        status = Status::Fail("EFBIG", "EFBIG: a UTF-16 line over 64 MiB near offset " +
                                           std::to_string(file_region_start) + " in " + path_ +
                                           ": too long for the native regex engine");
        read = false;
      } else {
        const size_t capacity = static_cast<size_t>(length / 2 * 3 + 4);
        if (utf8.size() < capacity) {
          utf8.resize(capacity);
          origin.resize(capacity + 1);
        }
        size_t converted = 0;
        read = guarded([&] {
          converted = TranscodeUtf16(state.base + file_region_start, length,
                                     text == RegexSpec::Text::kUtf16Be, utf8.data(), origin.data());
        });
        state.base = utf8.data();
        state.region_start = 0;
        state.region_end = converted;
      }
    }
    state.pos = state.region_start;
    state.line_start = state.region_start;
    collected.clear();
    bool finished = false;
    while (read) {
      state.count = 0;
      Outcome outcome = Outcome::kDone;
      read = guarded([&] { outcome = ScanChunk(&state); });
      if (!read) break;
      if (!state.count_only) {
        collected.insert(collected.end(), scratch.begin(),
                         scratch.begin() + static_cast<std::ptrdiff_t>(2 * state.count));
      }
      if (outcome == Outcome::kFull) continue;
      if (outcome == Outcome::kDone) finished = true;
      if (outcome == Outcome::kTooComplex) status = TooComplex(state.problem_at);
      if (outcome == Outcome::kTooLong) {
        status = Status::Fail("EFBIG", "EFBIG: a line over 4 GiB near offset " +
                                           std::to_string(file_region_start) + " in " + path_);
      }
      if (outcome == Outcome::kError) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(state.pcre_error, message, sizeof(message));
        status = Status::Fail("EIO", "EIO: the regex failed near offset " +
                                         std::to_string(state.problem_at) + ": " +
                                         reinterpret_cast<const char*>(message));
      }
      break;
    }
    if (!read && status.ok()) status = file->FaultWhileAccessing();
    if (text != RegexSpec::Text::kBytes && finished) {
      // UTF-8 offsets in the chunk back to the file's UTF-16 bytes.
      for (size_t i = 0; i < collected.size(); i += 2) {
        const uint32_t start = origin[collected[i]];
        collected[i + 1] = origin[collected[i] + collected[i + 1]] - start;
        collected[i] = start;
      }
    }
    if (text != RegexSpec::Text::kBytes && status.code() == std::string("ECOMPLEX")) {
      status = TooComplex(file_region_start +
                          origin[std::min<uint64_t>(state.problem_at, state.region_end)]);
    }
    state.region_start = file_region_start;
    state.region_end = file_region_end;
    block_bytes = state.block_bytes;
    file.reset();

    lock.lock();
    if (!status.ok()) {
      scan::RecordErrorLocked(status, &error_, &stop_);
      break;
    }
    if (!finished || stop_.load()) break;
    Chunk& chunk = chunks_[chunk_index];
    chunk.start = state.region_start;
    chunk.end = state.region_end;
    chunk.counted = counted;
    chunk.match_count = counted ? state.count : 0;
    if (!counted) chunk.matches = std::vector<uint32_t>(collected.begin(), collected.end());
    result_bytes_ += chunk.matches.capacity() * sizeof(uint32_t);
    chunk.complete = true;
    AdvancePrefixLocked();
  }
  lock.unlock();
  running_.fetch_sub(1);
  g_live_workers.fetch_sub(1);
}

// A regex rule of a LineFilter: the lines with a non-empty match, as RegexSearch finds matches.
namespace {

class RegexLineRule final : public CompiledLineRule {
 public:
  explicit RegexLineRule(std::unique_ptr<RegexSearch::Compiled> compiled)
      : compiled_(std::move(compiled)) {}

  class RegexScanner final : public Scanner {
   public:
    RegexScanner(const RegexSearch::Compiled* compiled, uint64_t match_limit,
                 const std::atomic<bool>* stop)
        : compiled_(compiled), matcher_(compiled->code, match_limit), stop_(stop) {}

    bool NextLine(const uint8_t* base, uint64_t, uint64_t from, uint64_t limit, uint64_t* line,
                  uint64_t* problem_at, int* message_code, bool* complex) override {
      *line = limit;
      int rc = 0;
      if (!compiled_->literal.empty())
        return NextByLiteral(base, from, limit, line, problem_at, message_code, complex);
      if (compiled_->line_mode) {
        for (uint64_t start = from; start < limit;) {
          if (stop_->load(std::memory_order_relaxed)) return Fail(0, message_code, complex);
          const uint64_t end = LineEnd(base, start, limit);
          if (!LineHasMatch(base, start, TextEnd(base, start, end), &rc, problem_at)) {
            return Fail(rc, message_code, complex);
          }
          if (rc == 1) {
            *line = start;
            return true;
          }
          start = std::min(limit, end + 1);
        }
        return true;
      }
      // Blocks of lines: PCRE2 finds the next match; the first line whose own match is non-empty
      // (and within its text) is the answer. Blocks adapt as RegexSearch's do, so the stop flag is
      // read every few milliseconds.
      uint64_t line_start = from;
      uint64_t pos = from;
      while (pos < limit) {
        if (stop_->load(std::memory_order_relaxed)) return Fail(0, message_code, complex);
        uint64_t block_end = std::min(limit, pos + block_bytes_);
        if (block_end < limit) block_end = std::min(limit, LineEnd(base, block_end, limit) + 1);
        uint64_t start = 0;
        uint64_t end = 0;
        const auto began = std::chrono::steady_clock::now();
        rc = matcher_.Match(base + line_start, block_end - line_start, pos - line_start, &start,
                            &end);
        const auto took = std::chrono::steady_clock::now() - began;
        if (took > kSlowBlock) {
          block_bytes_ = std::max(kMinBlockBytes, block_bytes_ / 4);
        } else if (took < kFastBlock) {
          block_bytes_ = std::min(kMaxBlockBytes, block_bytes_ * 2);
        }
        if (rc == PCRE2_ERROR_NOMATCH) {
          pos = block_end;
          line_start = block_end;
          continue;
        }
        if (rc < 0) {
          if (!IsLimit(rc)) {
            *problem_at = pos;
            return Fail(rc, message_code, complex);
          }
          // Too much for one block: each line gets the limit to itself.
          for (uint64_t each = line_start; each < block_end;) {
            const uint64_t each_end = LineEnd(base, each, block_end);
            if (!LineHasMatch(base, each, TextEnd(base, each, each_end), &rc, problem_at)) {
              return Fail(rc, message_code, complex);
            }
            if (rc == 1) {
              *line = each;
              return true;
            }
            each = std::min(block_end, each_end + 1);
          }
          pos = block_end;
          line_start = block_end;
          continue;
        }
        start += line_start;
        end += line_start;
        uint64_t here = start;
        while (here > line_start && base[here - 1] != '\n') --here;
        line_start = here;
        const uint64_t line_end = LineEnd(base, start, limit);
        const uint64_t text_end = TextEnd(base, line_start, line_end);
        if (end > start && end <= text_end) {
          *line = line_start;
          return true;
        }
        if (end > start) {
          // Past the line's text: the line as JavaScript sees it.
          if (!LineHasMatch(base, line_start, text_end, &rc, problem_at)) {
            return Fail(rc, message_code, complex);
          }
          if (rc == 1) {
            *line = line_start;
            return true;
          }
          line_start = std::min(limit, line_end + 1);
          pos = line_start;
          continue;
        }
        pos = Next(base, start, limit);
        if (start < limit && base[start] == '\n') line_start = pos;
      }
      return true;
    }

   private:
    // Only the lines holding the required literal can match.
    bool NextByLiteral(const uint8_t* base, uint64_t from, uint64_t limit, uint64_t* line,
                       uint64_t* problem_at, int* message_code, bool* complex) {
      const std::string& literal = compiled_->literal;
      uint64_t at = from;
      while (at < limit) {
        if (stop_->load(std::memory_order_relaxed)) return Fail(0, message_code, complex);
        const uint64_t hit = FindBytes(base, at, limit, literal);
        if (hit >= limit) return true;
        uint64_t line_start = hit;
        while (line_start > at && base[line_start - 1] != '\n') --line_start;
        const uint64_t line_end = LineEnd(base, hit, limit);
        int rc = 0;
        if (!LineHasMatch(base, line_start, TextEnd(base, line_start, line_end), &rc, problem_at)) {
          return Fail(rc, message_code, complex);
        }
        if (rc == 1) {
          *line = line_start;
          return true;
        }
        at = std::min(limit, line_end + 1);
      }
      return true;
    }

    static uint64_t FindBytes(const uint8_t* base, uint64_t from, uint64_t limit,
                              const std::string& literal) {
      if (limit - from < literal.size()) return limit;
#if defined(_WIN32)
      const uint8_t* begin = base + from;
      const uint8_t* end = base + limit;
      const auto* bytes = reinterpret_cast<const uint8_t*>(literal.data());
      const uint8_t* found = std::search(begin, end, bytes, bytes + literal.size());
      return found == end ? limit : static_cast<uint64_t>(found - base);
#else
      const void* found =
          memmem(base + from, static_cast<size_t>(limit - from), literal.data(), literal.size());
      return found == nullptr ? limit
                              : static_cast<uint64_t>(static_cast<const uint8_t*>(found) - base);
#endif
    }

    // *rc = 1 when the line [start, text_end) has a non-empty match, 0 when not; false on a
    // PCRE2 failure (*rc its code, *problem_at where).
    bool LineHasMatch(const uint8_t* base, uint64_t start, uint64_t text_end, int* rc,
                      uint64_t* problem_at) const {
      const uint64_t length = text_end - start;
      uint64_t offset = 0;
      while (offset <= length) {
        uint64_t match_start = 0;
        uint64_t match_end = 0;
        const int result = matcher_.Match(base + start, length, offset, &match_start, &match_end);
        if (result == PCRE2_ERROR_NOMATCH) break;
        if (result < 0) {
          *rc = result;
          *problem_at = start + offset;
          return false;
        }
        if (match_end > match_start) {
          *rc = 1;
          return true;
        }
        offset = Next(base, start + match_start, text_end) - start;
      }
      *rc = 0;
      return true;
    }

    uint64_t Next(const uint8_t* base, uint64_t at, uint64_t limit) const {
      uint64_t next = at + 1;
      if (compiled_->utf) {
        while (next < limit && next - at < 4 && (base[next] & 0xC0) == 0x80) ++next;
      }
      return next;
    }

    static bool Fail(int rc, int* message_code, bool* complex) {
      *message_code = rc;
      *complex = IsLimit(rc);
      return false;
    }

    const RegexSearch::Compiled* compiled_;
    Matcher matcher_;
    const std::atomic<bool>* stop_;
    uint64_t block_bytes_ = kMinBlockBytes;
  };

  std::unique_ptr<Scanner> NewScanner(uint64_t match_limit,
                                      const std::atomic<bool>* stop) const override {
    return std::make_unique<RegexScanner>(compiled_.get(), match_limit, stop);
  }

 private:
  std::unique_ptr<RegexSearch::Compiled> compiled_;
};

}  // namespace

Status RegexSearch::CompileLineRule(const RegexSpec& spec, std::unique_ptr<CompiledLineRule>* out,
                                    uint64_t* error_offset) {
  std::unique_ptr<Compiled> compiled;
  Status status = CompilePattern(spec, &compiled, error_offset);
  if (!status.ok()) return status;
  *out = std::make_unique<RegexLineRule>(std::move(compiled));
  return Status::Ok();
}

std::string RegexSearch::ErrorMessage(int code) {
  PCRE2_UCHAR message[256];
  pcre2_get_error_message(code, message, sizeof(message));
  return reinterpret_cast<const char*>(message);
}

Status RegexSearch::RescanLocked(const Chunk& chunk, std::vector<uint32_t>* pairs) const {
  pairs->clear();
  pairs->reserve(static_cast<size_t>(2 * chunk.match_count));
  std::vector<uint32_t> scratch(2 * kScratchMatches);
  const std::atomic<bool> never_stop{false};
  ScanState state;
  state.base = Bytes(*file_);
  state.utf = compiled_->utf;
  state.stop = &never_stop;
  state.out = scratch.data();
  state.capacity = kScratchMatches;
  state.literal_set = compiled_->literal_set.get();
  state.class_run = compiled_->class_run.get();
  state.region_start = chunk.start;
  state.region_end = chunk.end;
  state.pos = chunk.start;
  state.line_start = chunk.start;
  // The chunk must still be cut at line starts (a file rewritten in place may not be).
  bool at_lines = true;
  if (!guarded([&] {
        at_lines =
            (chunk.start == 0 || state.base[chunk.start - 1] == '\n') &&
            (chunk.end == size_ || chunk.end == chunk.start || state.base[chunk.end - 1] == '\n');
      })) {
    return file_->FaultWhileAccessing();
  }
  if (!at_lines) {
    return Status::Fail("EFILECHANGED",
                        "EFILECHANGED: " + path_ + " changed under the search: search again");
  }
  while (true) {
    state.count = 0;
    Outcome outcome = Outcome::kDone;
    if (!guarded([&] { outcome = ScanChunk(&state); })) return file_->FaultWhileAccessing();
    pairs->insert(pairs->end(), scratch.begin(),
                  scratch.begin() + static_cast<std::ptrdiff_t>(2 * state.count));
    if (outcome == Outcome::kFull) continue;
    if (outcome != Outcome::kDone) {
      return Status::Fail("EIO", "EIO: the matches near offset " + std::to_string(chunk.start) +
                                     " could not be found again");
    }
    break;
  }
  if (pairs->size() != 2 * chunk.match_count) {
    return Status::Fail("EFILECHANGED",
                        "EFILECHANGED: " + path_ + " changed under the search: search again");
  }
  return Status::Ok();
}

#else  // !HEXLOG_HAVE_PCRE2

struct RegexSearch::Compiled {};

bool RegexSearch::Available() { return false; }
Status RegexSearch::CheckPattern(const RegexSpec&, uint64_t* error_offset) {
  *error_offset = 0;
  return Status::Fail("ENOTSUP", "ENOTSUP: this build has no PCRE2");
}
std::string RegexSearch::Version() { return ""; }
bool RegexSearch::jit() const { return false; }

Status RegexSearch::Create(std::shared_ptr<const FileMapping>, const RegexSpec&,
                           const RegexSearchOptions&, std::unique_ptr<RegexSearch>*,
                           uint64_t* error_offset) {
  *error_offset = 0;
  return Status::Fail("ENOTSUP", "ENOTSUP: this build has no PCRE2: regexes run in JavaScript");
}

void RegexSearch::WorkerMain() {
  running_.fetch_sub(1);
  g_live_workers.fetch_sub(1);
}

Status RegexSearch::CompileLineRule(const RegexSpec&, std::unique_ptr<CompiledLineRule>*,
                                    uint64_t* error_offset) {
  *error_offset = 0;
  return Status::Fail("ENOTSUP", "ENOTSUP: this build has no PCRE2: regex rules need it");
}
std::string RegexSearch::ErrorMessage(int code) { return "PCRE2 error " + std::to_string(code); }

Status RegexSearch::RescanLocked(const Chunk&, std::vector<uint32_t>* pairs) const {
  pairs->clear();
  return Status::Fail("ENOTSUP", "ENOTSUP: this build has no PCRE2");
}

#endif  // HEXLOG_HAVE_PCRE2

Status RegexSearch::PairsLocked(const Chunk& chunk, std::vector<uint32_t>* scratch,
                                const std::vector<uint32_t>** pairs) const {
  *pairs = &chunk.matches;
  if (!chunk.counted) return Status::Ok();
  *pairs = scratch;
  return RescanLocked(chunk, scratch);
}

RegexSearch::RegexSearch(std::shared_ptr<const FileMapping> file,
                         std::unique_ptr<Compiled> compiled, unsigned threads, uint64_t chunk_bytes,
                         uint64_t match_limit)
    : ChunkedScan(std::move(file), threads, "the search in "),
      compiled_(std::move(compiled)),
      chunk_bytes_(chunk_bytes),
      match_limit_(match_limit) {}

RegexSearch::~RegexSearch() { Dispose(); }

int RegexSearch::LiveWorkerThreadsForTest() { return g_live_workers.load(); }

void RegexSearch::AdvancePrefixLocked() {
  while (prefix_ < chunks_.size() && chunks_[prefix_].complete) {
    Chunk& chunk = chunks_[prefix_];
    chunk.matches_before = prefix_matches_;
    prefix_matches_ += chunk.count();
    ++prefix_;
  }
  if (prefix_ == chunks_.size() && !done_ && !stop_.load()) FinishLocked();
}

Status RegexSearch::Progress(RegexSearchProgress* progress) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  FillProgressLocked(progress);
  progress->matches_known = prefix_matches_;
  progress->result_bytes = result_bytes_;
  return Status::Ok();
}

Status RegexSearch::Results(uint64_t first_index, uint64_t count, std::vector<uint64_t>* offsets,
                            std::vector<uint64_t>* lengths) const {
  offsets->clear();
  lengths->clear();
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  if (first_index < prefix_matches_ && count <= kMaxResultsPerRead) {
    offsets->reserve(static_cast<size_t>(std::min(count, prefix_matches_ - first_index)));
    lengths->reserve(offsets->capacity());
  }
  std::vector<uint32_t> found;
  return ForEachInPrefixLocked(
      first_index, count, prefix_matches_, kMaxResultsPerRead,
      [](const Chunk& c) { return c.matches_before; },
      [&](const Chunk& chunk, uint64_t first, uint64_t take) {
        const std::vector<uint32_t>* pairs = nullptr;
        Status got = PairsLocked(chunk, &found, &pairs);
        if (!got.ok()) return got;
        for (uint64_t i = first; i < first + take; ++i) {
          offsets->push_back(chunk.start + (*pairs)[2 * i]);
          lengths->push_back((*pairs)[2 * i + 1]);
        }
        return Status::Ok();
      });
}

Status RegexSearch::IndexAtOrAfter(uint64_t offset, uint64_t* index) const {
  std::lock_guard<std::mutex> lock(mutex_);
  Status status = CheckUsableLocked();
  if (!status.ok()) return status;
  const auto prefix_end = chunks_.begin() + static_cast<std::ptrdiff_t>(prefix_);
  const auto chunk = std::partition_point(chunks_.begin(), prefix_end,
                                          [offset](const Chunk& c) { return c.end <= offset; });
  if (chunk == prefix_end) {
    *index = prefix_matches_;
    return Status::Ok();
  }
  if (offset < chunk->start) {
    *index = chunk->matches_before;
    return Status::Ok();
  }
  const uint64_t relative = offset - chunk->start;
  std::vector<uint32_t> found;
  const std::vector<uint32_t>* pairs = nullptr;
  status = PairsLocked(*chunk, &found, &pairs);
  if (!status.ok()) return status;
  size_t low = 0;
  size_t high = chunk->count();
  while (low < high) {
    const size_t middle = (low + high) / 2;
    if ((*pairs)[2 * middle] < relative) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  *index = chunk->matches_before + low;
  return Status::Ok();
}

}  // namespace hexlog::core
