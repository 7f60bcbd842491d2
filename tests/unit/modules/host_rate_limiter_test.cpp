// HostRateLimiter: a token bucket per (family, interface, host), kept as the
// generic cell rate algorithm's theoretical arrival time, with a bounded table.
#include "modules/receiver/host_rate_limiter.hpp"

#include <gtest/gtest.h>

namespace mcproxy::receiver {
namespace {

const Address kA = AddressV4({10, 0, 0, 2});
const Address kB = AddressV4({10, 0, 0, 3});
const Address kA6 = boost::asio::ip::make_address_v6("fe80::2");

TimePoint at(std::int64_t ms) { return TimePoint{} + std::chrono::milliseconds(1'000'000 + ms); }

// Admitted packets of `host` among `n` sent at `ms`.
int admitted(HostRateLimiter& l, const Address& host, int n, std::int64_t ms, std::uint32_t rate = 10,
             std::uint32_t burst = 20, int ifindex = 3) {
  int ok = 0;
  for (int i = 0; i < n; ++i) ok += l.admit(family_of(host), ifindex, host, rate, burst, at(ms));
  return ok;
}

TEST(HostRateLimiter, ABurstUpToTheBucketSizeIsAdmitted) {
  HostRateLimiter l;
  EXPECT_EQ(admitted(l, kA, 25, 0), 20);
}

TEST(HostRateLimiter, TheBucketRefillsAtTheRate) {
  HostRateLimiter l;
  EXPECT_EQ(admitted(l, kA, 20, 0), 20);
  EXPECT_EQ(admitted(l, kA, 5, 0), 0);
  EXPECT_EQ(admitted(l, kA, 5, 100), 1);    // 10/s: one packet per 100 ms
  EXPECT_EQ(admitted(l, kA, 10, 600), 5);   // 500 ms later: five more
  EXPECT_EQ(admitted(l, kA, 40, 10'000), 20);  // idle long enough: a full bucket, no more
}

TEST(HostRateLimiter, ASteadySenderAtTheRateIsNeverDropped) {
  HostRateLimiter l;
  int ok = 0;
  for (int i = 0; i < 1000; ++i) ok += l.admit(Family::V4, 3, kA, 10, 20, at(i * 100));
  EXPECT_EQ(ok, 1000);
}

TEST(HostRateLimiter, HostsAndInterfacesAndFamiliesHaveTheirOwnBuckets) {
  HostRateLimiter l;
  EXPECT_EQ(admitted(l, kA, 30, 0), 20);
  EXPECT_EQ(admitted(l, kB, 30, 0), 20);
  EXPECT_EQ(admitted(l, kA, 30, 0, 10, 20, 4), 20);  // the same host on another interface
  EXPECT_EQ(admitted(l, kA6, 30, 0), 20);
  EXPECT_EQ(l.tracked(), 4u);
}

TEST(HostRateLimiter, ForgettingAnInterfaceDropsItsBucketsOnly) {
  HostRateLimiter l;
  admitted(l, kA, 30, 0);
  admitted(l, kA, 30, 0, 10, 20, 4);
  l.forget_interface(Family::V4, 3);
  EXPECT_EQ(l.tracked(), 1u);
  EXPECT_EQ(admitted(l, kA, 30, 0), 20);     // fresh on interface 3
  EXPECT_EQ(admitted(l, kA, 30, 0, 10, 20, 4), 0);  // still empty on interface 4
}

TEST(HostRateLimiter, BurstOfOneAdmitsExactlyTheRate) {
  HostRateLimiter l;
  EXPECT_EQ(admitted(l, kA, 3, 0, 1000, 1), 1);
  EXPECT_EQ(admitted(l, kA, 3, 1, 1000, 1), 1);
}

// The table is bounded: a new host finding it full evicts the buckets that are
// full again (idle hosts); if every tracked host is busy, it is charged to the
// interface's shared bucket instead of growing the table.
TEST(HostRateLimiter, AFullTableEvictsIdleHostsThenSharesOneBucket) {
  HostRateLimiter l(4);
  for (std::uint8_t i = 0; i < 4; ++i) EXPECT_EQ(admitted(l, AddressV4({10, 0, 1, i}), 20, 0), 20);
  EXPECT_EQ(l.tracked(), 4u);
  // Busy hosts only: two newcomers share one bucket of 20.
  EXPECT_EQ(admitted(l, AddressV4({10, 0, 2, 1}), 15, 0), 15);
  EXPECT_EQ(admitted(l, AddressV4({10, 0, 2, 2}), 15, 0), 5);
  EXPECT_EQ(l.tracked(), 5u);  // four hosts and the shared bucket
  EXPECT_EQ(l.shared_bucket_packets(), 30u);
  // Three seconds later the four hosts are idle (full buckets): evicted, and a
  // newcomer gets its own bucket again.
  EXPECT_EQ(admitted(l, AddressV4({10, 0, 2, 3}), 20, 3'000), 20);
  EXPECT_EQ(l.tracked(), 2u);  // the shared bucket and the newcomer
}

// The sweep that looks for idle hosts runs at most every 100 ms, so a flood of
// spoofed sources against a table of busy hosts does not scan it per packet.
TEST(HostRateLimiter, SweepsAreSpaced) {
  HostRateLimiter l(2);
  admitted(l, kA, 1, 0);
  admitted(l, kB, 1, 0);
  admitted(l, AddressV4({10, 0, 2, 1}), 1, 0);  // table full, nothing idle: shared
  EXPECT_EQ(l.tracked(), 3u);  // the shared bucket may exceed the bound, by one per interface
  // 1 s later kA and kB are idle and the last sweep is 1 s old: both evicted.
  admitted(l, AddressV4({10, 0, 2, 2}), 1, 1'000);
  EXPECT_EQ(l.tracked(), 2u);  // the shared bucket and 10.0.2.2
  // Full again; the last sweep was 0 ms ago: no scan, the newcomer shares.
  admitted(l, AddressV4({10, 0, 2, 3}), 1, 1'000);
  EXPECT_EQ(l.tracked(), 2u);
  EXPECT_EQ(l.shared_bucket_packets(), 2u);
}

}  // namespace
}  // namespace mcproxy::receiver
