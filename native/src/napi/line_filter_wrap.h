// JS class LineFilter over core::LineFilter. Filtering runs on the core's own threads; every
// method here is synchronous and cheap (results copies the lines asked for).
#ifndef HEXLOG_NAPI_LINE_FILTER_WRAP_H_
#define HEXLOG_NAPI_LINE_FILTER_WRAP_H_

#include <napi.h>

#include <memory>
#include <string>

#include "core/line_filter.h"

namespace hexlog::napi {

class LineFilterWrap : public Napi::ObjectWrap<LineFilterWrap> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new LineFilter(mappedFile, kinds, flags, patterns, patternEnds, masks, literals, literalEnds,
  // threads, chunkBytes, matchLimit, linesOnly): the rules flattened as rule_args.h reads them.
  // Throws a coded Error (EINVAL with `patternOffset` and `rule` for a pattern PCRE2 rejects).
  explicit LineFilterWrap(const Napi::CallbackInfo& info);
  ~LineFilterWrap() override = default;

 private:
  static Napi::Value Create(const Napi::CallbackInfo& info);

  Napi::Value Progress(const Napi::CallbackInfo& info);
  Napi::Value Results(const Napi::CallbackInfo& info);
  Napi::Value IndexOfLine(const Napi::CallbackInfo& info);
  Napi::Value IndexesOfLines(const Napi::CallbackInfo& info);
  Napi::Value IndexAtOffset(const Napi::CallbackInfo& info);
  void Extend(const Napi::CallbackInfo& info);
  void Cancel(const Napi::CallbackInfo& info);
  void Dispose(const Napi::CallbackInfo& info);

  std::unique_ptr<core::LineFilter> filter_;
  std::string path_;
};

}  // namespace hexlog::napi

#endif  // HEXLOG_NAPI_LINE_FILTER_WRAP_H_
