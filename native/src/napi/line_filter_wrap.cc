#include "napi/line_filter_wrap.h"

#include <utility>
#include <vector>

#include "napi/addon_data.h"
#include "napi/errors.h"
#include "napi/mapped_file_wrap.h"
#include "napi/rule_args.h"
#include "napi/scan_wrap_support.h"
#include "napi/typed_arrays.h"

namespace hexlog::napi {

namespace {

// file, the rules, then threads, chunkBytes, matchLimit, linesOnly.
constexpr size_t kRulesArg = 1;
constexpr size_t kOptionsArg = kRulesArg + kLineRuleArgs;
constexpr size_t kArgumentCount = kOptionsArg + 4;

}  // namespace

Napi::Function LineFilterWrap::Define(Napi::Env env) {
  return DefineClass(env, "LineFilter",
                     {
                         StaticMethod<&LineFilterWrap::Create>("create"),
                         InstanceMethod<&LineFilterWrap::Progress>("progress"),
                         InstanceMethod<&LineFilterWrap::Results>("results"),
                         InstanceMethod<&LineFilterWrap::IndexOfLine>("indexOfLine"),
                         InstanceMethod<&LineFilterWrap::IndexesOfLines>("indexesOfLines"),
                         InstanceMethod<&LineFilterWrap::IndexAtOffset>("indexAtOffset"),
                         InstanceMethod<&LineFilterWrap::Extend>("extend"),
                         InstanceMethod<&LineFilterWrap::Cancel>("cancel"),
                         InstanceMethod<&LineFilterWrap::Dispose>("dispose"),
                     });
}

LineFilterWrap::LineFilterWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<LineFilterWrap>(info) {
  Napi::Env env = info.Env();
  std::shared_ptr<const core::FileMapping> mapping =
      MappedFileWrap::RequireMapping(info, 0, "file");
  const std::vector<core::LineRule> rules = RequireLineRules(info, kRulesArg);
  core::LineFilterOptions options =
      RequireScanOptions<core::LineFilterOptions>(info, kOptionsArg, core::LineFilter::kMaxThreads);
  options.match_limit = RequireOffset(info, kOptionsArg + 2, "matchLimit");
  options.lines_only =
      info[kOptionsArg + 3].IsBoolean() && info[kOptionsArg + 3].As<Napi::Boolean>().Value();
  path_ = mapping->path();
  uint64_t error_offset = 0;
  uint64_t error_rule = 0;
  const core::Status status = core::LineFilter::Create(std::move(mapping), rules, options, &filter_,
                                                       &error_offset, &error_rule);
  if (!status.ok()) {
    Napi::Error error = StatusError(env, status, path_);
    if (status.code() == core::codes::kInvalid) {
      error.Set("patternOffset", Napi::Number::New(env, static_cast<double>(error_offset)));
      error.Set("rule", Napi::Number::New(env, static_cast<double>(error_rule)));
    }
    throw error;
  }
}

Napi::Value LineFilterWrap::Create(const Napi::CallbackInfo& info) {
  AddonData* data = info.Env().GetInstanceData<AddonData>();
  std::vector<napi_value> args;
  for (size_t i = 0; i < kArgumentCount; ++i) args.push_back(info[i]);
  return data->line_filter_constructor.New(args);
}

Napi::Value LineFilterWrap::Progress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  core::LineFilterProgress progress;
  const core::Status status = filter_->Progress(&progress);
  if (!status.ok()) ThrowStatus(env, status, path_);
  Napi::Object result = ProgressToObject(env, progress, "keptKnown", progress.kept_known);
  result.Set("linesScanned", Napi::Number::New(env, static_cast<double>(progress.lines_scanned)));
  result.Set("resultBytes", Napi::Number::New(env, static_cast<double>(progress.result_bytes)));
  result.Set("workersRunning", Napi::Number::New(env, progress.workers_running));
  return result;
}

Napi::Value LineFilterWrap::Results(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint64_t first = RequireOffset(info, 0, "first");
  const uint64_t count = RequireOffset(info, 1, "count");
  std::vector<uint64_t> lines;
  std::vector<uint64_t> offsets;
  const core::Status status = filter_->Results(first, count, &lines, &offsets);
  if (!status.ok()) ThrowStatus(env, status, path_);
  Napi::Object result = Napi::Object::New(env);
  result.Set("lines", CopyToTypedArray<double>(env, lines));
  result.Set("offsets", CopyToTypedArray<double>(env, offsets));
  return result;
}

Napi::Value LineFilterWrap::IndexOfLine(const Napi::CallbackInfo& info) {
  const uint64_t line = RequireOffset(info, 0, "line");
  uint64_t index = 0;
  const core::Status status = filter_->IndexOfLine(line, &index);
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
  return Napi::Number::New(info.Env(), static_cast<double>(index));
}

Napi::Value LineFilterWrap::IndexesOfLines(const Napi::CallbackInfo& info) {
  const std::vector<uint64_t> lines = RequireOffsetArray(info, 0, "lines");
  std::vector<uint64_t> indexes;
  const core::Status status = filter_->IndexesOfLines(lines, &indexes);
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
  return CopyToTypedArray<double>(info.Env(), indexes);
}

Napi::Value LineFilterWrap::IndexAtOffset(const Napi::CallbackInfo& info) {
  const uint64_t offset = RequireOffset(info, 0, "offset");
  uint64_t index = 0;
  const core::Status status = filter_->IndexAtOffset(offset, &index);
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
  return Napi::Number::New(info.Env(), index == UINT64_MAX ? -1.0 : static_cast<double>(index));
}

void LineFilterWrap::Extend(const Napi::CallbackInfo& info) {
  std::shared_ptr<const core::FileMapping> mapping =
      MappedFileWrap::RequireMapping(info, 0, "file");
  const core::Status status = filter_->Extend(std::move(mapping));
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
}

void LineFilterWrap::Cancel(const Napi::CallbackInfo& info) {
  const core::Status status = filter_->Cancel();
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
}

void LineFilterWrap::Dispose(const Napi::CallbackInfo&) { filter_->Dispose(); }

}  // namespace hexlog::napi
