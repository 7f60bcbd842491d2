// Source liveness, the instance's side: reads the packet counters of the
// table's MFC entries in batches through Routing and hands them to the core.
#include "instances/runtime/proxy_instance.hpp"

#include "modules/routing/routing.hpp"

#include <log4cplus/loggingmacros.h>

namespace mcproxy::instances {

namespace {

// Entries per GetCounters: one batch is this many ioctls on the Routing
// thread (about a millisecond), and other requests queue behind it only that long.
constexpr std::size_t kCounterBatch = 1024;

}  // namespace

void ProxyInstance::read_source_counters(std::optional<std::pair<Address, Address>> after) {
  const auto id = next_request_++;
  liveness_request_ = id;
  counter_requests_[id] = [this](const CounterReply& reply) { on_source_counters(reply); };
  routing::GetCounters get{table_, id, std::move(after), kCounterBatch, false};
  if (!modules_.routing.post(std::move(get))) {
    counter_requests_.erase(id);
    liveness_request_ = 0;
    LOG4CPLUS_WARN(log_, "source counters: the routing mailbox is full; read skipped");
    CoreEffects out;
    core_->source_counters_done(false, now(), out);
    apply(out);
  }
}

void ProxyInstance::on_source_counters(const CounterReply& reply) {
  if (reply.request_id != liveness_request_) return;  // a read the core gave up on
  std::vector<SourcePackets> batch;
  batch.reserve(reply.entries.size());
  for (const auto& e : reply.entries) batch.push_back({e.source, e.group, e.counters.packets});
  core_->source_counters(batch, now());
  if (!reply.failed && reply.more && !reply.entries.empty()) {
    read_source_counters(std::make_pair(reply.entries.back().source, reply.entries.back().group));
    return;
  }
  liveness_request_ = 0;
  CoreEffects out;
  core_->source_counters_done(!reply.failed, now(), out);
  apply(out);
}

}  // namespace mcproxy::instances
