// What the LineIndex and ByteSearch wrappers share: their worker options and their progress.
#ifndef HEXLOG_NAPI_SCAN_WRAP_SUPPORT_H_
#define HEXLOG_NAPI_SCAN_WRAP_SUPPORT_H_

#include <napi.h>

#include <cstdint>
#include <string>

#include "core/status.h"
#include "napi/errors.h"

namespace hexlog::napi {

// info[index] is `threads` (0: the default, else 1..max_threads), info[index + 1] `chunkBytes`
// (0: the default; the core checks its range). Options is LineIndexOptions or ByteSearchOptions.
template <typename Options>
Options RequireScanOptions(const Napi::CallbackInfo& info, size_t index, unsigned max_threads) {
  const uint64_t threads = RequireOffset(info, index, "threads");
  const uint64_t chunk_bytes = RequireOffset(info, index + 1, "chunkBytes");
  if (threads > max_threads) {
    ThrowInvalidArgument(info.Env(), "threads must be from 1 to " + std::to_string(max_threads) +
                                         ", got " + std::to_string(threads));
  }
  Options options;
  options.threads = static_cast<unsigned>(threads);
  options.chunk_bytes = chunk_bytes;
  return options;
}

// Sets a progress object's { done, cancelled, error: null | { code, message } }.
inline void SetEndState(Napi::Env env, Napi::Object result, bool done, bool cancelled,
                        const core::Status& error) {
  result.Set("done", Napi::Boolean::New(env, done));
  result.Set("cancelled", Napi::Boolean::New(env, cancelled));
  if (error.ok()) {
    result.Set("error", env.Null());
  } else {
    Napi::Object value = Napi::Object::New(env);
    value.Set("code", Napi::String::New(env, error.code()));
    value.Set("message", Napi::String::New(env, error.message()));
    result.Set("error", value);
  }
}

// { bytesScanned, totalBytes, [count_name]: count, done, cancelled, error: null | {code,
// message} }. Progress is LineIndexProgress or ByteSearchProgress.
template <typename Progress>
Napi::Object ProgressToObject(Napi::Env env, const Progress& progress, const char* count_name,
                              uint64_t count) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("bytesScanned", Napi::Number::New(env, static_cast<double>(progress.bytes_scanned)));
  result.Set("totalBytes", Napi::Number::New(env, static_cast<double>(progress.total_bytes)));
  result.Set(count_name, Napi::Number::New(env, static_cast<double>(count)));
  SetEndState(env, result, progress.done, progress.cancelled, progress.error);
  return result;
}

}  // namespace hexlog::napi

#endif  // HEXLOG_NAPI_SCAN_WRAP_SUPPORT_H_
