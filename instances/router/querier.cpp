// Querier election, startup and periodic General Queries, and the Other
// Querier Present timer (RFC 3376 §6.6.2, §8; RFC 3810 §7.6.2, §9).
#include "instances/router/querier.hpp"

#include "instances/router/packets.hpp"

namespace mcproxy::instances {

const char* to_string(QuerierState state) {
  switch (state) {
    case QuerierState::Inactive: return "Inactive";
    case QuerierState::Querier: return "Querier";
    case QuerierState::NonQuerier: return "Non-Querier";
  }
  return "?";
}

void Querier::set_state(QuerierState state, Context& ctx) {
  if (state == state_) return;
  ctx.log.record("querier state", to_string(state_), to_string(state));
  state_ = state;
}

std::optional<Address> Querier::querier_address(const TimerControl& queue) const {
  if (other_querier_ && queue.running(other_querier_key())) return other_querier_;
  if (state_ == QuerierState::Querier) return own_;
  return std::nullopt;
}

config::Timers Querier::effective_timers() const {
  config::Timers t = configured_;
  if (state_ != QuerierState::Querier) {
    if (adopted_robustness_) t.robustness = *adopted_robustness_;
    if (adopted_query_interval_) t.query_interval = *adopted_query_interval_;
  }
  return t;
}

void Querier::reconfigure(const config::Timers& configured, Context& ctx) {
  configured_ = configured;
  if (state_ != QuerierState::Querier) return;
  // A shorter interval takes effect now rather than after the old one.
  const auto next = ctx.queue.deadline(general_query_key());
  const Duration interval = startup_remaining_ > 0 ? configured_.startup_query_interval : configured_.query_interval;
  if (next && *next > ctx.now + interval) ctx.queue.schedule(general_query_key(), ctx.now + interval);
}

namespace {

// RFC 3376 §6.6.2 / RFC 3810 §7.6.2: the lowest address wins the election. A
// router without an address of its own (queries from 0.0.0.0, as the Linux
// bridge querier sends them) yields to any querier that has one.
bool other_wins(const Address& other, const Address& own) {
  if (own.is_unspecified()) return !other.is_unspecified();
  return querier_precedes(other, own);
}

}  // namespace

QuerierActions Querier::set_address(const Address& own, Context& ctx) {
  own_ = own;
  if (state_ == QuerierState::Inactive) return activate(ctx);
  return {};
}

QuerierActions Querier::start(Context& ctx) {
  started_ = true;
  if (state_ == QuerierState::Inactive) return activate(ctx);
  return {};
}

void Querier::stop(Context& ctx) {
  started_ = false;
  set_state(QuerierState::Inactive, ctx);
  startup_remaining_ = 0;
  ctx.queue.cancel(general_query_key());
  ctx.queue.cancel(other_querier_key());
  other_querier_.reset();
  adopted_robustness_.reset();
  adopted_query_interval_.reset();
}

QuerierActions Querier::activate(Context& ctx) {
  if (!started_ || !own_) return {};
  if (other_querier_ && ctx.queue.running(other_querier_key()) && other_wins(*other_querier_, *own_)) {
    set_state(QuerierState::NonQuerier, ctx);
    return {};
  }
  // RFC 3376 §6.6.2 / RFC 3810 §7.6.2: a router starts as the querier and
  // sends [Startup Query Count] General Queries [Startup Query Interval] apart.
  set_state(QuerierState::Querier, ctx);
  startup_remaining_ = configured_.startup_query_count;
  return send_and_schedule(ctx);
}

QuerierActions Querier::send_and_schedule(Context& ctx) {
  if (startup_remaining_ > 0) --startup_remaining_;
  const Duration next = startup_remaining_ > 0 ? configured_.startup_query_interval : configured_.query_interval;
  ctx.queue.schedule(general_query_key(), ctx.now + next);
  return {true, false};
}

QuerierActions Querier::on_general_query_timer(Context& ctx) {
  if (state_ != QuerierState::Querier) return {};
  return send_and_schedule(ctx);
}

QuerierActions Querier::on_other_querier_present_timer(Context& ctx) {
  // §6.6.2: "After its Other-Querier Present timer expires, it should begin
  // sending General Queries." The adopted QRV/QQI were the other querier's.
  other_querier_.reset();
  adopted_robustness_.reset();
  adopted_query_interval_.reset();
  if (state_ != QuerierState::NonQuerier) return {};
  set_state(QuerierState::Querier, ctx);
  startup_remaining_ = 0;
  return send_and_schedule(ctx);
}

QuerierActions Querier::on_query(const Address& source, const codec::Query& query, Context& ctx) {
  // A query from a higher address loses the election against us: it neither
  // silences us nor sets our variables.
  if (own_ && !other_wins(source, *own_)) return {};
  other_querier_ = source;
  if (query.version == codec::Version::IGMPv3 || query.version == codec::Version::MLDv2) {
    // §4.1.6: adopt the QRV of the most recently received Query unless it is 0.
    if (query.qrv != 0) {
      adopted_robustness_ = query.qrv;
    } else {
      adopted_robustness_.reset();
    }
    // §4.1.7: routers that are not the querier adopt its QQI unless it is 0.
    if (query.qqi.count() != 0) {
      adopted_query_interval_ = std::chrono::duration_cast<Duration>(query.qqi);
    } else {
      adopted_query_interval_.reset();
    }
  }
  QuerierActions actions;
  if (state_ == QuerierState::Querier) {
    // §6.6.2: "ceases to send queries on the network if it was the previously
    // elected querier".
    ctx.queue.cancel(general_query_key());
    startup_remaining_ = 0;
    actions.stopped_querying = true;
  }
  if (state_ != QuerierState::Inactive) set_state(QuerierState::NonQuerier, ctx);
  // Other Querier Present Interval (§8.5) with the values just adopted.
  ctx.queue.schedule(other_querier_key(), ctx.now + effective_timers().other_querier_present_interval());
  return actions;
}

}  // namespace mcproxy::instances
