// Host side of one upstream interface: IGMPv1/v2/v3 (RFC 3376 §5, §7.2) or
// MLDv1/v2 (RFC 3810 §6, §8.2) membership reporting for the state the proxy asks for.
// Pure logic: no sockets, no threads, no clock; only the owning instance's thread calls it.
#pragma once

#include "instances/effects.hpp"
#include "instances/router/flat_map.hpp"
#include "instances/router/downstream_router.hpp"  // Membership, FilterMode
#include "modules/config/config.hpp"
#include "modules/codec/message.hpp"
#include "modules/common/address.hpp"
#include "modules/common/clock.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace mcproxy::instances {

// Source of randomness for report delays. Injected so tests are deterministic.
using RandomSource = std::function<std::uint32_t()>;

struct HostOptions {
  // The instance's configured protocol: below IGMPv3 / MLDv2 the host reports
  // with the older version from the start (and never switches up).
  config::Protocol protocol = config::Protocol::IGMPv3;
  // Robustness, Unsolicited Report Interval, and the RV x QI part of the Older
  // Version Querier Present Interval (RFC 9776 §8.12).
  config::Timers timers;
  std::size_t mtu = 1500;  // link MTU: reports are split to fit
  // RFC 9776 §7.2.1 / RFC 9777 §8.2.1: false disables the Host Compatibility
  // Mode (SSM-only links): older-version queries are counted and ignored.
  bool compatibility = true;
};

class UpstreamHost {
 public:
  UpstreamHost(std::string interface, HostOptions options, RandomSource random);

  const std::string& interface() const { return interface_; }

  // Our address on the link: the source of every report we send. Until it is
  // known, reports go out from the unspecified address (RFC 3376 §4.2.13 allows
  // 0.0.0.0; RFC 3810 §5.2.13 allows :: when no link-local address exists).
  void set_address(const Address& own) { own_address_ = own; }
  const std::optional<Address>& address() const { return own_address_; }

  void reconfigure(const HostOptions& options);
  // The link MTU changed (netlink IFLA_MTU): reports are split to it from now on.
  void set_mtu(std::size_t mtu) { options_.mtu = mtu; }
  std::size_t mtu() const { return options_.mtu; }

  // Sets the interface reception state for one group (RFC 3376 §3.2): what
  // the proxy wants to receive. INCLUDE{} means "not a member". A change sends
  // State-Change Reports at once (RFC 3376 §5.1, RFC 3810 §6.1) and schedules
  // their retransmissions.
  void set_state(const Address& group, const Membership& state, TimePoint now, Effects& out);

  // Batching (IGMPv3/MLDv2 mode): between hold_reports() and flush_reports(),
  // the first transmission of the state-change reports set_state() causes is
  // held and then sent as one report with a record per changed group (split
  // to the MTU), instead of one report per group. The instance wraps each
  // batch of received packets in these, so a burst of joins costs a handful
  // of upstream reports. RFC 3376 §5.1 asks for the report "immediately"; the
  // batch takes at most the time to handle one mailbox batch.
  void hold_reports() { holding_ = true; }
  void flush_reports(TimePoint now, Effects& out);

  // A received packet on the upstream link. Only queries matter to a host;
  // other messages are counted and ignored (no report suppression: RFC 3376
  // §5 hosts do not suppress, and v1/v2 suppression is optional for a proxy).
  void handle(const codec::Packet& packet, TimePoint now, Effects& out);

  void on_timer(TimePoint now, Effects& out);
  std::optional<TimePoint> next_deadline() const;

  // Status.
  std::map<Address, Membership> state() const;
  std::optional<Membership> state(const Address& group) const;
  codec::Version compatibility_mode() const { return mode_; }

  struct Counters {
    std::map<std::string, std::uint64_t> received;
    std::map<std::string, std::uint64_t> sent;
    std::map<std::string, std::uint64_t> dropped;
  };
  const Counters& counters() const { return counters_; }

 private:
  // An optional deadline in 8 bytes (std::optional<TimePoint> takes 16):
  // TimePoint::min(), never a deadline, stands for "not set".
  class Deadline {
   public:
    Deadline() = default;
    Deadline(std::optional<TimePoint> at) : at_(at ? *at : kUnset) {}  // NOLINT(google-explicit-constructor)
    explicit operator bool() const { return at_ != kUnset; }
    TimePoint operator*() const { return at_; }
    void reset() { at_ = kUnset; }

   private:
    static constexpr TimePoint kUnset = TimePoint::min();
    TimePoint at_ = kUnset;
  };

  // One group's entry, 72 bytes (doc/performance.md, "Memory per group").
  struct GroupState {
    Membership state;
    // RFC 3376 §5.1 retransmission state: remaining Source-List-Change
    // reports per source (and filter_mode_retransmissions below).
    BoxedFlatMap<Address, unsigned> source_retransmissions;
    Deadline retransmit_at;
    // RFC 3376 §5.2 per-group response timer and recorded source list.
    Deadline query_response_at;
    SourceSet query_sources;
    // RFC 3376 §5.1: remaining Filter-Mode-Change reports.
    unsigned filter_mode_retransmissions = 0;
    // v1/v2 (MLDv1) compatibility: remaining unsolicited report repetitions.
    unsigned old_version_retransmissions = 0;
  };

  // Per-group timers, indexed by deadline so that timer handling costs
  // O(log n) per due timer instead of a scan of every group.
  enum class TimerKind : std::uint8_t { Retransmit, QueryResponse };
  void arm(const CompactAddress& group, GroupState& gs, TimerKind kind, std::optional<TimePoint> at);
  // The deadline index: a binary min-heap of (deadline, kind, group), 32
  // bytes per armed timer. A timer re-armed or disarmed leaves its old entry
  // behind; an entry counts only while the group's deadline still equals it
  // (armed()), others are dropped when they reach the top or the heap is
  // compacted (arm()).
  struct TimerEntry {
    TimePoint at;
    TimerKind kind = TimerKind::Retransmit;
    CompactAddress group;
  };
  // std::push_heap builds a max-heap: the later deadline compares "less".
  static bool later_deadline(const TimerEntry& a, const TimerEntry& b) { return a.at > b.at; }
  bool armed(const TimerEntry& e) const;
  void drop_stale_timers() const;

  bool is_v3_mode() const;
  bool is_member(const Membership& m) const;  // v1/v2: does the state need a report at all
  codec::Version base_version() const;
  void update_compatibility_mode(std::optional<TimePoint> now);
  void set_mode(codec::Version mode);

  void handle_query(const codec::Packet& packet, const codec::Query& q, TimePoint now, Effects& out);
  void handle_v3_query(const codec::Query& q, TimePoint now);
  void handle_old_query(const codec::Query& q, TimePoint now);
  Duration random_delay(Duration max);

  void record_state_change(GroupState& gs, const Membership& old_state, const Membership& new_state);
  void append_state_change_records(const Address& group, GroupState& gs, std::vector<codec::GroupRecord>& records);
  void send_state_change(const std::vector<CompactAddress>& groups, TimePoint now, Effects& out);
  void send_old_report(const Address& group, Effects& out);
  void send_old_leave(const Address& group, Effects& out);
  void send_v3_records(std::vector<codec::GroupRecord> records, Effects& out);
  void emit(const Address& destination, codec::Message message, Effects& out);
  void forget_if_idle(const CompactAddress& group);

  std::string interface_;
  HostOptions options_;
  RandomSource random_;
  std::optional<Address> own_address_;
  // Hashed on the 17-byte CompactAddress: a report costs the same with 100
  // or 100 000 groups. Where the order shows (the records of a General Query
  // response, the random delays drawn for a v1/v2 query) the groups are
  // sorted first, so reports list their records in group order.
  std::unordered_map<CompactAddress, GroupState> groups_;
  bool holding_ = false;
  std::set<CompactAddress> held_changes_;  // groups whose state-change report waits for flush_reports()
  codec::Version mode_;
  // RFC 3376 §7.2.1 / RFC 3810 §8.2.1 Older Version Querier Present timers.
  std::optional<TimePoint> v1_querier_present_until_;
  std::optional<TimePoint> v2_querier_present_until_;  // IGMPv2 or MLDv1
  // RFC 3376 §5.2 interface timer for the response to a General Query.
  std::optional<TimePoint> general_response_at_;
  mutable std::vector<TimerEntry> timer_heap_;  // mutable: next_deadline() drops stale tops
  mutable bool top_checked_ = true;             // the heap's top counts (unchanged since drop_stale_timers())
  std::size_t armed_ = 0;                       // timers armed (entries that count)
  Counters counters_;
};

}  // namespace mcproxy::instances
