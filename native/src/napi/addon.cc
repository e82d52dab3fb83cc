// Module entry: exports the MappedFile and LineIndex classes and test-only probes.
#include <napi.h>

#include <string>

#include "core/fault_guard.h"
#include "core/line_index.h"
#include "napi/addon_data.h"
#include "napi/line_index_wrap.h"
#include "napi/mapped_file_wrap.h"

namespace hexlog::napi {

namespace {

// Test only: proves a real SIGBUS from a truncated mapping is caught, on this thread and another.
Napi::Value FaultGuardSelfTest(const Napi::CallbackInfo& info) {
  const core::FaultGuardSelfTestResult result = core::RunFaultGuardSelfTest();
  Napi::Env env = info.Env();
  if (!result.error.empty()) {
    Napi::Error error = Napi::Error::New(env, "EIO: fault guard self-test setup: " + result.error);
    error.Set("code", Napi::String::New(env, "EIO"));
    throw error;
  }
  Napi::Object report = Napi::Object::New(env);
  report.Set("caughtOnCallingThread", Napi::Boolean::New(env, result.caught_on_calling_thread));
  report.Set("caughtOnOtherThread", Napi::Boolean::New(env, result.caught_on_other_thread));
  return report;
}

// Test only, in a throwaway child process: an unguarded fault must kill the process with SIGBUS.
Napi::Value TriggerUnguardedFault(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), core::TriggerUnguardedFaultForTest());
}

// Test only: line-index worker threads alive in this process (0 once every index is disposed).
Napi::Value LineIndexWorkerThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), core::LineIndex::LiveWorkerThreadsForTest());
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Napi::Function mapped_file = MappedFileWrap::Define(env);
  Napi::Function line_index = LineIndexWrap::Define(env);
  AddonData* data = new AddonData();
  data->mapped_file_constructor = Napi::Persistent(mapped_file);
  data->line_index_constructor = Napi::Persistent(line_index);
  env.SetInstanceData(data);  // deleted by Node when the environment goes away
  exports.Set("MappedFile", mapped_file);
  exports.Set("LineIndex", line_index);
  exports.Set("__faultGuardSelfTest", Napi::Function::New<FaultGuardSelfTest>(env));
  exports.Set("__triggerUnguardedFault", Napi::Function::New<TriggerUnguardedFault>(env));
  exports.Set("__lineIndexWorkerThreads", Napi::Function::New<LineIndexWorkerThreads>(env));
  return exports;
}

}  // namespace hexlog::napi

namespace {
// NODE_API_MODULE pastes the name into an identifier, so it must be unqualified.
Napi::Object InitHexlogNative(Napi::Env env, Napi::Object exports) {
  return hexlog::napi::Init(env, exports);
}
}  // namespace

NODE_API_MODULE(hexlog_native, InitHexlogNative)
