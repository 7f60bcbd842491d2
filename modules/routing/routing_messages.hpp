// Messages of the Routing module's mailbox: what instances ask of the kernel's
// multicast routing tables. Replies go to the instance mailbox given at CreateTable.
#pragma once

#include "modules/common/address.hpp"
#include "modules/common/instance_event.hpp"
#include "modules/common/mroute_types.hpp"
#include "modules/common/probe.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace mcproxy::routing {

// Opens the table's mroute socket (MRT_TABLE, then MRT_INIT), flushes what a
// killed predecessor left in the table, and hands the socket to the Receiver.
// All later replies and failures for `table` go to `owner`.
struct CreateTable {
  TableId table;
  InstanceMailboxRef owner;
  std::uint64_t request_id = 0;
};

// Removes the table's MFC entries, VIFs and rules, then MRT_DONE.
struct DestroyTable {
  TableId table;
};

// Adds `ifindex` as a VIF (the next free number after the last one handed
// out, wrapping; at most 32 per table) and, for a
// table other than the family's default, the rules "iif NAME lookup T" and
// "oif NAME lookup T". Reply: VifAdded (sent before the kernel call), then
// RoutingFailure (after VifRemoved when the VIF itself failed) on errors.
struct AddVif {
  TableId table;
  int ifindex = 0;
  std::string ifname;
  std::uint8_t threshold = 1;  // TTL threshold of the VIF
  std::uint64_t request_id = 0;
};

// Removes the VIF (and its rules). Reply: VifRemoved. A VIF the kernel already
// dropped (its interface vanished) is forgotten silently. MFC entries arriving
// on the VIF are deleted; the others stop forwarding to it.
struct DelVif {
  TableId table;
  int ifindex = 0;
};

struct OutgoingInterface {
  int ifindex = 0;
  std::uint8_t ttl = 1;
  bool operator==(const OutgoingInterface&) const = default;
};

// Adds or replaces the (S,G) entry; interfaces by ifindex (must have VIFs).
// An empty `outgoing` keeps an entry that forwards nowhere (it silences
// further NOCACHE upcalls for (S,G)).
struct SetMfc {
  TableId table;
  Address source;
  Address group;
  int incoming_ifindex = 0;
  std::vector<OutgoingInterface> outgoing;
  std::uint64_t request_id = 0;
};

struct DelMfc {
  TableId table;
  Address source;
  Address group;
};

// Answers a NOCACHE upcall the owner cannot use (its VIF is no longer the
// owner's, or its interface went down): the kernel keeps an unresolved entry
// for (S,G) for 10 s, queues at most 4 of its datagrams and sends no other
// upcall meanwhile, so data arriving on the VIF that replaces this one would
// wait up to 10 s. An entry on `vif` without outputs, added and deleted at
// once, resolves it (the queued datagrams go nowhere) and the next datagram
// is upcalled again. Nothing is done when the table has an entry for (S,G).
struct DiscardUnresolved {
  TableId table;
  VifIndex vif = 0;
  Address source;
  Address group;
};

// Reads SIOCGETSGCNT for the table's entries and SIOCGETVIFCNT for its VIFs.
// Reply: CounterReply with the same request_id. With `max_entries`, at most
// that many entries in (source, group) order after `after`, and `more` in the
// reply says whether entries follow: a large table is read in batches, so
// one read neither holds the Routing thread nor builds one huge reply.
struct GetCounters {
  TableId table;
  std::uint64_t request_id = 0;
  std::optional<std::pair<Address, Address>> after = std::nullopt;  // (source, group) of the previous batch's last entry
  std::size_t max_entries = 0;                        // 0: every entry
  bool vifs = true;                                   // also the VIF counters
};

using RoutingMessage =
    std::variant<CreateTable, DestroyTable, AddVif, DelVif, SetMfc, DelMfc, DiscardUnresolved, GetCounters, Probe>;

}  // namespace mcproxy::routing
