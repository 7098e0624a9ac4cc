#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/api/services.hpp"
#include "actors/api/storage_actor.hpp"
#include "actors/client/client_actor.hpp"

namespace ivm::net {
class io_pool;
} // namespace ivm::net

namespace ivm::actors {

/// An HTTP request to /api/v1/voice-messages from an authenticated user,
/// with the recipients already resolved (POST).
struct voice_request {
  http_exchange ex;
  std::string user;      ///< the caller's extension
  std::string user_name; ///< display name
  std::vector<std::string> recipients;
  /// Where recipients' notices go (the directory that sent this).
  directory_actor directory;
};

/// A call to a voice service code (`*7EXT*EXT`: record a message for
/// them), authenticated, with the recipients resolved.
struct voice_call {
  sip_task invite;
  std::string user;
  std::string user_name;
  std::vector<std::string> recipients;
  directory_actor directory;
  /// *9: recipients online hear it live (`live`: their devices); the
  /// others get the recording.
  bool intercom = false;
  std::vector<std::pair<std::string, std::vector<proxy_target>>> live;
  /// From a legacy phone (issue 15): no SIP dialog; `invite` is empty.
  legacy_media legacy;
  /// Voicemail for a user who is offline (issue 18): recipient -> e-mail
  /// address the recording is mailed to (queued with the recording).
  std::vector<std::pair<std::string, std::string>> mail;
  /// A caller asked what they want (issue 18, rule `ask`): a spoken menu
  /// (talk 1, voice message 2, fax 3) before anything else; "talk" rings
  /// the callee's devices in `live` for `ring_s`, then a voice message.
  /// `callee_name` is how the prompts name them.
  bool ask = false;
  std::string callee_name;
  std::uint32_t ring_s = 20;
  bool from_legacy() const {
    return static_cast<bool>(legacy.controller);
  }
};

struct voice_config {
  storage_actor storage;
  std::string master_key; ///< 32 bytes (voice::load_or_create_master_key)
  std::string domain;
  /// Recordings from phones: the I/O pool for RTP sockets, the address to
  /// bind them on (the SIP listening address), the port range, limits.
  net::io_pool* io = nullptr;
  std::string media_host = "127.0.0.1";
  std::uint16_t rtp_port_min = 20000;
  std::uint16_t rtp_port_max = 20999;
  std::chrono::seconds max_length{120};
  std::chrono::seconds silence_timeout{10};
  /// Intercom: a recipient's phone that has not answered by then is
  /// cancelled (the recipient gets the recording).
  std::chrono::seconds intercom_answer{8};
  /// The language of spoken prompts (voice.language: en, de, fr, es).
  std::string language = "en";
  /// Shared with the client actors: routers, the box's SIP addresses and
  /// Server value (filled in by the engine before traffic flows).
  std::shared_ptr<const client_config> clients;
  /// The mail actor (null: no smarthost): recordings with `mail` queue an
  /// e-mail, told with (wake_atom) once stored.
  caf::actor mail;
};

/// The voice message store: takes uploads (WAVE or Ogg Opus -> Ogg Opus),
/// seals them (appliance/voice/crypto), stores them for each recipient,
/// tells the recipients, serves and deletes them. Runs on its own thread
/// (encoding and encryption are CPU work).
caf::actor spawn_voice(caf::actor_system& sys, voice_config cfg);

/// A new voice message (or fax) id: the time in milliseconds (hex, so that
/// ids sort by arrival) and a random tag.
std::string new_message_id();

} // namespace ivm::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::voice_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::voice_call)
