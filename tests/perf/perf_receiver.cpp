// The Receiver thread against a flood of MLD reports (doc/performance.md, 2g;
// tests/perf/receiver_flood.sh runs it in a namespace lab). No multicast
// routing is needed: IPv6 MLD reaches the Receiver through its own raw
// ICMPv6 socket, so this runs on any kernel with IPv6.
//
//   perf_receiver flood IFACE SRC6 RATE MS [SEED]
//       MLDv2 reports of one random group each (TO_EX or ALLOW, 0-4 sources)
//       from the link-local SRC6 to ff02::16, RATE a second for MS, in
//       batches of 64 (sendmmsg); prints {"sent": N, "achieved_rate": R}.
//   perf_receiver probe IFACE SRC6 INTERVAL_MS COUNT
//       one MLDv2 report of ff3e::1:N every INTERVAL_MS, N = 0..COUNT-1;
//       prints "N SEND_NS" per report (CLOCK_MONOTONIC).
//   perf_receiver receive IFACE HOST_RATE COST_US SECONDS PROBE_SRC6
//       the Receiver (modules/receiver, the real kernel) with IFACE registered
//       as a downstream with `host-report-rate HOST_RATE` (0 = unlimited),
//       feeding an instance mailbox of the default capacity whose consumer
//       spends COST_US of busy CPU per packet (standing in for the instance
//       thread's work); for SECONDS. Prints "N RECV_NS" for every report of
//       PROBE_SRC6 when the consumer takes it, then one JSON line with the
//       Receiver's counters and the consumer's count.
#include "modules/codec/codec.hpp"
#include "modules/kernel/linux_kernel.hpp"
#include "modules/receiver/receiver.hpp"
#include "tests/perf/paced_flood.hpp"

#include <arpa/inet.h>
#include <log4cplus/logger.h>
#include <log4cplus/nullappender.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using mcproxy::Address;
using mcproxy::AddressV6;
namespace codec = mcproxy::codec;

std::int64_t now_ns() { return mcproxy::perf::monotonic_ns(); }

void sleep_until_ns(std::int64_t t) {
  timespec ts{static_cast<time_t>(t / 1'000'000'000), static_cast<long>(t % 1'000'000'000)};
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
}

const Address kAllMldv2Routers = boost::asio::ip::make_address_v6("ff02::16");

// A raw ICMPv6 socket sending from SRC6 out of IFACE with hop limit 1 (the
// kernel fills in the ICMPv6 checksum). No Router Alert: the Receiver passes
// the option on and the instance checks it; here nothing checks.
int mld_sender(const char* iface, const AddressV6& source, sockaddr_in6& to) {
  const int fd = ::socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
  if (fd < 0) {
    std::perror("socket");
    std::exit(1);
  }
  const unsigned ifindex = ::if_nametoindex(iface);
  sockaddr_in6 from{};
  from.sin6_family = AF_INET6;
  const auto bytes = source.to_bytes();
  std::memcpy(&from.sin6_addr, bytes.data(), bytes.size());
  from.sin6_scope_id = ifindex;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) < 0) {
    std::perror("bind");
    std::exit(1);
  }
  const int hops = 1;
  ::setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
  ::setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex);
  const int big = 8 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big);
  to = {};
  to.sin6_family = AF_INET6;
  const auto group = kAllMldv2Routers.to_v6().to_bytes();
  std::memcpy(&to.sin6_addr, group.data(), group.size());
  to.sin6_scope_id = ifindex;
  return fd;
}

std::vector<std::uint8_t> report(const AddressV6& source, codec::GroupRecord record) {
  return codec::encode_mld(codec::V3Report{codec::Version::MLDv2, {std::move(record)}}, source, kAllMldv2Routers);
}

AddressV6 probe_group(std::uint32_t n) {
  auto b = boost::asio::ip::make_address_v6("ff3e::1:0").to_bytes();
  b[12] = static_cast<unsigned char>(n >> 24);
  b[13] = static_cast<unsigned char>(n >> 16);
  b[14] = static_cast<unsigned char>(n >> 8);
  b[15] = static_cast<unsigned char>(n);
  return AddressV6(b);
}

int flood(char** a) {
  const AddressV6 source = boost::asio::ip::make_address_v6(a[1]);
  const double rate = std::atof(a[2]);
  const std::int64_t ms = std::atoll(a[3]);
  std::mt19937 rng(static_cast<std::uint32_t>(a[4] ? std::strtoul(a[4], nullptr, 10) : 1));
  if (rate <= 0 || ms <= 0) return 2;
  sockaddr_in6 to{};
  const int fd = mld_sender(a[0], source, to);
  const auto result = mcproxy::perf::paced_flood(
      fd, reinterpret_cast<const sockaddr*>(&to), sizeof to, rate, ms, now_ns(), [&] {
        codec::GroupRecord r;
        auto g = boost::asio::ip::make_address_v6("ff3e::8000:0").to_bytes();
        const std::uint32_t x = rng();
        for (int k = 0; k < 4; ++k) g[12 + k] = static_cast<unsigned char>(x >> (8 * k));
        r.group = AddressV6(g);
        const unsigned sources = rng() % 5;
        r.type = sources == 0 ? codec::RecordType::ChangeToExcludeMode : codec::RecordType::AllowNewSources;
        for (unsigned s = 0; s < sources; ++s) {
          auto b = boost::asio::ip::make_address_v6("2001:db8::").to_bytes();
          const std::uint32_t y = rng();
          for (int k = 0; k < 4; ++k) b[12 + k] = static_cast<unsigned char>(y >> (8 * k));
          r.sources.push_back(AddressV6(b));
        }
        return report(source, std::move(r));
      });
  const std::uint64_t sent = result.sent, errors = result.errors;
  const double took = result.seconds;
  std::printf("{\"sent\": %llu, \"errors\": %llu, \"achieved_rate\": %.0f}\n", static_cast<unsigned long long>(sent),
              static_cast<unsigned long long>(errors), static_cast<double>(sent) / took);
  ::close(fd);
  return 0;
}

int probe(char** a) {
  const AddressV6 source = boost::asio::ip::make_address_v6(a[1]);
  const std::int64_t interval = std::atoll(a[2]) * 1'000'000;
  const long count = std::atol(a[3]);
  sockaddr_in6 to{};
  const int fd = mld_sender(a[0], source, to);
  std::int64_t next = now_ns();
  for (long n = 0; n < count; ++n) {
    sleep_until_ns(next);
    next += interval;
    codec::GroupRecord r;
    r.type = codec::RecordType::ChangeToExcludeMode;
    r.group = probe_group(static_cast<std::uint32_t>(n));
    const auto bytes = report(source, std::move(r));
    const std::int64_t t = now_ns();
    if (::sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) {
      std::perror("sendto");
      continue;
    }
    std::printf("%ld %lld\n", n, static_cast<long long>(t));
  }
  std::fflush(stdout);
  ::close(fd);
  return 0;
}

int receive(char** a) {
  using namespace mcproxy;
  log4cplus::Logger::getRoot().addAppender(log4cplus::SharedAppenderPtr(new log4cplus::NullAppender));
  const int ifindex = static_cast<int>(::if_nametoindex(a[0]));
  const auto host_rate = static_cast<std::uint32_t>(std::strtoul(a[1], nullptr, 10));
  const std::int64_t cost = std::atoll(a[2]) * 1000;
  const std::int64_t seconds = std::atoll(a[3]);
  const Address probe_source = boost::asio::ip::make_address_v6(a[4]);
  if (ifindex == 0) return 2;
  kernel::LinuxKernel kernel;
  receiver::Receiver rx(kernel);
  if (auto s = rx.start(); !s) {
    std::fprintf(stderr, "receiver: %s\n", s.error().message().c_str());
    return 1;
  }
  auto box = std::make_shared<InstanceMailbox>();
  std::atomic<bool> stop{false};
  std::uint64_t handled = 0;
  std::vector<std::pair<std::uint32_t, std::int64_t>> probes;
  std::thread consumer([&] {
    box->owner().bind_to_current_thread();
    while (!stop.load()) {
      box->wait(std::chrono::milliseconds(10));
      box->drain([&](InstanceEvent&& e) {
        const auto* p = std::get_if<ReceivedPacket>(&e);
        if (p == nullptr) return;
        ++handled;
        if (p->packet.source == probe_source) {
          if (const auto* v3 = std::get_if<codec::V3Report>(&p->packet.message); v3 && !v3->records.empty()) {
            const auto b = v3->records[0].group.to_v6().to_bytes();
            probes.emplace_back((std::uint32_t{b[12]} << 24) | (std::uint32_t{b[13]} << 16) |
                                    (std::uint32_t{b[14]} << 8) | b[15],
                                now_ns());
          }
        }
        for (const std::int64_t until = now_ns() + cost; now_ns() < until;) {
        }
      });
    }
    box->owner().unbind();
  });
  rx.post(receiver::RegisterInterface{Family::V6, ifindex, a[0], box, true, host_rate});
  std::printf("ready\n");
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  rx.stop();
  stop.store(true);
  consumer.join();
  for (const auto& [n, t] : probes) std::printf("%u %lld\n", n, static_cast<long long>(t));
  const auto c = rx.counters();
  auto drop = [&](receiver::DropReason r) {
    return static_cast<unsigned long long>(c.drops[static_cast<std::size_t>(r)]);
  };
  std::printf(
      "{\"datagrams_read\": %llu, \"delivered\": %llu, \"handled\": %llu, \"host_rate_drops\": %llu, "
      "\"socket_overflows\": %llu, \"backpressure_pauses\": %llu, \"mailbox_full\": %llu}\n",
      static_cast<unsigned long long>(c.datagrams_read), static_cast<unsigned long long>(c.delivered),
      static_cast<unsigned long long>(handled), drop(receiver::DropReason::HostReportRate),
      drop(receiver::DropReason::SocketOverflow), static_cast<unsigned long long>(c.backpressure_pauses),
      drop(receiver::DropReason::MailboxFull));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "flood" && (argc == 6 || argc == 7)) return flood(argv + 2);
  if (mode == "probe" && argc == 6) return probe(argv + 2);
  if (mode == "receive" && argc == 7) return receive(argv + 2);
  std::fprintf(stderr,
               "usage: perf_receiver flood IFACE SRC6 RATE MS [SEED]\n"
               "       perf_receiver probe IFACE SRC6 INTERVAL_MS COUNT\n"
               "       perf_receiver receive IFACE HOST_RATE COST_US SECONDS PROBE_SRC6\n");
  return 2;
}
