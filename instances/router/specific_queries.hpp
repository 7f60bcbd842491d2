// Pending group-specific and group-and-source-specific queries of one group and
// their retransmissions (RFC 3376 §6.6.3, RFC 3810 §7.6.3).
#pragma once

#include "instances/router/flat_map.hpp"
#include "instances/router/group_state.hpp"
#include "instances/router/router_context.hpp"
#include "instances/router/source_set.hpp"

#include <vector>

namespace mcproxy::instances {

// One query to transmit now: Q(G) when `sources` is empty, else Q(G,sources).
struct SpecificQuery {
  bool suppress_router_side_processing = false;  // the S flag
  SourceSet sources;
  bool operator==(const SpecificQuery&) const = default;
};

class SpecificQueries {
 public:
  bool pending() const { return group_retransmissions_ > 0 || !source_retransmissions_.empty(); }
  unsigned group_retransmissions() const { return group_retransmissions_; }
  const BoxedFlatMap<Address, unsigned>& source_retransmissions() const { return source_retransmissions_; }

  // §6.6.3.1: "When a table action "Send Q(G)" is encountered, then the group
  // timer must be lowered to LMQT", and [Last Member Query Count] queries follow.
  void add_group_query(GroupState& group, Context& ctx);
  // §6.6.3.2: for each source in X whose timer is larger than LMQT: set its
  // retransmissions to [Last Member Query Count] and lower its timer to LMQT.
  void add_source_queries(const SourceSet& x, GroupState& group, Context& ctx);

  // Builds the queries of one transmission and counts it against every
  // pending item: Q(G) with S set when the group timer is larger than LMQT
  // (§6.6.3.1); Q(G,A) split in an S-set message for sources with timers larger
  // than LMQT and an S-clear one for the rest (§6.6.3.2); empty messages are
  // suppressed.
  std::vector<SpecificQuery> transmit(const GroupState& group, const Context& ctx);

  void clear();

 private:
  unsigned group_retransmissions_ = 0;
  BoxedFlatMap<Address, unsigned> source_retransmissions_;  // usually empty: 8 bytes
};

}  // namespace mcproxy::instances
