// Building and retransmitting specific queries: RFC 3376 §6.6.3.1 (Q(G)) and
// §6.6.3.2 (Q(G,A)); RFC 3810 §7.6.3 for MLDv2 (Q(MA), Q(MA,A)).
#include "instances/router/specific_queries.hpp"

namespace mcproxy::instances {

void SpecificQueries::add_group_query(GroupState& group, Context& ctx) {
  group.lower_group_timer(ctx);
  group_retransmissions_ = ctx.timers.last_member_query_count;
}

void SpecificQueries::add_source_queries(const SourceSet& x, GroupState& group, Context& ctx) {
  const Duration lmqt = ctx.timers.last_member_query_time();
  for (const auto& s : x) {
    if (group.source_timer_remaining(s, ctx) <= lmqt) continue;
    if (ctx.timers.last_member_query_count > 0) {
      source_retransmissions_[s] = ctx.timers.last_member_query_count;
    }
    group.lower_source_timer(s, ctx);
  }
}

std::vector<SpecificQuery> SpecificQueries::transmit(const GroupState& group, const Context& ctx) {
  std::vector<SpecificQuery> out;
  const Duration lmqt = ctx.timers.last_member_query_time();
  if (group_retransmissions_ > 0) {
    out.push_back({group.group_timer_remaining(ctx) > lmqt, {}});
    --group_retransmissions_;
  }
  SpecificQuery with_s{true, {}};
  SpecificQuery without_s{false, {}};
  for (auto it = source_retransmissions_.begin(); it != source_retransmissions_.end();) {
    if (group.source_timer_remaining(it->first, ctx) > lmqt) {
      with_s.sources.insert(it->first);
    } else {
      without_s.sources.insert(it->first);
    }
    if (--it->second == 0) {
      it = source_retransmissions_.erase(it);
    } else {
      ++it;
    }
  }
  if (!with_s.sources.empty()) out.push_back(std::move(with_s));
  if (!without_s.sources.empty()) out.push_back(std::move(without_s));
  return out;
}

void SpecificQueries::clear() {
  group_retransmissions_ = 0;
  source_retransmissions_.clear();
}

}  // namespace mcproxy::instances
