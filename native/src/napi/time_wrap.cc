#include "napi/time_wrap.h"

#include <limits>
#include <string>

#include "napi/errors.h"

namespace hexlog::napi {

core::TimeFormat RequireTimeFormat(const Napi::CallbackInfo& info, size_t index) {
  auto require = [&](size_t at, const char* name, int64_t low, int64_t high) {
    const int64_t value = RequireSafeInteger(info, at, name);
    if (value < low || value > high) {
      ThrowInvalidArgument(info.Env(), std::string(name) + " must be from " + std::to_string(low) +
                                           " to " + std::to_string(high) + ", got " +
                                           std::to_string(value));
    }
    return value;
  };
  core::TimeFormat format;
  format.kind = static_cast<core::TimeKind>(require(index, "kind", 0, core::kTimeKindCount - 1));
  format.zone_minutes = static_cast<int32_t>(
      require(index + 1, "zoneMinutes", -core::kMaxZoneMinutes, core::kMaxZoneMinutes));
  format.year =
      static_cast<int32_t>(require(index + 2, "year", core::kMinFormatYear, core::kMaxFormatYear));
  format.month = static_cast<int32_t>(require(index + 3, "month", 1, 12));
  format.max_column =
      static_cast<uint32_t>(require(index + 4, "maxColumn", 0, core::kMaxTimeColumn));
  const core::Status status = core::CheckTimeFormat(format);
  if (!status.ok()) ThrowStatus(info.Env(), status, "");
  return format;
}

Napi::Value ParseLineTimes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Uint8Array bytes = RequireUint8Array(info, 0, "bytes");
  const Napi::Value starts_value = info[1];
  if (!starts_value.IsTypedArray() ||
      starts_value.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
    ThrowInvalidArgument(env, "starts must be a Uint32Array");
  }
  const Napi::Uint32Array starts = starts_value.As<Napi::Uint32Array>();
  const core::TimeFormat format = RequireTimeFormat(info, 2);
  const size_t byte_count = bytes.ByteLength();
  const size_t line_count = starts.ElementLength() == 0 ? 0 : starts.ElementLength() - 1;
  if (byte_count > kMaxTimeBytes || line_count > kMaxTimeLines) {
    Napi::Error error = Napi::RangeError::New(
        env, "ERANGE: parseLineTimes takes at most " + std::to_string(kMaxTimeLines) +
                 " lines and " + std::to_string(kMaxTimeBytes) + " bytes a call");
    error.Set("code", Napi::String::New(env, core::codes::kRange));
    throw error;
  }
  const uint32_t* start = starts.Data();
  for (size_t i = 0; i < starts.ElementLength(); ++i) {
    if (start[i] > byte_count || (i > 0 && start[i] < start[i - 1])) {
      ThrowInvalidArgument(env, "starts must rise and stay within the bytes; starts[" +
                                    std::to_string(i) + "] is " + std::to_string(start[i]));
    }
  }
  // Filled in place: V8 allocated them, nothing is copied twice.
  Napi::Float64Array times = Napi::Float64Array::New(env, line_count);
  Napi::Int32Array columns = Napi::Int32Array::New(env, line_count);
  const uint8_t* data = bytes.Data();
  double* time_out = times.Data();
  int32_t* column_out = columns.Data();
  core::TimeParseCache cache;
  for (size_t i = 0; i < line_count; ++i) {
    int64_t ms = 0;
    uint32_t column = 0;
    if (core::ParseLineTime(format, data + start[i], start[i + 1] - start[i], &ms, &column,
                            &cache)) {
      time_out[i] = static_cast<double>(ms);
      column_out[i] = static_cast<int32_t>(column);
    } else {
      time_out[i] = std::numeric_limits<double>::quiet_NaN();
      column_out[i] = -1;
    }
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("times", times);
  result.Set("columns", columns);
  return result;
}

}  // namespace hexlog::napi
