#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/api/types.hpp"

namespace ivm::actors {

/// Starts the subsystems in dependency order and stops them in reverse.
/// `stop` is answered once storage has flushed.
using engine_actor =
    caf::typed_actor<caf::replies_to<atoms::start_atom>::with<caf::ok_atom>,
                     caf::replies_to<atoms::stop_atom>::with<caf::ok_atom>>;

} // namespace ivm::actors
