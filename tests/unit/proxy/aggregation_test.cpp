// RFC 4605 §4.1 / RFC 3376 §3.2 merging rules, table-driven.
#include "instances/proxy/aggregation.hpp"

#include <gtest/gtest.h>

namespace mcproxy::instances {
namespace {

Address A(const char* s) { return boost::asio::ip::make_address(s); }
const Address S1 = A("10.0.0.1");
const Address S2 = A("10.0.0.2");
const Address S3 = A("10.0.0.3");
Membership IN(std::set<Address> s) { return {FilterMode::Include, std::move(s)}; }
Membership EX(std::set<Address> s) { return {FilterMode::Exclude, std::move(s)}; }

struct MergeCase {
  const char* name;
  Membership a;
  Membership b;
  Membership expected;
};

// RFC 4605 §4.1: "the proxy device merges the subscriptions ... as in RFC 3376 §3.2".
TEST(Aggregation, MergeRulesOfRfc3376Section3_2) {
  const std::vector<MergeCase> cases = {
      {"INCLUDE{S1}+INCLUDE{S2}=INCLUDE{S1,S2}", IN({S1}), IN({S2}), IN({S1, S2})},
      {"INCLUDE{S1}+EXCLUDE{}=EXCLUDE{}", IN({S1}), EX({}), EX({})},
      {"EXCLUDE{S1,S2}+EXCLUDE{S2,S3}=EXCLUDE{S2}", EX({S1, S2}), EX({S2, S3}), EX({S2})},
      {"EXCLUDE{S1}+INCLUDE{S1,S2}=EXCLUDE{}", EX({S1}), IN({S1, S2}), EX({})},
      {"EXCLUDE{S1,S2}+INCLUDE{S2}=EXCLUDE{S1}", EX({S1, S2}), IN({S2}), EX({S1})},
      {"INCLUDE{}+INCLUDE{}=INCLUDE{}", IN({}), IN({}), IN({})},
      {"INCLUDE{}+EXCLUDE{S1}=EXCLUDE{S1}", IN({}), EX({S1}), EX({S1})},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(merge(c.a, c.b), c.expected) << c.name;
    EXPECT_EQ(merge(c.b, c.a), c.expected) << c.name << " (commuted)";
  }
}

TEST(Aggregation, AggregateOfNothingIsNoInterest) {
  EXPECT_TRUE(is_empty(aggregate({})));
  EXPECT_EQ(aggregate({IN({S1}), EX({S1, S2}), IN({S3})}), EX({S2}));
}

struct SubtractCase {
  const char* name;
  Membership a;
  Membership b;
  Membership expected;
};

// What remains for the next upstream under `rulematching first`.
TEST(Aggregation, SubtractLeavesWhatIsNotYetCovered) {
  const std::vector<SubtractCase> cases = {
      {"IN{S1,S2}-IN{S1}=IN{S2}", IN({S1, S2}), IN({S1}), IN({S2})},
      {"IN{S1,S2}-EX{S1}=IN{S1}", IN({S1, S2}), EX({S1}), IN({S1})},
      {"EX{S1}-IN{S2}=EX{S1,S2}", EX({S1}), IN({S2}), EX({S1, S2})},
      {"EX{S1}-EX{S1,S2}=IN{S2}", EX({S1}), EX({S1, S2}), IN({S2})},
      {"EX{}-EX{}=IN{}", EX({}), EX({}), IN({})},
  };
  for (const auto& c : cases) EXPECT_EQ(subtract(c.a, c.b), c.expected) << c.name;
}

// RFC 3376 §6.3 reading of a state: INCLUDE forwards listed, EXCLUDE all but listed.
TEST(Aggregation, AdmitsFollowsFilterMode) {
  EXPECT_TRUE(admits(IN({S1}), S1));
  EXPECT_FALSE(admits(IN({S1}), S2));
  EXPECT_FALSE(admits(EX({S1}), S1));
  EXPECT_TRUE(admits(EX({S1}), S2));
}

}  // namespace
}  // namespace mcproxy::instances
