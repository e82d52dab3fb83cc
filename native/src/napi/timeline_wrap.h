// JS class Timeline over core::Timeline. Counting runs on the core's own threads; every method
// here is synchronous and cheap (counts copies one table of buckets × (1 + rules) numbers).
#ifndef HEXLOG_NAPI_TIMELINE_WRAP_H_
#define HEXLOG_NAPI_TIMELINE_WRAP_H_

#include <napi.h>

#include <memory>
#include <string>

#include "core/timeline.h"

namespace hexlog::napi {

class TimelineWrap : public Napi::ObjectWrap<TimelineWrap> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new Timeline(mappedFile, kind, zoneMinutes, year, month, maxColumn, fromMs, toMs, buckets,
  // kinds, flags, patterns, patternEnds, masks, literals, literalEnds, threads, chunkBytes,
  // matchLimit): the format as time_wrap.h reads it, the rules as rule_args.h reads them. Throws a
  // coded Error (EINVAL with `patternOffset` and `rule` for a rule it refuses).
  explicit TimelineWrap(const Napi::CallbackInfo& info);
  ~TimelineWrap() override = default;

 private:
  static Napi::Value Create(const Napi::CallbackInfo& info);

  Napi::Value Progress(const Napi::CallbackInfo& info);
  Napi::Value Counts(const Napi::CallbackInfo& info);
  void Extend(const Napi::CallbackInfo& info);
  void Cancel(const Napi::CallbackInfo& info);
  void Dispose(const Napi::CallbackInfo& info);

  std::unique_ptr<core::Timeline> timeline_;
  std::string path_;
};

}  // namespace hexlog::napi

#endif  // HEXLOG_NAPI_TIMELINE_WRAP_H_
