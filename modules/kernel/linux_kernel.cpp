// LinuxKernel: the only code in mcproxy that issues MRT_* / MRT6_* socket
// options, multicast routing ioctls, raw socket I/O and rtnetlink requests.
#include "modules/kernel/linux_kernel.hpp"

#include "modules/kernel/netlink_messages.hpp"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/filter.h>
#include <linux/mroute.h>
#include <linux/mroute6.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <sstream>

namespace mcproxy::kernel {
namespace {

constexpr int kNetlinkTimeoutMs = 2000;

int level(Family f) { return f == Family::V4 ? IPPROTO_IP : IPPROTO_IPV6; }

KernelStatus set_int(int fd, int lvl, int opt, int value, const char* call) {
  if (::setsockopt(fd, lvl, opt, &value, sizeof value) < 0) return errno_error(call);
  return {};
}

sockaddr_in6 sockaddr_of(const AddressV6& a, int scope = 0) {
  sockaddr_in6 s{};
  s.sin6_family = AF_INET6;
  const auto b = a.to_bytes();
  std::memcpy(&s.sin6_addr, b.data(), b.size());
  s.sin6_scope_id = static_cast<std::uint32_t>(scope);
  return s;
}

in_addr in_addr_of(const AddressV4& a) {
  in_addr r{};
  r.s_addr = htonl(a.to_uint());
  return r;
}

AddressV6 address_of(const in6_addr& a) {
  AddressV6::bytes_type b{};
  std::memcpy(b.data(), &a, b.size());
  return AddressV6(b);
}

// A classic BPF program that accepts nothing: for send-only sockets, whose
// receive queues would otherwise fill with every IGMP/ICMPv6 packet.
KernelStatus attach_drop_all(int fd) {
  sock_filter code[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
  sock_fprog prog{1, code};
  if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0)
    return errno_error("setsockopt(SO_ATTACH_FILTER)");
  return {};
}

KernelStatus set_icmp6_filter(int fd, std::initializer_list<int> pass) {
  icmp6_filter filter{};
  ICMP6_FILTER_SETBLOCKALL(&filter);
  for (int type : pass) ICMP6_FILTER_SETPASS(type, &filter);
  if (::setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) < 0)
    return errno_error("setsockopt(ICMP6_FILTER)");
  return {};
}

// Receive queue of the sockets the Receiver reads: room for a burst of reports
// while the Receiver holds back for a full instance mailbox (backpressure,
// doc/architecture.md "Mailboxes"). A raw socket's queue counts each packet's
// whole buffer (truesize, ~1 KiB for a small report on a veth), so 4 MiB hold
// about 4 000 reports. SO_RCVBUFFORCE passes net.core.rmem_max (root, or
// CAP_NET_ADMIN); otherwise SO_RCVBUF gives what rmem_max allows.
constexpr int kReceiveQueueBytes = 4 << 20;

// Best effort: a smaller queue or no overflow count is no reason to fail.
void size_receive_queue(int fd) {
  const int bytes = kReceiveQueueBytes;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) < 0)
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  // SO_RXQ_OVFL: every datagram carries the socket's running count of packets
  // dropped on a full queue, so the Receiver can count the kernel's losses.
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
}

KernelResult<Fd> raw_socket(Family f) {
  const int fd = f == Family::V4 ? ::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_IGMP)
                                 : ::socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (fd < 0) return errno_error(f == Family::V4 ? "socket(AF_INET, SOCK_RAW, IPPROTO_IGMP)"
                                                 : "socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)");
  return Fd(fd);
}

// Netlink request/response on a fresh socket: sends `request`, then reads until
// the ACK (or NLMSG_DONE for dumps), collecting the other messages. Bounded by
// kNetlinkTimeoutMs per read.
KernelResult<std::vector<std::uint8_t>> netlink_exchange(std::span<const std::uint8_t> request, const char* call) {
  mnl_socket* raw = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
  if (raw == nullptr) return errno_error("mnl_socket_open(NETLINK_ROUTE)");
  struct Closer {
    mnl_socket* s;
    ~Closer() { mnl_socket_close(s); }
  } closer{raw};
  if (mnl_socket_bind(raw, 0, MNL_SOCKET_AUTOPID) < 0) return errno_error("mnl_socket_bind");
  const auto* req = reinterpret_cast<const nlmsghdr*>(request.data());
  const std::uint32_t seq = req->nlmsg_seq;
  const std::uint32_t portid = mnl_socket_get_portid(raw);
  if (mnl_socket_sendto(raw, request.data(), request.size()) < 0) return errno_error(call, "send");
  const bool dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;

  std::vector<std::uint8_t> collected;
  std::vector<std::uint8_t> buffer(MNL_SOCKET_BUFFER_SIZE > 32768 ? MNL_SOCKET_BUFFER_SIZE : 32768);
  for (;;) {
    pollfd p{mnl_socket_get_fd(raw), POLLIN, 0};
    const int r = ::poll(&p, 1, kNetlinkTimeoutMs);
    if (r == 0) return std::unexpected(KernelError{call, ETIMEDOUT, "no netlink reply"});
    if (r < 0) {
      if (errno == EINTR) continue;
      return errno_error(call, "poll");
    }
    const ssize_t n = mnl_socket_recvfrom(raw, buffer.data(), buffer.size());
    if (n < 0) return errno_error(call, "recv");
    for (const nlmsghdr* nlh : messages_of(std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)))) {
      if (nlh->nlmsg_seq == seq && nlh->nlmsg_pid == portid) {
        if (nlh->nlmsg_type == NLMSG_ERROR) {
          if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(nlmsgerr)))
            return std::unexpected(KernelError{call, EBADMSG, "short NLMSG_ERROR"});
          const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
          if (err->error != 0) return std::unexpected(KernelError{call, -err->error, {}});
          if (!dump) return collected;  // ACK
        } else if (nlh->nlmsg_type == NLMSG_DONE) {
          return collected;
        } else {
          // Padded to 4 so that the collected messages stay aligned.
          const auto* begin = reinterpret_cast<const std::uint8_t*>(nlh);
          collected.insert(collected.end(), begin, begin + nlh->nlmsg_len);
          collected.resize(NLMSG_ALIGN(collected.size()), 0);
        }
      }
    }
  }
}

std::uint8_t prefix_length_of(const sockaddr* mask) {
  if (mask == nullptr) return 0;
  std::uint8_t bits = 0;
  auto count = [&bits](const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) bits = static_cast<std::uint8_t>(bits + __builtin_popcount(p[i]));
  };
  if (mask->sa_family == AF_INET) {
    const auto* m = reinterpret_cast<const sockaddr_in*>(mask);
    count(reinterpret_cast<const std::uint8_t*>(&m->sin_addr), 4);
  } else if (mask->sa_family == AF_INET6) {
    const auto* m = reinterpret_cast<const sockaddr_in6*>(mask);
    count(reinterpret_cast<const std::uint8_t*>(&m->sin6_addr), 16);
  }
  return bits;
}

}  // namespace

std::optional<AddressV4> InterfaceInfo::ipv4() const {
  for (const auto& a : addresses)
    if (a.address.is_v4()) return a.address.to_v4();
  return std::nullopt;
}

std::optional<AddressV6> InterfaceInfo::ipv6_link_local() const {
  for (const auto& a : addresses)
    if (a.address.is_v6() && a.address.to_v6().is_link_local()) return a.address.to_v6();
  return std::nullopt;
}

// --- multicast routing ----------------------------------------------------------

KernelResult<Fd> LinuxKernel::open_mroute_socket(Family family) {
  auto fd = raw_socket(family);
  if (!fd) return fd;
  if (family == Family::V4) {
    // IGMP packets arrive on this socket too (ip_mr_input hands them to the
    // table's mroute socket): IP_PKTINFO tells on which interface.
    if (auto s = set_int(fd->get(), IPPROTO_IP, IP_PKTINFO, 1, "setsockopt(IP_PKTINFO)"); !s)
      return std::unexpected(s.error());
  } else {
    // Every raw ICMPv6 socket sees every MLD packet; this one is for upcalls
    // only (ip6mr queues them with sock_queue_rcv_skb, past the ICMPv6 filter).
    if (auto s = set_icmp6_filter(fd->get(), {}); !s) return std::unexpected(s.error());
  }
  size_receive_queue(fd->get());  // the Receiver reads IGMP and upcalls from it
  return fd;
}

KernelStatus LinuxKernel::set_table(int fd, Family family, std::uint32_t table) {
  if (::setsockopt(fd, level(family), family == Family::V4 ? MRT_TABLE : MRT6_TABLE, &table, sizeof table) < 0)
    return errno_error(family == Family::V4 ? "setsockopt(MRT_TABLE)" : "setsockopt(MRT6_TABLE)",
                       "table " + std::to_string(table));
  return {};
}

KernelStatus LinuxKernel::mrt_init(int fd, Family family) {
  return set_int(fd, level(family), family == Family::V4 ? MRT_INIT : MRT6_INIT, 1,
                 family == Family::V4 ? "setsockopt(MRT_INIT)" : "setsockopt(MRT6_INIT)");
}

KernelStatus LinuxKernel::mrt_done(int fd, Family family) {
  if (::setsockopt(fd, level(family), family == Family::V4 ? MRT_DONE : MRT6_DONE, nullptr, 0) < 0)
    return errno_error(family == Family::V4 ? "setsockopt(MRT_DONE)" : "setsockopt(MRT6_DONE)");
  return {};
}

KernelStatus LinuxKernel::flush(int fd, Family family) {
  if (family == Family::V4)
    return set_int(fd, IPPROTO_IP, MRT_FLUSH, MRT_FLUSH_MFC | MRT_FLUSH_MFC_STATIC | MRT_FLUSH_VIFS | MRT_FLUSH_VIFS_STATIC,
                   "setsockopt(MRT_FLUSH)");
  return set_int(fd, IPPROTO_IPV6, MRT6_FLUSH,
                 MRT6_FLUSH_MFC | MRT6_FLUSH_MFC_STATIC | MRT6_FLUSH_MIFS | MRT6_FLUSH_MIFS_STATIC,
                 "setsockopt(MRT6_FLUSH)");
}

KernelStatus LinuxKernel::add_vif(int fd, Family family, VifIndex vif, int ifindex, std::uint8_t threshold) {
  const std::string detail = "vif " + std::to_string(vif) + " ifindex " + std::to_string(ifindex);
  if (vif >= kMaxVifs) return std::unexpected(KernelError{"add vif", ENOBUFS, detail + ": beyond MAXVIFS (32)"});
  if (family == Family::V4) {
    vifctl v{};
    v.vifc_vifi = vif;
    v.vifc_flags = VIFF_USE_IFINDEX;
    v.vifc_threshold = threshold;
    v.vifc_lcl_ifindex = ifindex;
    if (::setsockopt(fd, IPPROTO_IP, MRT_ADD_VIF, &v, sizeof v) < 0) return errno_error("setsockopt(MRT_ADD_VIF)", detail);
  } else {
    mif6ctl m{};
    m.mif6c_mifi = vif;
    m.vifc_threshold = threshold;
    m.mif6c_pifi = static_cast<std::uint16_t>(ifindex);
    if (::setsockopt(fd, IPPROTO_IPV6, MRT6_ADD_MIF, &m, sizeof m) < 0)
      return errno_error("setsockopt(MRT6_ADD_MIF)", detail);
  }
  return {};
}

KernelStatus LinuxKernel::del_vif(int fd, Family family, VifIndex vif, int ifindex) {
  const std::string detail = "vif " + std::to_string(vif);
  if (family == Family::V4) {
    vifctl v{};
    v.vifc_vifi = vif;
    v.vifc_flags = VIFF_USE_IFINDEX;
    v.vifc_lcl_ifindex = ifindex;
    if (::setsockopt(fd, IPPROTO_IP, MRT_DEL_VIF, &v, sizeof v) < 0) return errno_error("setsockopt(MRT_DEL_VIF)", detail);
  } else {
    mifi_t m = vif;
    if (::setsockopt(fd, IPPROTO_IPV6, MRT6_DEL_MIF, &m, sizeof m) < 0)
      return errno_error("setsockopt(MRT6_DEL_MIF)", detail);
  }
  return {};
}

KernelStatus LinuxKernel::add_mfc(int fd, const MfcEntry& e) {
  const std::string detail = "(" + e.source.to_string() + ", " + e.group.to_string() + ")";
  if (e.source.is_v4() != e.group.is_v4()) return std::unexpected(KernelError{"add mfc", EINVAL, detail + ": mixed families"});
  if (e.incoming >= kMaxVifs) return std::unexpected(KernelError{"add mfc", EINVAL, detail + ": incoming vif"});
  for (const auto& o : e.outgoing)
    if (o.vif >= kMaxVifs) return std::unexpected(KernelError{"add mfc", EINVAL, detail + ": outgoing vif"});
  if (e.group.is_v4()) {
    mfcctl m{};
    m.mfcc_origin = in_addr_of(e.source.to_v4());
    m.mfcc_mcastgrp = in_addr_of(e.group.to_v4());
    m.mfcc_parent = e.incoming;
    // ipmr forwards out of VIF i when the packet's TTL exceeds ttls[i]; 0 (and
    // 255) mean "not an outgoing interface".
    for (const auto& o : e.outgoing) m.mfcc_ttls[o.vif] = o.ttl == 0 ? 1 : o.ttl;
    if (::setsockopt(fd, IPPROTO_IP, MRT_ADD_MFC, &m, sizeof m) < 0) return errno_error("setsockopt(MRT_ADD_MFC)", detail);
  } else {
    mf6cctl m{};
    m.mf6cc_origin = sockaddr_of(e.source.to_v6());
    m.mf6cc_mcastgrp = sockaddr_of(e.group.to_v6());
    m.mf6cc_parent = e.incoming;
    IF_ZERO(&m.mf6cc_ifset);
    for (const auto& o : e.outgoing) IF_SET(o.vif, &m.mf6cc_ifset);
    if (::setsockopt(fd, IPPROTO_IPV6, MRT6_ADD_MFC, &m, sizeof m) < 0)
      return errno_error("setsockopt(MRT6_ADD_MFC)", detail);
  }
  return {};
}

KernelStatus LinuxKernel::del_mfc(int fd, const Address& source, const Address& group) {
  const std::string detail = "(" + source.to_string() + ", " + group.to_string() + ")";
  if (source.is_v4() != group.is_v4()) return std::unexpected(KernelError{"del mfc", EINVAL, detail + ": mixed families"});
  if (group.is_v4()) {
    mfcctl m{};
    m.mfcc_origin = in_addr_of(source.to_v4());
    m.mfcc_mcastgrp = in_addr_of(group.to_v4());
    if (::setsockopt(fd, IPPROTO_IP, MRT_DEL_MFC, &m, sizeof m) < 0) return errno_error("setsockopt(MRT_DEL_MFC)", detail);
  } else {
    mf6cctl m{};
    m.mf6cc_origin = sockaddr_of(source.to_v6());
    m.mf6cc_mcastgrp = sockaddr_of(group.to_v6());
    if (::setsockopt(fd, IPPROTO_IPV6, MRT6_DEL_MFC, &m, sizeof m) < 0)
      return errno_error("setsockopt(MRT6_DEL_MFC)", detail);
  }
  return {};
}

KernelResult<SgCounters> LinuxKernel::sg_counters(int fd, const Address& source, const Address& group) {
  const std::string detail = "(" + source.to_string() + ", " + group.to_string() + ")";
  if (source.is_v4() != group.is_v4()) return std::unexpected(KernelError{"sg counters", EINVAL, detail});
  if (group.is_v4()) {
    sioc_sg_req r{};
    r.src = in_addr_of(source.to_v4());
    r.grp = in_addr_of(group.to_v4());
    if (::ioctl(fd, SIOCGETSGCNT, &r) < 0) return errno_error("ioctl(SIOCGETSGCNT)", detail);
    return SgCounters{r.pktcnt, r.bytecnt, r.wrong_if};
  }
  sioc_sg_req6 r{};
  r.src = sockaddr_of(source.to_v6());
  r.grp = sockaddr_of(group.to_v6());
  if (::ioctl(fd, SIOCGETSGCNT_IN6, &r) < 0) return errno_error("ioctl(SIOCGETSGCNT_IN6)", detail);
  return SgCounters{r.pktcnt, r.bytecnt, r.wrong_if};
}

KernelResult<VifCounters> LinuxKernel::vif_counters(int fd, Family family, VifIndex vif) {
  const std::string detail = "vif " + std::to_string(vif);
  if (family == Family::V4) {
    sioc_vif_req r{};
    r.vifi = vif;
    if (::ioctl(fd, SIOCGETVIFCNT, &r) < 0) return errno_error("ioctl(SIOCGETVIFCNT)", detail);
    return VifCounters{r.icount, r.ocount, r.ibytes, r.obytes};
  }
  sioc_mif_req6 r{};
  r.mifi = vif;
  if (::ioctl(fd, SIOCGETMIFCNT_IN6, &r) < 0) return errno_error("ioctl(SIOCGETMIFCNT_IN6)", detail);
  return VifCounters{r.icount, r.ocount, r.ibytes, r.obytes};
}

// --- policy rules -----------------------------------------------------------------

KernelStatus LinuxKernel::rule_request(bool add, const MrouteRule& rule) {
  std::array<std::uint8_t, kNetlinkRequestBytes> buffer{};
  const std::size_t len = build_rule_request(buffer, add, rule, next_seq());
  const char* call = add ? "RTM_NEWRULE" : "RTM_DELRULE";
  const std::string detail = (rule.iif.empty() ? "oif " + rule.oif : "iif " + rule.iif) + " table " +
                             std::to_string(rule.table) + " pref " + std::to_string(rule.priority);
  if (len == 0) return std::unexpected(KernelError{call, EINVAL, detail + ": interface name too long"});
  auto r = netlink_exchange(std::span(buffer.data(), len), call);
  if (!r) {
    auto e = r.error();
    e.detail = detail;
    return std::unexpected(e);
  }
  return {};
}

KernelStatus LinuxKernel::add_rule(const MrouteRule& rule) { return rule_request(true, rule); }
KernelStatus LinuxKernel::del_rule(const MrouteRule& rule) { return rule_request(false, rule); }

KernelResult<std::vector<MrouteRule>> LinuxKernel::list_rules(Family family) {
  std::array<std::uint8_t, kNetlinkRequestBytes> buffer{};
  const std::size_t len = build_rule_dump_request(buffer, family, next_seq());
  auto r = netlink_exchange(std::span(buffer.data(), len), "RTM_GETRULE");
  if (!r) return std::unexpected(r.error());
  return parse_rules(*r);
}

// --- interfaces -------------------------------------------------------------------

KernelResult<std::vector<InterfaceInfo>> LinuxKernel::list_interfaces() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) < 0) return errno_error("getifaddrs");
  std::vector<InterfaceInfo> out;
  auto find = [&out](const std::string& name) -> InterfaceInfo& {
    for (auto& i : out)
      if (i.name == name) return i;
    InterfaceInfo info;
    info.name = name;
    info.ifindex = static_cast<int>(::if_nametoindex(name.c_str()));
    out.push_back(std::move(info));
    return out.back();
  };
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_name == nullptr) continue;
    InterfaceInfo& info = find(a->ifa_name);
    info.up = (a->ifa_flags & IFF_UP) != 0;
    info.running = (a->ifa_flags & IFF_RUNNING) != 0;
    info.multicast = (a->ifa_flags & IFF_MULTICAST) != 0;
    if (a->ifa_addr == nullptr) continue;
    // getifaddrs(3): on a point-to-point link ifa_dstaddr is the peer.
    const sockaddr* peer = (a->ifa_flags & IFF_POINTOPOINT) != 0 ? a->ifa_dstaddr : nullptr;
    if (a->ifa_addr->sa_family == AF_INET) {
      const auto* s = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
      InterfaceAddress entry{AddressV4(ntohl(s->sin_addr.s_addr)), prefix_length_of(a->ifa_netmask), std::nullopt};
      if (peer != nullptr && peer->sa_family == AF_INET)
        entry.peer = AddressV4(ntohl(reinterpret_cast<const sockaddr_in*>(peer)->sin_addr.s_addr));
      if (entry.peer == entry.address) entry.peer.reset();
      info.addresses.push_back(std::move(entry));
    } else if (a->ifa_addr->sa_family == AF_INET6) {
      const auto* s = reinterpret_cast<const sockaddr_in6*>(a->ifa_addr);
      InterfaceAddress entry{address_of(s->sin6_addr), prefix_length_of(a->ifa_netmask), std::nullopt};
      if (peer != nullptr && peer->sa_family == AF_INET6)
        entry.peer = address_of(reinterpret_cast<const sockaddr_in6*>(peer)->sin6_addr);
      if (entry.peer == entry.address) entry.peer.reset();
      info.addresses.push_back(std::move(entry));
    }
  }
  ::freeifaddrs(list);
  // The link MTU (reports are split to it, RFC 3376 §4.2.16 / RFC 3810 §5.2.15).
  if (const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0); s >= 0) {
    for (auto& info : out) {
      ifreq req{};
      std::strncpy(req.ifr_name, info.name.c_str(), IFNAMSIZ - 1);
      if (::ioctl(s, SIOCGIFMTU, &req) == 0 && req.ifr_mtu > 0) info.mtu = static_cast<unsigned>(req.ifr_mtu);
    }
    ::close(s);
  }
  return out;
}

KernelResult<int> LinuxKernel::ifindex_of(std::string_view name) {
  const std::string n(name);
  const unsigned index = ::if_nametoindex(n.c_str());
  if (index == 0) return errno_error("if_nametoindex", n);
  return static_cast<int>(index);
}

KernelResult<Fd> LinuxKernel::open_link_monitor() {
  Fd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd) return errno_error("socket(AF_NETLINK, NETLINK_ROUTE)");
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) < 0)
    return errno_error("bind(netlink link monitor)");
  return fd;
}

KernelResult<std::vector<LinkEvent>> LinuxKernel::read_link_events(int fd) {
  std::vector<LinkEvent> out;
  std::vector<std::uint8_t> buffer(32768);
  for (;;) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      // ENOBUFS: the kernel dropped notifications; the caller resynchronises.
      return errno_error("recv(netlink link monitor)");
    }
    if (n == 0) break;
    auto events = parse_link_events(std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)));
    out.insert(out.end(), std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
  }
  return out;
}

// --- raw packet I/O ---------------------------------------------------------------

KernelResult<Fd> LinuxKernel::open_packet_socket(Family family, PacketSocketRole role) {
  auto fd = raw_socket(family);
  if (!fd) return fd;
  const int s = fd->get();
  KernelStatus st;
  if (family == Family::V4) {
    if (role == PacketSocketRole::Send) {
      // The codec writes the whole IPv4 header (TTL 1, Router Alert option,
      // RFC 3376 §4 / RFC 2236 §2), so the kernel must not add its own.
      st = set_int(s, IPPROTO_IP, IP_HDRINCL, 1, "setsockopt(IP_HDRINCL)");
      if (st) st = set_int(s, IPPROTO_IP, IP_MULTICAST_LOOP, 0, "setsockopt(IP_MULTICAST_LOOP)");
      if (st) st = attach_drop_all(s);
    } else {
      st = set_int(s, IPPROTO_IP, IP_PKTINFO, 1, "setsockopt(IP_PKTINFO)");
    }
  } else {
    if (role == PacketSocketRole::Send) {
      // RFC 3810 §5: MLD messages are sent with hop limit 1.
      st = set_int(s, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 1, "setsockopt(IPV6_MULTICAST_HOPS)");
      if (st) st = set_int(s, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "setsockopt(IPV6_MULTICAST_LOOP)");
      if (st) st = set_icmp6_filter(s, {});
    } else {
      st = set_icmp6_filter(s, {MLD_LISTENER_QUERY, MLD_LISTENER_REPORT, MLD_LISTENER_REDUCTION, 143});
      if (st) st = set_int(s, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "setsockopt(IPV6_RECVPKTINFO)");
      if (st) st = set_int(s, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "setsockopt(IPV6_RECVHOPLIMIT)");
      if (st) st = set_int(s, IPPROTO_IPV6, IPV6_RECVHOPOPTS, 1, "setsockopt(IPV6_RECVHOPOPTS)");
    }
  }
  if (st && role == PacketSocketRole::Receive) size_receive_queue(s);
  if (!st) return std::unexpected(st.error());
  return fd;
}

namespace {

// IP_ADD/DROP_MEMBERSHIP or IPV6_JOIN/LEAVE_GROUP of `group` on `ifindex`.
KernelStatus membership(int fd, int ifindex, const Address& group, bool join) {
  const std::string detail = group.to_string() + " ifindex " + std::to_string(ifindex);
  if (group.is_v4()) {
    ip_mreqn m{};
    m.imr_multiaddr = in_addr_of(group.to_v4());
    m.imr_ifindex = ifindex;
    if (::setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &m, sizeof m) < 0)
      return errno_error(join ? "setsockopt(IP_ADD_MEMBERSHIP)" : "setsockopt(IP_DROP_MEMBERSHIP)", detail);
    return {};
  }
  ipv6_mreq m{};
  m.ipv6mr_multiaddr = sockaddr_of(group.to_v6()).sin6_addr;
  m.ipv6mr_interface = static_cast<unsigned>(ifindex);
  if (::setsockopt(fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &m, sizeof m) < 0)
    return errno_error(join ? "setsockopt(IPV6_JOIN_GROUP)" : "setsockopt(IPV6_LEAVE_GROUP)", detail);
  return {};
}

}  // namespace

KernelStatus LinuxKernel::join_group(int fd, int ifindex, const Address& group) {
  return membership(fd, ifindex, group, true);
}

KernelStatus LinuxKernel::leave_group(int fd, int ifindex, const Address& group) {
  return membership(fd, ifindex, group, false);
}

namespace {

// A datagram whose source is 0.0.0.0 (a link without an IPv4 address, RFC 3376
// §4.2.13) cannot go through the raw socket: with IP_HDRINCL the kernel fills
// a zero source with an address of another interface. A packet socket sends
// the datagram as it is, to the group's Ethernet address (RFC 1112 §6.4);
// links without link-layer addresses (PPP, tunnels) ignore it.
KernelStatus send_ipv4_as_is(int ifindex, const AddressV4& destination, std::span<const std::uint8_t> datagram) {
  Fd s(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP)));
  if (!s) return errno_error("socket(AF_PACKET)");
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_protocol = htons(ETH_P_IP);
  to.sll_ifindex = ifindex;
  to.sll_halen = 6;
  const auto group = destination.to_bytes();
  const std::array<std::uint8_t, 6> mac{0x01, 0x00, 0x5e, static_cast<std::uint8_t>(group[1] & 0x7f), group[2], group[3]};
  std::memcpy(to.sll_addr, mac.data(), mac.size());
  if (::sendto(s.get(), datagram.data(), datagram.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to),
               sizeof to) < 0)
    return errno_error("sendto(AF_PACKET)", destination.to_string() + " ifindex " + std::to_string(ifindex));
  return {};
}

}  // namespace

KernelStatus LinuxKernel::send_ipv4(int fd, int ifindex, const AddressV4& destination,
                                    std::span<const std::uint8_t> datagram) {
  constexpr std::size_t kSourceOffset = 12;  // RFC 791 §3.1
  if (datagram.size() >= kSourceOffset + 4 &&
      std::all_of(datagram.begin() + kSourceOffset, datagram.begin() + kSourceOffset + 4, [](auto b) { return b == 0; }))
    return send_ipv4_as_is(ifindex, destination, datagram);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr = in_addr_of(destination);
  iovec iov{const_cast<std::uint8_t*>(datagram.data()), datagram.size()};
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(in_pktinfo))> control{};
  msghdr msg{};
  msg.msg_name = &to;
  msg.msg_namelen = sizeof to;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  // IP_PKTINFO picks the outgoing interface for multicast even with IP_HDRINCL.
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = IPPROTO_IP;
  c->cmsg_type = IP_PKTINFO;
  c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
  in_pktinfo info{};
  info.ipi_ifindex = ifindex;
  std::memcpy(CMSG_DATA(c), &info, sizeof info);
  if (::sendmsg(fd, &msg, MSG_DONTWAIT) < 0)
    return errno_error("sendmsg(IPv4 IGMP)", destination.to_string() + " ifindex " + std::to_string(ifindex));
  return {};
}

KernelStatus LinuxKernel::send_ipv6(int fd, int ifindex, const AddressV6& source, const AddressV6& destination,
                                    std::span<const std::uint8_t> icmpv6, bool router_alert) {
  sockaddr_in6 to = sockaddr_of(destination, destination.is_multicast_link_local() || destination.is_link_local() ? ifindex : 0);
  iovec iov{const_cast<std::uint8_t*>(icmpv6.data()), icmpv6.size()};
  // Hop-by-hop header with Router Alert (RFC 2711, value 0 = MLD) padded to 8
  // bytes with PadN; the kernel fills in next header and length.
  constexpr std::array<std::uint8_t, 8> kHopByHopRouterAlert{0, 0, 5, 2, 0, 0, 1, 0};
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(int)) + CMSG_SPACE(8)> control{};
  msghdr msg{};
  msg.msg_name = &to;
  msg.msg_namelen = sizeof to;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = IPPROTO_IPV6;
  c->cmsg_type = IPV6_PKTINFO;
  c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
  in6_pktinfo info{};
  info.ipi6_addr = sockaddr_of(source).sin6_addr;
  info.ipi6_ifindex = static_cast<unsigned>(ifindex);
  std::memcpy(CMSG_DATA(c), &info, sizeof info);
  c = CMSG_NXTHDR(&msg, c);
  c->cmsg_level = IPPROTO_IPV6;
  c->cmsg_type = IPV6_HOPLIMIT;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  const int hops = 1;
  std::memcpy(CMSG_DATA(c), &hops, sizeof hops);
  std::size_t used = CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(int));
  if (router_alert) {
    c = CMSG_NXTHDR(&msg, c);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_HOPOPTS;
    c->cmsg_len = CMSG_LEN(kHopByHopRouterAlert.size());
    std::memcpy(CMSG_DATA(c), kHopByHopRouterAlert.data(), kHopByHopRouterAlert.size());
    used += CMSG_SPACE(kHopByHopRouterAlert.size());
  }
  msg.msg_controllen = used;
  if (::sendmsg(fd, &msg, MSG_DONTWAIT) < 0)
    return errno_error("sendmsg(ICMPv6 MLD)", destination.to_string() + " ifindex " + std::to_string(ifindex));
  return {};
}

KernelResult<std::optional<Datagram>> LinuxKernel::receive(int fd, Family family, std::span<std::uint8_t> buffer) {
  sockaddr_in6 from{};
  iovec iov{buffer.data(), buffer.size()};
  alignas(cmsghdr) std::array<char, 512> control{};
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  ssize_t n = 0;
  do {
    n = ::recvmsg(fd, &msg, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::optional<Datagram>{};
    return errno_error("recvmsg");
  }
  Datagram d;
  d.length = static_cast<std::size_t>(n);
  d.truncated = (msg.msg_flags & MSG_TRUNC) != 0;
  if (family == Family::V6 && msg.msg_namelen >= sizeof(sockaddr_in6) && from.sin6_family == AF_INET6)
    d.source = address_of(from.sin6_addr);
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO && c->cmsg_len >= CMSG_LEN(sizeof(in_pktinfo))) {
      in_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      d.ifindex = info.ipi_ifindex;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
               c->cmsg_len >= CMSG_LEN(sizeof(in6_pktinfo))) {
      in6_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      d.ifindex = static_cast<int>(info.ipi6_ifindex);
      d.destination = address_of(info.ipi6_addr);
    } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL &&
               c->cmsg_len >= CMSG_LEN(sizeof(std::uint32_t))) {
      std::uint32_t drops = 0;
      std::memcpy(&drops, CMSG_DATA(c), sizeof drops);
      d.queue_drops = drops;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
      std::memcpy(&d.hop_limit, CMSG_DATA(c), sizeof(int));
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPOPTS && c->cmsg_len >= CMSG_LEN(2)) {
      // Walk the TLV options (RFC 8200 §4.2) looking for Router Alert (type 5).
      const auto* p = reinterpret_cast<const std::uint8_t*>(CMSG_DATA(c));
      const std::size_t len = c->cmsg_len - CMSG_LEN(0);
      const std::size_t header_len = std::min<std::size_t>(len, (static_cast<std::size_t>(p[1]) + 1) * 8);
      for (std::size_t i = 2; i < header_len;) {
        if (p[i] == 0) { ++i; continue; }  // Pad1
        if (i + 1 >= header_len) break;
        if (p[i] == 5) d.router_alert = true;
        i += 2 + p[i + 1];
      }
    }
  }
  return std::optional<Datagram>{d};
}

// --- features -----------------------------------------------------------------------

FeatureReport LinuxKernel::probe_features() {
  FeatureReport r;
  std::ostringstream text;
  for (Family f : {Family::V4, Family::V6}) {
    const char* name = f == Family::V4 ? "IPv4" : "IPv6";
    bool& mroute = f == Family::V4 ? r.ipv4_mroute : r.ipv6_mroute;
    bool& tables = f == Family::V4 ? r.ipv4_multiple_tables : r.ipv6_multiple_tables;
    bool& rules = f == Family::V4 ? r.ipv4_rules : r.ipv6_rules;
    auto sock = raw_socket(f);
    if (!sock) {
      text << name << " multicast routing: cannot probe: " << sock.error().message() << "\n";
      continue;
    }
    // The default table always exists, so selecting it creates nothing.
    auto t = set_table(sock->get(), f, default_mroute_table(f));
    tables = t.has_value();
    auto init = mrt_init(sock->get(), f);
    if (init) {
      mroute = true;
      (void)mrt_done(sock->get(), f);
      text << name << " multicast routing: yes\n";
    } else if (init.error().error == EADDRINUSE) {
      mroute = true;  // another multicast router holds the default table
      text << name << " multicast routing: yes (default table in use by another daemon)\n";
    } else {
      text << name << " multicast routing: no (" << init.error().message() << ")\n";
    }
    text << name << " multiple multicast routing tables: "
         << (tables ? std::string("yes") : "no (" + t.error().message() + ")") << "\n";
    auto dump = list_rules(f);
    rules = dump.has_value();
    text << name << " multicast policy rules (" << (f == Family::V4 ? "ip mrule" : "ip -6 mrule")
         << "): " << (rules ? std::string("yes") : "no (" + dump.error().message() + ")") << "\n";
  }
  r.description = text.str();
  return r;
}

}  // namespace mcproxy::kernel
