// Argument checks and coded errors for the binding. Every JS-visible error is an Error whose
// `code` is a string ("ENOENT", "EINVAL", ...) and whose message starts with that code.
#ifndef HEXLOG_NAPI_ERRORS_H_
#define HEXLOG_NAPI_ERRORS_H_

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace hexlog::napi {

// Error{code, message, path} for a failed Status, to throw or to reject a promise with.
Napi::Error StatusError(Napi::Env env, const core::Status& status, const std::string& path);
// Throws StatusError.
[[noreturn]] void ThrowStatus(Napi::Env env, const core::Status& status, const std::string& path);

// Throws TypeError{code: "EINVAL"} for a bad argument.
[[noreturn]] void ThrowInvalidArgument(Napi::Env env, const std::string& message);

// A non-negative safe integer (0 .. 2^53 - 1) arriving as a JS number.
uint64_t RequireOffset(const Napi::CallbackInfo& info, size_t index, const char* name);
// An integer from -(2^53 - 1) to 2^53 - 1 arriving as a JS number.
int64_t RequireSafeInteger(const Napi::CallbackInfo& info, size_t index, const char* name);
std::string RequireString(const Napi::CallbackInfo& info, size_t index, const char* name);
bool RequireBoolean(const Napi::CallbackInfo& info, size_t index, const char* name);
// A Float64Array whose every element is a non-negative safe integer, copied out.
std::vector<uint64_t> RequireOffsetArray(const Napi::CallbackInfo& info, size_t index,
                                         const char* name);
// A Uint8Array (a Buffer is one); its bytes belong to JS.
Napi::Uint8Array RequireUint8Array(const Napi::CallbackInfo& info, size_t index, const char* name);
// An Array of Uint8Arrays, each one's bytes copied out.
std::vector<std::string> RequireByteStrings(const Napi::CallbackInfo& info, size_t index,
                                            const char* name);

}  // namespace hexlog::napi

#endif  // HEXLOG_NAPI_ERRORS_H_
