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
//   perf_traffic hosts IFACE HOST_BASE HOSTS GROUP_BASE GROUPS RATE HOLD_MS [FLOOD_RATE FLOOD_MS]
//       HOSTS simulated IGMPv3 hosts (group i belongs to host i % HOSTS) that
//       join every group with TO_EX({}) at RATE reports/s, stay HOLD_MS, leave
//       every group with TO_IN({}) at RATE and wait HOLD_MS again; all along
//       they answer the router's queries as RFC 3376 §5.2 hosts do: a General
//       Query with IS_EX({}) records of all their groups (as many per report as
//       fit in 1500 bytes) after a random delay within Max Resp Time, a
//       Group-Specific Query for a group they have joined with IS_EX({}).
//       With FLOOD_RATE, the first host also sends that many reports/s of
//       random groups (239.128.0.0/9) with 1-4 random sources (ALLOW) or none
//       (TO_EX) during the first FLOOD_MS, as a hostile or broken host would;
//       the run lasts until both the hosts' schedule and the flood are over,
//       or until SIGTERM/SIGINT (then it prints its summary at once).
//   perf_traffic flood IFACE HOST RATE MS [SEED]
//       Only the hostile host: reports from HOST of random groups
//       (239.128.0.0/9) with 1-4 random sources (ALLOW) or none (TO_EX) at
//       RATE reports/s for MS, built in batches of 64 and sent with sendmmsg.
//       Several processes (other SEEDs) add up to a higher rate.
//
// Every mode ends by itself; each prints one summary line on stdout.
#include "modules/codec/codec.hpp"
#include "tests/perf/paced_flood.hpp"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <queue>
#include <random>
#include <string>
#include <vector>

namespace {

using mcproxy::Address;
using mcproxy::AddressV4;

// Set by SIGTERM/SIGINT: the hosts mode ends early, with its summary.
volatile std::sig_atomic_t g_stop = 0;
void on_stop(int) { g_stop = 1; }

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

// One report datagram from `host` with `records`, encoded with the project's codec.
std::vector<std::uint8_t> report_datagram(std::uint32_t host, std::vector<mcproxy::codec::GroupRecord> records) {
  mcproxy::codec::V3Report r;
  r.version = mcproxy::codec::Version::IGMPv3;
  r.records = std::move(records);
  mcproxy::codec::Packet p;
  p.source = Address(AddressV4(host));
  p.destination = boost::asio::ip::make_address("224.0.0.22");
  p.ttl = 1;
  p.router_alert = true;
  p.message = std::move(r);
  return mcproxy::codec::encode_ipv4(p);
}

int hosts(int argc, char** a) {
  const char* iface = a[0];
  const std::uint32_t host_base = v4(a[1]);
  const auto nhosts = static_cast<std::uint32_t>(std::atoi(a[2]));
  const std::uint32_t group_base = v4(a[3]);
  const auto ngroups = static_cast<std::uint32_t>(std::atoi(a[4]));
  const double rate = std::atof(a[5]);
  const std::int64_t hold = std::atoll(a[6]) * 1'000'000;
  const double flood_rate = argc > 7 ? std::atof(a[7]) : 0;
  const std::int64_t flood_ms = argc > 8 ? std::atoll(a[8]) : 0;
  if (nhosts == 0 || ngroups == 0 || rate <= 0) return 2;
  using mcproxy::codec::RecordType;

  const int out = bound_socket(SOCK_RAW, IPPROTO_RAW, iface);
  const int ifindex = static_cast<int>(if_nametoindex(iface));
  // Queries: a packet socket sees every IPv4 frame the interface receives,
  // including group-specific queries to groups this stack has not joined.
  const int in = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_IP));
  if (in < 0) {
    std::perror("socket(AF_PACKET)");
    return 1;
  }
  sockaddr_ll ll{};
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons(ETH_P_IP);
  ll.sll_ifindex = ifindex;
  if (::bind(in, reinterpret_cast<const sockaddr*>(&ll), sizeof ll) != 0) {
    std::perror("bind(AF_PACKET)");
    return 1;
  }
  const int big = 8 << 20;
  setsockopt(in, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
  setsockopt(out, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(v4("224.0.0.22"));

  std::vector<bool> joined(ngroups, false);
  std::mt19937 rng(12345);
  struct Scheduled {
    std::int64_t at;
    std::uint32_t host;       // simulated host index
    std::int64_t group = -1;  // -1: the host's whole state (General Query)
    bool operator>(const Scheduled& o) const { return at > o.at; }
  };
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> pending;
  std::uint64_t sent_joins = 0, sent_leaves = 0, general_queries = 0, specific_queries = 0, answer_packets = 0,
                answer_records = 0, flood_sent = 0, errors = 0;
  auto send = [&](const std::vector<std::uint8_t>& d) {
    if (::sendto(out, d.data(), d.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) ==
        static_cast<ssize_t>(d.size())) {
      return true;
    }
    ++errors;
    return false;
  };
  // RFC 3376 §5.2: the answer to a General Query is the host's current state,
  // split over as many reports as needed (183 source-less records per 1500 bytes).
  auto answer = [&](const Scheduled& s) {
    std::vector<mcproxy::codec::GroupRecord> records;
    auto flush = [&] {
      if (records.empty()) return;
      answer_records += records.size();
      ++answer_packets;
      send(report_datagram(host_base + s.host, std::move(records)));
      records.clear();
    };
    if (s.group >= 0) {
      if (joined[static_cast<std::size_t>(s.group)])
        records.push_back({RecordType::ModeIsExclude, Address(AddressV4(group_base + static_cast<std::uint32_t>(s.group))), {}, {}});
    } else {
      for (std::uint32_t g = s.host; g < ngroups; g += nhosts) {
        if (!joined[g]) continue;
        records.push_back({RecordType::ModeIsExclude, Address(AddressV4(group_base + g)), {}, {}});
        if (records.size() == 183) flush();
      }
    }
    flush();
  };
  auto read_queries = [&](std::int64_t now) {
    std::uint8_t buf[2048];
    for (;;) {
      const ssize_t n = ::recv(in, buf, sizeof buf, 0);
      if (n <= 0) return;
      if (n < 28 || (buf[0] >> 4) != 4 || buf[9] != 2) continue;  // IPv4 IGMP only
      const std::size_t ihl = (buf[0] & 0x0F) * 4u;
      if (static_cast<std::size_t>(n) < ihl + 12 || buf[ihl] != 0x11) continue;  // a v3 query is >= 12 bytes
      const std::uint8_t code = buf[ihl + 1];
      // RFC 3376 §4.1.1: Max Resp Code in 1/10 s (the float form is not used by these labs).
      const std::int64_t max_resp = std::max<std::int64_t>(1, code) * 100'000'000;
      const std::uint32_t group = (std::uint32_t{buf[ihl + 4]} << 24) | (std::uint32_t{buf[ihl + 5]} << 16) |
                                  (std::uint32_t{buf[ihl + 6]} << 8) | buf[ihl + 7];
      std::uniform_int_distribution<std::int64_t> delay(0, max_resp);
      if (group == 0) {
        ++general_queries;
        for (std::uint32_t h = 0; h < nhosts; ++h) pending.push({now + delay(rng), h, -1});
      } else if (group >= group_base && group - group_base < ngroups) {
        ++specific_queries;
        const std::uint32_t g = group - group_base;
        if (joined[g]) pending.push({now + delay(rng), g % nhosts, static_cast<std::int64_t>(g)});
      }
    }
  };

  const auto interval = static_cast<std::int64_t>(1e9 / rate);
  const std::int64_t flood_interval = flood_rate > 0 ? static_cast<std::int64_t>(1e9 / flood_rate) : 0;
  const std::int64_t start = now_ns() + 1'000'000;
  const std::int64_t join_end = start + static_cast<std::int64_t>(ngroups) * interval;
  const std::int64_t leave_start = join_end + hold;
  const std::int64_t leave_end = leave_start + static_cast<std::int64_t>(ngroups) * interval;
  const std::int64_t flood_end = start + flood_ms * 1'000'000;
  const std::int64_t end = std::max(leave_end + hold, flood_end);
  std::signal(SIGTERM, on_stop);
  std::signal(SIGINT, on_stop);
  std::uint32_t next_join = 0, next_leave = 0;
  std::int64_t next_flood = start;
  std::int64_t last_join_ns = 0, last_leave_ns = 0;
  for (;;) {
    const std::int64_t now = now_ns();
    if (now >= end || g_stop) break;
    read_queries(now);
    while (!pending.empty() && pending.top().at <= now) {
      answer(pending.top());
      pending.pop();
    }
    if (next_join < ngroups && now >= start + static_cast<std::int64_t>(next_join) * interval) {
      const std::uint32_t g = next_join++;
      joined[g] = true;
      if (send(report_datagram(host_base + g % nhosts, {{RecordType::ChangeToExcludeMode, Address(AddressV4(group_base + g)), {}, {}}})))
        ++sent_joins;
      last_join_ns = now;
      continue;
    }
    if (next_leave < ngroups && now >= leave_start + static_cast<std::int64_t>(next_leave) * interval) {
      const std::uint32_t g = next_leave++;
      joined[g] = false;
      if (send(report_datagram(host_base + g % nhosts, {{RecordType::ChangeToIncludeMode, Address(AddressV4(group_base + g)), {}, {}}})))
        ++sent_leaves;
      last_leave_ns = now;
      continue;
    }
    if (flood_interval > 0 && now < flood_end && now >= next_flood) {
      next_flood += flood_interval;
      mcproxy::codec::GroupRecord r;
      r.group = Address(AddressV4(0xEF800000u | (rng() & 0x7FFFFFu)));  // 239.128.0.0/9
      const unsigned n = rng() % 5;
      r.type = n == 0 ? RecordType::ChangeToExcludeMode : RecordType::AllowNewSources;
      for (unsigned i = 0; i < n; ++i) r.sources.push_back(Address(AddressV4(0x0A000000u | (rng() & 0xFFFFFFu))));
      if (send(report_datagram(host_base, {std::move(r)}))) ++flood_sent;
      continue;
    }
    // Nothing due: wait for a query or the next deadline (short sleeps keep pacing).
    std::int64_t next = end;
    if (next_join < ngroups) next = std::min(next, start + static_cast<std::int64_t>(next_join) * interval);
    else if (next_leave < ngroups) next = std::min(next, leave_start + static_cast<std::int64_t>(next_leave) * interval);
    if (!pending.empty()) next = std::min(next, pending.top().at);
    if (flood_interval > 0 && now < flood_end) next = std::min(next, next_flood);
    const std::int64_t wait = next - now;
    if (wait > 200'000) {
      pollfd p{in, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(wait / 1'000'000, 10)));
    }
  }
  std::printf("{\"joins\": %llu, \"leaves\": %llu, \"join_rate\": %.0f, \"leave_rate\": %.0f, "
              "\"general_queries\": %llu, \"specific_queries\": %llu, \"answer_packets\": %llu, "
              "\"answer_records\": %llu, \"flood_reports\": %llu, \"errors\": %llu}\n",
              static_cast<unsigned long long>(sent_joins), static_cast<unsigned long long>(sent_leaves),
              ngroups > 1 ? static_cast<double>(ngroups - 1) * 1e9 / static_cast<double>(last_join_ns - start) : 0.0,
              ngroups > 1 ? static_cast<double>(ngroups - 1) * 1e9 / static_cast<double>(last_leave_ns - leave_start) : 0.0,
              static_cast<unsigned long long>(general_queries), static_cast<unsigned long long>(specific_queries),
              static_cast<unsigned long long>(answer_packets), static_cast<unsigned long long>(answer_records),
              static_cast<unsigned long long>(flood_sent), static_cast<unsigned long long>(errors));
  ::close(in);
  ::close(out);
  return errors == 0 ? 0 : 1;
}

// The flood alone: as hosts' FLOOD_RATE, but batched (sendmmsg) so that one
// process reaches a higher rate; it falls back to the achieved rate when the
// machine cannot keep up (the summary line says what was reached).
int flood(int argc, char** a) {
  const char* iface = a[0];
  const std::uint32_t host = v4(a[1]);
  const double rate = std::atof(a[2]);
  const std::int64_t ms = std::atoll(a[3]);
  const auto seed = static_cast<std::uint32_t>(argc > 4 ? std::strtoul(a[4], nullptr, 10) : 1);
  if (rate <= 0 || ms <= 0) return 2;
  using mcproxy::codec::RecordType;
  const int out = bound_socket(SOCK_RAW, IPPROTO_RAW, iface);
  const int big = 8 << 20;
  setsockopt(out, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(v4("224.0.0.22"));
  std::mt19937 rng(seed);
  const std::int64_t start = mcproxy::perf::monotonic_ns() + 1'000'000;
  const auto r = mcproxy::perf::paced_flood(out, reinterpret_cast<const sockaddr*>(&to), sizeof to, rate, ms, start, [&] {
    mcproxy::codec::GroupRecord record;
    record.group = Address(AddressV4(0xEF800000u | (rng() & 0x7FFFFFu)));  // 239.128.0.0/9
    const unsigned k = rng() % 5;
    record.type = k == 0 ? RecordType::ChangeToExcludeMode : RecordType::AllowNewSources;
    for (unsigned j = 0; j < k; ++j) record.sources.push_back(Address(AddressV4(0x0A000000u | (rng() & 0xFFFFFFu))));
    return report_datagram(host, {std::move(record)});
  });
  std::printf("{\"flood_reports\": %llu, \"errors\": %llu, \"asked_rate\": %.0f, \"achieved_rate\": %.0f}\n",
              static_cast<unsigned long long>(r.sent), static_cast<unsigned long long>(r.errors), rate,
              r.seconds > 0 ? static_cast<double>(r.sent) / r.seconds : 0.0);
  ::close(out);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "reports" && argc == 9) return reports(argv + 2);
  if (mode == "stream" && argc == 9) return stream(argv + 2);
  if (mode == "members" && argc == 9) return members(argv + 2);
  if (mode == "hosts" && (argc == 9 || argc == 11)) return hosts(argc - 2, argv + 2);
  if (mode == "flood" && (argc == 6 || argc == 7)) return flood(argc - 2, argv + 2);
  std::fprintf(stderr,
               "usage: perf_traffic reports IFACE HOST_BASE HOSTS GROUP_BASE GROUPS RATE is_ex|to_ex|to_in\n"
               "       perf_traffic stream IFACE GROUP_BASE GROUPS RATE PHASE_MS START_AT_NS PORT\n"
               "       perf_traffic members IFACE GROUP_BASE GROUPS PHASE_MS START_AT_NS JOIN_MS LEAVE_MS\n"
               "       perf_traffic hosts IFACE HOST_BASE HOSTS GROUP_BASE GROUPS RATE HOLD_MS [FLOOD_RATE FLOOD_MS]\n"
               "       perf_traffic flood IFACE HOST RATE MS [SEED]\n");
  return 2;
}
