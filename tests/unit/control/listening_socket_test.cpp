// The control socket file: mode, parent directory, stale file replaced, live
// one refused, other files left alone, removal on close.
#include "mcproxy/control/listening_socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace mcproxy::control {
namespace {

namespace fs = std::filesystem;

class ListeningSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "mcproxy-ctl-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  static mode_t mode_of(const std::string& path) {
    struct stat info{};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return info.st_mode & 07777;
  }

  fs::path dir_;
};

TEST_F(ListeningSocketTest, SocketIsOwnerOnlyAndParentIsCreated) {
  const auto path = (dir_ / "run" / "mcproxy" / "mcproxy.sock").string();
  auto socket = ListeningSocket::open(path, std::nullopt);
  ASSERT_TRUE(socket) << socket.error();
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of((dir_ / "run" / "mcproxy").string()), 0755u);
  EXPECT_TRUE(connect_unix(path));
}

TEST_F(ListeningSocketTest, WithAGroupTheSocketIs0660AndBelongsToIt) {
  const auto path = (dir_ / "g.sock").string();
  const gid_t group = ::getegid();  // a group we may chown to without root
  auto socket = ListeningSocket::open(path, group);
  ASSERT_TRUE(socket) << socket.error();
  EXPECT_EQ(mode_of(path), 0660u);
  struct stat info{};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_gid, group);
}

TEST_F(ListeningSocketTest, StaleSocketOfADeadPredecessorIsReplaced) {
  const auto path = (dir_ / "s.sock").string();
  {
    // A socket file nobody listens on, as a crashed daemon leaves it.
    UniqueFd stale(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, path.c_str());
    ASSERT_EQ(::bind(stale.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  }
  ASSERT_TRUE(fs::exists(path));
  auto socket = ListeningSocket::open(path, std::nullopt);
  ASSERT_TRUE(socket) << socket.error();
  EXPECT_TRUE(connect_unix(path));
}

TEST_F(ListeningSocketTest, LiveSocketIsRefused) {
  const auto path = (dir_ / "l.sock").string();
  auto first = ListeningSocket::open(path, std::nullopt);
  ASSERT_TRUE(first) << first.error();
  auto second = ListeningSocket::open(path, std::nullopt);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), "another mcproxy is listening on " + path);
  EXPECT_TRUE(connect_unix(path)) << "the first one still listens";
}

TEST_F(ListeningSocketTest, OtherFilesAreNotReplaced) {
  const auto path = (dir_ / "f.sock").string();
  std::ofstream(path) << "important";
  auto socket = ListeningSocket::open(path, std::nullopt);
  ASSERT_FALSE(socket);
  EXPECT_EQ(socket.error(), path + " exists and is not a socket; not replacing it");
  EXPECT_TRUE(fs::is_regular_file(path));
}

TEST_F(ListeningSocketTest, PathLongerThanSunPathIsAnError) {
  auto socket = ListeningSocket::open((dir_ / std::string(120, 'x')).string(), std::nullopt);
  ASSERT_FALSE(socket);
  EXPECT_NE(socket.error().find("too long"), std::string::npos) << socket.error();
}

TEST_F(ListeningSocketTest, FileIsRemovedOnCloseUnlessReplaced) {
  const auto path = (dir_ / "r.sock").string();
  {
    auto socket = ListeningSocket::open(path, std::nullopt);
    ASSERT_TRUE(socket);
  }
  EXPECT_FALSE(fs::exists(path));
  {
    auto socket = ListeningSocket::open(path, std::nullopt);
    ASSERT_TRUE(socket);
    // A successor took the path over (after unlinking our file).
    fs::remove(path);
    std::ofstream(path) << "successor";
  }
  EXPECT_TRUE(fs::exists(path)) << "somebody else's file stays";
}

TEST_F(ListeningSocketTest, ConnectReportsTheErrno) {
  auto missing = connect_unix((dir_ / "none.sock").string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), ENOENT);
}

}  // namespace
}  // namespace mcproxy::control
