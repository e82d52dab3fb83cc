// JS class MappedFile over core::MappedFile. Synchronous (each call copies at most one viewport),
// except flushAsync, which syncs on a libuv worker thread and settles a promise.
#ifndef HEXLOG_NAPI_MAPPED_FILE_WRAP_H_
#define HEXLOG_NAPI_MAPPED_FILE_WRAP_H_

#include <napi.h>

#include <memory>

#include "core/mapped_file.h"

namespace hexlog::napi {

class MappedFileWrap : public Napi::ObjectWrap<MappedFileWrap> {
 public:
  // Defines the class; `open` needs the returned constructor, kept in the addon's instance data.
  static Napi::Function Define(Napi::Env env);

  // new MappedFile(path, mode): opens and maps, or throws a coded Error.
  explicit MappedFileWrap(const Napi::CallbackInfo& info);
  // The mapping is released here if JS never called close() (unless a line index still holds it).
  ~MappedFileWrap() override = default;

  // The MappedFile behind a JS value, or nullptr if it is not one of ours.
  static MappedFileWrap* FromValue(Napi::Env env, const Napi::Value& value);
  // The open mapping of argument `index`: throws EINVAL if it is not a MappedFile, ECLOSED if it
  // is closed.
  static std::shared_ptr<const core::FileMapping> RequireMapping(const Napi::CallbackInfo& info,
                                                                 size_t index, const char* name);
  const core::MappedFile& file() const { return file_; }

 private:
  static Napi::Value Open(const Napi::CallbackInfo& info);

  Napi::Value Size(const Napi::CallbackInfo& info);
  Napi::Value Stat(const Napi::CallbackInfo& info);
  Napi::Value ReadInto(const Napi::CallbackInfo& info);
  // readLineHeads(starts: Float64Array, maxBytes): { bytes, ends: Uint32Array }, one call a page.
  Napi::Value ReadLineHeads(const Napi::CallbackInfo& info);
  static constexpr size_t kMaxLineHeads = 1 << 20;
  static constexpr uint64_t kMaxLineHeadBytes = 1 << 20;
  Napi::Value Write(const Napi::CallbackInfo& info);
  void Flush(const Napi::CallbackInfo& info);
  Napi::Value FlushAsync(const Napi::CallbackInfo& info);
  Napi::Value TryLock(const Napi::CallbackInfo& info);
  void Unlock(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);
  Napi::Value IsClosed(const Napi::CallbackInfo& info);

  // Throws ECLOSED when closed.
  void RequireOpen(Napi::Env env) const;

  core::MappedFile file_;
};

}  // namespace hexlog::napi

#endif  // HEXLOG_NAPI_MAPPED_FILE_WRAP_H_
