// Throughput of the SIP codec on one core: parse, parse + validate,
// serialize, and parse + serialize, over three realistic requests (REGISTER
// with a digest Authorization, INVITE with an SDP offer, MESSAGE with a
// text/plain body). Reports items/s (messages) and bytes/s (wire octets).

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <benchmark/benchmark.h>

#include "appliance/sip/parser.hpp"
#include "appliance/sip/serializer.hpp"
#include "appliance/sip/validate.hpp"

namespace {

// -- sample messages ----------------------------------------------------------

std::string crlf(std::string_view text) {
  // The samples are written with '\n' for readability; SIP wants CRLF.
  std::string out;
  out.reserve(text.size() + 64);
  for (char c : text) {
    if (c == '\n')
      out += '\r';
    out += c;
  }
  return out;
}

const std::string& register_msg() {
  static const std::string msg = crlf(
      "REGISTER sip:ivm.example.org SIP/2.0\n"
      "Via: SIP/2.0/UDP 192.0.2.41:5060;branch=z9hG4bK-524287-1---77ba4e1c;"
      "rport\n"
      "Max-Forwards: 70\n"
      "Contact: <sip:2041@192.0.2.41:5060;rinstance=6f8a2c1d9e0b;transport=udp>"
      ";expires=3600;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-"
      "0004f2a1b2c3>\"\n"
      "To: \"Anna Berg\" <sip:2041@ivm.example.org>\n"
      "From: \"Anna Berg\" <sip:2041@ivm.example.org>;tag=3c5e9f21\n"
      "Call-ID: NmQ2ZTA0YzE1ZDg3NGM1ZjllMmQ0ODBiZmQ3ZTYxMjM\n"
      "CSeq: 2 REGISTER\n"
      "Expires: 3600\n"
      "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, "
      "SUBSCRIBE\n"
      "Supported: replaces, outbound, gruu\n"
      "User-Agent: Desk Phone 4.2.1\n"
      "Authorization: Digest username=\"2041\",realm=\"ivm.example.org\","
      "nonce=\"5f2b8c1e0a9d4e7f8c3b2a1d0e9f8a7b\",uri=\"sip:ivm.example.org\","
      "response=\"0a4f113b8c5e2d7f9b1a6c3e8d2f4a5b\",cnonce=\"9f8e7d6c\","
      "nc=00000001,qop=auth,algorithm=MD5\n"
      "Content-Length: 0\n"
      "\n");
  return msg;
}

const std::string& invite_msg() {
  static const std::string msg = [] {
    std::string sdp = crlf("v=0\n"
                           "o=2041 8000 8000 IN IP4 192.0.2.41\n"
                           "s=call\n"
                           "c=IN IP4 192.0.2.41\n"
                           "t=0 0\n"
                           "m=audio 40000 RTP/AVP 9 8 0 101\n"
                           "a=rtpmap:9 G722/8000\n"
                           "a=rtpmap:8 PCMA/8000\n"
                           "a=rtpmap:0 PCMU/8000\n"
                           "a=rtpmap:101 telephone-event/8000\n"
                           "a=fmtp:101 0-15\n"
                           "a=ptime:20\n"
                           "a=sendrecv\n");
    std::string head = crlf(
        "INVITE sip:2050@ivm.example.org SIP/2.0\n"
        "Via: SIP/2.0/UDP 192.0.2.41:5060;branch=z9hG4bK-524287-1---a1b2c3d4;"
        "rport\n"
        "Max-Forwards: 70\n"
        "Contact: <sip:2041@192.0.2.41:5060;transport=udp>\n"
        "To: <sip:2050@ivm.example.org>\n"
        "From: \"Anna Berg\" <sip:2041@ivm.example.org>;tag=8d1f0c2a\n"
        "Call-ID: YzM4ZDFmMmE5YjE0NGUwNmFkNWMzZTc4OWQxMjM0NTY\n"
        "CSeq: 1 INVITE\n"
        "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, "
        "INFO\n"
        "Supported: replaces, timer, 100rel\n"
        "Session-Expires: 1800\n"
        "User-Agent: Desk Phone 4.2.1\n"
        "Content-Type: application/sdp\n");
    return head + "Content-Length: " + std::to_string(sdp.size()) + "\r\n\r\n" +
           sdp;
  }();
  return msg;
}

const std::string& message_msg() {
  static const std::string msg = [] {
    std::string body = "Lunch at 12:30 in the small meeting room? Bring the "
                       "printouts of the quarterly figures, please.";
    std::string head = crlf(
        "MESSAGE sip:2050@ivm.example.org SIP/2.0\n"
        "Via: SIP/2.0/UDP 192.0.2.41:5060;branch=z9hG4bK-524287-1---e5f6a7b8;"
        "rport\n"
        "Max-Forwards: 70\n"
        "To: <sip:2050@ivm.example.org>\n"
        "From: \"Anna Berg\" <sip:2041@ivm.example.org>;tag=1b2c3d4e\n"
        "Call-ID: ZTk4NzY1NDMyMWZlZGNiYTk4NzY1NDMyMWZlZGNiYTk\n"
        "CSeq: 7 MESSAGE\n"
        "User-Agent: Desk Phone 4.2.1\n"
        "Content-Type: text/plain;charset=UTF-8\n");
    return head + "Content-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  }();
  return msg;
}

const std::string& sample(int index) {
  switch (index) {
    case 0:
      return register_msg();
    case 1:
      return invite_msg();
    default:
      return message_msg();
  }
}

const char* sample_name(int index) {
  static const char* names[] = {"REGISTER", "INVITE", "MESSAGE"};
  return names[index];
}

ivm::sip::message must_parse(const std::string& wire) {
  auto msg = ivm::sip::parse(wire);
  if (!msg) {
    std::fprintf(stderr, "sample does not parse: %d %s\n", msg.error().status,
                 msg.error().reason.c_str());
    std::abort();
  }
  return std::move(*msg);
}

void set_counters(benchmark::State& state, std::size_t bytes) {
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetLabel(sample_name(static_cast<int>(state.range(0))));
}

// -- benchmarks ---------------------------------------------------------------

void bm_parse(benchmark::State& state) {
  const auto& wire = sample(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto msg = ivm::sip::parse(wire);
    benchmark::DoNotOptimize(msg);
  }
  set_counters(state, wire.size());
}

void bm_parse_validate(benchmark::State& state) {
  const auto& wire = sample(static_cast<int>(state.range(0)));
  if (ivm::sip::validate_request(must_parse(wire))) {
    state.SkipWithError("sample fails validate_request");
    return;
  }
  for (auto _ : state) {
    auto msg = ivm::sip::parse(wire);
    auto err = ivm::sip::validate_request(*msg);
    benchmark::DoNotOptimize(err);
  }
  set_counters(state, wire.size());
}

void bm_serialize(benchmark::State& state) {
  const auto& wire = sample(static_cast<int>(state.range(0)));
  const auto msg = must_parse(wire);
  for (auto _ : state) {
    auto out = ivm::sip::serialize(msg);
    benchmark::DoNotOptimize(out);
  }
  set_counters(state, wire.size());
}

void bm_parse_serialize(benchmark::State& state) {
  const auto& wire = sample(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto msg = ivm::sip::parse(wire);
    auto out = ivm::sip::serialize(*msg);
    benchmark::DoNotOptimize(out);
  }
  set_counters(state, wire.size());
}

// range(0): 0 = REGISTER, 1 = INVITE, 2 = MESSAGE.
BENCHMARK(bm_parse)->DenseRange(0, 2);
BENCHMARK(bm_parse_validate)->DenseRange(0, 2);
BENCHMARK(bm_serialize)->DenseRange(0, 2);
BENCHMARK(bm_parse_serialize)->DenseRange(0, 2);

} // namespace

int main(int argc, char** argv) {
  for (int i = 0; i < 3; ++i)
    std::printf("sample %-8s %zu octets\n", sample_name(i), sample(i).size());
  std::fflush(stdout); // Google Benchmark writes through std::cout
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
