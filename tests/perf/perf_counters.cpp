// Cost of reading the kernel's per-entry packet counters (source liveness) with
// N MFC entries: the Routing module on the real kernel, driven on this thread,
// reads a table in batches as a proxy instance does. Run as root inside a
// fresh network namespace with two interfaces (tests/perf/counters.sh).
//   perf_counters IF_IN IF_OUT N...   prints one markdown table row per N
#include "modules/common/instance_event.hpp"
#include "modules/kernel/linux_kernel.hpp"
#include "modules/routing/routing.hpp"

#include <log4cplus/initializer.h>
#include <log4cplus/logger.h>
#include <log4cplus/nullappender.h>

#include <net/if.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace mcproxy;

constexpr std::size_t kBatch = 1024;  // as instances/runtime/source_counters.cpp
constexpr std::uint32_t kTable = 4242;

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

Address source_of(std::uint32_t i) { return AddressV4((10u << 24) + (i >> 8)); }
Address group_of(std::uint32_t i) { return AddressV4((239u << 24) + (i & 0xffu) + (1u << 8)); }

std::vector<InstanceEvent> drain(InstanceMailbox& mb) {
  std::vector<InstanceEvent> out;
  mb.drain([&](InstanceEvent&& e) { out.push_back(std::move(e)); }, 1 << 20);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s IF_IN IF_OUT N...\n", argv[0]);
    return 2;
  }
  const int in = static_cast<int>(if_nametoindex(argv[1]));
  const int out = static_cast<int>(if_nametoindex(argv[2]));
  if (in == 0 || out == 0) {
    std::fprintf(stderr, "no interface %s or %s\n", argv[1], argv[2]);
    return 2;
  }
  log4cplus::Initializer logging;
  log4cplus::Logger::getRoot().addAppender(log4cplus::SharedAppenderPtr(new log4cplus::NullAppender));
  kernel::LinuxKernel kernel;
  routing::Routing routing(kernel, nullptr);
  auto mb = std::make_shared<InstanceMailbox>(1 << 16);
  const TableId table{Family::V4, kTable};
  routing.handle(routing::CreateTable{table, mb, 1});
  routing.handle(routing::AddVif{table, in, argv[1], 1, 2});
  routing.handle(routing::AddVif{table, out, argv[2], 1, 3});
  for (auto& e : drain(*mb)) {
    if (auto* f = std::get_if<RoutingFailure>(&e)) {
      std::fprintf(stderr, "%s: %s\n", f->operation.c_str(), f->error.c_str());
      return 1;
    }
  }
  std::printf("| entries | read, wall | read, CPU (user+sys) | CPU per entry | batches |\n| ---: | ---: | ---: | ---: | ---: |\n");
  std::uint32_t installed = 0;
  for (int a = 3; a < argc; ++a) {
    const auto n = static_cast<std::uint32_t>(std::strtoul(argv[a], nullptr, 10));
    for (; installed < n; ++installed)
      routing.handle(routing::SetMfc{table, source_of(installed), group_of(installed), in, {{out, 1}}, 0});
    if (auto failures = drain(*mb); !failures.empty()) {
      std::fprintf(stderr, "%zu failures adding entries\n", failures.size());
      return 1;
    }
    // One complete read as the instance does it: batch after batch.
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = thread_cpu_ms();
    std::optional<std::pair<Address, Address>> after;
    std::size_t entries = 0;
    int batches = 0;
    for (bool more = true; more;) {
      routing::GetCounters get{table, 7};
      get.after = after;
      get.max_entries = kBatch;
      get.vifs = false;
      routing.handle(std::move(get));
      more = false;
      for (auto& e : drain(*mb)) {
        auto* reply = std::get_if<CounterReply>(&e);
        if (reply == nullptr) continue;
        ++batches;
        entries += reply->entries.size();
        if (!reply->entries.empty()) after = std::make_pair(reply->entries.back().source, reply->entries.back().group);
        more = reply->more;
      }
    }
    const double cpu = thread_cpu_ms() - c0;
    const double wall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (entries != n) {
      std::fprintf(stderr, "read %zu entries of %u\n", entries, n);
      return 1;
    }
    std::printf("| %u | %.1f ms | %.1f ms | %.2f us | %d |\n", n, wall, cpu, cpu * 1e3 / n, batches);
    std::fflush(stdout);
  }
  routing.handle(routing::DestroyTable{table});
  return 0;
}
