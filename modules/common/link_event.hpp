// Interface changes as the kernel reports them over netlink (RTM_NEWLINK,
// RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR), already parsed into plain values.
#pragma once

#include "modules/common/address.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace mcproxy {

enum class LinkChange : std::uint8_t { NewLink, DelLink, NewAddress, DelAddress };

struct LinkEvent {
  LinkChange change = LinkChange::NewLink;
  int ifindex = 0;
  std::string name;          // IFLA_IFNAME; empty for address events without a known name
  bool up = false;           // IFF_UP (administratively up); links only
  bool running = false;      // IFF_RUNNING (carrier and operationally up); links only
  bool multicast = false;    // IFF_MULTICAST; links only
  std::optional<Address> address;  // IFA_LOCAL / IFA_ADDRESS; address events only
  std::uint8_t prefix_length = 0;
  unsigned mtu = 0;          // IFLA_MTU; links only, 0 when the message has none
  // The far end of a point-to-point link (`ip addr add A peer P`): IFA_ADDRESS
  // when it differs from IFA_LOCAL. The prefix length applies to it.
  std::optional<Address> peer{};
  bool operator==(const LinkEvent&) const = default;
};

}  // namespace mcproxy
