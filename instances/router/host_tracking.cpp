// Explicit host tracking: each host's INCLUDE/EXCLUDE source list per group,
// updated from its records with the semantics of RFC 3376 §4.2.12 / §5.1.
#include "instances/router/host_tracking.hpp"

namespace mcproxy::instances {

using codec::RecordType;

void HostTracker::on_record(const Address& host, RecordType type, const SourceSet& sources, Context& ctx) {
  const auto it = hosts_.find(host);
  HostInterest interest = it != hosts_.end() ? it->second : HostInterest{};
  const bool known = it != hosts_.end();
  switch (type) {
    case RecordType::ModeIsInclude:
    case RecordType::ChangeToIncludeMode:
      interest = {FilterMode::Include, sources};
      break;
    case RecordType::ModeIsExclude:
    case RecordType::ChangeToExcludeMode:
      interest = {FilterMode::Exclude, sources};
      break;
    case RecordType::AllowNewSources:
      // The host now receives these too: added to INCLUDE, removed from EXCLUDE.
      interest.sources = interest.mode == FilterMode::Include ? interest.sources + sources
                                                              : interest.sources - sources;
      break;
    case RecordType::BlockOldSources:
      if (!known) return;  // nothing known to block; and no interest to refresh
      interest.sources = interest.mode == FilterMode::Include ? interest.sources - sources
                                                              : interest.sources + sources;
      break;
  }
  if (interest.mode == FilterMode::Include && interest.sources.empty()) {
    forget(host, ctx);
    return;
  }
  hosts_[host] = std::move(interest);
  ctx.queue.schedule({TimerKind::HostInterest, group_, host}, ctx.gmi());
}

void HostTracker::on_expiry(const Address& host) { hosts_.erase(host); }

void HostTracker::forget(const Address& host, Context& ctx) {
  hosts_.erase(host);
  ctx.queue.cancel({TimerKind::HostInterest, group_, host});
}

std::set<Address> HostTracker::hosts() const {
  std::set<Address> out;
  for (const auto& [host, interest] : hosts_) out.insert(host);
  return out;
}

bool HostTracker::anyone_in_exclude() const {
  for (const auto& [host, interest] : hosts_) {
    if (interest.mode == FilterMode::Exclude) return true;
  }
  return false;
}

bool HostTracker::anyone_wants_source(const Address& source) const {
  for (const auto& [host, interest] : hosts_) {
    const bool listed = interest.sources.contains(source);
    if (interest.mode == FilterMode::Include ? listed : !listed) return true;
  }
  return false;
}

}  // namespace mcproxy::instances
