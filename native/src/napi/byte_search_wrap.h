// JS class ByteSearch over core::ByteSearch. Scanning runs on the core's own threads; every method
// here is synchronous and cheap (results copies the offsets asked for).
#ifndef HEXLOG_NAPI_BYTE_SEARCH_WRAP_H_
#define HEXLOG_NAPI_BYTE_SEARCH_WRAP_H_

#include <napi.h>

#include <memory>
#include <string>

#include "core/byte_search.h"

namespace hexlog::napi {

class ByteSearchWrap : public Napi::ObjectWrap<ByteSearchWrap> {
 public:
  // Defines the class; `create` needs the returned constructor, kept in the addon's instance data.
  static Napi::Function Define(Napi::Env env);

  // new ByteSearch(mappedFile, bytes, mask | null, caseInsensitive, wholeWord, threads,
  // chunkBytes): starts searching, or throws a coded Error. threads and chunkBytes are 0 for the
  // defaults.
  explicit ByteSearchWrap(const Napi::CallbackInfo& info);
  // The finalizer: if JS never called dispose(), the core search cancels and joins its threads.
  ~ByteSearchWrap() override = default;

 private:
  static Napi::Value Create(const Napi::CallbackInfo& info);

  Napi::Value PatternLength(const Napi::CallbackInfo& info);
  Napi::Value Progress(const Napi::CallbackInfo& info);
  Napi::Value Results(const Napi::CallbackInfo& info);
  Napi::Value IndexAtOrAfter(const Napi::CallbackInfo& info);
  void Cancel(const Napi::CallbackInfo& info);
  void Dispose(const Napi::CallbackInfo& info);

  std::unique_ptr<core::ByteSearch> search_;
  std::string path_;
};

}  // namespace hexlog::napi

#endif  // HEXLOG_NAPI_BYTE_SEARCH_WRAP_H_
