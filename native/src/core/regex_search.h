// A progressive, multi-threaded regular-expression search of a mapped file with PCRE2 and its JIT.
//
// Semantics are those of the JavaScript engine it replaces (src/main/services/find/regexSearch.ts):
// lines end at LF, one CR before the LF (or at the end of the file) is not part of the line, a
// match never spans lines, empty matches are skipped (the search goes on one character later),
// and matches are non-overlapping, left to right within each line.
//
// The file is cut into chunks cut at line starts (a line belongs to the chunk its first byte is
// in). Worker threads take chunks in file order. Within a chunk, PCRE2 runs in MULTILINE mode
// over blocks of whole lines at once (not line by line): a match that ends inside its line's
// text is the JavaScript match; one that runs past it (into the CR or the LF) makes that one line
// be matched again on its own, as the JavaScript engine sees it. That is exact for patterns
// without lookaround; with `line_mode` (the caller sets it for lookaround) every line is matched
// on its own. A block that hits the match limit is retried line by line, and blocks shrink when
// they are slow; a single line that hits it stops the search with ECOMPLEX ("pattern too complex
// near offset N"), so a catastrophic pattern never hangs and cancel (checked between PCRE2 calls)
// stays prompt.
//
// Only LF ends a line for PCRE2 (MULTILINE, NEWLINE_LF): to keep JavaScript's meaning a caller
// writes `$` as `(?=\r?$)` and `.` as `[^\n\r\u2028\u2029]` (native/ts/jsRegex.ts does).
//
// Without PCRE2 at build time (no HEXLOG_HAVE_PCRE2) Available() is false and Create fails with
// ENOTSUP.
#ifndef HEXLOG_CORE_REGEX_SEARCH_H_
#define HEXLOG_CORE_REGEX_SEARCH_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/chunked_scan.h"
#include "core/line_rule.h"
#include "core/mapped_file.h"
#include "core/status.h"

namespace hexlog::core {

struct RegexSpec {
  // UTF-8 when `utf`, else one byte per character (Latin-1), in PCRE2 syntax.
  std::string pattern;
  // UTF-8 text (with PCRE2_MATCH_INVALID_UTF: invalid bytes match nothing and never stop a
  // search); false: bytes are Latin-1 characters.
  bool utf = true;
  bool caseless = false;
  // Every line is matched on its own (needed for lookaround, which may look past a line's end).
  bool line_mode = false;
  // The file's text: UTF-16 files are transcoded to UTF-8 a chunk at a time (with `utf` set, the
  // pattern and literal in UTF-8); matches are mapped back to the file's bytes. Lone surrogates
  // read as U+FFFD, as a UTF-16 decoder gives them.
  enum class Text { kBytes, kUtf16Le, kUtf16Be };
  Text text = Text::kBytes;
  // Empty, or bytes that every match contains exactly (the caller's promise): only lines holding
  // them are matched, found with memmem. Where they are on most lines the chunk goes back to
  // matching blocks of lines.
  std::string required_literal;
  // Empty, or the pattern's alternatives when it is nothing but literals (the caller's promise):
  // chunks are then scanned by LiteralSet (leftmost, first alternative in order), not by PCRE2,
  // which still compiles the pattern. None empty or holding CR or LF; ASCII only when caseless.
  std::vector<std::string> literal_set;
  // When the pattern is one ASCII class under a quantifier (the caller's promise; see ClassRun):
  // its member bytes, and the quantifier's bounds (max 0: none). Chunks are then scanned for runs
  // of the class instead of with PCRE2.
  std::vector<uint8_t> class_members;
  uint64_t class_min = 0;
  uint64_t class_max = 0;
};

struct RegexSearchOptions {
  unsigned threads = 0;  // 0: hardware concurrency, at most 2
  // 0: kDefaultChunkBytes; otherwise 1 .. kMaxChunkBytes, raised if the file would have more
  // than 2^20 chunks.
  uint64_t chunk_bytes = 0;
  // 0: kDefaultMatchLimit. PCRE2's match limit for one call (a block of lines, or one line).
  uint64_t match_limit = 0;
};

struct RegexSearchProgress {
  uint64_t bytes_scanned = 0;  // end of the contiguous scanned prefix
  uint64_t total_bytes = 0;
  uint64_t matches_known = 0;  // matches in that prefix: final and in order
  uint64_t result_bytes = 0;   // capacity of the stored matches: ~8 per match
  bool done = false;
  bool cancelled = false;
  Status error;  // EFILECHANGED, ECOMPLEX; terminal
  // Worker threads still running (after Cancel, one may be inside a long PCRE2 call: Dispose
  // would wait for it, so an owner that must not block waits for 0 first).
  unsigned workers_running = 0;
};

struct RegexChunk {
  uint64_t start = 0;  // the chunk's lines start in [start, end)
  uint64_t end = 0;
  bool complete = false;
  uint64_t matches_before = 0;
  // Pairs (offset from start, length), at exact capacity: 8 bytes per match. Empty when `counted`:
  // a literal-set or class-run scan, which is fast and cannot fail, keeps only the count and finds
  // the matches again when they are read, so dense matches cost no memory.
  std::vector<uint32_t> matches;
  bool counted = false;
  uint64_t match_count = 0;  // when counted
  size_t count() const { return counted ? match_count : matches.size() / 2; }
};

class RegexSearch : public scan::ChunkedScan<RegexChunk> {
 public:
  static constexpr uint64_t kDefaultChunkBytes = 4ULL << 20;
  static constexpr uint64_t kMaxChunkBytes = 1ULL << 30;
  static constexpr uint64_t kDefaultMatchLimit = 2000000;
  static constexpr unsigned kMaxThreads = 64;
  static constexpr uint64_t kMaxResultsPerRead = 1ULL << 24;

  // Whether this build has PCRE2.
  static bool Available();
  // PCRE2's version ("10.42 2022-12-11"), or empty without it.
  static std::string Version();

  // Compiles the pattern (EINVAL with PCRE2's message and offset if invalid), validates the
  // options and starts searching `file` at once. *error_offset is the pattern offset (in pattern
  // bytes) of a compile error.
  static Status Create(std::shared_ptr<const FileMapping> file, const RegexSpec& spec,
                       const RegexSearchOptions& options, std::unique_ptr<RegexSearch>* out,
                       uint64_t* error_offset);
  // Compiles the pattern only: OK, or EINVAL with PCRE2's message and *error_offset (pattern
  // bytes); ENOTSUP without PCRE2.
  static Status CheckPattern(const RegexSpec& spec, uint64_t* error_offset);
  // The pattern as a LineFilter rule: the lines where this search would find a match. ENOTSUP
  // without PCRE2; EINVAL as CheckPattern.
  static Status CompileLineRule(const RegexSpec& spec, std::unique_ptr<CompiledLineRule>* out,
                                uint64_t* error_offset);
  // PCRE2's message for one of its error codes.
  static std::string ErrorMessage(int code);
  ~RegexSearch();
  RegexSearch(const RegexSearch&) = delete;
  RegexSearch& operator=(const RegexSearch&) = delete;

  // For one owner thread; each is safe against the workers. ECLOSED after Dispose.
  Status Progress(RegexSearchProgress* progress) const;
  // Matches [first_index, first_index + count) below matches_known: offsets and lengths.
  Status Results(uint64_t first_index, uint64_t count, std::vector<uint64_t>* offsets,
                 std::vector<uint64_t>* lengths) const;
  Status IndexAtOrAfter(uint64_t offset, uint64_t* index) const;
  // Cancel and Dispose: ChunkedScan's.

  // Whether the pattern runs with the JIT (false: PCRE2's interpreter).
  bool jit() const;

  static int LiveWorkerThreadsForTest();

  struct Compiled;  // the PCRE2 code, opaque here
  using Chunk = RegexChunk;

 private:
  RegexSearch(std::shared_ptr<const FileMapping> file, std::unique_ptr<Compiled> compiled,
              unsigned threads, uint64_t chunk_bytes, uint64_t match_limit);

  static Status CompilePattern(const RegexSpec& spec, std::unique_ptr<Compiled>* out,
                               uint64_t* error_offset);
  void WorkerMain();
  void AdvancePrefixLocked();
  // A counted chunk's matches, found again: pairs (offset from its start, length).
  Status RescanLocked(const Chunk& chunk, std::vector<uint32_t>* pairs) const;
  // The pairs of `chunk`: its own, or found again into *scratch.
  Status PairsLocked(const Chunk& chunk, std::vector<uint32_t>* scratch,
                     const std::vector<uint32_t>** pairs) const;

  std::unique_ptr<Compiled> compiled_;
  const uint64_t chunk_bytes_;
  const uint64_t match_limit_;

  uint64_t prefix_matches_ = 0;
  uint64_t result_bytes_ = 0;
};

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_REGEX_SEARCH_H_
