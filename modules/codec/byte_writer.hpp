// Appends network-byte-order fields to a growing buffer, and patches a 16-bit
// field (a checksum) once the rest of the message is known.
#pragma once

#include "modules/common/address.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mcproxy::codec::detail {

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::uint8_t>& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
  }
  void u32(std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(v >> shift));
  }
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  // Encoders are handed well-formed messages; an address of the wrong family
  // is a caller bug, written as the unspecified address rather than thrown.
  void v4(const Address& a) {
    AddressV4::bytes_type b{};
    if (a.is_v4()) {
      b = a.to_v4().to_bytes();
    } else if (a.to_v6().is_v4_mapped()) {
      b = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6()).to_bytes();
    }
    bytes(b);
  }
  void v6(const Address& a) {
    AddressV6::bytes_type b{};
    if (a.is_v6()) b = a.to_v6().to_bytes();
    bytes(b);
  }
  std::size_t size() const { return out_.size(); }
  void patch_u16(std::size_t at, std::uint16_t v) {
    out_[at] = static_cast<std::uint8_t>(v >> 8);
    out_[at + 1] = static_cast<std::uint8_t>(v);
  }

 private:
  std::vector<std::uint8_t>& out_;
};

}  // namespace mcproxy::codec::detail
