// Helpers of the threaded tests that run instances on the module threads
// (instance_threaded_test.cpp, daemon_threaded_test.cpp): interfaces for the
// fake kernel, a bounded wait for a condition, and an instance thread held
// inside a control function.
#pragma once

#include "instances/runtime/proxy_instance.hpp"
#include "modules/kernel/kernel_api.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

namespace mcproxy {

inline Address v4(const char* s) { return Address(boost::asio::ip::make_address_v4(s)); }

// An IPv4 interface as the fake kernel lists it: multicast, MTU 1500, one /24.
inline kernel::InterfaceInfo test_interface(int ifindex, const std::string& name, const char* address,
                                            bool up = true) {
  kernel::InterfaceInfo i;
  i.ifindex = ifindex;
  i.name = name;
  i.up = up;
  i.running = up;
  i.multicast = true;
  i.mtu = 1500;
  i.addresses = {{v4(address), 24}};
  return i;
}

// Polls `condition` every 5 ms until it holds or `limit` passes.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

// Holds an instance's thread inside a control function from construction
// until release() (or destruction, at the latest after 10 s), so that events
// and requests queue behind it.
class HeldInstance {
 public:
  explicit HeldInstance(instances::ProxyInstance& instance) {
    auto released = release_.get_future().share();
    auto entered = std::make_shared<std::promise<void>>();
    auto in = entered->get_future();
    held_ = instance.post_control([released, entered](instances::ProxyInstance&) {
      entered->set_value();
      released.wait_for(std::chrono::seconds(10));
    });
    held_ = held_ && in.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  }
  ~HeldInstance() { release(); }
  HeldInstance(const HeldInstance&) = delete;
  HeldInstance& operator=(const HeldInstance&) = delete;

  // Whether the instance's thread is inside the control function.
  bool held() const { return held_; }
  void release() {
    if (released_) return;
    released_ = true;
    release_.set_value();
  }

 private:
  std::promise<void> release_;
  bool held_ = false;
  bool released_ = false;
};

}  // namespace mcproxy
