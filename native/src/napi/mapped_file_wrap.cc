#include "napi/mapped_file_wrap.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "napi/addon_data.h"
#include "napi/errors.h"
#include "napi/typed_arrays.h"

namespace hexlog::napi {

namespace {

// msync + fsync off the JS thread. Holds its own reference to the mapping, so close() while it
// runs only drops the MappedFile's; the mapping is released when this worker is deleted.
class FlushWorker : public Napi::AsyncWorker {
 public:
  FlushWorker(Napi::Env env, std::shared_ptr<const core::FileMapping> mapping, uint64_t offset,
              uint64_t length)
      : Napi::AsyncWorker(env, "hexlog:flushAsync"),
        deferred_(Napi::Promise::Deferred::New(env)),
        mapping_(std::move(mapping)),
        path_(mapping_->path()),
        offset_(offset),
        length_(length) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    // No Node-API here; the Status is turned into an Error on the JS thread.
    status_ = mapping_->SyncRange(offset_, length_);
    if (!status_.ok()) SetError(status_.message());
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error&) override {
    deferred_.Reject(StatusError(Env(), status_, path_).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<const core::FileMapping> mapping_;
  std::string path_;
  uint64_t offset_;
  uint64_t length_;
  core::Status status_;
};

}  // namespace

Napi::Function MappedFileWrap::Define(Napi::Env env) {
  return DefineClass(env, "MappedFile",
                     {
                         StaticMethod<&MappedFileWrap::Open>("open"),
                         InstanceMethod<&MappedFileWrap::Size>("size"),
                         InstanceMethod<&MappedFileWrap::Stat>("stat"),
                         InstanceMethod<&MappedFileWrap::ReadInto>("readInto"),
                         InstanceMethod<&MappedFileWrap::ReadLineHeads>("readLineHeads"),
                         InstanceMethod<&MappedFileWrap::Write>("write"),
                         InstanceMethod<&MappedFileWrap::Flush>("flush"),
                         InstanceMethod<&MappedFileWrap::FlushAsync>("flushAsync"),
                         InstanceMethod<&MappedFileWrap::TryLock>("tryLock"),
                         InstanceMethod<&MappedFileWrap::Unlock>("unlock"),
                         InstanceMethod<&MappedFileWrap::Close>("close"),
                         InstanceMethod<&MappedFileWrap::IsClosed>("isClosed"),
                     });
}

MappedFileWrap::MappedFileWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<MappedFileWrap>(info) {
  const std::string path = RequireString(info, 0, "path");
  const std::string mode_text = RequireString(info, 1, "mode");
  core::MapMode mode;
  if (!core::ParseMapMode(mode_text, &mode)) {
    ThrowInvalidArgument(info.Env(),
                         "mode must be 'readonly', 'shared' or 'private', got '" + mode_text + "'");
  }
  if (path.empty()) ThrowInvalidArgument(info.Env(), "path must not be empty");
  const core::Status status = file_.Open(path, mode);
  if (!status.ok()) ThrowStatus(info.Env(), status, path);
}

Napi::Value MappedFileWrap::Open(const Napi::CallbackInfo& info) {
  AddonData* data = info.Env().GetInstanceData<AddonData>();
  return data->mapped_file_constructor.New({info[0], info[1]});
}

MappedFileWrap* MappedFileWrap::FromValue(Napi::Env env, const Napi::Value& value) {
  if (!value.IsObject()) return nullptr;
  AddonData* data = env.GetInstanceData<AddonData>();
  if (!value.As<Napi::Object>().InstanceOf(data->mapped_file_constructor.Value())) return nullptr;
  return MappedFileWrap::Unwrap(value.As<Napi::Object>());
}

std::shared_ptr<const core::FileMapping> MappedFileWrap::RequireMapping(
    const Napi::CallbackInfo& info, size_t index, const char* name) {
  MappedFileWrap* wrap = FromValue(info.Env(), info[index]);
  if (wrap == nullptr) {
    ThrowInvalidArgument(info.Env(), std::string(name) + " must be a MappedFile");
  }
  std::shared_ptr<const core::FileMapping> mapping = wrap->file().shared_mapping();
  if (mapping == nullptr) {
    ThrowStatus(
        info.Env(),
        core::Status::Fail(core::codes::kClosed, "ECLOSED: file is closed: " + wrap->file().path()),
        wrap->file().path());
  }
  return mapping;
}

Napi::Value MappedFileWrap::Size(const Napi::CallbackInfo& info) {
  uint64_t size = 0;
  const core::Status status = file_.Size(&size);
  if (!status.ok()) ThrowStatus(info.Env(), status, file_.path());
  return Napi::Number::New(info.Env(), static_cast<double>(size));
}

Napi::Value MappedFileWrap::Stat(const Napi::CallbackInfo& info) {
  core::FileIdentity identity;
  const core::Status status = file_.Stat(&identity);
  if (!status.ok()) ThrowStatus(info.Env(), status, file_.path());
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("size", Napi::Number::New(env, static_cast<double>(identity.size)));
  result.Set("dev", Napi::Number::New(env, static_cast<double>(identity.dev)));
  result.Set("ino", Napi::Number::New(env, static_cast<double>(identity.ino)));
  result.Set("mtimeMs", Napi::Number::New(env, identity.mtime_ms));
  return result;
}

Napi::Value MappedFileWrap::ReadInto(const Napi::CallbackInfo& info) {
  RequireOpen(info.Env());
  const uint64_t offset = RequireOffset(info, 0, "offset");
  Napi::Uint8Array target = RequireUint8Array(info, 1, "target");
  uint64_t copied = 0;
  // Straight into the JS-owned bytes: no external buffer ever points into the mapping.
  const core::Status status = file_.ReadInto(offset, target.Data(), target.ByteLength(), &copied);
  if (!status.ok()) ThrowStatus(info.Env(), status, file_.path());
  return Napi::Number::New(info.Env(), static_cast<double>(copied));
}

Napi::Value MappedFileWrap::ReadLineHeads(const Napi::CallbackInfo& info) {
  RequireOpen(info.Env());
  const std::vector<uint64_t> starts = RequireOffsetArray(info, 0, "starts");
  const uint64_t max_bytes = RequireOffset(info, 1, "maxBytes");
  if (starts.size() > kMaxLineHeads || max_bytes > kMaxLineHeadBytes) {
    ThrowInvalidArgument(info.Env(), "at most " + std::to_string(kMaxLineHeads) + " lines of " +
                                         std::to_string(kMaxLineHeadBytes) + " bytes a call");
  }
  std::vector<uint8_t> bytes;
  std::vector<uint32_t> ends;
  const core::Status status = file_.ReadLineHeads(starts, max_bytes, &bytes, &ends);
  if (!status.ok()) ThrowStatus(info.Env(), status, file_.path());
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("bytes", CopyToUint8Array(env, bytes));
  result.Set("ends", CopyToTypedArray<uint32_t>(env, ends));
  return result;
}

Napi::Value MappedFileWrap::Write(const Napi::CallbackInfo& info) {
  RequireOpen(info.Env());
  const uint64_t offset = RequireOffset(info, 0, "offset");
  Napi::Uint8Array source = RequireUint8Array(info, 1, "source");
  uint64_t written = 0;
  const core::Status status = file_.Write(offset, source.Data(), source.ByteLength(), &written);
  if (!status.ok()) ThrowStatus(info.Env(), status, file_.path());
  return Napi::Number::New(info.Env(), static_cast<double>(written));
}

void MappedFileWrap::Flush(const Napi::CallbackInfo& info) {
  RequireOpen(info.Env());
  const uint64_t offset = RequireOffset(info, 0, "offset");
  const uint64_t length = RequireOffset(info, 1, "length");
  const core::Status status = file_.Flush(offset, length);
  if (!status.ok()) ThrowStatus(info.Env(), status, file_.path());
}

Napi::Value MappedFileWrap::FlushAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // Bad argument types throw (a programming error); every other failure rejects the promise.
  const uint64_t offset = RequireOffset(info, 0, "offset");
  const uint64_t length = RequireOffset(info, 1, "length");
  std::shared_ptr<const core::FileMapping> mapping;
  const core::Status status = file_.PrepareFlush(offset, length, &mapping);
  if (!status.ok()) {
    Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(StatusError(env, status, file_.path()).Value());
    return deferred.Promise();
  }
  FlushWorker* worker = new FlushWorker(env, std::move(mapping), offset, length);
  Napi::Promise promise = worker->promise();
  worker->Queue();  // deletes itself after settling
  return promise;
}

Napi::Value MappedFileWrap::TryLock(const Napi::CallbackInfo& info) {
  bool taken = false;
  const core::Status status = file_.TryLock(&taken);
  if (!status.ok()) ThrowStatus(info.Env(), status, file_.path());
  return Napi::Boolean::New(info.Env(), taken);
}

void MappedFileWrap::Unlock(const Napi::CallbackInfo& info) {
  const core::Status status = file_.Unlock();
  if (!status.ok()) ThrowStatus(info.Env(), status, file_.path());
}

void MappedFileWrap::Close(const Napi::CallbackInfo&) { file_.Close(); }

Napi::Value MappedFileWrap::IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), file_.is_closed());
}

void MappedFileWrap::RequireOpen(Napi::Env env) const {
  // Checked before the arguments so a closed file reports ECLOSED whatever it is passed.
  uint64_t size = 0;
  const core::Status status = file_.Size(&size);
  if (!status.ok()) ThrowStatus(env, status, file_.path());
}

}  // namespace hexlog::napi
