// Semantic checks of a Configuration. Ranges and their reasons are listed in
// doc/configuration.md ("Options").
#include "modules/config/checker.hpp"

#include <map>
#include <set>
#include <stdexcept>
#include <string_view>

namespace mcproxy::config {
namespace {

struct DurationRange {
  Duration min;
  Duration max;
  const char* why;
};

struct CountRange {
  unsigned min;
  unsigned max;
  const char* why;
};

// Query Response Interval: the largest value the protocol's Max Resp Code can carry.
DurationRange query_response_range(Protocol p) {
  switch (p) {
    case Protocol::IGMPv1:
    case Protocol::IGMPv2:
      return {Duration{100}, Duration{25'500}, "IGMPv2 Max Resp Time is 8 bits of 1/10 s, RFC 2236 §2.2"};
    case Protocol::IGMPv3:
      return {Duration{100}, Duration{3'174'400}, "largest IGMPv3 Max Resp Code, RFC 3376 §4.1.1"};
    case Protocol::MLDv1:
      return {Duration{100}, Duration{65'535}, "MLDv1 Maximum Response Delay is 16 bits of ms, RFC 2710 §3.4"};
    case Protocol::MLDv2:
      return {Duration{100}, Duration{8'387'584}, "largest MLDv2 Maximum Response Code, RFC 3810 §5.1.3"};
  }
  return {Duration{100}, Duration{25'500}, ""};
}

// Transparent maps: the checker looks names up as string views, without a copy.
const std::map<std::string, DurationRange, std::less<>>& duration_ranges() {
  static const std::map<std::string, DurationRange, std::less<>> kRanges{
      {"query-interval", {Duration{1'000}, Duration{31'744'000}, "largest QQIC, RFC 3376 §4.1.7"}},
      {"last-member-query-interval",
       {Duration{100}, Duration{25'500}, "sent as a Max Resp Code in 1/10 s, RFC 3376 §8.8"}},
      {"startup-query-interval", {Duration{100}, Duration{31'744'000}, "at most the largest Query Interval"}},
      {"unsolicited-report-interval", {Duration{100}, Duration{25'500}, "RFC 3376 §8.11 default 1 s"}},
  };
  return kRanges;
}

const std::map<std::string, CountRange, std::less<>>& count_ranges() {
  static const std::map<std::string, CountRange, std::less<>> kRanges{
      {"robustness", {1, 7, "QRV is 3 bits and must not be 0, RFC 3376 §4.1.6"}},
      {"last-member-query-count", {1, 255, ""}},
      {"startup-query-count", {1, 255, ""}},
      {"threshold", {1, 255, "an IP TTL"}},
      {"max-groups", {1, 65535, ""}},
      {"max-sources", {1, 65535, ""}},
      {"max-groups-per-host", {1, 65535, ""}},
      {"host-report-rate", {0, kMaxHostReportRate, "reports a second; 0 = unlimited"}},
      {"instance max-groups", {1, kMaxInstanceMaxGroups, ""}},
  };
  return kRanges;
}

// The range of a known option name (a programming error otherwise, as with at()).
template <class Range>
const Range& range_of(const std::map<std::string, Range, std::less<>>& ranges, std::string_view name) {
  const auto it = ranges.find(name);
  if (it == ranges.end()) throw std::out_of_range("no range for " + std::string(name));
  return it->second;
}

bool is_multicast(const Address& a) { return a.is_v4() ? a.to_v4().is_multicast() : a.to_v6().is_multicast(); }

// Whether [first, last] contains at least one multicast address.
bool range_has_multicast(const AddressRange& r) {
  if (r.first.is_v4() != r.last.is_v4()) return false;
  if (r.first.is_v4()) {
    const std::uint32_t lo = r.first.to_v4().to_uint();
    const std::uint32_t hi = r.last.to_v4().to_uint();
    return lo <= 0xefffffffu && hi >= 0xe0000000u;  // 224.0.0.0/4
  }
  // ff00::/8 is the top of the IPv6 space: the range reaches it iff its end does.
  return r.last.to_v6().to_bytes()[0] == 0xff;
}

const char* family_name(bool v4) { return v4 ? "IPv4" : "IPv6"; }

class Checker {
 public:
  explicit Checker(const Configuration& config)
      : config_(config), v4_(family_of(config.protocol) == Family::V4), protocol_(config.protocol) {}

  std::vector<Diagnostic> run() {
    // A named table is checked against the family of each instance that
    // binds it (the file's protocol if none does).
    std::map<std::string, std::set<Protocol>> users;
    for (const InstanceConfig& instance : config_.instances)
      for (const auto* list : {&instance.upstreams, &instance.downstreams})
        for (const InterfaceConfig& i : *list)
          for (const auto* filter : {&i.filter_in, &i.filter_out})
            if (*filter && !(*filter)->table.name.empty())
              users[(*filter)->table.name].insert(config_.protocol_of(instance));
    for (const auto& [name, table] : config_.tables) {
      auto it = users.find(name);
      if (it == users.end()) {
        check_table(table);
        continue;
      }
      for (Protocol p : it->second) {
        with_protocol(p);
        check_table(table);
      }
    }
    with_protocol(config_.protocol);
    check_instances();
    sort_and_unique(diagnostics_);
    return std::move(diagnostics_);
  }

 private:
  void error(const SourceLocation& where, std::string message) { diagnostics_.push_back({where, std::move(message)}); }

  void with_protocol(Protocol p) {
    protocol_ = p;
    v4_ = family_of(p) == Family::V4;
  }

  std::string protocol() const { return std::string(to_string(protocol_)) + " (" + family_name(v4_) + ")"; }

  bool check_family(const Address& a, const SourceLocation& where) {
    if (a.is_v4() == v4_) return true;
    error(where, std::string(family_name(a.is_v4())) + " address " + a.to_string() + " under protocol " + protocol());
    return false;
  }

  void check_table(const Table& table) {
    for (const Rule& rule : table.rules) {
      // `*` suits either family: a binding gives it the instance's.
      auto star = [](const AddressRange& r) { return r == AddressRange::any(Family::V4) || r == AddressRange::any(Family::V6); };
      const bool group_ok = star(rule.group) || (check_family(rule.group.first, rule.group_where) &&
                                                 check_family(rule.group.last, rule.group_where));
      if (!star(rule.source))
        check_family(rule.source.first, rule.source_where) && check_family(rule.source.last, rule.source_where);
      if (group_ok && !rule.group.empty() && !range_has_multicast(rule.group)) {
        if (rule.group.first == rule.group.last) {
          error(rule.group_where, "group " + rule.group.first.to_string() + " is not a multicast address");
        } else {
          error(rule.group_where, "group range " + rule.group.first.to_string() + " - " +
                                      rule.group.last.to_string() + " contains no multicast address");
        }
      }
    }
  }

  static SourceLocation where_of(const std::map<std::string, SourceLocation>& option_where, std::string_view name,
                                 const SourceLocation& fallback) {
    auto it = option_where.find(std::string(name));
    return it == option_where.end() ? fallback : it->second;
  }

  void check_timer_ranges(const TimerOptions& t, const std::map<std::string, SourceLocation>& option_where,
                          const SourceLocation& fallback) {
    auto duration = [&](std::string_view name, const std::optional<Duration>& value, const DurationRange& range) {
      if (value && (*value < range.min || *value > range.max)) {
        error(where_of(option_where, name, fallback),
              std::string(name) + " " + format_duration(*value) + " is out of range " + format_duration(range.min) + ".." +
                  format_duration(range.max) + (*range.why ? std::string(" (") + range.why + ")" : ""));
      }
    };
    auto count = [&](std::string_view name, const std::optional<unsigned>& value) {
      if (!value) return;
      const CountRange& range = range_of(count_ranges(), name);
      if (*value < range.min || *value > range.max) {
        error(where_of(option_where, name, fallback),
              std::string(name) + " " + std::to_string(*value) + " is out of range " + std::to_string(range.min) + ".." +
                  std::to_string(range.max) + (*range.why ? std::string(" (") + range.why + ")" : ""));
      }
    };
    const auto& d = duration_ranges();
    duration("query-interval", t.query_interval, range_of(d, "query-interval"));
    duration("query-response-interval", t.query_response_interval, query_response_range(protocol_));
    duration("last-member-query-interval", t.last_member_query_interval, range_of(d, "last-member-query-interval"));
    duration("startup-query-interval", t.startup_query_interval, range_of(d, "startup-query-interval"));
    duration("unsolicited-report-interval", t.unsolicited_report_interval, range_of(d, "unsolicited-report-interval"));
    count("robustness", t.robustness);
    count("last-member-query-count", t.last_member_query_count);
    count("startup-query-count", t.startup_query_count);
  }

  // RFC 3376 §8.3 / RFC 3810 §9.3: the Query Response Interval must be less
  // than the Query Interval.
  void check_response_below_interval(const InstanceConfig& instance, const InterfaceConfig* interface) {
    const Timers t = effective(protocol_, instance.timers, interface ? &interface->timers : nullptr);
    if (t.query_response_interval < t.query_interval) return;
    SourceLocation where = interface ? interface->where : instance.where;
    for (const char* name : {"query-interval", "query-response-interval"}) {
      if (instance.option_where.count(name)) where = instance.option_where.at(name);
    }
    if (interface) {
      for (const char* name : {"query-interval", "query-response-interval"}) {
        if (interface->option_where.count(name)) where = interface->option_where.at(name);
      }
    }
    error(where, "query-response-interval " + format_duration(t.query_response_interval) +
                     " must be less than query-interval " + format_duration(t.query_interval) +
                     (interface ? " on '" + interface->name + "'" : " of instance '" + instance.name + "'") +
                     " (RFC 3376 §8.3)");
  }

  void check_instance_limits(const InstanceConfig& instance) {
    auto count = [&](std::string_view name, std::string_view range_name, const std::optional<unsigned>& value) {
      if (!value) return;
      const CountRange& range = range_of(count_ranges(), range_name);
      if (*value < range.min || *value > range.max) {
        error(where_of(instance.option_where, name, instance.where),
              std::string(name) + " " + std::to_string(*value) + " is out of range " + std::to_string(range.min) + ".." +
                  std::to_string(range.max));
      }
    };
    count("max-groups", "instance max-groups", instance.max_groups);
    count("max-sources", "max-sources", instance.max_sources);
    count("max-groups-per-host", "max-groups-per-host", instance.max_groups_per_host);
    count("host-report-rate", "host-report-rate", instance.host_report_rate);
  }

  void check_interface_options(const InterfaceConfig& i) {
    check_timer_ranges(i.timers, i.option_where, i.where);
    auto count = [&](std::string_view name, const std::optional<unsigned>& value) {
      if (!value) return;
      const CountRange& range = range_of(count_ranges(), name);
      if (*value < range.min || *value > range.max) {
        error(where_of(i.option_where, name, i.where),
              std::string(name) + " " + std::to_string(*value) + " is out of range " + std::to_string(range.min) + ".." +
                  std::to_string(range.max));
      }
    };
    count("threshold", i.threshold);
    // Linux's ip6mr forwards out of every output of an entry any packet whose
    // hop limit is above 1 (ip6mr_mfc_add gives each output threshold 1, and a
    // MIF's own threshold is never consulted): a higher one would be ignored.
    if (i.threshold && *i.threshold > 1 && !v4_) {
      error(where_of(i.option_where, "threshold", i.where),
            "threshold " + std::to_string(*i.threshold) + " needs IGMP: under " + to_string(protocol_) +
                " the kernel (ip6mr) forwards every hop limit above 1 and has no per-interface threshold");
    }
    count("max-groups", i.max_groups);
    count("max-sources", i.max_sources);
    count("max-groups-per-host", i.max_groups_per_host);
    count("host-report-rate", i.host_report_rate);
    for (const Prefix& p : i.alternative_subnets) {
      check_family(p.network, where_of(i.option_where, "alternative-subnets", i.where));
    }
    const SourceLocation source_at = where_of(i.option_where, "query-source", i.where);
    if (i.query_source && check_family(*i.query_source, source_at)) {
      // RFC 3810 §5: MLD messages are sent from a link-local address. IPv4
      // queries may come from 0.0.0.0, as the Linux bridge querier sends them.
      if (i.query_source->is_multicast()) {
        error(source_at, "query-source " + i.query_source->to_string() + " is a multicast address");
      } else if (i.query_source->is_v6() && !i.query_source->to_v6().is_link_local()) {
        error(source_at, "query-source " + i.query_source->to_string() +
                             " is not a link-local address (RFC 3810 §5: MLD is sent from fe80::/10)");
      }
    }
    // RFC 9776 §7.2.1 / §7.3.1: the switch keeps a link on IGMPv3 (MLDv2) for
    // SSM; an older protocol would leave nothing to speak. The protocol is the
    // instance's own (`pinstance NAME protocol P;`), set by with_protocol().
    if (i.compatibility_mode && !*i.compatibility_mode && protocol_ != Protocol::IGMPv3 &&
        protocol_ != Protocol::MLDv2) {
      error(where_of(i.option_where, "compatibility-mode", i.where),
            std::string("'compatibility-mode off' needs protocol IGMPv3 or MLDv2, not ") + to_string(protocol_));
    }
    for (const auto* filter : {&i.filter_in, &i.filter_out}) {
      if (*filter && (*filter)->table.name.empty()) check_table((*filter)->table);
    }
  }

  void check_instances() {
    std::map<std::string, const InstanceConfig*> by_name;
    // Tables and interfaces are per family: ipmr and ip6mr have their own
    // tables, and an interface may serve one IGMP and one MLD instance.
    std::map<std::pair<bool, std::uint32_t>, const InstanceConfig*> by_table;
    std::map<std::pair<bool, std::string>, std::pair<const InstanceConfig*, const InterfaceConfig*>> owner;
    for (const InstanceConfig& instance : config_.instances) {
      with_protocol(config_.protocol_of(instance));
      if (auto [it, inserted] = by_name.emplace(instance.name, &instance); !inserted) {
        error(instance.where, "duplicate instance '" + instance.name + "' (first defined at " +
                                  to_string(it->second->where) + ")");
        continue;
      }
      if (instance.table) {
        const SourceLocation where = where_of(instance.option_where, "table", instance.where);
        if (*instance.table == 0)
          error(where, "multicast routing table 0 is out of range 1..4294967295 (0 is the kernel's "
                       "'unspecified'; leave the number out to have one assigned)");
        if (auto [it, inserted] = by_table.emplace(std::make_pair(v4_, *instance.table), &instance); !inserted) {
          error(where, "instance '" + instance.name + "' uses multicast routing table " +
                           std::to_string(*instance.table) + " of instance '" + it->second->name + "'");
        }
      }
      // Interfaces: each once per instance, in one instance only, at most MAXVIFS.
      std::map<std::string, const InterfaceConfig*> mine;
      for (const auto* list : {&instance.upstreams, &instance.downstreams}) {
        for (const InterfaceConfig& i : *list) {
          if (auto [it, inserted] = mine.emplace(i.name, &i); !inserted) {
            if (it->second->role != i.role) {
              error(i.where, "interface '" + i.name + "' is both upstream and downstream of instance '" +
                                 instance.name + "': one kernel VIF is either the input or an output of a "
                                 "route; list it once, as an upstream (what the original's peering interface "
                                 "did, see doc/configuration.md)");
            } else {
              error(i.where, "interface '" + i.name + "' is listed twice in instance '" + instance.name + "'");
            }
            continue;
          }
          if (auto [it, inserted] = owner.emplace(std::make_pair(v4_, i.name), std::make_pair(&instance, &i));
              !inserted) {
            const InterfaceConfig& first = *it->second.second;
            if (first.role != i.role) {
              error(i.where, "interface '" + i.name + "' is " + (i.role == Role::Upstream ? "upstream" : "downstream") +
                                 " of instance '" + instance.name + "' and " +
                                 (first.role == Role::Upstream ? "upstream" : "downstream") + " of instance '" +
                                 it->second.first->name + "' (at " + to_string(first.where) +
                                 "): the kernel hands the packets of one interface to one multicast routing "
                                 "table and one instance; put both roles' interfaces into one instance, or "
                                 "connect the two instances through a veth pair (see doc/configuration.md)");
            } else {
              error(i.where, "interface '" + i.name + "' is already used by instance '" + it->second.first->name +
                                 "' (at " + to_string(first.where) + ")");
            }
          }
        }
      }
      for (const InterfaceConfig& i : instance.upstreams) {
        if (is_interface_pattern(i.name))
          error(i.where, "interface pattern '" + i.name + "' in instance '" + instance.name +
                             "': patterns are for downstream interfaces only");
      }
      if (mine.size() > kMaxVifs) {
        error(instance.where, "instance '" + instance.name + "' has " + std::to_string(mine.size()) +
                                  " interfaces; the kernel allows " + std::to_string(kMaxVifs) +
                                  " per multicast routing table (MAXVIFS)");
      }
      check_timer_ranges(instance.timers, instance.option_where, instance.where);
      check_instance_limits(instance);
      check_response_below_interval(instance, nullptr);
      if (instance.source_idle_timeout < kMinSourceIdleTimeout || instance.source_idle_timeout > kMaxSourceIdleTimeout) {
        // Below 5 s a source with a short pause (a bursty sender, a lost
        // packet or two) would lose its entry and come back by upcall.
        error(where_of(instance.option_where, "source-idle-timeout", instance.where),
              "source-idle-timeout " + format_duration(instance.source_idle_timeout) + " is out of range " +
                  format_duration(kMinSourceIdleTimeout) + ".." + format_duration(kMaxSourceIdleTimeout));
      }
      for (const InterfaceConfig& i : instance.upstreams) check_interface_options(i);
      for (const InterfaceConfig& i : instance.downstreams) {
        check_interface_options(i);
        // Without an override of its own the interface has the instance's values.
        if (i.timers.query_interval || i.timers.query_response_interval) check_response_below_interval(instance, &i);
      }
      check_static_routes(instance);
    }
    // A pattern that matches another instance's interface would take it too.
    // (Per family: an IGMP and an MLD instance may share interfaces.)
    for (const auto& [pattern_key, where] : owner) {
      const std::string& pattern = pattern_key.second;
      if (!is_interface_pattern(pattern)) continue;
      for (const auto& [name_key, other] : owner) {
        const std::string& name = name_key.second;
        if (name_key.first != pattern_key.first || is_interface_pattern(name) || other.first == where.first ||
            !interface_pattern_matches(pattern, name))
          continue;
        error(where.second->where, "interface pattern '" + pattern + "' of instance '" + where.first->name +
                                       "' matches interface '" + name + "' of instance '" + other.first->name + "'");
      }
    }
  }

  void check_static_routes(const InstanceConfig& instance) {
    for (const StaticRoute& route : instance.static_routes) {
      if (check_family(route.group, route.where) && !is_multicast(route.group)) {
        error(route.where, "group " + route.group.to_string() + " is not a multicast address");
      }
      if (!route.source.is_unspecified() && check_family(route.source, route.where) && is_multicast(route.source)) {
        error(route.where, "source " + route.source.to_string() + " is a multicast address");
      }
      for (std::size_t k = 0; k < route.downstreams.size(); ++k) {
        const std::string& name = route.downstreams[k];
        const SourceLocation& where = k < route.downstreams_where.size() ? route.downstreams_where[k] : route.where;
        const InterfaceConfig* i = instance.find_interface(name);
        if (!i || i->role != Role::Downstream) {
          error(where, "static forwarding to '" + name + "', which is not a downstream of instance '" +
                           instance.name + "'");
        }
      }
    }
  }

  const Configuration& config_;
  bool v4_;             // the family being checked: the instance's, or the file's
  Protocol protocol_;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace

std::string format_duration(Duration d) {
  const long long ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  if (ms < 1000) return std::to_string(ms) + "ms";
  std::string fraction = std::to_string(ms % 1000);
  fraction.insert(0, 3 - fraction.size(), '0');
  while (fraction.back() == '0') fraction.pop_back();
  return std::to_string(ms / 1000) + "." + fraction + "s";
}

std::vector<Diagnostic> check(const Configuration& config) { return Checker(config).run(); }

}  // namespace mcproxy::config
