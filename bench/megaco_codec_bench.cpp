// Throughput of the H.248 text codec on one core (issue 16), on the 40
// messages of Erlang/OTP's own measurement set (tests/vectors/megaco/
// otp-time_test): parse, decode into transactions, write back long and
// compact. One iteration handles all 40; items = messages. OTP's encoders
// on the same messages: bench/megaco/otp_codec.escript (scripts/bench
// codec runs both).

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "appliance/megaco/commands.hpp"
#include "appliance/megaco/text.hpp"

namespace {

namespace fs = std::filesystem;
namespace megaco = ivm::megaco;

const std::vector<std::string>& messages() {
  static const std::vector<std::string> all = [] {
    std::vector<fs::path> files;
    for (auto& f : fs::directory_iterator(fs::path{IVM_SOURCE_DIR} /
                                          "tests/vectors/megaco/otp-time_test"))
      files.push_back(f.path());
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    for (auto& p : files) {
      std::ifstream f{p, std::ios::binary};
      std::ostringstream s;
      s << f.rdbuf();
      out.push_back(s.str());
    }
    return out;
  }();
  return all;
}

std::vector<megaco::message> parsed() {
  std::vector<megaco::message> out;
  for (auto& m : messages())
    out.push_back(*megaco::parse(m));
  return out;
}

void BM_parse(benchmark::State& state) {
  auto& ms = messages();
  for (auto _ : state)
    for (auto& m : ms)
      benchmark::DoNotOptimize(megaco::parse(m));
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(ms.size()));
}
BENCHMARK(BM_parse);

void BM_decode(benchmark::State& state) {
  auto& ms = messages();
  for (auto _ : state)
    for (auto& m : ms)
      benchmark::DoNotOptimize(megaco::decode(m));
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(ms.size()));
}
BENCHMARK(BM_decode);

void BM_serialize(benchmark::State& state) {
  auto ms = parsed();
  bool compact = state.range(0) != 0;
  for (auto _ : state)
    for (auto& m : ms)
      benchmark::DoNotOptimize(megaco::serialize(m, compact));
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(ms.size()));
  state.SetLabel(compact ? "compact" : "long");
}
BENCHMARK(BM_serialize)->Arg(0)->Arg(1);

} // namespace

BENCHMARK_MAIN();
