// The test-side pcap reader/writer itself: what it writes it reads back, and
// it sees through VLAN tags and either byte order.
#include "tests/unit/codec/pcap_file.hpp"
#include "tests/unit/codec/test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

namespace mcproxy::codec::test {
namespace {

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("mcproxy-codec-" + std::to_string(::getpid()) + "-" + name);
}

TEST(PcapFile, WhatIsWrittenReadsBack) {
  const Bytes ip = encode_ipv4(packet(v4("192.0.2.11"), v4("239.1.1.2"), 1, true, MembershipReport{Version::IGMPv2, v4("239.1.1.2")}));
  const auto file = temp_file("roundtrip.pcap");
  ASSERT_TRUE(write_pcap(file, {ethernet_frame(ip), ethernet_frame(ip)}));
  const auto records = read_pcap(file);
  std::filesystem::remove(file);
  ASSERT_TRUE(records.has_value());
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[1].frame_number, 2u);
  const auto eth = parse_ethernet((*records)[0].frame);
  ASSERT_TRUE(eth.has_value());
  EXPECT_EQ(eth->ethertype, 0x0800);
  EXPECT_EQ(Bytes(eth->payload.begin(), eth->payload.end()), ip);
  // RFC 1112 §6.4: 01:00:5e + the low 23 bits of the group.
  EXPECT_EQ(Bytes((*records)[0].frame.begin(), (*records)[0].frame.begin() + 6), (Bytes{0x01, 0x00, 0x5e, 0x01, 0x01, 0x02}));
}

TEST(PcapFile, VlanTagsAreSkipped) {
  const Bytes frame = {0x01, 0x00, 0x5e, 0, 0, 1, 2, 0, 0, 0, 0, 1, 0x81, 0x00, 0x00, 0x07, 0x86, 0xdd, 0x60};
  const auto eth = parse_ethernet(frame);
  ASSERT_TRUE(eth.has_value());
  EXPECT_EQ(eth->ethertype, 0x86dd);
  EXPECT_EQ(eth->payload.size(), 1u);
}

TEST(PcapFile, BigEndianFilesAndTruncatedFiles) {
  const Bytes header_be = {0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 1};
  Bytes file_bytes = header_be;
  const Bytes record_be = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0xab, 0xcd};
  file_bytes.insert(file_bytes.end(), record_be.begin(), record_be.end());
  const auto file = temp_file("be.pcap");
  {
    std::ofstream o(file, std::ios::binary);
    o.write(reinterpret_cast<const char*>(file_bytes.data()), static_cast<std::streamsize>(file_bytes.size()));
  }
  const auto records = read_pcap(file);
  ASSERT_TRUE(records.has_value());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].frame, (Bytes{0xab, 0xcd}));
  {
    std::ofstream o(file, std::ios::binary);
    o.write(reinterpret_cast<const char*>(file_bytes.data()), static_cast<std::streamsize>(file_bytes.size() - 1));
  }
  EXPECT_FALSE(read_pcap(file).has_value());
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace mcproxy::codec::test
