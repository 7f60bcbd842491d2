// Per-host report rate limit of the Receiver (doc/operations.md, "Overload
// and limits"): a host that floods a downstream with reports is cut to its
// rate as the packets are read, before they are decoded or queued for the
// instance, so the socket's queue stays short and the reports of the other
// hosts on the link are served at once.
//
// One token bucket per (family, interface, source address), kept as the
// theoretical arrival time of the generic cell rate algorithm (ITU-T I.371):
// a packet at `now` is admitted while the bucket's time is at most
// `burst - 1` emission intervals ahead of `now`; each admitted packet moves it
// one interval (1 s / rate) on. A bucket whose time has passed is full.
//
// Memory is bounded: at most `max_hosts` buckets. When a new host finds the
// table full, buckets that are full again (idle hosts) are removed; if none
// is, the new host shares one bucket per interface with every other host that
// found the table full (a spoofing flood cannot grow the table, and cannot
// take more than one host's rate from the rest).
//
// Threading: not synchronised; the Receiver thread only (or a test).
#pragma once

#include "modules/common/address.hpp"
#include "modules/common/clock.hpp"

#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace mcproxy::receiver {

class HostRateLimiter {
 public:
  static constexpr std::size_t kDefaultMaxHosts = 16384;

  explicit HostRateLimiter(std::size_t max_hosts = kDefaultMaxHosts) : max_hosts_(max_hosts) {}

  // Whether one more packet from `host` on (`family`, `ifindex`) is within
  // `per_second` packets a second with bursts of up to `burst` (both > 0).
  bool admit(Family family, int ifindex, const Address& host, std::uint32_t per_second, std::uint32_t burst,
             TimePoint now);

  // Forgets the interface's buckets (it was unregistered or re-registered with another rate).
  void forget_interface(Family family, int ifindex);

  std::size_t tracked() const { return buckets_.size(); }
  // Packets charged to an interface's shared bucket because the table was full.
  std::uint64_t shared_bucket_packets() const { return shared_bucket_packets_; }

 private:
  struct Key {
    CompactAddress host;
    std::int32_t ifindex = 0;
    Family family = Family::V4;
    bool shared = false;  // the interface's bucket for hosts that found the table full
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
      return k.host.hash() ^ (static_cast<std::size_t>(static_cast<std::uint32_t>(k.ifindex)) * 0x9e3779b97f4a7c15ULL) ^
             (k.shared ? 0x5bd1e995u : 0u) ^ (k.family == Family::V6 ? 0x27d4eb2fu : 0u);
    }
  };
  // Theoretical arrival time in nanoseconds of the steady clock.
  using Tat = std::int64_t;

  static bool charge(Tat& tat, std::int64_t now_ns, std::uint32_t per_second, std::uint32_t burst);
  // Removes the buckets that are full again at `now_ns`; at most once per
  // kSweepSpacing, so a table full of busy hosts is not scanned per packet.
  void sweep(std::int64_t now_ns);

  std::size_t max_hosts_;
  std::unordered_map<Key, Tat, KeyHash> buckets_;
  std::int64_t last_sweep_ns_ = 0;
  bool swept_ = false;
  std::uint64_t shared_bucket_packets_ = 0;
};

}  // namespace mcproxy::receiver
