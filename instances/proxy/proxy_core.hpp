// One proxy instance's protocol logic (RFC 4605): a querier per downstream, a
// host per upstream, aggregation, filters and the forwarding decision, composed.
// Pure and single-threaded, no clock: only the instance's own thread calls it.
#pragma once

#include "instances/effects.hpp"
#include "instances/host/upstream_host.hpp"
#include "instances/router/downstream_router.hpp"
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
#include <tuple>
#include <utility>
#include <vector>

namespace mcproxy::instances {

// Install, change or remove the kernel MFC entry for (source, group).
struct RouteChange {
  Address source;
  Address group;
  std::string input_interface;
  // Empty (and not `remove`): an entry that forwards nowhere, which keeps the
  // kernel from queueing the source's packets and sending upcalls for them,
  // and whose packet counter tells whether the source is still sending.
  std::set<std::string> outputs;
  // Per output: the minimum TTL a packet needs to be forwarded there (the
  // MFC's per-VIF ttl threshold), from the interface's `threshold`, default 1.
  std::map<std::string, unsigned> ttl_thresholds;
  bool remove = false;  // delete the MFC entry
  bool operator==(const RouteChange&) const = default;
};

struct CoreEffects {
  std::vector<OutgoingPacket> packets;
  std::vector<RouteChange> routes;
  std::vector<Refusal> refusals;  // records refused by a limit, for the log
  // Router-side state transitions (Effects::transitions), for the debug log.
  std::vector<std::string> transitions;
  // Read the packet counters of the instance's MFC entries and hand them to
  // source_counters(), then call source_counters_done() (source liveness).
  bool read_counters = false;
};

// One MFC entry's packet counter as the kernel reports it (SIOCGETSGCNT).
struct SourcePackets {
  Address source;
  Address group;
  std::uint64_t packets = 0;
};

// An (S,G) the instance knows: installed (non-empty outputs) or only seen.
struct ForwardingEntry {
  Address source;
  Address group;
  std::string input_interface;
  std::set<std::string> outputs;
};

class ProxyCore {
 public:
  // `random` feeds the report delays of the upstream hosts (tests pass a fixed one).
  ProxyCore(config::Protocol protocol, const config::InstanceConfig& cfg, RandomSource random = {});
  ~ProxyCore();
  ProxyCore(const ProxyCore&) = delete;
  ProxyCore& operator=(const ProxyCore&) = delete;

  const std::string& name() const { return cfg_.name; }
  const config::InstanceConfig& config() const { return cfg_; }

  // The interface exists, is up and has `own_address`: a downstream starts its
  // querier (RFC 3376 §8.6 startup queries), an upstream starts reporting the
  // aggregated state. Calling it again with a new address updates the address.
  void interface_up(const std::string& ifname, const Address& own_address, TimePoint now, CoreEffects& out);
  // The interface went down or away: routes through it are recomputed (an
  // upstream's (S,G) entries are removed; under `rulematching first` groups
  // move to the next upstream at once). An upstream's host state is dropped
  // (interface_up reports the aggregated state again); a downstream stops
  // querying but keeps its memberships, which are forwarded again as soon as
  // interface_up brings it back (with startup queries) while still valid.
  void interface_down(const std::string& ifname, TimePoint now, CoreEffects& out);
  // The link MTU of an interface (netlink IFLA_MTU), at start and on every
  // change: an upstream splits its reports to it (RFC 3376 §4.2.16). Unknown
  // names and downstreams are ignored.
  void set_link_mtu(const std::string& ifname, std::size_t mtu);

  // A received IGMP/MLD packet on one of the instance's interfaces.
  void handle_packet(const std::string& ifname, const codec::Packet& packet, TimePoint now, CoreEffects& out);
  // Kernel NOCACHE upcall: data from `source` to `group` arrived on
  // `input_ifname`, an upstream or (RFC 4605 §4.2) a downstream.
  void handle_data(const std::string& input_ifname, const Address& source, const Address& group, TimePoint now,
                   CoreEffects& out);

  void on_timer(TimePoint now, CoreEffects& out);

  // Source liveness (source_liveness.cpp). After CoreEffects::read_counters,
  // the counters of the instance's MFC entries, in any number of batches; then
  // done: with `complete` every entry was read and sources idle for
  // `source-idle-timeout` lose their entries (and, under `rulematching mutex
  // MS`, an (S,G) whose upstream delivered nothing of it for MS is released);
  // without it (a failed read) nothing is removed.
  void source_counters(const std::vector<SourcePackets>& batch, TimePoint now);
  void source_counters_done(bool complete, TimePoint now, CoreEffects& out);
  // Time between two counter reads while the instance has (S,G) entries.
  Duration counter_interval() const;
  // A batch of events (the instance thread's mailbox batch): the upstream
  // state-change reports the batch causes go out at end_batch() as one report
  // per upstream, with a record per changed group (UpstreamHost::hold_reports).
  void begin_batch();
  void end_batch(TimePoint now, CoreEffects& out);

  // The instance is going away (daemon stop, instance removed): every
  // upstream reports that it left its groups (RFC 3376 §5.1 state-change
  // records to INCLUDE{}; v2 Leave / MLDv1 Done in compatibility mode), sent
  // once, and every installed route is removed. The core is inert afterwards.
  void shutdown(TimePoint now, CoreEffects& out);
  std::optional<TimePoint> next_deadline() const;

  // New configuration for this instance (same name and protocol): timers,
  // options, filters, rule matching, static routes, added/removed interfaces.
  // Protocol state of interfaces that stay is kept.
  void reconfigure(const config::InstanceConfig& cfg, TimePoint now, CoreEffects& out);

  // PMIPv6 handover: detach a downstream with its membership state (nullptr if
  // there is no such downstream) and attach it to another instance, which
  // reports its groups upstream at once. adopt_downstream returns false (and
  // leaves `router` untouched) if the name is already an upstream here.
  std::unique_ptr<DownstreamRouter> take_downstream(const std::string& ifname, TimePoint now, CoreEffects& out);
  bool adopt_downstream(std::unique_ptr<DownstreamRouter>& router, TimePoint now, CoreEffects& out);

  // --- Status (for `show groups / mfc / interfaces`) -------------------------
  // Per downstream: memberships as the querier sees them (before filters).
  std::map<std::string, std::map<Address, Membership>> downstream_memberships() const;
  // Per upstream: the state the host reports.
  std::map<std::string, std::map<Address, Membership>> upstream_states() const;
  // Installed MFC entries (non-empty outputs).
  std::vector<ForwardingEntry> routes() const;
  // Every (S,G) known, installed or not.
  std::vector<ForwardingEntry> known_sources() const;
  const DownstreamRouter* downstream(const std::string& ifname) const;
  const UpstreamHost* upstream(const std::string& ifname) const;
  bool is_up(const std::string& ifname) const;
  // Drops and events by reason, e.g. "data-from-downstream", "unknown-interface".
  const std::map<std::string, std::uint64_t>& counters() const { return counters_; }

 private:
  struct Downstream;
  struct Upstream;
  // An (S,G) with a kernel entry (possibly forwarding nowhere).
  struct SgState {
    std::string input;
    std::set<std::string> outputs;
    std::map<std::string, unsigned> ttl_thresholds;  // installed with the outputs
    TimePoint last_active;                 // last upcall or counter change
    std::optional<std::uint64_t> packets;  // last counter read, since the entry was (re)installed
  };
  struct MutexLock {
    std::string upstream;
    TimePoint last_data;  // last time data of the (S,G) came in on `upstream`
  };

  DownstreamOptions downstream_options(const config::InterfaceConfig& ifc) const;
  HostOptions host_options(const config::InterfaceConfig& ifc) const;
  Downstream* find_downstream(const std::string& ifname);
  const Downstream* find_downstream(const std::string& ifname) const;
  Upstream* find_upstream(const std::string& ifname);
  const Upstream* find_upstream(const std::string& ifname) const;

  void absorb(Effects& e, TimePoint now, CoreEffects& out);  // router/host effects into ours
  std::set<Address> all_groups() const;
  void refresh_all(TimePoint now, CoreEffects& out);
  void refresh_group(const Address& group, TimePoint now, CoreEffects& out);
  void refresh_upstream_requests(const Address& group, TimePoint now, CoreEffects& out);
  std::vector<Membership> static_contributions(const Address& group) const;
  bool accepts_from(const Upstream& u, const Address& group, const Address& source) const;
  std::set<std::string> compute_outputs(const std::string& input, const Address& group, const Address& source) const;
  void upstream_outputs(const std::string& input, const Address& group, const Address& source,
                        std::set<std::string>& outputs) const;
  unsigned threshold_of(const std::string& ifname) const;
  void install(const Address& group, const Address& source, SgState& sg, std::set<std::string> outputs,
               bool force, CoreEffects& out);
  void remove_routes_from(const std::string& input, TimePoint now, CoreEffects& out);
  bool mutex_mode() const;
  const MutexLock* claim_of(const Address& group, const Address& source) const;
  void drop_claim(const Address& group, const Address& source);
  bool mutex_rejects(const std::string& input, const Address& group, const Address& source, TimePoint now,
                     CoreEffects& out);
  void schedule_counter_read(TimePoint now);
  void forget_idle_sources(TimePoint now, CoreEffects& out);
  void release_idle_locks(TimePoint now, CoreEffects& out);

  config::Protocol protocol_;
  config::InstanceConfig cfg_;
  // `pinstance NAME max-groups`: shared with every DownstreamRouter (declared
  // before the routers, so it outlives them).
  std::shared_ptr<GroupBudget> budget_ = std::make_shared<GroupBudget>();
  RandomSource random_;
  std::vector<std::unique_ptr<Upstream>> upstreams_;            // priority order
  std::map<std::string, std::unique_ptr<Downstream>> downstreams_;
  std::map<Address, std::map<Address, SgState>> sg_;            // group -> source -> state
  // `upstream * in rulematching mutex MS`: the upstream an (S,G)'s data came
  // from first, group -> source -> claim (as mcproxy: per source).
  std::map<Address, std::map<Address, MutexLock>> locks_;
  // Source liveness: when the next counter read is due; while a read runs,
  // when it started (a read that never completes is abandoned).
  std::optional<TimePoint> next_read_;
  std::optional<TimePoint> read_started_;
  std::map<std::string, std::uint64_t> counters_;
};

}  // namespace mcproxy::instances
