#pragma once

#include <cstddef>
#include <memory>

#include <caf/fwd.hpp>

#include "actors/api/storage_actor.hpp"

namespace ivm::actors {

/// Spawns the storage actor on a thread of its own (detached), owning `db`.
/// `max_batch` bounds how many write requests one commit merges. Tests pass
/// `detached = false` to run it under the deterministic scheduler.
storage_actor spawn_storage(caf::actor_system& sys,
                            std::shared_ptr<storage::store> db,
                            std::size_t max_batch = 1024, bool detached = true);

} // namespace ivm::actors
