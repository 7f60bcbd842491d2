// Decoding and encoding of IGMP and MLD packets: pure functions over bytes, no
// sockets, no allocation beyond the result. Never reads outside the given span.
#pragma once

#include "modules/codec/message.hpp"

#include <cstdint>
#include <expected>
#include <span>
#include <string_view>
#include <vector>

namespace mcproxy::codec {

// Why a packet was refused. Every value names one reason, so receivers can
// count drops per reason.
enum class DecodeError : std::uint8_t {
  Truncated,                // shorter than its headers or fixed fields say
  BadIpVersion,             // not IPv4 (decode_ipv4) / not IPv6 (decode_ipv6)
  BadIpHeader,              // IHL < 5, total length inconsistent, bad IPv4 header checksum, bad option
  NotIgmp,                  // IPv4 protocol is not 2
  NotIcmpv6,                // IPv6 next header chain does not end in ICMPv6 (58)
  Fragmented,               // IPv4/IPv6 fragment: never a valid IGMP/MLD message
  BadChecksum,              // IGMP checksum, or ICMPv6 checksum over the pseudo-header
  UnknownType,              // an IGMP/ICMPv6 type that is not a membership message
  BadLength,                // a length no version of the message has
  SourceCountBeyondPacket,  // Number of Sources exceeds what the packet holds
  RecordCountBeyondPacket,  // Number of Group Records exceeds what the packet holds
  AuxDataBeyondPacket,      // Aux Data Len exceeds what the packet holds
  BadRecordType,            // record type outside 1..6
  NotMulticastGroup,        // group field is not a multicast address (or not unspecified in a general query)
  BadSourceAddress,         // a source in a list that is multicast or unspecified
  Count_                    // number of reasons; not an error
};
std::string_view to_string(DecodeError e);  // e.g. "truncated", "bad checksum"

template <class T>
using Result = std::expected<T, DecodeError>;

// --- IPv4 / IGMP ---------------------------------------------------------------
// A whole IPv4 datagram, as a raw IGMP socket delivers it (IP header first).
// Checks the IPv4 header, finds the Router Alert option, decodes the IGMP part.
Result<Packet> decode_ipv4(std::span<const std::uint8_t> datagram);
// The IGMP message alone (what follows the IP header); verifies its checksum.
Result<Message> decode_igmp(std::span<const std::uint8_t> igmp);

// --- IPv6 / MLD ----------------------------------------------------------------
// A whole IPv6 packet (as in a capture): fixed header, extension headers
// (hop-by-hop with the Router Alert option), then the ICMPv6 message.
Result<Packet> decode_ipv6(std::span<const std::uint8_t> packet);
// The ICMPv6 message alone (what a raw ICMPv6 socket delivers); the checksum is
// verified over the IPv6 pseudo-header built from source and destination.
Result<Message> decode_mld(std::span<const std::uint8_t> icmpv6, const Address& source,
                           const Address& destination);

// --- Encoding ------------------------------------------------------------------
// Encoders take well-formed messages (the caller's invariant: versions match the
// family, addresses of the right family). A V3Report larger than the link MTU
// must be split first with split_report().
std::vector<std::uint8_t> encode_igmp(const Message& m);  // IGMP message with checksum
std::vector<std::uint8_t> encode_ipv4(const Packet& p);   // IPv4 header (+RA option) + IGMP
std::vector<std::uint8_t> encode_mld(const Message& m, const Address& source,
                                     const Address& destination);  // ICMPv6 with checksum
std::vector<std::uint8_t> encode_ipv6(const Packet& p);  // IPv6 header + hop-by-hop RA + MLD

// Splits a report so that each part's encoded message (without IP header)
// fits in max_message_bytes; a record with too many sources is split across
// reports as RFC 3376 §4.2.16 / RFC 3810 §5.2.15 allow.
std::vector<V3Report> split_report(const V3Report& r, std::size_t max_message_bytes);

// --- Floating-point codes ------------------------------------------------------
// RFC 3376 §4.1.1 (Max Resp Code, units of 1/10 s) and §4.1.7 (QQIC, seconds):
// values < 128 are literal, larger ones are 1|exp(3)|mant(4) = (mant|0x10) << (exp+3).
std::uint32_t decode_igmp_code(std::uint8_t code);
// The largest code whose value is <= value (never a longer time than asked),
// saturating at the largest representable value (31744).
std::uint8_t encode_igmp_code(std::uint32_t value);
// RFC 3810 §5.1.3 Maximum Response Code (milliseconds): < 32768 literal, else
// 1|exp(3)|mant(12) = (mant|0x1000) << (exp+3).
std::uint32_t decode_mld_max_resp_code(std::uint16_t code);
std::uint16_t encode_mld_max_resp_code(std::uint32_t milliseconds);  // rounds down, saturates at 8387584
// RFC 3810 §5.1.9 QQIC uses the same 8-bit format as IGMPv3's.

}  // namespace mcproxy::codec
