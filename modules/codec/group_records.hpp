// The parts IGMPv3 and MLDv2 share apart from the address size: source lists
// and group (multicast address) records, read and written for either family.
#pragma once

#include "modules/codec/byte_reader.hpp"
#include "modules/codec/byte_writer.hpp"
#include "modules/codec/codec.hpp"

#include <cstddef>
#include <vector>

namespace mcproxy::codec::detail {

std::size_t address_size(Family f);
// Largest count a 16-bit Number of Sources / Number of Records field holds.
inline constexpr std::size_t kMaxCount = 0xffff;
// Aux Data Len is 8 bits of 32-bit words (RFC 3376 §4.2.6).
inline constexpr std::size_t kMaxAuxBytes = 0xff * 4;

// Reads `count` source addresses; SourceCountBeyondPacket if the packet ends
// first, BadSourceAddress for a multicast or unspecified source.
Result<std::vector<Address>> read_sources(ByteReader& r, Family f, std::size_t count);
// Reads `count` group records (RFC 3376 §4.2.4, RFC 3810 §5.2.4).
Result<std::vector<GroupRecord>> read_group_records(ByteReader& r, Family f, std::size_t count);

// Writes at most kMaxCount sources (the caller's list is expected to fit).
void write_sources(ByteWriter& w, Family f, const std::vector<Address>& sources);
void write_group_record(ByteWriter& w, Family f, const GroupRecord& record);
// Bytes write_group_record() produces for this record.
std::size_t encoded_size(const GroupRecord& record, Family f);

}  // namespace mcproxy::codec::detail
