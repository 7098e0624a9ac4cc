// Fuzzes the CSTA link's input (appliance/csta): the bytes as a TCP stream
// cut into frames, and as one XML document; what parses writes back in any
// edition to a document that parses to the same tree; every event and
// response decodes without fault and a device's call model takes them; a
// link session fed the bytes writes only frames that parse. A desk phone's
// IM mode driven by the bytes as keys, messages and answers always shows
// whole displays of the configured size.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "appliance/csta/call_model.hpp"
#include "appliance/csta/events.hpp"
#include "appliance/csta/frame.hpp"
#include "appliance/csta/link.hpp"
#include "appliance/csta/services.hpp"
#include "appliance/csta/terminal.hpp"
#include "appliance/csta/xml.hpp"

namespace csta = ivm::csta;

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

bool same(const csta::element& a, const csta::element& b) {
  if (a.name != b.name || a.text != b.text ||
      a.children.size() != b.children.size())
    return false;
  for (std::size_t i = 0; i < a.children.size(); ++i)
    if (!same(a.children[i], b.children[i]))
      return false;
  return true;
}

void document(std::string_view xml, csta::device_model& d) {
  auto doc = csta::parse(xml);
  if (!doc)
    return;
  auto again = csta::parse(csta::write(doc->root, csta::edition::ed4));
  check(again.has_value());
  check(same(doc->root, again->root));
  if (auto e = csta::decode_event(doc->root))
    csta::apply(d, *e);
  if (csta::is_response(doc->root))
    csta::apply_snapshot(d, csta::decode_response(doc->root));
  d.now();
  d.current();
}

// The input as what a PBX sends on an up link: whatever it is, what the
// link writes back is framed ECMA-323 that parses.
void link(std::string_view bytes) {
  csta::link_session s{csta::link_config{}};
  s.add_device("3001", csta::millis{0});
  s.connected(csta::millis{0});
  auto out = s.on_bytes(bytes, csta::millis{1});
  auto tick = s.on_tick(csta::millis{60000});
  for (auto* o : {&out, &tick})
    for (auto& f : o->frames) {
      csta::frame_reader r;
      r.feed(f);
      csta::frame fr;
      check(r.next(fr) == csta::frame_reader::status::frame);
      check(csta::parse(fr.xml).has_value());
    }
}

} // namespace

void terminal(std::string_view bytes) {
  static const char* const keys[] = {"0", "1", "2", "3", "4", "5",  "6",
                                     "7", "8", "9", "*", "#", "12", "up"};
  unsigned rows =
      bytes.empty() ? 2 : 1 + static_cast<unsigned char>(bytes[0]) % 4;
  csta::im_terminal t({rows, 8 + rows * 7}, {"12", "up", "down"});
  csta::im_terminal::millis now{0};
  auto take = [&](const csta::terminal_output& o) {
    if (!o.display.empty()) {
      check(o.display.size() == rows);
      for (auto& r : o.display)
        check(r.size() <= 8 + rows * 7);
    }
  };
  for (std::size_t i = 1; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    now += csta::im_terminal::millis{(b & 0x80) ? 2000 : 200};
    auto text = std::string{bytes.substr(i, b % 40)};
    switch (b % 20) {
      case 14:
        take(t.incoming(
            {text.substr(0, 2), b % 3 ? "203" : "", "Bob", text, 0}));
        break;
      case 15:
        take(t.contacts({{"203", text, "away"}, {text, "", ""}}));
        break;
      case 16:
        take(t.canned({text, "x"}));
        break;
      case 17:
        take(t.answer(text));
        break;
      case 18:
        take(t.press(text, now));
        break;
      default:
        take(t.press(keys[b % 14], now));
    }
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view bytes{reinterpret_cast<const char*>(data), size};
  csta::device_model d;
  d.device = "3001";
  document(bytes, d);
  // As a stream, in two pieces.
  csta::frame_reader r(4096);
  r.feed(bytes.substr(0, size / 2));
  csta::frame f;
  auto s = r.next(f);
  r.feed(bytes.substr(size / 2));
  for (int i = 0; i < 64; ++i) {
    s = r.next(f);
    if (s != csta::frame_reader::status::frame)
      break;
    check(f.invoke_id <= 9999);
    document(f.xml, d);
  }
  check(r.buffered() <= size);
  link(bytes);
  terminal(bytes);
  return 0;
}
