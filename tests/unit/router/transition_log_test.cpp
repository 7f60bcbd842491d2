// State transitions of the router side reach Effects::transitions with the RFC
// state names, one line per change (the running instance logs them at debug level).
#include "instances/router/transition_log.hpp"
#include "router_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace mcproxy::instances::test {
namespace {

using codec::RecordType;
using codec::Version;

bool logged(const Harness& h, const std::string& line) {
  return std::find(h.out.transitions.begin(), h.out.transitions.end(), line) != h.out.transitions.end();
}

TEST(TransitionLog, LineNamesSubjectAndStates) {
  EXPECT_EQ(transition_line("querier state", "Querier", "Non-Querier"), "querier state: Querier -> Non-Querier");
  std::vector<std::string> lines;
  const std::string ifname = "lan0";
  TransitionLog{&lines, &ifname}.record("x", "A", "B");
  TransitionLog{}.record("x", "A", "B");  // no sink: dropped
  EXPECT_EQ(lines, std::vector<std::string>{"lan0: x: A -> B"});
}

// RFC 3376 §6.6.2: startup makes us Querier; a query from a lower address
// makes us Non-Querier; the Other Querier Present timer makes us Querier again.
TEST(TransitionLog, QuerierStateChangesAreLogged) {
  Harness h(options(), false);
  h.router.start(h.now, h.out);
  EXPECT_TRUE(logged(h, "eth1: querier state: Inactive -> Querier"));
  h.clear();
  h.receive(query(Version::IGMPv3, "192.0.2.1"));
  EXPECT_EQ(h.out.transitions, std::vector<std::string>{"eth1: querier state: Querier -> Non-Querier"});
  h.clear();
  h.advance(300s);
  EXPECT_TRUE(logged(h, "eth1: querier state: Non-Querier -> Querier"));
}

// RFC 3376 §6.2.1 / §6.5: the router filter mode of a group.
TEST(TransitionLog, FilterModeChangesAreLogged) {
  Harness h;
  h.clear();
  h.receive(v3_report("192.0.2.20", {record(RecordType::ChangeToExcludeMode, "239.1.1.1")}));
  EXPECT_EQ(h.out.transitions,
            std::vector<std::string>{"eth1: group 239.1.1.1 router filter mode: INCLUDE -> EXCLUDE"});
  h.clear();
  h.receive(v3_report("192.0.2.20", {record(RecordType::ModeIsExclude, "239.1.1.1")}));
  EXPECT_TRUE(h.out.transitions.empty());  // no change, no line
  h.advance(271s);  // group timer: EXCLUDE -> INCLUDE
  EXPECT_TRUE(logged(h, "eth1: group 239.1.1.1 router filter mode: EXCLUDE -> INCLUDE"));
}

// RFC 3376 §7.3.2: an IGMPv2 report switches the group to IGMPv2 mode; the
// expiry of the IGMPv2 Host Present timer switches it back.
TEST(TransitionLog, GroupCompatibilityModeChangesAreLogged) {
  Harness h;
  h.clear();
  h.receive(old_report(Version::IGMPv2, "192.0.2.20", "239.1.1.1"));
  EXPECT_TRUE(logged(h, "eth1: group 239.1.1.1 compatibility mode: IGMPv3 -> IGMPv2"));
  h.clear();
  h.receive(old_report(Version::IGMPv2, "192.0.2.20", "239.1.1.1"));
  EXPECT_FALSE(logged(h, "eth1: group 239.1.1.1 compatibility mode: IGMPv3 -> IGMPv2"));
  h.clear();
  // Keep the group alive past the Older Host Present Interval with v3 reports.
  h.advance(200s);
  h.receive(v3_report("192.0.2.21", {record(RecordType::ModeIsExclude, "239.1.1.1")}));
  h.advance(61s);
  EXPECT_TRUE(logged(h, "eth1: group 239.1.1.1 compatibility mode: IGMPv2 -> IGMPv3"));
}

}  // namespace
}  // namespace mcproxy::instances::test
