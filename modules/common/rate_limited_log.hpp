// Rate-limited logging for what a remote host can trigger (bad packets, limits
// reached): at most one line per reason and interval, the rest counted.
#pragma once

#include "modules/common/clock.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mcproxy {

// One per owner thread (not thread-safe). Keys are reasons from a fixed set
// (e.g. "max-groups on eth1"), never text a remote host chooses, so the map
// stays small whatever arrives.
//
//   if (auto held = limiter.admit("max-groups", now))
//     LOG4CPLUS_WARN(log, "... refused" << RateLimitedLog::suffix(*held));
class RateLimitedLog {
 public:
  static constexpr Duration kDefaultInterval{10'000};

  explicit RateLimitedLog(Duration interval = kDefaultInterval) : interval_(interval) {}

  // Whether a line for `key` may be written at `now`; if so, how many were held
  // back since the last one written. The first line of a key always passes.
  std::optional<std::uint64_t> admit(std::string_view key, TimePoint now) {
    auto it = entries_.find(key);
    if (it == entries_.end()) it = entries_.emplace(std::string(key), Entry{}).first;
    Entry& e = it->second;
    if (e.written && now < e.next) {
      ++e.held;
      return std::nullopt;
    }
    const std::uint64_t held = e.held;
    e = Entry{true, now + interval_, 0};
    return held;
  }

  // " (N more in the last interval)" for a non-zero count, "" otherwise.
  static std::string suffix(std::uint64_t held) {
    return held == 0 ? std::string() : " (" + std::to_string(held) + " more since the last such message)";
  }

  Duration interval() const { return interval_; }

 private:
  struct Entry {
    bool written = false;
    TimePoint next{};
    std::uint64_t held = 0;
  };
  Duration interval_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace mcproxy
