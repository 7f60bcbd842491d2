// Why the Receiver dropped something: one counter per reason, readable from
// any thread for status output (FRR style: count, never crash).
#pragma once

#include <cstdint>
#include <string_view>

namespace mcproxy::receiver {

enum class DropReason : std::uint8_t {
  UnregisteredInterface,  // packet on an ifindex no instance registered
  OtherInstanceTable,     // IPv4 copy read from an mroute socket of an instance that does not own the ifindex
  NoInterfaceIndex,       // the kernel gave no IP_PKTINFO / IPV6_PKTINFO
  Truncated,              // larger than the receive buffer
  DecodeFailed,           // the codec refused it (see decode counters for the reason)
  MalformedUpcall,        // an mroute socket delivered an upcall too short or of unknown type
  UnexpectedPacket,       // an ICMPv6 packet on an IPv6 mroute socket (filtered, should not happen)
  InstanceGone,           // the owning instance's mailbox no longer exists
  MailboxFull,            // the owning instance's mailbox was full (only if backpressure raced)
  SocketOverflow,         // the kernel dropped packets on a full socket receive queue (SO_RXQ_OVFL)
  ReadError,              // recvmsg failed
  LinkMonitorOverrun,     // netlink dropped notifications (ENOBUFS); a resync followed
  HostReportRate,         // the sending host exceeded its downstream's host-report-rate (read, not decoded)
  Count_
};

inline std::string_view to_string(DropReason r) {
  switch (r) {
    case DropReason::UnregisteredInterface: return "unregistered interface";
    case DropReason::OtherInstanceTable: return "other instance's table";
    case DropReason::NoInterfaceIndex: return "no interface index";
    case DropReason::Truncated: return "truncated";
    case DropReason::DecodeFailed: return "decode failed";
    case DropReason::MalformedUpcall: return "malformed upcall";
    case DropReason::UnexpectedPacket: return "unexpected packet";
    case DropReason::InstanceGone: return "instance gone";
    case DropReason::MailboxFull: return "instance mailbox full";
    case DropReason::SocketOverflow: return "socket queue overflow";
    case DropReason::ReadError: return "read error";
    case DropReason::LinkMonitorOverrun: return "link monitor overrun";
    case DropReason::HostReportRate: return "host report rate";
    case DropReason::Count_: break;
  }
  return "?";
}

}  // namespace mcproxy::receiver
