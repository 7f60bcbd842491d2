// `mcproxy --check-kernel`: which multicast routing features the running kernel
// offers (asks the kernel through the kernel seam; leaves nothing behind).
#include "mcproxy/commands.hpp"
#include "modules/kernel/linux_kernel.hpp"

#include <sysexits.h>

namespace mcproxy {

int check_kernel(std::ostream& out) {
  kernel::LinuxKernel kernel;
  const auto report = kernel.probe_features();
  out << report.description;
  if (!report.description.empty() && report.description.back() != '\n') out << "\n";
  if (!report.ipv4_mroute && !report.ipv6_mroute) {
    out << "neither IPv4 nor IPv6 multicast routing is usable (root needed; CONFIG_IP_MROUTE / CONFIG_IPV6_MROUTE)\n";
    return EX_UNAVAILABLE;
  }
  return EX_OK;
}

}  // namespace mcproxy
