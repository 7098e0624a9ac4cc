// Throughput of the MGCP layer on one core (issue 15): parse and serialize
// of the messages a call agent sees most (NTFY with digits, RQNT, a CRCX
// answer with SDP), and one NTFY -> RQNT round of a gateway session (parse
// the notification, step the line, answer it, write the next request).

#include <string>

#include <benchmark/benchmark.h>

#include "appliance/mgcp/gateway.hpp"
#include "appliance/mgcp/message.hpp"

namespace {

namespace mgcp = ivm::mgcp;

const std::string ntfy = "NTFY 2002 aaln/1@gw1.example.net MGCP 1.0\r\n"
                         "N: ca@192.0.2.1:2727\r\n"
                         "X: 7\r\n"
                         "O: D/*, D/7, D/2, D/0, D/2, D/#\r\n";

const std::string rqnt =
    "RQNT 1201 aaln/1@gw1.example.net MGCP 1.0\r\n"
    "N: ca@192.0.2.1:2727\r\n"
    "X: 8\r\n"
    "R: L/hu(N), L/hf(N), D/[0-9#*T](D)\r\n"
    "S: L/dl\r\n"
    "D: (*8|*7[0-9*].#|*7[0-9*].T|*9[0-9*].#|*9[0-9*].T|[1-9]xx|[1-9]xxx|0T)"
    "\r\n";

const std::string crcx_ok = "200 1204 OK\r\n"
                            "I: FDE234C8\r\n"
                            "\r\n"
                            "v=0\r\n"
                            "o=- 25678 753849 IN IP4 192.0.2.10\r\n"
                            "s=-\r\n"
                            "c=IN IP4 192.0.2.10\r\n"
                            "t=0 0\r\n"
                            "m=audio 3456 RTP/AVP 0\r\n";

void parse(benchmark::State& state, const std::string& text) {
  for (auto _ : state) {
    auto m = mgcp::parse(text);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() *
                          static_cast<std::int64_t>(text.size()));
}

void BM_ParseNtfy(benchmark::State& s) {
  parse(s, ntfy);
}
void BM_ParseRqnt(benchmark::State& s) {
  parse(s, rqnt);
}
void BM_ParseCrcxAnswer(benchmark::State& s) {
  parse(s, crcx_ok);
}

void BM_SerializeRqnt(benchmark::State& state) {
  auto m = mgcp::parse(rqnt);
  auto c = std::get<mgcp::command>(m->front());
  for (auto _ : state) {
    auto text = mgcp::serialize(c);
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations());
}

// Off-hook, then on-hook, notified by the gateway: each NTFY is parsed,
// answered (200) and followed by the line's next RQNT, which the gateway
// answers in turn. Two transactions each way per iteration.
void BM_SessionHookRound(benchmark::State& state) {
  mgcp::gateway_config cfg;
  cfg.domain = "gw1.example.net";
  cfg.lines = {"aaln/1"};
  cfg.notified_entity = "ca@192.0.2.1:2727";
  mgcp::millis now{0};
  mgcp::gateway_session s{cfg, now};
  std::uint32_t gw_tid = 1000;
  auto answer_all = [&](const mgcp::gateway_session::output& out) {
    for (auto& d : out.datagrams)
      if (auto m = mgcp::parse(d))
        for (auto& x : *m)
          if (auto c = std::get_if<mgcp::command>(&x))
            s.on_datagram(
                mgcp::serialize(mgcp::make_response(c->transaction, 200)), now);
  };
  answer_all(s.on_datagram("RSIP 1 aaln/*@gw1.example.net MGCP 1.0\r\n"
                           "RM: restart\r\n",
                           now));
  for (auto _ : state) {
    for (auto ev : {"L/hd", "L/hu"}) {
      now += mgcp::millis{10};
      auto x = s.line("aaln/1")->request_id;
      auto out = s.on_datagram("NTFY " + std::to_string(++gw_tid) +
                                   " aaln/1@gw1.example.net MGCP 1.0\r\n"
                                   "X: " +
                                   x + "\r\nO: " + ev + "\r\n",
                               now);
      answer_all(out);
    }
  }
  state.SetItemsProcessed(state.iterations() * 4); // transactions
}

BENCHMARK(BM_ParseNtfy);
BENCHMARK(BM_ParseRqnt);
BENCHMARK(BM_ParseCrcxAnswer);
BENCHMARK(BM_SerializeRqnt);
BENCHMARK(BM_SessionHookRound);

} // namespace

BENCHMARK_MAIN();
