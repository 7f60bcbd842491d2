// A bounds-checked cursor over received bytes: every read says whether the
// bytes were there, so decoders never index past the end of a packet.
#pragma once

#include "modules/common/address.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace mcproxy::codec::detail {

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::size_t remaining() const { return bytes_.size() - pos_; }
  std::size_t position() const { return pos_; }
  bool has(std::size_t n) const { return remaining() >= n; }

  std::optional<std::uint8_t> u8() {
    if (!has(1)) return std::nullopt;
    return bytes_[pos_++];
  }
  std::optional<std::uint16_t> u16() {  // network byte order
    if (!has(2)) return std::nullopt;
    const auto v = static_cast<std::uint16_t>((bytes_[pos_] << 8) | bytes_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  std::optional<std::uint32_t> u32() {  // network byte order
    if (!has(4)) return std::nullopt;
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | bytes_[pos_ + i];
    pos_ += 4;
    return v;
  }
  std::optional<AddressV4> v4() {
    if (!has(4)) return std::nullopt;
    AddressV4::bytes_type b{};
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = bytes_[pos_ + i];
    pos_ += b.size();
    return AddressV4(b);
  }
  std::optional<AddressV6> v6() {
    if (!has(16)) return std::nullopt;
    AddressV6::bytes_type b{};
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = bytes_[pos_ + i];
    pos_ += b.size();
    return AddressV6(b);
  }
  // The next n bytes as a span, consumed.
  std::optional<std::span<const std::uint8_t>> bytes(std::size_t n) {
    if (!has(n)) return std::nullopt;
    auto s = bytes_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  bool skip(std::size_t n) {
    if (!has(n)) return false;
    pos_ += n;
    return true;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

}  // namespace mcproxy::codec::detail
