#include "napi/errors.h"

#include <cmath>

namespace hexlog::napi {

namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;  // 2^53 - 1

std::string Describe(const Napi::Value& value) {
  switch (value.Type()) {
    case napi_undefined:
      return "undefined";
    case napi_null:
      return "null";
    case napi_boolean:
      return "a boolean";
    case napi_number:
      return value.ToString().Utf8Value();
    case napi_string:
      return "a string";
    case napi_symbol:
      return "a symbol";
    case napi_function:
      return "a function";
    case napi_bigint:
      return "a bigint";
    default:
      return value.IsTypedArray() ? "a typed array of another type" : "an object";
  }
}

}  // namespace

Napi::Error StatusError(Napi::Env env, const core::Status& status, const std::string& path) {
  Napi::Error error = Napi::Error::New(env, status.message());
  error.Set("code", Napi::String::New(env, status.code()));
  error.Set("path", Napi::String::New(env, path));
  return error;
}

void ThrowStatus(Napi::Env env, const core::Status& status, const std::string& path) {
  throw StatusError(env, status, path);
}

void ThrowInvalidArgument(Napi::Env env, const std::string& message) {
  Napi::TypeError error = Napi::TypeError::New(env, "EINVAL: " + message);
  error.Set("code", Napi::String::New(env, core::codes::kInvalid));
  throw error;
}

uint64_t RequireOffset(const Napi::CallbackInfo& info, size_t index, const char* name) {
  const Napi::Value value = info[index];
  if (value.IsNumber()) {
    const double number = value.As<Napi::Number>().DoubleValue();
    if (std::isfinite(number) && number >= 0 && number <= kMaxSafeInteger &&
        std::trunc(number) == number) {
      return static_cast<uint64_t>(number);
    }
  }
  ThrowInvalidArgument(
      info.Env(),
      std::string(name) + " must be a non-negative safe integer, got " + Describe(value));
}

int64_t RequireSafeInteger(const Napi::CallbackInfo& info, size_t index, const char* name) {
  const Napi::Value value = info[index];
  if (value.IsNumber()) {
    const double number = value.As<Napi::Number>().DoubleValue();
    if (std::isfinite(number) && std::fabs(number) <= kMaxSafeInteger &&
        std::trunc(number) == number) {
      return static_cast<int64_t>(number);
    }
  }
  ThrowInvalidArgument(info.Env(),
                       std::string(name) + " must be a safe integer, got " + Describe(value));
}

std::string RequireString(const Napi::CallbackInfo& info, size_t index, const char* name) {
  const Napi::Value value = info[index];
  if (!value.IsString()) {
    ThrowInvalidArgument(info.Env(),
                         std::string(name) + " must be a string, got " + Describe(value));
  }
  return value.As<Napi::String>().Utf8Value();
}

bool RequireBoolean(const Napi::CallbackInfo& info, size_t index, const char* name) {
  const Napi::Value value = info[index];
  if (!value.IsBoolean()) {
    ThrowInvalidArgument(info.Env(),
                         std::string(name) + " must be a boolean, got " + Describe(value));
  }
  return value.As<Napi::Boolean>().Value();
}

std::vector<uint64_t> RequireOffsetArray(const Napi::CallbackInfo& info, size_t index,
                                         const char* name) {
  const Napi::Value value = info[index];
  if (!value.IsTypedArray() ||
      value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    ThrowInvalidArgument(info.Env(),
                         std::string(name) + " must be a Float64Array, got " + Describe(value));
  }
  const Napi::Float64Array array = value.As<Napi::Float64Array>();
  const double* numbers = array.Data();
  std::vector<uint64_t> result(array.ElementLength());
  for (size_t i = 0; i < result.size(); ++i) {
    const double number = numbers[i];
    if (!(std::isfinite(number) && number >= 0 && number <= kMaxSafeInteger &&
          std::trunc(number) == number)) {
      ThrowInvalidArgument(info.Env(), std::string(name) + "[" + std::to_string(i) +
                                           "] must be a non-negative safe integer, got " +
                                           std::to_string(number));
    }
    result[i] = static_cast<uint64_t>(number);
  }
  return result;
}

Napi::Uint8Array RequireUint8Array(const Napi::CallbackInfo& info, size_t index, const char* name) {
  const Napi::Value value = info[index];
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    ThrowInvalidArgument(info.Env(),
                         std::string(name) + " must be a Uint8Array, got " + Describe(value));
  }
  return value.As<Napi::Uint8Array>();
}

std::vector<std::string> RequireByteStrings(const Napi::CallbackInfo& info, size_t index,
                                            const char* name) {
  const Napi::Value value = info[index];
  if (!value.IsArray()) {
    ThrowInvalidArgument(info.Env(),
                         std::string(name) + " must be an Array, got " + Describe(value));
  }
  const Napi::Array array = value.As<Napi::Array>();
  std::vector<std::string> out;
  out.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) {
    const Napi::Value item = array.Get(i);
    if (!item.IsTypedArray() || item.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      ThrowInvalidArgument(info.Env(), std::string(name) + "[" + std::to_string(i) +
                                           "] must be a Uint8Array, got " + Describe(item));
    }
    const Napi::Uint8Array bytes = item.As<Napi::Uint8Array>();
    out.emplace_back(reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength());
  }
  return out;
}

}  // namespace hexlog::napi
