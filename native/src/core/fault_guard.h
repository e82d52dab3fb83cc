// Copying from a memory-mapped file that another process has truncated raises SIGBUS (on Windows,
// an in-page error). guarded_copy turns that fault into a return value instead of a crash.
#ifndef HEXLOG_CORE_FAULT_GUARD_H_
#define HEXLOG_CORE_FAULT_GUARD_H_

#include <cstddef>
#include <string>

namespace hexlog::core {

// Installs the process-wide fault handler once; safe to call from any thread, any number of
// times. guarded_copy calls it itself.
void InstallFaultGuard();

// memcpy that returns false instead of crashing when touching `src` or `dst` faults because the
// mapped file shrank. Thread-safe: the recovery point is per thread. Faults on threads that are
// not inside guarded_copy go to the handler that was installed before ours.
bool guarded_copy(void* dst, const void* src, size_t n);

// Test support. Maps a two-page temporary file, truncates it to zero behind the mapping and
// copies from the second page with guarded_copy, once on the calling thread and once on a new
// thread. Each flag is true when a real fault was caught and the thread carried on.
struct FaultGuardSelfTestResult {
  bool caught_on_calling_thread = false;
  bool caught_on_other_thread = false;
  std::string error;  // setup failure, empty otherwise
};
FaultGuardSelfTestResult RunFaultGuardSelfTest();

// Test support, for a child process only: touches a truncated mapping WITHOUT the guard while the
// guard is installed, so the fault must be passed on to the previous (default) handler and kill
// the process with SIGBUS. Returns a description only if the process survived.
std::string TriggerUnguardedFaultForTest();

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_FAULT_GUARD_H_
