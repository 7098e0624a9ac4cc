#pragma once

#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/api/services.hpp"
#include "actors/api/storage_actor.hpp"

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

struct voice_config {
  storage_actor storage;
  std::string master_key; ///< 32 bytes (voice::load_or_create_master_key)
  std::string domain;
};

/// The voice message store: takes uploads (WAVE or Ogg Opus -> Ogg Opus),
/// seals them (appliance/voice/crypto), stores them for each recipient,
/// tells the recipients, serves and deletes them. Runs on its own thread
/// (encoding and encryption are CPU work).
caf::actor spawn_voice(caf::actor_system& sys, voice_config cfg);

} // namespace ivm::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::voice_request)
