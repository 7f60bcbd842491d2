// The kernel seam: the ONE interface through which mcproxy touches sockets,
// MRT_* / MRT6_* multicast routing, and rtnetlink. LinuxKernel implements it for
// real; FakeKernel (fake_kernel.hpp) records calls and injects packets for tests.
#pragma once

#include "modules/common/address.hpp"
#include "modules/common/fd.hpp"
#include "modules/common/link_event.hpp"
#include "modules/common/mroute_types.hpp"
#include "modules/kernel/kernel_error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mcproxy::kernel {

// One `ip mrule` / `ip -6 mrule` entry: "iif NAME lookup TABLE pref PRIORITY"
// (or oif). Family V4 is RTNL_FAMILY_IPMR (128), V6 is RTNL_FAMILY_IP6MR (129).
struct MrouteRule {
  Family family = Family::V4;
  std::string iif;  // FRA_IIFNAME, empty if none
  std::string oif;  // FRA_OIFNAME, empty if none
  std::uint32_t table = kDefaultMrouteTable;
  std::uint32_t priority = 0;
  bool operator==(const MrouteRule&) const = default;
};

struct InterfaceAddress {
  Address address;
  std::uint8_t prefix_length = 0;
  std::optional<Address> peer{};  // point-to-point links: the far end (the prefix is its)
  bool operator==(const InterfaceAddress&) const = default;
};

struct InterfaceInfo {
  int ifindex = 0;
  std::string name;
  bool up = false;
  bool running = false;
  bool multicast = false;
  std::vector<InterfaceAddress> addresses;
  unsigned mtu = 0;  // SIOCGIFMTU; 0 when it could not be read
  // The first IPv4 address, and the link-local IPv6 address MLD messages must
  // be sent from (RFC 3810 §5: "a link-local IPv6 Source Address").
  std::optional<AddressV4> ipv4() const;
  std::optional<AddressV6> ipv6_link_local() const;
};

// What socket a module needs. The mroute socket is opened by open_mroute_socket.
enum class PacketSocketRole : std::uint8_t {
  Send,     // v4: raw IGMP with IP_HDRINCL, loop off, receives nothing; v6: raw ICMPv6, hop limit 1, receives nothing
  Receive,  // v4: raw IGMP with IP_PKTINFO; v6: raw ICMPv6 filtered to MLD types with PKTINFO/HOPLIMIT/HOPOPTS
};

// One datagram read from a raw or mroute socket. `length` bytes were written to
// the caller's buffer: for IPv4 the whole datagram (IP header first) or an
// igmpmsg upcall; for IPv6 the ICMPv6 message or an mrt6msg upcall.
struct Datagram {
  std::size_t length = 0;
  bool truncated = false;  // MSG_TRUNC: the buffer was too small
  int ifindex = 0;         // IP_PKTINFO / IPV6_PKTINFO; 0 if the kernel gave none
  Address source;          // IPv6 only (the v4 source is in the IP header)
  Address destination;     // IPv6 only (IPV6_PKTINFO)
  int hop_limit = -1;      // IPV6_HOPLIMIT; -1 if absent
  bool router_alert = false;  // IPv6 hop-by-hop Router Alert option present (IPV6_HOPOPTS)
  // SO_RXQ_OVFL: how many packets the kernel has dropped on this socket's full
  // receive queue since it was opened (a running count, wrapping at 2^32).
  std::optional<std::uint32_t> queue_drops;
};

// Result of probe_features(), for `mcproxy --check-kernel`.
struct FeatureReport {
  bool ipv4_mroute = false;         // MRT_INIT accepted on a raw IGMP socket
  bool ipv6_mroute = false;         // MRT6_INIT accepted on a raw ICMPv6 socket
  bool ipv4_multiple_tables = false;  // MRT_TABLE accepted (CONFIG_IP_MROUTE_MULTIPLE_TABLES)
  bool ipv6_multiple_tables = false;  // MRT6_TABLE accepted (CONFIG_IPV6_MROUTE_MULTIPLE_TABLES)
  bool ipv4_rules = false;          // RTM_NEWRULE for RTNL_FAMILY_IPMR accepted
  bool ipv6_rules = false;          // RTM_NEWRULE for RTNL_FAMILY_IP6MR accepted
  std::string description;          // human-readable, one line per feature
};

// Threading contract: KernelApi implementations keep no shared mutable state
// between calls on different descriptors; each descriptor is used by the module
// thread that owns it (Routing: mroute sockets for setsockopt/ioctl, Receiver:
// reading from them, Sender: its send sockets). Netlink request calls
// (rules, interface lookup) open their own socket per call, so any module
// thread may make them.
class KernelApi {
 public:
  virtual ~KernelApi() = default;

  // --- multicast routing (Routing thread) ------------------------------------
  // v4: raw IGMP socket with IP_PKTINFO; v6: raw ICMPv6 socket that accepts only
  // upcalls (ICMP6_FILTER blocks all types; MLD comes from the Receive socket).
  virtual KernelResult<Fd> open_mroute_socket(Family family) = 0;
  // MRT_TABLE / MRT6_TABLE: must come before MRT_INIT.
  virtual KernelStatus set_table(int fd, Family family, std::uint32_t table) = 0;
  virtual KernelStatus mrt_init(int fd, Family family) = 0;
  virtual KernelStatus mrt_done(int fd, Family family) = 0;
  // MRT_FLUSH / MRT6_FLUSH of everything in the socket's table, static entries
  // and VIFs included: removes what a killed predecessor left behind.
  virtual KernelStatus flush(int fd, Family family) = 0;
  // MRT_ADD_VIF with VIFF_USE_IFINDEX / MRT6_ADD_MIF. `threshold` is the TTL
  // below which packets are not forwarded out of this VIF.
  virtual KernelStatus add_vif(int fd, Family family, VifIndex vif, int ifindex, std::uint8_t threshold) = 0;
  virtual KernelStatus del_vif(int fd, Family family, VifIndex vif, int ifindex) = 0;
  // MRT_ADD_MFC / MRT6_ADD_MFC: adds or replaces the (S,G) entry.
  virtual KernelStatus add_mfc(int fd, const MfcEntry& entry) = 0;
  virtual KernelStatus del_mfc(int fd, const Address& source, const Address& group) = 0;
  virtual KernelResult<SgCounters> sg_counters(int fd, const Address& source, const Address& group) = 0;
  virtual KernelResult<VifCounters> vif_counters(int fd, Family family, VifIndex vif) = 0;

  // --- policy rules over rtnetlink (`ip mrule`) --------------------------------
  virtual KernelStatus add_rule(const MrouteRule& rule) = 0;
  virtual KernelStatus del_rule(const MrouteRule& rule) = 0;
  virtual KernelResult<std::vector<MrouteRule>> list_rules(Family family) = 0;

  // --- interfaces ---------------------------------------------------------------
  virtual KernelResult<std::vector<InterfaceInfo>> list_interfaces() = 0;
  virtual KernelResult<int> ifindex_of(std::string_view name) = 0;
  // A netlink socket subscribed to link and IPv4/IPv6 address changes.
  virtual KernelResult<Fd> open_link_monitor() = 0;
  // Reads what is waiting (non-blocking); empty when nothing is.
  virtual KernelResult<std::vector<LinkEvent>> read_link_events(int fd) = 0;

  // --- raw packet I/O (Receiver reads, Sender writes) --------------------------
  virtual KernelResult<Fd> open_packet_socket(Family family, PacketSocketRole role) = 0;
  // IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP on one interface (224.0.0.22, ff02::16).
  virtual KernelStatus join_group(int fd, int ifindex, const Address& group) = 0;
  virtual KernelStatus leave_group(int fd, int ifindex, const Address& group) = 0;
  // A whole IPv4 datagram (header with TTL and Router Alert already encoded)
  // out of `ifindex`. A datagram from 0.0.0.0 leaves with that source (a
  // packet socket of its own, not `fd`: the raw socket would fill it in).
  virtual KernelStatus send_ipv4(int fd, int ifindex, const AddressV4& destination,
                                 std::span<const std::uint8_t> datagram) = 0;
  // An ICMPv6 (MLD) message from `source` out of `ifindex`, hop limit 1, with a
  // hop-by-hop Router Alert option (RFC 3810 §5, RFC 2711) when `router_alert`.
  virtual KernelStatus send_ipv6(int fd, int ifindex, const AddressV6& source, const AddressV6& destination,
                                 std::span<const std::uint8_t> icmpv6, bool router_alert) = 0;
  // Non-blocking read; nullopt when nothing is waiting.
  virtual KernelResult<std::optional<Datagram>> receive(int fd, Family family, std::span<std::uint8_t> buffer) = 0;

  // --- features -----------------------------------------------------------------
  virtual FeatureReport probe_features() = 0;
};

}  // namespace mcproxy::kernel
