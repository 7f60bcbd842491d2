// mcproxyctl's flow (run_ctl) end to end against a server with a fake handler:
// tables, --json, daemon errors, no daemon, timeouts, usage errors.
#include "mcproxy/ctl/run.hpp"

#include "mcproxy/control/server.hpp"
#include "test_support.hpp"

#include <sysexits.h>

#include <sstream>

namespace mcproxy::ctl {
namespace {

using namespace std::chrono_literals;
using control::testing::FakeHandler;
using control::make_error;
using control::make_ok;
using nlohmann::json;

class CtlTest : public ::testing::Test {
 protected:
  void serve(control::ControlHandler& handler) {
    control::ServerOptions o;
    o.path = dir_.file("mcproxy.sock");
    auto started = control::ControlServer::start(o, handler);
    ASSERT_TRUE(started) << started.error();
    server_ = std::move(*started);
  }

  int run(std::vector<std::string> words, bool as_json = false, std::chrono::milliseconds timeout = 5s) {
    out_.str("");
    err_.str("");
    return run_ctl({dir_.file("mcproxy.sock"), as_json, timeout, std::move(words)}, out_, err_);
  }

  control::testing::TempDir dir_;
  std::unique_ptr<control::ControlServer> server_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CtlTest, ShowPrintsATable) {
  FakeHandler handler;
  handler.set_answer(make_ok({{"instances", json::array({{{"name", "iptv"},
                                                          {"protocol", "IGMPv3"},
                                                          {"table", 3},
                                                          {"upstreams", {"eth0"}},
                                                          {"downstreams", {"eth1"}},
                                                          {"state", "running"}}})}}));
  serve(handler);
  EXPECT_EQ(run({"show", "instances"}), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "NAME  PROTOCOL  TABLE  UPSTREAMS  DOWNSTREAMS  STATE\n"
            "iptv  IGMPv3        3  eth0       eth1         running\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CtlTest, JsonPrintsTheAnswerVerbatim) {
  FakeHandler handler;
  handler.set_answer(make_ok({{"mfc", json::array()}}));
  serve(handler);
  EXPECT_EQ(run({"show", "mfc"}, true), 0);
  EXPECT_EQ(json::parse(out_.str()), json({{"ok", true}, {"mfc", json::array()}}));
  EXPECT_NE(out_.str().find("\n  "), std::string::npos) << "pretty-printed";
}

TEST_F(CtlTest, MetricsPrintsTheText) {
  FakeHandler handler;
  handler.set_answer(make_ok({{"text", "# TYPE mcproxy_up gauge\nmcproxy_up 1\n"}}));
  serve(handler);
  EXPECT_EQ(run({"metrics"}), 0);
  EXPECT_EQ(out_.str(), "# TYPE mcproxy_up gauge\nmcproxy_up 1\n");
}

TEST_F(CtlTest, LargeAnswersArriveWhole) {
  FakeHandler handler;
  std::string text;
  for (int i = 0; text.size() < 3 * 1024 * 1024; ++i) text += "mcproxy_sample{n=\"" + std::to_string(i) + "\"} 1\n";
  handler.set_answer(make_ok({{"text", text}}));
  serve(handler);
  EXPECT_EQ(run({"metrics"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), text);
}

TEST_F(CtlTest, DaemonErrorExitsOneWithItsMessage) {
  FakeHandler handler;
  handler.set_answer(make_error("no instance 'iptv'"));
  serve(handler);
  EXPECT_EQ(run({"instance", "remove", "iptv"}), 1);
  EXPECT_EQ(err_.str(), "mcproxyctl: no instance 'iptv'\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CtlTest, NoDaemonIsUnavailable) {
  EXPECT_EQ(run({"reload"}), EX_UNAVAILABLE);
  EXPECT_EQ(err_.str(), "mcproxyctl: no mcproxy listening on " + dir_.file("mcproxy.sock") +
                            " (is the daemon running? see --control-socket)\n");
}

TEST_F(CtlTest, SilentDaemonTimesOut) {
  FakeHandler handler(FakeHandler::Mode::Hold);
  serve(handler);
  EXPECT_EQ(run({"reload"}, false, 300ms), EX_TEMPFAIL);
  EXPECT_NE(err_.str().find("no answer from mcproxy"), std::string::npos) << err_.str();
  handler.take_held();
}

TEST_F(CtlTest, BadCommandLineIsAUsageErrorAndSendsNothing) {
  FakeHandler handler;
  serve(handler);
  EXPECT_EQ(run({"interface", "add", "iptv", "sideways", "eth0"}), EX_USAGE);
  EXPECT_EQ(err_.str(),
            "mcproxyctl: interface-add: bad role 'sideways': expected 'upstream' or 'downstream'\n"
            "try 'mcproxyctl --help'\n");
  EXPECT_TRUE(handler.commands().empty());
}

}  // namespace
}  // namespace mcproxy::ctl
