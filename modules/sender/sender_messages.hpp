// Messages of the Sender module's mailbox: packets to encode and transmit.
#pragma once

#include "modules/codec/message.hpp"
#include "modules/common/probe.hpp"

#include <variant>

namespace mcproxy::sender {

// Encode `packet` and send it out of `ifindex`. IPv4: the whole datagram is
// built by the codec (TTL, Router Alert); IPv6: packet.source must be the
// interface's link-local address (RFC 3810 §5), the hop limit is 1 and the
// hop-by-hop Router Alert is added when packet.router_alert is set.
struct SendPacket {
  int ifindex = 0;
  codec::Packet packet;
};

using SenderMessage = std::variant<SendPacket, Probe>;

}  // namespace mcproxy::sender
