// The floating-point time codes of IGMPv3 (RFC 3376 §4.1.1 Max Resp Code,
// §4.1.7 QQIC; MLDv2's QQIC per RFC 3810 §5.1.9 is the same) and MLDv2's
// 16-bit Maximum Response Code (RFC 3810 §5.1.3), both directions.
#include "modules/codec/codec.hpp"

#include <algorithm>

namespace mcproxy::codec {
namespace {

// 8-bit code: 1|exp(3)|mant(4), value = (mant | 0x10) << (exp + 3).
constexpr std::uint32_t kIgmpLiteralLimit = 128;
constexpr std::uint32_t kIgmpMaxValue = 0x1fu << (7 + 3);  // 31744
// 16-bit code: 1|exp(3)|mant(12), value = (mant | 0x1000) << (exp + 3).
constexpr std::uint32_t kMldLiteralLimit = 32768;
constexpr std::uint32_t kMldMaxValue = 0x1fffu << (7 + 3);  // 8387584

}  // namespace

std::uint32_t decode_igmp_code(std::uint8_t code) {
  if (code < kIgmpLiteralLimit) return code;
  const unsigned exp = (code >> 4) & 0x7;
  const unsigned mant = code & 0xf;
  return (mant | 0x10u) << (exp + 3);
}

std::uint8_t encode_igmp_code(std::uint32_t value) {
  if (value < kIgmpLiteralLimit) return static_cast<std::uint8_t>(value);
  value = std::min(value, kIgmpMaxValue);
  // The largest exponent whose smallest value (mant 0) still fits; the
  // mantissa then truncates, so the code never means more than was asked.
  for (unsigned exp = 7;; --exp) {
    if (value >= (0x10u << (exp + 3))) {
      const std::uint32_t mant = (value >> (exp + 3)) - 0x10u;
      return static_cast<std::uint8_t>(0x80u | (exp << 4) | mant);
    }
    if (exp == 0) break;
  }
  return 0x80;  // unreachable: value >= 128 always matches exp 0
}

std::uint32_t decode_mld_max_resp_code(std::uint16_t code) {
  if (code < kMldLiteralLimit) return code;
  const unsigned exp = (code >> 12) & 0x7;
  const unsigned mant = code & 0xfff;
  return (mant | 0x1000u) << (exp + 3);
}

std::uint16_t encode_mld_max_resp_code(std::uint32_t milliseconds) {
  if (milliseconds < kMldLiteralLimit) return static_cast<std::uint16_t>(milliseconds);
  milliseconds = std::min(milliseconds, kMldMaxValue);
  for (unsigned exp = 7;; --exp) {
    if (milliseconds >= (0x1000u << (exp + 3))) {
      const std::uint32_t mant = (milliseconds >> (exp + 3)) - 0x1000u;
      return static_cast<std::uint16_t>(0x8000u | (exp << 12) | mant);
    }
    if (exp == 0) break;
  }
  return 0x8000;  // unreachable: value >= 32768 always matches exp 0
}

}  // namespace mcproxy::codec
