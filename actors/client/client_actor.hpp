#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/api/services.hpp"
#include "actors/api/storage_actor.hpp"
#include "actors/client/queue_tally.hpp"
#include "appliance/routing/zone_holder.hpp"
#include "appliance/sip/core/registrar.hpp"

namespace ivm::metrics {
class registry;
} // namespace ivm::metrics

namespace ivm::actors {

/// What every client actor shares.
struct client_config {
  std::string domain;
  std::string server = "ivm-appliance";
  sip::core::registrar_config registrar;
  storage_actor storage;
  std::vector<sip_router_actor> routers;
  directory_actor directory;
  /// The MGCP call agent (null: no legacy phones): a call to a user rings
  /// their stations too, asked as `(proxy_atom, ext) -> proxy_plan`.
  caf::actor legacy;
  /// Our own addresses for the Via of requests we send.
  net::endpoint udp_self;
  net::endpoint tcp_self;
  net::endpoint tls_self;
  /// How long a sender waits for a fork to answer before it gets 202.
  std::chrono::milliseconds fork_timeout{4000};
  /// Retry delays after failed deliveries (the last one repeats).
  std::vector<std::chrono::seconds> backoff{
      std::chrono::seconds{5}, std::chrono::seconds{30},
      std::chrono::seconds{120}, std::chrono::seconds{600}};
  /// Failed delivery attempts before a message is given up (with a notice to
  /// the sender).
  std::uint32_t max_attempts = 20;
  /// Age after which an undelivered message is given up.
  std::chrono::seconds max_age{7 * 24 * 3600};
  /// A client actor with nothing to do for this long leaves memory (its
  /// state is in storage; the directory brings it back on demand). Zero:
  /// never.
  std::chrono::seconds idle_timeout{30};
  std::shared_ptr<metrics::registry> metrics;
  /// The box's time zone, for the users' call-routing rules (issue 18).
  std::shared_ptr<routing::zone_holder> zone =
      std::make_shared<routing::zone_holder>();
  /// The voice message store (null: voice off): voicemail of the rules.
  /// Weak: the store holds this configuration too.
  caf::actor_addr voice;
  /// Every queue's depth and oldest message (the monitoring's gauges).
  std::shared_ptr<queue_tally> queues = std::make_shared<queue_tally>();
};

/// Spawns the client actor of user `ext` with its stored bindings and the
/// head of its message queue, contact list and subscriptions (as read from
/// storage). `restart`: the first load since the box started (watchers get
/// the state anew); else the actor comes back after leaving memory with
/// `residue`, what the directory kept of it.
client_actor spawn_client(caf::actor_system& sys,
                          std::shared_ptr<const client_config> cfg,
                          storage::records::account user,
                          const key_values& bindings, const key_values& queue,
                          const key_values& contacts = {},
                          const key_values& subs = {},
                          client_residue residue = {}, bool restart = true);

} // namespace ivm::actors
