// The kernel layer against the real Linux kernel, as root, inside throw-away
// network namespaces: tables, VIFs, MFC, rules, counters, upcalls, raw I/O,
// link events, feature probing, and that cleanup leaves nothing behind.
#include "modules/codec/codec.hpp"
#include "modules/kernel/linux_kernel.hpp"
#include "modules/kernel/upcall.hpp"
#include "modules/receiver/receiver.hpp"
#include "modules/routing/routing.hpp"
#include "netns.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <log4cplus/logger.h>
#include <log4cplus/nullappender.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace mcproxy::kernel {
namespace {

using test::InNetns;
using test::Netns;
using test::run;

struct QuietLogging : ::testing::Environment {
  void SetUp() override {
    log4cplus::Logger::getRoot().addAppender(log4cplus::SharedAppenderPtr(new log4cplus::NullAppender));
  }
};
const auto* const kQuiet = ::testing::AddGlobalTestEnvironment(new QuietLogging);

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

#define REQUIRE_ROOT()                                                                        \
  do {                                                                                        \
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: creates network namespaces and veths"; \
  } while (false)

// A kernel built without CONFIG_IP_MROUTE / CONFIG_IPV6_MROUTE has no
// /proc/net/ip_mr_vif / ip6_mr_vif and refuses MRT_INIT with ENOPROTOOPT:
// the tests of multicast routing cannot run there (tests/run.sh says so).
bool kernel_has_mroute() {
  return ::access("/proc/net/ip_mr_vif", F_OK) == 0 && ::access("/proc/net/ip6_mr_vif", F_OK) == 0;
}
#define REQUIRE_ROOT_AND_MROUTE()                                                                  \
  do {                                                                                             \
    REQUIRE_ROOT();                                                                                \
    if (!kernel_has_mroute())                                                                      \
      GTEST_SKIP() << "the kernel has no multicast routing (CONFIG_IP_MROUTE, CONFIG_IPV6_MROUTE)"; \
  } while (false)

// Router namespace R with "up0" (10.99.0.1/24, 2001:db8:99::1/64) whose peer
// "h0" (10.99.0.2, 2001:db8:99::2) lives in host namespace H, and "dn0"
// (10.98.0.1/24, 2001:db8:98::1/64) whose peer "dn0p" stays in R.
class Topology {
 public:
  Topology() : router_("r"), host_("h") {
    const std::string r = "ip -n " + router_.name() + " ";
    const std::string h = "ip -n " + host_.name() + " ";
    for (const std::string& cmd : {
             r + "link set lo up",
             r + "link add up0 type veth peer name h0 netns " + host_.name(),
             r + "link add dn0 type veth peer name dn0p",
             r + "addr add 10.99.0.1/24 dev up0",
             r + "addr add 2001:db8:99::1/64 dev up0 nodad",
             r + "addr add 10.98.0.1/24 dev dn0",
             r + "addr add 2001:db8:98::1/64 dev dn0 nodad",
             r + "link set up0 up",
             r + "link set dn0 up",
             r + "link set dn0p up",
             h + "link set lo up",
             h + "addr add 10.99.0.2/24 dev h0",
             h + "addr add 2001:db8:99::2/64 dev h0 nodad",
             h + "link set h0 up",
         }) {
      auto result = run(cmd);
      if (result.status != 0) throw std::runtime_error(cmd + ": " + result.output);
    }
    // Wait (bounded) until both veth ends have carrier and link-local addresses.
    for (int i = 0; i < 100; ++i) {
      if (contains(run(r + "-6 addr show dev up0 scope link").output, "fe80") &&
          contains(run(h + "-6 addr show dev h0 scope link").output, "fe80") &&
          !contains(run(h + "-6 addr show dev h0").output, "tentative") &&
          !contains(run(r + "-6 addr show dev up0").output, "tentative"))
        break;
      ::usleep(50000);
    }
  }
  const Netns& router() const { return router_; }
  const Netns& host() const { return host_; }
  std::string in_router(const std::string& args) const { return run("ip -n " + router_.name() + " " + args).output; }

 private:
  Netns router_;
  Netns host_;
};

// Reads from `fd` until `accept` returns true for a datagram or 3 s pass.
template <class Accept>
bool receive_until(KernelApi& k, int fd, Family family, Accept accept) {
  std::vector<std::uint8_t> buffer(65536);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    auto r = k.receive(fd, family, buffer);
    if (!r || !*r) continue;
    if (accept(std::span<const std::uint8_t>(buffer.data(), (*r)->length), **r)) return true;
  }
  return false;
}

// Multicast UDP from the host namespace out of h0 (TTL 5).
void send_udp_from_host(const Topology& topo, const Address& group) {
  InNetns in(topo.host());
  LinuxKernel k;
  const int ifindex = *k.ifindex_of("h0");
  if (group.is_v4()) {
    Fd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ip_mreqn m{};
    m.imr_ifindex = ifindex;
    ::setsockopt(s.get(), IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof m);
    const int ttl = 5;
    ::setsockopt(s.get(), IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(5000);
    to.sin_addr.s_addr = htonl(group.to_v4().to_uint());
    for (int i = 0; i < 3; ++i) ::sendto(s.get(), "data", 4, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  } else {
    Fd s(::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ::setsockopt(s.get(), IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex);
    const int hops = 5;
    ::setsockopt(s.get(), IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    to.sin6_port = htons(5000);
    const auto b = group.to_v6().to_bytes();
    std::memcpy(&to.sin6_addr, b.data(), 16);
    for (int i = 0; i < 3; ++i) ::sendto(s.get(), "data", 4, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
}

struct FamilyCase {
  Family family;
  const char* ip;        // "ip" or "ip -6"
  const char* source;    // the host's address
  const char* group;
  std::uint32_t table;
};

class KernelFamily : public ::testing::TestWithParam<FamilyCase> {};

// The whole life of a table: MRT_TABLE before MRT_INIT, VIFs by ifindex, a
// rule, an MFC entry with counters, then cleanup that leaves nothing behind.
TEST_P(KernelFamily, TableVifRuleMfcCountersAndCleanup) {
  REQUIRE_ROOT_AND_MROUTE();
  const FamilyCase c = GetParam();
  Topology topo;
  const std::string table = std::to_string(c.table);
  {
    InNetns in(topo.router());
    LinuxKernel k;
    const int up = *k.ifindex_of("up0");
    const int dn = *k.ifindex_of("dn0");
    auto sock = k.open_mroute_socket(c.family);
    ASSERT_TRUE(sock) << sock.error().message();
    const int fd = sock->get();
    ASSERT_TRUE(k.set_table(fd, c.family, c.table));
    ASSERT_TRUE(k.mrt_init(fd, c.family));
    ASSERT_TRUE(k.flush(fd, c.family));
    // MRT_TABLE after MRT_INIT is refused by the kernel.
    EXPECT_FALSE(k.set_table(fd, c.family, c.table + 1));
    ASSERT_TRUE(k.add_vif(fd, c.family, 0, up, 1));
    ASSERT_TRUE(k.add_vif(fd, c.family, 1, dn, 1));
    const MrouteRule rule{c.family, "up0", "", c.table, 30000};
    ASSERT_TRUE(k.add_rule(rule));
    auto dup = k.add_rule(rule);
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().error, EEXIST);
    auto rules = k.list_rules(c.family);
    ASSERT_TRUE(rules);
    EXPECT_NE(std::find(rules->begin(), rules->end(), rule), rules->end());
    const std::string mrules = run(std::string(c.ip) + " mrule show").output;
    EXPECT_TRUE(contains(mrules, "30000:\tfrom all iif up0 lookup " + table)) << mrules;

    const Address source = boost::asio::ip::make_address(c.source);
    const Address group = boost::asio::ip::make_address(c.group);
    ASSERT_TRUE(k.add_mfc(fd, MfcEntry{source, group, 0, {{1, 1}}}));
    const std::string routes = run(std::string(c.ip) + " mroute show table " + table).output;
    EXPECT_TRUE(contains(routes, "Iif: up0")) << routes;
    EXPECT_TRUE(contains(routes, "Oifs: dn0")) << routes;
    auto sg = k.sg_counters(fd, source, group);
    ASSERT_TRUE(sg) << sg.error().message();
    auto vif = k.vif_counters(fd, c.family, 0);
    ASSERT_TRUE(vif) << vif.error().message();
    // Data from the host is forwarded by the entry: counters move.
    send_udp_from_host(topo, group);
    for (int i = 0; i < 30 && k.sg_counters(fd, source, group)->packets == 0; ++i) ::usleep(50000);
    EXPECT_GT(k.sg_counters(fd, source, group)->packets, 0u);
    EXPECT_GT(k.vif_counters(fd, c.family, 0)->packets_in, 0u);
    EXPECT_GT(k.vif_counters(fd, c.family, 1)->packets_out, 0u);

    ASSERT_TRUE(k.del_mfc(fd, source, group));
    EXPECT_FALSE(k.sg_counters(fd, source, group));
    ASSERT_TRUE(k.del_vif(fd, c.family, 1, dn));
    ASSERT_TRUE(k.del_vif(fd, c.family, 0, up));
    ASSERT_TRUE(k.del_rule(rule));
    ASSERT_TRUE(k.mrt_done(fd, c.family));
  }
  EXPECT_FALSE(contains(topo.in_router(std::string(c.ip).substr(2) + " mroute show table " + table), "Iif"));
  EXPECT_FALSE(contains(topo.in_router(std::string(c.ip).substr(2) + " mrule show"), "lookup " + table));
}

// Data for a group with no MFC entry arriving on a VIF raises a NOCACHE upcall
// on the mroute socket of the table the iif rule selects.
TEST_P(KernelFamily, NoCacheUpcallOnMulticastData) {
  REQUIRE_ROOT_AND_MROUTE();
  const FamilyCase c = GetParam();
  Topology topo;
  const Address group = boost::asio::ip::make_address(c.group);
  const Address source = boost::asio::ip::make_address(c.source);
  InNetns in(topo.router());
  LinuxKernel k;
  auto sock = k.open_mroute_socket(c.family);
  ASSERT_TRUE(sock);
  const int fd = sock->get();
  ASSERT_TRUE(k.set_table(fd, c.family, c.table));
  ASSERT_TRUE(k.mrt_init(fd, c.family));
  ASSERT_TRUE(k.add_vif(fd, c.family, 0, *k.ifindex_of("up0"), 1));
  ASSERT_TRUE(k.add_vif(fd, c.family, 1, *k.ifindex_of("dn0"), 1));
  const MrouteRule rule{c.family, "up0", "", c.table, 30000};
  ASSERT_TRUE(k.add_rule(rule));
  {
    // Leave R only for the send; the upcall is read back in R.
    send_udp_from_host(topo, group);
  }
  std::optional<KernelUpcall> upcall;
  const bool got = receive_until(k, fd, c.family, [&](std::span<const std::uint8_t> bytes, const Datagram&) {
    auto u = c.family == Family::V4 ? parse_igmpmsg(bytes) : parse_mrt6msg(bytes);
    if (u && u->kind == UpcallKind::NoCache && u->group == group) upcall = *u;
    return upcall.has_value();
  });
  ASSERT_TRUE(got) << "no NOCACHE upcall within 3 s";
  EXPECT_EQ(upcall->vif, 0);
  EXPECT_EQ(upcall->source, source);
  // The kernel keeps an unresolved entry; MRT_DONE removes all of it.
  ASSERT_TRUE(k.del_rule(rule));
  ASSERT_TRUE(k.mrt_done(fd, c.family));
}

INSTANTIATE_TEST_SUITE_P(Families, KernelFamily,
                         ::testing::Values(FamilyCase{Family::V4, "ip", "10.99.0.2", "239.1.2.3", 100},
                                           FamilyCase{Family::V6, "ip -6", "2001:db8:99::2", "ff3e::1234", 100}),
                         [](const auto& param_info) { return param_info.param.family == Family::V4 ? "IPv4" : "IPv6"; });

// RFC 3376 §4 / RFC 3810 §5 envelopes as they leave the Sender's sockets:
// IPv4 TTL 1 with Router Alert, IPv6 hop limit 1 from a link-local source with
// a hop-by-hop Router Alert; received with the interface index on the far side.
TEST(KernelRawIo, IgmpAndMldQueriesCrossTheLinkWithTheirEnvelope) {
  REQUIRE_ROOT();
  Topology topo;
  LinuxKernel k;
  Fd rx4;
  Fd rx6;
  int h0 = 0;
  AddressV6 host_link_local;
  {
    InNetns in(topo.host());
    rx4 = std::move(*k.open_packet_socket(Family::V4, PacketSocketRole::Receive));
    auto s6 = k.open_packet_socket(Family::V6, PacketSocketRole::Receive);
    ASSERT_TRUE(s6) << s6.error().message();
    rx6 = std::move(*s6);
    h0 = *k.ifindex_of("h0");
  }
  {
    InNetns in(topo.router());
    auto tx4 = k.open_packet_socket(Family::V4, PacketSocketRole::Send);
    auto tx6 = k.open_packet_socket(Family::V6, PacketSocketRole::Send);
    ASSERT_TRUE(tx4 && tx6);
    const int up = *k.ifindex_of("up0");
    auto interfaces = k.list_interfaces();
    ASSERT_TRUE(interfaces);
    std::optional<AddressV6> link_local;
    for (const auto& i : *interfaces)
      if (i.name == "up0") link_local = i.ipv6_link_local();
    ASSERT_TRUE(link_local);

    codec::Query q4;
    q4.version = codec::Version::IGMPv3;
    q4.group = unspecified(Family::V4);
    q4.max_response_time = std::chrono::milliseconds(10000);
    codec::Packet p4{AddressV4({10, 99, 0, 1}), AddressV4({224, 0, 0, 1}), 1, true, q4};
    ASSERT_TRUE(k.send_ipv4(tx4->get(), up, p4.destination.to_v4(), codec::encode_ipv4(p4)));

    codec::Query q6 = q4;
    q6.version = codec::Version::MLDv2;
    q6.group = unspecified(Family::V6);
    const Address all_nodes = boost::asio::ip::make_address_v6("ff02::1");
    auto s = k.send_ipv6(tx6->get(), up, *link_local, all_nodes.to_v6(), codec::encode_mld(q6, *link_local, all_nodes), true);
    ASSERT_TRUE(s) << s.error().message();
    host_link_local = *link_local;
  }
  EXPECT_TRUE(receive_until(k, rx4.get(), Family::V4, [&](std::span<const std::uint8_t> bytes, const Datagram& d) {
    auto p = codec::decode_ipv4(bytes);
    if (!p || !std::holds_alternative<codec::Query>(p->message)) return false;
    EXPECT_EQ(d.ifindex, h0);
    EXPECT_EQ(p->ttl, 1);
    EXPECT_TRUE(p->router_alert);
    return true;
  }));
  EXPECT_TRUE(receive_until(k, rx6.get(), Family::V6, [&](std::span<const std::uint8_t> bytes, const Datagram& d) {
    auto m = codec::decode_mld(bytes, d.source, d.destination);
    if (!m || !std::holds_alternative<codec::Query>(*m)) return false;
    EXPECT_EQ(d.ifindex, h0);
    EXPECT_EQ(d.hop_limit, 1);
    EXPECT_TRUE(d.router_alert);
    EXPECT_EQ(d.source, Address(host_link_local));
    return true;
  }));
}

TEST(KernelLinks, LinkMonitorReportsNewAndDeletedInterface) {
  REQUIRE_ROOT();
  Topology topo;
  InNetns in(topo.router());
  LinuxKernel k;
  auto monitor = k.open_link_monitor();
  ASSERT_TRUE(monitor);
  ASSERT_EQ(run("ip link add tst0 type veth peer name tst1").status, 0);
  ASSERT_EQ(run("ip addr add 10.77.0.1/24 dev tst0").status, 0);
  ASSERT_EQ(run("ip link del tst0").status, 0);
  std::vector<LinkEvent> seen;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  auto has = [&](LinkChange change) {
    return std::any_of(seen.begin(), seen.end(), [&](const LinkEvent& e) {
      return e.change == change && (e.name == "tst0" || change == LinkChange::NewAddress);
    });
  };
  while (!(has(LinkChange::NewLink) && has(LinkChange::DelLink) && has(LinkChange::NewAddress)) &&
         std::chrono::steady_clock::now() < until) {
    pollfd p{monitor->get(), POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    auto events = k.read_link_events(monitor->get());
    ASSERT_TRUE(events);
    seen.insert(seen.end(), events->begin(), events->end());
  }
  EXPECT_TRUE(has(LinkChange::NewLink));
  EXPECT_TRUE(has(LinkChange::NewAddress));
  EXPECT_TRUE(has(LinkChange::DelLink));
  auto address = std::find_if(seen.begin(), seen.end(), [](const LinkEvent& e) { return e.change == LinkChange::NewAddress; });
  ASSERT_NE(address, seen.end());
  EXPECT_EQ(address->address, Address(AddressV4({10, 77, 0, 1})));
  EXPECT_EQ(address->prefix_length, 24);
}

// --check-kernel must not leave anything behind.
TEST(KernelFeatures, ProbeReportsFeaturesAndLeavesNoState) {
  REQUIRE_ROOT_AND_MROUTE();
  Topology topo;
  InNetns in(topo.router());
  const std::string before = run("ip mrule show").output + run("ip -6 mrule show").output +
                             run("ip mroute show table all").output + run("sysctl net.ipv4.conf.all.mc_forwarding").output;
  LinuxKernel k;
  const FeatureReport r = k.probe_features();
  EXPECT_TRUE(r.ipv4_mroute) << r.description;
  EXPECT_TRUE(r.ipv6_mroute) << r.description;
  EXPECT_TRUE(r.ipv4_multiple_tables) << r.description;
  EXPECT_TRUE(r.ipv6_multiple_tables) << r.description;
  EXPECT_TRUE(r.ipv4_rules) << r.description;
  EXPECT_TRUE(r.ipv6_rules) << r.description;
  EXPECT_TRUE(contains(r.description, "IPv4 multicast routing: yes")) << r.description;
  const std::string after = run("ip mrule show").output + run("ip -6 mrule show").output +
                            run("ip mroute show table all").output + run("sysctl net.ipv4.conf.all.mc_forwarding").output;
  EXPECT_EQ(before, after);
}

// The Routing module on the real kernel: a killed predecessor's rules go at
// start, the table gets per-interface iif/oif rules, and stop leaves nothing.
TEST(RoutingOnKernel, StaleRulesRemovedTableBuiltAndTornDown) {
  REQUIRE_ROOT_AND_MROUTE();
  Topology topo;
  InNetns in(topo.router());
  ASSERT_EQ(run("ip mrule add iif dn0p lookup 201 pref 30000").status, 0);  // "left by a predecessor"
  ASSERT_EQ(run("ip mrule add iif dn0p lookup 202 pref 100").status, 0);    // an administrator's
  LinuxKernel k;
  routing::Routing r(k, nullptr);
  r.remove_stale_rules();
  std::string rules = run("ip mrule show").output;
  EXPECT_FALSE(contains(rules, "lookup 201")) << rules;
  EXPECT_TRUE(contains(rules, "lookup 202")) << rules;

  auto owner = std::make_shared<InstanceMailbox>(64);
  const TableId table{Family::V4, 200};
  r.handle(routing::CreateTable{table, owner, 1});
  r.handle(routing::AddVif{table, *k.ifindex_of("up0"), "up0", 1, 2});
  r.handle(routing::AddVif{table, *k.ifindex_of("dn0"), "dn0", 1, 3});
  const Address source = AddressV4({10, 99, 0, 2});
  const Address group = AddressV4({239, 9, 9, 9});
  r.handle(routing::SetMfc{table, source, group, *k.ifindex_of("up0"), {{*k.ifindex_of("dn0"), 1}}, 4});
  std::vector<std::string> failures;
  owner->drain([&](InstanceEvent&& e) {
    if (auto* f = std::get_if<RoutingFailure>(&e)) failures.push_back(f->error);
  });
  EXPECT_TRUE(failures.empty()) << failures.front();
  rules = run("ip mrule show").output;
  EXPECT_TRUE(contains(rules, "iif up0 lookup 200")) << rules;
  EXPECT_TRUE(contains(rules, "oif dn0 lookup 200")) << rules;
  const std::string routes = run("ip mroute show table 200").output;
  EXPECT_TRUE(contains(routes, "10.99.0.2") && contains(routes, "239.9.9.9")) << routes;

  r.handle(routing::GetCounters{table, 5});
  bool replied = false;
  owner->drain([&](InstanceEvent&& e) { replied = replied || std::holds_alternative<CounterReply>(e); });
  EXPECT_TRUE(replied);

  r.shutdown_tables();
  EXPECT_TRUE(run("ip mroute show table 200").output.empty());
  rules = run("ip mrule show").output;
  EXPECT_FALSE(contains(rules, "30000:")) << rules;
  EXPECT_TRUE(contains(rules, "lookup 202")) << rules;
}


// Joins `group` on h0 from the host namespace; the host's kernel then sends
// unsolicited reports (RFC 3376 §5.1, RFC 3810 §6.1). The socket keeps the
// membership while it lives.
Fd join_from_host(const Topology& topo, const Address& group) {
  InNetns in(topo.host());
  LinuxKernel k;
  const int ifindex = *k.ifindex_of("h0");
  Fd s(::socket(group.is_v4() ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (group.is_v4()) {
    ip_mreqn m{};
    m.imr_multiaddr.s_addr = htonl(group.to_v4().to_uint());
    m.imr_ifindex = ifindex;
    EXPECT_EQ(::setsockopt(s.get(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m), 0);
  } else {
    ipv6_mreq m{};
    const auto b = group.to_v6().to_bytes();
    std::memcpy(&m.ipv6mr_multiaddr, b.data(), 16);
    m.ipv6mr_interface = static_cast<unsigned>(ifindex);
    EXPECT_EQ(::setsockopt(s.get(), IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof m), 0);
  }
  return s;
}

// True if `m` is a report that names `group` (any version).
bool reports(const codec::Message& m, const Address& group) {
  if (const auto* r = std::get_if<codec::MembershipReport>(&m)) return r->group == group;
  if (const auto* r = std::get_if<codec::V3Report>(&m))
    return std::any_of(r->records.begin(), r->records.end(), [&](const auto& rec) { return rec.group == group; });
  return false;
}

struct ReportCase {
  const char* name;
  Family family;
  const char* group;
  const char* host_sysctl;  // forces the host's protocol version
};

class ReceiverOnKernel : public ::testing::TestWithParam<ReportCase> {};

// The Receiver's claim about where reports arrive (doc/architecture.md,
// "Receiving"): IGMPv3 to 224.0.0.22 and IGMPv2 to the group itself both reach
// the instance through its table's mroute socket; MLDv1/v2 through the MLD
// socket. Each ends up as a ReceivedPacket for the registering instance.
TEST_P(ReceiverOnKernel, HostReportReachesRegisteredInstance) {
  REQUIRE_ROOT_AND_MROUTE();
  const ReportCase c = GetParam();
  Topology topo;
  ASSERT_EQ(run("ip netns exec " + topo.host().name() + " sysctl -qw " + c.host_sysctl).status, 0);
  const Address group = boost::asio::ip::make_address(c.group);
  InNetns in(topo.router());
  LinuxKernel k;
  receiver::Receiver rx(k);
  ASSERT_TRUE(rx.open());
  routing::Routing r(k, [&rx](receiver::ReceiverMessage m) { rx.handle(std::move(m)); });
  auto owner = std::make_shared<InstanceMailbox>(256);
  const TableId table{c.family, 300};
  const int up = *k.ifindex_of("up0");
  r.handle(routing::CreateTable{table, owner, 1});
  r.handle(routing::AddVif{table, up, "up0", 1, 2});
  rx.handle(receiver::RegisterInterface{c.family, up, "up0", owner});
  Fd membership = join_from_host(topo, group);

  bool seen = false;
  std::vector<std::string> failures;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!seen && std::chrono::steady_clock::now() < until) {
    rx.run_once(std::chrono::milliseconds(100));
    owner->drain([&](InstanceEvent&& e) {
      if (auto* p = std::get_if<ReceivedPacket>(&e)) {
        EXPECT_EQ(p->ifindex, up);
        EXPECT_EQ(p->ifname, "up0");
        seen = seen || reports(p->packet.message, group);
      } else if (auto* f = std::get_if<RoutingFailure>(&e)) {
        failures.push_back(f->error);
      }
    });
  }
  EXPECT_TRUE(failures.empty()) << failures.front();
  EXPECT_TRUE(seen) << "no report for " << c.group << " within 5 s";
  r.shutdown_tables();
}

INSTANTIATE_TEST_SUITE_P(
    Versions, ReceiverOnKernel,
    ::testing::Values(ReportCase{"IGMPv3", Family::V4, "239.5.5.3", "net.ipv4.conf.all.force_igmp_version=3"},
                      ReportCase{"IGMPv2", Family::V4, "239.5.5.2", "net.ipv4.conf.all.force_igmp_version=2"},
                      ReportCase{"MLDv2", Family::V6, "ff3e::5:2", "net.ipv6.conf.all.force_mld_version=2"},
                      ReportCase{"MLDv1", Family::V6, "ff3e::5:1", "net.ipv6.conf.all.force_mld_version=1"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace mcproxy::kernel
