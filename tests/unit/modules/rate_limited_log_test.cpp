// The rate limiter for log lines a remote host can trigger: one line per key
// and interval, the held-back ones counted and reported with the next line.
#include "modules/common/rate_limited_log.hpp"

#include <gtest/gtest.h>

namespace mcproxy {
namespace {

TEST(RateLimitedLog, FirstLinePassesThenOnePerInterval) {
  RateLimitedLog limiter(Duration(10'000));
  const TimePoint t0{};
  EXPECT_EQ(limiter.admit("max-groups", t0), 0u);
  EXPECT_FALSE(limiter.admit("max-groups", t0 + Duration(1)));
  EXPECT_FALSE(limiter.admit("max-groups", t0 + Duration(9'999)));
  // The next line after the interval carries the count of the held-back ones.
  EXPECT_EQ(limiter.admit("max-groups", t0 + Duration(10'000)), 2u);
  EXPECT_FALSE(limiter.admit("max-groups", t0 + Duration(10'001)));
}

TEST(RateLimitedLog, KeysAreIndependent) {
  RateLimitedLog limiter(Duration(1'000));
  const TimePoint t0{};
  EXPECT_TRUE(limiter.admit("a", t0));
  EXPECT_TRUE(limiter.admit("b", t0));
  EXPECT_FALSE(limiter.admit("a", t0));
  EXPECT_FALSE(limiter.admit("b", t0));
}

TEST(RateLimitedLog, AFloodWritesOneLinePerInterval) {
  RateLimitedLog limiter(Duration(1'000));
  const TimePoint t0{};
  int written = 0;
  std::uint64_t reported = 0;
  for (int ms = 0; ms < 10'000; ++ms) {  // 10 000 events over 10 s
    if (auto held = limiter.admit("flood", t0 + Duration(ms))) {
      ++written;
      reported += *held;
    }
  }
  EXPECT_EQ(written, 10);
  EXPECT_EQ(reported + static_cast<std::uint64_t>(written), 10'000u - 999u);  // the last interval's are still held
}

TEST(RateLimitedLog, SuffixNamesTheHeldBackCount) {
  EXPECT_EQ(RateLimitedLog::suffix(0), "");
  EXPECT_EQ(RateLimitedLog::suffix(3), " (3 more since the last such message)");
}

}  // namespace
}  // namespace mcproxy
