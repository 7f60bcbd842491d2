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

std::vector<std::string> lines_of(const std::string& s) {
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
    if (!dir_.empty()) if (!std::getenv("MCPROXY_KEEP_PCAP")) std::filesystem::remove_all(dir_, ec);
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

  // Verdicts (-V) keep stderr, where tshark reports damaged files; field
  // output drops it (tshark warns there when run as root).
  static std::string tshark(const std::filesystem::path& file, const std::string& args) {
    const bool verbose = args == "-V";
    return run("tshark -n -r '" + file.string() + "' -o ip.check_checksum:TRUE " + args +
               (verbose ? " 2>&1" : " 2>/dev/null"));
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

// Field values as `tshark -T fields` prints them, joined with '|' (lists with
// ','). Booleans are normalised to 0/1: newer tshark prints True/False.
std::string fields(const std::string& raw) {
  std::string out;
  std::size_t i = 0;
  while (i < raw.size()) {
    if (raw.compare(i, 4, "True") == 0) {
      out += '1';
      i += 4;
    } else if (raw.compare(i, 5, "False") == 0) {
      out += '0';
      i += 5;
    } else {
      out += raw[i++];
    }
  }
  return out;
}

std::string field_args(const std::vector<std::string>& names) {
  std::string args = "-T fields -E separator='|' -E aggregator=','";
  for (const auto& n : names) args += " -e " + n;
  return args;
}

TEST_F(Tshark, EncodedIgmpDissectsCleanly) {
  const auto file = write("igmp.pcap", igmp_samples());
  expect_clean_dissection(tshark(file, "-V"));
}

TEST_F(Tshark, EncodedMldDissectsCleanly) {
  const auto file = write("mld.pcap", mld_samples());
  expect_clean_dissection(tshark(file, "-V"));
}

// What Wireshark reads from each of igmp_samples(): IPv4 header checksum
// good (1), Router Alert value 0, TOS 0xc0, TTL 1; IGMP version, type,
// checksum good, group(s), Max Resp Time in 1/10 s (decoded), S, QRV, QQIC
// (raw code), sources, record types, aux data.
TEST_F(Tshark, EncodedIgmpFieldsAreWhatWeMeant) {
  const auto file = write("igmp-fields.pcap", igmp_samples());
  const std::vector<std::string> names = {
      "ip.checksum.status", "ip.opt.ra", "ip.dsfield", "ip.ttl", "igmp.version", "igmp.type",
      "igmp.checksum.status", "igmp.maddr", "igmp.max_resp", "igmp.s", "igmp.qrv", "igmp.qqic",
      "igmp.num_src", "igmp.saddr", "igmp.record_type", "igmp.aux_data_len", "igmp.aux_data"};
  const std::vector<std::string> expected = {
      "1|0|0xc0|1|1|0x11|1|0.0.0.0|||||||||",
      "1|0|0xc0|1|2|0x11|1|0.0.0.0|100||||||||",
      "1|0|0xc0|1|2|0x11|1|239.1.1.2|255||||||||",
      "1|0|0xc0|1|3|0x11|1|0.0.0.0|100|0|2|125|0||||",
      "1|0|0xc0|1|3|0x11|1|232.1.1.1|31744|1|7|255|2|198.51.100.7,198.51.100.8|||",
      "1|0|0xc0|1|1|0x12|1|239.1.1.3|||||||||",
      "1|0|0xc0|1|2|0x16|1|239.1.1.2|0||||||||",
      "1|0|0xc0|1|2|0x17|1|239.1.1.2|0||||||||",
      "1|0|0xc0|1|3|0x22|1|232.1.1.1,239.1.1.1,239.1.1.2,239.1.1.3,232.1.1.2,232.1.1.3|||||1,0,1,2,1,1|"
      "198.51.100.7,198.51.100.9,10.0.0.1,10.0.0.2,198.51.100.7,198.51.100.7|1,2,3,4,5,6|0,0,0,0,1,2|"
      "01020304,05060708090a0b0c",
  };
  const auto got = lines_of(fields(tshark(file, field_args(names))));
  ASSERT_EQ(got.size(), expected.size()) << fields(tshark(file, field_args(names)));
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(got[i], expected[i]) << "frame " << i + 1;
}

// The same for mld_samples(): hop limit, Router Alert value 0 (MLD), ICMPv6
// type and checksum good, MLDv1 delay / MLDv2 code (decoded, ms), group, S,
// QRV, QQIC (decoded, s), sources, records.
TEST_F(Tshark, EncodedMldFieldsAreWhatWeMeant) {
  const auto file = write("mld-fields.pcap", mld_samples());
  const std::vector<std::string> names = {
      "ipv6.hlim", "ipv6.opt.router_alert", "icmpv6.type", "icmpv6.checksum.status",
      "icmpv6.mld.maximum_response_delay", "icmpv6.mld.maximum_response_code", "icmpv6.mld.multicast_address",
      "icmpv6.mld.flag.s", "icmpv6.mld.flag.qrv", "icmpv6.mld.qqi", "icmpv6.mld.source_address",
      "icmpv6.mldr.mar.record_type", "icmpv6.mldr.mar.multicast_address", "icmpv6.mldr.mar.source_address",
      "icmpv6.mldr.mar.aux_data_len", "icmpv6.mldr.mar.auxiliary_data"};
  const std::vector<std::string> expected = {
      "1|0|130|1|10000||::|||||||||",
      "1|0|130|1|65535||ff3e::1|||||||||",
      "1|0|130|1||10000|::|0|2|125||||||",
      "1|0|130|1||8387584|ff3e::8000:1|1|3|248|2001:db8::7,2001:db8::8|||||",
      "1|0|131|1|0||ff3e::8000:2|||||||||",
      "1|0|132|1|0||ff3e::8000:2|||||||||",
      "1|0|143|1||||||||1,2,3,4,5,6|ff3e::1,ff3e::2,ff3e::3,ff3e::4,ff3e::5,ff3e::6|"
      "2001:db8::1,2001:db8::2,2001:db8::3,2001:db8::4,2001:db8::3|0,0,0,0,1,0|01020304",
  };
  const auto got = lines_of(fields(tshark(file, field_args(names))));
  ASSERT_EQ(got.size(), expected.size()) << fields(tshark(file, field_args(names)));
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(got[i], expected[i]) << "frame " << i + 1;
}

// A split report's parts are each a well-formed report for Wireshark too.
TEST_F(Tshark, SplitReportPartsDissectCleanly) {
  GroupRecord big{RecordType::AllowNewSources, v6("ff3e::1"), {}, {}};
  for (std::uint8_t i = 1; i <= 200; ++i) big.sources.push_back(Address(AddressV6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, i})));
  std::vector<Packet> packets;
  for (auto& part : split_report(V3Report{Version::MLDv2, {big}}, 1452)) {
    packets.push_back(packet(v6("fe80::1"), v6("ff02::16"), 1, true, part));
  }
  ASSERT_EQ(packets.size(), 3u);
  const auto file = write("split.pcap", packets);
  expect_clean_dissection(tshark(file, "-V"));
  const auto sizes = lines_of(tshark(file, "-T fields -e frame.len"));
  ASSERT_EQ(sizes.size(), 3u);
  for (const auto& s : sizes) EXPECT_LE(std::stoul(s), 14u + 1500u);
}

}  // namespace
}  // namespace mcproxy::codec::test
