// Everything the modules send to a proxy instance: the message type of the
// instance's mailbox (Mailbox<InstanceEvent>), owned by the instance thread.
#pragma once

#include "modules/codec/message.hpp"
#include "modules/common/address.hpp"
#include "modules/common/link_event.hpp"
#include "modules/common/mailbox.hpp"
#include "modules/common/mroute_types.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mcproxy {

// From the Receiver: a decoded IGMP/MLD packet that arrived on an interface the
// instance registered.
struct ReceivedPacket {
  int ifindex = 0;
  std::string ifname;
  codec::Packet packet;
};

// Kernel upcall kinds (IGMPMSG_* in linux/mroute.h, MRT6MSG_* in mroute6.h).
enum class UpcallKind : std::uint8_t {
  NoCache = 1,              // data for (S,G) with no forwarding entry
  WrongVif = 2,             // data for (S,G) arrived on a VIF other than its incoming one
  WholePacket = 3,          // PIM register encapsulation (not used by a proxy)
  WrongVifWholePacket = 4,  // PIM assert processing (not used by a proxy)
};

// From the Receiver: an upcall read from the instance's mroute socket. `vif` is
// the kernel's VIF number in the instance's table; the instance maps it to an
// interface with the VifAdded replies it received from Routing.
struct KernelUpcall {
  Family family = Family::V4;
  UpcallKind kind = UpcallKind::NoCache;
  VifIndex vif = 0;
  Address source;
  Address group;
};

// Opaque timer identity, unique per Timer module for its lifetime.
using TimerHandle = std::uint64_t;

// From the Timer: the deadline of `handle` passed. A timer cancelled while its
// expiry was already on the way still arrives once: owners compare `handle`
// with the timer they currently hold and ignore stale ones.
struct TimerExpired {
  TimerHandle handle = 0;
  std::uint64_t token = 0;
};

// From the Receiver: a link or address change (broadcast to subscribers; an
// instance picks the interfaces it owns by name or ifindex).
struct InterfaceChanged {
  LinkEvent event;
};

// From Routing: an interface gets VIF number `vif` in the instance's table.
// Sent just before the kernel call (so it precedes any upcall for the VIF);
// a VifRemoved with the same number follows if the call fails.
struct VifAdded {
  TableId table;
  int ifindex = 0;
  VifIndex vif = 0;
};

// From Routing: a VIF was removed (on request or because its interface vanished).
struct VifRemoved {
  TableId table;
  int ifindex = 0;
  VifIndex vif = 0;
};

// From Routing: counters read back on request (GetCounters).
struct CounterReply {
  std::uint64_t request_id = 0;
  TableId table;
  struct Entry {
    Address source;
    Address group;
    SgCounters counters;
  };
  struct Vif {
    VifIndex vif = 0;
    int ifindex = 0;
    VifCounters counters;
  };
  std::vector<Entry> entries;
  std::vector<Vif> vifs;
  bool more = false;    // a batched read (GetCounters::max_entries): entries follow
  bool failed = false;  // the read failed (set by the instance from a RoutingFailure)
};

// From Routing: a request failed in the kernel (table creation, VIF beyond
// MAXVIFS, MFC add, ...). `error` carries the failed call and errno text.
struct RoutingFailure {
  std::uint64_t request_id = 0;
  TableId table;
  std::string operation;  // e.g. "add vif eth1"
  std::string error;      // e.g. "setsockopt(MRT_ADD_VIF): No buffer space available (errno 105)"
};

using InstanceEvent = std::variant<ReceivedPacket, KernelUpcall, TimerExpired, InterfaceChanged,
                                   VifAdded, VifRemoved, CounterReply, RoutingFailure>;

using InstanceMailbox = Mailbox<InstanceEvent>;
// Modules hold instance mailboxes weakly: an instance that has gone away simply
// stops receiving, and a late reply is dropped instead of touching freed memory.
using InstanceMailboxRef = std::weak_ptr<InstanceMailbox>;

// Posts a control-plane event (timer expiry, routing reply, link event) to a
// weakly held mailbox, on its control lane: never refused. False only if the
// instance is gone.
inline bool post_to(const InstanceMailboxRef& ref, InstanceEvent event) {
  auto mailbox = ref.lock();
  if (!mailbox) return false;
  mailbox->post_control(std::move(event));
  return true;
}

}  // namespace mcproxy
