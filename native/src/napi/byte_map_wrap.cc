#include "napi/byte_map_wrap.h"

#include <utility>
#include <vector>

#include "napi/errors.h"
#include "napi/mapped_file_wrap.h"
#include "napi/scan_wrap_support.h"
#include "napi/typed_arrays.h"

namespace hexlog::napi {

namespace {

unsigned RequireThreads(const Napi::CallbackInfo& info, size_t index, unsigned max_threads) {
  const uint64_t threads = RequireOffset(info, index, "threads");
  if (threads > max_threads) {
    ThrowInvalidArgument(info.Env(), "threads must be from 1 to " + std::to_string(max_threads) +
                                         ", got " + std::to_string(threads));
  }
  return static_cast<unsigned>(threads);
}

// Test only: byte-map and strings worker threads alive in this process (0 once all are disposed).
Napi::Value LiveWorkerThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), core::ByteMap::LiveWorkerThreadsForTest() +
                                           core::StringsScan::LiveWorkerThreadsForTest());
}

}  // namespace

Napi::Function ByteMapWrap::Define(Napi::Env env) {
  return DefineClass(env, "ByteMap",
                     {
                         StaticMethod<&LiveWorkerThreads>("liveWorkerThreads"),
                         InstanceMethod<&ByteMapWrap::Progress>("progress"),
                         InstanceMethod<&ByteMapWrap::Result>("result"),
                         InstanceMethod<&ByteMapWrap::Cancel>("cancel"),
                         InstanceMethod<&ByteMapWrap::Dispose>("dispose"),
                     });
}

ByteMapWrap::ByteMapWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ByteMapWrap>(info) {
  std::shared_ptr<const core::FileMapping> mapping =
      MappedFileWrap::RequireMapping(info, 0, "file");
  const uint64_t from = RequireOffset(info, 1, "from");
  const uint64_t to = RequireOffset(info, 2, "to");
  core::ByteMapOptions options;
  options.region_bytes = RequireOffset(info, 3, "regionBytes");
  options.max_regions = RequireOffset(info, 4, "maxRegions");
  options.threads = RequireThreads(info, 5, core::ByteMap::kMaxThreads);
  path_ = mapping->path();
  const core::Status status = core::ByteMap::Create(std::move(mapping), from, to, options, &map_);
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
}

Napi::Value ByteMapWrap::Progress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  core::ByteMapProgress progress;
  const core::Status status = map_->Progress(&progress);
  if (!status.ok()) ThrowStatus(env, status, path_);
  Napi::Object result = ProgressToObject(env, progress, "workersRunning", progress.workers_running);
  return result;
}

Napi::Value ByteMapWrap::Result(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  core::ByteMapResult map;
  const core::Status status = map_->Result(&map);
  if (!status.ok()) ThrowStatus(env, status, path_);
  Napi::Object result = Napi::Object::New(env);
  result.Set("from", Napi::Number::New(env, static_cast<double>(map.from)));
  result.Set("to", Napi::Number::New(env, static_cast<double>(map.to)));
  result.Set("regionBytes", Napi::Number::New(env, static_cast<double>(map.region_bytes)));
  result.Set("classes", CopyToUint8Array(env, map.classes));
  result.Set("entropy", CopyToTypedArray<float>(env, map.entropy));
  const std::vector<uint64_t> histogram(map.histogram.begin(), map.histogram.end());
  result.Set("histogram", CopyToTypedArray<double>(env, histogram));
  return result;
}

void ByteMapWrap::Cancel(const Napi::CallbackInfo& info) {
  const core::Status status = map_->Cancel();
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
}

void ByteMapWrap::Dispose(const Napi::CallbackInfo&) { map_->Dispose(); }

Napi::Function StringsScanWrap::Define(Napi::Env env) {
  return DefineClass(env, "StringsScan",
                     {
                         InstanceMethod<&StringsScanWrap::Progress>("progress"),
                         InstanceMethod<&StringsScanWrap::Read>("read"),
                         InstanceMethod<&StringsScanWrap::IndexAtOffset>("indexAtOffset"),
                         InstanceMethod<&StringsScanWrap::Cancel>("cancel"),
                         InstanceMethod<&StringsScanWrap::Dispose>("dispose"),
                     });
}

StringsScanWrap::StringsScanWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<StringsScanWrap>(info) {
  std::shared_ptr<const core::FileMapping> mapping =
      MappedFileWrap::RequireMapping(info, 0, "file");
  const uint64_t min_length = RequireOffset(info, 1, "minLength");
  const uint64_t encodings = RequireOffset(info, 2, "encodings");
  core::StringsScanOptions options;
  options.threads = RequireThreads(info, 3, core::StringsScan::kMaxThreads);
  options.chunk_bytes = RequireOffset(info, 4, "chunkBytes");
  options.max_results = RequireOffset(info, 5, "maxResults");
  if (encodings > 3) ThrowInvalidArgument(info.Env(), "encodings must be 1, 2 or 3");
  path_ = mapping->path();
  const core::Status status = core::StringsScan::Create(
      std::move(mapping), min_length, static_cast<uint8_t>(encodings), options, &scan_);
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
}

Napi::Value StringsScanWrap::Progress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  core::StringsProgress progress;
  const core::Status status = scan_->Progress(&progress);
  if (!status.ok()) ThrowStatus(env, status, path_);
  Napi::Object result = ProgressToObject(env, progress, "stringsKnown", progress.strings_known);
  result.Set("truncated", Napi::Boolean::New(env, progress.truncated));
  result.Set("workersRunning", Napi::Number::New(env, progress.workers_running));
  return result;
}

// read(first, count, maxPreview): { offsets, lengths, encodings, preview, previewEnds }.
Napi::Value StringsScanWrap::Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint64_t first = RequireOffset(info, 0, "first");
  const uint64_t count = RequireOffset(info, 1, "count");
  const uint64_t max_preview = RequireOffset(info, 2, "maxPreview");
  core::StringsPage page;
  const core::Status status = scan_->Read(first, count, max_preview, &page);
  if (!status.ok()) ThrowStatus(env, status, path_);
  Napi::Object result = Napi::Object::New(env);
  result.Set("offsets", CopyToTypedArray<double>(env, page.offsets));
  result.Set("lengths", CopyToTypedArray<double>(env, page.lengths));
  result.Set("encodings", CopyToUint8Array(env, page.encodings));
  result.Set("preview", CopyToUint8Array(env, page.preview));
  result.Set("previewEnds", CopyToTypedArray<uint32_t>(env, page.preview_ends));
  return result;
}

Napi::Value StringsScanWrap::IndexAtOffset(const Napi::CallbackInfo& info) {
  const uint64_t offset = RequireOffset(info, 0, "offset");
  uint64_t index = 0;
  const core::Status status = scan_->IndexAtOffset(offset, &index);
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
  return Napi::Number::New(info.Env(), static_cast<double>(index));
}

void StringsScanWrap::Cancel(const Napi::CallbackInfo& info) {
  const core::Status status = scan_->Cancel();
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
}

void StringsScanWrap::Dispose(const Napi::CallbackInfo&) { scan_->Dispose(); }

}  // namespace hexlog::napi
