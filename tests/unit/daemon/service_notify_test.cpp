// The STATUS= line systemd shows (mcproxy/service_notify.hpp), and that
// notifying outside systemd does nothing.
#include "mcproxy/service_notify.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace mcproxy::service {
namespace {

TEST(ServiceNotify, StatusLineCountsInstancesInterfacesGroups) {
  EXPECT_EQ(status_line(2, 5, 12), "2 instances, 5 interfaces, 12 groups");
  EXPECT_EQ(status_line(1, 1, 1), "1 instance, 1 interface, 1 group");
  EXPECT_EQ(status_line(0, 0, 0), "0 instances, 0 interfaces, 0 groups");
}

TEST(ServiceNotify, OutsideSystemdNothingIsEnabled) {
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");
  EXPECT_FALSE(notify_enabled());
  EXPECT_FALSE(watchdog_period().has_value());
  notify("READY=1");  // a no-op, not a crash
}

#ifdef MCPROXY_HAVE_SYSTEMD
TEST(ServiceNotify, WatchdogPeriodIsAThirdOfWatchdogSec) {
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  ::unsetenv("WATCHDOG_PID");
  auto period = watchdog_period();
  ASSERT_TRUE(period.has_value());
  EXPECT_EQ(period->count(), 10000);
  ::unsetenv("WATCHDOG_USEC");
}
#endif

}  // namespace
}  // namespace mcproxy::service
