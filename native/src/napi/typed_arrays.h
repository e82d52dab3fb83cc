// Results leave the addon as typed arrays that V8 allocates: never an external buffer
// (Electron's memory cage).
#ifndef HEXLOG_NAPI_TYPED_ARRAYS_H_
#define HEXLOG_NAPI_TYPED_ARRAYS_H_

#include <napi.h>

#include <cstring>
#include <vector>

namespace hexlog::napi {

template <typename Element, typename Source>
Napi::TypedArrayOf<Element> CopyToTypedArray(Napi::Env env, const std::vector<Source>& values) {
  Napi::TypedArrayOf<Element> array = Napi::TypedArrayOf<Element>::New(env, values.size());
  Element* out = array.Data();
  for (size_t i = 0; i < values.size(); ++i) out[i] = static_cast<Element>(values[i]);
  return array;
}

inline Napi::Uint8Array CopyToUint8Array(Napi::Env env, const std::vector<uint8_t>& bytes) {
  Napi::Uint8Array array = Napi::Uint8Array::New(env, bytes.size());
  if (!bytes.empty()) std::memcpy(array.Data(), bytes.data(), bytes.size());
  return array;
}

}  // namespace hexlog::napi

#endif  // HEXLOG_NAPI_TYPED_ARRAYS_H_
