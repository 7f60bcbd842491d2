// Statement application: from syntax.hpp's statements to config.hpp's model.
#include "modules/config/builder.hpp"

#include <map>
#include <set>
#include <string>

namespace mcproxy::config {
namespace {

using namespace syntax;

// A table whose references expand beyond this is refused (a few tables that
// each reference the next twice grow exponentially).
constexpr std::size_t kMaxRulesPerTable = 100'000;

const char* role_name(Role role) { return role == Role::Upstream ? "upstream" : "downstream"; }

// The querier's timers only make sense towards downstreams (RFC 4605 §2: the
// proxy is a querier on downstream interfaces), the host's report interval only
// towards upstreams (RFC 4605 §2: a host on the upstream interface).
std::string option_misplaced(const std::string& name, const std::optional<Role>& role) {
  const bool downstream_only = name == "query-interval" || name == "query-response-interval" ||
                               name == "last-member-query-interval" || name == "last-member-query-count" ||
                               name == "startup-query-interval" || name == "startup-query-count" ||
                               name == "quick-leave" || name == "max-groups" || name == "max-sources" ||
                               name == "max-groups-per-host" || name == "query-source" ||
                               name == "host-report-rate";
  const bool upstream_only = name == "unsolicited-report-interval";
  // `pinstance NAME max-groups N` is the instance's own limit; max-sources and
  // max-groups-per-host and host-report-rate there are the defaults of its downstreams.
  const bool interface_only = name == "alternative-subnets" || name == "threshold" || name == "query-source" ||
                              name == "compatibility-mode";
  if (role && name == "source-idle-timeout") {
    return "'source-idle-timeout' is an instance option: write 'pinstance NAME source-idle-timeout DURATION'";
  }
  if (!role) {
    if (interface_only) {
      return "'" + name + "' is an interface option: write 'pinstance NAME upstream|downstream IF " + name + " ...'";
    }
    return "";
  }
  if (*role == Role::Upstream && downstream_only) return "'" + name + "' applies to downstream interfaces only";
  if (*role == Role::Downstream && upstream_only) return "'" + name + "' applies to upstream interfaces only";
  return "";
}

class Builder {
 public:
  explicit Builder(Configuration& config) : config_(config) {}

  std::vector<Diagnostic> run(std::vector<Statement> statements) {
    for (auto& s : statements) {
      if (auto* d = std::get_if<DisableStatement>(&s)) apply(*d);
      if (auto* p = std::get_if<ProtocolStatement>(&s)) apply(*p);
    }
    for (auto& s : statements) {
      if (auto* t = std::get_if<TableStatement>(&s)) collect(*t);
    }
    for (const auto& [name, table] : raw_tables_) resolve_named(name, nullptr);
    for (auto& s : statements) {
      if (auto* i = std::get_if<InstanceStatement>(&s)) apply(*i);
    }
    // An instance's protocol decides the family of its filters' `*`: it is
    // known before anything binds to the instance.
    for (auto& s : statements) {
      if (auto* o = std::get_if<OptionStatement>(&s)) apply_protocol(*o);
    }
    for (auto& s : statements) {
      if (auto* f = std::get_if<FilterStatement>(&s)) apply(*f);
      if (auto* r = std::get_if<RuleMatchingStatement>(&s)) apply(*r);
      if (auto* o = std::get_if<OptionStatement>(&s)) apply(*o);
      if (auto* st = std::get_if<StaticStatement>(&s)) apply(*st);
    }
    return std::move(diagnostics_);
  }

 private:
  void error(const SourceLocation& where, std::string message) { diagnostics_.push_back({where, std::move(message)}); }

  // Records that `key` was set at `where` in this batch; false (and an error)
  // if it already was.
  bool first_in_batch(const std::string& key, const SourceLocation& where, const std::string& what) {
    auto [it, inserted] = set_in_batch_.emplace(key, where);
    if (!inserted) error(where, what + " is already set at " + to_string(it->second));
    return inserted;
  }

  void apply(const DisableStatement& s) {
    // mcproxy refuses to start while a `disable;` is in its file; the file is
    // still checked completely.
    config_.disabled = true;
    config_.disabled_where = s.where;
  }

  void apply(const ProtocolStatement& s) {
    if (!first_in_batch("protocol", s.where, "the protocol")) return;
    config_.protocol = s.protocol;
    config_.protocol_where = s.where;
  }

  void collect(TableStatement& s) {
    const std::string& name = s.table.name;
    if (auto it = raw_tables_.find(name); it != raw_tables_.end()) {
      error(s.table.where, "duplicate table '" + name + "' (first defined at " + to_string(it->second->where) + ")");
      return;
    }
    if (auto it = config_.tables.find(name); it != config_.tables.end()) {
      error(s.table.where, "duplicate table '" + name + "' (first defined at " + to_string(it->second.where) + ")");
      return;
    }
    raw_tables_[name] = &s.table;
  }

  AddressRange range_of(const AddressSpec& spec) const {
    if (spec.any) return AddressRange::any(family_of(config_.protocol));
    return AddressRange{spec.first, spec.last};
  }

  // A group range or prefix that reaches beyond the multicast space is
  // clipped to its multicast part with a warning (the original mcproxy
  // warned and went on); one without any multicast address matches no group.
  // A single address is left to the checker (not multicast: an error).
  AddressRange group_range_of(const AddressSpec& spec) {
    AddressRange range = range_of(spec);
    if (spec.any || range.first == range.last || range.first.is_v4() != range.last.is_v4() || range.empty())
      return range;
    const AddressRange part = range.multicast_part();
    if (part == range) return range;
    const std::string written = range.first.to_string() + " - " + range.last.to_string();
    if (part.empty()) {
      warn(spec.where, "group range " + written + " contains no multicast address: the rule matches no group");
    } else {
      warn(spec.where, "group range " + written + " reaches beyond multicast: clipped to " +
                           part.first.to_string() + " - " + part.last.to_string());
    }
    return part;
  }
  void warn(const SourceLocation& where, std::string message) {
    config_.warnings.push_back({where, "warning: " + std::move(message)});
  }

  enum class State { Visiting, Done, Failed };

  // Resolves a table of this batch into config_.tables. `reference` is where
  // it was referenced from (for the cycle message), null at top level.
  bool resolve_named(const std::string& name, const Name* reference) {
    if (auto it = state_.find(name); it != state_.end()) {
      if (it->second == State::Visiting) {
        std::string cycle;
        bool in_cycle = false;
        for (const auto& step : chain_) {
          if (step == name) in_cycle = true;
          if (in_cycle) cycle += step + " -> ";
        }
        error(reference ? reference->where : raw_tables_.at(name)->where,
              "table reference cycle: " + cycle + name);
        for (const auto& step : chain_) state_[step] = State::Failed;
        return false;
      }
      return it->second == State::Done;
    }
    const RawTable& raw = *raw_tables_.at(name);
    state_[name] = State::Visiting;
    chain_.push_back(name);
    auto rules = expand(raw, name);
    chain_.pop_back();
    if (!rules || state_[name] == State::Failed) {
      state_[name] = State::Failed;
      return false;
    }
    state_[name] = State::Done;
    config_.tables[name] = Table{name, std::move(*rules), raw.where};
    return true;
  }

  // The rules of a referenced table, or nullopt if it is unknown or broken.
  std::optional<std::vector<Rule>> referenced_rules(const Name& reference) {
    if (raw_tables_.count(reference.text)) {
      if (!resolve_named(reference.text, &reference)) return std::nullopt;
      return config_.tables.at(reference.text).rules;
    }
    if (auto it = config_.tables.find(reference.text); it != config_.tables.end()) return it->second.rules;
    error(reference.where, "unknown table '" + reference.text + "'");
    return std::nullopt;
  }

  // The rules of `raw` with nested tables and references expanded in place.
  std::optional<std::vector<Rule>> expand(const RawTable& raw, const std::string& context) {
    std::vector<Rule> out;
    bool ok = true;
    for (const RawRule& r : raw.rules) {
      if (!r.table_reference && r.nested.empty()) {
        out.push_back(Rule{r.interface, group_range_of(r.group), range_of(r.source), r.where, r.group.where,
                           r.source.where});
      } else {
        auto inner = r.table_reference ? referenced_rules(*r.table_reference) : expand(r.nested.front(), context);
        if (!inner) {
          ok = false;
          continue;
        }
        // `IF(table T)`: T's rules, restricted to interface IF.
        for (Rule& rule : *inner) {
          if (!r.interface.empty()) {
            if (!rule.interface.empty() && rule.interface != r.interface) continue;
            rule.interface = r.interface;
          }
          out.push_back(std::move(rule));
        }
      }
      if (out.size() > kMaxRulesPerTable) {
        error(raw.where, "table " + (context.empty() ? std::string("{...}") : "'" + context + "'") +
                             " expands to more than " + std::to_string(kMaxRulesPerTable) + " rules");
        return std::nullopt;
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }

  void apply(const InstanceStatement& s) {
    if (const InstanceConfig* existing = config_.find_instance(s.name.text)) {
      error(s.name.where,
            "duplicate instance '" + s.name.text + "' (first defined at " + to_string(existing->where) + ")");
      return;
    }
    InstanceConfig instance;
    instance.name = s.name.text;
    instance.where = s.name.where;
    instance.table = s.table;
    if (s.table) instance.option_where["table"] = s.table_where;
    add_interfaces(s.upstreams, Role::Upstream, instance.upstreams);
    add_interfaces(s.downstreams, Role::Downstream, instance.downstreams);
    config_.instances.push_back(std::move(instance));
  }

  static void add_interfaces(const std::vector<Name>& names, Role role, std::vector<InterfaceConfig>& into) {
    for (const Name& n : names) {
      InterfaceConfig i;
      i.name = n.text;
      i.role = role;
      i.where = n.where;
      into.push_back(std::move(i));
    }
  }

  InstanceConfig* instance_named(const Name& name) {
    InstanceConfig* instance = config_.find_instance(name.text);
    if (!instance) error(name.where, "unknown instance '" + name.text + "'");
    return instance;
  }

  InterfaceConfig* interface_named(InstanceConfig& instance, Role role, const Name& name) {
    auto& list = role == Role::Upstream ? instance.upstreams : instance.downstreams;
    for (auto& i : list) {
      if (i.name == name.text) return &i;
    }
    error(name.where, "instance '" + instance.name + "' has no " + role_name(role) + " interface '" + name.text + "'");
    return nullptr;
  }

  void apply(const FilterStatement& s) {
    InstanceConfig* instance = instance_named(s.instance);
    if (!instance) return;
    if (s.interface.text == "*") {
      error(s.interface.where, "a filter needs an interface name, not '*'");
      return;
    }
    InterfaceConfig* interface = interface_named(*instance, s.role, s.interface);
    if (!interface) return;
    FilterBinding binding;
    binding.kind = s.kind;
    binding.where = s.kind_where;
    if (s.table_reference) {
      auto rules = referenced_rules(*s.table_reference);
      if (!rules) return;
      binding.table = Table{s.table_reference->text, std::move(*rules), config_.tables.at(s.table_reference->text).where};
    } else {
      auto rules = expand(s.anonymous.front(), "");
      if (!rules) return;
      binding.table = Table{"", std::move(*rules), s.anonymous.front().where};
    }
    const bool in = s.direction == Direction::In;
    const std::string key = "filter/" + instance->name + "/" + role_name(s.role) + "/" + interface->name + (in ? "/in" : "/out");
    if (!first_in_batch(key, s.kind_where,
                        std::string("the ") + (in ? "input" : "output") + " filter of '" + interface->name + "'")) {
      return;
    }
    refamily(binding.table, *instance);
    (in ? interface->filter_in : interface->filter_out) = std::move(binding);
  }

  void apply(const RuleMatchingStatement& s) {
    InstanceConfig* instance = instance_named(s.instance);
    if (!instance) return;
    if (s.role && *s.role == Role::Downstream) {
      error(s.kind_where, "rule matching applies to upstream interfaces only ('pinstance NAME upstream * in|out rulematching ...')");
      return;
    }
    using Kind = RuleMatching::Kind;
    bool in = s.matching.kind == Kind::Mutex;  // short form: mutex is about subscribing (in)
    if (s.direction) {
      in = *s.direction == Direction::In;
      if (in && s.matching.kind == Kind::All) {
        error(s.kind_where, "'upstream * in' takes 'first' or 'mutex MS', not 'all'");
        return;
      }
      if (!in && s.matching.kind == Kind::Mutex) {
        error(s.kind_where, "'upstream * out' takes 'all' or 'first', not 'mutex'");
        return;
      }
    }
    if (s.matching.kind == Kind::Mutex && s.matching.mutex_timeout <= Duration{0}) {
      error(s.kind_where, "the mutex timeout must be at least 1ms");
      return;
    }
    const std::string key = in ? "rulematching-in" : "rulematching-out";
    if (!first_in_batch("rm/" + instance->name + "/" + key, s.kind_where,
                        std::string("rule matching for upstream ") + (in ? "in" : "out"))) {
      return;
    }
    (in ? instance->upstream_in_rule_matching : instance->rule_matching) = s.matching;
    instance->option_where[key] = s.kind_where;
  }

  void apply_protocol(const OptionStatement& s) {
    for (const Option& option : s.options) {
      if (option.name != "protocol") continue;
      InstanceConfig* instance = instance_named(s.instance);
      if (!instance) return;
      if (s.role) {
        error(option.where, "'protocol' is an instance option: write 'pinstance NAME protocol ...'");
        continue;
      }
      if (!first_in_batch("option/" + instance->name + "//protocol", option.where,
                          "'protocol' of instance '" + instance->name + "'"))
        continue;
      instance->protocol = std::get<Protocol>(option.value);
      instance->option_where["protocol"] = option.where;
    }
  }

  // `*` in a rule was read as the file's family; an instance of the other
  // family means its own.
  void refamily(Table& table, const InstanceConfig& instance) const {
    const Family global = family_of(config_.protocol);
    const Family mine = family_of(config_.protocol_of(instance));
    if (global == mine) return;
    for (Rule& r : table.rules) {
      if (r.group == AddressRange::any(global)) r.group = AddressRange::any(mine);
      if (r.source == AddressRange::any(global)) r.source = AddressRange::any(mine);
    }
  }

  void apply(const OptionStatement& s) {
    InstanceConfig* instance = instance_named(s.instance);
    if (!instance) return;
    InterfaceConfig* interface = nullptr;
    if (s.role) {
      interface = interface_named(*instance, *s.role, s.interface);
      if (!interface) return;
    }
    const std::string owner = interface ? "'" + interface->name + "'" : "instance '" + instance->name + "'";
    for (const Option& option : s.options) {
      if (option.name == "protocol") continue;  // apply_protocol()
      if (auto message = option_misplaced(option.name, s.role); !message.empty()) {
        error(option.where, message);
        continue;
      }
      const std::string key = "option/" + instance->name + "/" + (interface ? interface->name : "") + "/" + option.name;
      if (!first_in_batch(key, option.where, "'" + option.name + "' of " + owner)) continue;
      TimerOptions& timers = interface ? interface->timers : instance->timers;
      const auto* d = std::get_if<Duration>(&option.value);
      const auto* n = std::get_if<unsigned>(&option.value);
      const std::string& name = option.name;
      if (name == "query-interval") timers.query_interval = *d;
      if (name == "query-response-interval") timers.query_response_interval = *d;
      if (name == "robustness") timers.robustness = *n;
      if (name == "last-member-query-interval") timers.last_member_query_interval = *d;
      if (name == "last-member-query-count") timers.last_member_query_count = *n;
      if (name == "startup-query-interval") timers.startup_query_interval = *d;
      if (name == "startup-query-count") timers.startup_query_count = *n;
      if (name == "unsolicited-report-interval") timers.unsolicited_report_interval = *d;
      if (name == "quick-leave") {
        if (interface) {
          interface->quick_leave = std::get<bool>(option.value);
        } else {
          instance->quick_leave = std::get<bool>(option.value);
        }
      }
      if (name == "alternative-subnets") interface->alternative_subnets = std::get<std::vector<Prefix>>(option.value);
      if (name == "threshold") interface->threshold = *n;
      if (name == "max-groups") (interface ? interface->max_groups : instance->max_groups) = *n;
      if (name == "max-sources") (interface ? interface->max_sources : instance->max_sources) = *n;
      if (name == "max-groups-per-host")
        (interface ? interface->max_groups_per_host : instance->max_groups_per_host) = *n;
      if (name == "host-report-rate") (interface ? interface->host_report_rate : instance->host_report_rate) = *n;
      if (name == "query-source") interface->query_source = std::get<Address>(option.value);
      if (name == "source-idle-timeout") instance->source_idle_timeout = *d;
      if (name == "compatibility-mode") interface->compatibility_mode = std::get<bool>(option.value);
      (interface ? interface->option_where : instance->option_where)[name] = option.where;
    }
  }

  void apply(const StaticStatement& s) {
    InstanceConfig* instance = instance_named(s.instance);
    if (!instance) return;
    StaticRoute route;
    route.group = s.group.first;
    route.source = s.source.any ? unspecified(mcproxy::family_of(s.group.first)) : s.source.first;
    route.where = s.where;
    for (const Name& n : s.downstreams) {
      route.downstreams.push_back(n.text);
      route.downstreams_where.push_back(n.where);
    }
    // The same (source, group) twice would be two kernel routes for one key.
    for (const StaticRoute& existing : instance->static_routes) {
      if (existing.group == route.group && existing.source == route.source) {
        error(s.where, "duplicate static forwarding entry (first at " + to_string(existing.where) + ")");
        return;
      }
    }
    instance->static_routes.push_back(std::move(route));
  }

  Configuration& config_;
  std::vector<Diagnostic> diagnostics_;
  std::map<std::string, SourceLocation> set_in_batch_;
  std::map<std::string, const RawTable*> raw_tables_;
  std::map<std::string, State> state_;
  std::vector<std::string> chain_;
};

}  // namespace

std::vector<Diagnostic> apply_statements(std::vector<Statement> statements, Configuration& config) {
  Builder builder(config);
  return builder.run(std::move(statements));
}

}  // namespace mcproxy::config
