// The per-interface families of `metrics`, written from what `show
// interfaces` returns for one instance (pure: no threads, no kernel).
// doc/operations.md, "Metrics".
#pragma once

#include "mcproxy/control/prometheus.hpp"

#include <nlohmann/json.hpp>

namespace mcproxy {

// `interfaces` is the "interfaces" array of `show interfaces` (one instance or
// several). Writes, labelled by instance and interface:
//   mcproxy_interface_up             gauge, 1 while the interface is up (role label)
//   mcproxy_interface_querier        gauge, 1 while mcproxy is the querier (downstreams)
//   mcproxy_interface_received_total IGMP/MLD messages received, by message
//   mcproxy_interface_sent_total     IGMP/MLD messages sent, by message
//   mcproxy_interface_drops_total    messages or records dropped, by reason
//   mcproxy_interface_data_packets_total, mcproxy_interface_data_bytes_total
//                                    multicast data through the interface's VIF,
//                                    by direction (in, out)
// Entries or keys that are missing (an absent interface has no counters) are
// left out, never written as zero.
void write_interface_metrics(control::PrometheusWriter& w, const nlohmann::json& interfaces);

}  // namespace mcproxy
