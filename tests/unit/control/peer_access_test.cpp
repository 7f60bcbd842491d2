// The access policy of the control socket: root, the daemon's user, the
// control group (primary or supplementary), nobody else.
#include "mcproxy/control/peer_access.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace mcproxy::control {
namespace {

TEST(PeerAccess, RootAndTheDaemonsUserMayConnect) {
  const AccessPolicy policy{1000, std::nullopt};
  EXPECT_TRUE(peer_allowed({1, 0, 0, {}}, policy));
  EXPECT_TRUE(peer_allowed({1, 1000, 1000, {}}, policy));
  EXPECT_FALSE(peer_allowed({1, 1001, 1000, {1000}}, policy)) << "no group configured";
}

TEST(PeerAccess, ControlGroupMembersMayConnect) {
  const AccessPolicy policy{0, 500};
  EXPECT_TRUE(peer_allowed({1, 1001, 500, {}}, policy));
  EXPECT_TRUE(peer_allowed({1, 1001, 100, {20, 500}}, policy));
  EXPECT_FALSE(peer_allowed({1, 1001, 100, {20, 501}}, policy));
  EXPECT_FALSE(peer_allowed({1, 65534, 65534, {}}, policy));
}

TEST(PeerAccess, ReadsOwnCredentialsFromASocketPair) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  auto peer = peer_credentials(fds[0]);
  ::close(fds[0]);
  ::close(fds[1]);
  ASSERT_TRUE(peer) << peer.error();
  EXPECT_EQ(peer->uid, ::geteuid());
  EXPECT_EQ(peer->gid, ::getegid());
  EXPECT_EQ(peer->pid, ::getpid());
}

TEST(PeerAccess, ResolvesGroupsByNumberAndName) {
  EXPECT_EQ(resolve_group("1234"), 1234u);
  EXPECT_EQ(resolve_group("root"), 0u);
  auto unknown = resolve_group("no-such-group-here");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), "no group named 'no-such-group-here'");
  EXPECT_FALSE(resolve_group(""));
}

}  // namespace
}  // namespace mcproxy::control
