// JS class ByteDiff over core::ByteDiff. Comparing runs on the core's own threads; every method
// here is synchronous and cheap, except step, which compares the bytes of one region at most.
#ifndef HEXLOG_NAPI_BYTE_DIFF_WRAP_H_
#define HEXLOG_NAPI_BYTE_DIFF_WRAP_H_

#include <napi.h>

#include <memory>
#include <string>

#include "core/byte_diff.h"

namespace hexlog::napi {

class ByteDiffWrap : public Napi::ObjectWrap<ByteDiffWrap> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new ByteDiff(mappedFileA, mappedFileB, threads, chunkBytes, maxEntries). Throws a coded Error.
  explicit ByteDiffWrap(const Napi::CallbackInfo& info);
  ~ByteDiffWrap() override = default;

 private:
  static Napi::Value Create(const Napi::CallbackInfo& info);

  Napi::Value Progress(const Napi::CallbackInfo& info);
  // entries(first, count): Float64Array [start0, end0, start1, end1, ...].
  Napi::Value Entries(const Napi::CallbackInfo& info);
  // step(offset, direction): null or { start, end }.
  Napi::Value Step(const Napi::CallbackInfo& info);
  // ticks(buckets): Uint32Array of entries starting in each bucket.
  Napi::Value Ticks(const Napi::CallbackInfo& info);
  void Cancel(const Napi::CallbackInfo& info);
  void Dispose(const Napi::CallbackInfo& info);

  std::unique_ptr<core::ByteDiff> diff_;
  std::string path_;
};

}  // namespace hexlog::napi

#endif  // HEXLOG_NAPI_BYTE_DIFF_WRAP_H_
