// Codec benchmarks: decode and encode of IGMPv3 / MLDv2 reports, whole
// datagrams as the raw sockets deliver them (small: one record; large: a
// 1500-byte datagram full of sources, or full of source-less records).
#include "modules/codec/codec.hpp"
#include "tests/bench/bench_support.hpp"

#include <benchmark/benchmark.h>

namespace mcproxy::bench {
namespace {

using codec::RecordType;

struct Shape {
  std::size_t records;
  std::size_t sources;
};
// Index 0: small; 1: one record whose sources fill a 1500-byte datagram;
// 2: source-less records filling a 1500-byte datagram.
constexpr Shape kV4Shapes[] = {{1, 0}, {1, 364}, {183, 0}};
constexpr Shape kV6Shapes[] = {{1, 0}, {1, 89}, {72, 0}};
const char* const kShapeNames[] = {"small(1 record)", "large(1 record, many sources)", "large(many records)"};

codec::Packet shaped(bool v6, std::int64_t shape) {
  const Shape s = v6 ? kV6Shapes[shape] : kV4Shapes[shape];
  const Address host = v6 ? boost::asio::ip::make_address("fe80::10") : boost::asio::ip::make_address("10.2.0.11");
  return v3_report(v6, host, 0, s.records, s.sources, RecordType::ChangeToExcludeMode);
}

void BM_DecodeIgmpv3Report(benchmark::State& state) {
  const auto bytes = codec::encode_ipv4(shaped(false, state.range(0)));
  for (auto _ : state) {
    auto r = codec::decode_ipv4(bytes);
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(std::string(kShapeNames[state.range(0)]) + ", " + std::to_string(bytes.size()) + " bytes");
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_DecodeIgmpv3Report)->DenseRange(0, 2);

void BM_EncodeIgmpv3Report(benchmark::State& state) {
  const auto packet = shaped(false, state.range(0));
  std::size_t size = 0;
  for (auto _ : state) {
    auto bytes = codec::encode_ipv4(packet);
    size = bytes.size();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetLabel(std::string(kShapeNames[state.range(0)]) + ", " + std::to_string(size) + " bytes");
}
BENCHMARK(BM_EncodeIgmpv3Report)->DenseRange(0, 2);

void BM_DecodeMldv2Report(benchmark::State& state) {
  const auto bytes = codec::encode_ipv6(shaped(true, state.range(0)));
  for (auto _ : state) {
    auto r = codec::decode_ipv6(bytes);
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(std::string(kShapeNames[state.range(0)]) + ", " + std::to_string(bytes.size()) + " bytes");
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_DecodeMldv2Report)->DenseRange(0, 2);

void BM_EncodeMldv2Report(benchmark::State& state) {
  const auto packet = shaped(true, state.range(0));
  std::size_t size = 0;
  for (auto _ : state) {
    auto bytes = codec::encode_ipv6(packet);
    size = bytes.size();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetLabel(std::string(kShapeNames[state.range(0)]) + ", " + std::to_string(size) + " bytes");
}
BENCHMARK(BM_EncodeMldv2Report)->DenseRange(0, 2);

}  // namespace
}  // namespace mcproxy::bench

BENCHMARK_MAIN();
