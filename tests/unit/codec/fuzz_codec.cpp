// libFuzzer entry for the codec (optional, not built by default): every
// decoder on the input, and encode -> decode of anything accepted.
// Without libFuzzer (MCPROXY_FUZZ_STANDALONE) it replays files named on the
// command line, e.g. a corpus or a crash reproducer.
#include "modules/codec/codec.hpp"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

namespace {

using mcproxy::Address;
namespace codec = mcproxy::codec;

const Address kSource = boost::asio::ip::make_address_v6("fe80::1");
const Address kDestination = boost::asio::ip::make_address_v6("ff02::16");

// Anything a decoder accepts must encode and decode back to the same value.
void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> b(data, size);
  if (auto p = codec::decode_ipv4(b)) {
    const auto again = codec::decode_ipv4(codec::encode_ipv4(*p));
    check(again && *again == *p);
  }
  if (auto p = codec::decode_ipv6(b)) {
    const auto again = codec::decode_ipv6(codec::encode_ipv6(*p));
    check(again && *again == *p);
  }
  if (auto m = codec::decode_igmp(b)) {
    const auto again = codec::decode_igmp(codec::encode_igmp(*m));
    check(again && *again == *m);
    if (auto* r = std::get_if<codec::V3Report>(&*m)) {
      for (const auto& part : codec::split_report(*r, 64 + size)) check(codec::encode_igmp(part).size() <= 64 + size || part.records.size() == 1);
    }
  }
  if (auto m = codec::decode_mld(b, kSource, kDestination)) {
    const auto again = codec::decode_mld(codec::encode_mld(*m, kSource, kDestination), kSource, kDestination);
    check(again && *again == *m);
  }
  return 0;
}

#ifdef MCPROXY_FUZZ_STANDALONE
int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  }
  return 0;
}
#endif
