// The floating-point time codes: IGMPv3 Max Resp Code / QQIC (RFC 3376
// §4.1.1, §4.1.7; MLDv2 QQIC RFC 3810 §5.1.9) and MLDv2's Maximum Response
// Code (RFC 3810 §5.1.3), at their edges and exhaustively.
#include "tests/unit/codec/test_support.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace mcproxy::codec::test {
namespace {

struct CodeCase {
  std::uint32_t code;
  std::uint32_t value;
};

// RFC 3376 §4.1.1: code < 128 is the value; otherwise
// 1|exp|mant means (mant | 0x10) << (exp + 3).
TEST(IgmpFloatCode, Rfc3376_4_1_1_DecodeEdges) {
  const CodeCase cases[] = {
      {0, 0},           {1, 1},           {127, 127},        // literal range
      {0x80, 128},      {0x81, 136},      {0x8f, 248},       // exp 0: step 8
      {0x90, 256},      {0x9f, 496},      {0xa0, 512},       // exp 1, exp 2
      {0xf0, 16384},    {0xfe, 30720},    {0xff, 31744},     // exp 7, maximum
  };
  for (const auto& c : cases) {
    EXPECT_EQ(decode_igmp_code(static_cast<std::uint8_t>(c.code)), c.value) << "code " << c.code;
  }
}

TEST(IgmpFloatCode, Rfc3376_4_1_1_EncodeRoundsDownAndSaturates) {
  const CodeCase cases[] = {
      {0, 0},        {127, 127},   {0x80, 128},  {0x80, 129},   {0x80, 135},    // round down within step
      {0x81, 136},   {0x8f, 248},  {0x8f, 255},  {0x90, 256},   {0x90, 271},
      {0xff, 31744}, {0xfe, 31743}, {0xff, 31745}, {0xff, 100000},
      {0xff, std::numeric_limits<std::uint32_t>::max()},  // saturation
  };
  for (const auto& c : cases) {
    EXPECT_EQ(encode_igmp_code(c.value), c.code) << "value " << c.value;
  }
}

TEST(IgmpFloatCode, EveryCodeRoundTrips) {
  for (unsigned code = 0; code <= 0xff; ++code) {
    EXPECT_EQ(encode_igmp_code(decode_igmp_code(static_cast<std::uint8_t>(code))), code);
  }
}

// "Never a longer time than asked": the encoded value is the largest
// representable value <= the input.
TEST(IgmpFloatCode, EncodeIsTheLargestCodeNotAboveTheValue) {
  for (std::uint32_t v = 0; v <= 33000; ++v) {
    const std::uint8_t code = encode_igmp_code(v);
    ASSERT_LE(decode_igmp_code(code), v);
    if (code != 0xff) {
      ASSERT_GT(decode_igmp_code(static_cast<std::uint8_t>(code + 1)), v) << v;
    }
  }
}

// RFC 3810 §5.1.3: code < 32768 is milliseconds; otherwise
// 1|exp(3)|mant(12) means (mant | 0x1000) << (exp + 3).
TEST(MldMaxRespCode, Rfc3810_5_1_3_DecodeEdges) {
  const CodeCase cases[] = {
      {0, 0},          {1, 1},          {10000, 10000},   {32767, 32767},
      {0x8000, 32768}, {0x8001, 32776}, {0x8fff, 65528},  {0x9000, 65536},
      {0xf000, 0x1000u << 10},          {0xffff, 8387584},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(decode_mld_max_resp_code(static_cast<std::uint16_t>(c.code)), c.value) << "code " << c.code;
  }
}

TEST(MldMaxRespCode, Rfc3810_5_1_3_EncodeRoundsDownAndSaturates) {
  const CodeCase cases[] = {
      {0, 0},            {32767, 32767},   {0x8000, 32768},  {0x8000, 32775},
      {0x8001, 32776},   {0x8fff, 65535},  {0x9000, 65536},  {0xffff, 8387584},
      {0xfffe, 8387583}, {0xffff, 8387585}, {0xffff, std::numeric_limits<std::uint32_t>::max()},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(encode_mld_max_resp_code(c.value), c.code) << "value " << c.value;
  }
}

TEST(MldMaxRespCode, EveryCodeRoundTrips) {
  for (std::uint32_t code = 0; code <= 0xffff; ++code) {
    ASSERT_EQ(encode_mld_max_resp_code(decode_mld_max_resp_code(static_cast<std::uint16_t>(code))), code);
  }
}

TEST(MldMaxRespCode, EncodeIsTheLargestCodeNotAboveTheValue) {
  for (std::uint32_t v = 30000; v <= 8400000; v += 7) {
    const std::uint16_t code = encode_mld_max_resp_code(v);
    ASSERT_LE(decode_mld_max_resp_code(code), v);
    if (code != 0xffff) {
      ASSERT_GT(decode_mld_max_resp_code(static_cast<std::uint16_t>(code + 1)), v) << v;
    }
  }
}

}  // namespace
}  // namespace mcproxy::codec::test
