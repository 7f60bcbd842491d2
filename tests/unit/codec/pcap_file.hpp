// A tiny pcap reader and writer for the codec tests: classic libpcap files
// (24-byte global header, 16-byte record headers) with Ethernet frames.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mcproxy::codec::test {

struct PcapRecord {
  std::size_t frame_number = 0;  // 1-based, as tshark numbers frames
  std::vector<std::uint8_t> frame;
};

// Reads every record of a pcap file (either byte order, µs or ns stamps).
// nullopt if the file is missing or not a pcap with link type Ethernet.
std::optional<std::vector<PcapRecord>> read_pcap(const std::filesystem::path& file);

struct EthernetPayload {
  std::uint16_t ethertype = 0;           // after any 802.1Q / 802.1ad tags
  std::span<const std::uint8_t> payload;  // points into the frame
};
std::optional<EthernetPayload> parse_ethernet(std::span<const std::uint8_t> frame);

// An Ethernet frame carrying an IPv4 or IPv6 packet to a multicast address:
// destination MAC 01:00:5e:xx (RFC 1112 §6.4) or 33:33:xx (RFC 2464 §7).
std::vector<std::uint8_t> ethernet_frame(std::span<const std::uint8_t> ip_packet);

bool write_pcap(const std::filesystem::path& file, const std::vector<std::vector<std::uint8_t>>& frames);

}  // namespace mcproxy::codec::test
