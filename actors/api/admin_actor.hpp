#pragma once

#include <memory>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/api/types.hpp"

namespace ivm::actors {

/// A client of GET /api/v1/events (server-sent events), handed over by
/// the I/O thread once the response head is out.
struct event_subscriber {
  std::shared_ptr<net::http_stream> stream;
};

/// The admin API: answers HTTP requests handed over by the I/O thread;
/// `stats_atom` is its monitoring tick (to itself).
using admin_actor =
    caf::typed_actor<caf::reacts_to<atoms::http_atom, http_exchange>,
                     caf::reacts_to<atoms::http_atom, event_subscriber>,
                     caf::reacts_to<atoms::stats_atom>>;

} // namespace ivm::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::event_subscriber)
