// Explicit host tracking for one group: which host (report source) asked for
// what, so quick leave can act the moment the last interested host is gone.
#pragma once

#include "instances/router/downstream_router.hpp"
#include "instances/router/flat_map.hpp"
#include "instances/router/router_context.hpp"
#include "instances/router/source_set.hpp"
#include "modules/codec/message.hpp"

#include <memory>
#include <set>

namespace mcproxy::instances {

// A host's own reception state for the group, as its records tell it
// (RFC 3376 §3.2 interface state: INCLUDE or EXCLUDE and a source list).
struct HostInterest {
  FilterMode mode = FilterMode::Include;
  SourceSet sources;
  bool operator==(const HostInterest&) const = default;
};

// The group is not kept here (its router entry is keyed by it): the calls
// that set timers or name the anonymous host take it.
class HostTracker {
 public:
  HostTracker() = default;
  HostTracker(const HostTracker& o);
  HostTracker& operator=(const HostTracker& o);
  HostTracker(HostTracker&&) noexcept = default;
  HostTracker& operator=(HostTracker&&) noexcept = default;
  ~HostTracker() = default;

  // Applies one (already compatibility-translated) record from `host` and
  // refreshes the host's expiry to GMI. A host left in INCLUDE {} is forgotten.
  void on_record(const Address& group, const Address& host, codec::RecordType type, const SourceSet& sources,
                 Context& ctx);
  // The host's interest timer expired.
  void on_expiry(const Address& host);

  std::set<Address> hosts(const Address& group) const;
  const FlatMap<CompactAddress, HostInterest>& interests() const { return hosts_; }
  // Some tracked host wants the group in EXCLUDE mode (what Q(G) asks about).
  bool anyone_in_exclude() const;
  // Some tracked host wants traffic from `source` (what Q(G,A) asks about).
  bool anyone_wants_source(const Address& source) const;

  // Reports from 0.0.0.0 (RFC 3376 §4.2.13: "may simultaneously be used by
  // multiple systems") cannot be told apart: their interest only grows, until
  // it expires with GMI, and quick leave never trusts it to be gone.
  // Null when no anonymous report is in effect.
  const HostInterest* anonymous() const { return anonymous_.get(); }
  bool anonymous_in_exclude() const;
  bool anonymous_wants_source(const Address& source) const;

 private:
  void forget(const Address& group, const Address& host, Context& ctx);
  void on_anonymous_record(const Address& group, codec::RecordType type, const SourceSet& sources, Context& ctx);

  static Address anonymous_host(const Address& group) {
    return group.is_v4() ? Address(AddressV4::any()) : Address(AddressV6::any());
  }

  FlatMap<CompactAddress, HostInterest> hosts_;
  std::unique_ptr<HostInterest> anonymous_;  // rare: 8 bytes per group, not 64
};

}  // namespace mcproxy::instances
