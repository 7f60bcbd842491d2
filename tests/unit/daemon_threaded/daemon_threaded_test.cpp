// The whole daemon (mcproxy/daemon.*) on a fake kernel: its module threads,
// its instance threads and its main loop, driven through the control
// requests the control server hands it (Daemon::handle). What a namespace
// lab cannot show without a kernel with multicast routing: that a reload
// lets the instances apply their changes at once, that an interface moves
// between two running instances in one reload, and that `metrics` repeats
// the counters of `show stats` and `show interfaces` (doc/operations.md,
// "Reload" and "Metrics").
#include "mcproxy/daemon.hpp"
#include "modules/codec/codec.hpp"
#include "modules/config/load.hpp"
#include "modules/kernel/fake_kernel.hpp"
#include "tests/unit/daemon_threaded/threaded_helpers.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

namespace mcproxy {

struct DaemonTestAccess {
  static instances::ProxyInstance* instance(Daemon& d, const std::string& name) {
    auto it = d.instances_.find(name);
    return it == d.instances_.end() ? nullptr : it->second.get();
  }
};

namespace {

using namespace std::chrono_literals;
using nlohmann::json;

kernel::InterfaceInfo interface(int ifindex, const std::string& name, const char* address) {
  return test_interface(ifindex, name, address);
}

constexpr const char* kTwoInstances =
    "pinstance a: up0 ==> lan0 lan1;\n"
    "pinstance b: up1 ==> lan2;\n";

// A daemon with instances a and b on a fake kernel with up0 (2), lan0 (3),
// lan1 (4), up1 (5), lan2 (6), lan3 (7); its main loop on a thread of its own.
class DaemonLab {
 public:
  explicit DaemonLab(const std::string& text) {
    char dir[] = "/tmp/mcproxy-daemon-test-XXXXXX";
    EXPECT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    file_ = dir_ + "/mcproxy.conf";
    write_config(text);
    auto loaded = config::load_config_file(file_);  // .value() below throws (the test fails) if broken
    auto fake = std::make_unique<kernel::FakeKernel>();
    kernel_ = fake.get();
    kernel_->set_interfaces({interface(2, "up0", "192.0.2.2"), interface(3, "lan0", "10.3.0.1"),
                             interface(4, "lan1", "10.4.0.1"), interface(5, "up1", "198.51.100.2"),
                             interface(6, "lan2", "10.6.0.1"), interface(7, "lan3", "10.7.0.1")});
    DaemonOptions options;
    options.config_file = file_;
    daemon_ = std::make_unique<Daemon>(options, std::move(loaded.value()), std::move(fake));
    EXPECT_EQ(daemon_->start(), std::nullopt);
  }
  ~DaemonLab() {
    stop_main();
    daemon_->stop();
    std::filesystem::remove_all(dir_);
  }
  DaemonLab(const DaemonLab&) = delete;
  DaemonLab& operator=(const DaemonLab&) = delete;

  // Before run(): the instances are the main thread's alone until then.
  instances::ProxyInstance* instance(const std::string& name) { return DaemonTestAccess::instance(*daemon_, name); }
  void run() {
    main_ = std::thread([this] { exit_code_ = daemon_->run(); });
  }
  // Ends the main loop (Daemon::request_stop); run()'s exit code.
  int stop_main() {
    if (main_.joinable()) {
      daemon_->request_stop();
      main_.join();
    }
    return exit_code_;
  }
  void write_config(const std::string& text) { std::ofstream(file_) << text; }

  // A control request as the control server passes it; its answer.
  std::future<json> post(control::Request request) {
    auto promise = std::make_shared<std::promise<json>>();
    auto answer = promise->get_future();
    daemon_->handle(request, [promise](json j) { promise->set_value(std::move(j)); });
    return answer;
  }
  json ask(control::Request request) {
    auto answer = post(std::move(request));
    if (answer.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "no answer in 10 s";
      return json();
    }
    return answer.get();
  }
  json interfaces() { return ask(control::ShowRequest{control::ShowWhat::Interfaces, std::nullopt}); }
  // The state of `name` in `instance` per show interfaces ("up", "down",
  // "absent"), or "" when the instance does not have it.
  std::string state(const std::string& instance, const std::string& name) {
    const json all = interfaces();
    for (const auto& i : all["interfaces"])
      if (i["instance"] == instance && i["name"] == name) return i["state"].get<std::string>();
    return "";
  }
  // Whether the fake kernel holds a VIF for `ifindex` in some table.
  bool has_vif(int ifindex) const { return mroute_socket_with(ifindex) != -1; }
  // The mroute socket of the table that holds a VIF for `ifindex` (IGMP
  // packets of that table's interfaces arrive there); -1 if none.
  int mroute_socket_with(int ifindex) const {
    for (const auto& [fd, table] : kernel_->tables())
      if (table.initialized)
        for (const auto& [vif, index] : table.vifs)
          if (index == ifindex) return fd;
    return -1;
  }
  // An IGMPv2 report for `group` from `host` on `ifindex`, as the kernel
  // delivers it.
  void inject_report(int ifindex, const char* host, const char* group) {
    codec::Packet p;
    p.source = v4(host);
    p.destination = v4(group);
    p.message = codec::MembershipReport{codec::Version::IGMPv2, v4(group)};
    kernel::Datagram meta;
    meta.ifindex = ifindex;
    kernel_->inject(mroute_socket_with(ifindex), codec::encode_ipv4(p), meta);
  }
  // Whether show groups has `group` on `ifname` of `instance`.
  bool has_group(const std::string& instance, const std::string& ifname, const std::string& group) {
    const json groups = ask(control::ShowRequest{control::ShowWhat::Groups, std::nullopt});
    for (const auto& g : groups["downstream"])
      if (g["instance"] == instance && g["interface"] == ifname && g["group"] == group) return true;
    return false;
  }

 private:
  std::string dir_, file_;
  kernel::FakeKernel* kernel_ = nullptr;
  std::unique_ptr<Daemon> daemon_;
  std::thread main_;
  int exit_code_ = -1;
};

TEST(DaemonThreaded, StartsTheInstancesAndStopsOnRequest) {
  DaemonLab lab(kTwoInstances);
  lab.run();
  ASSERT_TRUE(eventually([&] { return lab.state("a", "lan0") == "up" && lab.state("b", "lan2") == "up"; }));
  EXPECT_EQ(lab.state("a", "up0"), "up");
  EXPECT_EQ(lab.state("b", "up1"), "up");
  EXPECT_TRUE(lab.has_vif(3));
  EXPECT_TRUE(lab.has_vif(6));
  EXPECT_EQ(lab.stop_main(), 0);
}

// doc/operations.md, "Reload": the instances apply a reload's changes at
// once. With instance a's thread held, b still takes its new downstream: a
// reload that waited for each instance in turn would hold b behind a (up to
// the 5 s a is given to answer).
TEST(DaemonThreaded, AReloadReachesEveryInstanceAtOnce) {
  DaemonLab lab(kTwoInstances);
  auto* a = lab.instance("a");
  ASSERT_NE(a, nullptr);
  lab.run();
  ASSERT_TRUE(eventually([&] { return lab.state("a", "lan0") == "up" && lab.state("b", "lan2") == "up"; }));
  ASSERT_FALSE(lab.has_vif(7));

  HeldInstance held(*a);
  ASSERT_TRUE(held.held());
  lab.write_config(
      "pinstance a: up0 ==> lan0 lan1;\n"
      "pinstance a query-interval 20s;\n"
      "pinstance b: up1 ==> lan2 lan3;\n");
  auto reloaded = lab.post(control::ReloadRequest{});
  // b adds lan3's VIF while a is still held.
  const bool b_changed = eventually([&] { return lab.has_vif(7); }, 4000ms);
  held.release();
  EXPECT_TRUE(b_changed) << "instance b waited for instance a";
  ASSERT_EQ(reloaded.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(reloaded.get()["ok"], true);
  EXPECT_EQ(lab.state("b", "lan3"), "up");
}

// An interface moved from a to b in one reload, a's thread busy meanwhile:
// a releases it before b takes it (the release round of
// mcproxy/reload_plan.hpp), and a release that came late would not take it
// from b either (the Receiver leaves an interface to its holder). Afterwards
// b has it, with a VIF in its table, and serves reports on it; a does not
// list it any more.
TEST(DaemonThreaded, AReloadMovesAnInterfaceBetweenRunningInstances) {
  DaemonLab lab(kTwoInstances);
  auto* a = lab.instance("a");
  ASSERT_NE(a, nullptr);
  lab.run();
  ASSERT_TRUE(eventually([&] { return lab.state("a", "lan1") == "up" && lab.state("b", "lan2") == "up"; }));
  HeldInstance held(*a);
  ASSERT_TRUE(held.held());
  lab.write_config(
      "pinstance a: up0 ==> lan0;\n"
      "pinstance b: up1 ==> lan2 lan1;\n");
  auto reloaded = lab.post(control::ReloadRequest{});
  std::this_thread::sleep_for(100ms);
  held.release();
  ASSERT_EQ(reloaded.wait_for(10s), std::future_status::ready);
  const json answer = reloaded.get();
  EXPECT_EQ(answer["ok"], true) << answer.dump();
  EXPECT_TRUE(eventually([&] { return lab.state("b", "lan1") == "up"; })) << lab.interfaces().dump();
  EXPECT_EQ(lab.state("a", "lan1"), "");
  EXPECT_TRUE(lab.has_vif(4));
  // A report on lan1 reaches b (retried: b's registration reaches the
  // Receiver through its mailbox).
  EXPECT_TRUE(eventually([&] {
    lab.inject_report(4, "10.4.0.9", "239.9.9.9");
    return lab.has_group("b", "lan1", "239.9.9.9");
  }));
}

// `mcproxyctl interface move` (the PMIPv6 handover, doc/control-protocol.md): the
// downstream goes to the other instance with its memberships, which the
// other instance serves at once, and its reports reach the new instance.
TEST(DaemonThreaded, AnInterfaceMoveTakesTheMembershipsAlong) {
  DaemonLab lab(kTwoInstances);
  lab.run();
  ASSERT_TRUE(eventually([&] { return lab.state("a", "lan1") == "up" && lab.state("b", "lan2") == "up"; }));
  ASSERT_TRUE(eventually([&] {
    lab.inject_report(4, "10.4.0.9", "239.5.5.5");
    return lab.has_group("a", "lan1", "239.5.5.5");
  }));
  const json moved = lab.ask(control::InterfaceMoveRequest{"lan1", "a", "b"});
  EXPECT_EQ(moved["ok"], true) << moved.dump();
  EXPECT_TRUE(lab.has_group("b", "lan1", "239.5.5.5"));
  EXPECT_FALSE(lab.has_group("a", "lan1", "239.5.5.5"));
  EXPECT_EQ(lab.state("b", "lan1"), "up");
  EXPECT_EQ(lab.state("a", "lan1"), "");
  EXPECT_TRUE(eventually([&] {
    lab.inject_report(4, "10.4.0.9", "239.6.6.6");
    return lab.has_group("b", "lan1", "239.6.6.6");
  }));
  // Moving it where it is not is refused and changes nothing.
  const json refused = lab.ask(control::InterfaceMoveRequest{"lan1", "a", "b"});
  EXPECT_EQ(refused["ok"], false) << refused.dump();
  EXPECT_EQ(lab.state("b", "lan1"), "up");
}

// A broken file changes nothing: the error names FILE:LINE:COL.
TEST(DaemonThreaded, ABrokenReloadChangesNothing) {
  DaemonLab lab(kTwoInstances);
  lab.run();
  ASSERT_TRUE(eventually([&] { return lab.state("a", "lan1") == "up"; }));
  lab.write_config("pinstance a: up0 ==> lan0;\npinstance b up1 ==> ;\n");
  const json answer = lab.ask(control::ReloadRequest{});
  EXPECT_EQ(answer["ok"], false);
  EXPECT_NE(answer.dump().find("mcproxy.conf:2:"), std::string::npos) << answer.dump();
  EXPECT_EQ(lab.state("a", "lan1"), "up");
  EXPECT_EQ(lab.state("b", "lan2"), "up");
}

// metrics repeats the counters of show stats and show interfaces
// (doc/operations.md, "Metrics").
TEST(DaemonThreaded, MetricsRepeatStatsAndInterfaces) {
  DaemonLab lab(kTwoInstances);
  lab.run();
  ASSERT_TRUE(eventually([&] { return lab.state("a", "lan0") == "up" && lab.state("b", "lan2") == "up"; }));
  // The startup queries went out on every downstream.
  ASSERT_TRUE(eventually([&] {
    const json all = lab.interfaces();
    for (const auto& i : all["interfaces"])
      if (i["role"] == "downstream" && i["tx"].empty()) return false;
    return true;
  }));
  const json answer = lab.ask(control::MetricsRequest{});
  ASSERT_EQ(answer["ok"], true) << answer.dump();
  const std::string text = answer["text"].get<std::string>();
  const auto has = [&](const std::string& line) { return text.find(line) != std::string::npos; };
  EXPECT_TRUE(has("mcproxy_interface_up{instance=\"a\",interface=\"lan0\",role=\"downstream\"} 1\n")) << text;
  EXPECT_TRUE(has("mcproxy_interface_up{instance=\"b\",interface=\"up1\",role=\"upstream\"} 1\n")) << text;
  EXPECT_TRUE(has("mcproxy_interface_querier{instance=\"b\",interface=\"lan2\"} 1\n")) << text;
  EXPECT_TRUE(has("mcproxy_interface_sent_total{instance=\"a\",interface=\"lan1\",message=\"igmpv3-general-query\"} "))
      << text;
  EXPECT_TRUE(has("mcproxy_interface_data_packets_total{instance=\"a\",interface=\"lan0\",direction=\"out\"} 0\n"))
      << text;
  EXPECT_TRUE(has("mcproxy_instance_groups{instance=\"b\",side=\"downstream\"} 0\n")) << text;
  EXPECT_TRUE(has("mcproxy_instance_dynamic_interfaces_refused_total{instance=\"a\"} 0\n")) << text;
  EXPECT_TRUE(has("mcproxy_receiver_link_events_total ")) << text;
  EXPECT_TRUE(has("mcproxy_mfc_entries{instance=\"a\"} 0\n")) << text;
  EXPECT_TRUE(has("mcproxy_sender_requests_total ")) << text;
  EXPECT_TRUE(has("mcproxy_instance_packets_total{instance=\"a\",outcome=\"handled\"} 0\n")) << text;
}

}  // namespace
}  // namespace mcproxy
