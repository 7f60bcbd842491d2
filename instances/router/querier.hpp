// Querier election and General Queries of one downstream link: RFC 3376 §6.6.2
// (RFC 3810 §7.6.2), startup queries (§8.6, §8.7), and adoption of the elected
// querier's QRV and QQI (§4.1.6, §4.1.7).
#pragma once

#include "instances/router/router_context.hpp"
#include "modules/config/config.hpp"
#include "modules/codec/message.hpp"

#include <cstdint>
#include <optional>

namespace mcproxy::instances {

enum class QuerierState : std::uint8_t {
  Inactive,    // own address unknown or not started: neither queries nor elects
  Querier,     // sends General Queries and the specific queries of §6.6.3
  NonQuerier,  // another router with a lower address queries (Other Querier Present running)
};
// "Querier", "Non-Querier" (RFC 3376 §6.6.2, RFC 3810 §7.6.2), "Inactive".
const char* to_string(QuerierState state);

// What the router must do after a querier event.
struct QuerierActions {
  bool send_general_query = false;
  bool stopped_querying = false;  // pending specific query retransmissions end too
};

class Querier {
 public:
  explicit Querier(const config::Timers& configured) : configured_(configured) {}

  QuerierState state() const { return state_; }
  const std::optional<Address>& own_address() const { return own_; }
  bool started() const { return started_; }
  // The elected querier: the other router while Other Querier Present runs, else us.
  std::optional<Address> querier_address(const TimerControl& queue) const;
  unsigned startup_queries_left() const { return startup_remaining_; }

  // The timers in effect: configured, with the elected querier's QRV and QQI
  // while another router is querier (RFC 3376 §4.1.6, §4.1.7; a zero value
  // means "use our own").
  config::Timers effective_timers() const;
  void reconfigure(const config::Timers& configured, Context& ctx);

  QuerierActions set_address(const Address& own, Context& ctx);
  QuerierActions start(Context& ctx);
  // The link went down: no queries, no election until start() again, which
  // begins with the startup queries as on a fresh link (RFC 3376 §8.6).
  void stop(Context& ctx);
  QuerierActions on_general_query_timer(Context& ctx);
  QuerierActions on_other_querier_present_timer(Context& ctx);
  // A valid query from `source` that takes part in the election (RFC 3376
  // §6.6.2 as revised by RFC 9776: General Queries; RFC 3810 §7.6.2: any query).
  QuerierActions on_query(const Address& source, const codec::Query& query, Context& ctx);

 private:
  static TimerKey general_query_key() { return {TimerKind::GeneralQuery, Address{}, Address{}}; }
  static TimerKey other_querier_key() { return {TimerKind::OtherQuerierPresent, Address{}, Address{}}; }

  // The one place the querier state changes (logged with the RFC's names).
  void set_state(QuerierState state, Context& ctx);
  // Inactive -> Querier (with startup queries) or NonQuerier, once started with an address.
  QuerierActions activate(Context& ctx);
  QuerierActions send_and_schedule(Context& ctx);

  config::Timers configured_;
  QuerierState state_ = QuerierState::Inactive;
  std::optional<Address> own_;
  bool started_ = false;
  unsigned startup_remaining_ = 0;
  std::optional<Address> other_querier_;
  std::optional<unsigned> adopted_robustness_;
  std::optional<Duration> adopted_query_interval_;
};

}  // namespace mcproxy::instances
