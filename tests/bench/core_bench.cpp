// Protocol-logic benchmarks: the cost of one report in ProxyCore and in a
// DownstreamRouter alone as the number of joined groups grows, the cost of a
// timer tick with many groups, and RFC 4605 aggregation across 1..32
// downstreams. Everything runs in-process on a fixed clock (no sockets).
#include "instances/proxy/aggregation.hpp"
#include "instances/proxy/proxy_core.hpp"
#include "instances/router/downstream_router.hpp"
#include "tests/bench/bench_support.hpp"

#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

namespace mcproxy::bench {
namespace {

using codec::RecordType;
using instances::CoreEffects;
using instances::DownstreamRouter;
using instances::Effects;
using instances::ProxyCore;

const Address kHost = boost::asio::ip::make_address("10.1.0.10");
const Address kSource = boost::asio::ip::make_address("203.0.113.5");
const TimePoint kStart = TimePoint{} + std::chrono::hours(1);
// Reports per benchmark run where the state grows with every iteration: the
// group count goes from N to N + kJoins, so N is what the row says within
// kJoins (see doc/performance.md).
constexpr int kJoins = 1000;

config::InterfaceConfig iface(std::string name, config::Role role) {
  config::InterfaceConfig c;
  c.name = std::move(name);
  c.role = role;
  return c;
}

std::unique_ptr<ProxyCore> make_core(int downstreams, bool quick_leave) {
  config::InstanceConfig cfg;
  cfg.name = "bench";
  cfg.quick_leave = quick_leave;
  // One host joins every group: the per-host and instance limits would refuse
  // the joins beyond their defaults and the rows would measure refusals.
  cfg.max_groups = config::kMaxInstanceMaxGroups;
  cfg.max_groups_per_host = config::kMaxInstanceMaxGroups;
  cfg.upstreams = {iface("u0", config::Role::Upstream)};
  for (int k = 0; k < downstreams; ++k) cfg.downstreams.push_back(iface("d" + std::to_string(k), config::Role::Downstream));
  auto core = std::make_unique<ProxyCore>(config::Protocol::IGMPv3, cfg, [] { return 7u; });
  CoreEffects out;
  core->interface_up("u0", boost::asio::ip::make_address("192.0.2.1"), kStart, out);
  for (int k = 0; k < downstreams; ++k)
    core->interface_up("d" + std::to_string(k), AddressV4((10u << 24) + ((1u + static_cast<unsigned>(k)) << 16) + 1),
                       kStart, out);
  return core;
}

// Joins groups [0, n) on d0, 100 records per report (setup only).
void prejoin(ProxyCore& core, std::uint32_t n) {
  for (std::uint32_t g = 0; g < n; g += 100) {
    CoreEffects out;
    core.handle_packet("d0", v3_report(false, kHost, g, std::min<std::uint32_t>(100, n - g), 0, RecordType::ModeIsExclude),
                       kStart, out);
  }
}

// Heap bytes in use (glibc), to report the memory one joined group costs.
double heap_in_use() { return static_cast<double>(mallinfo2().uordblks); }

// One IGMPv3 report joining one new group (TO_EX({})), N groups joined before.
void BM_ProxyCoreJoinNewGroup(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  auto core = make_core(1, false);
  const double heap_before = heap_in_use();
  prejoin(*core, n);
  state.counters["heap_bytes_per_group"] = (heap_in_use() - heap_before) / n;
  std::vector<codec::Packet> reports;
  for (int k = 0; k < kJoins; ++k)
    reports.push_back(v3_report(false, kHost, n + static_cast<std::uint32_t>(k), 1, 0, RecordType::ChangeToExcludeMode));
  std::size_t k = 0;
  std::size_t upstream_reports = 0;
  for (auto _ : state) {
    CoreEffects out;
    core->handle_packet("d0", reports[k++], kStart, out);
    upstream_reports += out.packets.size();
  }
  state.counters["upstream_reports_per_join"] = static_cast<double>(upstream_reports) / static_cast<double>(k);
  state.counters["groups_after"] = static_cast<double>(core->upstream_states().at("u0").size());
}
BENCHMARK(BM_ProxyCoreJoinNewGroup)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000)->Iterations(kJoins);

// The same join with a known (S,G) for the new group (data arrived first, as
// in the join-latency lab): the report also installs the MFC entry.
void BM_ProxyCoreJoinNewGroupWithSource(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  auto core = make_core(1, false);
  prejoin(*core, n);
  std::vector<codec::Packet> reports;
  for (int k = 0; k < kJoins; ++k) {
    CoreEffects out;
    core->handle_data("u0", kSource, v4_group(n + static_cast<std::uint32_t>(k)), kStart, out);
    reports.push_back(v3_report(false, kHost, n + static_cast<std::uint32_t>(k), 1, 0, RecordType::ChangeToExcludeMode));
  }
  std::size_t k = 0;
  std::size_t routes = 0;
  for (auto _ : state) {
    CoreEffects out;
    core->handle_packet("d0", reports[k++], kStart, out);
    routes += out.routes.size();
  }
  state.counters["routes_per_join"] = static_cast<double>(routes) / static_cast<double>(k);
}
BENCHMARK(BM_ProxyCoreJoinNewGroupWithSource)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000)->Iterations(kJoins);

// Source liveness: one complete counter read as the instance hands it to the
// core (batches of 1024 entries, then done), N (S,G) entries installed, every
// source still sending (nothing to remove). Items = entries read.
void BM_ProxyCoreCounterRead(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  auto core = make_core(1, false);
  std::vector<instances::SourcePackets> all;
  for (std::uint32_t g = 0; g < n; ++g) {
    CoreEffects out;
    core->handle_data("u0", kSource, v4_group(g), kStart, out);
    all.push_back({kSource, v4_group(g), 0});
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.group < b.group; });
  TimePoint now = kStart;
  std::uint64_t packets = 0;
  std::size_t removed = 0;
  for (auto _ : state) {
    ++packets;
    now += std::chrono::seconds(1);
    for (auto& e : all) e.packets = packets;
    for (std::size_t at = 0; at < all.size(); at += 1024) {
      std::vector<instances::SourcePackets> batch(all.begin() + static_cast<std::ptrdiff_t>(at),
                                                  all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), at + 1024)));
      core->source_counters(batch, now);
    }
    CoreEffects out;
    core->source_counters_done(true, now, out);
    removed += out.routes.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * n);
  state.counters["removed"] = static_cast<double>(removed);
}
BENCHMARK(BM_ProxyCoreCounterRead)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// A timer tick with nothing due, as the instance thread runs it: on_timer()
// then next_deadline() (ProxyInstance::reschedule_timer after every batch).
void BM_ProxyCoreTimerTick(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  auto core = make_core(1, false);
  prejoin(*core, n);
  // Let the startup queries and the upstream's state-change retransmissions
  // run out, so the tick finds nothing due.
  TimePoint now = kStart;
  for (int i = 0; i < 200; ++i) {
    now += std::chrono::milliseconds(500);
    CoreEffects out;
    core->on_timer(now, out);
  }
  for (auto _ : state) {
    CoreEffects out;
    core->on_timer(now, out);
    benchmark::DoNotOptimize(core->next_deadline());
  }
  state.counters["upstream_groups"] = static_cast<double>(core->upstream_states().at("u0").size());
  state.counters["downstream_groups"] = static_cast<double>(core->downstream_memberships().at("d0").size());
}
BENCHMARK(BM_ProxyCoreTimerTick)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000);

// A timer event that finds work, with N groups joined: a new group is joined
// (its state-change report goes upstream at once) and its one retransmission
// (Robustness Variable 2, RFC 3376 §5.1) falls due. Per iteration: the join
// plus the on_timer() and next_deadline() that the retransmission costs.
void BM_ProxyCoreJoinAndRetransmission(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  auto core = make_core(1, false);
  prejoin(*core, n);
  TimePoint now = kStart;
  for (int i = 0; i < 10; ++i) {  // the prejoin's own retransmissions
    now += std::chrono::seconds(1);
    CoreEffects out;
    core->on_timer(now, out);
  }
  std::vector<codec::Packet> reports;
  for (int k = 0; k < kJoins; ++k)
    reports.push_back(v3_report(false, kHost, n + static_cast<std::uint32_t>(k), 1, 0, RecordType::ChangeToExcludeMode));
  std::size_t k = 0;
  std::size_t packets = 0;
  for (auto _ : state) {
    CoreEffects out;
    core->handle_packet("d0", reports[k++], now, out);
    const auto due = core->next_deadline();
    if (due) {
      now = std::max(now, *due);
      core->on_timer(now, out);
    }
    benchmark::DoNotOptimize(core->next_deadline());
    packets += out.packets.size();
  }
  state.counters["packets_per_iteration"] = static_cast<double>(packets) / static_cast<double>(k);
  state.counters["upstream_groups"] = static_cast<double>(core->upstream_states().at("u0").size());
}
BENCHMARK(BM_ProxyCoreJoinAndRetransmission)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000)->Iterations(kJoins);

// --- DownstreamRouter alone ------------------------------------------------------

DownstreamRouter make_router(bool quick_leave) {
  instances::DownstreamOptions o;
  o.quick_leave = quick_leave;
  DownstreamRouter r("d0", o);
  Effects e;
  r.set_address(boost::asio::ip::make_address("10.1.0.1"), kStart, e);
  r.start(kStart, e);
  return r;
}

void prejoin(DownstreamRouter& r, std::uint32_t n) {
  for (std::uint32_t g = 0; g < n; g += 100) {
    Effects e;
    r.handle(v3_report(false, kHost, g, std::min<std::uint32_t>(100, n - g), 0, RecordType::ModeIsExclude), kStart, e);
  }
}

void BM_DownstreamRouterJoinNewGroup(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  auto router = make_router(false);
  const double heap_before = heap_in_use();
  prejoin(router, n);
  state.counters["heap_bytes_per_group"] = (heap_in_use() - heap_before) / n;
  std::vector<codec::Packet> reports;
  for (int k = 0; k < kJoins; ++k)
    reports.push_back(v3_report(false, kHost, n + static_cast<std::uint32_t>(k), 1, 0, RecordType::ChangeToExcludeMode));
  std::size_t k = 0;
  for (auto _ : state) {
    Effects e;
    router.handle(reports[k++], kStart, e);
    benchmark::DoNotOptimize(e);
  }
  state.counters["groups_after"] = static_cast<double>(router.memberships().size());
}
BENCHMARK(BM_DownstreamRouterJoinNewGroup)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000)->Iterations(kJoins);

// Join and quick leave of one more group: the state returns to N groups, so
// this runs as long as Google Benchmark likes.
void BM_DownstreamRouterJoinLeaveQuick(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  auto router = make_router(true);
  prejoin(router, n);
  const auto join = v3_report(false, kHost, n, 1, 0, RecordType::ChangeToExcludeMode);
  const auto leave = v3_report(false, kHost, n, 1, 0, RecordType::ChangeToIncludeMode);
  for (auto _ : state) {
    Effects e;
    router.handle(join, kStart, e);
    router.handle(leave, kStart, e);
    benchmark::DoNotOptimize(e);
  }
  state.counters["groups_after"] = static_cast<double>(router.memberships().size());
}
BENCHMARK(BM_DownstreamRouterJoinLeaveQuick)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000);

void BM_DownstreamRouterTimerTick(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  auto router = make_router(false);
  prejoin(router, n);
  const TimePoint now = kStart + std::chrono::milliseconds(1);
  for (auto _ : state) {
    Effects e;
    router.on_timer(now, e);
    benchmark::DoNotOptimize(router.next_deadline());
  }
}
BENCHMARK(BM_DownstreamRouterTimerTick)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000);

// --- Aggregation across downstreams (RFC 4605 §4.1) --------------------------------

// The pure merge of K downstream memberships of one group.
void BM_AggregateMemberships(benchmark::State& state) {
  const auto k = static_cast<int>(state.range(0));
  std::vector<instances::Membership> parts;
  for (int i = 0; i < k; ++i) {
    instances::Membership m;
    m.mode = instances::FilterMode::Include;
    m.sources = {v4_source(static_cast<std::uint32_t>(2 * i)), v4_source(static_cast<std::uint32_t>(2 * i + 1))};
    parts.push_back(std::move(m));
  }
  for (auto _ : state) benchmark::DoNotOptimize(instances::aggregate(parts));
}
BENCHMARK(BM_AggregateMemberships)->RangeMultiplier(2)->Range(1, 32);

// One group joined on K-1 downstreams and forwarded from a known (S,G); the
// host on d0 joins and quick-leaves it: two recomputations of the upstream
// state and of the outputs across all K downstreams, two MFC updates.
void BM_ProxyCoreGroupAcrossDownstreams(benchmark::State& state) {
  const auto k = static_cast<int>(state.range(0));
  auto core = make_core(k, true);
  const Address group = v4_group(0);
  CoreEffects setup;
  core->handle_data("u0", kSource, group, kStart, setup);
  for (int i = 1; i < k; ++i) {
    const Address host = AddressV4((10u << 24) + ((1u + static_cast<unsigned>(i)) << 16) + 10);
    core->handle_packet("d" + std::to_string(i), v3_report(false, host, 0, 1, 0, RecordType::ModeIsExclude), kStart,
                        setup);
  }
  const auto join = v3_report(false, kHost, 0, 1, 0, RecordType::ChangeToExcludeMode);
  const auto leave = v3_report(false, kHost, 0, 1, 0, RecordType::ChangeToIncludeMode);
  std::size_t routes = 0;
  for (auto _ : state) {
    CoreEffects out;
    core->handle_packet("d0", join, kStart, out);
    core->handle_packet("d0", leave, kStart, out);
    routes += out.routes.size();
  }
  state.counters["routes_per_iteration"] =
      static_cast<double>(routes) / static_cast<double>(std::max<std::int64_t>(1, state.iterations()));
}
BENCHMARK(BM_ProxyCoreGroupAcrossDownstreams)->DenseRange(1, 4)->Arg(8)->Arg(16)->Arg(32);

}  // namespace
}  // namespace mcproxy::bench

BENCHMARK_MAIN();
