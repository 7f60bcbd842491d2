// The fake kernel behaves like ipmr where tests rely on it: MRT_TABLE only
// before MRT_INIT, one mroute socket per table, injected data makes fds readable.
#include "modules/kernel/fake_kernel.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <cerrno>

namespace mcproxy::kernel {
namespace {

TEST(FakeKernel, TableMustBeSetBeforeInit) {
  FakeKernel k;
  auto fd = k.open_mroute_socket(Family::V4);
  ASSERT_TRUE(fd);
  ASSERT_TRUE(k.mrt_init(fd->get(), Family::V4));
  auto r = k.set_table(fd->get(), Family::V4, 10);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().error, EBUSY);
}

TEST(FakeKernel, OneMrouteSocketPerTable) {
  FakeKernel k;
  auto a = k.open_mroute_socket(Family::V4);
  auto b = k.open_mroute_socket(Family::V4);
  ASSERT_TRUE(k.set_table(a->get(), Family::V4, 10));
  ASSERT_TRUE(k.set_table(b->get(), Family::V4, 10));
  ASSERT_TRUE(k.mrt_init(a->get(), Family::V4));
  EXPECT_EQ(k.mrt_init(b->get(), Family::V4).error().error, EADDRINUSE);
}

TEST(FakeKernel, InjectedDatagramMakesFdReadableUntilRead) {
  FakeKernel k;
  auto fd = k.open_packet_socket(Family::V6, PacketSocketRole::Receive);
  pollfd p{fd->get(), POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 0), 0);
  k.inject(fd->get(), {1, 2, 3}, Datagram{});
  EXPECT_EQ(::poll(&p, 1, 0), 1);
  std::array<std::uint8_t, 2> small{};
  auto r = k.receive(fd->get(), Family::V6, small);
  ASSERT_TRUE(r && *r);
  EXPECT_TRUE((*r)->truncated);
  EXPECT_EQ(::poll(&p, 1, 0), 0);
  EXPECT_FALSE(*k.receive(fd->get(), Family::V6, small));
}

TEST(FakeKernel, FailNextFailsOnceWithErrno) {
  FakeKernel k;
  k.fail_next("add_rule", EPERM);
  const MrouteRule rule{Family::V4, "a", "", 10, 1};
  auto r = k.add_rule(rule);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().error, EPERM);
  EXPECT_NE(r.error().message().find("Operation not permitted"), std::string::npos);
  EXPECT_TRUE(k.add_rule(rule));
}

}  // namespace
}  // namespace mcproxy::kernel
