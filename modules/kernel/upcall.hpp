// Kernel multicast routing upcalls (struct igmpmsg, struct mrt6msg) parsed from
// the bytes an mroute socket delivers, with their length checked first.
#pragma once

#include "modules/common/address.hpp"
#include "modules/common/instance_event.hpp"
#include "modules/common/mroute_types.hpp"

#include <cstdint>
#include <expected>
#include <span>
#include <string_view>

namespace mcproxy::kernel {

enum class UpcallError : std::uint8_t {
  Truncated,    // shorter than struct igmpmsg (20 bytes) / struct mrt6msg (40 bytes)
  NotUpcall,    // an ordinary IGMP/ICMPv6 packet (the mbz byte is not zero)
  UnknownKind,  // msgtype outside IGMPMSG_NOCACHE..IGMPMSG_WRVIFWHOLE
  Count_
};
std::string_view to_string(UpcallError e);

// IPv4: the mroute socket is a raw IGMP socket, so it delivers both IGMP
// datagrams and upcalls. An upcall's im_mbz sits where the IP header has its
// protocol field (offset 9): 0 for an upcall, 2 (IGMP) for a real packet.
bool is_ipv4_upcall(std::span<const std::uint8_t> bytes);
std::expected<KernelUpcall, UpcallError> parse_igmpmsg(std::span<const std::uint8_t> bytes);

// IPv6: im6_mbz sits where ICMPv6 has its type (offset 0); type 0 is reserved,
// so a zero there means an upcall.
bool is_ipv6_upcall(std::span<const std::uint8_t> bytes);
std::expected<KernelUpcall, UpcallError> parse_mrt6msg(std::span<const std::uint8_t> bytes);

}  // namespace mcproxy::kernel
