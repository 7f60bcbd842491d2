// Whether a kernel multicast routing table belongs to a live process: the
// kernel allows one mroute socket per table, so MRT_INIT on it tells.
#pragma once

#include "modules/common/address.hpp"
#include "modules/kernel/kernel_api.hpp"

#include <cstdint>

namespace mcproxy::routing {

enum class TableOwner {
  Nobody,     // MRT_INIT succeeded (and was undone at once): free, or left by a dead process
  Somebody,   // EADDRINUSE: a live socket holds it (another daemon, or this one)
  Unknown,    // no multicast routing, no such table support, or another error
};

// Opens a probe socket, selects `table`, tries MRT_INIT/MRT6_INIT and undoes
// it (MRT_DONE), so a free table stays free. Any thread: the probe socket is
// its own (KernelApi's threading contract).
TableOwner probe_table(kernel::KernelApi& kernel, Family family, std::uint32_t table);

}  // namespace mcproxy::routing
