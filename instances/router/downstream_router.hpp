// Router side of one downstream interface: IGMPv1/v2/v3 (RFC 3376 §6, §7.3) or
// MLDv1/v2 (RFC 3810 §7, §8.3) querier election, queries, and per-group,
// per-source membership state with explicit host tracking. Pure logic: no
// sockets, no threads, no clock; only the owning instance's thread calls it.
#pragma once

#include "instances/effects.hpp"
#include "instances/router/group_budget.hpp"
#include "instances/router/source_set.hpp"
#include "modules/config/config.hpp"
#include "modules/codec/message.hpp"
#include "modules/common/address.hpp"
#include "modules/common/clock.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace mcproxy::instances {

enum class FilterMode : std::uint8_t { Include, Exclude };
// "INCLUDE", "EXCLUDE" (RFC 3376 §6.2.1, RFC 3810 §7.2.1).
const char* to_string(FilterMode mode);

// Membership of one group on one link as RFC 4605 §4.1 merges it: INCLUDE
// {sources} or EXCLUDE {sources} (for EXCLUDE, the sources that are blocked:
// RFC 3376 §6.2.1's "Y" set; "X" sources are still forwarded).
struct Membership {
  FilterMode mode = FilterMode::Include;
  SourceSet sources;  // sorted, as a std::set (instances/router/source_set.hpp)
  bool operator==(const Membership&) const = default;
};

struct DownstreamOptions {
  config::Protocol protocol = config::Protocol::IGMPv3;
  config::Timers timers;
  bool quick_leave = false;
  // Limits (doc/configuration.md, "Limits"): a record that would exceed one is
  // refused and counted by reason ("max-groups", "max-groups-per-host",
  // "max-groups-instance", "max-sources"); the state stays as it was.
  std::optional<unsigned> max_groups;           // groups with interest on this downstream
  std::optional<unsigned> max_sources;          // per group
  std::optional<unsigned> max_groups_per_host;  // groups one tracked host may have joined here
  std::shared_ptr<GroupBudget> instance_budget;  // shared by the instance's downstreams; null: none
  // RFC 9776 §7.3.1 / RFC 9777 §8.3.1: false disables the group compatibility
  // modes (SSM-only links): IGMPv1/v2 and MLDv1 reports and leaves are dropped.
  bool compatibility = true;
};

class DownstreamRouter {
 public:
  DownstreamRouter(std::string interface, DownstreamOptions options);
  ~DownstreamRouter();
  DownstreamRouter(const DownstreamRouter& other);
  DownstreamRouter& operator=(const DownstreamRouter& other);
  DownstreamRouter(DownstreamRouter&&) noexcept;
  DownstreamRouter& operator=(DownstreamRouter&&) noexcept;

  const std::string& interface() const;

  // Our address on the link (querier election compares it; queries are sent
  // from it). Until it is known the router neither queries nor elects.
  void set_address(const Address& own, TimePoint now, Effects& out);
  // Starts querying: Startup Query Count general queries at the Startup Query
  // Interval, then one every Query Interval (RFC 3376 §8.6, §8.7).
  void start(TimePoint now, Effects& out);
  // The link went down: queries stop (pending specific queries too), the
  // memberships stay and keep timing out; start() again sends the startup
  // queries, and the memberships still valid are forwarded at once.
  void stop(TimePoint now, Effects& out);
  // Gives this router's groups back to its instance budget and stops counting
  // them there (before it moves to another instance's thread).
  void detach_budget();
  // Changes timers and options at runtime; state is kept.
  void reconfigure(const DownstreamOptions& options, TimePoint now, Effects& out);

  // A received IGMP/MLD packet on this interface (already decoded). Packets
  // the rules reject (wrong destination, TTL/hop limit, source) are counted.
  void handle(const codec::Packet& packet, TimePoint now, Effects& out);
  // Runs every timer that is due at `now`, in deadline order (ties in the
  // order the timers were set). handle() runs due timers first, too.
  void on_timer(TimePoint now, Effects& out);
  std::optional<TimePoint> next_deadline() const;

  // Membership per group (groups with no interest are absent).
  std::map<Address, Membership> memberships() const;
  std::optional<Membership> membership(const Address& group) const;
  // RFC 3376 §6.3: whether traffic from `source` to `group` is wanted here.
  bool wants(const Address& group, const Address& source) const;

  // Status for the control socket.
  bool is_querier() const;
  std::optional<Address> querier_address() const;  // the elected querier, us or another
  // The timers in effect on the link: ours, with the QRV and QQI adopted from
  // another querier while it is the querier (RFC 3376 §4.1.6, §4.1.7).
  config::Timers timers() const;
  codec::Version compatibility_mode(const Address& group) const;
  // Hosts (report sources) that currently ask for a group, explicit tracking.
  std::set<Address> hosts(const Address& group) const;

  // Counters by reason, for `show interfaces`.
  struct Counters {
    std::map<std::string, std::uint64_t> received;  // by message type, e.g. "v3-report"
    std::map<std::string, std::uint64_t> sent;
    std::map<std::string, std::uint64_t> dropped;   // by reason
  };
  const Counters& counters() const;

  // When the group timer (RFC 3376 §6.2.2) and a source timer (§6.2.3) of a
  // group expire; nullopt when not running (status: `show groups`).
  std::optional<TimePoint> group_timer(const Address& group) const;
  std::optional<TimePoint> source_timer(const Address& group, const Address& source) const;

  // The remaining Last Member Query retransmissions of a group (tests, status).
  unsigned pending_group_queries(const Address& group) const;

  // Groups with interest here, and groups a tracked host has joined here (limits, status).
  std::size_t groups_with_interest() const;
  std::size_t groups_of_host(const Address& host) const;

 private:
  struct Impl;  // instances/router/downstream_router.cpp
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcproxy::instances
