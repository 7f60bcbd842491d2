// The per-interface families of `metrics` (interface_metrics.hpp).
#include "mcproxy/interface_metrics.hpp"

#include <cstdint>
#include <string>

namespace mcproxy {

namespace {

using nlohmann::json;
using Type = control::PrometheusWriter::Type;

// (contains() and at() rather than find(): GCC 12's -Wnull-dereference
// misreads a dereferenced json iterator at -O3.)
std::string text(const json& e, const char* key) {
  return e.contains(key) && e.at(key).is_string() ? e.at(key).get<std::string>() : std::string();
}

std::uint64_t count(const json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
  return 0;
}

// One sample per key of the counter object e[key] ("rx", "tx", "drops").
void per_key(control::PrometheusWriter& w, const json& e, const control::PrometheusLabels& labels, const char* key,
             const char* label, const char* family, const char* help) {
  if (!e.contains(key) || !e.at(key).is_object()) return;
  for (const auto& [name, value] : e.at(key).items()) {
    if (!value.is_number()) continue;
    w.family(family, Type::Counter, help);
    auto l = labels;
    l.emplace_back(label, name);
    w.sample(l, count(value));
  }
}

}  // namespace

void write_interface_metrics(control::PrometheusWriter& w, const json& interfaces) {
  if (!interfaces.is_array()) return;
  for (const auto& e : interfaces) {
    if (!e.is_object()) continue;
    const control::PrometheusLabels labels{{"instance", text(e, "instance")}, {"interface", text(e, "name")}};
    w.family("mcproxy_interface_up", Type::Gauge, "1 while the interface is up and in use, 0 while down or absent");
    auto with_role = labels;
    with_role.emplace_back("role", text(e, "role"));
    w.sample(with_role, std::uint64_t{text(e, "state") == "up" ? 1u : 0u});
    if (text(e, "role") == "downstream") {
      if (e.contains("querier") && e.at("querier").is_boolean()) {
        w.family("mcproxy_interface_querier", Type::Gauge, "1 while mcproxy is the querier of the downstream");
        w.sample(labels, std::uint64_t{e.at("querier").get<bool>() ? 1u : 0u});
      }
    }
    per_key(w, e, labels, "rx", "message", "mcproxy_interface_received_total",
            "IGMP/MLD messages received on the interface, by message (show interfaces: rx)");
    per_key(w, e, labels, "tx", "message", "mcproxy_interface_sent_total",
            "IGMP/MLD messages sent on the interface, by message (show interfaces: tx)");
    per_key(w, e, labels, "drops", "reason", "mcproxy_interface_drops_total",
            "IGMP/MLD messages or records dropped on the interface, by reason (show interfaces: drops)");
    if (e.contains("data") && e.at("data").is_object()) {
      const json& d = e.at("data");
      const auto data = [&](const char* family, const char* help, const char* in, const char* out) {
        w.family(family, Type::Counter, help);
        for (const auto& [direction, key] : {std::pair{"in", in}, std::pair{"out", out}}) {
          auto l = labels;
          l.emplace_back("direction", direction);
          w.sample(l, count(d.value(key, json(0))));
        }
      };
      data("mcproxy_interface_data_packets_total",
           "multicast data packets through the interface's VIF, by direction (reset when the VIF is re-added)",
           "rx_packets", "tx_packets");
      data("mcproxy_interface_data_bytes_total",
           "multicast data bytes through the interface's VIF, by direction (reset when the VIF is re-added)",
           "rx_bytes", "tx_bytes");
    }
  }
}

}  // namespace mcproxy
