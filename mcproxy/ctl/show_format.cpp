// Tables for `mcproxyctl show ...`.
#include "mcproxy/ctl/show_format.hpp"

#include "mcproxy/ctl/text_table.hpp"

#include <cstdio>

namespace mcproxy::ctl {

using nlohmann::json;
using Align = TextTable::Align;

namespace {

std::string scalar(const json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  if (value.is_number_float()) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", value.get<double>());
    return buffer;
  }
  if (value.is_array()) {
    if (value.empty()) return "-";
    std::string out;
    for (const auto& item : value) {
      if (!out.empty()) out += ",";
      out += scalar(item);
    }
    return out;
  }
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

const json& field(const json& object, const char* key) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

// The list under `key`, or nothing if the answer lacks it.
const json* list(const json& response, const char* key) {
  const json& value = field(response, key);
  return value.is_array() ? &value : nullptr;
}

std::string missing(const char* key) {
  return std::string("(the answer has no \"") + key + "\" list; try --json)\n";
}

std::string timer_cell(const json& value) {
  if (value.is_number()) return format_duration_ms(value.get<long long>());
  return scalar(value);
}

// `name value, name value` for a counters object.
std::string counters_line(const json& counters) {
  std::string out;
  if (!counters.is_object()) return out;
  for (const auto& [name, value] : counters.items()) {
    if (!out.empty()) out += ", ";
    out += name + " " + scalar(value);
  }
  return out;
}

std::string show_instances(const json& response) {
  const json* items = list(response, "instances");
  if (items == nullptr) return missing("instances");
  if (items->empty()) return "no instances\n";
  TextTable table({{"NAME"}, {"PROTOCOL"}, {"TABLE", Align::Right}, {"UPSTREAMS"}, {"DOWNSTREAMS"}, {"STATE"}});
  for (const auto& i : *items)
    table.add_row({cell(i, "name"), cell(i, "protocol"), cell(i, "table"), cell(i, "upstreams"),
                   cell(i, "downstreams"), cell(i, "state")});
  return table.render();
}

std::string show_interfaces(const json& response) {
  const json* items = list(response, "interfaces");
  if (items == nullptr) return missing("interfaces");
  if (items->empty()) return "no interfaces\n";
  TextTable table({{"INSTANCE"}, {"INTERFACE"}, {"ROLE"}, {"STATE"}, {"ADDRESSES"}, {"QUERIER"}, {"VERSION"},
                   {"RX-PKTS", Align::Right}, {"RX-BYTES", Align::Right}, {"TX-PKTS", Align::Right},
                   {"TX-BYTES", Align::Right}});
  std::string details;
  for (const auto& i : *items) {
    std::string querier = cell(i, "querier");
    if (const json& address = field(i, "querier_address"); address.is_string())
      querier += " (" + address.get<std::string>() + ")";
    const json& data = field(i, "data");
    table.add_row({cell(i, "instance"), cell(i, "name"), cell(i, "role"), cell(i, "state"), cell(i, "addresses"),
                   querier, cell(i, "version"), cell(data, "rx_packets"), cell(data, "rx_bytes"),
                   cell(data, "tx_packets"), cell(data, "tx_bytes")});
    std::string block;
    // A downstream's timers in effect and the rate each host is held to.
    if (const json& qi = field(i, "query_interval_ms"); qi.is_number()) {
      block += "  timers: robustness " + scalar(field(i, "robustness")) + ", query interval " + timer_cell(qi) +
               ", query response interval " + timer_cell(field(i, "query_response_interval_ms")) +
               ", last member query interval " + timer_cell(field(i, "last_member_query_interval_ms")) + "\n";
    }
    if (const json& rate = field(i, "host_report_rate"); rate.is_number()) {
      block += "  host report rate: " + (rate == 0 ? std::string("unlimited") : scalar(rate) + " packets/s per host") + "\n";
    }
    for (const char* key : {"rx", "tx", "drops"})
      if (auto line = counters_line(field(i, key)); !line.empty()) block += "  " + std::string(key) + ": " + line + "\n";
    if (!block.empty()) details += "\n" + cell(i, "instance") + " " + cell(i, "name") + " (" + cell(i, "role") + ")\n" + block;
  }
  return table.render() + details;
}

std::string sources_cell(const json& sources) {
  if (!sources.is_array() || sources.empty()) return "-";
  std::string out;
  for (const auto& s : sources) {
    if (!out.empty()) out += ", ";
    if (s.is_object()) {
      out += cell(s, "address");
      if (const json& timer = field(s, "timer_ms"); !timer.is_null()) out += " (" + timer_cell(timer) + ")";
    } else {
      out += scalar(s);
    }
  }
  return out;
}

std::string show_groups(const json& response) {
  const json* downstream = list(response, "downstream");
  const json* upstream = list(response, "upstream");
  if (downstream == nullptr && upstream == nullptr) return missing("downstream");
  std::string out;
  if (downstream != nullptr) {
    if (downstream->empty()) {
      out += "no groups on downstream interfaces\n";
    } else {
      TextTable table({{"INSTANCE"}, {"DOWNSTREAM"}, {"GROUP"}, {"MODE"}, {"TIMER", Align::Right}, {"SOURCES"},
                       {"HOSTS"}});
      for (const auto& g : *downstream)
        table.add_row({cell(g, "instance"), cell(g, "interface"), cell(g, "group"), cell(g, "filter_mode"),
                       timer_cell(field(g, "group_timer_ms")), sources_cell(field(g, "sources")), cell(g, "hosts")});
      out += table.render();
    }
  }
  if (upstream != nullptr) {
    if (!out.empty()) out += "\n";
    if (upstream->empty()) {
      out += "nothing reported upstream\n";
    } else {
      TextTable table({{"INSTANCE"}, {"UPSTREAM"}, {"GROUP"}, {"MODE"}, {"SOURCES"}});
      for (const auto& g : *upstream)
        table.add_row({cell(g, "instance"), cell(g, "interface"), cell(g, "group"), cell(g, "filter_mode"),
                       sources_cell(field(g, "sources"))});
      out += table.render();
    }
  }
  return out;
}

std::string show_mfc(const json& response) {
  const json* items = list(response, "mfc");
  if (items == nullptr) return missing("mfc");
  if (items->empty()) return "no forwarding entries\n";
  TextTable table({{"INSTANCE"}, {"SOURCE"}, {"GROUP"}, {"UPSTREAM"}, {"DOWNSTREAMS"}, {"PACKETS", Align::Right},
                   {"BYTES", Align::Right}, {"WRONG-IF", Align::Right}, {"TYPE"}});
  for (const auto& e : *items) {
    const json& is_static = field(e, "static");
    const std::string type = is_static.is_boolean() ? (is_static.get<bool>() ? "static" : "dynamic") : "-";
    table.add_row({cell(e, "instance"), cell(e, "source"), cell(e, "group"), cell(e, "upstream"),
                   cell(e, "downstreams"), cell(e, "packets"), cell(e, "bytes"), cell(e, "wrong_interface"), type});
  }
  return table.render();
}

std::string show_stats(const json& response) {
  const json* items = list(response, "stats");
  if (items == nullptr) return missing("stats");
  if (items->empty()) return "no counters\n";
  TextTable table({{"SCOPE"}, {"COUNTER"}, {"VALUE", Align::Right}});
  for (const auto& scope : *items) {
    const json& counters = field(scope, "counters");
    if (!counters.is_object() || counters.empty()) {
      table.add_row({cell(scope, "scope"), "-", "-"});
      continue;
    }
    bool first = true;
    for (const auto& [name, value] : counters.items()) {
      table.add_row({first ? cell(scope, "scope") : "", name, scalar(value)});
      first = false;
    }
  }
  return table.render();
}

}  // namespace

std::string cell(const json& object, const char* key) { return scalar(field(object, key)); }

std::string format_duration_ms(long long ms) {
  if (ms < 0) return "-";
  char buffer[32];
  if (ms < 1000) {
    std::snprintf(buffer, sizeof buffer, "%lldms", ms);
  } else if (ms < 10'000) {
    std::snprintf(buffer, sizeof buffer, "%lld.%llds", ms / 1000, (ms % 1000) / 100);
  } else if (ms < 60'000) {
    std::snprintf(buffer, sizeof buffer, "%llds", ms / 1000);
  } else if (ms < 3'600'000) {
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", ms / 60'000, (ms / 1000) % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm", ms / 3'600'000, (ms / 60'000) % 60);
  }
  return buffer;
}

std::string format_show(control::ShowWhat what, const json& response) {
  switch (what) {
    case control::ShowWhat::Instances: return show_instances(response);
    case control::ShowWhat::Interfaces: return show_interfaces(response);
    case control::ShowWhat::Groups: return show_groups(response);
    case control::ShowWhat::Mfc: return show_mfc(response);
    case control::ShowWhat::Stats: return show_stats(response);
  }
  return {};
}

std::string format_response(const control::Request& request, const json& response) {
  if (const auto* show = std::get_if<control::ShowRequest>(&request)) return format_show(show->what, response);
  if (std::holds_alternative<control::MetricsRequest>(request)) {
    const json& text = field(response, "text");
    if (!text.is_string()) return "(the answer has no \"text\"; try --json)\n";
    std::string out = text.get<std::string>();
    if (!out.empty() && out.back() != '\n') out += '\n';
    return out;
  }
  if (const json& message = field(response, "message"); message.is_string()) return message.get<std::string>() + "\n";
  return {};
}

}  // namespace mcproxy::ctl
