#include "modules/receiver/host_rate_limiter.hpp"

#include <algorithm>

namespace mcproxy::receiver {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::int64_t kSweepSpacing = 100'000'000;  // 100 ms

std::int64_t nanos(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

bool HostRateLimiter::charge(Tat& tat, std::int64_t now_ns, std::uint32_t per_second, std::uint32_t burst) {
  const std::int64_t interval = kNanosPerSecond / std::max<std::int64_t>(per_second, 1);
  const std::int64_t tolerance = interval * (std::max<std::int64_t>(burst, 1) - 1);
  const std::int64_t start = std::max(tat, now_ns);
  if (start - now_ns > tolerance) return false;
  tat = start + interval;
  return true;
}

bool HostRateLimiter::admit(Family family, int ifindex, const Address& host, std::uint32_t per_second,
                            std::uint32_t burst, TimePoint now) {
  const std::int64_t now_ns = nanos(now);
  Key key{CompactAddress(host), ifindex, family, false};
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_hosts_) sweep(now_ns);
    if (buckets_.size() >= max_hosts_) {
      // Still full of busy hosts: this one shares the interface's bucket (kept
      // even at the bound: one per interface).
      ++shared_bucket_packets_;
      key = Key{CompactAddress(unspecified(family)), ifindex, family, true};
    }
    it = buckets_.try_emplace(key, Tat{0}).first;
  }
  return charge(it->second, now_ns, per_second, burst);
}

void HostRateLimiter::forget_interface(Family family, int ifindex) {
  std::erase_if(buckets_, [&](const auto& entry) { return entry.first.family == family && entry.first.ifindex == ifindex; });
}

void HostRateLimiter::sweep(std::int64_t now_ns) {
  if (swept_ && now_ns - last_sweep_ns_ < kSweepSpacing) return;
  swept_ = true;
  last_sweep_ns_ = now_ns;
  std::erase_if(buckets_, [&](const auto& entry) { return !entry.first.shared && entry.second <= now_ns; });
}

}  // namespace mcproxy::receiver
