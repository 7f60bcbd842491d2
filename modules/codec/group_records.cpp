// Source lists and group records of IGMPv3 (RFC 3376 §4.2.4) and MLDv2
// (RFC 3810 §5.2.4): same layout, 4- or 16-byte addresses.
#include "modules/codec/group_records.hpp"

#include "modules/codec/wire_rules.hpp"

#include <algorithm>

namespace mcproxy::codec::detail {
namespace {

std::optional<Address> read_address(ByteReader& r, Family f) {
  if (f == Family::V4) {
    if (auto a = r.v4()) return Address(*a);
    return std::nullopt;
  }
  if (auto a = r.v6()) return Address(*a);
  return std::nullopt;
}

void write_address(ByteWriter& w, Family f, const Address& a) {
  if (f == Family::V4) {
    w.v4(a);
  } else {
    w.v6(a);
  }
}

std::size_t record_header_size(Family f) { return f == Family::V4 ? kIgmpRecordHeader : kMldRecordHeader; }

std::size_t aux_words(const GroupRecord& record) {
  return (std::min(record.aux_data.size(), kMaxAuxBytes) + 3) / 4;
}

}  // namespace

std::size_t address_size(Family f) { return f == Family::V4 ? kV4AddressSize : kV6AddressSize; }

Result<std::vector<Address>> read_sources(ByteReader& r, Family f, std::size_t count) {
  // Check the whole list fits before allocating: a forged count must not
  // make us reserve memory the packet does not back.
  if (!r.has(count * address_size(f))) return std::unexpected(DecodeError::SourceCountBeyondPacket);
  std::vector<Address> sources;
  sources.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto a = read_address(r, f);
    if (!a) return std::unexpected(DecodeError::SourceCountBeyondPacket);
    if (!is_valid_source(*a)) return std::unexpected(DecodeError::BadSourceAddress);
    sources.push_back(*a);
  }
  return sources;
}

Result<std::vector<GroupRecord>> read_group_records(ByteReader& r, Family f, std::size_t count) {
  // Each record needs at least its fixed header.
  if (!r.has(count * record_header_size(f))) return std::unexpected(DecodeError::RecordCountBeyondPacket);
  std::vector<GroupRecord> records;
  records.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto type = r.u8();
    const auto aux_len = r.u8();
    const auto nsrc = r.u16();
    const auto group = read_address(r, f);
    if (!type || !aux_len || !nsrc || !group) return std::unexpected(DecodeError::RecordCountBeyondPacket);
    // RFC 3376 §4.2.12 / RFC 3810 §5.2.12 define record types 1..6 only.
    if (*type < 1 || *type > 6) return std::unexpected(DecodeError::BadRecordType);
    if (!is_multicast(*group)) return std::unexpected(DecodeError::NotMulticastGroup);
    GroupRecord record;
    record.type = static_cast<RecordType>(*type);
    record.group = *group;
    auto sources = read_sources(r, f, *nsrc);
    if (!sources) return std::unexpected(sources.error());
    record.sources = std::move(*sources);
    const auto aux = r.bytes(std::size_t{*aux_len} * 4);
    if (!aux) return std::unexpected(DecodeError::AuxDataBeyondPacket);
    record.aux_data.assign(aux->begin(), aux->end());
    records.push_back(std::move(record));
  }
  return records;
}

void write_sources(ByteWriter& w, Family f, const std::vector<Address>& sources) {
  const std::size_t n = std::min(sources.size(), kMaxCount);
  for (std::size_t i = 0; i < n; ++i) write_address(w, f, sources[i]);
}

void write_group_record(ByteWriter& w, Family f, const GroupRecord& record) {
  const std::size_t words = aux_words(record);
  w.u8(static_cast<std::uint8_t>(record.type));
  w.u8(static_cast<std::uint8_t>(words));
  w.u16(static_cast<std::uint16_t>(std::min(record.sources.size(), kMaxCount)));
  write_address(w, f, record.group);
  write_sources(w, f, record.sources);
  // Aux data is whole 32-bit words: a ragged tail is padded with zeros.
  const std::size_t aux_bytes = std::min(record.aux_data.size(), kMaxAuxBytes);
  w.bytes(std::span(record.aux_data).first(aux_bytes));
  for (std::size_t i = aux_bytes; i < words * 4; ++i) w.u8(0);
}

std::size_t encoded_size(const GroupRecord& record, Family f) {
  return record_header_size(f) + std::min(record.sources.size(), kMaxCount) * address_size(f) +
         aux_words(record) * 4;
}

}  // namespace mcproxy::codec::detail
