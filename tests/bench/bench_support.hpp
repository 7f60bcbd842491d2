// Shared helpers for the in-process benchmarks: numbered group/source
// addresses and IGMPv3/MLDv2 report packets as a host would send them.
#pragma once

#include "modules/codec/message.hpp"
#include "modules/common/address.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mcproxy::bench {

// 239.<base>.x.y: distinct administratively scoped groups for i < 65536 * 16.
inline Address v4_group(std::uint32_t i) { return AddressV4((239u << 24) + (16u << 16) + i); }
// ff3e::8000:i (SSM-free, global scope): distinct groups for any i.
inline Address v6_group(std::uint32_t i) {
  AddressV6::bytes_type b{};
  b[0] = 0xff;
  b[1] = 0x1e;
  b[12] = static_cast<std::uint8_t>(i >> 24);
  b[13] = static_cast<std::uint8_t>(i >> 16);
  b[14] = static_cast<std::uint8_t>(i >> 8);
  b[15] = static_cast<std::uint8_t>(i);
  return AddressV6(b);
}
inline Address v4_source(std::uint32_t i) { return AddressV4((203u << 24) + (113u << 8) + 1 + (i % 250)); }
inline Address v6_source(std::uint32_t i) {
  AddressV6::bytes_type b{0x20, 0x01, 0x0d, 0xb8, 0, 0x99};
  b[14] = static_cast<std::uint8_t>(i >> 8);
  b[15] = static_cast<std::uint8_t>(i + 1);
  return AddressV6(b);
}

// An IGMPv3 / MLDv2 report with `records` records of `type`, each with
// `sources` sources, as sent by `host` to 224.0.0.22 / ff02::16.
inline codec::Packet v3_report(bool v6, const Address& host, std::uint32_t first_group, std::size_t records,
                               std::size_t sources, codec::RecordType type) {
  codec::V3Report r;
  r.version = v6 ? codec::Version::MLDv2 : codec::Version::IGMPv3;
  for (std::size_t k = 0; k < records; ++k) {
    codec::GroupRecord rec;
    rec.type = type;
    rec.group = v6 ? v6_group(first_group + static_cast<std::uint32_t>(k)) : v4_group(first_group + static_cast<std::uint32_t>(k));
    for (std::size_t s = 0; s < sources; ++s)
      rec.sources.push_back(v6 ? v6_source(static_cast<std::uint32_t>(s)) : v4_source(static_cast<std::uint32_t>(s)));
    r.records.push_back(std::move(rec));
  }
  codec::Packet p;
  p.source = host;
  p.destination = v6 ? boost::asio::ip::make_address("ff02::16") : boost::asio::ip::make_address("224.0.0.22");
  p.ttl = 1;
  p.router_alert = true;
  p.message = std::move(r);
  return p;
}

}  // namespace mcproxy::bench
