// Decoding never crashes or reads past the buffer: many truncated, mutated
// and random inputs (fixed seed, bounded), each in an exactly-sized heap
// buffer so AddressSanitizer sees any overread.
#include "tests/unit/codec/pcap_file.hpp"
#include "tests/unit/codec/round_trip_samples.hpp"
#include "tests/unit/codec/test_support.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <set>

namespace mcproxy::codec::test {
namespace {

const Address kSource = v6("fe80::1");
const Address kDestination = v6("ff02::16");

// Runs every decoder on an exact-size copy. When one accepts the input, its
// result must survive encode -> decode unchanged (the decoder only accepts
// what the encoder can express).
std::size_t decode_everything(std::span<const std::uint8_t> in, std::set<DecodeError>* reasons = nullptr) {
  const std::size_t n = in.size();
  auto owned = std::make_unique<std::uint8_t[]>(n == 0 ? 1 : n);
  std::copy(in.begin(), in.end(), owned.get());
  const std::span<const std::uint8_t> b(owned.get(), n);
  std::size_t accepted = 0;
  if (auto p = decode_ipv4(b)) {
    ++accepted;
    const auto again = decode_ipv4(encode_ipv4(*p));
    EXPECT_TRUE(again && *again == *p) << describe(p->message);
  } else if (reasons != nullptr) {
    reasons->insert(p.error());
  }
  if (auto p = decode_ipv6(b)) {
    ++accepted;
    const auto again = decode_ipv6(encode_ipv6(*p));
    EXPECT_TRUE(again && *again == *p) << describe(p->message);
  } else if (reasons != nullptr) {
    reasons->insert(p.error());
  }
  if (auto m = decode_igmp(b)) {
    ++accepted;
    const auto again = decode_igmp(encode_igmp(*m));
    EXPECT_TRUE(again && *again == *m) << describe(*m);
  }
  if (auto m = decode_mld(b, kSource, kDestination)) {
    ++accepted;
    const auto again = decode_mld(encode_mld(*m, kSource, kDestination), kSource, kDestination);
    EXPECT_TRUE(again && *again == *m) << describe(*m);
  }
  return accepted;
}

// Re-seals checksums after a mutation so the mutated bytes reach the parsers
// behind the checksum checks instead of all failing there.
void reseal(Bytes& b) {
  if (b.empty()) return;
  if ((b[0] >> 4) == 4 && b.size() >= 20) {
    const std::size_t ihl = std::size_t{b[0] & 0x0fu} * 4;
    if (ihl >= 20 && ihl <= b.size()) {
      fix_ipv4_checksum(b);
      if (b.size() >= ihl + 4) fix_igmp_checksum(b, ihl);
    }
  } else if ((b[0] >> 4) == 6 && b.size() >= 52 && b[6] == 0) {
    // Hop-by-hop of 8 octets then ICMPv6, as the encoder lays it out.
    Address src = Address(AddressV6([&] {
      AddressV6::bytes_type a{};
      std::copy(b.begin() + 8, b.begin() + 24, a.begin());
      return a;
    }()));
    Address dst = Address(AddressV6([&] {
      AddressV6::bytes_type a{};
      std::copy(b.begin() + 24, b.begin() + 40, a.begin());
      return a;
    }()));
    fix_icmpv6_checksum(b, src, dst, 48);
  }
}

std::vector<Bytes> seeds() {
  std::vector<Bytes> s;
  for (const Packet& p : igmp_samples()) {
    s.push_back(encode_ipv4(p));
    s.push_back(encode_igmp(p.message));
  }
  for (const Packet& p : mld_samples()) {
    s.push_back(encode_ipv6(p));
    s.push_back(encode_mld(p.message, kSource, kDestination));
  }
  for (const auto& entry : std::filesystem::directory_iterator(fixtures_dir())) {
    if (entry.path().extension() != ".pcap") continue;
    for (const auto& rec : read_pcap(entry.path()).value_or(std::vector<PcapRecord>{})) {
      if (auto eth = parse_ethernet(rec.frame)) s.emplace_back(eth->payload.begin(), eth->payload.end());
    }
  }
  return s;
}

TEST(Robustness, EveryPrefixOfEverySeed) {
  const auto all = seeds();
  ASSERT_EQ(all.size(), 2 * (igmp_samples().size() + mld_samples().size()) + 68);  // + every fixture frame
  std::size_t accepted = 0;
  std::size_t decoded_prefixes = 0;
  for (const Bytes& seed : all) {
    decoded_prefixes += seed.size() + 1;
    for (std::size_t n = 0; n <= seed.size(); ++n) accepted += decode_everything(std::span(seed).first(n));
  }
  EXPECT_GT(decoded_prefixes, 5000u);
  // Lengths and checksums cover every octet, so only whole seeds decode; all
  // do except the two Router Solicitations in the captures.
  EXPECT_EQ(accepted, all.size() - 2);
}

TEST(Robustness, MutatedSeedsWithResealedChecksums) {
  std::mt19937 rng(20261121);
  const auto all = seeds();
  std::size_t accepted = 0;
  std::set<DecodeError> reasons;
  for (int round = 0; round < 100000; ++round) {
    Bytes b = all[rng() % all.size()];
    const int mutations = 1 + static_cast<int>(rng() % 4);
    for (int m = 0; m < mutations && !b.empty(); ++m) {
      switch (rng() % 5) {
        case 0:  // flip a bit
          b[rng() % b.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
          break;
        case 1:  // overwrite a byte, favouring counts and lengths
          b[rng() % b.size()] = static_cast<std::uint8_t>(rng() % 3 == 0 ? 0xff : rng());
          break;
        case 2:  // truncate
          b.resize(rng() % (b.size() + 1));
          break;
        case 3:  // append junk
          for (int i = static_cast<int>(rng() % 40); i > 0; --i) b.push_back(static_cast<std::uint8_t>(rng()));
          break;
        default:  // drop a chunk from the middle
          if (b.size() > 2) {
            const std::size_t at = rng() % (b.size() - 1);
            b.erase(b.begin() + static_cast<std::ptrdiff_t>(at),
                    b.begin() + static_cast<std::ptrdiff_t>(std::min(b.size(), at + 1 + rng() % 16)));
          }
      }
    }
    if (rng() % 4 != 0) reseal(b);
    accepted += decode_everything(b, &reasons);
  }
  // The mutants reach deep into the parsers: many are still valid packets,
  // and the refused ones hit nearly every reason.
  EXPECT_GT(accepted, 1000u);
  EXPECT_GE(reasons.size(), 13u);
}

TEST(Robustness, RandomBuffers) {
  std::mt19937 rng(4605);
  for (int round = 0; round < 20000; ++round) {
    Bytes b(rng() % 128);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    if (!b.empty() && rng() % 2 == 0) b[0] = static_cast<std::uint8_t>((rng() % 2 == 0 ? 0x40 : 0x60) | (b[0] & 0x0f));
    reseal(b);
    decode_everything(b);
  }
  SUCCEED();
}

}  // namespace
}  // namespace mcproxy::codec::test
