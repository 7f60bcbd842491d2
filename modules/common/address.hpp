// IP addresses as used everywhere in mcproxy: Boost.Asio's address types,
// plus the few helpers the protocol code needs (family, multicast scope).
#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstddef>
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

}  // namespace mcproxy

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
