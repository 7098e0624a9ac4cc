// Call-routing decisions per second (issue 18): a user's 32 rules against
// a call, in Europe/Berlin, the matching rule first, in the middle, last
// and none; and the parse of the stored rules each call pays.

#include <benchmark/benchmark.h>

#include <string>

#include "appliance/routing/rules.hpp"

using namespace ivm::routing;

namespace {

// 31 rules that do not match a call from 201 at 10:00 on a Monday, with a
// matching one at `at` (or none when at < 0).
std::string document(int at) {
  std::string doc = R"({"rules":[)";
  for (int i = 0; i < 32; ++i) {
    if (i)
      doc += ",";
    if (i == at) {
      doc += R"({"name":"hit","when":{"days":["mon"],"time":"09:00-11:00",)"
             R"("callers":["20X"]},"action":"voicemail"})";
      continue;
    }
    doc += R"({"name":"r)" + std::to_string(i) +
           R"(","when":{"days":["mon","tue"],"time":"18:00-08:00",)"
           R"("dates":["2026-12-24..2026-12-26"],"callers":["+49*","3XXX"],)"
           R"("presence":["dnd","busy"]},"action":"forward","to":"200"})";
  }
  return doc + "]}";
}

const time_zone& berlin() {
  static time_zone z = *time_zone::load("Europe/Berlin");
  return z;
}

void decide_rules(benchmark::State& state) {
  auto rules = *parse_rules(document(static_cast<int>(state.range(0))));
  profile p;
  call_facts call{"201", false, "available"};
  // Monday 2026-12-07 10:00 in Berlin.
  std::int64_t t = days_from_civil(2026, 12, 7) * 86400 + 9 * 3600;
  for (auto _ : state)
    benchmark::DoNotOptimize(decide(rules, p, call, t, berlin()));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(decide_rules)->Arg(0)->Arg(16)->Arg(31)->Arg(-1);

void parse_stored_rules(benchmark::State& state) {
  auto text = rules_json(*parse_rules(document(31)));
  for (auto _ : state)
    benchmark::DoNotOptimize(parse_rules(text));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(parse_stored_rules);

void local_time(benchmark::State& state) {
  std::int64_t t = 1796666400;
  for (auto _ : state)
    benchmark::DoNotOptimize(berlin().to_local(t++));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(local_time);

} // namespace

BENCHMARK_MAIN();
