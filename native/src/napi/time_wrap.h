// parseLineTimes, the batch timestamp parser, and the time format argument the timeline shares.
#ifndef HEXLOG_NAPI_TIME_WRAP_H_
#define HEXLOG_NAPI_TIME_WRAP_H_

#include <napi.h>

#include "core/time_parse.h"

namespace hexlog::napi {

// info[index .. index + 4]: kind (an index into native/ts/time.ts TIME_KINDS), zoneMinutes, year,
// month, maxColumn. EINVAL (a TypeError) for anything out of range.
core::TimeFormat RequireTimeFormat(const Napi::CallbackInfo& info, size_t index);

// parseLineTimes(bytes, starts, kind, zoneMinutes, year, month, maxColumn): line i is
// bytes[starts[i], starts[i + 1]); answers { times: Float64Array (epoch ms, NaN where none),
// columns: Int32Array (-1 where none) }, one entry a line. ERANGE above kMaxTimeLines lines or
// kMaxTimeBytes bytes; EINVAL for starts that fall or pass the bytes.
Napi::Value ParseLineTimes(const Napi::CallbackInfo& info);

inline constexpr size_t kMaxTimeLines = size_t{1} << 20;
inline constexpr size_t kMaxTimeBytes = size_t{64} << 20;

}  // namespace hexlog::napi

#endif  // HEXLOG_NAPI_TIME_WRAP_H_
