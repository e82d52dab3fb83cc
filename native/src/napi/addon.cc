// Module entry: exports the MappedFile, LineIndex, ByteSearch, RegexSearch, LineFilter and Timeline
// classes, parseLineTimes, pcre2Version, releaseMemory and test-only probes.
#include <napi.h>

#include <string>

#include "core/byte_diff.h"
#include "core/byte_search.h"
#include "core/fault_guard.h"
#include "core/line_filter.h"
#include "core/line_index.h"
#include "core/pattern_scan.h"
#include "core/platform.h"
#include "core/regex_search.h"
#include "core/timeline.h"
#include "napi/addon_data.h"
#include "napi/byte_diff_wrap.h"
#include "napi/byte_map_wrap.h"
#include "napi/byte_search_wrap.h"
#include "napi/errors.h"
#include "napi/line_filter_wrap.h"
#include "napi/line_index_wrap.h"
#include "napi/mapped_file_wrap.h"
#include "napi/regex_search_wrap.h"
#include "napi/time_wrap.h"
#include "napi/timeline_wrap.h"

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

// Test only: search worker threads alive in this process (0 once every search is disposed).
Napi::Value SearchWorkerThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), core::ByteSearch::LiveWorkerThreadsForTest() +
                                           core::RegexSearch::LiveWorkerThreadsForTest() +
                                           core::LineFilter::LiveWorkerThreadsForTest());
}

// Test only: timeline worker threads alive in this process (0 once every timeline is disposed).
Napi::Value TimelineWorkerThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), core::Timeline::LiveWorkerThreadsForTest());
}

// Test only: compare worker threads alive in this process (0 once every comparison is disposed).
Napi::Value ByteDiffWorkerThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), core::ByteDiff::LiveWorkerThreadsForTest());
}

// Test only: forces the search kernel ('auto', 'sse2' or 'scalar') for the whole process.
void SetSearchKernel(const Napi::CallbackInfo& info) {
  const std::string name = RequireString(info, 0, "kernel");
  core::ScanKernel kernel = core::ScanKernel::kAuto;
  if (name == "sse2") {
    kernel = core::ScanKernel::kSse2;
  } else if (name == "scalar") {
    kernel = core::ScanKernel::kScalar;
  } else if (name != "auto") {
    ThrowInvalidArgument(info.Env(),
                         "kernel must be 'auto', 'sse2' or 'scalar', got '" + name + "'");
  }
  core::SetScanKernelForTest(kernel);
}

// releaseMemory(): hands memory freed by disposed searches and indexes back to the OS; returns
// whether the allocator released any (always false where it cannot, e.g. without glibc).
Napi::Value ReleaseMemory(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), core::platform::ReleaseFreedMemory());
}

// Test only: false makes open skip the file-system type check (procfs, sysfs, ...), so the check
// for a 0-byte file that reads data can be tried on a /proc file.
void SetFileSystemTypeCheck(const Napi::CallbackInfo& info) {
  core::platform::SetFileSystemTypeCheckForTest(RequireBoolean(info, 0, "enabled"));
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Napi::Function mapped_file = MappedFileWrap::Define(env);
  Napi::Function line_index = LineIndexWrap::Define(env);
  Napi::Function byte_search = ByteSearchWrap::Define(env);
  Napi::Function regex_search = RegexSearchWrap::Define(env);
  Napi::Function line_filter = LineFilterWrap::Define(env);
  Napi::Function timeline = TimelineWrap::Define(env);
  AddonData* data = new AddonData();
  data->mapped_file_constructor = Napi::Persistent(mapped_file);
  data->line_index_constructor = Napi::Persistent(line_index);
  data->byte_search_constructor = Napi::Persistent(byte_search);
  data->regex_search_constructor = Napi::Persistent(regex_search);
  data->line_filter_constructor = Napi::Persistent(line_filter);
  data->timeline_constructor = Napi::Persistent(timeline);
  Napi::Function byte_diff = ByteDiffWrap::Define(env);
  data->byte_diff_constructor = Napi::Persistent(byte_diff);
  env.SetInstanceData(data);  // deleted by Node when the environment goes away
  exports.Set("MappedFile", mapped_file);
  exports.Set("LineIndex", line_index);
  exports.Set("ByteSearch", byte_search);
  exports.Set("RegexSearch", regex_search);
  exports.Set("LineFilter", line_filter);
  exports.Set("Timeline", timeline);
  exports.Set("ByteDiff", byte_diff);
  exports.Set("__byteDiffWorkerThreads", Napi::Function::New<ByteDiffWorkerThreads>(env));
  exports.Set("ByteMap", ByteMapWrap::Define(env));
  exports.Set("StringsScan", StringsScanWrap::Define(env));
  exports.Set("pcre2Version", Napi::Function::New<Pcre2Version>(env));
  exports.Set("checkRegex", Napi::Function::New<CheckRegex>(env));
  exports.Set("parseLineTimes", Napi::Function::New<ParseLineTimes>(env));
  exports.Set("releaseMemory", Napi::Function::New<ReleaseMemory>(env));
  exports.Set("__faultGuardSelfTest", Napi::Function::New<FaultGuardSelfTest>(env));
  exports.Set("__triggerUnguardedFault", Napi::Function::New<TriggerUnguardedFault>(env));
  exports.Set("__lineIndexWorkerThreads", Napi::Function::New<LineIndexWorkerThreads>(env));
  exports.Set("__searchWorkerThreads", Napi::Function::New<SearchWorkerThreads>(env));
  exports.Set("__timelineWorkerThreads", Napi::Function::New<TimelineWorkerThreads>(env));
  exports.Set("__setSearchKernel", Napi::Function::New<SetSearchKernel>(env));
  exports.Set("__setFileSystemTypeCheck", Napi::Function::New<SetFileSystemTypeCheck>(env));
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
