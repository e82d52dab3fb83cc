#include "napi/byte_search_wrap.h"

#include <utility>
#include <vector>

#include "napi/addon_data.h"
#include "napi/errors.h"
#include "napi/mapped_file_wrap.h"
#include "napi/scan_wrap_support.h"
#include "napi/typed_arrays.h"

namespace hexlog::napi {

namespace {

std::vector<uint8_t> CopyBytes(const Napi::Uint8Array& array) {
  const uint8_t* data = array.Data();
  return std::vector<uint8_t>(data, data + array.ByteLength());
}

}  // namespace

Napi::Function ByteSearchWrap::Define(Napi::Env env) {
  return DefineClass(env, "ByteSearch",
                     {
                         StaticMethod<&ByteSearchWrap::Create>("create"),
                         InstanceMethod<&ByteSearchWrap::PatternLength>("patternLength"),
                         InstanceMethod<&ByteSearchWrap::Progress>("progress"),
                         InstanceMethod<&ByteSearchWrap::Results>("results"),
                         InstanceMethod<&ByteSearchWrap::IndexAtOrAfter>("indexAtOrAfter"),
                         InstanceMethod<&ByteSearchWrap::Cancel>("cancel"),
                         InstanceMethod<&ByteSearchWrap::Dispose>("dispose"),
                     });
}

ByteSearchWrap::ByteSearchWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<ByteSearchWrap>(info) {
  Napi::Env env = info.Env();
  std::shared_ptr<const core::FileMapping> mapping =
      MappedFileWrap::RequireMapping(info, 0, "file");
  core::PatternSpec pattern;
  pattern.bytes = CopyBytes(RequireUint8Array(info, 1, "bytes"));
  if (!info[2].IsNull() && !info[2].IsUndefined()) {
    pattern.mask = CopyBytes(RequireUint8Array(info, 2, "mask"));
    if (pattern.mask.size() != pattern.bytes.size()) {
      ThrowInvalidArgument(env, "mask must have the same length as bytes (" +
                                    std::to_string(pattern.bytes.size()) + "), got " +
                                    std::to_string(pattern.mask.size()));
    }
  }
  pattern.case_insensitive = RequireBoolean(info, 3, "caseInsensitive");
  pattern.whole_word = RequireBoolean(info, 4, "wholeWord");
  const core::ByteSearchOptions options =
      RequireScanOptions<core::ByteSearchOptions>(info, 5, core::ByteSearch::kMaxThreads);
  path_ = mapping->path();
  const core::Status status =
      core::ByteSearch::Create(std::move(mapping), pattern, options, &search_);
  if (!status.ok()) ThrowStatus(env, status, path_);
}

Napi::Value ByteSearchWrap::Create(const Napi::CallbackInfo& info) {
  AddonData* data = info.Env().GetInstanceData<AddonData>();
  return data->byte_search_constructor.New(
      {info[0], info[1], info[2], info[3], info[4], info[5], info[6]});
}

Napi::Value ByteSearchWrap::PatternLength(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(search_->pattern_length()));
}

Napi::Value ByteSearchWrap::Progress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  core::ByteSearchProgress progress;
  const core::Status status = search_->Progress(&progress);
  if (!status.ok()) ThrowStatus(env, status, path_);
  Napi::Object result = ProgressToObject(env, progress, "matchesKnown", progress.matches_known);
  result.Set("resultBytes", Napi::Number::New(env, static_cast<double>(progress.result_bytes)));
  return result;
}

Napi::Value ByteSearchWrap::Results(const Napi::CallbackInfo& info) {
  const uint64_t first_index = RequireOffset(info, 0, "firstIndex");
  const uint64_t count = RequireOffset(info, 1, "count");
  std::vector<uint64_t> offsets;
  const core::Status status = search_->Results(first_index, count, &offsets);
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
  return CopyToTypedArray<double>(info.Env(), offsets);
}

Napi::Value ByteSearchWrap::IndexAtOrAfter(const Napi::CallbackInfo& info) {
  const uint64_t offset = RequireOffset(info, 0, "offset");
  uint64_t index = 0;
  const core::Status status = search_->IndexAtOrAfter(offset, &index);
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
  return Napi::Number::New(info.Env(), static_cast<double>(index));
}

void ByteSearchWrap::Cancel(const Napi::CallbackInfo& info) {
  const core::Status status = search_->Cancel();
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
}

void ByteSearchWrap::Dispose(const Napi::CallbackInfo&) { search_->Dispose(); }

}  // namespace hexlog::napi
