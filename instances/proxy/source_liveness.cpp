// Source liveness of a proxy instance: which (S,G) sources still send, read
// from the kernel's per-entry packet counters, and what goes when they stop.
#include "instances/proxy/proxy_core.hpp"

#include "instances/proxy/core_parts.hpp"

#include <algorithm>

namespace mcproxy::instances {

namespace {

constexpr Duration kMinCounterInterval{1'000};
constexpr Duration kMaxCounterInterval{30'000};

}  // namespace

// Often enough that an idle source is gone at most a quarter of
// `source-idle-timeout` late, and that `mutex MS` sees each period of MS
// (both at least 1 s apart: every read costs one ioctl per entry).
Duration ProxyCore::counter_interval() const {
  Duration d = cfg_.source_idle_timeout / 4;
  if (mutex_mode()) d = std::min(d, cfg_.upstream_in_rule_matching.mutex_timeout);
  return std::clamp(d, kMinCounterInterval, kMaxCounterInterval);
}

void ProxyCore::schedule_counter_read(TimePoint now) {
  if (!next_read_ && !read_started_) next_read_ = now + counter_interval();
}

// A counter that moved (or a first read that is not zero: the packets that
// made the upcall) means the source sent since the last read. A counter that
// went down belongs to an entry the kernel created anew: also data.
void ProxyCore::source_counters(const std::vector<SourcePackets>& batch, TimePoint now) {
  for (const auto& c : batch) {
    auto git = sg_.find(c.group);
    if (git == sg_.end()) continue;
    auto sit = git->second.find(c.source);
    if (sit == git->second.end()) continue;
    SgState& sg = sit->second;
    const bool sent = sg.packets ? c.packets != *sg.packets : c.packets > 0;
    sg.packets = c.packets;
    if (!sent) continue;
    sg.last_active = now;
    if (auto claims = locks_.find(c.group); claims != locks_.end()) {
      auto claim = claims->second.find(c.source);
      if (claim != claims->second.end() && claim->second.upstream == sg.input) claim->second.last_data = now;
    }
  }
}

void ProxyCore::source_counters_done(bool complete, TimePoint now, CoreEffects& out) {
  read_started_.reset();
  if (complete) {
    forget_idle_sources(now, out);
    release_idle_locks(now, out);
  } else {
    counters_["counter-read-failed"]++;
  }
  if (!sg_.empty() || !locks_.empty()) {
    next_read_ = now + counter_interval();
  } else {
    next_read_.reset();
  }
}

// RFC 7761 §4.11 keeps an (S,G) without data for Keepalive_Period (210 s);
// a proxy has no (S,G) state of its own beyond the kernel's entry, so the
// entry goes after `source-idle-timeout` (default that period). When the
// source sends again, the kernel's NOCACHE upcall brings it back.
void ProxyCore::forget_idle_sources(TimePoint now, CoreEffects& out) {
  for (auto git = sg_.begin(); git != sg_.end();) {
    for (auto sit = git->second.begin(); sit != git->second.end();) {
      if (now - sit->second.last_active < cfg_.source_idle_timeout) {
        ++sit;
        continue;
      }
      counters_["source-idle-removed"]++;
      out.routes.push_back(RouteChange{sit->first, git->first, sit->second.input, {}, {}, true});
      sit = git->second.erase(sit);
    }
    git = git->second.empty() ? sg_.erase(git) : std::next(git);
  }
}

// mcproxy, `upstream * in rulematching mutex MS`: "After MS without data on
// the chosen interface, the group is subscribed at all upstreams again", per
// source as mcproxy's process_upstream_in_mutex does: a claimed (S,G) whose
// entry from the claiming upstream counted no packet for MS (seen at the
// resolution of counter_interval()), or that has no such entry left, is
// released. Its idle entry goes with it, so that S's data from any upstream
// makes the kernel report it again (NOCACHE) and claim it anew.
void ProxyCore::release_idle_locks(TimePoint now, CoreEffects& out) {
  std::vector<Address> released;
  for (auto git = locks_.begin(); git != locks_.end();) {
    const Address& group = git->first;
    auto sources = sg_.find(group);
    for (auto it = git->second.begin(); it != git->second.end();) {
      const MutexLock& claim = it->second;
      SgState* sg = nullptr;
      if (sources != sg_.end()) {
        auto sit = sources->second.find(it->first);
        if (sit != sources->second.end() && sit->second.input == claim.upstream) sg = &sit->second;
      }
      const bool idle = now - claim.last_data >= cfg_.upstream_in_rule_matching.mutex_timeout;
      if (sg != nullptr && !idle) {
        ++it;
        continue;
      }
      counters_["mutex-released"]++;
      if (sg != nullptr) {
        out.routes.push_back(RouteChange{it->first, group, claim.upstream, {}, {}, true});
        sources->second.erase(it->first);
        if (sources->second.empty()) {
          sg_.erase(sources);
          sources = sg_.end();
        }
      }
      if (released.empty() || released.back() != group) released.push_back(group);
      it = git->second.erase(it);
    }
    git = git->second.empty() ? locks_.erase(git) : std::next(git);
  }
  // Every admitting upstream subscribes the released sources again.
  for (const auto& g : released) refresh_group(g, now, out);
}

}  // namespace mcproxy::instances
