// Splitting IGMPv3 / MLDv2 reports to fit a message size budget
// (RFC 3376 §4.2.16, RFC 3810 §5.2.15).
#include "modules/codec/codec.hpp"
#include "modules/codec/group_records.hpp"
#include "modules/codec/wire_rules.hpp"

#include <algorithm>

namespace mcproxy::codec {
namespace {

class ReportPacker {
 public:
  ReportPacker(Version version, std::size_t budget) : version_(version), budget_(budget) {}

  // Appends to the current report if it fits, else starts a new one.
  void add(GroupRecord record, std::size_t size) {
    if (!current_.empty() && (used_ + size > budget_ || current_.size() >= detail::kMaxCount)) flush();
    used_ += size;
    current_.push_back(std::move(record));
  }
  // Puts the record at the start of a report of its own (later records may join).
  void add_alone(GroupRecord record, std::size_t size) {
    flush();
    add(std::move(record), size);
  }
  std::vector<V3Report> finish() {
    flush();
    return std::move(reports_);
  }

 private:
  void flush() {
    if (!current_.empty()) reports_.push_back(V3Report{version_, std::move(current_)});
    current_.clear();
    used_ = detail::kV3ReportHeader;
  }

  Version version_;
  std::size_t budget_;
  std::vector<GroupRecord> current_;
  std::size_t used_ = detail::kV3ReportHeader;
  std::vector<V3Report> reports_;
};

bool is_exclude(RecordType t) { return t == RecordType::ModeIsExclude || t == RecordType::ChangeToExcludeMode; }

}  // namespace

std::vector<V3Report> split_report(const V3Report& r, std::size_t max_message_bytes) {
  const Family f = family_of(r.version);
  const std::size_t address_size = detail::address_size(f);
  ReportPacker packer(r.version, max_message_bytes);
  for (const GroupRecord& record : r.records) {
    GroupRecord empty = record;
    empty.sources.clear();
    const std::size_t fixed = detail::encoded_size(empty, f);
    const std::size_t full = fixed + record.sources.size() * address_size;
    if (record.sources.size() <= detail::kMaxCount && detail::kV3ReportHeader + full <= max_message_bytes) {
      packer.add(record, full);
      continue;
    }
    // The record alone is too large. Sources per part: as many as fit; at
    // least one, so a budget below one record with one source yields
    // oversized parts rather than losing sources or looping.
    const std::size_t room = max_message_bytes > detail::kV3ReportHeader + fixed
                                 ? (max_message_bytes - detail::kV3ReportHeader - fixed) / address_size
                                 : 0;
    const std::size_t per_part = std::clamp<std::size_t>(room, 1, detail::kMaxCount);
    if (record.sources.size() <= per_part) {
      // Too large even with the sources it has (aux data): nothing to split.
      packer.add_alone(record, full);
      continue;
    }
    if (is_exclude(record.type)) {
      // RFC 3376 §4.2.16: an IS_EX / TO_EX record is not split: it carries as
      // many sources as fit and the rest are not reported. Splitting it would
      // make each part exclude only its subset.
      GroupRecord part = empty;
      part.sources.assign(record.sources.begin(), record.sources.begin() + static_cast<std::ptrdiff_t>(per_part));
      packer.add_alone(std::move(part), fixed + per_part * address_size);
      continue;
    }
    // Other types: each part carries a different subset, in its own report.
    for (std::size_t begin = 0; begin < record.sources.size(); begin += per_part) {
      const std::size_t end = std::min(begin + per_part, record.sources.size());
      GroupRecord part = empty;
      part.sources.assign(record.sources.begin() + static_cast<std::ptrdiff_t>(begin),
                          record.sources.begin() + static_cast<std::ptrdiff_t>(end));
      packer.add_alone(std::move(part), fixed + (end - begin) * address_size);
    }
  }
  return packer.finish();
}

}  // namespace mcproxy::codec
