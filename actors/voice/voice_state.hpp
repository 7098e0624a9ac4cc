#pragma once

// Private to the voice actor's units (voice_actor.cpp: the message store,
// its API and the behavior; voice_calls.cpp: calls to the service codes,
// their media and sessions).

#include <cstdint>
#include <memory>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/voice/fax_store.hpp"
#include "actors/voice/voice_actor.hpp"
#include "appliance/common/log.hpp"

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
  static inline const char* name = "voice";
};

using pointer = caf::stateful_actor<voice_state>*;

/// A call to a voice service code: `*8` (no recipients) listens, the others
/// record (and `*9` calls the recipients' devices).
void on_call(pointer self, voice_call& c);

} // namespace ivm::actors::voice_detail
