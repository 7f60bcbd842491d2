// Issue 13: IGMP and MLD instances in one file (`pinstance NAME protocol P;`,
// the file's `protocol` as the default): families, tables and interfaces are
// checked per instance, `*` takes the instance's family.
#include "config_test_util.hpp"

namespace mcproxy::config::test {
namespace {

TEST(InstanceProtocol, IgmpAndMldInstancesShareInterfaces) {
  auto c = parsed(
      "protocol IGMPv3;\npinstance v4: up0 ==> lan0;\npinstance v6: up0 ==> lan0;\npinstance v6 protocol MLDv2;");
  EXPECT_EQ(c.protocol_of(*c.find_instance("v4")), Protocol::IGMPv3);
  EXPECT_EQ(c.protocol_of(*c.find_instance("v6")), Protocol::MLDv2);
  EXPECT_FALSE(c.find_instance("v4")->protocol.has_value());
  EXPECT_NE(summarize(c).find("instance v6\n    protocol MLDv2\n"), std::string::npos) << summarize(c);
}

TEST(InstanceProtocol, ExistingFilesAreUnchanged) {
  auto c = parsed("protocol MLDv2;\npinstance a: up0 ==> lan0;");
  EXPECT_EQ(c.protocol_of(c.instances.at(0)), Protocol::MLDv2);
  EXPECT_EQ(summarize(c).find("    protocol"), std::string::npos);
}

TEST(InstanceProtocol, StarAndTablesTakeTheInstancesFamily) {
  auto c = parsed(
      "protocol IGMPv3;\ntable t6 { (ff0e::/16 | *) };\npinstance v6: up0 ==> lan0;\npinstance v6 protocol MLDv2;\n"
      "pinstance v6 downstream lan0 out whitelist table t6;\npinstance v6 upstream up0 in whitelist table {(* | *)};\n"
      "pinstance v4: up1 ==> lan1;\npinstance v4 upstream up1 in whitelist table {(* | *)};");
  const auto& v6 = *c.find_instance("v6");
  EXPECT_TRUE(v6.upstreams.at(0).filter_in->admits("lan0", addr("ff0e::1"), addr("2001:db8::1")));
  EXPECT_TRUE(v6.downstreams.at(0).filter_out->admits("up0", addr("ff0e::1"), addr("2001:db8::1")));
  EXPECT_FALSE(v6.downstreams.at(0).filter_out->admits("up0", addr("ff05::1"), addr("2001:db8::1")));
  const auto& v4 = *c.find_instance("v4");
  EXPECT_TRUE(v4.upstreams.at(0).filter_in->admits("lan1", addr("239.1.1.1"), addr("10.0.0.1")));
}

TEST(InstanceProtocol, TableNumbersAreCountedPerFamily) {
  parsed("pinstance v4(5): up0 ==> lan0;\npinstance v6(5): up0 ==> lan0;\npinstance v6 protocol MLDv1;");
}

TEST(InstanceProtocol, ErrorsAreJudgedPerInstance) {
  EXPECT_EQ(joined(errors_of("protocol IGMPv3;\npinstance v6: u ==> d;\npinstance v6 protocol MLDv2;\n"
                             "pinstance v6 upstream u in whitelist table {(239.1.1.1 | *)};")),
            "t.conf:4:46: IPv4 address 239.1.1.1 under protocol MLDv2 (IPv6)\n");
  // A named table bound by an IPv4 and an IPv6 instance cannot suit both.
  EXPECT_EQ(joined(errors_of("table t { (239.1.1.1 | *) };\npinstance a: u ==> d;\npinstance b: v ==> e;\n"
                             "pinstance b protocol MLDv2;\npinstance a downstream d out whitelist table t;\n"
                             "pinstance b downstream e out whitelist table t;")),
            "t.conf:1:12: IPv4 address 239.1.1.1 under protocol MLDv2 (IPv6)\n");
  EXPECT_EQ(joined(errors_of("pinstance a: u ==> d;\npinstance b: v ==> d;\npinstance b protocol IGMPv2;")),
            "t.conf:2:20: interface 'd' is already used by instance 'a' (at t.conf:1:20)\n");
  EXPECT_EQ(joined(errors_of("pinstance a: u ==> d;\npinstance a downstream d protocol MLDv2;")),
            "t.conf:2:26: 'protocol' is an instance option: write 'pinstance NAME protocol ...'\n");
  EXPECT_EQ(joined(errors_of("pinstance a: u ==> d;\npinstance a protocol MLDv2;\npinstance a protocol MLDv1;")),
            "t.conf:3:13: 'protocol' of instance 'a' is already set at t.conf:2:13\n");
  // The query response range is the instance's protocol's (IGMPv2: 25.5 s).
  EXPECT_EQ(joined(errors_of("protocol IGMPv2;\npinstance a: u ==> d;\npinstance a protocol MLDv2;\n"
                             "pinstance a query-response-interval 30s;")),
            "");
}

// `compatibility-mode off` (RFC 9776 §7.2.1, RFC 9777 §8.2.1) needs the
// instance's protocol to be IGMPv3 or MLDv2, whatever the file's is.
TEST(InstanceProtocol, CompatibilityModeIsJudgedByTheInstancesProtocol) {
  // An MLDv2 instance in an IGMPv2 file, and an IGMPv3 instance in an MLDv1 file.
  EXPECT_EQ(joined(errors_of("protocol IGMPv2;\npinstance v6: u ==> d;\npinstance v6 protocol MLDv2;\n"
                             "pinstance v6 downstream d compatibility-mode off;")),
            "");
  EXPECT_EQ(joined(errors_of("protocol MLDv1;\npinstance v4: u ==> d;\npinstance v4 protocol IGMPv3;\n"
                             "pinstance v4 upstream u compatibility-mode off;")),
            "");
  // An MLDv1 instance in an IGMPv3 file, and an IGMPv2 instance in an MLDv2 file.
  EXPECT_EQ(joined(errors_of("protocol IGMPv3;\npinstance v6: u ==> d;\npinstance v6 protocol MLDv1;\n"
                             "pinstance v6 downstream d compatibility-mode off;")),
            "t.conf:4:27: 'compatibility-mode off' needs protocol IGMPv3 or MLDv2, not MLDv1\n");
  EXPECT_EQ(joined(errors_of("protocol MLDv2;\npinstance v4: u ==> d;\npinstance v4 protocol IGMPv2;\n"
                             "pinstance v4 upstream u compatibility-mode off;")),
            "t.conf:4:25: 'compatibility-mode off' needs protocol IGMPv3 or MLDv2, not IGMPv2\n");
}

// A TTL threshold above 1 cannot be installed for IPv6 (Linux's ip6mr has no
// per-interface hop-limit threshold): refused in an MLD instance, also in an
// IGMP file; accepted in an IGMP instance of an MLD file.
TEST(InstanceProtocol, ThresholdAboveOneNeedsAnIgmpInstance) {
  EXPECT_EQ(joined(errors_of("protocol IGMPv3;\npinstance v6: u ==> d;\npinstance v6 protocol MLDv2;\n"
                             "pinstance v6 downstream d threshold 8;")),
            "t.conf:4:27: threshold 8 needs IGMP: under MLDv2 the kernel (ip6mr) forwards every hop limit above "
            "1 and has no per-interface threshold\n");
  EXPECT_EQ(joined(errors_of("protocol MLDv1;\npinstance a: u ==> d;\npinstance a upstream u threshold 2;")),
            "t.conf:3:24: threshold 2 needs IGMP: under MLDv1 the kernel (ip6mr) forwards every hop limit above "
            "1 and has no per-interface threshold\n");
  EXPECT_EQ(joined(errors_of("protocol MLDv2;\npinstance a: u ==> d;\npinstance a downstream d threshold 1;")), "");
  EXPECT_EQ(joined(errors_of("protocol MLDv2;\npinstance v4: u ==> d;\npinstance v4 protocol IGMPv3;\n"
                             "pinstance v4 downstream d threshold 8;")),
            "");
}

}  // namespace
}  // namespace mcproxy::config::test
