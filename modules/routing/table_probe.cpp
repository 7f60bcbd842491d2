// probe_table(): who holds a multicast routing table (see table_probe.hpp).
#include "modules/routing/table_probe.hpp"

#include <cerrno>

namespace mcproxy::routing {

TableOwner probe_table(kernel::KernelApi& kernel, Family family, std::uint32_t table) {
  auto socket = kernel.open_mroute_socket(family);
  if (!socket) return TableOwner::Unknown;
  if (auto s = kernel.set_table(socket->get(), family, table); !s && table != default_mroute_table(family))
    return TableOwner::Unknown;
  auto init = kernel.mrt_init(socket->get(), family);
  if (init) {
    (void)kernel.mrt_done(socket->get(), family);
    return TableOwner::Nobody;
  }
  return init.error().error == EADDRINUSE ? TableOwner::Somebody : TableOwner::Unknown;
}

}  // namespace mcproxy::routing
