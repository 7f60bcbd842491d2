// Log lines for the journal and syslog: priorities per level, the journal
// stream's detection (systemd.exec(5) JOURNAL_STREAM) and the "<N>" layout
// of sd-daemon(3).
#include "mcproxy/logging.hpp"

#include <gtest/gtest.h>
#include <log4cplus/spi/loggingevent.h>

#include <sys/stat.h>

#include <cstdio>
#include <sstream>
#include <string>

namespace mcproxy {
namespace {

std::string journal_line(log4cplus::LogLevel level, const std::string& message) {
  JournalLayout layout;
  log4cplus::spi::InternalLoggingEvent event("mcproxy.instance.iptv", level, message, __FILE__, __LINE__);
  std::ostringstream out;
  layout.formatAndAppend(out, event);
  return out.str();
}

TEST(Logging, TargetsByName) {
  EXPECT_EQ(parse_log_target("auto"), LogTarget::automatic);
  EXPECT_EQ(parse_log_target("stderr"), LogTarget::stderr_lines);
  EXPECT_EQ(parse_log_target("journal"), LogTarget::journal);
  EXPECT_EQ(parse_log_target("syslog"), LogTarget::syslog);
  EXPECT_EQ(parse_log_target("Syslog"), std::nullopt);
  EXPECT_EQ(parse_log_target(""), std::nullopt);
}

TEST(Logging, ErrorsAreSyslogErr) { EXPECT_EQ(syslog_priority(log4cplus::ERROR_LOG_LEVEL), 3); }
TEST(Logging, WarningsAreSyslogWarning) { EXPECT_EQ(syslog_priority(log4cplus::WARN_LOG_LEVEL), 4); }
TEST(Logging, InfoIsSyslogInfo) { EXPECT_EQ(syslog_priority(log4cplus::INFO_LOG_LEVEL), 6); }
TEST(Logging, DebugAndTraceAreSyslogDebug) {
  EXPECT_EQ(syslog_priority(log4cplus::DEBUG_LOG_LEVEL), 7);
  EXPECT_EQ(syslog_priority(log4cplus::TRACE_LOG_LEVEL), 7);
}
TEST(Logging, FatalIsSyslogCrit) { EXPECT_EQ(syslog_priority(log4cplus::FATAL_LOG_LEVEL), 2); }

TEST(Logging, JournalLinesCarryTheirPriorityAndNoTimeStamp) {
  EXPECT_EQ(journal_line(log4cplus::WARN_LOG_LEVEL, "lan0 is down"), "<4>mcproxy.instance.iptv: lan0 is down\n");
  EXPECT_EQ(journal_line(log4cplus::DEBUG_LOG_LEVEL, "x"), "<7>mcproxy.instance.iptv: x\n");
}

TEST(Logging, EveryLineOfAMessageKeepsThePriority) {
  EXPECT_EQ(journal_line(log4cplus::ERROR_LOG_LEVEL, "first\nsecond"), "<3>mcproxy.instance.iptv: first\n<3>second\n");
}

class JournalStream : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = std::tmpfile();
    ASSERT_NE(file_, nullptr);
    struct stat st {};
    ASSERT_EQ(fstat(fileno(file_), &st), 0);
    device_ = static_cast<unsigned long long>(st.st_dev);
    inode_ = static_cast<unsigned long long>(st.st_ino);
  }
  void TearDown() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  int fd() const { return fileno(file_); }
  std::FILE* file_ = nullptr;
  unsigned long long device_ = 0;
  unsigned long long inode_ = 0;
};

TEST_F(JournalStream, MatchesTheFileItNames) {
  const std::string value = std::to_string(device_) + ":" + std::to_string(inode_);
  EXPECT_TRUE(is_journal_stream(value.c_str(), fd()));
}

TEST_F(JournalStream, AnotherFileIsNotTheJournal) {
  const std::string value = std::to_string(device_) + ":" + std::to_string(inode_ + 1);
  EXPECT_FALSE(is_journal_stream(value.c_str(), fd()));
}

TEST_F(JournalStream, UnsetOrMalformedIsNotTheJournal) {
  EXPECT_FALSE(is_journal_stream(nullptr, fd()));
  for (const char* bad : {"", ":", "12", "12:", ":34", "a:b", "12:34x", "-1:5", "1:2:3"}) {
    EXPECT_FALSE(is_journal_stream(bad, fd())) << bad;
  }
}

TEST_F(JournalStream, AClosedDescriptorIsNotTheJournal) {
  const std::string value = std::to_string(device_) + ":" + std::to_string(inode_);
  EXPECT_FALSE(is_journal_stream(value.c_str(), -1));
}

}  // namespace
}  // namespace mcproxy
