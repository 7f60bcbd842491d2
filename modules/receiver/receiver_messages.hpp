// Messages of the Receiver module's mailbox: interface registrations from
// instances, mroute sockets handed over by Routing, link-event subscriptions.
#pragma once

#include "modules/common/address.hpp"
#include "modules/common/fd.hpp"
#include "modules/common/instance_event.hpp"
#include "modules/common/mroute_types.hpp"
#include "modules/common/probe.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <variant>

namespace mcproxy::receiver {

// From an instance: IGMP (V4) or MLD (V6) packets arriving on `ifindex` are
// the instance's. With `join_router_groups` the Receiver joins 224.0.0.22 and
// 224.0.0.2 (ff02::16, ff02::2) there (RFC 3376 §4.2.14, RFC 3810 §5.2.14: v3
// reports go to them; RFC 2236 §3, RFC 2710 §4: leaves and dones): a
// downstream, where the proxy is the router. An upstream registers without:
// the proxy is a host there, and a membership would make the kernel report
// those groups upstream. Registering again with the other setting joins or
// leaves accordingly. Registering an ifindex another instance holds moves it
// (last one wins) and counts a conflict.
// `host_report_rate`: packets a second each host (source address) may send
// on the interface, in bursts of up to twice as many; the excess is dropped
// as it is read (HostRateLimiter). 0: unlimited.
struct RegisterInterface {
  Family family = Family::V4;
  int ifindex = 0;
  std::string ifname;
  InstanceMailboxRef owner;
  bool join_router_groups = true;
  std::uint32_t host_report_rate = 0;
};

// From the instance that registered `ifindex`: its packets are no longer the
// instance's. Ignored when another instance holds the interface now (it
// registered it since), so that an instance letting go of an interface late
// cannot take it from the one that took it over.
struct UnregisterInterface {
  Family family = Family::V4;
  int ifindex = 0;
  InstanceMailboxRef owner;
};

// From Routing: the mroute socket of `table` (upcalls, and for IPv4 the IGMP
// packets of the table's interfaces). Shared ownership: the socket stays open
// until both Routing and Receiver have let go of it.
struct AddMrouteSocket {
  TableId table;
  std::shared_ptr<const Fd> socket;
  InstanceMailboxRef owner;
};

struct RemoveMrouteSocket {
  TableId table;
};

// From an instance: send me every link/address change (InterfaceChanged),
// starting with the current state (NewLink and NewAddress for every interface).
struct SubscribeLinkEvents {
  std::uint64_t subscriber = 0;  // caller-chosen id, for unsubscribing
  InstanceMailboxRef owner;
};

struct UnsubscribeLinkEvents {
  std::uint64_t subscriber = 0;
};

using ReceiverMessage = std::variant<RegisterInterface, UnregisterInterface, AddMrouteSocket, RemoveMrouteSocket,
                                     SubscribeLinkEvents, UnsubscribeLinkEvents, Probe>;

}  // namespace mcproxy::receiver
