// The configuration model: what a parsed and checked configuration file (or a
// control-socket change) says. Plain values; instances are built from these.
#pragma once

#include "modules/common/address.hpp"
#include "modules/common/clock.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcproxy::config {

enum class Protocol { IGMPv1, IGMPv2, IGMPv3, MLDv1, MLDv2 };
inline Family family_of(Protocol p) {
  return (p == Protocol::MLDv1 || p == Protocol::MLDv2) ? Family::V6 : Family::V4;
}
// "IGMPv3", "MLDv2", ... as written in a `protocol` statement.
const char* to_string(Protocol p);

struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

// A configuration error (or warning) with the place it was found, printed as
// `FILE:LINE:COL: message` (diagnostic.hpp).
struct Diagnostic {
  SourceLocation where;
  std::string message;
  std::string to_string() const;  // FILE:LINE:COL: message
};

// An inclusive range of addresses of one family. A single address, `a - b`, a
// prefix `a/n` and `*` (the whole family) all become ranges.
struct AddressRange {
  Address first;
  Address last;
  bool contains(const Address& a) const;  // false for an address of the other family
  // first > last: a range that holds nothing (a group range without any
  // multicast address, after clipping).
  bool empty() const;
  // The part inside the family's multicast space (224.0.0.0/4, ff00::/8);
  // empty() if there is none. Both ends must be of one family.
  AddressRange multicast_part() const;
  static AddressRange any(Family f);
  bool operator==(const AddressRange&) const = default;
};

// One filter rule: `[IFNAME](GROUP | SOURCE)`. An empty interface matches any.
struct Rule {
  std::string interface;
  AddressRange group;
  AddressRange source;
  SourceLocation where;         // the rule's first token
  SourceLocation group_where;   // the group part (for family/multicast errors)
  SourceLocation source_where;  // the source part
  bool matches(const std::string& ifname, const Address& group_address,
               const Address& source_address) const;
};

// A table after checking: nested `(table NAME)` references are expanded in
// place, in order (cycles and unknown names are errors).
struct Table {
  std::string name;  // empty for an anonymous table
  std::vector<Rule> rules;
  SourceLocation where;
  bool matches(const std::string& ifname, const Address& group_address,
               const Address& source_address) const;  // any rule matches
};

enum class Direction { In, Out };
enum class FilterKind { Whitelist, Blacklist };

// `pinstance NAME upstream|downstream IF in|out whitelist|blacklist table T;`
struct FilterBinding {
  FilterKind kind = FilterKind::Blacklist;
  Table table;
  SourceLocation where;  // the `whitelist|blacklist` keyword
  // Whether (group, source) passes: whitelist admits only matches, blacklist
  // admits everything else.
  bool admits(const std::string& ifname, const Address& group_address,
              const Address& source_address) const;
};

// Protocol timers and counters. Unset values take the instance's value, then
// the defaults of RFC 3376 §8 / RFC 3810 §9 (see effective()).
struct TimerOptions {
  std::optional<Duration> query_interval;                // 125 s
  std::optional<Duration> query_response_interval;       // 10 s
  std::optional<unsigned> robustness;                    // 2
  std::optional<Duration> last_member_query_interval;    // 1 s
  std::optional<unsigned> last_member_query_count;       // = robustness
  std::optional<Duration> startup_query_interval;        // = query interval / 4
  std::optional<unsigned> startup_query_count;           // = robustness
  std::optional<Duration> unsolicited_report_interval;   // 1 s (v3/MLDv2), 10 s (v1/v2/MLDv1)
};

// All timers with a value: what the protocol logic uses.
struct Timers {
  Duration query_interval{125'000};
  Duration query_response_interval{10'000};
  unsigned robustness = 2;
  Duration last_member_query_interval{1'000};
  unsigned last_member_query_count = 2;
  Duration startup_query_interval{31'250};
  unsigned startup_query_count = 2;
  Duration unsolicited_report_interval{1'000};
  // Derived values (RFC 9776 §8.4, §8.5, §8.10, §8.12, §8.13; RFC 9777 §9).
  // RFC 9776 §8.4 / RFC 9777 §9.4 (revised from RFC 3376 / RFC 3810, erratum
  // 6725): "This value MUST be ([Robustness Variable] times [Query Interval])
  // plus (2 * [Query Response Interval])."
  Duration group_membership_interval() const { return robustness * query_interval + 2 * query_response_interval; }
  Duration other_querier_present_interval() const { return robustness * query_interval + query_response_interval / 2; }
  Duration older_host_present_interval() const { return robustness * query_interval + query_response_interval; }
  Duration older_version_querier_present_timeout() const { return robustness * query_interval + query_response_interval; }
  Duration last_member_query_time() const { return last_member_query_count * last_member_query_interval; }
};

// Resolves options: interface-level over instance-level over defaults.
Timers effective(Protocol p, const TimerOptions& instance, const TimerOptions* interface = nullptr);

// An IPv4 or IPv6 prefix, for alternative-subnets.
struct Prefix {
  Address network;
  unsigned length = 0;
  bool contains(const Address& a) const;
  bool operator==(const Prefix&) const = default;
};

enum class Role { Upstream, Downstream };

inline constexpr Duration kDefaultSourceIdleTimeout{210'000};  // RFC 7761 §4.11 Keepalive_Period
inline constexpr Duration kMinSourceIdleTimeout{5'000};
inline constexpr Duration kMaxSourceIdleTimeout{86'400'000};  // a day

struct InterfaceConfig {
  std::string name;
  Role role = Role::Downstream;
  TimerOptions timers;                         // per-interface overrides (downstreams)
  std::optional<bool> quick_leave;             // override of the instance's
  std::vector<Prefix> alternative_subnets;     // sources accepted besides the link's own subnets
  std::optional<unsigned> threshold;           // minimal TTL to forward out of this interface (VIF threshold); 1..255
  std::optional<unsigned> max_groups;          // downstream limit; unset = unlimited
  std::optional<unsigned> max_sources;         // per group; unset = the instance's, then kDefaultMaxSources
  std::optional<unsigned> max_groups_per_host;  // groups one host may join here; unset = the instance's
  std::optional<unsigned> host_report_rate;     // packets/s one host may send here; 0 = unlimited; unset = the instance's
  // Downstream: the source address of our queries instead of the interface's
  // own (doc/operations.md, "Interfaces without an address").
  std::optional<Address> query_source;
  // `compatibility-mode off`: no switch to IGMPv1/v2 or MLDv1 on this link
  // (RFC 9776 §7.2.1, §7.3.1; RFC 9777 §8.2.1, §8.3.1: SSM-only networks).
  // Unset = on, as the RFCs want by default.
  std::optional<bool> compatibility_mode;
  std::optional<FilterBinding> filter_in;      // `in whitelist|blacklist table T`
  std::optional<FilterBinding> filter_out;     // `out whitelist|blacklist table T`
  SourceLocation where;
  // Where each option was last set (key: the option's keyword, e.g.
  // "query-interval"), so that checks can point at it.
  std::map<std::string, SourceLocation> option_where;
};

// `rulematching all|first|mutex MS` (mcproxy's semantics, doc/configuration.md).
// mcproxy has two independent settings per instance: `upstream * out`
// (forwarding data towards the upstreams: all | first, default all) and
// `upstream * in` (subscribing at the upstreams: first | mutex MS, default first).
struct RuleMatching {
  enum class Kind { All, First, Mutex } kind = Kind::All;
  Duration mutex_timeout{0};
  bool operator==(const RuleMatching&) const = default;
};

// `pinstance NAME static (GROUP | SOURCE) ==> IF...;` Source unspecified = any.
struct StaticRoute {
  Address group;
  Address source;
  std::vector<std::string> downstreams;
  SourceLocation where;
  std::vector<SourceLocation> downstreams_where;  // parallel to downstreams (may be empty)
};

// Limits that bound the memory hosts can make an instance use (doc/configuration.md,
// "Limits"): defaults sized for a small router, about 1.4 KB per group.
inline constexpr unsigned kDefaultInstanceMaxGroups = 16384;   // group memberships over all downstreams
inline constexpr unsigned kDefaultMaxGroupsPerHost = 1024;     // groups one host (report source) may join
inline constexpr unsigned kDefaultMaxSources = 64;             // sources per group and downstream
inline constexpr unsigned kMaxInstanceMaxGroups = 1u << 20;     // the largest `pinstance NAME max-groups`
// IGMP/MLD packets a second one host may send on a downstream (bursts of up to
// twice as many); the excess is dropped as it is read. 1000/s lets a host
// answer a query for max-groups-per-host groups within one second.
inline constexpr unsigned kDefaultHostReportRate = 1000;
inline constexpr unsigned kMaxHostReportRate = 1'000'000;

struct InstanceConfig {
  std::string name;
  // `pinstance NAME protocol MLDv2;`: unset = the file's `protocol`
  // (Configuration::protocol_of), so IGMP and MLD instances run side by side.
  std::optional<Protocol> protocol;
  std::optional<std::uint32_t> table;      // kernel multicast routing table; unset = assigned
  std::vector<InterfaceConfig> upstreams;  // priority order: first is highest
  std::vector<InterfaceConfig> downstreams;
  TimerOptions timers;
  bool quick_leave = false;
  // `pinstance NAME source-idle-timeout DURATION;`: an (S,G) whose source sent
  // nothing for this long loses its kernel entry. Default: RFC 7761 §4.11's
  // Keepalive_Period (210 s), the time a PIM router keeps an (S,G) without data.
  Duration source_idle_timeout{kDefaultSourceIdleTimeout};
  std::optional<unsigned> max_groups;           // over all downstreams; unset = kDefaultInstanceMaxGroups
  std::optional<unsigned> max_groups_per_host;  // default for the downstreams; unset = kDefaultMaxGroupsPerHost
  std::optional<unsigned> host_report_rate;     // default for the downstreams; unset = kDefaultHostReportRate
  std::optional<unsigned> max_sources;          // default for the downstreams; unset = kDefaultMaxSources
  RuleMatching rule_matching;  // upstream out: All (default) or First
  RuleMatching upstream_in_rule_matching{RuleMatching::Kind::First, Duration{0}};  // First or Mutex
  std::vector<StaticRoute> static_routes;
  SourceLocation where;
  std::map<std::string, SourceLocation> option_where;  // as InterfaceConfig::option_where; "table" too

  const InterfaceConfig* find_interface(const std::string& ifname) const;
  InterfaceConfig* find_interface(const std::string& ifname);
};

struct Configuration {
  Protocol protocol = Protocol::IGMPv3;
  bool disabled = false;  // `disable;`
  std::vector<InstanceConfig> instances;
  std::map<std::string, Table> tables;  // named tables, references expanded
  std::string file;                     // where it was read from
  SourceLocation protocol_where;        // the `protocol` statement, if any
  SourceLocation disabled_where;        // the `disable` statement, if any
  // Things that run, but not as written (e.g. a group range clipped to
  // multicast), as "warning: ..." diagnostics; --check-config prints them and
  // the daemon logs them.
  std::vector<Diagnostic> warnings;

  const InstanceConfig* find_instance(const std::string& name) const;
  InstanceConfig* find_instance(const std::string& name);
  // The instance's own protocol, else the file's.
  Protocol protocol_of(const InstanceConfig& instance) const { return instance.protocol.value_or(protocol); }
};

// Downstream name patterns (`ppp*`, `vlan1*`): a `*` stands for any run of
// characters; interfaces that match are taken as they appear.
bool is_interface_pattern(std::string_view name);
bool interface_pattern_matches(std::string_view pattern, std::string_view name);

}  // namespace mcproxy::config
