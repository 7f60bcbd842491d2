// Errors of the kernel layer: every failure names the call that failed and the
// errno it returned, so an operator can tell "MRT_ADD_VIF: ENFILE" from "EPERM".
#pragma once

#include <cerrno>
#include <cstring>
#include <expected>
#include <string>

namespace mcproxy::kernel {

struct KernelError {
  std::string call;    // e.g. "setsockopt(MRT_ADD_VIF)", "RTM_NEWRULE"
  int error = 0;       // errno value (0 when the failure is not an errno, e.g. a short read)
  std::string detail;  // what it was about, e.g. "ifindex 4" (optional)

  std::string message() const {
    std::string m = call;
    if (!detail.empty()) m += " [" + detail + "]";
    if (error != 0) m += ": " + std::string(std::strerror(error)) + " (errno " + std::to_string(error) + ")";
    return m;
  }
};

template <class T>
using KernelResult = std::expected<T, KernelError>;
using KernelStatus = std::expected<void, KernelError>;

// The failure of `call` as errno describes it now: call right after the syscall.
inline std::unexpected<KernelError> errno_error(std::string call, std::string detail = {}) {
  return std::unexpected(KernelError{std::move(call), errno, std::move(detail)});
}

}  // namespace mcproxy::kernel
