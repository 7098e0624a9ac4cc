#include "appliance/mgcp/line.hpp"

#include <cstdio>

#include "appliance/mgcp/digit_map.hpp"
#include "appliance/mgcp/text.hpp"

namespace ivm::mgcp {

namespace {

namespace ev = line_events;
namespace fx = line_effects;

using effects = std::vector<line_effect>;

// Every request the line makes replaces the one in force (lockstep,
// RFC 3435 §4.4.1: after a notification the gateway waits for the next).
void refresh(line_state& s, const line_settings& cfg, effects& out) {
  char id[20];
  std::snprintf(id, sizeof id, "%llx",
                static_cast<unsigned long long>(s.next_request++));
  s.request_id = id;
  auto body = request_for(s, cfg);
  s.lamp = s.lamp_wanted;
  out.push_back(fx::request{s.request_id, std::move(body)});
}

void off_hook(line_state& s, effects& out) {
  if (s.off_hook)
    return;
  s.off_hook = true;
  out.push_back(fx::hook{true});
  switch (s.phase) {
    case line_phase::ringing:
      out.push_back(fx::answered{});
      s.phase = line_phase::connected;
      break;
    case line_phase::unknown:
    case line_phase::idle:
      s.phase = line_phase::dialing;
      break;
    default:
      break;
  }
}

void on_hook(line_state& s, effects& out) {
  bool was_off = s.off_hook || s.phase == line_phase::unknown;
  s.off_hook = false;
  if (was_off)
    out.push_back(fx::hook{false});
  if (s.phase == line_phase::connected)
    out.push_back(fx::hung_up{});
  if (s.phase != line_phase::ringing)
    s.phase = line_phase::idle;
}

// Digits notified while dialling: the gateway matched its digit map. The
// line checks them against its own copy: a full match is dialled, anything
// else is a wrong number (reorder).
void dialled(line_state& s, const line_settings& cfg, std::string digits,
             effects& out) {
  // The gateway reports when its map matched, after the inter-digit timer
  // where one was needed; some include the timer as a "T", some do not.
  if (!digits.empty() && (digits.back() == 'T' || digits.back() == 't'))
    digits.pop_back();
  auto map = digit_map::parse(cfg.digit_map);
  auto matches = [&map](const std::string& d) {
    auto r = map ? map->match(d) : digit_map::result::no_match;
    return r == digit_map::result::full ||
           r == digit_map::result::full_but_longer;
  };
  if (!digits.empty() && (matches(digits) || matches(digits + "T"))) {
    out.push_back(fx::dialled{std::move(digits)});
    s.phase = line_phase::connected;
  } else {
    s.phase = line_phase::reorder;
  }
}

void notified(line_state& s, const ev::notified& n, const line_settings& cfg,
              effects& out) {
  if (n.request_id != s.request_id)
    return; // for a request replaced since: its successor is in force
  std::string digits;
  auto flush_digits = [&] {
    if (digits.empty())
      return;
    if (s.phase == line_phase::dialing)
      dialled(s, cfg, std::move(digits), out);
    else if (s.phase == line_phase::connected)
      for (char d : digits)
        if (d != 'T' && d != 't')
          out.push_back(fx::key{d});
    digits.clear();
  };
  for (auto& o : n.observed) {
    auto& e = o.event;
    bool dtmf = text::iequals(e.package, "D") ||
                (e.package.empty() && e.name.size() == 1 &&
                 digit_map::symbol_of(e.name[0]) >= 0 && e.name != "T");
    if (dtmf && e.name.size() == 1 && digit_map::symbol_of(e.name[0]) >= 0) {
      digits += e.name[0];
      continue;
    }
    flush_digits();
    if (e.is("L", "hd"))
      off_hook(s, out);
    else if (e.is("L", "hu"))
      on_hook(s, out);
    else if (e.is("L", "hf") && s.phase == line_phase::connected)
      out.push_back(fx::flash{});
  }
  flush_digits();
  refresh(s, cfg, out);
}

} // namespace

std::string_view to_string(line_phase p) {
  switch (p) {
    case line_phase::unknown:
      return "unknown";
    case line_phase::idle:
      return "idle";
    case line_phase::ringing:
      return "ringing";
    case line_phase::dialing:
      return "dialing";
    case line_phase::connected:
      return "connected";
    case line_phase::reorder:
      return "reorder";
  }
  return "?";
}

line_request request_for(const line_state& s, const line_settings& cfg) {
  line_request r;
  switch (s.phase) {
    case line_phase::unknown:
      r.requested_events = "L/hd(N), L/hu(N)";
      break;
    case line_phase::idle:
      r.requested_events = "L/hd(N)";
      break;
    case line_phase::ringing:
      r.requested_events = "L/hd(N)";
      r.signals = "L/rg";
      if (!s.caller_id.empty())
        r.signals += ", L/ci(" + s.caller_id + ")";
      break;
    case line_phase::dialing:
      r.requested_events = "L/hu(N), L/hf(N), D/[0-9#*T](D)";
      r.signals = "L/dl";
      r.digit_map = cfg.digit_map;
      break;
    case line_phase::connected:
      r.requested_events = "L/hu(N), L/hf(N), D/[0-9#*](N)";
      if (s.ringback)
        r.signals = "L/rt";
      break;
    case line_phase::reorder:
      r.requested_events = "L/hu(N)";
      r.signals = s.busy ? "L/bz" : "L/ro";
      break;
  }
  // The lamp is an on/off signal: it stays as set until set again, so it is
  // sent only when it changes.
  if (s.lamp != s.lamp_wanted) {
    if (!r.signals.empty())
      r.signals += ", ";
    r.signals += s.lamp_wanted ? "L/vmwi(+)" : "L/vmwi(-)";
  }
  return r;
}

std::vector<line_effect> step(line_state& s, const line_event& e,
                              std::chrono::steady_clock::time_point now,
                              const line_settings& cfg) {
  effects out;
  if (auto n = std::get_if<ev::notified>(&e)) {
    notified(s, *n, cfg, out);
  } else if (std::holds_alternative<ev::restarted>(e)) {
    // What the gateway held is gone: hook state, signals, the lamp.
    if (s.phase == line_phase::connected)
      out.push_back(fx::hung_up{true});
    if (s.phase != line_phase::ringing)
      s.phase = line_phase::unknown;
    s.off_hook = false;
    s.lamp = !s.lamp_wanted; // sent again, whichever it is
    refresh(s, cfg, out);
  } else if (auto rg = std::get_if<ev::ring>(&e)) {
    if (s.off_hook) {
      out.push_back(fx::unanswered{}); // in use
    } else if (s.phase != line_phase::ringing) {
      s.caller_id = rg->caller_id;
      s.phase = line_phase::ringing;
      s.ring_until = now + cfg.ring_timeout;
      refresh(s, cfg, out);
    }
  } else if (std::holds_alternative<ev::stop_ringing>(e)) {
    if (s.phase == line_phase::ringing) {
      s.phase = line_phase::idle;
      refresh(s, cfg, out);
    }
  } else if (std::holds_alternative<ev::connected>(e)) {
    if (s.off_hook && s.phase != line_phase::connected) {
      s.phase = line_phase::connected;
      refresh(s, cfg, out);
    }
  } else if (auto rel = std::get_if<ev::released>(&e)) {
    if (s.phase == line_phase::connected) {
      s.busy = rel->busy && s.off_hook;
      s.phase = s.off_hook ? line_phase::reorder : line_phase::idle;
      refresh(s, cfg, out);
    }
  } else if (auto l = std::get_if<ev::lamp>(&e)) {
    s.lamp_wanted = l->on;
    // Not while dialling: a new request would restart the digit collection;
    // the change goes with the next request.
    if (s.lamp != s.lamp_wanted && s.phase != line_phase::dialing)
      refresh(s, cfg, out);
  } else if (auto rb = std::get_if<ev::ringback>(&e)) {
    if (s.phase == line_phase::connected && s.ringback != rb->on) {
      s.ringback = rb->on;
      refresh(s, cfg, out);
    }
  } else if (std::holds_alternative<ev::tick>(e)) {
    if (s.phase == line_phase::ringing && now >= s.ring_until) {
      s.phase = line_phase::idle;
      out.push_back(fx::unanswered{});
      refresh(s, cfg, out);
    }
  }
  if (s.phase != line_phase::connected)
    s.ringback = false;
  if (s.phase != line_phase::reorder)
    s.busy = false;
  if (s.phase != line_phase::ringing)
    s.caller_id.clear();
  return out;
}

} // namespace ivm::mgcp
