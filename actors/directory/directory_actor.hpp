#pragma once

#include <memory>

#include <caf/fwd.hpp>

#include "actors/api/services.hpp"
#include "actors/client/client_actor.hpp"
#include "appliance/directory/authenticator.hpp"
#include "appliance/directory/directory.hpp"

namespace ivm::actors {

struct directory_config {
  std::shared_ptr<client_config> clients;
  directory::authenticator_config auth;
  /// Largest MESSAGE body accepted (413 beyond).
  std::size_t max_message_body = 16 * 1024;
};

/// Spawns the directory with the accounts and groups read at start.
directory_actor spawn_directory(caf::actor_system& sys, directory_config cfg,
                                directory::directory initial);

/// Reads every account and group from `db` (at start, before actors run).
directory::directory load_directory(storage::store& db,
                                    const std::string& realm);

} // namespace ivm::actors
