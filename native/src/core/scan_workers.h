// What the chunked worker-thread scans (ByteSearch, LineIndex) share. Their chunk claiming and
// prefix bookkeeping differ (a search merges and may re-scan; an index grows with Extend), so
// only these pieces are common.
#ifndef HEXLOG_CORE_SCAN_WORKERS_H_
#define HEXLOG_CORE_SCAN_WORKERS_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "core/mapped_file.h"
#include "core/status.h"

namespace hexlog::core::scan {

// One guarded scan between checks of the stop flag: ~0.1 ms of work, so cancel is prompt.
inline constexpr uint64_t kScanBlock = 1ULL << 20;

// Hardware concurrency capped at `cap`, or 2 if unknown.
inline unsigned DefaultThreadCount(unsigned cap) {
  const unsigned hardware = std::thread::hardware_concurrency();
  if (hardware == 0) return 2;
  return std::min(hardware, cap);
}

inline const uint8_t* Bytes(const FileMapping& file) {
  return reinterpret_cast<const uint8_t*>(file.data());
}

inline Status Invalid(const std::string& message) {
  return Status::Fail(codes::kInvalid, "EINVAL: " + message);
}

inline Status CheckThreadCount(unsigned threads, unsigned max_threads) {
  if (threads <= max_threads) return Status::Ok();
  return Invalid("threads must be from 1 to " + std::to_string(max_threads) + ", got " +
                 std::to_string(threads));
}

// A worker's fault stops every worker; the first error is the one reported. Needs the scan's
// mutex held.
inline void RecordErrorLocked(const Status& status, Status* error, std::atomic<bool>* stop) {
  if (error->ok()) *error = status;
  stop->store(true);
}

// Starts a thread running `body` and counts it in `live_workers` from before it starts, so the
// count never reads 0 while a worker is on its way (the worker counts itself out as it leaves).
// EAGAIN, naming what the thread was for, if the system has no thread to give.
template <typename Body>
Status StartCountedWorker(std::atomic<int>* live_workers, std::vector<std::thread>* threads,
                          const char* purpose, const std::string& path, Body&& body) {
  live_workers->fetch_add(1);
  try {
    threads->emplace_back(std::forward<Body>(body));
  } catch (const std::system_error& error) {
    live_workers->fetch_sub(1);
    return Status::Fail("EAGAIN", std::string("EAGAIN: could not start a thread to ") + purpose +
                                      " " + path + ": " + error.what());
  }
  return Status::Ok();
}

}  // namespace hexlog::core::scan

#endif  // HEXLOG_CORE_SCAN_WORKERS_H_
