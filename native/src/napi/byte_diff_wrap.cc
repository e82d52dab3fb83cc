#include "napi/byte_diff_wrap.h"

#include <utility>
#include <vector>

#include "napi/addon_data.h"
#include "napi/errors.h"
#include "napi/mapped_file_wrap.h"
#include "napi/scan_wrap_support.h"
#include "napi/typed_arrays.h"

namespace hexlog::napi {

namespace {

constexpr size_t kArgumentCount = 5;
constexpr uint64_t kMaxTickBuckets = 65536;

}  // namespace

Napi::Function ByteDiffWrap::Define(Napi::Env env) {
  return DefineClass(env, "ByteDiff",
                     {
                         StaticMethod<&ByteDiffWrap::Create>("create"),
                         InstanceMethod<&ByteDiffWrap::Progress>("progress"),
                         InstanceMethod<&ByteDiffWrap::Entries>("entries"),
                         InstanceMethod<&ByteDiffWrap::Step>("step"),
                         InstanceMethod<&ByteDiffWrap::Ticks>("ticks"),
                         InstanceMethod<&ByteDiffWrap::Cancel>("cancel"),
                         InstanceMethod<&ByteDiffWrap::Dispose>("dispose"),
                     });
}

ByteDiffWrap::ByteDiffWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ByteDiffWrap>(info) {
  Napi::Env env = info.Env();
  std::shared_ptr<const core::FileMapping> a = MappedFileWrap::RequireMapping(info, 0, "fileA");
  std::shared_ptr<const core::FileMapping> b = MappedFileWrap::RequireMapping(info, 1, "fileB");
  const uint64_t threads = RequireOffset(info, 2, "threads");
  if (threads > core::ByteDiff::kMaxThreads) {
    ThrowInvalidArgument(env, "threads must be from 1 to " +
                                  std::to_string(core::ByteDiff::kMaxThreads) + ", got " +
                                  std::to_string(threads));
  }
  core::ByteDiffOptions options;
  options.threads = static_cast<unsigned>(threads);
  options.chunk_bytes = RequireOffset(info, 3, "chunkBytes");
  options.max_entries = RequireOffset(info, 4, "maxEntries");
  path_ = a->path();
  const core::Status status = core::ByteDiff::Create(std::move(a), std::move(b), options, &diff_);
  if (!status.ok()) ThrowStatus(env, status, path_);
}

Napi::Value ByteDiffWrap::Create(const Napi::CallbackInfo& info) {
  AddonData* data = info.Env().GetInstanceData<AddonData>();
  std::vector<napi_value> args;
  for (size_t i = 0; i < kArgumentCount; ++i) args.push_back(info[i]);
  return data->byte_diff_constructor.New(args);
}

Napi::Value ByteDiffWrap::Progress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  core::ByteDiffProgress progress;
  const core::Status status = diff_->Progress(&progress);
  if (!status.ok()) ThrowStatus(env, status, path_);
  auto number = [&](uint64_t value) { return Napi::Number::New(env, static_cast<double>(value)); };
  Napi::Object result = Napi::Object::New(env);
  result.Set("bytesCompared", number(progress.bytes_compared));
  result.Set("totalBytes", number(progress.total_bytes));
  result.Set("ranges", number(progress.ranges));
  result.Set("bytes", number(progress.bytes));
  result.Set("entries", number(progress.entries));
  result.Set("gap", number(progress.gap));
  SetEndState(env, result, progress.done, progress.cancelled, progress.error);
  return result;
}

Napi::Value ByteDiffWrap::Entries(const Napi::CallbackInfo& info) {
  const uint64_t first = RequireOffset(info, 0, "first");
  const uint64_t count = RequireOffset(info, 1, "count");
  std::vector<core::DiffEntry> entries;
  const core::Status status = diff_->Entries(first, count, &entries);
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
  std::vector<double> flat;
  flat.reserve(entries.size() * 2);
  for (const core::DiffEntry& entry : entries) {
    flat.push_back(static_cast<double>(entry.start));
    flat.push_back(static_cast<double>(entry.end));
  }
  return CopyToTypedArray<double>(info.Env(), flat);
}

Napi::Value ByteDiffWrap::Step(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint64_t offset = RequireOffset(info, 0, "offset");
  const int64_t direction = RequireSafeInteger(info, 1, "direction");
  if (direction != 1 && direction != -1) {
    ThrowInvalidArgument(env, "direction must be 1 or -1, got " + std::to_string(direction));
  }
  bool found = false;
  core::DiffEntry range;
  const core::Status status = diff_->Step(offset, static_cast<int>(direction), &found, &range);
  if (!status.ok()) ThrowStatus(env, status, path_);
  if (!found) return env.Null();
  Napi::Object result = Napi::Object::New(env);
  result.Set("start", Napi::Number::New(env, static_cast<double>(range.start)));
  result.Set("end", Napi::Number::New(env, static_cast<double>(range.end)));
  return result;
}

Napi::Value ByteDiffWrap::Ticks(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint64_t buckets = RequireOffset(info, 0, "buckets");
  if (buckets < 1 || buckets > kMaxTickBuckets) {
    ThrowInvalidArgument(env, "buckets must be from 1 to " + std::to_string(kMaxTickBuckets) +
                                  ", got " + std::to_string(buckets));
  }
  std::vector<uint32_t> counts;
  const core::Status status = diff_->Ticks(static_cast<uint32_t>(buckets), &counts);
  if (!status.ok()) ThrowStatus(env, status, path_);
  return CopyToTypedArray<uint32_t>(env, counts);
}

void ByteDiffWrap::Cancel(const Napi::CallbackInfo& info) {
  const core::Status status = diff_->Cancel();
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
}

void ByteDiffWrap::Dispose(const Napi::CallbackInfo&) { diff_->Dispose(); }

}  // namespace hexlog::napi
