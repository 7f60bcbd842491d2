// The Internet checksum (RFC 1071) and the ICMPv6 pseudo-header checksum
// (RFC 8200 §8.1) that IGMP and MLD rely on.
#include "modules/codec/checksum.hpp"
#include "tests/unit/codec/test_support.hpp"

#include <gtest/gtest.h>

namespace mcproxy::codec::test {
namespace {

// RFC 1071 §3: the worked example sums 0001 f203 f4f5 f6f7 to ddf2.
TEST(Checksum, Rfc1071WorkedExample) {
  const Bytes b = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(internet_checksum(b), 0xffff - 0xddf2);
}

// RFC 1071 §4.1: an odd trailing byte is padded with zero on the right.
TEST(Checksum, OddLengthPadsTheLastByte) {
  const Bytes odd = {0x12, 0x34, 0x56};
  const Bytes even = {0x12, 0x34, 0x56, 0x00};
  EXPECT_EQ(internet_checksum(odd), internet_checksum(even));
}

TEST(Checksum, DataWithItsChecksumVerifiesToZero) {
  Bytes b = {0x16, 0x00, 0x00, 0x00, 239, 1, 1, 2};
  fix_igmp_checksum(b);
  EXPECT_EQ(internet_checksum(b), 0);
  b[7] ^= 1;
  EXPECT_NE(internet_checksum(b), 0);
}

TEST(Checksum, EmptyIsAllOnes) { EXPECT_EQ(internet_checksum({}), 0xffff); }

// RFC 8200 §8.1: the pseudo-header covers both addresses, so the same
// message from another source no longer verifies.
TEST(Checksum, Icmpv6PseudoHeaderCoversTheAddresses) {
  const auto src = v6("fe80::1");
  const auto dst = v6("ff02::16");
  Bytes msg = encode_mld(MembershipReport{Version::MLDv1, v6("ff3e::1")}, src, dst);
  EXPECT_EQ(icmpv6_checksum(src, dst, msg), 0);
  EXPECT_NE(icmpv6_checksum(v6("fe80::2"), dst, msg), 0);
  EXPECT_NE(icmpv6_checksum(src, v6("ff02::2"), msg), 0);
}

}  // namespace
}  // namespace mcproxy::codec::test
