// JS class LineIndex over core::LineIndex. Scanning runs on the core's own threads; every method
// here is synchronous and cheap (readLines copies one viewport).
#ifndef HEXLOG_NAPI_LINE_INDEX_WRAP_H_
#define HEXLOG_NAPI_LINE_INDEX_WRAP_H_

#include <napi.h>

#include <memory>
#include <string>

#include "core/line_index.h"

namespace hexlog::napi {

class LineIndexWrap : public Napi::ObjectWrap<LineIndexWrap> {
 public:
  // Defines the class; `create` needs the returned constructor, kept in the addon's instance data.
  static Napi::Function Define(Napi::Env env);

  // new LineIndex(mappedFile, encoding, threads, chunkBytes): starts indexing, or throws a coded
  // Error. threads and chunkBytes are 0 for the defaults.
  explicit LineIndexWrap(const Napi::CallbackInfo& info);
  // The finalizer: if JS never called dispose(), the core index cancels and joins its threads here.
  ~LineIndexWrap() override = default;

 private:
  static Napi::Value Create(const Napi::CallbackInfo& info);
  static Napi::Object SliceToObject(Napi::Env env, const core::LineSlice& slice);

  Napi::Value Progress(const Napi::CallbackInfo& info);
  Napi::Value ReadLines(const Napi::CallbackInfo& info);
  Napi::Value LineAtOffset(const Napi::CallbackInfo& info);
  Napi::Value LinesAtOffsets(const Napi::CallbackInfo& info);
  Napi::Value ReadLinesAt(const Napi::CallbackInfo& info);
  void Extend(const Napi::CallbackInfo& info);
  void Cancel(const Napi::CallbackInfo& info);
  Napi::Value MemoryBytes(const Napi::CallbackInfo& info);
  void Dispose(const Napi::CallbackInfo& info);

  std::unique_ptr<core::LineIndex> index_;
  std::string path_;
};

}  // namespace hexlog::napi

#endif  // HEXLOG_NAPI_LINE_INDEX_WRAP_H_
