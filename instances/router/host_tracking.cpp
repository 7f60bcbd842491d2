// Explicit host tracking: each host's INCLUDE/EXCLUDE source list per group,
// updated from its records with the semantics of RFC 3376 §4.2.12 / §5.1.
#include "instances/router/host_tracking.hpp"

namespace mcproxy::instances {

using codec::RecordType;

HostTracker::HostTracker(const HostTracker& o)
    : hosts_(o.hosts_),
      anonymous_(o.anonymous_ ? std::make_unique<HostInterest>(*o.anonymous_) : nullptr) {}

HostTracker& HostTracker::operator=(const HostTracker& o) {
  if (this != &o) {
    hosts_ = o.hosts_;
    anonymous_ = o.anonymous_ ? std::make_unique<HostInterest>(*o.anonymous_) : nullptr;
  }
  return *this;
}

void HostTracker::on_record(const Address& group, const Address& host, RecordType type, const SourceSet& sources,
                            Context& ctx) {
  if (host.is_unspecified()) return on_anonymous_record(group, type, sources, ctx);
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
    forget(group, host, ctx);
    return;
  }
  hosts_[host] = std::move(interest);
  ctx.queue.schedule({TimerKind::HostInterest, group, host}, ctx.gmi());
}

void HostTracker::on_anonymous_record(const Address& group, RecordType type, const SourceSet& sources, Context& ctx) {
  const bool exclude = type == RecordType::ModeIsExclude || type == RecordType::ChangeToExcludeMode;
  const bool include = !exclude && type != RecordType::BlockOldSources && !sources.empty();
  if (!exclude && !include) return;  // BLOCK, TO_IN({}): someone else may still listen
  if (exclude || (anonymous_ && anonymous_->mode == FilterMode::Exclude)) {
    anonymous_ = std::make_unique<HostInterest>(HostInterest{FilterMode::Exclude, {}});  // may want any source
  } else {
    SourceSet merged = (anonymous_ ? anonymous_->sources : SourceSet{}) + sources;
    anonymous_ = std::make_unique<HostInterest>(HostInterest{FilterMode::Include, std::move(merged)});
  }
  ctx.queue.schedule({TimerKind::HostInterest, group, anonymous_host(group)}, ctx.gmi());
}

void HostTracker::on_expiry(const Address& host) {
  if (host.is_unspecified()) {
    anonymous_.reset();
  } else {
    hosts_.erase(host);
  }
}

bool HostTracker::anonymous_in_exclude() const { return anonymous_ && anonymous_->mode == FilterMode::Exclude; }

bool HostTracker::anonymous_wants_source(const Address& source) const {
  return anonymous_ && (anonymous_->mode == FilterMode::Exclude || anonymous_->sources.contains(source));
}

void HostTracker::forget(const Address& group, const Address& host, Context& ctx) {
  hosts_.erase(host);
  ctx.queue.cancel({TimerKind::HostInterest, group, host});
}

std::set<Address> HostTracker::hosts(const Address& group) const {
  std::set<Address> out;
  for (const auto& [host, interest] : hosts_) out.insert(host.address());
  if (anonymous_) out.insert(anonymous_host(group));
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
