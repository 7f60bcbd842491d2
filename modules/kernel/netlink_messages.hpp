// rtnetlink messages built and parsed on byte buffers (libmnl): policy rules for
// RTNL_FAMILY_IPMR / RTNL_FAMILY_IP6MR and link/address notifications.
// No sockets here, so all of it is unit-testable.
#pragma once

#include "modules/common/link_event.hpp"
#include "modules/kernel/kernel_api.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

struct nlmsghdr;

namespace mcproxy::kernel {

// Big enough for any request built here (header, fib_rule_hdr, two names, table, priority).
inline constexpr std::size_t kNetlinkRequestBytes = 512;

// RTM_NEWRULE (add: NLM_F_CREATE | NLM_F_EXCL) or RTM_DELRULE with NLM_F_ACK,
// action FR_ACT_TO_TBL: the equivalent of `ip [-6] mrule add|del iif X lookup T pref P`.
// Returns the message length, 0 if `buffer` is too small.
std::size_t build_rule_request(std::span<std::uint8_t> buffer, bool add, const MrouteRule& rule, std::uint32_t seq);
// RTM_GETRULE dump request of one family.
std::size_t build_rule_dump_request(std::span<std::uint8_t> buffer, Family family, std::uint32_t seq);
// RTM_GETLINK / RTM_GETADDR dump requests (family AF_UNSPEC) for initial state.
std::size_t build_link_dump_request(std::span<std::uint8_t> buffer, std::uint32_t seq);
std::size_t build_addr_dump_request(std::span<std::uint8_t> buffer, std::uint32_t seq);

// An RTM_NEWRULE message of family IPMR/IP6MR; nullopt for any other message
// (other families, malformed attributes).
std::optional<MrouteRule> parse_rule(const nlmsghdr* message);
// RTM_NEWLINK/DELLINK/NEWADDR/DELADDR; nullopt for anything else or malformed.
std::optional<LinkEvent> parse_link_event(const nlmsghdr* message);

// The messages of a buffer as read from a netlink socket (4-byte aligned): each
// one's header and nlmsg_len fit in what is left; stops at the first that does not.
std::vector<const nlmsghdr*> messages_of(std::span<const std::uint8_t> buffer);

// Every message in a buffer as read from a netlink socket. Parsing stops at the
// first malformed header; messages of other types are skipped.
std::vector<MrouteRule> parse_rules(std::span<const std::uint8_t> buffer);
std::vector<LinkEvent> parse_link_events(std::span<const std::uint8_t> buffer);

}  // namespace mcproxy::kernel
