// `mcproxy -r`: rp_filter off on the configured interfaces and "all", old
// values back at exit; and the -d/-v verbosity of the original command line.
#include "mcproxy/logging.hpp"
#include "mcproxy/rp_filter.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace mcproxy {
namespace {

class RpFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("mcproxy-rp-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
    for (auto [name, value] : {std::pair{"all", "1"}, {"up0", "2"}, {"lan0", "0"}, {"lan1", "1"}}) {
      std::filesystem::create_directories(root_ / name);
      std::ofstream(root_ / name / "rp_filter") << value << "\n";
    }
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string value(const char* name) const {
    std::ifstream in(root_ / name / "rp_filter");
    std::string v;
    in >> v;
    return v;
  }
  std::filesystem::path root_;
};

TEST_F(RpFilterTest, TurnsOffConfiguredInterfacesAndAllThenRestores) {
  {
    ReversePathFilterReset reset(root_.string());
    EXPECT_TRUE(reset.reset({"up0", "lan0", "lan1"}).empty());
    EXPECT_EQ(value("all"), "0");
    EXPECT_EQ(value("up0"), "0");
    EXPECT_EQ(value("lan1"), "0");
    EXPECT_EQ(reset.changed().size(), 3u);  // lan0 was 0 already: not touched
    EXPECT_FALSE(reset.changed().contains("lan0"));
  }
  EXPECT_EQ(value("all"), "1");
  EXPECT_EQ(value("up0"), "2");
  EXPECT_EQ(value("lan0"), "0");
  EXPECT_EQ(value("lan1"), "1");
}

TEST_F(RpFilterTest, MissingInterfaceIsReportedNotFatal) {
  ReversePathFilterReset reset(root_.string());
  auto errors = reset.reset({"ppp0", "up0", "../etc"});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("ppp0/rp_filter"), std::string::npos);
  EXPECT_EQ(value("up0"), "0");
}

TEST(Verbosity, OriginalDebugSwitchMeansDebugAndTraceWithV) {
  EXPECT_EQ(verbosity_of(false, 0), 0);
  EXPECT_EQ(verbosity_of(false, 1), 1);
  EXPECT_EQ(verbosity_of(false, 2), 2);
  EXPECT_EQ(verbosity_of(true, 0), 2);   // -d
  EXPECT_EQ(verbosity_of(true, 2), 3);   // -dsvv
}

}  // namespace
}  // namespace mcproxy
