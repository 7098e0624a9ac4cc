#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "actors/api/services.hpp"
#include "actors/client/client_actor.hpp"
#include "appliance/directory/authenticator.hpp"
#include "appliance/directory/directory.hpp"

namespace ivm::actors {

struct directory_config {
  /// Users with messages waiting (found at start): their client actors start
  /// at once, so delivery resumes to devices still registered.
  std::vector<std::string> waiting;
  std::shared_ptr<client_config> clients;
  directory::authenticator_config auth;
  /// Largest MESSAGE body accepted (413 beyond).
  std::size_t max_message_body = 16 * 1024;
  /// The voice message store (`spawn_voice`), for /api/v1/voice-messages.
  caf::actor voice;
  /// The box key (data_dir/voice.key): seals the devices' SIP passwords.
  std::string box_key;
  /// Most idle client actors let go per second: a crowd that registered at
  /// once goes idle at once, and each leave costs the directory (the path of
  /// every SIP request) and the allocator some work. 0: no bound.
  std::uint32_t leaves_per_second = 1000;
  /// A SIP request that took longer than this from the socket to the
  /// directory is answered 503 (the box is too far behind). 0: never.
  std::chrono::milliseconds max_queue_delay{300};
  /// The MGCP call agent (issue 15): told of voice messages waiting (the
  /// stations' lamps). Null: no legacy phones.
  caf::actor legacy;
};

/// Spawns the directory with the accounts and groups read at start.
directory_actor spawn_directory(caf::actor_system& sys, directory_config cfg,
                                directory::directory initial);

/// Reads every account and group from `db` (at start, before actors run),
/// and the devices, whose passwords `box_key` opens.
directory::directory load_directory(storage::store& db,
                                    const std::string& realm,
                                    const std::string& box_key = {});

/// The users of `dir` with at least one queued message or subscription
/// (their client actors start at once: delivery and NOTIFYs resume).
std::vector<std::string> users_with_messages(storage::store& db,
                                             const directory::directory& dir);

} // namespace ivm::actors
