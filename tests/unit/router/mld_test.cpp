// MLDv2 versions of the key rules (RFC 3810 §7, §8): link-local sources,
// Q(MA) / Q(MA,A) to the address, election by interface identifier.
#include "instances/router/packets.hpp"
#include "router_test_support.hpp"

#include <gtest/gtest.h>

namespace mcproxy::instances::test {
namespace {

using codec::RecordType;
using codec::Version;

// RFC 3810 §7.4.2: EXCLUDE (X,Y) TO_IN (A): Send Q(MA,X-A), Send Q(MA); to the address.
TEST(Mld, Rfc3810_7_4_2_ExcludeMode_ToIn_SendsMulticastAddressSpecificQuery) {
  Harness h(options(config::Protocol::MLDv2));
  h.receive(mldv2_report("fe80::20", {record(RecordType::ChangeToExcludeMode, "ff3e::8000:1")}));
  EXPECT_EQ(h.router.membership(ip("ff3e::8000:1")), (Membership{FilterMode::Exclude, {}}));
  EXPECT_EQ(h.router.counters().received.at("mldv2-report"), 1u);
  h.clear();
  h.receive(mldv2_report("fe80::20", {record(RecordType::ChangeToIncludeMode, "ff3e::8000:1")}));
  ASSERT_EQ(h.packets().size(), 1u);
  EXPECT_EQ(h.packets()[0].source, ip("fe80::10"));
  EXPECT_EQ(h.packets()[0].destination, ip("ff3e::8000:1"));
  EXPECT_EQ(h.queries()[0].version, Version::MLDv2);
  EXPECT_EQ(h.router.counters().sent.at("mldv2-group-query"), 1u);
  h.advance(2s);
  EXPECT_FALSE(h.forwarding("ff3e::8000:1"));
}

// RFC 3810 §7.4.2: INCLUDE (A) BLOCK (B): Send Q(MA,A*B); and ALLOW.
TEST(Mld, Rfc3810_7_4_2_IncludeMode_AllowThenBlock) {
  Harness h(options(config::Protocol::MLDv2));
  h.receive(mldv2_report("fe80::20", {record(RecordType::AllowNewSources, "ff3e::8000:1", {"2001:db8::1", "2001:db8::2"})}));
  EXPECT_TRUE(h.forwarding("ff3e::8000:1", "2001:db8::1"));
  EXPECT_FALSE(h.forwarding("ff3e::8000:1", "2001:db8::3"));
  h.clear();
  h.receive(mldv2_report("fe80::20", {record(RecordType::BlockOldSources, "ff3e::8000:1", {"2001:db8::1"})}));
  ASSERT_EQ(h.queries().size(), 1u);
  EXPECT_EQ(to_source_set(h.queries()[0].sources), sources({"2001:db8::1"}));
  h.advance(2s);
  EXPECT_FALSE(h.forwarding("ff3e::8000:1", "2001:db8::1"));
  EXPECT_TRUE(h.forwarding("ff3e::8000:1", "2001:db8::2"));
}

// RFC 3810 §7.4.1: INCLUDE (A) IS_EX (B) and EXCLUDE (X,Y) IS_IN (A).
TEST(Mld, Rfc3810_7_4_1_CurrentStateRecords) {
  Harness h(options(config::Protocol::MLDv2));
  h.receive(mldv2_report("fe80::20", {record(RecordType::ModeIsExclude, "ff3e::8000:1", {"2001:db8::1"})}));
  EXPECT_EQ(h.router.membership(ip("ff3e::8000:1")), (Membership{FilterMode::Exclude, sources({"2001:db8::1"})}));
  h.receive(mldv2_report("fe80::21", {record(RecordType::ModeIsInclude, "ff3e::8000:1", {"2001:db8::1"})}));
  EXPECT_EQ(h.router.membership(ip("ff3e::8000:1")), (Membership{FilterMode::Exclude, {}}));
}

// RFC 9777 §7.6.2: the lower interface identifier wins; any query counts.
TEST(Mld, Rfc9777_7_6_2_ElectionByInterfaceId) {
  Harness h(options(config::Protocol::MLDv2));
  h.receive(query(Version::MLDv2, "fe80::20"));  // interface ID ::20 > ::10: ignored
  EXPECT_TRUE(h.router.is_querier());
  h.receive(query(Version::MLDv2, "fe80::1", "ff3e::8000:1"));  // a specific query elects, too
  EXPECT_FALSE(h.router.is_querier());
  EXPECT_EQ(h.router.querier_address(), ip("fe80::1"));
}

TEST(Mld, QuerierPrecedence) {
  EXPECT_TRUE(querier_precedes(ip("fe80::1"), ip("fe80::2")));
  EXPECT_FALSE(querier_precedes(ip("fe80::2"), ip("fe80::1")));
  // The interface identifier decides before the prefix bits.
  EXPECT_TRUE(querier_precedes(ip("fe80:0:0:1::1"), ip("fe80::2")));
  EXPECT_TRUE(querier_precedes(ip("fe80::1"), ip("fe80:0:0:1::1")));
  EXPECT_TRUE(querier_precedes(ip("192.0.2.1"), ip("192.0.2.10")));
  EXPECT_FALSE(querier_precedes(ip("192.0.2.10"), ip("192.0.2.10")));
  EXPECT_TRUE(querier_precedes(ip("192.0.2.1"), ip("fe80::1")));
}

// RFC 3810 §8.3.2 with MLDv1 configured: MLDv2 reports are refused, MLDv1 Done
// causes MLDv1 Multicast Address Specific queries.
TEST(Mld, ConfiguredMldv1) {
  Harness h(options(config::Protocol::MLDv1));
  h.receive(mldv2_report("fe80::20", {record(RecordType::ChangeToExcludeMode, "ff3e::8000:1")}));
  EXPECT_EQ(h.router.counters().dropped.at("version-not-enabled"), 1u);
  h.receive(old_report(Version::MLDv1, "fe80::20", "ff3e::8000:1"));
  h.clear();
  h.receive(leave(Version::MLDv1, "fe80::20", "ff3e::8000:1"));
  ASSERT_EQ(h.queries().size(), 1u);
  EXPECT_EQ(h.queries()[0].version, Version::MLDv1);
  EXPECT_EQ(h.router.counters().sent.at("mldv1-group-query"), 1u);
}

}  // namespace
}  // namespace mcproxy::instances::test
