// JS class RegexSearch over core::RegexSearch (PCRE2). Scanning runs on the core's own threads;
// every method here is synchronous and cheap (results copies the matches asked for).
#ifndef HEXLOG_NAPI_REGEX_SEARCH_WRAP_H_
#define HEXLOG_NAPI_REGEX_SEARCH_WRAP_H_

#include <napi.h>

#include <memory>
#include <string>

#include "core/regex_search.h"

namespace hexlog::napi {

class RegexSearchWrap : public Napi::ObjectWrap<RegexSearchWrap> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new RegexSearch(mappedFile, pattern, utf, caseless, lineMode, threads, chunkBytes,
  // matchLimit, requiredLiteral, text): text is 'bytes', 'utf-16le' or 'utf-16be'; starts
  // searching, or throws a coded Error (EINVAL with `patternOffset` for a pattern PCRE2 rejects;
  // ENOTSUP in a build without PCRE2). 0 means the default for the last three.
  explicit RegexSearchWrap(const Napi::CallbackInfo& info);
  ~RegexSearchWrap() override = default;

 private:
  static Napi::Value Create(const Napi::CallbackInfo& info);

  Napi::Value Progress(const Napi::CallbackInfo& info);
  Napi::Value Results(const Napi::CallbackInfo& info);
  Napi::Value IndexAtOrAfter(const Napi::CallbackInfo& info);
  Napi::Value Jit(const Napi::CallbackInfo& info);
  void Cancel(const Napi::CallbackInfo& info);
  void Dispose(const Napi::CallbackInfo& info);

  std::unique_ptr<core::RegexSearch> search_;
  std::string path_;
};

// pcre2Version(): PCRE2's version string, or null in a build without it.
Napi::Value Pcre2Version(const Napi::CallbackInfo& info);
// checkRegex(pattern, utf, caseless): null, or { message, offset } where PCRE2 rejects it.
Napi::Value CheckRegex(const Napi::CallbackInfo& info);

}  // namespace hexlog::napi

#endif  // HEXLOG_NAPI_REGEX_SEARCH_WRAP_H_
