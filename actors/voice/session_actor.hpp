#pragma once

// One recording in progress (record mode, issue 6): the box answered a call
// to *7..., receives the caller's RTP on its own port and records it until
// the caller hangs up, presses '#', stays silent or reaches the maximum
// length; then the recording goes to the voice actor to be stored.

#include <memory>

#include <caf/fwd.hpp>

#include "actors/voice/voice_actor.hpp"
#include "appliance/sip/message.hpp"
#include "appliance/voice/audio.hpp"
#include "appliance/voice/recorder.hpp"

namespace ivm::net {
class udp_socket;
} // namespace ivm::net

namespace ivm::actors {

/// A finished recording, for the voice actor to store and announce.
struct voice_recording {
  std::string user;
  std::string user_name;
  std::vector<std::string> recipients;
  std::vector<std::int16_t> pcm;
  int rate = 8000;
  directory_actor directory;
};

/// A recording encoded to Ogg Opus by an encoder thread.
struct encoded_recording {
  voice_recording meta; ///< (pcm emptied)
  voice::ogg_audio audio;
};

struct session_setup {
  voice_call call;
  voice::recorder_config recorder;
  std::shared_ptr<net::udp_socket> socket;
  net::endpoint remote_media; ///< where the caller receives RTP
  sip::message answer;        ///< the 200 OK with the SDP answer
  caf::actor voice;           ///< the voice actor (gets the recording)
  std::shared_ptr<const client_config> clients;
};

caf::actor spawn_session(caf::actor_system& sys, session_setup setup);

/// Ends a dialog the box answered: in-dialog requests no longer come to
/// `self`, the RTP socket closes, and `self` stops 5 s later (after the
/// BYE's answer and retransmitted BYEs).
void end_own_dialog(caf::event_based_actor* self,
                    const sip_router_actor& router, const std::string& call_id,
                    net::udp_socket& socket);

/// The BYE the box sends to end a call it answered (`invite`, our To tag
/// `local_tag`), and where to send it; nullopt when the caller cannot be
/// reached (no Contact, connection gone).
std::optional<sip_request_task> bye_to_caller(const client_config& cfg,
                                              const sip_task& invite,
                                              const std::string& local_tag,
                                              const caf::actor& requester);

} // namespace ivm::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::voice_recording)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::encoded_recording)
