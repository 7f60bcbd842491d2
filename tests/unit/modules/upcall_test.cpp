// Kernel upcalls parsed from crafted bytes laid out like struct igmpmsg and
// struct mrt6msg (linux/mroute.h, linux/mroute6.h).
#include "modules/kernel/upcall.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace mcproxy::kernel {
namespace {

// unused1, unused2, msgtype, mbz, vif, vif_hi, src, dst
std::vector<std::uint8_t> igmpmsg(std::uint8_t type, std::uint8_t vif, std::uint8_t vif_hi = 0, std::uint8_t mbz = 0) {
  return {0, 0, 0, 0, 0, 0, 0, 0, type, mbz, vif, vif_hi, 10, 0, 0, 1, 239, 1, 2, 3};
}

std::vector<std::uint8_t> mrt6msg(std::uint8_t type, std::uint16_t mif) {
  std::vector<std::uint8_t> b(40, 0);
  b[1] = type;
  std::memcpy(b.data() + 2, &mif, 2);
  const auto src = boost::asio::ip::make_address_v6("2001:db8::1").to_bytes();
  const auto grp = boost::asio::ip::make_address_v6("ff3e::1234").to_bytes();
  std::memcpy(b.data() + 8, src.data(), 16);
  std::memcpy(b.data() + 24, grp.data(), 16);
  return b;
}

TEST(Upcall, Ipv4NoCacheCarriesVifSourceGroup) {
  const auto bytes = igmpmsg(1, 3);
  ASSERT_TRUE(is_ipv4_upcall(bytes));
  auto u = parse_igmpmsg(bytes);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->family, Family::V4);
  EXPECT_EQ(u->kind, UpcallKind::NoCache);
  EXPECT_EQ(u->vif, 3);
  EXPECT_EQ(u->source, Address(AddressV4({10, 0, 0, 1})));
  EXPECT_EQ(u->group, Address(AddressV4({239, 1, 2, 3})));
}

TEST(Upcall, Ipv4WrongVifAndHighVifByte) {
  auto u = parse_igmpmsg(igmpmsg(2, 1, 1));
  ASSERT_TRUE(u);
  EXPECT_EQ(u->kind, UpcallKind::WrongVif);
  EXPECT_EQ(u->vif, 257);
}

TEST(Upcall, Ipv4IgmpPacketIsNotAnUpcall) {
  // A real IPv4 header: protocol byte 2 where igmpmsg has im_mbz.
  const std::vector<std::uint8_t> ip = {0x46, 0xc0, 0, 32, 0, 0, 0, 0, 1, 2, 0, 0, 10, 0, 0, 2, 224, 0, 0, 22};
  EXPECT_FALSE(is_ipv4_upcall(ip));
  EXPECT_EQ(parse_igmpmsg(ip).error(), UpcallError::NotUpcall);
}

TEST(Upcall, Ipv4TruncatedIsRefused) {
  auto bytes = igmpmsg(1, 0);
  bytes.resize(19);
  EXPECT_EQ(parse_igmpmsg(bytes).error(), UpcallError::Truncated);
  EXPECT_FALSE(is_ipv4_upcall(std::vector<std::uint8_t>{}));
}

TEST(Upcall, Ipv4UnknownTypeIsRefused) {
  EXPECT_EQ(parse_igmpmsg(igmpmsg(9, 0)).error(), UpcallError::UnknownKind);
  EXPECT_EQ(parse_igmpmsg(igmpmsg(0, 0)).error(), UpcallError::UnknownKind);
}

TEST(Upcall, Ipv6NoCacheCarriesMifSourceGroup) {
  const auto bytes = mrt6msg(1, 5);
  ASSERT_TRUE(is_ipv6_upcall(bytes));
  auto u = parse_mrt6msg(bytes);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->family, Family::V6);
  EXPECT_EQ(u->kind, UpcallKind::NoCache);
  EXPECT_EQ(u->vif, 5);
  EXPECT_EQ(u->source, Address(boost::asio::ip::make_address_v6("2001:db8::1")));
  EXPECT_EQ(u->group, Address(boost::asio::ip::make_address_v6("ff3e::1234")));
}

TEST(Upcall, Ipv6MldMessageIsNotAnUpcall) {
  auto bytes = mrt6msg(1, 0);
  bytes[0] = 143;  // MLDv2 report type where mrt6msg has im6_mbz
  EXPECT_FALSE(is_ipv6_upcall(bytes));
  EXPECT_EQ(parse_mrt6msg(bytes).error(), UpcallError::NotUpcall);
}

TEST(Upcall, Ipv6TruncatedAndUnknownAreRefused) {
  auto bytes = mrt6msg(2, 0);
  bytes.resize(39);
  EXPECT_EQ(parse_mrt6msg(bytes).error(), UpcallError::Truncated);
  EXPECT_EQ(parse_mrt6msg(mrt6msg(7, 0)).error(), UpcallError::UnknownKind);
}

}  // namespace
}  // namespace mcproxy::kernel
