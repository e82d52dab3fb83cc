// Errors as values: core never throws; the binding turns a failed Status into a JS Error.
#ifndef HEXLOG_CORE_STATUS_H_
#define HEXLOG_CORE_STATUS_H_

#include <string>
#include <utility>

namespace hexlog::core {

// Codes the binding and the TypeScript layer rely on. Anything else is a generic errno name.
namespace codes {
inline constexpr const char kNoEntry[] = "ENOENT";
inline constexpr const char kAccess[] = "EACCES";
inline constexpr const char kIsDirectory[] = "EISDIR";
inline constexpr const char kNotRegular[] = "ENOTREG";
inline constexpr const char kFileChanged[] = "EFILECHANGED";
inline constexpr const char kClosed[] = "ECLOSED";
inline constexpr const char kRange[] = "ERANGE";
inline constexpr const char kInvalid[] = "EINVAL";
inline constexpr const char kReadOnly[] = "EREADONLY";
inline constexpr const char kBadMode[] = "EBADMODE";
inline constexpr const char kIo[] = "EIO";
}  // namespace codes

class Status {
 public:
  Status() = default;  // ok

  static Status Ok() { return Status(); }
  static Status Fail(std::string code, std::string message) {
    return Status(std::move(code), std::move(message));
  }

  bool ok() const { return code_.empty(); }
  // Empty when ok.
  const std::string& code() const { return code_; }
  // "CODE: what happened: /the/path"; empty when ok.
  const std::string& message() const { return message_; }

 private:
  Status(std::string code, std::string message)
      : code_(std::move(code)), message_(std::move(message)) {}

  std::string code_;
  std::string message_;
};

// The symbolic name of an errno value ("ENOENT"), or "E<number>" when unknown.
std::string ErrnoName(int error_number);

// A Status for a failed system call on `path`: code is the errno name, message names the path.
Status ErrnoStatus(int error_number, const std::string& path);

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_STATUS_H_
