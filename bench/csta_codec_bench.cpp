// The CSTA link's hot code on one core (issue 17): the 32 ECMA-323
// messages of tests/vectors/csta parsed and written back; frames cut from
// a stream; and events through a link session with 1,000 monitored devices
// (framing, parsing, decoding, the device's call model): items = events.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "appliance/csta/frame.hpp"
#include "appliance/csta/link.hpp"
#include "appliance/csta/xml.hpp"

namespace {

namespace fs = std::filesystem;
namespace csta = ivm::csta;

const std::vector<std::string>& documents() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> out;
    for (auto dir : {"pyssimist-CstaPool", "pyssimist-captured"})
      for (auto& f : fs::directory_iterator(fs::path{IVM_SOURCE_DIR} /
                                            "tests/vectors/csta" / dir)) {
        if (f.path().extension() != ".xml")
          continue;
        std::ifstream in{f.path(), std::ios::binary};
        std::ostringstream s;
        s << in.rdbuf();
        out.push_back(s.str());
      }
    return out;
  }();
  return all;
}

void BM_parse(benchmark::State& state) {
  auto& ds = documents();
  for (auto _ : state)
    for (auto& d : ds)
      benchmark::DoNotOptimize(csta::parse(d));
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(ds.size()));
}
BENCHMARK(BM_parse);

void BM_write(benchmark::State& state) {
  std::vector<csta::element> roots;
  for (auto& d : documents())
    roots.push_back(csta::parse(d)->root);
  for (auto _ : state)
    for (auto& r : roots)
      benchmark::DoNotOptimize(csta::write(r, csta::edition::ed4));
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(roots.size()));
}
BENCHMARK(BM_write);

// A link up with 1,000 devices monitored; each iteration a Delivered and a
// ConnectionCleared event for the next device, as one read of the socket.
void BM_link_events(benchmark::State& state) {
  constexpr int devices = 1000;
  csta::link_session link{csta::link_config{}};
  csta::millis now{0};
  for (int i = 0; i < devices; ++i)
    link.add_device(std::to_string(3000 + i), now);
  auto out = link.connected(now);
  // Answer every MonitorStart with cross reference = the device number.
  std::string answers;
  for (auto& f : out.frames) {
    csta::frame_reader r;
    r.feed(f);
    csta::frame fr;
    r.next(fr);
    auto d = csta::parse(fr.xml);
    auto dev = d->root.text_at("monitorObject/deviceObject");
    answers += *csta::encode_frame(
        fr.invoke_id, "<MonitorStartResponse><monitorCrossRefID>" + dev +
                          "</monitorCrossRefID></MonitorStartResponse>");
  }
  link.on_bytes(answers, now);
  std::vector<std::string> reads;
  for (int i = 0; i < devices; ++i) {
    auto dev = std::to_string(3000 + i);
    auto call = "C" + dev;
    reads.push_back(
        *csta::encode_frame(
            9999, "<DeliveredEvent xmlns=\"http://www.ecma-international.org/"
                  "standards/ecma-323/csta/ed4\"><monitorCrossRefID>" +
                      dev + "</monitorCrossRefID><connection><callID>" + call +
                      "</callID><deviceID>" + dev +
                      "</deviceID></connection><alertingDevice>"
                      "<deviceIdentifier>" +
                      dev +
                      "</deviceIdentifier></alertingDevice><callingDevice>"
                      "<deviceIdentifier>N&lt;+4930123456&gt;;noa=nk"
                      "</deviceIdentifier></callingDevice>"
                      "<localConnectionInfo>alerting</localConnectionInfo>"
                      "<cause>newCall</cause></DeliveredEvent>") +
        *csta::encode_frame(
            9999, "<ConnectionClearedEvent xmlns=\"http://www.ecma-"
                  "international.org/standards/ecma-323/csta/ed4\">"
                  "<monitorCrossRefID>" +
                      dev + "</monitorCrossRefID><droppedConnection><callID>" +
                      call + "</callID><deviceID>" + dev +
                      "</deviceID></droppedConnection><releasingDevice>"
                      "<deviceIdentifier>" +
                      dev +
                      "</deviceIdentifier></releasingDevice>"
                      "<localConnectionInfo>null</localConnectionInfo>"
                      "</ConnectionClearedEvent>"));
  }
  std::size_t i = 0, changed = 0;
  for (auto _ : state) {
    auto o = link.on_bytes(reads[i++ % reads.size()], now);
    for (auto& e : o.events)
      changed += e.changed;
  }
  benchmark::DoNotOptimize(changed);
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_link_events);

} // namespace

BENCHMARK_MAIN();
