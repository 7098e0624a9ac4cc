#pragma once

// Private to the voice actor's units (voice_actor.cpp: the message store,
// its API and the behavior; voice_calls.cpp: calls to the service codes,
// their media and sessions).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/voice/fax_store.hpp"
#include "actors/voice/voice_actor.hpp"
#include "appliance/common/log.hpp"
#include "appliance/voice/audio.hpp"
#include "storage/records/records.hpp"

namespace ivm::actors::voice_detail {

struct voice_state {
  voice_config cfg;
  std::uint16_t next_port = 0; ///< where the next port search starts
  /// Opus encoders, one thread each (one per core): recordings that end
  /// together are encoded in parallel, off this actor.
  std::vector<caf::actor> encoders;
  std::size_t next_encoder = 0;
  std::shared_ptr<spdlog::logger> log = log::get("voice");
  fax_store_context fax; ///< faxes received in calls (fax_store.cpp)
  /// Spoken prompts by language and text (8 kHz PCM), made once each;
  /// bounded (cleared when full: names change rarely).
  std::map<std::string, std::shared_ptr<const std::vector<std::int16_t>>>
      prompts;
  static inline const char* name = "voice";
};

using pointer = caf::stateful_actor<voice_state>*;

/// Stores `audio` (sealed) as message `id` (a new one when empty) for
/// `recipients` and tells them; `done` once on disk, else `failed`.
using stored_fn = std::function<void(const storage::records::voice_entry&)>;
void store_message(pointer self, const voice::ogg_audio& audio,
                   const std::string& from, const std::string& from_name,
                   const std::vector<std::string>& recipients,
                   const directory_actor& dir, stored_fn done,
                   std::function<void()> failed, std::string id = {});
/// Tells `user`'s phones how many messages wait (RFC 3842), through `dir`.
void recount(pointer self, const std::string& user, const directory_actor& dir);
/// `user`'s entry of message `id`: `fn(entry)`, or `none()`.
void with_entry(pointer self, const std::string& user, const std::string& id,
                std::function<void(storage::records::voice_entry)> fn,
                std::function<void()> none);
/// Removes `id` from `user`'s messages (the audio with its last holder).
void remove_entry(pointer self, const std::string& user, const std::string& id,
                  const directory_actor& dir, std::function<void(bool)> done);
void mark_heard(pointer self, const std::string& user,
                storage::records::voice_entry e, const directory_actor& dir);
/// /api/v1/voice-messages and /api/v1/faxes (voice_http.cpp).
void on_http(pointer self, voice_request& r);

/// A call to a voice service code: `*8` (no recipients) listens, the others
/// record (and `*9` calls the recipients' devices).
void on_call(pointer self, voice_call& c);

} // namespace ivm::actors::voice_detail
