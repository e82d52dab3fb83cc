#include "napi/timeline_wrap.h"

#include <limits>
#include <utility>
#include <vector>

#include "napi/addon_data.h"
#include "napi/errors.h"
#include "napi/mapped_file_wrap.h"
#include "napi/rule_args.h"
#include "napi/scan_wrap_support.h"
#include "napi/time_wrap.h"
#include "napi/typed_arrays.h"

namespace hexlog::napi {

namespace {

// file, format (5), fromMs, toMs, buckets, the rules, then threads, chunkBytes, matchLimit.
constexpr size_t kRulesArg = 9;
constexpr size_t kOptionsArg = kRulesArg + kLineRuleArgs;
constexpr size_t kArgumentCount = kOptionsArg + 3;

}  // namespace

Napi::Function TimelineWrap::Define(Napi::Env env) {
  return DefineClass(env, "Timeline",
                     {
                         StaticMethod<&TimelineWrap::Create>("create"),
                         InstanceMethod<&TimelineWrap::Progress>("progress"),
                         InstanceMethod<&TimelineWrap::Counts>("counts"),
                         InstanceMethod<&TimelineWrap::Extend>("extend"),
                         InstanceMethod<&TimelineWrap::Cancel>("cancel"),
                         InstanceMethod<&TimelineWrap::Dispose>("dispose"),
                     });
}

TimelineWrap::TimelineWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TimelineWrap>(info) {
  Napi::Env env = info.Env();
  std::shared_ptr<const core::FileMapping> mapping =
      MappedFileWrap::RequireMapping(info, 0, "file");
  const core::TimeFormat format = RequireTimeFormat(info, 1);
  const int64_t from_ms = RequireSafeInteger(info, 6, "fromMs");
  const int64_t to_ms = RequireSafeInteger(info, 7, "toMs");
  const uint64_t buckets = RequireOffset(info, 8, "buckets");
  if (buckets < 1 || buckets > core::Timeline::kMaxBuckets) {
    ThrowInvalidArgument(env, "buckets must be from 1 to " +
                                  std::to_string(core::Timeline::kMaxBuckets) + ", got " +
                                  std::to_string(buckets));
  }
  const std::vector<core::LineRule> rules = RequireLineRules(info, kRulesArg);
  core::TimelineOptions options =
      RequireScanOptions<core::TimelineOptions>(info, kOptionsArg, core::Timeline::kMaxThreads);
  options.match_limit = RequireOffset(info, kOptionsArg + 2, "matchLimit");
  path_ = mapping->path();
  uint64_t error_offset = 0;
  uint64_t error_rule = 0;
  const core::Status status = core::Timeline::Create(std::move(mapping), format, from_ms, to_ms,
                                                     static_cast<uint32_t>(buckets), rules, options,
                                                     &timeline_, &error_offset, &error_rule);
  if (!status.ok()) {
    Napi::Error error = StatusError(env, status, path_);
    if (status.code() == core::codes::kInvalid) {
      error.Set("patternOffset", Napi::Number::New(env, static_cast<double>(error_offset)));
      error.Set("rule", Napi::Number::New(env, static_cast<double>(error_rule)));
    }
    throw error;
  }
}

Napi::Value TimelineWrap::Create(const Napi::CallbackInfo& info) {
  AddonData* data = info.Env().GetInstanceData<AddonData>();
  std::vector<napi_value> args;
  for (size_t i = 0; i < kArgumentCount; ++i) args.push_back(info[i]);
  return data->timeline_constructor.New(args);
}

Napi::Value TimelineWrap::Progress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  core::TimelineProgress progress;
  const core::Status status = timeline_->Progress(&progress);
  if (!status.ok()) ThrowStatus(env, status, path_);
  Napi::Object result = ProgressToObject(env, progress, "linesScanned", progress.lines_scanned);
  result.Set("workersRunning", Napi::Number::New(env, progress.workers_running));
  return result;
}

Napi::Value TimelineWrap::Counts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  core::TimelineCounts counts;
  const core::Status status = timeline_->Counts(&counts);
  if (!status.ok()) ThrowStatus(env, status, path_);
  const double none = std::numeric_limits<double>::quiet_NaN();
  Napi::Object result = Napi::Object::New(env);
  result.Set("counts", CopyToTypedArray<double>(env, counts.counts));
  result.Set("timedLines", Napi::Number::New(env, static_cast<double>(counts.timed_lines)));
  result.Set("minMs",
             Napi::Number::New(env, counts.any_time ? static_cast<double>(counts.min_ms) : none));
  result.Set("maxMs",
             Napi::Number::New(env, counts.any_time ? static_cast<double>(counts.max_ms) : none));
  result.Set("below", Napi::Number::New(env, static_cast<double>(counts.below)));
  result.Set("above", Napi::Number::New(env, static_cast<double>(counts.above)));
  result.Set("pendingLines", Napi::Number::New(env, static_cast<double>(counts.pending)));
  return result;
}

void TimelineWrap::Extend(const Napi::CallbackInfo& info) {
  std::shared_ptr<const core::FileMapping> mapping =
      MappedFileWrap::RequireMapping(info, 0, "file");
  const core::Status status = timeline_->Extend(std::move(mapping));
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
}

void TimelineWrap::Cancel(const Napi::CallbackInfo& info) {
  const core::Status status = timeline_->Cancel();
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
}

void TimelineWrap::Dispose(const Napi::CallbackInfo&) { timeline_->Dispose(); }

}  // namespace hexlog::napi
