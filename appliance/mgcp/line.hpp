#pragma once

// A legacy phone's line as the call agent sees it (RFC 3435 with the line
// package L and DTMF package D of RFC 3660): an explicit state machine,
// `step(state, event, now) -> effects`. It decides which events to ask the
// gateway for and which signals to play (dial tone, ringing, reorder, the
// message-waiting lamp), collects what the user dialled and tells its owner
// (the phone actor) what the user did. It sends nothing itself: a
// `request` effect becomes an RQNT; everything else goes to the owner.
// Pure; docs/protocols/mgcp.md, "The line".

#include <chrono>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "appliance/mgcp/events.hpp"

namespace ivm::mgcp {

enum class line_phase : std::uint8_t {
  unknown,   ///< not heard from since (re)start: hook state unknown
  idle,      ///< on-hook, waiting for off-hook
  ringing,   ///< the box rings the phone (a call, a recording it asked for)
  dialing,   ///< off-hook: dial tone, then collecting digits
  connected, ///< off-hook with a media session (call, recording, playback)
  reorder,   ///< off-hook after a failure or the far end left: reorder tone
};

std::string_view to_string(line_phase p);

/// What the line asks the gateway for: the body of one RQNT.
struct line_request {
  std::string requested_events; ///< R:
  std::string signals;          ///< S: ("" stops time-out signals)
  std::string digit_map;        ///< D:, "" for none
};

struct line_settings {
  /// Given to the gateway while dialling. Service codes (*8 listen; *7
  /// record and *9 intercom, each + extensions separated by '*' and ended
  /// by '#' or the timer, as on SIP phones) and 3- or 4-digit extensions.
  std::string digit_map =
      "(*8|*7[0-9*].#|*7[0-9*].T|*9[0-9*].#|*9[0-9*].T|[1-9]xx|[1-9]xxx|0T)";
  /// Ringing stops after this (the owner is told: not answered).
  std::chrono::seconds ring_timeout{60};
};

struct line_state {
  line_phase phase = line_phase::unknown;
  bool off_hook = false;
  bool lamp = false;        ///< message-waiting lamp as last requested
  bool lamp_wanted = false; ///< what the owner wants
  bool ringback = false;    ///< the far end of the user's call rings
  bool busy = false;        ///< reorder because the callee was busy
  std::string caller_id;    ///< L/ci parameters while ringing, or empty
  std::string request_id;   ///< X: of the request in force
  std::uint64_t next_request = 1;
  std::chrono::steady_clock::time_point ring_until{};
};

namespace line_events {
/// The gateway notified (NTFY) observed events for request `request_id`.
struct notified {
  std::string request_id;
  std::vector<event_with_params> observed;
};
/// The gateway restarted or came back (RSIP): resynchronise.
struct restarted {};
/// The owner wants the phone to ring. `caller_id`: the parameters of the
/// caller-id signal sent with it (RFC 3660 L/ci: `time,number,"name"`, e.g.
/// `12/07/09/30,202,"Bob"`), empty for none.
struct ring {
  std::string caller_id;
};
/// The owner no longer wants it to ring (the caller gave up).
struct stop_ringing {};
/// A media session is up for the line (the owner made the connection).
struct connected {};
/// The session ended from the box's side (far end hung up, recording done);
/// `busy`: the callee was busy (busy tone instead of reorder).
struct released {
  bool busy = false;
};
/// The lamp should be on (new voice messages wait) or off.
struct lamp {
  bool on = false;
};
/// Time passes (ring timeout).
struct tick {};
/// The far end of the user's outgoing call rings (on) or answered (off):
/// ringback tone (L/rt) while connected.
struct ringback {
  bool on = false;
};
} // namespace line_events

using line_event =
    std::variant<line_events::notified, line_events::restarted,
                 line_events::ring, line_events::stop_ringing,
                 line_events::connected, line_events::released,
                 line_events::lamp, line_events::tick, line_events::ringback>;

namespace line_effects {
/// Send an RQNT with this request id and body.
struct request {
  std::string request_id;
  line_request body;
};
/// The hook changed: presence (on-the-phone) follows it.
struct hook {
  bool off = false;
};
/// Off-hook while ringing: the user answered.
struct answered {};
/// Ringing ended unanswered (timeout).
struct unanswered {};
/// The user dialled something the map matched (e.g. "*8", "205", "*9202#").
struct dialled {
  std::string digits;
};
/// A digit pressed during a session (keys during playback, RFC 2833-like).
struct key {
  char digit = 0;
};
/// The user hung up (or flashed) during a session: end it. `cut`: not the
/// user but the gateway ended it (restart, failure, gone silent).
struct hung_up {
  bool cut = false;
};
/// Flash-hook during a session.
struct flash {};
} // namespace line_effects

using line_effect =
    std::variant<line_effects::request, line_effects::hook,
                 line_effects::answered, line_effects::unanswered,
                 line_effects::dialled, line_effects::key,
                 line_effects::hung_up, line_effects::flash>;

/// One step of the line.
std::vector<line_effect> step(line_state& s, const line_event& e,
                              std::chrono::steady_clock::time_point now,
                              const line_settings& cfg = {});

/// The request that fits `phase` (what the line waits for and plays there),
/// with the lamp signal when it must change.
line_request request_for(const line_state& s, const line_settings& cfg);

} // namespace ivm::mgcp
