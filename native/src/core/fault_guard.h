// Copying from a memory-mapped file that another process has truncated raises SIGBUS (on Windows,
// an in-page error). guarded_copy and guarded_run turn that fault into a return value instead of a
// crash.
#ifndef HEXLOG_CORE_FAULT_GUARD_H_
#define HEXLOG_CORE_FAULT_GUARD_H_

#include <cstddef>
#include <string>
#include <type_traits>

namespace hexlog::core {

// Installs the process-wide fault handler once; safe to call from any thread, any number of
// times. guarded_copy calls it itself.
void InstallFaultGuard();

// memcpy that returns false instead of crashing when touching `src` or `dst` faults because the
// mapped file shrank. Thread-safe: the recovery point is per thread. Faults on threads that are
// not inside guarded_copy go to the handler that was installed before ours.
bool guarded_copy(void* dst, const void* src, size_t n);

// Runs body(context) with the same recovery point: returns false if it faulted on a truncated
// mapping. A fault abandons the body mid-way, so the body must not allocate, lock, or keep
// anything whose destructor must run; it reads the mapping and writes into memory its caller
// owns, and the caller discards that output on false. Guards do not nest: the body must not call
// guarded_copy or guarded_run itself.
bool guarded_run(void (*body)(void* context), void* context);

// guarded_run for a lambda (captures by reference are fine; see guarded_run for what the body
// may do).
template <typename Body>
bool guarded(Body&& body) {
  using BodyType = std::remove_reference_t<Body>;
  return guarded_run([](void* context) { (*static_cast<BodyType*>(context))(); }, &body);
}

// Test support. Maps a two-page temporary file, truncates it to zero behind the mapping and
// copies from the second page with guarded_copy, once on the calling thread and once on a new
// thread. Each flag is true when a real fault was caught and the thread carried on.
struct FaultGuardSelfTestResult {
  bool caught_on_calling_thread = false;
  bool caught_on_other_thread = false;
  std::string error;  // setup failure, empty otherwise
};
FaultGuardSelfTestResult RunFaultGuardSelfTest();
// The platform-independent half of the self-test (fault_guard.cc): runs `caught` (true when a
// real fault was caught and the thread carried on) on the calling thread and on a new thread.
FaultGuardSelfTestResult RunOnCallingAndOtherThread(bool (*caught)(const void* context),
                                                    const void* context);

// Test support, for a child process only: touches a truncated mapping WITHOUT the guard while the
// guard is installed, so the fault must be passed on to the previous (default) handler and kill
// the process with SIGBUS. Returns a description only if the process survived.
std::string TriggerUnguardedFaultForTest();

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_FAULT_GUARD_H_
