// `mcproxy --from-igmpproxy`: each igmpproxy statement's translation (a table
// of cases), igmpproxy's own example and VyOS-generated files, and that every
// translation is a valid mcproxy configuration meaning what igmpproxy meant.
#include "config_test_util.hpp"
#include "modules/config/igmpproxy_import.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace mcproxy::config::test {
namespace {

using Kind = ImportNote::Kind;

struct ExpectedNote {
  Kind kind;
  int line;
  const char* contains;
};

struct Case {
  const char* name;
  const char* igmpproxy;
  std::vector<const char*> output_has;  // lines (or parts) of the translation
  std::vector<ExpectedNote> notes;      // exactly these, in order
};

const std::vector<Case> kCases = {
    {"up and down", "phyint eth0 upstream\nphyint eth1 downstream\n",
     {"protocol IGMPv3;", "pinstance igmpproxy: eth0 ==> eth1;"}, {}},
    {"several downstreams keep their order", "phyint eth0 upstream\nphyint b downstream\nphyint a downstream\n",
     {"pinstance igmpproxy: eth0 ==> b a;"}, {}},
    {"quickleave", "quickleave\nphyint eth0 upstream\nphyint eth1 downstream\n", {"pinstance igmpproxy quick-leave on;"}, {}},
    {"ratelimit 0 and threshold 1 are the defaults",
     "phyint eth0 upstream ratelimit 0 threshold 1\nphyint eth1 downstream ratelimit 0 threshold 1\n",
     {"pinstance igmpproxy: eth0 ==> eth1;"}, {}},
    {"downstream threshold", "phyint eth0 upstream\nphyint eth1 downstream threshold 8\n",
     {"pinstance igmpproxy downstream eth1 threshold 8;"}, {}},
    {"upstream threshold has no equivalent", "phyint eth0 upstream\n threshold 4\nphyint eth1 downstream\n",
     {"pinstance igmpproxy: eth0 ==> eth1;"}, {{Kind::NotTranslated, 2, "threshold 4 on the upstream eth0"}}},
    {"ratelimit has no equivalent", "phyint eth0 upstream\nphyint eth1 downstream ratelimit 100\n", {},
     {{Kind::NotTranslated, 2, "ratelimit 100 on eth1"}}},
    {"downstream altnet", "phyint eth0 upstream\nphyint eth1 downstream altnet 10.2.0.0/16 altnet 10.3.0.9/24\n",
     {"pinstance igmpproxy downstream eth1 alternative-subnets 10.2.0.0/16 10.3.0.0/24;"}, {}},
    {"upstream altnet", "phyint eth0 upstream altnet 10.0.0.0/8\nphyint eth1 downstream\n",
     {"pinstance igmpproxy upstream eth0 alternative-subnets 10.0.0.0/8;"},
     {{Kind::Note, 1, "only from eth0's subnets and these prefixes, as in igmpproxy"}}},
    {"altnet without length is one host", "phyint eth0 upstream\nphyint eth1 downstream altnet 10.9.9.9\n",
     {"alternative-subnets 10.9.9.9/32;"}, {}},
    {"downstream whitelist", "phyint eth0 upstream\nphyint eth1 downstream whitelist 239.1.0.0/16 whitelist 232.1.1.1/32\n",
     {"pinstance igmpproxy downstream eth1 out whitelist table { (239.1.0.0/16 | *) (232.1.1.1/32 | *) };"}, {}},
    {"upstream whitelist", "phyint eth0 upstream whitelist 239.0.0.0/8\nphyint eth1 downstream\n",
     {"pinstance igmpproxy upstream eth0 out whitelist table { (239.0.0.0/8 | *) };"}, {}},
    {"whitelist wider than multicast is clipped", "phyint eth0 upstream\nphyint eth1 downstream whitelist 0.0.0.0/0\n",
     {"table { (224.0.0.0/4 | *) };"}, {{Kind::Note, 2, "its multicast part 224.0.0.0/4"}}},
    {"whitelist without multicast is left out", "phyint eth0 upstream\nphyint eth1 downstream\nwhitelist 10.0.0.0/8\n",
     {"downstream eth1 out whitelist table { };"}, {{Kind::NotTranslated, 3, "contains no multicast group"}}},
    {"a name with '*' is not a pattern in igmpproxy: left out",
     "phyint up1* upstream\nphyint up1 upstream\nphyint lan0 downstream\n",
     {"pinstance igmpproxy: up1 ==> lan0;"}, {{Kind::NotTranslated, 1, "contains '*', which mcproxy reads as a name pattern"}}},
    {"a name with '\"' cannot be written: left out",
     "phyint up0 upstream\nphyint lan0 downstream\nphyint lan0\"downstream\n",
     {"pinstance igmpproxy: up0 ==> lan0;"}, {{Kind::NotTranslated, 3, "contains '\"'"}}},
    {"disabled interfaces are listed in a comment", "phyint eth0 upstream\nphyint eth1 downstream\nphyint eth2 disabled\n",
     {"# disabled in igmpproxy, not used by mcproxy: eth2"}, {}},
    {"a phyint without role is disabled", "phyint eth0 upstream\nphyint eth1 downstream\nphyint eth2\n",
     {"# disabled in igmpproxy, not used by mcproxy: eth2"}, {}},
    {"names mcproxy reads as words stay plain", "phyint eth0.7 upstream\nphyint br-lan downstream\n",
     {"pinstance igmpproxy: eth0.7 ==> br-lan;"}, {}},
    {"other names are quoted", "phyint wan@1 upstream\nphyint in downstream\nphyint lan- downstream\n",
     {"pinstance igmpproxy: \"wan@1\" ==> \"in\" \"lan-\";"}, {}},
    {"an alias is not an interface", "phyint eth0 upstream\nphyint eth1:0 downstream\n", {},
     {{Kind::NotTranslated, 2, "eth1:0 is an address alias"}}},
    {"several upstreams in order", "phyint a upstream\nphyint b upstream\nphyint c downstream\n",
     {"pinstance igmpproxy: a b ==> c;"}, {{Kind::Note, 2, "several upstreams"}}},
    {"no upstream: a querier only", "phyint eth1 downstream\n", {"pinstance igmpproxy: ==> eth1;"},
     {{Kind::NotTranslated, 1, "no upstream interface"}}},
    {"second phyint of one interface is ignored", "phyint eth0 upstream\nphyint eth1 downstream\nphyint eth1 downstream threshold 9\n",
     {"pinstance igmpproxy: eth0 ==> eth1;"}, {{Kind::NotTranslated, 3, "igmpproxy uses the first one only"}}},
    {"hashtablesize is not needed", "quickleave\nhashtablesize 1024\nphyint eth0 upstream\nphyint eth1 downstream\n", {},
     {{Kind::Note, 2, "hashtablesize"}}},
    {"rescanvif", "rescanvif\nphyint eth0 upstream\nphyint eth1 downstream\n", {}, {{Kind::Note, 1, "rescanvif"}}},
    {"chroot and user", "chroot /var/empty\nuser nobody\nphyint eth0 upstream\nphyint eth1 downstream\n", {},
     {{Kind::NotTranslated, 1, "chroot /var/empty"}, {Kind::NotTranslated, 2, "user nobody"}}},
    {"defaultdown makes later role-less phyints downstreams", "defaultdown\nphyint eth0 upstream\nphyint eth1\n",
     {"pinstance igmpproxy: eth0 ==> eth1;"}, {{Kind::NotTranslated, 1, "defaultdown"}}},
    {"comments anywhere", "# c\nphyint eth0 upstream # up\n#x\nphyint eth1#y\n downstream\n", {"pinstance igmpproxy: eth0 ==> eth1;"}, {}},
};

const std::vector<Case> kErrors = {
    {"empty file", "# nothing\n", {}, {{Kind::Error, 1, "empty"}}},
    {"no downstream", "phyint eth0 upstream\n", {}, {{Kind::Error, 1, "no downstream interface"}}},
    {"unknown token", "phyint eth0 upstream\nphyint eth1 downstream\nfastleave\n", {},
     {{Kind::Error, 3, "unknown token 'fastleave'"}}},
    {"bad threshold", "phyint eth0 upstream\nphyint eth1 downstream threshold 0\n", {},
     {{Kind::Error, 2, "threshold '0'"}}},
    {"bad subnet", "phyint eth0 upstream altnet 10.0.0.0/40\nphyint eth1 downstream\n", {},
     {{Kind::Error, 1, "altnet '10.0.0.0/40'"}}},
    {"missing value", "phyint eth0 upstream\nphyint eth1 downstream ratelimit\n", {}, {{Kind::Error, 2, "'ratelimit' needs a value"}}},
    {"long name", "phyint eth0 upstream\nphyint abcdefghijklmnop downstream\n", {}, {{Kind::Error, 2, "longer than 15"}}},
};

void expect_case(const Case& c) {
  SCOPED_TRACE(c.name);
  const auto r = import_igmpproxy(c.igmpproxy, "in.conf");
  for (const char* line : c.output_has) EXPECT_NE(r.configuration.find(line), std::string::npos) << line << " in\n" << r.configuration;
  ASSERT_EQ(r.notes.size(), c.notes.size()) << [&] {
    std::string all;
    for (const auto& n : r.notes) all += std::to_string(n.line) + ": " + n.message + "\n";
    return all;
  }();
  for (std::size_t i = 0; i < c.notes.size(); ++i) {
    EXPECT_EQ(r.notes[i].kind, c.notes[i].kind) << r.notes[i].message;
    EXPECT_EQ(r.notes[i].line, c.notes[i].line) << r.notes[i].message;
    EXPECT_NE(r.notes[i].message.find(c.notes[i].contains), std::string::npos) << r.notes[i].message;
  }
}

TEST(IgmpproxyImport, EachStatementTranslates) {
  for (const auto& c : kCases) {
    expect_case(c);
    const auto r = import_igmpproxy(c.igmpproxy, "in.conf");
    EXPECT_EQ(joined(errors_of(r.configuration, "out.conf")), "") << c.name << ":\n" << r.configuration;
  }
}

// igmpproxy stops on "addVIF, out of VIF space": more than MAXVIFS (32)
// upstreams and downstreams are refused, disabled ones do not count.
TEST(IgmpproxyImport, MoreInterfacesThanMaxvifsAreRefused) {
  std::string file = "phyint up0 upstream\n";
  for (int n = 0; n < 31; ++n) file += "phyint lan" + std::to_string(n) + " downstream\n";
  file += "phyint off0 disabled\n";
  EXPECT_NE(import_igmpproxy(file, "in.conf").configuration, "");
  file += "phyint lan31 downstream\n";
  const auto r = import_igmpproxy(file, "in.conf");
  EXPECT_EQ(r.configuration, "");
  ASSERT_TRUE(r.has(Kind::Error));
  EXPECT_NE(r.notes.back().message.find("33 upstream and downstream interfaces"), std::string::npos);
  EXPECT_EQ(r.notes.back().line, 34);
}

TEST(IgmpproxyImport, FilesIgmpproxyRefusesAreNotTranslated) {
  for (const auto& c : kErrors) {
    expect_case(c);
    EXPECT_EQ(import_igmpproxy(c.igmpproxy, "in.conf").configuration, "") << c.name;
  }
}

TEST(IgmpproxyImport, WhitelistMeansWhatIgmpproxyMeant) {
  auto c = parsed(import_igmpproxy("phyint u upstream\nphyint d downstream whitelist 239.1.0.0/16\n", "x").configuration);
  const auto& d = c.instances.at(0).downstreams.at(0);
  ASSERT_TRUE(d.filter_out.has_value());
  EXPECT_TRUE(d.filter_out->admits("u", addr("239.1.2.3"), addr("10.0.0.1")));
  EXPECT_FALSE(d.filter_out->admits("u", addr("239.2.2.3"), addr("10.0.0.1")));
}

std::string read(const std::string& name) {
  std::ifstream in(std::filesystem::path(MCPROXY_SOURCE_DIR) / "tests/fixtures/igmpproxy" / name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(IgmpproxyImport, DebianExampleConfiguration) {
  const auto r = import_igmpproxy(read("debian-igmpproxy.conf"), "igmpproxy.conf");
  EXPECT_TRUE(r.notes.size() == 1 && r.notes[0].kind == Kind::Note) << r.notes.size();  // upstream altnet
  const auto c = parsed(r.configuration);
  const auto& inst = c.instances.at(0);
  EXPECT_EQ(inst.name, kImportedInstance);
  EXPECT_TRUE(inst.quick_leave);
  ASSERT_EQ(inst.upstreams.size(), 1u);
  EXPECT_EQ(inst.upstreams[0].name, "eth0");
  ASSERT_EQ(inst.upstreams[0].alternative_subnets.size(), 2u);
  EXPECT_EQ(inst.upstreams[0].alternative_subnets[1].network, addr("192.168.0.0"));
  ASSERT_EQ(inst.downstreams.size(), 1u);
  EXPECT_EQ(inst.downstreams[0].name, "eth1");
  EXPECT_NE(r.configuration.find("# disabled in igmpproxy, not used by mcproxy: eth2"), std::string::npos);
}

TEST(IgmpproxyImport, VyosGeneratedFiles) {
  const auto r = import_igmpproxy(read("vyos-generated.conf"), "igmpproxy.conf");
  EXPECT_FALSE(r.has(Kind::NotTranslated));
  const auto c = parsed(r.configuration);
  const auto& inst = c.instances.at(0);
  EXPECT_TRUE(inst.quick_leave);
  EXPECT_EQ(inst.upstreams.at(0).name, "eth0.7");
  ASSERT_EQ(inst.downstreams.size(), 2u);
  EXPECT_EQ(inst.downstreams[0].alternative_subnets.at(0).length, 24u);
  EXPECT_EQ(inst.downstreams[1].threshold, 3u);
  EXPECT_TRUE(inst.downstreams[1].filter_out->admits("eth0.7", addr("232.1.1.1"), addr("10.0.0.1")));
  EXPECT_FALSE(inst.downstreams[1].filter_out->admits("eth0.7", addr("239.1.1.1"), addr("10.0.0.1")));

  const auto q = import_igmpproxy(read("vyos-no-quickleave.conf"), "igmpproxy.conf");
  const auto c2 = parsed(q.configuration);
  EXPECT_FALSE(c2.instances.at(0).quick_leave);
  EXPECT_EQ(c2.instances.at(0).upstreams.at(0).name, "pppoe0");
  EXPECT_TRUE(c2.instances.at(0).upstreams.at(0).filter_out.has_value());
  EXPECT_EQ(c2.instances.at(0).downstreams.at(1).name, "eth1.20");
}

}  // namespace
}  // namespace mcproxy::config::test
