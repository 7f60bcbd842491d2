// A tiny pcap reader and writer for the codec tests (classic libpcap format,
// link type 1 = Ethernet).
#include "tests/unit/codec/pcap_file.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>

namespace mcproxy::codec::test {
namespace {

constexpr std::uint32_t kMagicMicro = 0xa1b2c3d4;
constexpr std::uint32_t kMagicNano = 0xa1b23c4d;
constexpr std::uint32_t kLinkTypeEthernet = 1;
constexpr std::size_t kGlobalHeader = 24;
constexpr std::size_t kRecordHeader = 16;
constexpr std::size_t kEthernetHeader = 14;

std::uint32_t read_u32(std::span<const std::uint8_t> b, std::size_t at, bool swapped) {
  const std::uint32_t le = static_cast<std::uint32_t>(b[at]) | (static_cast<std::uint32_t>(b[at + 1]) << 8) |
                           (static_cast<std::uint32_t>(b[at + 2]) << 16) |
                           (static_cast<std::uint32_t>(b[at + 3]) << 24);
  if (!swapped) return le;
  return ((le & 0xff) << 24) | ((le & 0xff00) << 8) | ((le >> 8) & 0xff00) | (le >> 24);
}

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}

}  // namespace

std::optional<std::vector<PcapRecord>> read_pcap(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const std::span<const std::uint8_t> b(bytes);
  if (b.size() < kGlobalHeader) return std::nullopt;
  bool swapped = false;
  const std::uint32_t magic = read_u32(b, 0, false);
  if (magic != kMagicMicro && magic != kMagicNano) {
    swapped = true;
    const std::uint32_t m = read_u32(b, 0, true);
    if (m != kMagicMicro && m != kMagicNano) return std::nullopt;
  }
  if (read_u32(b, 20, swapped) != kLinkTypeEthernet) return std::nullopt;
  std::vector<PcapRecord> records;
  std::size_t pos = kGlobalHeader;
  while (pos < b.size()) {
    if (b.size() - pos < kRecordHeader) return std::nullopt;
    const std::uint32_t captured = read_u32(b, pos + 8, swapped);
    pos += kRecordHeader;
    if (b.size() - pos < captured) return std::nullopt;
    PcapRecord r;
    r.frame_number = records.size() + 1;
    r.frame.assign(b.begin() + static_cast<std::ptrdiff_t>(pos), b.begin() + static_cast<std::ptrdiff_t>(pos + captured));
    records.push_back(std::move(r));
    pos += captured;
  }
  return records;
}

std::optional<EthernetPayload> parse_ethernet(std::span<const std::uint8_t> frame) {
  if (frame.size() < kEthernetHeader) return std::nullopt;
  std::size_t pos = 12;
  std::uint16_t type = static_cast<std::uint16_t>((frame[pos] << 8) | frame[pos + 1]);
  pos += 2;
  while (type == 0x8100 || type == 0x88a8) {  // VLAN tags
    if (frame.size() - pos < 4) return std::nullopt;
    type = static_cast<std::uint16_t>((frame[pos + 2] << 8) | frame[pos + 3]);
    pos += 4;
  }
  return EthernetPayload{type, frame.subspan(pos)};
}

std::vector<std::uint8_t> ethernet_frame(std::span<const std::uint8_t> ip_packet) {
  std::array<std::uint8_t, kEthernetHeader> header{};
  const bool v6 = !ip_packet.empty() && (ip_packet[0] >> 4) == 6;
  if (v6 && ip_packet.size() >= 40) {
    header = {0x33, 0x33, ip_packet[36], ip_packet[37], ip_packet[38], ip_packet[39]};
  } else if (ip_packet.size() >= 20) {
    header = {0x01, 0x00, 0x5e, static_cast<std::uint8_t>(ip_packet[17] & 0x7f), ip_packet[18], ip_packet[19]};
  } else {
    header = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  }
  header[6] = 0x02;  // locally administered source 02:00:00:00:00:01
  header[11] = 0x01;
  header[12] = v6 ? 0x86 : 0x08;
  header[13] = v6 ? 0xdd : 0x00;
  // Appended byte by byte: GCC 12 at -O2 reports the block copies here as
  // null or out-of-bounds accesses that cannot happen (false positives).
  std::vector<std::uint8_t> f;
  f.reserve(header.size() + ip_packet.size());
  for (std::uint8_t b : header) f.push_back(b);
  for (std::uint8_t b : ip_packet) f.push_back(b);
  return f;
}

bool write_pcap(const std::filesystem::path& file, const std::vector<std::vector<std::uint8_t>>& frames) {
  std::vector<std::uint8_t> out;
  put_u32(out, kMagicMicro);  // little-endian file
  put_u16(out, 2);
  put_u16(out, 4);
  put_u32(out, 0);       // thiszone
  put_u32(out, 0);       // sigfigs
  put_u32(out, 65535);   // snaplen
  put_u32(out, kLinkTypeEthernet);
  std::uint32_t seconds = 0;
  for (const auto& frame : frames) {
    put_u32(out, ++seconds);
    put_u32(out, 0);
    put_u32(out, static_cast<std::uint32_t>(frame.size()));
    put_u32(out, static_cast<std::uint32_t>(frame.size()));
    out.insert(out.end(), frame.begin(), frame.end());
  }
  std::ofstream o(file, std::ios::binary);
  o.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
  return static_cast<bool>(o);
}

}  // namespace mcproxy::codec::test
