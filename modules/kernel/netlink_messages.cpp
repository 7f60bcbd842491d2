// rtnetlink encoding and decoding with libmnl: the attribute walkers check
// every length (mnl_attr_validate) before a value is read.
#include "modules/kernel/netlink_messages.hpp"

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cstring>

namespace mcproxy::kernel {
namespace {

std::uint8_t rtnl_family(Family f) { return f == Family::V4 ? RTNL_FAMILY_IPMR : RTNL_FAMILY_IP6MR; }

// libmnl writes without bounds checks once the header fits, so refuse buffers
// that could not hold the largest request we build.
bool big_enough(std::span<std::uint8_t> buffer) { return buffer.size() >= kNetlinkRequestBytes; }

nlmsghdr* put_header(std::span<std::uint8_t> buffer, std::uint16_t type, std::uint16_t flags, std::uint32_t seq) {
  std::memset(buffer.data(), 0, kNetlinkRequestBytes);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = flags;
  nlh->nlmsg_seq = seq;
  return nlh;
}

// mnl_attr_for_each is a C macro relying on void* conversions; the same walk,
// typed: every attribute is length-checked by mnl_attr_ok before use. The
// attributes end at nlmsg_len itself: mnl_nlmsg_get_payload_tail() rounds it
// up to 4, past the end of a buffer that ends with an unpadded message.
template <class F>
void for_each_attr(const nlmsghdr* nlh, std::size_t offset, F&& f) {
  const auto* attr = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(nlh, offset));
  const auto* tail = reinterpret_cast<const char*>(nlh) + nlh->nlmsg_len;
  while (mnl_attr_ok(attr, static_cast<int>(tail - reinterpret_cast<const char*>(attr)))) {
    f(attr);
    attr = mnl_attr_next(attr);
  }
}

template <class F>
void walk(std::span<const std::uint8_t> buffer, F&& f) {
  for (const nlmsghdr* nlh : messages_of(buffer)) f(nlh);
}

std::optional<Address> address_from(const nlattr* attr, std::uint8_t family) {
  const auto len = mnl_attr_get_payload_len(attr);
  const auto* p = static_cast<const std::uint8_t*>(mnl_attr_get_payload(attr));
  if (family == AF_INET && len == 4) {
    AddressV4::bytes_type b{};
    std::memcpy(b.data(), p, 4);
    return Address(AddressV4(b));
  }
  if (family == AF_INET6 && len == 16) {
    AddressV6::bytes_type b{};
    std::memcpy(b.data(), p, 16);
    return Address(AddressV6(b));
  }
  return std::nullopt;
}

// A NUL-terminated string attribute no longer than an interface name.
std::optional<std::string> ifname_from(const nlattr* attr) {
  if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0) return std::nullopt;
  std::string name = mnl_attr_get_str(attr);
  if (name.size() >= IFNAMSIZ) return std::nullopt;
  return name;
}

}  // namespace

// Not mnl_nlmsg_ok()/mnl_nlmsg_next(): the first compares nlmsg_len as an int,
// so a length of 2^31 or more passes, and the second then rounds it up to 4
// in 32 bits, wraps to 0 and returns the same message again, forever.
std::vector<const nlmsghdr*> messages_of(std::span<const std::uint8_t> buffer) {
  std::vector<const nlmsghdr*> out;
  std::size_t offset = 0;
  while (buffer.size() - offset >= sizeof(nlmsghdr)) {
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(buffer.data() + offset);
    const std::size_t length = nlh->nlmsg_len;
    if (length < sizeof(nlmsghdr) || length > buffer.size() - offset) break;
    out.push_back(nlh);
    const std::size_t aligned = (length + NLMSG_ALIGNTO - 1) & ~std::size_t{NLMSG_ALIGNTO - 1};
    if (aligned >= buffer.size() - offset) break;
    offset += aligned;
  }
  return out;
}

std::size_t build_rule_request(std::span<std::uint8_t> buffer, bool add, const MrouteRule& rule, std::uint32_t seq) {
  if (!big_enough(buffer) || rule.iif.size() >= IFNAMSIZ || rule.oif.size() >= IFNAMSIZ) return 0;
  nlmsghdr* nlh = put_header(buffer, add ? RTM_NEWRULE : RTM_DELRULE,
                             static_cast<std::uint16_t>(NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0)), seq);
  auto* frh = static_cast<fib_rule_hdr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(fib_rule_hdr)));
  frh->family = rtnl_family(rule.family);
  frh->action = FR_ACT_TO_TBL;
  // Table ids above 255 only fit in FRA_TABLE; `ip` does the same.
  frh->table = rule.table < 256 ? static_cast<std::uint8_t>(rule.table) : static_cast<std::uint8_t>(RT_TABLE_UNSPEC);
  mnl_attr_put_u32(nlh, FRA_TABLE, rule.table);
  mnl_attr_put_u32(nlh, FRA_PRIORITY, rule.priority);
  if (!rule.iif.empty()) mnl_attr_put_strz(nlh, FRA_IIFNAME, rule.iif.c_str());
  if (!rule.oif.empty()) mnl_attr_put_strz(nlh, FRA_OIFNAME, rule.oif.c_str());
  return nlh->nlmsg_len;
}

std::size_t build_rule_dump_request(std::span<std::uint8_t> buffer, Family family, std::uint32_t seq) {
  if (!big_enough(buffer)) return 0;
  nlmsghdr* nlh = put_header(buffer, RTM_GETRULE, NLM_F_REQUEST | NLM_F_DUMP, seq);
  auto* frh = static_cast<fib_rule_hdr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(fib_rule_hdr)));
  frh->family = rtnl_family(family);
  return nlh->nlmsg_len;
}

std::size_t build_link_dump_request(std::span<std::uint8_t> buffer, std::uint32_t seq) {
  if (!big_enough(buffer)) return 0;
  nlmsghdr* nlh = put_header(buffer, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq);
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;
  return nlh->nlmsg_len;
}

std::size_t build_addr_dump_request(std::span<std::uint8_t> buffer, std::uint32_t seq) {
  if (!big_enough(buffer)) return 0;
  nlmsghdr* nlh = put_header(buffer, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq);
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = AF_UNSPEC;
  return nlh->nlmsg_len;
}

std::optional<MrouteRule> parse_rule(const nlmsghdr* nlh) {
  if (nlh->nlmsg_type != RTM_NEWRULE) return std::nullopt;
  if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(fib_rule_hdr))) return std::nullopt;
  const auto* frh = static_cast<const fib_rule_hdr*>(mnl_nlmsg_get_payload(nlh));
  MrouteRule rule;
  if (frh->family == RTNL_FAMILY_IPMR) {
    rule.family = Family::V4;
  } else if (frh->family == RTNL_FAMILY_IP6MR) {
    rule.family = Family::V6;
  } else {
    return std::nullopt;
  }
  rule.table = frh->table;
  rule.priority = 0;
  bool ok = true;
  for_each_attr(nlh, sizeof(fib_rule_hdr), [&](const nlattr* attr) {
    switch (mnl_attr_get_type(attr)) {
      case FRA_TABLE:
        if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0) ok = false;
        else rule.table = mnl_attr_get_u32(attr);
        break;
      case FRA_PRIORITY:
        if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0) ok = false;
        else rule.priority = mnl_attr_get_u32(attr);
        break;
      case FRA_IIFNAME:
        if (auto n = ifname_from(attr)) rule.iif = *n;
        else ok = false;
        break;
      case FRA_OIFNAME:
        if (auto n = ifname_from(attr)) rule.oif = *n;
        else ok = false;
        break;
      default:
        break;
    }
  });
  if (!ok) return std::nullopt;
  return rule;
}

std::optional<LinkEvent> parse_link_event(const nlmsghdr* nlh) {
  LinkEvent ev;
  switch (nlh->nlmsg_type) {
    case RTM_NEWLINK:
    case RTM_DELLINK: {
      if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(ifinfomsg))) return std::nullopt;
      const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
      ev.change = nlh->nlmsg_type == RTM_NEWLINK ? LinkChange::NewLink : LinkChange::DelLink;
      ev.ifindex = ifi->ifi_index;
      ev.up = (ifi->ifi_flags & IFF_UP) != 0;
      ev.running = (ifi->ifi_flags & IFF_RUNNING) != 0;
      ev.multicast = (ifi->ifi_flags & IFF_MULTICAST) != 0;
      bool ok = true;
      for_each_attr(nlh, sizeof(ifinfomsg), [&](const nlattr* attr) {
        if (mnl_attr_get_type(attr) == IFLA_MTU) {
          // A u32; a shorter attribute is ignored rather than read past.
          if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) ev.mtu = mnl_attr_get_u32(attr);
          return;
        }
        if (mnl_attr_get_type(attr) != IFLA_IFNAME) return;
        if (auto n = ifname_from(attr)) ev.name = *n;
        else ok = false;
      });
      if (!ok) return std::nullopt;
      return ev;
    }
    case RTM_NEWADDR:
    case RTM_DELADDR: {
      if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(ifaddrmsg))) return std::nullopt;
      const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
      if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) return std::nullopt;
      ev.change = nlh->nlmsg_type == RTM_NEWADDR ? LinkChange::NewAddress : LinkChange::DelAddress;
      ev.ifindex = static_cast<int>(ifa->ifa_index);
      ev.prefix_length = ifa->ifa_prefixlen;
      std::optional<Address> local;
      std::optional<Address> address;
      for_each_attr(nlh, sizeof(ifaddrmsg), [&](const nlattr* attr) {
        switch (mnl_attr_get_type(attr)) {
          // IFA_LOCAL is the interface's own address on point-to-point links,
          // where IFA_ADDRESS is the peer's; prefer it when present.
          case IFA_LOCAL: local = address_from(attr, ifa->ifa_family); break;
          case IFA_ADDRESS: address = address_from(attr, ifa->ifa_family); break;
          case IFA_LABEL:
            if (auto n = ifname_from(attr)) ev.name = *n;
            break;
          default: break;
        }
      });
      ev.address = local ? local : address;
      if (!ev.address) return std::nullopt;
      if (local && address && *local != *address) ev.peer = address;
      return ev;
    }
    default:
      return std::nullopt;
  }
}

std::vector<MrouteRule> parse_rules(std::span<const std::uint8_t> buffer) {
  std::vector<MrouteRule> out;
  walk(buffer, [&](const nlmsghdr* nlh) {
    if (auto r = parse_rule(nlh)) out.push_back(std::move(*r));
  });
  return out;
}

std::vector<LinkEvent> parse_link_events(std::span<const std::uint8_t> buffer) {
  std::vector<LinkEvent> out;
  walk(buffer, [&](const nlmsghdr* nlh) {
    if (auto e = parse_link_event(nlh)) out.push_back(std::move(*e));
  });
  return out;
}

}  // namespace mcproxy::kernel
