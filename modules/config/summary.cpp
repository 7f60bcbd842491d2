// Rendering of summarize(): plain text, one fact per line, indented by level.
#include "modules/config/summary.hpp"

#include "modules/config/checker.hpp"

#include <optional>
#include <sstream>
#include <vector>

namespace mcproxy::config {
namespace {

// The bits of an address, most significant first.
std::vector<bool> bits_of(const Address& a) {
  std::vector<bool> bits;
  auto push = [&](unsigned char byte) {
    for (int i = 7; i >= 0; --i) bits.push_back(((byte >> i) & 1) != 0);
  };
  if (a.is_v4()) {
    for (auto b : a.to_v4().to_bytes()) push(b);
  } else {
    for (auto b : a.to_v6().to_bytes()) push(b);
  }
  return bits;
}

// N if [first, last] is exactly the prefix first/N.
std::optional<unsigned> prefix_length(const AddressRange& r) {
  if (r.first.is_v4() != r.last.is_v4()) return std::nullopt;
  const auto lo = bits_of(r.first);
  const auto hi = bits_of(r.last);
  std::size_t n = 0;
  while (n < lo.size() && lo[n] == hi[n]) ++n;
  for (std::size_t i = n; i < lo.size(); ++i) {
    if (lo[i] || !hi[i]) return std::nullopt;
  }
  return static_cast<unsigned>(n);
}

std::string range_text(const AddressRange& r) {
  if (r == AddressRange::any(r.first.is_v4() ? Family::V4 : Family::V6)) return "*";
  if (r.empty()) return "(no multicast group)";
  if (r.first == r.last) return r.first.to_string();
  if (auto n = prefix_length(r)) return r.first.to_string() + "/" + std::to_string(*n);
  return r.first.to_string() + " - " + r.last.to_string();
}

std::string rate_text(unsigned per_second) {
  return per_second == 0 ? std::string("unlimited") : std::to_string(per_second) + "/s";
}

std::string matching_text(const RuleMatching& m) {
  switch (m.kind) {
    case RuleMatching::Kind::All: return "all";
    case RuleMatching::Kind::First: return "first";
    case RuleMatching::Kind::Mutex: return "mutex " + format_duration(m.mutex_timeout);
  }
  return "?";
}

void timers_text(std::ostream& out, const Timers& t, const char* indent) {
  out << indent << "query-interval " << format_duration(t.query_interval) << ", query-response-interval "
      << format_duration(t.query_response_interval) << ", robustness " << t.robustness << "\n";
  out << indent << "last-member-query-interval " << format_duration(t.last_member_query_interval)
      << ", last-member-query-count " << t.last_member_query_count << "\n";
  out << indent << "startup-query-interval " << format_duration(t.startup_query_interval)
      << ", startup-query-count " << t.startup_query_count << ", unsolicited-report-interval "
      << format_duration(t.unsolicited_report_interval) << "\n";
  out << indent << "group membership interval " << format_duration(t.group_membership_interval())
      << ", other querier present interval " << format_duration(t.other_querier_present_interval()) << "\n";
}

void filter_text(std::ostream& out, const char* direction, const std::optional<FilterBinding>& f) {
  if (!f) return;
  out << "        " << direction << " " << (f->kind == FilterKind::Whitelist ? "whitelist" : "blacklist") << " "
      << (f->table.name.empty() ? std::string("{anonymous}") : "table " + f->table.name) << " ("
      << f->table.rules.size() << (f->table.rules.size() == 1 ? " rule" : " rules") << ")\n";
}

void interface_text(std::ostream& out, Protocol protocol, const InstanceConfig& instance, const InterfaceConfig& i,
                    int priority) {
  out << "      " << i.name;
  if (priority > 0) out << " (priority " << priority << ")";
  if (is_interface_pattern(i.name)) out << " (pattern: matching interfaces are taken as they appear)";
  out << "\n";
  const bool has_timers = i.timers.query_interval || i.timers.query_response_interval || i.timers.robustness ||
                          i.timers.last_member_query_interval || i.timers.last_member_query_count ||
                          i.timers.startup_query_interval || i.timers.startup_query_count ||
                          i.timers.unsolicited_report_interval;
  if (has_timers) {
    out << "        timers overridden:\n";
    timers_text(out, effective(protocol, instance.timers, &i.timers), "          ");
  }
  if (i.quick_leave) out << "        quick-leave " << (*i.quick_leave ? "on" : "off") << "\n";
  if (!i.alternative_subnets.empty()) {
    out << "        alternative-subnets";
    for (const Prefix& p : i.alternative_subnets) out << " " << p.network.to_string() << "/" << p.length;
    out << "\n";
  }
  if (i.threshold) out << "        threshold (minimal TTL) " << *i.threshold << "\n";
  if (i.max_groups) out << "        max-groups " << *i.max_groups << "\n";
  if (i.max_sources) out << "        max-sources " << *i.max_sources << "\n";
  if (i.query_source) out << "        query-source " << i.query_source->to_string() << "\n";
  if (i.max_groups_per_host) out << "        max-groups-per-host " << *i.max_groups_per_host << "\n";
  if (i.host_report_rate) out << "        host-report-rate " << rate_text(*i.host_report_rate) << "\n";
  if (i.compatibility_mode && !*i.compatibility_mode) {
    out << "        compatibility-mode off (IGMPv3/MLDv2 only: older-version messages are ignored)\n";
  }
  filter_text(out, "in ", i.filter_in);
  filter_text(out, "out", i.filter_out);
}

}  // namespace

std::string summarize(const Configuration& config) {
  std::ostringstream out;
  out << "configuration " << (config.file.empty() ? std::string("(text)") : config.file) << "\n";
  if (config.disabled) out << "  DISABLED by 'disable;' at line " << config.disabled_where.line << ": mcproxy will not start\n";
  out << "  protocol " << to_string(config.protocol) << "\n";
  out << "  " << config.instances.size() << (config.instances.size() == 1 ? " instance" : " instances") << "\n";
  for (const InstanceConfig& instance : config.instances) {
    const Protocol protocol = config.protocol_of(instance);
    out << "  instance " << instance.name << "\n";
    if (instance.protocol) out << "    protocol " << to_string(protocol) << "\n";
    out << "    multicast routing table "
        << (instance.table ? std::to_string(*instance.table) : std::string("assigned automatically")) << "\n";
    out << "    upstreams (priority order):" << (instance.upstreams.empty() ? " none (querier only)" : "") << "\n";
    int priority = 1;
    for (const auto& i : instance.upstreams) interface_text(out, protocol, instance, i, priority++);
    out << "    downstreams:\n";
    for (const auto& i : instance.downstreams) interface_text(out, protocol, instance, i, 0);
    out << "    timers:\n";
    timers_text(out, effective(protocol, instance.timers), "      ");
    out << "    quick-leave " << (instance.quick_leave ? "on" : "off") << "\n";
    out << "    source-idle-timeout " << format_duration(instance.source_idle_timeout) << "\n";
    out << "    limits: max-groups " << instance.max_groups.value_or(kDefaultInstanceMaxGroups)
        << ", max-groups-per-host " << instance.max_groups_per_host.value_or(kDefaultMaxGroupsPerHost)
        << ", max-sources " << instance.max_sources.value_or(kDefaultMaxSources)
        << ", host-report-rate " << rate_text(instance.host_report_rate.value_or(kDefaultHostReportRate)) << "\n";
    out << "    rule matching: upstream out " << matching_text(instance.rule_matching) << ", upstream in "
        << matching_text(instance.upstream_in_rule_matching) << "\n";
    for (const StaticRoute& r : instance.static_routes) {
      out << "    static (" << r.group.to_string() << " | "
          << (r.source.is_unspecified() ? std::string("*") : r.source.to_string()) << ") ==>";
      for (const auto& d : r.downstreams) out << " " << d;
      out << "\n";
    }
  }
  out << "  " << config.tables.size() << (config.tables.size() == 1 ? " table" : " tables") << "\n";
  for (const auto& [name, table] : config.tables) {
    out << "  table " << name << ": " << table.rules.size() << (table.rules.size() == 1 ? " rule" : " rules");
    std::size_t shown = 0;
    for (const Rule& rule : table.rules) {
      if (shown++ == 3) {
        out << " ...";
        break;
      }
      out << (shown == 1 ? ": " : " ") << rule.interface << "(" << range_text(rule.group) << " | "
          << range_text(rule.source) << ")";
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace mcproxy::config
