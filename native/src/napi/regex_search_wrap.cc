#include "napi/regex_search_wrap.h"

#include <utility>
#include <vector>

#include "napi/addon_data.h"
#include "napi/errors.h"
#include "napi/mapped_file_wrap.h"
#include "napi/scan_wrap_support.h"
#include "napi/typed_arrays.h"

namespace hexlog::napi {

Napi::Function RegexSearchWrap::Define(Napi::Env env) {
  return DefineClass(env, "RegexSearch",
                     {
                         StaticMethod<&RegexSearchWrap::Create>("create"),
                         InstanceMethod<&RegexSearchWrap::Progress>("progress"),
                         InstanceMethod<&RegexSearchWrap::Results>("results"),
                         InstanceMethod<&RegexSearchWrap::IndexAtOrAfter>("indexAtOrAfter"),
                         InstanceMethod<&RegexSearchWrap::Jit>("jit"),
                         InstanceMethod<&RegexSearchWrap::Cancel>("cancel"),
                         InstanceMethod<&RegexSearchWrap::Dispose>("dispose"),
                     });
}

RegexSearchWrap::RegexSearchWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<RegexSearchWrap>(info) {
  Napi::Env env = info.Env();
  std::shared_ptr<const core::FileMapping> mapping =
      MappedFileWrap::RequireMapping(info, 0, "file");
  const Napi::Uint8Array pattern = RequireUint8Array(info, 1, "pattern");
  core::RegexSpec spec;
  spec.pattern.assign(reinterpret_cast<const char*>(pattern.Data()), pattern.ByteLength());
  spec.utf = RequireBoolean(info, 2, "utf");
  spec.caseless = RequireBoolean(info, 3, "caseless");
  spec.line_mode = RequireBoolean(info, 4, "lineMode");
  core::RegexSearchOptions options =
      RequireScanOptions<core::RegexSearchOptions>(info, 5, core::RegexSearch::kMaxThreads);
  options.match_limit = RequireOffset(info, 7, "matchLimit");
  const Napi::Uint8Array literal = RequireUint8Array(info, 8, "requiredLiteral");
  spec.required_literal.assign(reinterpret_cast<const char*>(literal.Data()), literal.ByteLength());
  const std::string text = RequireString(info, 9, "text");
  if (text == "utf-16le") {
    spec.text = core::RegexSpec::Text::kUtf16Le;
  } else if (text == "utf-16be") {
    spec.text = core::RegexSpec::Text::kUtf16Be;
  } else if (text != "bytes") {
    ThrowInvalidArgument(env, "text must be 'bytes', 'utf-16le' or 'utf-16be', got '" + text + "'");
  }
  if (spec.text != core::RegexSpec::Text::kBytes && !spec.utf) {
    ThrowInvalidArgument(env, "a UTF-16 file is matched as UTF-8: utf must be true");
  }
  spec.literal_set = RequireByteStrings(info, 10, "literalSet");
  const Napi::Uint8Array class_members = RequireUint8Array(info, 11, "classMembers");
  spec.class_members.assign(class_members.Data(),
                            class_members.Data() + class_members.ByteLength());
  spec.class_min = RequireOffset(info, 12, "classMin");
  spec.class_max = RequireOffset(info, 13, "classMax");
  path_ = mapping->path();
  uint64_t error_offset = 0;
  const core::Status status =
      core::RegexSearch::Create(std::move(mapping), spec, options, &search_, &error_offset);
  if (!status.ok()) {
    Napi::Error error = StatusError(env, status, path_);
    if (status.code() == core::codes::kInvalid) {
      error.Set("patternOffset", Napi::Number::New(env, static_cast<double>(error_offset)));
    }
    throw error;
  }
}

Napi::Value RegexSearchWrap::Create(const Napi::CallbackInfo& info) {
  AddonData* data = info.Env().GetInstanceData<AddonData>();
  return data->regex_search_constructor.New({info[0], info[1], info[2], info[3], info[4], info[5],
                                             info[6], info[7], info[8], info[9], info[10], info[11],
                                             info[12], info[13]});
}

Napi::Value RegexSearchWrap::Progress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  core::RegexSearchProgress progress;
  const core::Status status = search_->Progress(&progress);
  if (!status.ok()) ThrowStatus(env, status, path_);
  Napi::Object result = ProgressToObject(env, progress, "matchesKnown", progress.matches_known);
  result.Set("resultBytes", Napi::Number::New(env, static_cast<double>(progress.result_bytes)));
  result.Set("workersRunning", Napi::Number::New(env, progress.workers_running));
  return result;
}

Napi::Value RegexSearchWrap::Results(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint64_t first_index = RequireOffset(info, 0, "firstIndex");
  const uint64_t count = RequireOffset(info, 1, "count");
  std::vector<uint64_t> offsets;
  std::vector<uint64_t> lengths;
  const core::Status status = search_->Results(first_index, count, &offsets, &lengths);
  if (!status.ok()) ThrowStatus(env, status, path_);
  Napi::Object result = Napi::Object::New(env);
  result.Set("offsets", CopyToTypedArray<double>(env, offsets));
  result.Set("lengths", CopyToTypedArray<double>(env, lengths));
  return result;
}

Napi::Value RegexSearchWrap::IndexAtOrAfter(const Napi::CallbackInfo& info) {
  const uint64_t offset = RequireOffset(info, 0, "offset");
  uint64_t index = 0;
  const core::Status status = search_->IndexAtOrAfter(offset, &index);
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
  return Napi::Number::New(info.Env(), static_cast<double>(index));
}

Napi::Value RegexSearchWrap::Jit(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), search_->jit());
}

void RegexSearchWrap::Cancel(const Napi::CallbackInfo& info) {
  const core::Status status = search_->Cancel();
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
}

void RegexSearchWrap::Dispose(const Napi::CallbackInfo&) { search_->Dispose(); }

Napi::Value CheckRegex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Uint8Array pattern = RequireUint8Array(info, 0, "pattern");
  core::RegexSpec spec;
  spec.pattern.assign(reinterpret_cast<const char*>(pattern.Data()), pattern.ByteLength());
  spec.utf = RequireBoolean(info, 1, "utf");
  spec.caseless = RequireBoolean(info, 2, "caseless");
  uint64_t offset = 0;
  const core::Status status = core::RegexSearch::CheckPattern(spec, &offset);
  if (status.ok()) return env.Null();
  if (status.code() != core::codes::kInvalid) ThrowStatus(env, status, "");
  Napi::Object problem = Napi::Object::New(env);
  problem.Set("message", Napi::String::New(env, status.message()));
  problem.Set("offset", Napi::Number::New(env, static_cast<double>(offset)));
  return problem;
}

Napi::Value Pcre2Version(const Napi::CallbackInfo& info) {
  if (!core::RegexSearch::Available()) return info.Env().Null();
  return Napi::String::New(info.Env(), core::RegexSearch::Version());
}

}  // namespace hexlog::napi
