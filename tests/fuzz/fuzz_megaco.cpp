// Fuzzes the H.248 text codec (appliance/megaco): what parses must write
// back, long and compact, to text that parses to the same tree and writes
// the same again; what does not parse gets an H.248.8 code; a gateway
// session fed the input writes only what decodes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "appliance/megaco/commands.hpp"
#include "appliance/megaco/gateway.hpp"
#include "appliance/megaco/text.hpp"

namespace megaco = ivm::megaco;

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

// The input as datagrams from a gateway to a session that is up: whatever
// it says, every datagram the session writes decodes.
void session(std::string_view bytes) {
  megaco::gateway_config cfg;
  cfg.mid = "[192.0.2.1]:2944";
  cfg.lines = {"line/1", "line/2"};
  megaco::gateway_session s{cfg, megaco::millis{0}};
  auto check_out = [](const megaco::gateway_session::output& out) {
    for (auto& d : out.datagrams)
      check(megaco::decode(d).has_value());
  };
  check_out(s.on_datagram("MEGACO/1 [192.0.2.10]:2944\nT=1{C=-{SC=ROOT{SV{"
                          "MT=RS}}}}",
                          megaco::millis{0}));
  check_out(s.on_datagram(bytes, megaco::millis{1}));
  check_out(s.on_tick(megaco::millis{100000}));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view bytes{reinterpret_cast<const char*>(data), size};
  auto m = megaco::parse(bytes);
  if (!m) {
    auto code = m.error().code;
    check(code == 400 || code == 403 || code == 406);
    check(m.error().offset <= size);
    check(code != 403 || m.error().transaction != 0);
    return 0;
  }
  check(!m->body.empty());
  for (bool compact : {false, true}) {
    auto wire = megaco::serialize(*m, compact);
    auto again = megaco::parse(wire);
    check(again.has_value());
    check(again->mid == m->mid && again->version == m->version);
    check(again->body.size() == m->body.size());
    for (std::size_t i = 0; i < m->body.size(); ++i)
      check(compact ? megaco::compacted(again->body[i]) ==
                          megaco::compacted(m->body[i])
                    : again->body[i] == m->body[i]);
    check(megaco::serialize(*again, compact) == wire);
  }
  (void)megaco::decode(bytes);
  session(bytes);
  return 0;
}
