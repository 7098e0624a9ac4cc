// Fuzzes the MGCP codec (appliance/mgcp): a datagram of piggy-backed
// messages, the list values inside them (R:, S:, O:, K:) and digit maps.
// What parses must write back to text that parses and writes the same;
// matching a digit map against the input's own digits must not misbehave.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "appliance/mgcp/digit_map.hpp"
#include "appliance/mgcp/events.hpp"
#include "appliance/mgcp/gateway.hpp"
#include "appliance/mgcp/message.hpp"
#include "appliance/mgcp/transactions.hpp"

namespace mgcp = ivm::mgcp;

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

void digit_map(std::string_view text) {
  auto m = mgcp::digit_map::parse(text);
  if (!m)
    return;
  auto wire = m->to_string();
  auto again = mgcp::digit_map::parse(wire);
  check(again.has_value());
  check(again->to_string() == wire);
  // Every prefix of the map's own text as dialled digits.
  std::string dialled;
  for (char c : text.substr(0, 64))
    if (mgcp::digit_map::symbol_of(c) >= 0) {
      dialled += c;
      (void)m->match(dialled);
    }
}

void values(const mgcp::parameters& ps) {
  for (auto& p : ps) {
    if (auto r = mgcp::parse_requested_events(p.value)) {
      auto wire = mgcp::to_string(*r);
      auto again = mgcp::parse_requested_events(wire);
      check(again.has_value());
      check(mgcp::to_string(*again) == wire);
    }
    if (auto s = mgcp::parse_event_list(p.value)) {
      auto wire = mgcp::to_string(*s);
      auto again = mgcp::parse_event_list(wire);
      check(again.has_value());
      check(mgcp::to_string(*again) == wire);
    }
    if (auto k = mgcp::parse_response_ack(p.value))
      for (auto [lo, hi] : *k)
        check(lo <= hi);
    digit_map(p.value);
  }
}

// The input as datagrams from a gateway to a session that is up: whatever
// it says, every datagram the session answers with parses.
void session(std::string_view bytes) {
  mgcp::gateway_config cfg;
  cfg.domain = "gw1.example.net";
  cfg.lines = {"aaln/1", "aaln/2"};
  mgcp::gateway_session s{cfg, mgcp::millis{0}};
  s.on_datagram("RSIP 1 aaln/*@gw1.example.net MGCP 1.0\r\nRM: restart\r\n",
                mgcp::millis{0});
  auto check_out = [](const mgcp::gateway_session::output& out) {
    for (auto& d : out.datagrams)
      check(mgcp::parse(d).has_value());
  };
  check_out(s.on_datagram(bytes, mgcp::millis{1}));
  check_out(s.on_tick(mgcp::millis{100000}));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view bytes{reinterpret_cast<const char*>(data), size};
  auto ms = mgcp::parse(bytes);
  if (!ms) {
    auto& e = ms.error();
    check(e.code >= 500 && e.code < 600);
    check(e.transaction <= 999999999u);
    digit_map(bytes);
    return 0;
  }
  check(!ms->empty());
  auto wire = mgcp::serialize(*ms);
  auto again = mgcp::parse(wire);
  check(again.has_value());
  check(again->size() == ms->size());
  check(mgcp::serialize(*again) == wire);
  session(bytes); // what parses drives a gateway session too
  for (auto& m : *ms)
    std::visit([](auto& x) { values(x.params); }, m);
  return 0;
}
