// The paced flood of the lab tools (perf_traffic flood, perf_receiver flood):
// datagrams built by the caller, sent at a steady rate in sendmmsg batches.
#pragma once

#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mcproxy::perf {

inline std::int64_t monotonic_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

struct FloodResult {
  std::uint64_t sent = 0;
  std::uint64_t errors = 0;  // datagrams sendmmsg did not take
  double seconds = 0;        // from the first due send to the end
};

// Sends `make()` (a std::vector<std::uint8_t> each call) to `to` on `fd`,
// `rate` a second for `ms` milliseconds from `start_ns` (CLOCK_MONOTONIC, as
// monotonic_ns()), in batches of up to 64: what is due by now, at once when
// behind schedule.
template <class Make>
FloodResult paced_flood(int fd, const sockaddr* to, socklen_t to_len, double rate, std::int64_t ms, std::int64_t start_ns,
                        Make&& make) {
  constexpr std::size_t kBatch = 64;
  std::vector<std::vector<std::uint8_t>> batch(kBatch);
  std::vector<iovec> iov(kBatch);
  std::vector<mmsghdr> msgs(kBatch);
  const std::int64_t end = start_ns + ms * 1'000'000;
  FloodResult r;
  for (;;) {
    const std::int64_t now = monotonic_ns();
    if (now >= end) break;
    const std::int64_t elapsed = std::max<std::int64_t>(0, now - start_ns);
    const auto due = static_cast<std::uint64_t>(static_cast<double>(elapsed) * rate / 1e9) + 1;
    const std::uint64_t done_so_far = r.sent + r.errors;
    if (due <= done_so_far) {
      const std::int64_t next = start_ns + static_cast<std::int64_t>(static_cast<double>(done_so_far) * 1e9 / rate);
      timespec ts{static_cast<time_t>(next / 1'000'000'000), static_cast<long>(next % 1'000'000'000)};
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
      continue;
    }
    const std::size_t n = std::min<std::uint64_t>(kBatch, due - done_so_far);
    for (std::size_t i = 0; i < n; ++i) {
      batch[i] = make();
      iov[i] = {batch[i].data(), batch[i].size()};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_name = const_cast<sockaddr*>(to);
      msgs[i].msg_hdr.msg_namelen = to_len;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    const int done = ::sendmmsg(fd, msgs.data(), static_cast<unsigned>(n), 0);
    const std::size_t ok = done < 0 ? 0 : static_cast<std::size_t>(done);
    r.sent += ok;
    r.errors += n - ok;
  }
  r.seconds = static_cast<double>(monotonic_ns() - start_ns) / 1e9;
  return r;
}

}  // namespace mcproxy::perf
