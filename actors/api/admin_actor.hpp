#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/api/types.hpp"

namespace ivm::actors {

/// The admin API: answers HTTP requests handed over by the I/O thread.
using admin_actor =
    caf::typed_actor<caf::reacts_to<atoms::http_atom, http_exchange>>;

} // namespace ivm::actors
