// Interface and instance name checks of the control protocol.
#include "mcproxy/control/names.hpp"

#include <gtest/gtest.h>

namespace mcproxy::control {
namespace {

TEST(InterfaceName, AcceptsLinuxNames) {
  for (const char* name : {"eth0", "br-lan", "eth0.100", "wlan0_1", "veth@x", "a", "abcdefghijklmno"})
    EXPECT_EQ(check_interface_name(name), std::nullopt) << name;
}

// IFNAMSIZ is 16 including the terminating NUL: at most 15 characters.
TEST(InterfaceName, RejectsLongerThanIfnamsizMinusOne) {
  auto error = check_interface_name("abcdefghijklmnop");
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("longer than 15"), std::string::npos) << *error;
}

TEST(InterfaceName, RejectsWhatTheKernelOrTheConfigurationRejects) {
  for (const char* name : {"", ".", "..", "eth/0", "eth:0", "eth 0", "eth\t0", "eth(0", "eth)0", "a|b", "a;b",
                           "a{b", "a}b", "a#b", "a,b", "a\"b", "a'b", "a\x7f"})
    EXPECT_TRUE(check_interface_name(name)) << name;
}

TEST(InstanceName, AcceptsIdentifiers) {
  for (const char* name : {"iptv", "IPTV_2", "radio.v6", "a-b", "_x", "9lives"})
    EXPECT_EQ(check_instance_name(name), std::nullopt) << name;
  EXPECT_EQ(check_instance_name(std::string(64, 'a')), std::nullopt);
}

TEST(InstanceName, RejectsOthers) {
  for (const char* name : {"", "-x", ".x", "a b", "a/b", "a:b", "a;b", "ä", "a\nb"})
    EXPECT_TRUE(check_instance_name(name)) << name;
  auto error = check_instance_name(std::string(65, 'a'));
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("longer than 64"), std::string::npos) << *error;
}

}  // namespace
}  // namespace mcproxy::control
