// libFuzzer harness of the rtnetlink parsers: a buffer as read from a netlink
// socket, parsed into link/address events and multicast policy rules; every
// result is encoded again and must parse back to itself.
#include "modules/kernel/netlink_messages.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>

namespace {

using namespace mcproxy;
using fuzz::require;

using Buffer = std::array<std::uint8_t, kernel::kNetlinkRequestBytes>;

// The message the kernel would send for `event` (the encoder the daemon does
// not need, so it lives here): RTM_NEWLINK/DELLINK with IFLA_IFNAME, or
// RTM_NEWADDR/DELADDR with IFA_LOCAL, IFA_ADDRESS (a peer) and IFA_LABEL.
const nlmsghdr* encode(const LinkEvent& event, Buffer& buffer) {
  buffer.fill(0);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
  switch (event.change) {
    case LinkChange::NewLink:
    case LinkChange::DelLink: {
      nlh->nlmsg_type = event.change == LinkChange::NewLink ? RTM_NEWLINK : RTM_DELLINK;
      auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
      ifi->ifi_index = event.ifindex;
      ifi->ifi_flags = (event.up ? IFF_UP : 0u) | (event.running ? IFF_RUNNING : 0u) |
                       (event.multicast ? IFF_MULTICAST : 0u);
      if (!event.name.empty()) mnl_attr_put_strz(nlh, IFLA_IFNAME, event.name.c_str());
      if (event.mtu != 0) mnl_attr_put_u32(nlh, IFLA_MTU, event.mtu);
      break;
    }
    case LinkChange::NewAddress:
    case LinkChange::DelAddress: {
      nlh->nlmsg_type = event.change == LinkChange::NewAddress ? RTM_NEWADDR : RTM_DELADDR;
      auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
      ifa->ifa_index = static_cast<std::uint32_t>(event.ifindex);
      ifa->ifa_prefixlen = event.prefix_length;
      auto put = [nlh](std::uint16_t type, const Address& a) {
        if (a.is_v4()) {
          const auto bytes = a.to_v4().to_bytes();
          mnl_attr_put(nlh, type, bytes.size(), bytes.data());
        } else {
          const auto bytes = a.to_v6().to_bytes();
          mnl_attr_put(nlh, type, bytes.size(), bytes.data());
        }
      };
      ifa->ifa_family = event.address->is_v4() ? AF_INET : AF_INET6;
      put(IFA_LOCAL, *event.address);
      if (event.peer) put(IFA_ADDRESS, *event.peer);  // a point-to-point link's far end
      if (!event.name.empty()) mnl_attr_put_strz(nlh, IFA_LABEL, event.name.c_str());
      break;
    }
  }
  return nlh;
}

void check_event(const LinkEvent& event) {
  require(event.name.size() < IFNAMSIZ, "interface name longer than IFNAMSIZ - 1");
  require(event.name.find('\0') == std::string::npos, "interface name with a NUL byte");
  const bool address_event = event.change == LinkChange::NewAddress || event.change == LinkChange::DelAddress;
  require(address_event == event.address.has_value(), "an address on a link event, or none on an address event");
  if (!address_event) require(event.prefix_length == 0, "a prefix length on a link event");
  if (address_event) require(event.mtu == 0, "an MTU on an address event");
  if (event.peer) {
    require(address_event, "a peer on a link event");
    require(event.peer->is_v4() == event.address->is_v4(), "a peer of another family than the address");
    require(*event.peer != *event.address, "a peer equal to the address");
  }
  Buffer buffer;
  const auto again = kernel::parse_link_event(encode(event, buffer));
  require(again.has_value(), "an event, encoded again, is refused");
  require(*again == event, "parse(encode(event)) differs from event");
}

void check_rule(const kernel::MrouteRule& rule) {
  require(rule.iif.size() < IFNAMSIZ && rule.oif.size() < IFNAMSIZ, "rule interface name longer than IFNAMSIZ - 1");
  Buffer buffer{};
  const std::size_t length = kernel::build_rule_request(buffer, true, rule, 1);
  require(length > 0 && length <= buffer.size(), "a parsed rule cannot be built again");
  const auto again = kernel::parse_rules(std::span<const std::uint8_t>(buffer.data(), length));
  require(again.size() == 1 && again.front() == rule, "parse(build(rule)) differs from rule");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  for (const auto& event : kernel::parse_link_events(input)) check_event(event);
  for (const auto& rule : kernel::parse_rules(input)) check_rule(rule);
  return 0;
}
