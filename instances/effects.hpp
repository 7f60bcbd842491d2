// What protocol logic asks the outside world to do. Logic is a pure function of
// (state, event, now); it appends to an Effects value and the instance thread
// carries the effects out by posting messages to the Sender and Routing modules.
#pragma once

#include "modules/codec/message.hpp"
#include "modules/common/address.hpp"

#include <set>
#include <string>
#include <vector>

namespace mcproxy::instances {

// Send `packet` out of `interface` (source address, TTL 1 and Router Alert are
// filled in by the logic; the Sender only encodes and transmits).
struct OutgoingPacket {
  std::string interface;
  codec::Packet packet;
  bool operator==(const OutgoingPacket&) const = default;
};

// A record refused by a limit (doc/configuration.md, "Limits"): for the
// instance's rate-limited log line; the router has counted it already.
struct Refusal {
  std::string interface;
  std::string reason;  // "max-groups", "max-groups-per-host", "max-groups-instance", "max-sources"
  Address host;
  Address group;
  bool operator==(const Refusal&) const = default;
};

struct Effects {
  std::vector<OutgoingPacket> packets;
  std::vector<Refusal> refusals;
  // Groups whose membership on some downstream changed in this step: the
  // aggregation and forwarding decisions for them must be recomputed now.
  std::set<Address> changed_groups;
  // State transitions of the router side in this step, one line each with the
  // RFC state names ("lan0: querier state: Querier -> Non-Querier"); the
  // running instance logs them at debug level.
  std::vector<std::string> transitions;

  bool empty() const { return packets.empty() && refusals.empty() && changed_groups.empty(); }
};

}  // namespace mcproxy::instances
