#pragma once
// Private to the voice session actor's units (session_actor.cpp, the
// session itself; session_legs.cpp, an intercom's calls to its recipients):
// the session's state and the functions one unit calls in the other.

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/voice/intercom_leg.hpp"
#include "actors/voice/session_actor.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/fax/fax.hpp"
#include "appliance/voice/relay.hpp"

namespace ivm::actors::voice_session {

using steady = std::chrono::steady_clock;

/// Result ids: an intercom leg's INVITE is its index + 1; BYE and CANCEL
/// results (not needed) come with this one.
constexpr std::uint64_t other_result = 0;

/// One device an intercom calls.
struct leg_state {
  enum class phase { calling, ringing, answered, gone };
  intercom_leg_setup s;
  leg_dialog d;
  sip_router_actor router; ///< the shard of the leg's Call-ID
  phase at = phase::calling;
  bool cancel_wanted = false;
  bool late = false; ///< answered after the caller was told to speak
  bool left = false; ///< hung up before the end
  bool heard = false;
  std::size_t relay_leg = 0;
  net::endpoint media;
  voice::stream_format format;   ///< what the device answered (once answered)
  std::optional<rtcp_link> rtcp; ///< once answered
};

/// What the session is doing with the caller: recording (record mode,
/// intercom, and an asked caller's voice message), the spoken menu of ask
/// mode, or (ask mode, "talk") ringing the callee and then bridging them.
enum class phase { record, menu, talk };

/// What follows a prompt (ask mode): wait for a key, the tone and the
/// recording, ringback again, or the fax.
enum class after_prompt { wait_key, record, ring, fax };

struct session_state {
  session_setup s;
  phase at = phase::record;
  /// The prompt playing (ask mode): encoded 20 ms frames, paced from
  /// `play_start`; `play_gen` tells a current frame timer from old ones.
  std::vector<std::string> play;
  std::size_t play_next = 0;
  std::uint64_t play_gen = 1; ///< retry_atom ids >= 2 (1 is the tone)
  steady::time_point play_start{};
  after_prompt then = after_prompt::wait_key;
  int menu_rounds = 0;
  std::optional<std::uint32_t> last_event_ts; ///< RFC 4733 event seen
  /// Talk: the leg bridged with the caller and the relay of its audio back
  /// to the caller.
  std::optional<std::size_t> talking;
  std::unique_ptr<voice::relay> back;
  std::unique_ptr<voice::recorder> rec;
  std::vector<std::string> tone;
  std::size_t tone_next = 0;
  std::uint16_t seq = 0;
  std::uint32_t ts = 0;
  std::uint32_t ssrc = 0;
  std::string local_tag;
  std::string call_id;
  sip_router_actor router;
  bool done = false;
  bool closing = false; ///< the caller hung up; trailing RTP still counts
  resend_2xx ok_again;  ///< the 200 again until the caller's ACK
  std::vector<leg_state> legs;
  std::unique_ptr<voice::relay> relay;
  /// Relay leg id -> index in `legs`.
  std::vector<std::size_t> leg_of;
  bool go_ahead = false; ///< the tone started: speak now
  /// The caller's BYE, answered once the recording is saved.
  std::optional<sip_task> bye;
  std::optional<rtcp_link> rtcp; ///< with the caller
  metrics::counter* rtp_in = nullptr;
  /// Counted in ivm_voice_sessions_active while the actor lives.
  metrics::level_hold open;
  std::shared_ptr<spdlog::logger> log = log::get("voice");
  /// A fax machine calling (session_fax.cpp): its CNG heard while
  /// recording (G.711 only), then the fax received instead.
  std::unique_ptr<fax::cng_detector> cng;
  std::size_t cng_fed = 0; ///< samples of the recording given to `cng`
  std::unique_ptr<fax::session> fax;
  std::string fax_file; ///< the pages as received (TIFF), removed after
  steady::time_point fax_start{}, fax_last{};
  static inline const char* name = "voice_session";
};

using pointer = caf::stateful_actor<session_state>*;

void publish_caller(pointer self, sip::proxy::dialog_state state);
void send_leg(pointer self, leg_state& l, sip::message m,
              std::uint64_t id = other_result);
/// Relays sink: an RTP packet for relay leg `leg`.
void to_leg(pointer self, std::size_t leg, const std::uint8_t* p,
            std::size_t n);
void start_tone(pointer self);
/// CANCEL once the leg rings (at once if it does already).
void cancel_leg(pointer self, leg_state& l);
/// The tone waits until every leg answered or failed (or for go_ahead_wait).
void maybe_go_ahead(pointer self);
/// The message is over: answered legs get a BYE, the others a CANCEL.
void end_legs(pointer self);
/// The answer of leg `i`'s INVITE (1xx, every 2xx, or the final failure).
void on_leg_result(pointer self, std::size_t i, int status,
                   const sip::message& resp);
/// A request in a leg's dialog (the recipient hung up).
void on_leg_request(pointer self, leg_state& l, const sip_task& t);

/// One 20 ms payload to the caller on the session's stream (the tone, the
/// prompts): the next sequence number and timestamp.
void send_frame(pointer self, const std::string& payload, bool marker);
/// Ends the session (session_actor.cpp): legs ended, the recording (if
/// any) stored, the caller told.
void finish(pointer self, const char* why, bool hang_up);
/// Calls the devices of `s.legs` (intercom: with auto-answer), their audio
/// from the caller through `relay`.
void call_legs(pointer self, bool auto_answer);
/// Whether the recording's limits apply (silence, length, '#'): in record
/// mode always; an asked caller's once the tone told them to speak.
inline bool recording(const session_state& st) {
  return st.at == phase::record && (st.go_ahead || !st.s.ask);
}

// Ask mode (session_ask.cpp): the menu, its keys, "talk".
void ask_start(pointer self);
/// A packet from the caller in the menu or while talking.
void ask_packet(pointer self, const datagram& d);
/// A key from the caller (RFC 4733 or SIP INFO).
void ask_key(pointer self, char key);
/// The digit of a SIP INFO (application/dtmf-relay or application/dtmf).
std::optional<char> info_key(const sip::message& m);
/// The prompt's next frame is due (retry_atom `gen`).
void play_due(pointer self, std::uint64_t gen);
/// The menu waited for a key after the prompt (offer_atom `gen`).
void menu_wait_over(pointer self, std::uint64_t gen);
/// A packet from the bridged callee's device.
void talk_packet(pointer self, std::size_t leg, const datagram& d);
/// Leg `i` answered while the caller waits to talk: bridged.
void talk_answered(pointer self, std::size_t i);
/// Nobody answers (all legs failed, or the ring time is over): the caller
/// is asked to leave a message.
void talk_nobody(pointer self);
/// Ask mode ended before a recording: after a conversation, or a missed
/// call (the user is told by message).
void ask_over(pointer self, const char* why);

// Faxes (session_fax.cpp).
/// The session becomes a fax reception now.
void fax_begin(pointer self);
/// Record mode, after each packet: listens for CNG; true once the session
/// has become a fax reception.
bool fax_watch(pointer self);
/// A packet in fax mode: its audio to the fax session, the answer sent.
void fax_packet(pointer self, const datagram& d);
/// Fax mode, on the timer: the reason to end ("" none): too long, or the
/// caller's audio stopped.
const char* fax_check(pointer self);
/// The fax is over: the pages (if any) to the voice actor as PDF, then
/// the caller is told (tell_caller).
void fax_end(pointer self, const char* why, bool hang_up);
void send_bye(pointer self);
/// The caller learns the session is over: our BYE, or the 200 to theirs.
void tell_caller(pointer self, bool hang_up);

} // namespace ivm::actors::voice_session
