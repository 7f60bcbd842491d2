// The daemon's four module threads on a fake kernel, wired as the daemon wires
// them (Routing hands its mroute sockets to the Receiver): started on
// construction, stopped in the daemon's order on destruction.
#pragma once

#include "modules/common/clock.hpp"
#include "modules/kernel/fake_kernel.hpp"
#include "modules/receiver/receiver.hpp"
#include "modules/routing/routing.hpp"
#include "modules/sender/sender.hpp"
#include "modules/timer/timer.hpp"

#include <gtest/gtest.h>

namespace mcproxy {

struct ModuleThreads {
  kernel::FakeKernel kernel;
  SteadyClockSource clock;
  timer::Timer timer{clock};
  receiver::Receiver receiver{kernel};
  sender::Sender sender{kernel};
  routing::Routing routing{kernel, [this](receiver::ReceiverMessage m) { receiver.post(std::move(m)); }};

  // `interfaces`: what the fake kernel lists before the Receiver starts.
  explicit ModuleThreads(std::vector<kernel::InterfaceInfo> interfaces = {}) {
    kernel.set_interfaces(std::move(interfaces));
    timer.start();
    EXPECT_TRUE(receiver.start());
    EXPECT_TRUE(sender.start());
    routing.start();
  }
  ~ModuleThreads() { stop(); }
  // A derived fixture whose members the threads use (a mailbox they answer
  // into) stops them in its own destructor, before those members go.
  void stop() {
    if (stopped_) return;
    stopped_ = true;
    sender.stop();
    routing.stop();
    receiver.stop();
    timer.stop();
  }
  ModuleThreads(const ModuleThreads&) = delete;
  ModuleThreads& operator=(const ModuleThreads&) = delete;

 private:
  bool stopped_ = false;
};

}  // namespace mcproxy
