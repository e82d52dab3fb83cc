// The platform-independent part of fault_guard.h; the guard itself is in platform_posix.cc and
// platform_win.cc.
#include <string>
#include <system_error>
#include <thread>

#include "core/fault_guard.h"

namespace hexlog::core {

FaultGuardSelfTestResult RunOnCallingAndOtherThread(bool (*caught)(const void* context),
                                                    const void* context) {
  FaultGuardSelfTestResult result;
  result.caught_on_calling_thread = caught(context);
  try {
    std::thread worker([&] { result.caught_on_other_thread = caught(context); });
    worker.join();
  } catch (const std::system_error& error) {
    result.error = std::string("could not start a thread: ") + error.what();
  }
  return result;
}

}  // namespace hexlog::core
