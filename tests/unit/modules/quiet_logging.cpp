// Gives log4cplus a null appender so tests do not print "no appenders" noise;
// the modules' log lines are not what these tests check.
#include <log4cplus/logger.h>
#include <log4cplus/nullappender.h>

namespace {

struct QuietLogging {
  QuietLogging() {
    log4cplus::SharedAppenderPtr null(new log4cplus::NullAppender);
    log4cplus::Logger::getRoot().addAppender(null);
  }
};

const QuietLogging quiet_logging;

}  // namespace
