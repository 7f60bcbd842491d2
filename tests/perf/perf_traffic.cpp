// Traffic for the namespace performance labs (tests/perf/*.sh), paced in C++
// so that 10 000-20 000 packets/s hold on a loaded machine:
//
//   perf_traffic reports IFACE HOST_BASE HOSTS GROUP_BASE GROUPS RATE TYPE
//       IGMPv3 reports with one record TYPE (is_ex, to_ex, to_in) each, one
//       per group, sent round-robin from HOSTS source addresses starting at
//       HOST_BASE (raw socket, IP_HDRINCL, built with the project's codec).
//   perf_traffic stream IFACE GROUP_BASE GROUPS RATE PHASE_MS START_AT_NS PORT
//       UDP: during phase i (PHASE_MS long, phase 0 starting at the epoch time
//       START_AT_NS) sends RATE packets/s to GROUP_BASE + i.
//   perf_traffic members IFACE GROUP_BASE GROUPS PHASE_MS START_AT_NS JOIN_MS LEAVE_MS
//       The kernel's own host stack: joins GROUP_BASE + i at JOIN_MS into
//       phase i and leaves it at LEAVE_MS (the kernel sends the reports).
//
// Every mode ends by itself; each prints one summary line on stdout.
#include "modules/codec/codec.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using mcproxy::Address;
using mcproxy::AddressV4;

std::int64_t now_ns(clockid_t clock = CLOCK_REALTIME) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Sleeps until the epoch time `t` (ns): clock_nanosleep for the bulk, then a
// short spin, so pacing errors stay small while the CPU use stays moderate.
void sleep_until(std::int64_t t) {
  for (;;) {
    const std::int64_t left = t - now_ns();
    if (left <= 0) return;
    if (left > 60'000) {  // sleep the bulk, spin the last 50 us
      const std::int64_t target = t - 50'000;
      timespec ts{static_cast<time_t>(target / 1'000'000'000), static_cast<long>(target % 1'000'000'000)};
      clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, nullptr);
    }
  }
}

std::uint32_t v4(const char* s) {
  in_addr a{};
  if (inet_pton(AF_INET, s, &a) != 1) {
    std::fprintf(stderr, "bad IPv4 address: %s\n", s);
    std::exit(2);
  }
  return ntohl(a.s_addr);
}

int bound_socket(int type, int protocol, const char* iface) {
  const int fd = ::socket(AF_INET, type, protocol);
  if (fd < 0) {
    std::perror("socket");
    std::exit(1);
  }
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface, static_cast<socklen_t>(std::strlen(iface))) != 0) {
    std::perror("SO_BINDTODEVICE");
    std::exit(1);
  }
  return fd;
}

mcproxy::codec::RecordType record_type(const std::string& t) {
  using mcproxy::codec::RecordType;
  if (t == "is_ex") return RecordType::ModeIsExclude;
  if (t == "to_ex") return RecordType::ChangeToExcludeMode;
  if (t == "to_in") return RecordType::ChangeToIncludeMode;
  std::fprintf(stderr, "record type must be is_ex, to_ex or to_in\n");
  std::exit(2);
}

int reports(char** a) {
  const char* iface = a[0];
  const std::uint32_t host_base = v4(a[1]);
  const auto hosts = static_cast<std::uint32_t>(std::atoi(a[2]));
  const std::uint32_t group_base = v4(a[3]);
  const auto groups = static_cast<std::uint32_t>(std::atoi(a[4]));
  const double rate = std::atof(a[5]);
  const auto type = record_type(a[6]);
  if (hosts == 0 || groups == 0 || rate <= 0) return 2;

  // Pre-build every datagram so that sending is only sendto().
  std::vector<std::vector<std::uint8_t>> datagrams;
  datagrams.reserve(groups);
  for (std::uint32_t i = 0; i < groups; ++i) {
    mcproxy::codec::V3Report r;
    r.version = mcproxy::codec::Version::IGMPv3;
    r.records.push_back({type, Address(AddressV4(group_base + i)), {}, {}});
    mcproxy::codec::Packet p;
    p.source = Address(AddressV4(host_base + i % hosts));
    p.destination = boost::asio::ip::make_address("224.0.0.22");
    p.ttl = 1;
    p.router_alert = true;
    p.message = std::move(r);
    datagrams.push_back(mcproxy::codec::encode_ipv4(p));
  }
  const int fd = bound_socket(SOCK_RAW, IPPROTO_RAW, iface);  // IPPROTO_RAW implies IP_HDRINCL
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(v4("224.0.0.22"));
  const auto interval = static_cast<std::int64_t>(1e9 / rate);
  const std::int64_t start = now_ns() + 1'000'000;
  std::uint64_t sent = 0, errors = 0;
  for (std::uint32_t i = 0; i < groups; ++i) {
    sleep_until(start + static_cast<std::int64_t>(i) * interval);
    const auto& d = datagrams[i];
    if (::sendto(fd, d.data(), d.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) ==
        static_cast<ssize_t>(d.size())) {
      ++sent;
    } else {
      ++errors;
    }
  }
  const std::int64_t end = now_ns();
  std::printf("{\"sent\": %llu, \"errors\": %llu, \"first_ns\": %lld, \"last_ns\": %lld, \"achieved_rate\": %.0f}\n",
              static_cast<unsigned long long>(sent), static_cast<unsigned long long>(errors),
              static_cast<long long>(start), static_cast<long long>(end),
              groups > 1 ? static_cast<double>(groups - 1) * 1e9 / static_cast<double>(end - start) : 0.0);
  ::close(fd);
  return errors == 0 ? 0 : 1;
}

int stream(char** a) {
  const char* iface = a[0];
  const std::uint32_t group_base = v4(a[1]);
  const auto groups = static_cast<std::uint32_t>(std::atoi(a[2]));
  const double rate = std::atof(a[3]);
  const std::int64_t phase = std::atoll(a[4]) * 1'000'000;
  const std::int64_t start = std::atoll(a[5]);
  const auto port = static_cast<std::uint16_t>(std::atoi(a[6]));
  const int fd = bound_socket(SOCK_DGRAM, 0, iface);
  const int ttl = 16;
  setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
  const auto interval = static_cast<std::int64_t>(1e9 / rate);
  std::uint64_t sent = 0, errors = 0;
  char payload[32] = {};
  for (std::uint32_t i = 0; i < groups; ++i) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(group_base + i);
    const std::int64_t begin = start + static_cast<std::int64_t>(i) * phase;
    for (std::int64_t t = begin; t < begin + phase; t += interval) {
      sleep_until(t);
      std::memcpy(payload, &t, sizeof t);
      if (::sendto(fd, payload, sizeof payload, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) > 0) {
        ++sent;
      } else {
        ++errors;
      }
    }
  }
  std::printf("{\"sent\": %llu, \"errors\": %llu}\n", static_cast<unsigned long long>(sent),
              static_cast<unsigned long long>(errors));
  ::close(fd);
  return 0;
}

int members(char** a) {
  const char* iface = a[0];
  const std::uint32_t group_base = v4(a[1]);
  const auto groups = static_cast<std::uint32_t>(std::atoi(a[2]));
  const std::int64_t phase = std::atoll(a[3]) * 1'000'000;
  const std::int64_t start = std::atoll(a[4]);
  const std::int64_t join_at = std::atoll(a[5]) * 1'000'000;
  const std::int64_t leave_at = std::atoll(a[6]) * 1'000'000;
  const int fd = bound_socket(SOCK_DGRAM, 0, iface);
  ip_mreqn req{};
  req.imr_ifindex = static_cast<int>(if_nametoindex(iface));
  unsigned joined = 0, left = 0;
  for (std::uint32_t i = 0; i < groups; ++i) {
    req.imr_multiaddr.s_addr = htonl(group_base + i);
    const std::int64_t begin = start + static_cast<std::int64_t>(i) * phase;
    sleep_until(begin + join_at);
    if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &req, sizeof req) == 0) ++joined;
    sleep_until(begin + leave_at);
    if (setsockopt(fd, IPPROTO_IP, IP_DROP_MEMBERSHIP, &req, sizeof req) == 0) ++left;
  }
  std::printf("{\"joined\": %u, \"left\": %u}\n", joined, left);
  ::close(fd);
  return joined == groups && left == groups ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "reports" && argc == 9) return reports(argv + 2);
  if (mode == "stream" && argc == 9) return stream(argv + 2);
  if (mode == "members" && argc == 9) return members(argv + 2);
  std::fprintf(stderr,
               "usage: perf_traffic reports IFACE HOST_BASE HOSTS GROUP_BASE GROUPS RATE is_ex|to_ex|to_in\n"
               "       perf_traffic stream IFACE GROUP_BASE GROUPS RATE PHASE_MS START_AT_NS PORT\n"
               "       perf_traffic members IFACE GROUP_BASE GROUPS PHASE_MS START_AT_NS JOIN_MS LEAVE_MS\n");
  return 2;
}
