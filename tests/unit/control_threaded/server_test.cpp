// The control server over a real socket in a temp dir, with a fake handler:
// requests, pipelining, bad input, limits, timeouts, asynchronous and lost
// replies, the socket file and peer credentials.
#include "mcproxy/control/server.hpp"

#include "test_support.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <deque>
#include <fstream>
#include <thread>

namespace mcproxy::control {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::FakeHandler;
using testing::LineClient;
using testing::parse;
using testing::TempDir;

class ServerTest : public ::testing::Test {
 protected:
  ServerOptions options() {
    ServerOptions o;
    o.path = dir_.file("mcproxy.sock");
    return o;
  }

  std::unique_ptr<ControlServer> start(ServerOptions o, ControlHandler& handler) {
    auto server = ControlServer::start(std::move(o), handler);
    EXPECT_TRUE(server) << (server ? "" : server.error());
    return server ? std::move(*server) : nullptr;
  }

  TempDir dir_;
};

TEST_F(ServerTest, AnswersARequest) {
  FakeHandler handler;
  handler.set_answer(make_ok({{"instances", json::array()}}));
  auto server = start(options(), handler);
  LineClient client(server->path());
  ASSERT_TRUE(client.connected());
  client.send("{\"cmd\":\"show\",\"what\":\"instances\"}\n");
  EXPECT_EQ(client.read_line(), "{\"ok\":true,\"instances\":[]}");
  EXPECT_EQ(handler.commands(), std::vector<std::string>{"show"});
  EXPECT_EQ(server->counters().requests, 1u);
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrderEvenWhenRepliesComeBackwards) {
  FakeHandler handler(FakeHandler::Mode::Hold);
  auto server = start(options(), handler);
  LineClient client(server->path());
  client.send("{\"cmd\":\"reload\",\"id\":1}\n{\"cmd\":\"metrics\",\"id\":2}\n{\"cmd\":\"show\",\"what\":\"mfc\",\"id\":3}\n");
  ASSERT_TRUE(handler.wait_for_requests(3));
  auto held = handler.take_held();
  ASSERT_EQ(held.size(), 3u);
  // Replies from another thread, last first.
  std::thread replier([&held] {
    for (int i = 2; i >= 0; --i) held[static_cast<std::size_t>(i)](make_ok({{"n", i}}));
  });
  replier.join();
  for (int i = 0; i < 3; ++i) {
    auto line = parse(client.read_line());
    EXPECT_EQ(line, json({{"ok", true}, {"n", i}, {"id", i + 1}})) << i;
  }
}

// `echo '{"cmd":"reload"}' | socat - UNIX-CONNECT:...`: the last line may lack
// its newline, and the client shuts its sending side before reading.
TEST_F(ServerTest, HalfClosedClientStillGetsItsAnswers) {
  FakeHandler handler;
  auto server = start(options(), handler);
  LineClient client(server->path());
  client.send("{\"cmd\":\"reload\"}\n{\"cmd\":\"metrics\"}");
  client.shutdown_write();
  EXPECT_EQ(client.read_line(), "{\"ok\":true,\"cmd\":\"reload\"}");
  EXPECT_EQ(client.read_line(), "{\"ok\":true,\"cmd\":\"metrics\"}");
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, GarbageLineGetsAnErrorAndTheConnectionGoesOn) {
  FakeHandler handler;
  auto server = start(options(), handler);
  LineClient client(server->path());
  client.send("\x01\x02 garbage {{{\n");
  auto error = parse(client.read_line());
  ASSERT_TRUE(error.is_object());
  EXPECT_EQ(error["ok"], false);
  EXPECT_EQ(error["error"].get<std::string>().rfind("invalid JSON", 0), 0u) << error;
  client.send("{\"cmd\":\"frob\"}\n{\"cmd\":\"reload\"}\n");
  EXPECT_EQ(client.read_line(), "{\"ok\":false,\"error\":\"unknown command 'frob'\"}");
  EXPECT_EQ(client.read_line(), "{\"ok\":true,\"cmd\":\"reload\"}");
  EXPECT_EQ(handler.commands(), std::vector<std::string>{"reload"}) << "only valid requests reach the handler";
  // Counted before the answers went out (doc/operations.md, "Counters").
  const auto counters = server->counters();
  EXPECT_EQ(counters.errors.invalid_json, 1u);
  EXPECT_EQ(counters.errors.bad_request, 1u);
  EXPECT_EQ(counters.requests, 1u);
}

TEST_F(ServerTest, OverlongLineIsRefusedAndClosed) {
  FakeHandler handler;
  auto server = start(options(), handler);
  LineClient client(server->path());
  client.send(std::string(70 * 1024, 'x'));
  EXPECT_EQ(client.read_line(), "{\"ok\":false,\"error\":\"request too long (limit 65536 bytes)\"}");
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(server->counters().errors.too_long, 1u);
}

TEST_F(ServerTest, HalfRequestTimesOutWithoutBlockingOthers) {
  FakeHandler handler;
  auto o = options();
  o.client_timeout = 300ms;
  auto server = start(o, handler);
  LineClient slow(server->path());
  slow.send("{\"cmd\":\"rel");
  LineClient fast(server->path());
  fast.send("{\"cmd\":\"reload\"}\n");
  EXPECT_EQ(fast.read_line(), "{\"ok\":true,\"cmd\":\"reload\"}");
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(slow.read_line(), "{\"ok\":false,\"error\":\"timeout: incomplete request after 300 ms\"}");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_TRUE(slow.closed_by_server());
}

TEST_F(ServerTest, IdleClientIsClosed) {
  FakeHandler handler;
  auto o = options();
  o.client_timeout = 200ms;
  auto server = start(o, handler);
  LineClient idle(server->path());
  EXPECT_EQ(idle.read_line(), "{\"ok\":false,\"error\":\"timeout: no request for 200 ms\"}");
  EXPECT_TRUE(idle.closed_by_server());
}

TEST_F(ServerTest, ClientsOverTheCapAreRefused) {
  FakeHandler handler;
  auto o = options();
  o.max_clients = 2;
  auto server = start(o, handler);
  LineClient a(server->path()), b(server->path());
  // A round trip each, so both are accepted before the third connects.
  a.send("{\"cmd\":\"reload\"}\n");
  b.send("{\"cmd\":\"reload\"}\n");
  ASSERT_TRUE(a.read_line());
  ASSERT_TRUE(b.read_line());
  LineClient c(server->path());
  EXPECT_EQ(c.read_line(), "{\"ok\":false,\"error\":\"too many clients (limit 2)\"}");
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_EQ(server->counters().refused_too_many, 1u);
  // A freed slot is usable again.
  a.close();
  for (int attempt = 0; attempt < 50; ++attempt) {
    LineClient d(server->path());
    d.send("{\"cmd\":\"metrics\"}\n");
    auto line = d.read_line();
    if (line == "{\"ok\":true,\"cmd\":\"metrics\"}") return;
    std::this_thread::sleep_for(20ms);
  }
  ADD_FAILURE() << "no slot became free after a client left";
}

TEST_F(ServerTest, ReplyForAClientThatLeftIsDropped) {
  FakeHandler handler(FakeHandler::Mode::Hold);
  auto server = start(options(), handler);
  {
    LineClient gone(server->path());
    gone.send("{\"cmd\":\"reload\"}\n");
    ASSERT_TRUE(handler.wait_for_requests(1));
  }
  std::this_thread::sleep_for(50ms);  // let the server notice the hang-up
  auto held = handler.take_held();
  ASSERT_EQ(held.size(), 1u);
  std::thread([&held] { held[0](make_ok()); }).join();
  // The server is unharmed and serves the next client.
  LineClient next(server->path());
  next.send("{\"cmd\":\"metrics\"}\n");
  ASSERT_TRUE(handler.wait_for_requests(2));
  auto more = handler.take_held();
  ASSERT_EQ(more.size(), 1u);
  more[0](make_ok({{"text", "x"}}));
  EXPECT_EQ(next.read_line(), "{\"ok\":true,\"text\":\"x\"}");
}

TEST_F(ServerTest, ReplyAfterTheServerStoppedIsHarmless) {
  FakeHandler handler(FakeHandler::Mode::Hold);
  auto server = start(options(), handler);
  LineClient client(server->path());
  client.send("{\"cmd\":\"reload\"}\n");
  ASSERT_TRUE(handler.wait_for_requests(1));
  server->stop();
  server.reset();
  auto held = handler.take_held();
  ASSERT_EQ(held.size(), 1u);
  held[0](make_ok());
  held.clear();
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, DroppedReplyBecomesAnInternalError) {
  FakeHandler handler(FakeHandler::Mode::Drop);
  auto server = start(options(), handler);
  LineClient client(server->path());
  client.send("{\"cmd\":\"reload\"}\n");
  EXPECT_EQ(client.read_line(), "{\"ok\":false,\"error\":\"internal error: the daemon dropped the request\"}");
}

TEST_F(ServerTest, HandlerExceptionBecomesAnInternalError) {
  FakeHandler handler(FakeHandler::Mode::Throw);
  auto server = start(options(), handler);
  LineClient client(server->path());
  client.send("{\"cmd\":\"reload\"}\n");
  EXPECT_EQ(client.read_line(), "{\"ok\":false,\"error\":\"internal error: boom\"}");
}

TEST_F(ServerTest, SlowDaemonGetsAHandlerTimeout) {
  FakeHandler handler(FakeHandler::Mode::Hold);
  auto o = options();
  o.handler_timeout = 200ms;
  auto server = start(o, handler);
  LineClient client(server->path());
  client.send("{\"cmd\":\"reload\"}\n");
  EXPECT_EQ(client.read_line(), "{\"ok\":false,\"error\":\"timeout: the daemon did not answer within 200 ms\"}");
}

TEST_F(ServerTest, SocketIsOwnerOnlyAndRemovedOnStop) {
  FakeHandler handler;
  auto o = options();
  o.path = dir_.file("run/mcproxy/ctl.sock");
  auto server = start(o, handler);
  struct stat info{};
  ASSERT_EQ(::stat(o.path.c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  server->stop();
  EXPECT_NE(::stat(o.path.c_str(), &info), 0);
}

TEST_F(ServerTest, StaleSocketIsReplacedAndALiveOneRefused) {
  FakeHandler handler;
  {
    UniqueFd stale(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, options().path.c_str());
    ASSERT_EQ(::bind(stale.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  }
  auto first = start(options(), handler);
  ASSERT_TRUE(first);
  auto second = ControlServer::start(options(), handler);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), "another mcproxy is listening on " + options().path);
  LineClient client(first->path());
  client.send("{\"cmd\":\"reload\"}\n");
  EXPECT_EQ(client.read_line(), "{\"ok\":true,\"cmd\":\"reload\"}");
}

TEST_F(ServerTest, UnknownGroupIsAnError) {
  FakeHandler handler;
  auto o = options();
  o.group = "no-such-group-here";
  auto server = ControlServer::start(o, handler);
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error(), "control socket group: no group named 'no-such-group-here'");
}

TEST_F(ServerTest, StopWithConnectedClientsIsPrompt) {
  FakeHandler handler(FakeHandler::Mode::Hold);
  auto server = start(options(), handler);
  LineClient a(server->path()), b(server->path());
  a.send("{\"cmd\":\"reload\"}\n");
  b.send("{\"cmd\":");
  ASSERT_TRUE(handler.wait_for_requests(1));
  const auto started = std::chrono::steady_clock::now();
  server->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_TRUE(a.closed_by_server());
  EXPECT_TRUE(b.closed_by_server());
}

// A handler that answers from worker threads, in whatever order they run.
class WorkerHandler : public ControlHandler {
 public:
  WorkerHandler() {
    for (int i = 0; i < 3; ++i) workers_.emplace_back([this] { work(); });
  }
  ~WorkerHandler() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& worker : workers_) worker.join();
  }
  void handle(const Request& request, Reply reply) override {
    const auto* show = std::get_if<ShowRequest>(&request);
    json answer = make_ok({{"instance", show != nullptr && show->instance ? *show->instance : ""}});
    {
      std::lock_guard lock(mutex_);
      jobs_.emplace_back(std::move(reply), std::move(answer));
    }
    wake_.notify_one();
  }

 private:
  void work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job.first(std::move(job.second));
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<Reply, json>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

TEST_F(ServerTest, ConcurrentClientsGetTheirOwnAnswersInOrder) {
  WorkerHandler handler;
  auto server = start(options(), handler);
  constexpr int kClients = 8;
  constexpr int kRequests = 40;
  std::vector<std::thread> clients;
  std::atomic<int> good{0};
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      LineClient client(server->path());
      std::string batch;
      for (int r = 0; r < kRequests; ++r)
        batch += json({{"cmd", "show"}, {"what", "mfc"}, {"instance", "c" + std::to_string(c)}, {"id", r}}).dump() + "\n";
      client.send(batch);
      for (int r = 0; r < kRequests; ++r) {
        auto line = parse(client.read_line());
        if (line == json({{"ok", true}, {"instance", "c" + std::to_string(c)}, {"id", r}})) ++good;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(good.load(), kClients * kRequests);
  EXPECT_EQ(server->counters().requests, static_cast<std::uint64_t>(kClients * kRequests));
}

// Peer credentials (SO_PEERCRED): a process running as nobody (65534) is
// refused even when the file permissions would let it connect. Needs root to
// switch users; the child is forked before the server thread starts.
class PeerCredentialTest : public ServerTest {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to run a client as nobody";
    std::filesystem::permissions(dir_.path(), std::filesystem::perms(0755));
  }

  // Forks a child that waits for a go, becomes nobody (uid/gid 65534, no
  // supplementary groups), sends one request and exits with: 0 answer ok,
  // 1 "permission denied" answer, 2 connect refused with EACCES, 3 other.
  pid_t fork_nobody_client(int& go_fd) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) return -1;
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(pipe_fds[1]);
      char go;
      if (::read(pipe_fds[0], &go, 1) != 1) ::_exit(3);
      if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
      auto fd = connect_unix(path_for_child_);
      if (!fd) ::_exit(fd.error() == EACCES ? 2 : 3);
      const char request[] = "{\"cmd\":\"reload\"}\n";
      [[maybe_unused]] auto sent = ::send(fd->get(), request, sizeof request - 1, MSG_NOSIGNAL);
      char answer[256] = {};
      std::size_t got = 0;
      while (got < sizeof answer - 1) {
        const auto n = ::recv(fd->get(), answer + got, sizeof answer - 1 - got, 0);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
        if (std::memchr(answer, '\n', got) != nullptr) break;
      }
      if (std::strcmp(answer, "{\"ok\":false,\"error\":\"permission denied\"}\n") == 0) ::_exit(1);
      if (std::strncmp(answer, "{\"ok\":true", 10) == 0) ::_exit(0);
      ::_exit(3);
    }
    ::close(pipe_fds[0]);
    go_fd = pipe_fds[1];
    return pid;
  }

  int run_child(pid_t pid, int go_fd) {
    [[maybe_unused]] auto written = ::write(go_fd, "g", 1);
    ::close(go_fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string path_for_child_ = dir_.file("mcproxy.sock");
};

TEST_F(PeerCredentialTest, OtherUserIsRefusedByCredentialsEvenIfTheFileAllowsIt) {
  int go = -1;
  const pid_t child = fork_nobody_client(go);
  ASSERT_GT(child, 0);
  FakeHandler handler;
  auto server = start(options(), handler);
  ASSERT_TRUE(server);
  ::chmod(server->path().c_str(), 0666);  // a misconfigured file: credentials still decide
  EXPECT_EQ(run_child(child, go), 1);
  EXPECT_TRUE(handler.commands().empty());
  EXPECT_EQ(server->counters().refused_permission, 1u);
}

TEST_F(PeerCredentialTest, OwnerOnlySocketFileKeepsOtherUsersOut) {
  int go = -1;
  const pid_t child = fork_nobody_client(go);
  ASSERT_GT(child, 0);
  FakeHandler handler;
  auto server = start(options(), handler);
  ASSERT_TRUE(server);
  EXPECT_EQ(run_child(child, go), 2);
}

TEST_F(PeerCredentialTest, ControlGroupMemberIsAllowed) {
  int go = -1;
  const pid_t child = fork_nobody_client(go);
  ASSERT_GT(child, 0);
  FakeHandler handler;
  auto o = options();
  o.group = "65534";
  auto server = start(o, handler);
  ASSERT_TRUE(server);
  struct stat info{};
  ASSERT_EQ(::stat(server->path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0660u);
  EXPECT_EQ(info.st_gid, 65534u);
  EXPECT_EQ(run_child(child, go), 0);
  EXPECT_EQ(handler.commands(), std::vector<std::string>{"reload"});
}

}  // namespace
}  // namespace mcproxy::control
