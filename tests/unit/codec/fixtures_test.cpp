// Every frame of the real Linux captures in tests/fixtures decodes to what
// tshark shows for it (fixture_expectations.inc), and re-encodes to the
// bytes the Linux kernel sent.
#include "tests/unit/codec/pcap_file.hpp"
#include "tests/unit/codec/test_support.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace mcproxy::codec::test {
namespace {

struct FixtureRow {
  std::string file;
  std::size_t frame;
  Result<Packet> expected;
};

const std::vector<FixtureRow>& rows() {
  static const std::vector<FixtureRow> table = {
#include "tests/unit/codec/fixture_expectations.inc"
  };
  return table;
}

const std::vector<PcapRecord>& frames_of(const std::string& file) {
  static std::map<std::string, std::vector<PcapRecord>> cache;
  auto it = cache.find(file);
  if (it == cache.end()) {
    auto records = read_pcap(fixtures_dir() / file);
    EXPECT_TRUE(records.has_value()) << "cannot read " << (fixtures_dir() / file);
    it = cache.emplace(file, records.value_or(std::vector<PcapRecord>{})).first;
  }
  return it->second;
}

struct IpPacket {
  std::uint16_t ethertype = 0;
  Bytes bytes;
};

IpPacket ip_packet_of(const std::string& file, std::size_t frame) {
  const auto& frames = frames_of(file);
  if (frame == 0 || frame > frames.size()) return {};
  const auto eth = parse_ethernet(frames[frame - 1].frame);
  if (!eth) return {};
  return {eth->ethertype, Bytes(eth->payload.begin(), eth->payload.end())};
}

Result<Packet> decode_frame(const IpPacket& ip) {
  if (ip.ethertype == 0x0800) return decode_ipv4(ip.bytes);
  if (ip.ethertype == 0x86dd) return decode_ipv6(ip.bytes);
  return std::unexpected(DecodeError::BadIpVersion);
}

TEST(Fixtures, TheTableCoversEveryFrameOfEveryCapture) {
  std::map<std::string, std::size_t> rows_per_file;
  for (const auto& r : rows()) ++rows_per_file[r.file];
  std::size_t captures = 0;
  for (const auto& entry : std::filesystem::directory_iterator(fixtures_dir())) {
    if (entry.path().extension() != ".pcap") continue;
    ++captures;
    const std::string file = entry.path().filename().string();
    EXPECT_EQ(rows_per_file[file], frames_of(file).size()) << file;
  }
  EXPECT_EQ(captures, 8u);
  EXPECT_EQ(rows().size(), 68u);
}

TEST(Fixtures, EveryFrameDecodesAsTsharkShowsIt) {
  for (const auto& row : rows()) {
    SCOPED_TRACE(row.file + " frame " + std::to_string(row.frame));
    const auto decoded = decode_frame(ip_packet_of(row.file, row.frame));
    if (!row.expected) {
      ASSERT_FALSE(decoded.has_value());
      EXPECT_EQ(decoded.error(), row.expected.error()) << to_string(decoded.error());
      continue;
    }
    ASSERT_TRUE(decoded.has_value()) << to_string(decoded.error());
    EXPECT_EQ(*decoded, *row.expected) << "decoded " << describe(decoded->message) << "\nexpected "
                                       << describe(row.expected->message);
  }
}

// Linux sends IGMP with IHL 6 + Router Alert, TOS 0xc0, DF, ID 0: the encoder
// reproduces the captured datagrams exactly.
TEST(Fixtures, IgmpFramesReencodeByteForByte) {
  std::size_t compared = 0;
  for (const auto& row : rows()) {
    const IpPacket ip = ip_packet_of(row.file, row.frame);
    if (ip.ethertype != 0x0800 || !row.expected) continue;
    SCOPED_TRACE(row.file + " frame " + std::to_string(row.frame));
    const std::size_t total = (std::size_t{ip.bytes[2]} << 8) | ip.bytes[3];
    EXPECT_EQ(encode_ipv4(*row.expected), Bytes(ip.bytes.begin(), ip.bytes.begin() + static_cast<std::ptrdiff_t>(total)));
    ++compared;
  }
  EXPECT_EQ(compared, 30u);
}

// MLD from the Linux host stack is reproduced exactly; the bridge querier pads
// its hop-by-hop header with two Pad1 instead of one PadN, so there only the
// padding differs.
TEST(Fixtures, MldFramesReencodeLikeLinux) {
  std::size_t compared = 0;
  for (const auto& row : rows()) {
    const IpPacket ip = ip_packet_of(row.file, row.frame);
    if (ip.ethertype != 0x86dd || !row.expected) continue;
    SCOPED_TRACE(row.file + " frame " + std::to_string(row.frame));
    Bytes original = ip.bytes;
    if (original.size() > 47 && original[46] == 0 && original[47] == 0) {  // Pad1 Pad1 -> PadN(0)
      original[46] = 1;
    }
    EXPECT_EQ(encode_ipv6(*row.expected), original);
    ++compared;
  }
  EXPECT_EQ(compared, 36u);
}

}  // namespace
}  // namespace mcproxy::codec::test
