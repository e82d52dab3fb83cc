#include "napi/line_filter_wrap.h"

#include <utility>
#include <vector>

#include "napi/addon_data.h"
#include "napi/errors.h"
#include "napi/mapped_file_wrap.h"
#include "napi/scan_wrap_support.h"
#include "napi/typed_arrays.h"

namespace hexlog::napi {

namespace {

constexpr uint8_t kExclude = 1, kCaseless = 2, kWholeWord = 4, kUtf = 8, kLineMode = 16,
                  kHasMask = 32;

// [begin, end) of rule `index` in a concatenation with the given ends.
std::pair<size_t, size_t> Range(Napi::Env env, const std::vector<uint64_t>& ends, size_t index,
                                size_t total, const char* name) {
  const uint64_t begin = index == 0 ? 0 : ends[index - 1];
  const uint64_t end = ends[index];
  if (begin > end || end > total) {
    ThrowInvalidArgument(env, std::string(name) + " ends must rise and stay within the bytes");
  }
  return {static_cast<size_t>(begin), static_cast<size_t>(end)};
}

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
  const Napi::Uint8Array kinds = RequireUint8Array(info, 1, "kinds");
  const Napi::Uint8Array flags = RequireUint8Array(info, 2, "flags");
  const Napi::Uint8Array patterns = RequireUint8Array(info, 3, "patterns");
  const std::vector<uint64_t> pattern_ends = RequireOffsetArray(info, 4, "patternEnds");
  const Napi::Uint8Array masks = RequireUint8Array(info, 5, "masks");
  const Napi::Uint8Array literals = RequireUint8Array(info, 6, "literals");
  const std::vector<uint64_t> literal_ends = RequireOffsetArray(info, 7, "literalEnds");
  const size_t count = kinds.ElementLength();
  if (flags.ElementLength() != count || pattern_ends.size() != count ||
      literal_ends.size() != count) {
    ThrowInvalidArgument(env, "kinds, flags, patternEnds and literalEnds must be as long");
  }
  if (masks.ByteLength() != patterns.ByteLength()) {
    ThrowInvalidArgument(env, "masks must be as long as patterns");
  }
  std::vector<core::LineRule> rules(count);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t kind = kinds[i];
    const uint8_t flag = flags[i];
    if (kind > 1) ThrowInvalidArgument(env, "kinds must be 0 (bytes) or 1 (regex)");
    const auto [begin, end] = Range(env, pattern_ends, i, patterns.ByteLength(), "pattern");
    const auto [literal_begin, literal_end] =
        Range(env, literal_ends, i, literals.ByteLength(), "literal");
    core::LineRule& rule = rules[i];
    rule.exclude = (flag & kExclude) != 0;
    const uint8_t* pattern = patterns.Data() + begin;
    if (kind == 0) {
      rule.kind = core::LineRule::Kind::kBytes;
      rule.bytes.bytes.assign(pattern, pattern + (end - begin));
      if ((flag & kHasMask) != 0) {
        rule.bytes.mask.assign(masks.Data() + begin, masks.Data() + end);
      }
      rule.bytes.case_insensitive = (flag & kCaseless) != 0;
      rule.bytes.whole_word = (flag & kWholeWord) != 0;
    } else {
      rule.kind = core::LineRule::Kind::kRegex;
      rule.regex.pattern.assign(reinterpret_cast<const char*>(pattern), end - begin);
      rule.regex.caseless = (flag & kCaseless) != 0;
      rule.regex.utf = (flag & kUtf) != 0;
      rule.regex.line_mode = (flag & kLineMode) != 0;
      rule.regex.required_literal.assign(
          reinterpret_cast<const char*>(literals.Data() + literal_begin),
          literal_end - literal_begin);
    }
  }
  core::LineFilterOptions options =
      RequireScanOptions<core::LineFilterOptions>(info, 8, core::LineFilter::kMaxThreads);
  options.match_limit = RequireOffset(info, 10, "matchLimit");
  options.lines_only = info[11].IsBoolean() && info[11].As<Napi::Boolean>().Value();
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
  for (size_t i = 0; i < 12; ++i) args.push_back(info[i]);
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
