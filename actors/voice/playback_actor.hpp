#pragma once

// Listening to voice messages from a phone (*8, issue 6): the box plays the
// caller's new messages, oldest first, as RTP in the codec the phone chose
// (PCMU, PCMA or Opus, paced at 20 ms), with
// keys (RFC 4733): '#' next, '*' repeat, '7' delete. A beep before each
// message; two at the end, then the box hangs up.

#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/voice/voice_actor.hpp"
#include "appliance/sip/message.hpp"
#include "appliance/voice/recorder.hpp"

namespace ivm::net {
class udp_socket;
} // namespace ivm::net

namespace ivm::actors {

struct playback_item {
  std::string id;
  std::vector<std::int16_t> pcm; ///< 8 kHz mono
};

struct playback_setup {
  voice_call call;
  voice::audio_codec codec = voice::audio_codec::pcmu;
  int payload_type = 0;
  std::optional<int> telephone_event;
  std::shared_ptr<net::udp_socket> socket;
  std::shared_ptr<net::udp_socket> rtcp; ///< socket's port + 1
  net::endpoint remote_media;
  net::endpoint remote_rtcp;
  sip::message answer; ///< the 200 OK with the SDP answer
  std::vector<playback_item> items;
  caf::actor voice; ///< told which messages were heard or deleted
  std::shared_ptr<const client_config> clients;
};

caf::actor spawn_playback(caf::actor_system& sys, playback_setup setup);

/// 48 kHz mono to 8 kHz (averages of 6: enough for speech on G.711).
std::vector<std::int16_t> to_8k(const std::vector<std::int16_t>& pcm48);

} // namespace ivm::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::playback_setup)
