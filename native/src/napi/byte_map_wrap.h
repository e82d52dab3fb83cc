// JS classes ByteMap and StringsScan over core::ByteMap and core::StringsScan. The scans run on
// the core's own threads; every method here is synchronous and cheap (a result copies one region
// table, a read one bounded page).
#ifndef HEXLOG_NAPI_BYTE_MAP_WRAP_H_
#define HEXLOG_NAPI_BYTE_MAP_WRAP_H_

#include <napi.h>

#include <memory>
#include <string>

#include "core/byte_map.h"
#include "core/strings_scan.h"

namespace hexlog::napi {

class ByteMapWrap : public Napi::ObjectWrap<ByteMapWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // new ByteMap(mappedFile, from, to, regionBytes, maxRegions, threads): 0 for the defaults.
  explicit ByteMapWrap(const Napi::CallbackInfo& info);
  ~ByteMapWrap() override = default;

 private:
  Napi::Value Progress(const Napi::CallbackInfo& info);
  Napi::Value Result(const Napi::CallbackInfo& info);
  void Cancel(const Napi::CallbackInfo& info);
  void Dispose(const Napi::CallbackInfo& info);

  std::unique_ptr<core::ByteMap> map_;
  std::string path_;
};

class StringsScanWrap : public Napi::ObjectWrap<StringsScanWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // new StringsScan(mappedFile, minLength, encodings (1 ASCII | 2 UTF-16LE), threads, chunkBytes,
  // maxResults): 0 for the defaults.
  explicit StringsScanWrap(const Napi::CallbackInfo& info);
  ~StringsScanWrap() override = default;

 private:
  Napi::Value Progress(const Napi::CallbackInfo& info);
  Napi::Value Read(const Napi::CallbackInfo& info);
  Napi::Value IndexAtOffset(const Napi::CallbackInfo& info);
  void Cancel(const Napi::CallbackInfo& info);
  void Dispose(const Napi::CallbackInfo& info);

  std::unique_ptr<core::StringsScan> scan_;
  std::string path_;
};

}  // namespace hexlog::napi

#endif  // HEXLOG_NAPI_BYTE_MAP_WRAP_H_
