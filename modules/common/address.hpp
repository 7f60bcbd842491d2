// IP addresses as used everywhere in mcproxy: Boost.Asio's address types,
// plus the few helpers the protocol code needs (family, multicast scope).
#pragma once

#include <boost/asio/ip/address.hpp>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>

namespace mcproxy {

using Address = boost::asio::ip::address;
using AddressV4 = boost::asio::ip::address_v4;
using AddressV6 = boost::asio::ip::address_v6;

enum class Family { V4, V6 };

inline Family family_of(const Address& a) { return a.is_v4() ? Family::V4 : Family::V6; }

// The unspecified address of a family (0.0.0.0 or ::): the "group" of a general
// query and the "any source" of a (*,G) entry.
inline Address unspecified(Family f) {
  return f == Family::V4 ? Address(AddressV4::any()) : Address(AddressV6::any());
}

// An address in 17 bytes, trivially copyable: the key of the large per-group
// tables (router groups, timers, upstream groups) where Address (32 bytes,
// with a scope id) would double the size. Ordered like Address: IPv4 before
// IPv6, then by the address bytes. The IPv6 scope id is not kept; decoded
// packets carry none (the interface is what scopes them).
class CompactAddress {
 public:
  CompactAddress() = default;  // 0.0.0.0, as Address{}
  CompactAddress(const Address& a) {  // NOLINT(google-explicit-constructor): a key built from any Address
    if (a.is_v4()) {
      const auto b = a.to_v4().to_bytes();
      std::memcpy(bytes_.data(), b.data(), b.size());
    } else {
      v6_ = 1;
      const auto b = a.to_v6().to_bytes();
      std::memcpy(bytes_.data(), b.data(), b.size());
    }
  }

  Address address() const {
    if (!v6_) return AddressV4(AddressV4::bytes_type{bytes_[0], bytes_[1], bytes_[2], bytes_[3]});
    AddressV6::bytes_type b;
    std::memcpy(b.data(), bytes_.data(), b.size());
    return AddressV6(b);
  }
  bool is_v4() const { return v6_ == 0; }

  std::size_t hash() const noexcept {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    std::memcpy(&lo, bytes_.data(), 8);
    std::memcpy(&hi, bytes_.data() + 8, 8);
    // A multiply-xorshift mix: group addresses differ in their low bits.
    std::uint64_t h = (lo ^ (hi * 0x9E3779B97F4A7C15ULL) ^ v6_) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
    return static_cast<std::size_t>(h);
  }

  // Written out: libc++ 16 (the fuzz build) has no operator<=> for std::array.
  std::strong_ordering operator<=>(const CompactAddress& other) const {
    if (v6_ != other.v6_) return v6_ <=> other.v6_;
    return std::memcmp(bytes_.data(), other.bytes_.data(), bytes_.size()) <=> 0;
  }
  bool operator==(const CompactAddress& other) const {
    return v6_ == other.v6_ && std::memcmp(bytes_.data(), other.bytes_.data(), bytes_.size()) == 0;
  }

 private:
  std::uint8_t v6_ = 0;
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace mcproxy

template <>
struct std::hash<mcproxy::CompactAddress> {
  std::size_t operator()(const mcproxy::CompactAddress& a) const noexcept { return a.hash(); }
};

template <>
struct std::hash<mcproxy::Address> {
  std::size_t operator()(const mcproxy::Address& a) const noexcept {
    if (a.is_v4()) return std::hash<unsigned long>{}(a.to_v4().to_uint());
    const auto bytes = a.to_v6().to_bytes();
    std::size_t h = 1469598103934665603ULL;
    for (auto b : bytes) h = (h ^ b) * 1099511628211ULL;
    return h;
  }
};
