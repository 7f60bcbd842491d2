// Properties of anything the codec accepts, shared by the IPv4 and IPv6
// harnesses: encode -> decode gives the value back, report splitting keeps
// every record and source, the log line can be written.
#pragma once

#include "modules/codec/checksum.hpp"
#include "modules/codec/codec.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mcproxy::fuzz {

namespace codec = mcproxy::codec;

// The ICMPv6 checksum depends on the addresses, not the size.
inline std::size_t encoded_size(const codec::V3Report& report) {
  static const Address kSource = boost::asio::ip::make_address_v6("fe80::1");
  static const Address kDestination = boost::asio::ip::make_address_v6("ff02::16");
  if (codec::family_of(report.version) == Family::V4) return codec::encode_igmp(report).size();
  return codec::encode_mld(report, kSource, kDestination).size();
}

inline bool is_exclude(codec::RecordType t) {
  return t == codec::RecordType::ModeIsExclude || t == codec::RecordType::ChangeToExcludeMode;
}

// RFC 3376 §4.2.16 / RFC 3810 §5.2.15: the parts of a split report carry the
// records in order; a record that does not fit is cut into parts with the
// same type, group and aux data whose sources concatenate to the original's,
// except IS_EX / TO_EX, which keep as many sources as fit. Each part fits the
// budget unless it holds a single record that cannot be cut further.
inline void check_split(const codec::V3Report& report, std::size_t budget) {
  const auto parts = codec::split_report(report, budget);
  std::vector<const codec::GroupRecord*> records;
  for (const auto& part : parts) {
    require(!part.records.empty(), "split_report: empty part");
    require(part.version == report.version, "split_report: part of another version");
    const std::size_t size = encoded_size(part);
    require(size <= budget || part.records.size() == 1, "split_report: part over budget with several records");
    for (const auto& r : part.records) records.push_back(&r);
  }
  std::size_t next = 0;
  for (const auto& original : report.records) {
    std::vector<Address> sources;
    do {
      require(next < records.size(), "split_report: a record went missing");
      const auto& r = *records[next++];
      require(r.type == original.type && r.group == original.group && r.aux_data == original.aux_data,
              "split_report: record header changed");
      sources.insert(sources.end(), r.sources.begin(), r.sources.end());
      if (is_exclude(original.type)) break;
    } while (sources.size() < original.sources.size());
    if (is_exclude(original.type)) {
      require(sources.size() <= original.sources.size() &&
                  std::equal(sources.begin(), sources.end(), original.sources.begin()),
              "split_report: IS_EX/TO_EX sources are not a prefix of the original");
      require(!sources.empty() || original.sources.empty(), "split_report: IS_EX/TO_EX lost all its sources");
    } else {
      require(sources == original.sources, "split_report: sources differ from the original");
    }
  }
  require(next == records.size(), "split_report: records added");
}

// Everything a decoder accepted: it encodes, decodes back to the same value
// (so encoding is a fixed point after one round), and its reports split.
template <class Decode, class Encode>
void check_accepted(const codec::Packet& packet, Family family, Decode decode, Encode encode, std::size_t mtu_budget) {
  const codec::Version version = std::visit([](const auto& m) { return m.version; }, packet.message);
  require(codec::family_of(version) == family, "a message of the other family");
  require(family_of(packet.source) == family && family_of(packet.destination) == family,
          "envelope addresses of the other family");
  const std::vector<std::uint8_t> bytes = encode(packet);
  const auto again = decode(std::span<const std::uint8_t>(bytes));
  require(again.has_value(), "an accepted packet, encoded, is refused");
  require(*again == packet, "decode(encode(packet)) differs from packet");
  require(encode(*again) == bytes, "encode(decode(bytes)) differs from bytes");
  require(!codec::describe(packet.message).empty(), "empty description");
  if (const auto* report = std::get_if<codec::V3Report>(&packet.message)) {
    check_split(*report, mtu_budget);
    check_split(*report, 64);
    check_split(*report, 0);  // one source per part, every part over budget
  }
}

}  // namespace mcproxy::fuzz
