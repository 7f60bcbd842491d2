// A proxy instance as the daemon runs it: its own thread, the real Receiver,
// Sender, Routing and Timer threads, on a fake kernel. What the instance takes
// from its mailbox is counted by outcome, and the outcomes add up
// (doc/operations.md, "Counters"):
//   packets = packets_handled + dropped_inactive_link + dropped_foreign_subnet
//   upcalls = upcalls_handled + upcalls_wrong_vif + dropped_upcall_stale_vif + ...
// and what the Receiver delivered is what the instances took.
#include "instances/runtime/instance_mailbox.hpp"
#include "instances/runtime/proxy_instance.hpp"
#include "modules/codec/codec.hpp"
#include "modules/config/load.hpp"
#include "tests/unit/daemon_threaded/module_threads.hpp"
#include "tests/unit/daemon_threaded/threaded_helpers.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

namespace mcproxy {
namespace {

using namespace std::chrono_literals;

constexpr int kUpstream = 2;
constexpr int kDownstream = 3;

kernel::InterfaceInfo interface(int ifindex, const char* name, const char* address, bool up = true) {
  return test_interface(ifindex, name, address, up);
}

// What one instance counted, read on its thread.
struct Counted {
  std::uint64_t packets = 0, packets_handled = 0, inactive_link = 0, foreign_subnet = 0;
  std::uint64_t upcalls = 0, upcalls_handled = 0, wrong_vif = 0, stale_vif = 0, foreign_source = 0;
  bool operator==(const Counted&) const = default;
};

// Instance `t` (IGMPv3, up0 ==> lan0) on the module threads of a fake kernel.
struct Lab : ModuleThreads {
  std::shared_ptr<instances::InstanceTotals> totals = std::make_shared<instances::InstanceTotals>();
  std::unique_ptr<instances::ProxyInstance> instance;

  Lab() : ModuleThreads({interface(kUpstream, "up0", "192.0.2.2"), interface(kDownstream, "lan0", "10.2.0.1")}) {
    auto parsed = config::parse_config("pinstance t: up0 ==> lan0;\n", "test.conf");
    EXPECT_TRUE(parsed.has_value());
    instance = std::make_unique<instances::ProxyInstance>(
        config::Protocol::IGMPv3, parsed->instances.front(), TableId{Family::V4, 0},
        instances::Modules{kernel, receiver, sender, routing, timer, clock, totals});
    instance->start();
  }
  ~Lab() { instance->stop(); }  // before the module threads stop

  // Runs `f` on the instance thread and returns its result.
  template <class F>
  auto on_instance(F f) {
    using R = decltype(f(*instance));
    auto promise = std::make_shared<std::promise<R>>();
    auto answer = promise->get_future();
    EXPECT_TRUE(instance->post_control([promise, f](instances::ProxyInstance& i) { promise->set_value(f(i)); }));
    EXPECT_EQ(answer.wait_for(5s), std::future_status::ready);
    return answer.get();
  }
  std::optional<VifIndex> vif_of(const std::string& ifname) {
    return on_instance([ifname](instances::ProxyInstance& i) -> std::optional<VifIndex> {
      auto it = i.links().find(ifname);
      if (it == i.links().end() || !it->second.active) return std::nullopt;
      return it->second.vif;
    });
  }
  // Both interfaces active, with their VIFs.
  bool ready() {
    return eventually([&] { return vif_of("up0").has_value() && vif_of("lan0").has_value(); });
  }
  Counted counted() {
    return on_instance([](instances::ProxyInstance& i) {
      return Counted{i.packets(),         i.packets_handled(), i.inactive_link_drops(),
                     i.foreign_subnet_drops(), i.upcalls(),  i.upcalls_handled(),
                     i.wrong_vif_upcalls(), i.stale_vif_upcalls(), i.foreign_source_drops()};
    });
  }
  int mroute_socket() const { return kernel.opened("open_mroute_socket v4"); }

  // An IGMPv3 report from `host` on lan0 joining `group` (EXCLUDE {}).
  void inject_report(const char* host, const char* group) {
    codec::Packet p;
    p.source = v4(host);
    p.destination = v4("224.0.0.22");
    codec::GroupRecord record;
    record.type = codec::RecordType::ChangeToExcludeMode;
    record.group = v4(group);
    p.message = codec::V3Report{codec::Version::IGMPv3, {record}};
    kernel::Datagram meta;
    meta.ifindex = kDownstream;
    kernel.inject(mroute_socket(), codec::encode_ipv4(p), meta);
  }
  // The first report reaches the instance only once the Receiver has taken
  // lan0's registration: inject until the Receiver passes one on.
  bool first_report_delivered(const char* host, const char* group) {
    for (int attempt = 0; attempt < 50; ++attempt) {
      inject_report(host, group);
      if (eventually([&] { return receiver.counters().packets == 1; }, 100ms)) return true;
    }
    return false;
  }
  // A kernel upcall (struct igmpmsg) of `kind` (1 NOCACHE, 2 WRONGVIF) for
  // (192.0.2.99, 239.1.1.1) on `vif`.
  void inject_upcall(std::uint8_t kind, VifIndex vif) {
    const std::vector<std::uint8_t> igmpmsg = {0, 0, 0, 0, 0, 0, 0, 0, kind, 0, static_cast<std::uint8_t>(vif), 0,
                                               192, 0, 2, 99, 239, 1, 1, 1};
    kernel.inject(mroute_socket(), igmpmsg, kernel::Datagram{});
  }
};

TEST(InstanceThreaded, AReportOnTheDownstreamIsHandledAndCounted) {
  Lab lab;
  ASSERT_TRUE(lab.ready());
  ASSERT_TRUE(lab.first_report_delivered("10.2.0.9", "239.1.1.1"));
  ASSERT_TRUE(eventually([&] { return lab.counted().packets == 1; }));
  EXPECT_EQ(lab.counted(), (Counted{.packets = 1, .packets_handled = 1}));
  const bool member = lab.on_instance([](instances::ProxyInstance& i) {
    const auto m = i.core().downstream_memberships();
    return m.contains("lan0") && m.at("lan0").contains(v4("239.1.1.1"));
  });
  EXPECT_TRUE(member);
  // Receiver delivered = what the instances took.
  EXPECT_EQ(lab.receiver.counters().delivered, 1u);
  EXPECT_EQ(lab.totals->packets.load(), 1u);
}

// doc/configuration.md, alternative-subnets: a downstream takes reports from
// its own subnets only.
TEST(InstanceThreaded, AReportFromAnotherSubnetIsCountedAsForeign) {
  Lab lab;
  ASSERT_TRUE(lab.ready());
  ASSERT_TRUE(lab.first_report_delivered("172.16.0.9", "239.1.1.1"));
  ASSERT_TRUE(eventually([&] { return lab.counted().packets == 1; }));
  EXPECT_EQ(lab.counted(), (Counted{.packets = 1, .foreign_subnet = 1}));
  EXPECT_TRUE(lab.on_instance([](instances::ProxyInstance& i) { return i.core().downstream_memberships().empty() ||
                                                                        i.core().downstream_memberships().at("lan0").empty(); }));
}

// A report queued in the mailbox while its link goes down: the link event
// (control lane) is handled first, the report then finds lan0 inactive.
TEST(InstanceThreaded, AReportQueuedBehindItsLinkGoingDownIsCountedAsInactiveLink) {
  Lab lab;
  ASSERT_TRUE(lab.ready());
  ASSERT_TRUE(lab.first_report_delivered("10.2.0.9", "239.1.1.1"));
  ASSERT_TRUE(eventually([&] { return lab.counted().packets == 1; }));

  // Hold the instance thread inside a control function.
  HeldInstance held(*lab.instance);
  ASSERT_TRUE(held.held());

  lab.inject_report("10.2.0.9", "239.2.2.2");
  ASSERT_TRUE(eventually([&] { return lab.receiver.counters().delivered == 2; }));
  const auto events_before = lab.receiver.counters().link_events;
  lab.kernel.set_interfaces({interface(kUpstream, "up0", "192.0.2.2"), interface(kDownstream, "lan0", "10.2.0.1", false)});
  LinkEvent down;
  down.change = LinkChange::NewLink;
  down.ifindex = kDownstream;
  down.name = "lan0";
  down.multicast = true;
  down.mtu = 1500;
  lab.kernel.inject_link_events(lab.kernel.opened("open_link_monitor"), {down});
  ASSERT_TRUE(eventually([&] { return lab.receiver.counters().link_events > events_before; }));
  held.release();

  ASSERT_TRUE(eventually([&] { return lab.counted().packets == 2; }));
  EXPECT_EQ(lab.counted(), (Counted{.packets = 2, .packets_handled = 1, .inactive_link = 1}));
  EXPECT_FALSE(lab.vif_of("lan0").has_value());
  EXPECT_EQ(lab.totals->packets.load(), 2u);
}

// Upcalls by outcome: NOCACHE on the upstream's VIF is handled, WRONGVIF is
// counted and left alone, NOCACHE on a VIF the instance does not hold is stale.
TEST(InstanceThreaded, UpcallsAreCountedByOutcome) {
  Lab lab;
  ASSERT_TRUE(lab.ready());
  const VifIndex up = *lab.vif_of("up0");
  const VifIndex lan = *lab.vif_of("lan0");
  VifIndex unused = 0;
  while (unused == up || unused == lan) ++unused;
  // The mroute socket reaches the Receiver through Routing: retry the first
  // upcall until the Receiver reads it.
  bool read = false;
  for (int attempt = 0; attempt < 50 && !read; ++attempt) {
    lab.inject_upcall(1, up);
    read = eventually([&] { return lab.receiver.counters().upcalls == 1; }, 100ms);
  }
  ASSERT_TRUE(read);
  lab.inject_upcall(2, lan);
  lab.inject_upcall(1, unused);
  ASSERT_TRUE(eventually([&] { return lab.counted().upcalls == 3; }));
  EXPECT_EQ(lab.counted(), (Counted{.upcalls = 3, .upcalls_handled = 1, .wrong_vif = 1, .stale_vif = 1}));
  EXPECT_EQ(lab.receiver.counters().delivered, 3u);
  EXPECT_EQ(lab.totals->upcalls.load(), 3u);
}

// doc/architecture.md, "Mailboxes": an instance takes its mailbox in batches
// of up to 1024 events, in slices of 64; a control function (status,
// reconfiguration) that arrives during a flood runs after the current slice,
// not after a whole batch.
TEST(InstanceThreaded, AControlRequestWaitsForOneSliceOfAFloodNotABatch) {
  Lab lab;
  ASSERT_TRUE(lab.ready());
  ASSERT_TRUE(lab.first_report_delivered("10.2.0.9", "239.1.1.1"));
  ASSERT_TRUE(eventually([&] { return lab.counted().packets == 1; }));

  // Hold the instance thread while 600 reports (60 hosts, 10 each: within
  // every host's report rate) queue in its mailbox, and a status request
  // behind them.
  HeldInstance held(*lab.instance);
  ASSERT_TRUE(held.held());
  constexpr int kHosts = 60, kReportsPerHost = 10;
  for (int h = 0; h < kHosts; ++h) {
    const std::string host = "10.2.0." + std::to_string(10 + h);
    for (int r = 0; r < kReportsPerHost; ++r) {
      const std::string group = "239.3." + std::to_string(h) + "." + std::to_string(r + 1);
      lab.inject_report(host.c_str(), group.c_str());
    }
  }
  const std::uint64_t flood = kHosts * kReportsPerHost;
  ASSERT_TRUE(eventually([&] { return lab.receiver.counters().delivered == 1 + flood; }));
  std::promise<std::uint64_t> seen;
  auto packets_at_status = seen.get_future();
  ASSERT_TRUE(lab.instance->post_control([&seen](instances::ProxyInstance& i) { seen.set_value(i.packets()); }));
  held.release();

  ASSERT_EQ(packets_at_status.wait_for(5s), std::future_status::ready);
  const std::uint64_t before_status = packets_at_status.get() - 1;
  EXPECT_LE(before_status, 64u) << "the status request waited for " << before_status << " of " << flood << " reports";
  // The rest of the flood is handled afterwards, none lost.
  ASSERT_TRUE(eventually([&] { return lab.counted().packets == 1 + flood; }));
  EXPECT_EQ(lab.counted().packets_handled, 1 + flood);
}

}  // namespace
}  // namespace mcproxy
