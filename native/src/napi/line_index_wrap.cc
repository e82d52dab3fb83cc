#include "napi/line_index_wrap.h"

#include <utility>
#include <vector>

#include "napi/addon_data.h"
#include "napi/errors.h"
#include "napi/mapped_file_wrap.h"
#include "napi/scan_wrap_support.h"
#include "napi/typed_arrays.h"

namespace hexlog::napi {

Napi::Function LineIndexWrap::Define(Napi::Env env) {
  return DefineClass(env, "LineIndex",
                     {
                         StaticMethod<&LineIndexWrap::Create>("create"),
                         InstanceMethod<&LineIndexWrap::Progress>("progress"),
                         InstanceMethod<&LineIndexWrap::ReadLines>("readLines"),
                         InstanceMethod<&LineIndexWrap::LineAtOffset>("lineAtOffset"),
                         InstanceMethod<&LineIndexWrap::LinesAtOffsets>("linesAtOffsets"),
                         InstanceMethod<&LineIndexWrap::ReadLinesAt>("readLinesAt"),
                         InstanceMethod<&LineIndexWrap::Extend>("extend"),
                         InstanceMethod<&LineIndexWrap::Cancel>("cancel"),
                         InstanceMethod<&LineIndexWrap::MemoryBytes>("memoryBytes"),
                         InstanceMethod<&LineIndexWrap::Dispose>("dispose"),
                     });
}

LineIndexWrap::LineIndexWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<LineIndexWrap>(info) {
  Napi::Env env = info.Env();
  std::shared_ptr<const core::FileMapping> mapping =
      MappedFileWrap::RequireMapping(info, 0, "file");
  const std::string encoding_text = RequireString(info, 1, "encoding");
  core::TextEncoding encoding;
  if (!core::ParseTextEncoding(encoding_text, &encoding)) {
    ThrowInvalidArgument(
        env, "encoding must be 'utf-8', 'latin1', 'utf-16le' or 'utf-16be', got '" + encoding_text +
                 "'");
  }
  const core::LineIndexOptions options =
      RequireScanOptions<core::LineIndexOptions>(info, 2, core::LineIndex::kMaxThreads);
  path_ = mapping->path();
  const core::Status status =
      core::LineIndex::Create(std::move(mapping), encoding, options, &index_);
  if (!status.ok()) ThrowStatus(env, status, path_);
}

Napi::Value LineIndexWrap::Create(const Napi::CallbackInfo& info) {
  AddonData* data = info.Env().GetInstanceData<AddonData>();
  return data->line_index_constructor.New({info[0], info[1], info[2], info[3]});
}

Napi::Value LineIndexWrap::Progress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  core::LineIndexProgress progress;
  const core::Status status = index_->Progress(&progress);
  if (!status.ok()) ThrowStatus(env, status, path_);
  return ProgressToObject(env, progress, "linesKnown", progress.lines_known);
}

Napi::Value LineIndexWrap::ReadLines(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint64_t first_line = RequireOffset(info, 0, "firstLine");
  const uint64_t count = RequireOffset(info, 1, "count");
  const uint64_t max_bytes_per_line = RequireOffset(info, 2, "maxBytesPerLine");
  core::LineSlice slice;
  const core::Status status = index_->ReadLines(first_line, count, max_bytes_per_line, &slice);
  if (!status.ok()) ThrowStatus(env, status, path_);

  return SliceToObject(env, slice);
}

Napi::Object LineIndexWrap::SliceToObject(Napi::Env env, const core::LineSlice& slice) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("firstLine", Napi::Number::New(env, static_cast<double>(slice.first_line)));
  result.Set("count", Napi::Number::New(env, static_cast<double>(slice.count)));
  result.Set("bytes", CopyToUint8Array(env, slice.bytes));
  result.Set("textStarts", CopyToTypedArray<uint32_t>(env, slice.text_starts));
  result.Set("fileOffsets", CopyToTypedArray<double>(env, slice.file_offsets));
  result.Set("fullLengths", CopyToTypedArray<double>(env, slice.full_lengths));
  return result;
}

Napi::Value LineIndexWrap::LinesAtOffsets(const Napi::CallbackInfo& info) {
  const std::vector<uint64_t> offsets = RequireOffsetArray(info, 0, "offsets");
  std::vector<int64_t> lines;
  const core::Status status = index_->LinesAtOffsets(offsets, &lines);
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
  return CopyToTypedArray<double>(info.Env(), lines);
}

Napi::Value LineIndexWrap::ReadLinesAt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::vector<uint64_t> lines = RequireOffsetArray(info, 0, "lines");
  const uint64_t max_bytes_per_line = RequireOffset(info, 1, "maxBytesPerLine");
  core::LineSlice slice;
  std::vector<uint64_t> line_numbers;
  const core::Status status = index_->ReadLinesAt(lines, max_bytes_per_line, &slice, &line_numbers);
  if (!status.ok()) ThrowStatus(env, status, path_);
  Napi::Object result = SliceToObject(env, slice);
  result.Set("lines", CopyToTypedArray<double>(env, line_numbers));
  return result;
}

Napi::Value LineIndexWrap::LineAtOffset(const Napi::CallbackInfo& info) {
  const uint64_t offset = RequireOffset(info, 0, "offset");
  uint64_t line = 0;
  const core::Status status = index_->LineAtOffset(offset, &line);
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
  return Napi::Number::New(info.Env(), static_cast<double>(line));
}

void LineIndexWrap::Extend(const Napi::CallbackInfo& info) {
  std::shared_ptr<const core::FileMapping> grown = MappedFileWrap::RequireMapping(info, 0, "grown");
  const core::Status status = index_->Extend(std::move(grown));
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
}

void LineIndexWrap::Cancel(const Napi::CallbackInfo& info) {
  const core::Status status = index_->Cancel();
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
}

Napi::Value LineIndexWrap::MemoryBytes(const Napi::CallbackInfo& info) {
  uint64_t bytes = 0;
  const core::Status status = index_->MemoryBytes(&bytes);
  if (!status.ok()) ThrowStatus(info.Env(), status, path_);
  return Napi::Number::New(info.Env(), static_cast<double>(bytes));
}

void LineIndexWrap::Dispose(const Napi::CallbackInfo&) { index_->Dispose(); }

}  // namespace hexlog::napi
