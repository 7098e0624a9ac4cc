// Intercom relay (appliance/voice/relay.hpp): the cost of one caller packet
// (20 ms of PCMU) relayed to 1, 10 and 50 legs -- all PCMU (pass-through),
// all Opus (one decode + one encode, then header writes), and half PCMU,
// half Opus. items/s is caller packets per second on one core; a live call
// needs 50/s, so items/s / 50 is how many such intercoms one core carries.

#include <cmath>
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include "appliance/rtp/g711.hpp"
#include "appliance/voice/relay.hpp"

namespace {

using ivm::voice::audio_codec;

enum class mix { pcmu, opus, half };

/// One second of a 440 Hz tone as 50 RTP packets of PCMU (PT 0), header
/// fields filled in per use.
std::vector<std::vector<std::uint8_t>> tone_packets() {
  std::vector<std::vector<std::uint8_t>> out;
  for (int p = 0; p < 50; ++p) {
    std::vector<std::uint8_t> pkt(12 + 160);
    pkt[0] = 0x80;
    for (int i = 0; i < 160; ++i) {
      auto t = static_cast<double>(p * 160 + i) / 8000;
      auto s = static_cast<std::int16_t>(
          8000 * std::sin(2 * 3.14159265358979323846 * 440 * t));
      pkt[12 + static_cast<std::size_t>(i)] = ivm::rtp::g711::linear_to_ulaw(s);
    }
    out.push_back(std::move(pkt));
  }
  return out;
}

void relay_fan_out(benchmark::State& state, mix m) {
  auto legs = static_cast<std::size_t>(state.range(0));
  ivm::voice::relay r{{audio_codec::pcmu, 0}};
  for (std::size_t i = 0; i < legs; ++i) {
    bool opus = m == mix::opus || (m == mix::half && i % 2 == 1);
    r.add_leg(opus ? ivm::voice::stream_format{audio_codec::opus, 111}
                   : ivm::voice::stream_format{audio_codec::pcmu, 0},
              static_cast<std::uint32_t>(i), 0, 0);
  }
  std::size_t bytes = 0;
  ivm::voice::relay::sink sink = [&bytes](std::size_t, const std::uint8_t* data,
                                          std::size_t n) {
    benchmark::DoNotOptimize(data);
    bytes += n;
  };
  auto pkts = tone_packets();
  std::uint16_t seq = 0;
  std::uint32_t ts = 0;
  for (auto _ : state) {
    auto& pkt = pkts[seq % pkts.size()];
    // A continuous stream: the relay drops repeated sequence numbers for
    // transcoded legs.
    pkt[2] = static_cast<std::uint8_t>(seq >> 8);
    pkt[3] = static_cast<std::uint8_t>(seq);
    for (int i = 0; i < 4; ++i)
      pkt[4 + static_cast<std::size_t>(i)] =
          static_cast<std::uint8_t>(ts >> (24 - 8 * i));
    r.on_packet(pkt.data(), pkt.size(), sink);
    ++seq;
    ts += 160;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["out_pkts/s"] = benchmark::Counter(
      static_cast<double>(r.stats().sent), benchmark::Counter::kIsRate);
  benchmark::DoNotOptimize(bytes);
}

} // namespace

BENCHMARK_CAPTURE(relay_fan_out, pcmu_pass_through, mix::pcmu)
    ->Arg(1)
    ->Arg(10)
    ->Arg(50);
BENCHMARK_CAPTURE(relay_fan_out, pcmu_to_opus, mix::opus)
    ->Arg(1)
    ->Arg(10)
    ->Arg(50);
BENCHMARK_CAPTURE(relay_fan_out, half_pcmu_half_opus, mix::half)
    ->Arg(1)
    ->Arg(10)
    ->Arg(50);

BENCHMARK_MAIN();
