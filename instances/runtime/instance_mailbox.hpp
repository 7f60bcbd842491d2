// An instance's mailbox and the daemon-wide account of what the Receiver
// delivered to the instances (doc/operations.md, "Counters").
#pragma once

#include "modules/common/instance_event.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace mcproxy::instances {

// What the Receiver delivered to every instance since the daemon started,
// stopped instances included (doc/operations.md, "Counters"): once the
// mailboxes are empty, the Receiver's `delivered` = packets + upcalls +
// discarded. Written by the instance threads and by whichever thread lets go
// of an instance mailbox last; read by the main thread.
struct InstanceTotals {
  std::atomic<std::uint64_t> packets{0};    // IGMP/MLD packets an instance took from its mailbox
  std::atomic<std::uint64_t> upcalls{0};    // kernel upcalls an instance took from its mailbox
  std::atomic<std::uint64_t> discarded{0};  // packets and upcalls left in the mailbox of an instance that stopped
};

// An instance mailbox whose bulk lane is accounted for when it goes: what is
// still there when the last holder lets go of it (the instance, or the
// Receiver just after posting to an instance that stopped) was delivered but
// never taken, and is added to `totals->discarded`. Only the Receiver posts to
// an instance's bulk lane, and only packets and upcalls; the control lane
// (link events, routing replies, timers) is not counted.
std::shared_ptr<InstanceMailbox> make_instance_mailbox(std::size_t capacity, std::shared_ptr<InstanceTotals> totals);

}  // namespace mcproxy::instances
