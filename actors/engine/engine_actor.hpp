#pragma once

#include <cstddef>
#include <memory>

#include <caf/fwd.hpp>

#include "actors/api/engine_actor.hpp"

namespace ivm::metrics {
class registry;
} // namespace ivm::metrics

namespace ivm::net {
class http_server;
} // namespace ivm::net

namespace ivm::actors {

/// What the engine starts: resources opened (and checked) by main before
/// any actor runs, so that a bad configuration fails before anything is
/// written.
struct engine_resources {
  std::shared_ptr<storage::store> store;
  std::size_t storage_max_batch = 1024;
  std::shared_ptr<net::http_server> admin_http;
  std::shared_ptr<metrics::registry> metrics;
};

engine_actor spawn_engine(caf::actor_system& sys, engine_resources res);

} // namespace ivm::actors
