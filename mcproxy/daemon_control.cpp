// The daemon's answers to control requests (doc/control-protocol.md): status
// gathered from the instance threads, and changes validated as a whole
// configuration before anything is applied. Runs on the main thread.
#include "mcproxy/ask_each.hpp"
#include "mcproxy/interface_metrics.hpp"
#include "mcproxy/control/prometheus.hpp"
#include "mcproxy/control/responses.hpp"
#include "mcproxy/control/server_metrics.hpp"
#include "modules/config/checker.hpp"
#include "modules/config/load.hpp"
#include "mcproxy/daemon.hpp"

#include <log4cplus/loggingmacros.h>

#include <future>
#include <map>
#include <utility>

namespace mcproxy {

namespace {

using nlohmann::json;
using instances::ProxyInstance;
constexpr auto kAskTimeout = std::chrono::seconds(3);

json names(const std::vector<config::InterfaceConfig>& ifs) {
  json a = json::array();
  for (const auto& i : ifs) a.push_back(i.name);
  return a;
}

json addresses(const std::set<Address>& s) {
  json a = json::array();
  for (const auto& x : s) a.push_back(x.to_string());
  return a;
}

json membership_json(const instances::Membership& m) {
  json sources = json::array();
  for (const auto& s : m.sources) sources.push_back(json{{"address", s.to_string()}});
  return json{{"filter_mode", m.mode == instances::FilterMode::Include ? "INCLUDE" : "EXCLUDE"}, {"sources", sources}};
}

template <class Map>
json counters_json(const Map& m) {
  json o = json::object();
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

using Query = InstanceQuery<ProxyInstance>;

// The instance's interfaces with the kernel's VIF counters (show interfaces).
json interfaces_json(ProxyInstance& i, const CounterReply& counters) {
  json list = json::array();
  for (const auto& [name, link] : i.links()) {
    const auto* ifc = i.core().config().find_interface(name);
    const bool upstream = ifc && ifc->role == config::Role::Upstream;
    json e{{"instance", i.name()},
           {"name", name},
           {"role", upstream ? "upstream" : "downstream"},
           {"state", link.ifindex == 0 ? "absent" : (link.active ? "up" : "down")},
           {"ifindex", link.ifindex}};
    json addrs = json::array();
    for (const auto& [a, len] : link.addresses) addrs.push_back(a.to_string() + "/" + std::to_string(len));
    e["addresses"] = addrs;
    if (const auto* d = i.core().downstream(name)) {
      e["querier"] = d->is_querier();
      if (auto q = d->querier_address()) e["querier_address"] = q->to_string();
      if (link.active) e["host_report_rate"] = link.host_report_rate;
      // The timers in effect (another querier's QRV and QQI when it is the querier).
      const config::Timers t = d->timers();
      e["robustness"] = t.robustness;
      e["query_interval_ms"] = t.query_interval.count();
      e["query_response_interval_ms"] = t.query_response_interval.count();
      e["last_member_query_interval_ms"] = t.last_member_query_interval.count();
      e["rx"] = counters_json(d->counters().received);
      e["tx"] = counters_json(d->counters().sent);
      e["drops"] = counters_json(d->counters().dropped);
    } else if (const auto* u = i.core().upstream(name)) {
      e["querier"] = false;
      e["version"] = std::string(codec::to_string(u->compatibility_mode()));
      e["rx"] = counters_json(u->counters().received);
      e["tx"] = counters_json(u->counters().sent);
      e["drops"] = counters_json(u->counters().dropped);
    }
    if (link.vif) {
      for (const auto& v : counters.vifs) {
        if (v.vif != *link.vif) continue;
        e["data"] = json{{"rx_packets", v.counters.packets_in}, {"rx_bytes", v.counters.bytes_in},
                         {"tx_packets", v.counters.packets_out}, {"tx_bytes", v.counters.bytes_out}};
      }
    }
    list.push_back(e);
  }
  return list;
}

void query_interfaces(ProxyInstance& i, std::function<void(json)> done) {
  i.request_counters(
      [&i, done](const CounterReply& counters) { done(json{{"interfaces", interfaces_json(i, counters)}}); });
}

void query_groups(ProxyInstance& i, std::function<void(json)> done) {
  json down = json::array(), up = json::array();
  for (const auto& [ifname, groups] : i.core().downstream_memberships()) {
    const auto* router = i.core().downstream(ifname);
    for (const auto& [group, m] : groups) {
      json g = membership_json(m);
      g["instance"] = i.name();
      g["interface"] = ifname;
      g["group"] = group.to_string();
      if (router) {
        g["hosts"] = addresses(router->hosts(group));
        g["version"] = std::string(codec::to_string(router->compatibility_mode(group)));
        // Remaining time of the RFC 3376 §6.2.2 group timer and §6.2.3 source timers.
        const auto remaining = [&i](std::optional<TimePoint> deadline) -> json {
          if (!deadline) return nullptr;
          return std::max<std::int64_t>(0, std::chrono::duration_cast<Duration>(*deadline - i.now()).count());
        };
        g["group_timer_ms"] = remaining(router->group_timer(group));
        for (auto& s : g["sources"])
          s["timer_ms"] = remaining(router->source_timer(group, boost::asio::ip::make_address(s["address"].get<std::string>())));
      }
      down.push_back(g);
    }
  }
  for (const auto& [ifname, groups] : i.core().upstream_states()) {
    for (const auto& [group, m] : groups) {
      json g = membership_json(m);
      g["instance"] = i.name();
      g["interface"] = ifname;
      g["group"] = group.to_string();
      up.push_back(g);
    }
  }
  done(json{{"downstream", down}, {"upstream", up}});
}

bool is_static(const config::InstanceConfig& cfg, const Address& source, const Address& group) {
  for (const auto& r : cfg.static_routes)
    if (r.group == group && (r.source.is_unspecified() || r.source == source)) return true;
  return false;
}

// The instance's forwarding entries with the kernel's counters (show mfc).
json mfc_json(ProxyInstance& i, const CounterReply& counters) {
  json list = json::array();
  // By (S,G): a table of 100 000 entries is one lookup per route, not a scan.
  std::map<std::pair<Address, Address>, const SgCounters*> by_sg;
  for (const auto& c : counters.entries) by_sg[{c.source, c.group}] = &c.counters;
  for (const auto& r : i.core().routes()) {
    json e{{"instance", i.name()},
           {"source", r.source.to_string()},
           {"group", r.group.to_string()},
           {"upstream", r.input_interface},
           {"static", is_static(i.core().config(), r.source, r.group)}};
    json outs = json::array();
    for (const auto& o : r.outputs) outs.push_back(o);
    e["downstreams"] = outs;
    if (auto c = by_sg.find({r.source, r.group}); c != by_sg.end()) {
      e["packets"] = c->second->packets;
      e["bytes"] = c->second->bytes;
      e["wrong_interface"] = c->second->wrong_if;
    }
    list.push_back(e);
  }
  return list;
}

void query_mfc(ProxyInstance& i, std::function<void(json)> done) {
  i.request_counters([&i, done](const CounterReply& counters) { done(json{{"mfc", mfc_json(i, counters)}}); });
}

json instance_counters_json(ProxyInstance& i) {
  json c = counters_json(i.core().counters());
  c["kernel_failures"] = i.kernel_failures();
  c["dropped_foreign_subnet"] = i.foreign_subnet_drops();
  c["dynamic_interfaces_refused"] = i.dynamic_interfaces_refused();
  // Overload and limits (doc/operations.md, "Overload and limits").
  c["dropped_mailbox_full"] = i.mailbox_dropped();
  std::uint64_t downstream_groups = 0;
  std::map<std::string, std::uint64_t> refused;
  for (const auto& [ifname, memberships] : i.core().downstream_memberships()) {
    downstream_groups += memberships.size();
    if (const auto* d = i.core().downstream(ifname))
      for (const auto& [reason, n] : d->counters().dropped)
        if (reason.starts_with("max-")) refused[reason] += n;
  }
  std::uint64_t upstream_groups = 0;
  for (const auto& [ifname, state] : i.core().upstream_states()) upstream_groups += state.size();
  c["groups_downstream"] = downstream_groups;
  c["groups_upstream"] = upstream_groups;
  for (const auto& [reason, n] : refused) c["refused_" + reason] = n;
  c["dropped_foreign_source"] = i.foreign_source_drops();
  c["dropped_upcall_stale_vif"] = i.stale_vif_upcalls();
  // What the instance took from its mailbox and what became of it (doc/operations.md, "Counters").
  c["packets"] = i.packets();
  c["packets_handled"] = i.packets_handled();
  c["dropped_inactive_link"] = i.inactive_link_drops();
  c["upcalls"] = i.upcalls();
  c["upcalls_handled"] = i.upcalls_handled();
  c["upcalls_wrong_vif"] = i.wrong_vif_upcalls();
  return c;
}

void query_counters(ProxyInstance& i, std::function<void(json)> done) { done(instance_counters_json(i)); }

// Everything metrics needs of an instance, in one visit and one read of the
// kernel's counters: "counters" as in show stats, "core" the ProxyCore's own
// counters (data-no-receivers, source-idle-removed, ..., which show stats
// repeats among the instance's) and "mfc" and "interfaces" as in show mfc and
// show interfaces.
void query_metrics(ProxyInstance& i, std::function<void(json)> done) {
  json out{{"counters", instance_counters_json(i)}, {"core", counters_json(i.core().counters())}};
  out["core"]["dynamic_interfaces_refused"] = i.dynamic_interfaces_refused();
  i.request_counters([&i, done, out = std::move(out)](const CounterReply& counters) mutable {
    out["mfc"] = mfc_json(i, counters);
    out["interfaces"] = interfaces_json(i, counters);
    done(std::move(out));
  });
}

// Asks every selected instance and joins their `keys` lists into one list
// each; instances that did not answer are named under "warnings".
json collect(const std::vector<ProxyInstance*>& selected, std::initializer_list<const char*> keys,
             const Query& query) {
  json out = json::object();
  for (const char* key : keys) out[key] = json::array();
  std::vector<std::string> errors;
  for (auto& part : ask_each(selected, query, kAskTimeout)) {
    if (part.contains("error")) {
      errors.push_back(part["error"].get<std::string>());
      continue;
    }
    for (const char* key : keys)
      for (auto& e : part[key]) out[key].push_back(std::move(e));
  }
  if (!errors.empty()) out["warnings"] = errors;
  return out;
}

}  // namespace

// PMIPv6 handover (doc/pmipv6-handover.md): the downstream IFNAME of FROM,
// with the membership state of its hosts, becomes a downstream of TO. FROM's
// thread detaches it first (its routes and reports no longer include it), then
// TO's thread attaches it and reports its groups upstream at once, without
// waiting for the hosts to answer a query. kNotAHandover: not a downstream of
// a running FROM (the caller treats the move as a configuration edit).
std::optional<std::string> Daemon::move_downstream(const std::string& ifname, const std::string& from,
                                                   const std::string& to) {
  auto a = instances_.find(from);
  auto b = instances_.find(to);
  const auto* from_cfg = running_.find_instance(from);
  if (a == instances_.end() || b == instances_.end() || from_cfg == nullptr || from == to) return kNotAHandover;
  const auto* ifc = from_cfg->find_interface(ifname);
  if (ifc == nullptr || ifc->role != config::Role::Downstream) return kNotAHandover;

  config::Configuration candidate = running_;
  auto* cfrom = candidate.find_instance(from);
  auto* cto = candidate.find_instance(to);
  if (cfrom == nullptr || cto == nullptr) return kNotAHandover;
  config::InterfaceConfig moved = *ifc;
  std::erase_if(cfrom->downstreams, [&](const auto& i) { return i.name == ifname; });
  cto->downstreams.push_back(moved);
  if (auto diagnostics = config::check(candidate); !diagnostics.empty()) {
    std::string message;
    for (const auto& d : diagnostics) message += (message.empty() ? "" : "; ") + d.to_string();
    return message;
  }

  // The router travels from one instance thread to the other; the futures
  // order the two steps (A's thread is done with it before B's touches it).
  struct Parcel {
    std::unique_ptr<instances::DownstreamRouter> router;
  };
  auto parcel = std::make_shared<Parcel>();
  auto run_on = [](ProxyInstance& instance, std::function<void(ProxyInstance&)> fn) {
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    if (!instance.post_control([fn = std::move(fn), done](ProxyInstance& i) {
          fn(i);
          done->set_value();
        }))
      return false;
    return finished.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  };
  const config::InstanceConfig a_cfg = *cfrom;
  const config::InstanceConfig b_cfg = *cto;
  if (!run_on(*a->second, [parcel, ifname, a_cfg](ProxyInstance& i) {
        parcel->router = i.release_downstream(ifname, a_cfg);
      }))
    return "instance " + from + " did not release " + ifname + " in time";
  running_ = std::move(candidate);
  if (!run_on(*b->second, [parcel, b_cfg](ProxyInstance& i) { i.adopt_downstream(std::move(parcel->router), b_cfg); }))
    return "instance " + to + " did not take " + ifname + " in time";
  LOG4CPLUS_INFO(log_, "handover: " << ifname << " moved from " << from << " to " << to);
  return std::nullopt;
}

void Daemon::handle_on_main(const control::Request& request, control::Reply& reply) {
  // The instances a show request is about.
  auto select = [this](const std::optional<std::string>& name) -> std::expected<std::vector<ProxyInstance*>, std::string> {
    std::vector<ProxyInstance*> out;
    for (auto& [n, i] : instances_)
      if (!name || *name == n) out.push_back(i.get());
    if (name && out.empty()) return std::unexpected("no instance named '" + *name + "'");
    return out;
  };
  // Applies a change to a copy of the running configuration; the copy is
  // checked as a whole and only then applied.
  auto change = [this, &reply](const std::function<std::optional<std::string>(config::Configuration&)>& edit) {
    config::Configuration candidate = running_;
    if (auto error = edit(candidate)) return reply(control::make_error(*error));
    auto diagnostics = config::check(candidate);
    if (!diagnostics.empty()) {
      std::string message;
      for (const auto& d : diagnostics) message += (message.empty() ? "" : "; ") + d.to_string();
      return reply(control::make_error(message));
    }
    auto errors = apply_configuration(std::move(candidate));
    if (!errors.empty()) return reply(control::make_error(errors.front()));
    reply(control::make_ok());
  };
  auto parse_into = [](config::Configuration& c, const std::string& text) -> std::optional<std::string> {
    auto diagnostics = config::parse_statements(text, "control", c);
    if (diagnostics.empty()) return std::nullopt;
    std::string message;
    for (const auto& d : diagnostics) message += (message.empty() ? "" : "; ") + d.message;
    return message;
  };

  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, control::ShowRequest>) {
          auto selected = select(r.instance);
          if (!selected) return reply(control::make_error(selected.error()));
          switch (r.what) {
            case control::ShowWhat::Instances: {
              json list = json::array();
              for (auto* i : *selected) {
                const auto* cfg = running_.find_instance(i->name());
                list.push_back(json{{"name", i->name()},
                                    {"protocol", cfg ? config::to_string(running_.protocol_of(*cfg))
                                                     : config::to_string(running_.protocol)},
                                    {"table", i->table().table},
                                    {"upstreams", cfg ? names(cfg->upstreams) : json::array()},
                                    {"downstreams", cfg ? names(cfg->downstreams) : json::array()},
                                    {"state", "running"}});
              }
              return reply(control::make_ok(json{{"instances", list}}));
            }
            case control::ShowWhat::Interfaces:
              return reply(control::make_ok(collect(*selected, {"interfaces"}, query_interfaces)));
            case control::ShowWhat::Groups:
              return reply(control::make_ok(collect(*selected, {"downstream", "upstream"}, query_groups)));
            case control::ShowWhat::Mfc:
              return reply(control::make_ok(collect(*selected, {"mfc"}, query_mfc)));
            case control::ShowWhat::Stats: {
              json stats = json::array();
              const auto rc = receiver_.counters();
              json receiver{{"datagrams_read", rc.datagrams_read}, {"packets", rc.packets}, {"upcalls", rc.upcalls},
                            {"delivered", rc.delivered}, {"link_events", rc.link_events},
                            {"registration_conflicts", rc.registration_conflicts},
                            {"backpressure_pauses", rc.backpressure_pauses}};
              for (std::size_t k = 0; k < rc.decode_errors.size(); ++k)
                if (rc.decode_errors[k] != 0)
                  receiver["decode_error_" + std::string(codec::to_string(static_cast<codec::DecodeError>(k)))] =
                      rc.decode_errors[k];
              for (std::size_t k = 0; k < rc.drops.size(); ++k)
                if (rc.drops[k] != 0)
                  receiver["drop_" + std::string(receiver::to_string(static_cast<receiver::DropReason>(k)))] = rc.drops[k];
              stats.push_back(json{{"scope", "receiver"}, {"counters", receiver}});
              const auto sc = sender_.counters();
              stats.push_back(json{{"scope", "sender"},
                                   {"counters", json{{"asked", sc.asked},
                                                     {"sent", sc.sent},
                                                     {"send_errors", sc.send_errors},
                                                     {"invalid_requests", sc.invalid_requests},
                                                     {"dropped_mailbox_full", sc.dropped_mailbox_full}}}});
              stats.push_back(json{{"scope", "routing"}, {"counters", json{{"kernel_failures", routing_.failures()}}}});
              // Every instance since start, stopped ones included: what the
              // Receiver delivered ends here (doc/operations.md, "Counters").
              stats.push_back(json{{"scope", "instances"},
                                   {"counters", json{{"packets", instance_totals_->packets.load()},
                                                     {"upcalls", instance_totals_->upcalls.load()},
                                                     {"discarded_at_stop", instance_totals_->discarded.load()}}}});
              if (control_counters_) stats.push_back(control::stats_scope(control_counters_()));
              stats.push_back(json{{"scope", "timer"},
                                   {"counters", json{{"dropped_messages", timer_.dropped_messages()},
                                                     {"undelivered", timer_.undelivered()}}}});
              const auto counters = ask_each(*selected, query_counters, kAskTimeout);
              for (std::size_t k = 0; k < selected->size(); ++k)
                stats.push_back(json{{"scope", "instance " + (*selected)[k]->name()}, {"counters", counters[k]}});
              return reply(control::make_ok(json{{"stats", stats}}));
            }
          }
        } else if constexpr (std::is_same_v<T, control::InstanceAddRequest>) {
          change([&](config::Configuration& c) { return parse_into(c, r.pinstance_line()); });
        } else if constexpr (std::is_same_v<T, control::InstanceRemoveRequest>) {
          change([&](config::Configuration& c) -> std::optional<std::string> {
            auto before = c.instances.size();
            std::erase_if(c.instances, [&](const auto& i) { return i.name == r.name; });
            if (c.instances.size() == before) return "no instance named '" + r.name + "'";
            return std::nullopt;
          });
        } else if constexpr (std::is_same_v<T, control::InterfaceAddRequest>) {
          change([&](config::Configuration& c) -> std::optional<std::string> {
            auto it = std::find_if(c.instances.begin(), c.instances.end(), [&](const auto& i) { return i.name == r.instance; });
            if (it == c.instances.end()) return "no instance named '" + r.instance + "'";
            if (it->find_interface(r.name)) return r.name + " is already an interface of " + r.instance;
            config::InterfaceConfig ifc;
            ifc.name = r.name;
            ifc.where = {"control", 0, 0};
            if (r.role == control::InterfaceRole::Upstream) {
              ifc.role = config::Role::Upstream;
              it->upstreams.push_back(ifc);
            } else {
              ifc.role = config::Role::Downstream;
              it->downstreams.push_back(ifc);
            }
            return std::nullopt;
          });
        } else if constexpr (std::is_same_v<T, control::InterfaceRemoveRequest>) {
          change([&](config::Configuration& c) -> std::optional<std::string> {
            auto it = std::find_if(c.instances.begin(), c.instances.end(), [&](const auto& i) { return i.name == r.instance; });
            if (it == c.instances.end()) return "no instance named '" + r.instance + "'";
            auto n = std::erase_if(it->upstreams, [&](const auto& i) { return i.name == r.name; }) +
                     std::erase_if(it->downstreams, [&](const auto& i) { return i.name == r.name; });
            if (n == 0) return r.name + " is not an interface of " + r.instance;
            return std::nullopt;
          });
        } else if constexpr (std::is_same_v<T, control::InterfaceMoveRequest>) {
          // A downstream moves with its hosts' memberships (PMIPv6 handover);
          // anything else is an ordinary configuration change.
          if (auto error = move_downstream(r.name, r.from, r.to)) {
            if (*error != kNotAHandover) return reply(control::make_error(*error));
          } else {
            return reply(control::make_ok());
          }
          change([&](config::Configuration& c) -> std::optional<std::string> {
            auto from = std::find_if(c.instances.begin(), c.instances.end(), [&](const auto& i) { return i.name == r.from; });
            auto to = std::find_if(c.instances.begin(), c.instances.end(), [&](const auto& i) { return i.name == r.to; });
            if (from == c.instances.end()) return "no instance named '" + r.from + "'";
            if (to == c.instances.end()) return "no instance named '" + r.to + "'";
            for (auto* list : {&from->upstreams, &from->downstreams}) {
              auto it = std::find_if(list->begin(), list->end(), [&](const auto& i) { return i.name == r.name; });
              if (it == list->end()) continue;
              auto ifc = *it;
              list->erase(it);
              (ifc.role == config::Role::Upstream ? to->upstreams : to->downstreams).push_back(ifc);
              return std::nullopt;
            }
            return r.name + " is not an interface of " + r.from;
          });
        } else if constexpr (std::is_same_v<T, control::SetRequest>) {
          std::string text = "pinstance " + r.instance;
          if (r.interface)
            text += std::string(r.interface->role == control::InterfaceRole::Upstream ? " upstream " : " downstream ") +
                    r.interface->name;
          text += " " + r.words + ";";
          change([&](config::Configuration& c) { return parse_into(c, text); });
        } else if constexpr (std::is_same_v<T, control::StaticAddRequest> ||
                             std::is_same_v<T, control::StaticRemoveRequest>) {
          constexpr bool add = std::is_same_v<T, control::StaticAddRequest>;
          change([&](config::Configuration& c) -> std::optional<std::string> {
            auto it = std::find_if(c.instances.begin(), c.instances.end(),
                                   [&](const auto& i) { return i.name == r.route.instance; });
            if (it == c.instances.end()) return "no instance named '" + r.route.instance + "'";
            const Address source = r.route.source.value_or(unspecified(family_of(r.route.group)));
            if constexpr (add) {
              config::StaticRoute route;
              route.group = r.route.group;
              route.source = source;
              route.downstreams = r.route.downstreams;
              route.where = {"control", 0, 0};
              it->static_routes.push_back(std::move(route));
            } else {
              auto n = std::erase_if(it->static_routes, [&](const auto& s) {
                return s.group == r.route.group && s.source == source &&
                       (r.route.downstreams.empty() || s.downstreams == r.route.downstreams);
              });
              if (n == 0) return std::string("no such static route");
            }
            return std::nullopt;
          });
        } else if constexpr (std::is_same_v<T, control::ReloadRequest>) {
          auto errors = reload();
          if (errors.empty()) return reply(control::make_ok());
          std::string message;
          for (const auto& e : errors) message += (message.empty() ? "" : "\n") + e;
          reply(control::make_error(message));
        } else if constexpr (std::is_same_v<T, control::MetricsRequest>) {
          control::PrometheusWriter w;
          const auto rc = receiver_.counters();
          w.family("mcproxy_receiver_datagrams_read_total", control::PrometheusWriter::Type::Counter,
                   "datagrams read from the IGMP/mroute and MLD sockets");
          w.sample({}, rc.datagrams_read);
          w.family("mcproxy_receiver_packets_total", control::PrometheusWriter::Type::Counter,
                   "IGMP/MLD packets dispatched to instances");
          w.sample({}, rc.packets);
          w.family("mcproxy_receiver_upcalls_total", control::PrometheusWriter::Type::Counter,
                   "kernel upcalls dispatched to instances");
          w.sample({}, rc.upcalls);
          w.family("mcproxy_receiver_delivered_total", control::PrometheusWriter::Type::Counter,
                   "packets and upcalls accepted by their instance's mailbox");
          w.sample({}, rc.delivered);
          w.family("mcproxy_receiver_backpressure_pauses_total", control::PrometheusWriter::Type::Counter,
                   "times a socket was left unread while its instance's mailbox was full");
          w.sample({}, rc.backpressure_pauses);
          w.family("mcproxy_receiver_link_events_total", control::PrometheusWriter::Type::Counter,
                   "link and address events read from the kernel (netlink)");
          w.sample({}, rc.link_events);
          w.family("mcproxy_receiver_registration_conflicts_total", control::PrometheusWriter::Type::Counter,
                   "interfaces registered by an instance while another instance held them (taken over)");
          w.sample({}, rc.registration_conflicts);
          w.family("mcproxy_receiver_decode_errors_total", control::PrometheusWriter::Type::Counter,
                   "packets dropped by the codec, by reason");
          for (std::size_t k = 0; k < rc.decode_errors.size(); ++k)
            w.sample({{"reason", std::string(codec::to_string(static_cast<codec::DecodeError>(k)))}}, rc.decode_errors[k]);
          w.family("mcproxy_receiver_drops_total", control::PrometheusWriter::Type::Counter,
                   "packets dropped by the receiver, by reason");
          for (std::size_t k = 0; k < rc.drops.size(); ++k)
            w.sample({{"reason", std::string(receiver::to_string(static_cast<receiver::DropReason>(k)))}}, rc.drops[k]);
          const auto sc = sender_.counters();
          w.family("mcproxy_sender_requests_total", control::PrometheusWriter::Type::Counter,
                   "IGMP/MLD packets the instances asked the Sender to send");
          w.sample({}, sc.asked);
          w.family("mcproxy_sender_packets_total", control::PrometheusWriter::Type::Counter, "IGMP/MLD packets sent");
          w.sample({}, sc.sent);
          w.family("mcproxy_sender_errors_total", control::PrometheusWriter::Type::Counter, "sends the kernel refused");
          w.sample({}, sc.send_errors);
          w.family("mcproxy_sender_invalid_requests_total", control::PrometheusWriter::Type::Counter,
                   "packets refused before sending (wrong family, no interface, IPv6 source not link-local)");
          w.sample({}, sc.invalid_requests);
          w.family("mcproxy_sender_mailbox_drops_total", control::PrometheusWriter::Type::Counter,
                   "packets to send dropped on the Sender's full mailbox");
          w.sample({}, sc.dropped_mailbox_full);
          if (control_counters_) control::write_metrics(w, control_counters_());
          w.family("mcproxy_routing_failures_total", control::PrometheusWriter::Type::Counter,
                   "kernel multicast routing calls that failed");
          w.sample({}, routing_.failures());
          w.family("mcproxy_timer_dropped_messages_total", control::PrometheusWriter::Type::Counter,
                   "timer requests dropped on the Timer's full mailbox");
          w.sample({}, timer_.dropped_messages());
          w.family("mcproxy_timer_undelivered_total", control::PrometheusWriter::Type::Counter,
                   "timer expiries whose instance was gone");
          w.sample({}, timer_.undelivered());
          // Every instance since start, stopped ones included (show stats, scope "instances").
          w.family("mcproxy_instances_packets_total", control::PrometheusWriter::Type::Counter,
                   "IGMP/MLD packets the instances took from their mailboxes, stopped instances included");
          w.sample({}, instance_totals_->packets.load());
          w.family("mcproxy_instances_upcalls_total", control::PrometheusWriter::Type::Counter,
                   "kernel upcalls the instances took from their mailboxes, stopped instances included");
          w.sample({}, instance_totals_->upcalls.load());
          w.family("mcproxy_instances_discarded_at_stop_total", control::PrometheusWriter::Type::Counter,
                   "packets and upcalls left in the mailbox of an instance that stopped");
          w.sample({}, instance_totals_->discarded.load());
          std::vector<ProxyInstance*> all;
          for (auto& [name, instance] : instances_) all.push_back(instance.get());
          // One visit per instance, all at once: at most kAskTimeout in all.
          const auto answers = ask_each(all, query_metrics, kAskTimeout);
          for (std::size_t k = 0; k < all.size(); ++k) {
            const std::string& name = all[k]->name();
            static const json kNone = json::object();
            const json& c = answers[k].contains("counters") ? answers[k]["counters"] : kNone;
            if (c.contains("groups_downstream")) {
              w.family("mcproxy_instance_groups", control::PrometheusWriter::Type::Gauge,
                       "groups with members on the downstreams, and reported upstream");
              w.sample({{"instance", name}, {"side", "downstream"}}, c["groups_downstream"].get<std::uint64_t>());
              w.sample({{"instance", name}, {"side", "upstream"}}, c["groups_upstream"].get<std::uint64_t>());
              w.family("mcproxy_instance_refused_total", control::PrometheusWriter::Type::Counter,
                       "records refused by a limit, by limit");
              for (const char* reason : {"max-groups", "max-groups-instance", "max-groups-per-host", "max-sources"})
                w.sample({{"instance", name}, {"reason", reason}}, c.value("refused_" + std::string(reason), std::uint64_t{0}));
              w.family("mcproxy_instance_mailbox_drops_total", control::PrometheusWriter::Type::Counter,
                       "events dropped on a full instance mailbox");
              w.sample({{"instance", name}}, c["dropped_mailbox_full"].get<std::uint64_t>());
              // What the instance took from its mailbox, by what became of it:
              // the outcomes add up to show stats' packets and upcalls.
              auto outcomes = [&](const char* family, const char* help,
                                  std::initializer_list<std::pair<const char*, const char*>> list) {
                w.family(family, control::PrometheusWriter::Type::Counter, help);
                for (const auto& [outcome, key] : list)
                  w.sample({{"instance", name}, {"outcome", outcome}}, c.value(key, std::uint64_t{0}));
              };
              outcomes("mcproxy_instance_packets_total", "IGMP/MLD packets the instance took, by outcome",
                       {{"handled", "packets_handled"},
                        {"inactive_link", "dropped_inactive_link"},
                        {"foreign_subnet", "dropped_foreign_subnet"}});
              outcomes("mcproxy_instance_upcalls_total", "kernel upcalls the instance took, by outcome",
                       {{"handled", "upcalls_handled"},
                        {"wrong_vif", "upcalls_wrong_vif"},
                        {"stale_vif", "dropped_upcall_stale_vif"},
                        {"foreign_source", "dropped_foreign_source"}});
              w.family("mcproxy_instance_kernel_failures_total", control::PrometheusWriter::Type::Counter,
                       "kernel multicast routing calls of the instance that failed");
              w.sample({{"instance", name}}, c.value("kernel_failures", std::uint64_t{0}));
            }
            if (const json& e = answers[k]; e.contains("core")) {
              w.family("mcproxy_instance_dynamic_interfaces_refused_total", control::PrometheusWriter::Type::Counter,
                       "interfaces a downstream pattern could not take (the table's VIFs were all in use)");
              w.sample({{"instance", name}}, e["core"].value("dynamic_interfaces_refused", std::uint64_t{0}));
              for (const auto& [event, n] : e["core"].items()) {
                if (event == "dynamic_interfaces_refused") continue;
                w.family("mcproxy_instance_events_total", control::PrometheusWriter::Type::Counter,
                         "what the instance's proxy logic counted (show stats: the instance's counters named with '-')");
                w.sample({{"instance", name}, {"event", event}}, n.template get<std::uint64_t>());
              }
            }
            const json& mfc = answers[k];
            w.family("mcproxy_mfc_entries", control::PrometheusWriter::Type::Gauge, "installed forwarding entries");
            w.sample({{"instance", name}}, static_cast<std::uint64_t>(mfc.contains("mfc") ? mfc["mfc"].size() : 0));
            if (!mfc.contains("mfc")) continue;
            for (const auto& e : mfc["mfc"]) {
              control::PrometheusLabels labels{{"instance", name}, {"source", e["source"]}, {"group", e["group"]}};
              w.family("mcproxy_mfc_packets_total", control::PrometheusWriter::Type::Counter, "packets forwarded per (S,G)");
              w.sample(labels, e.value("packets", std::uint64_t{0}));
              w.family("mcproxy_mfc_bytes_total", control::PrometheusWriter::Type::Counter, "bytes forwarded per (S,G)");
              w.sample(labels, e.value("bytes", std::uint64_t{0}));
            }
          }
          for (const json& answer : answers)
            if (answer.contains("interfaces")) write_interface_metrics(w, answer["interfaces"]);
          reply(control::make_ok(json{{"text", w.text()}}));
        }
      },
      request);
}

}  // namespace mcproxy
