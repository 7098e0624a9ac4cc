#pragma once

// Legacy phones behind MGCP gateways (issue 15): the call agent (one UDP
// socket on mgcp.listen, the gateways and stations the admin configured,
// /api/v1/gateways and /api/v1/stations) and one actor per gateway (its
// `mgcp::gateway_session`, the stations on its lines).
// docs/protocols/mgcp.md, docs/legacy.md.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/api/services.hpp"
#include "actors/api/storage_actor.hpp"
#include "actors/client/client_actor.hpp"
#include "storage/records/legacy.hpp"

namespace ivm::net {
class udp_socket;
class io_pool;
} // namespace ivm::net

namespace ivm::actors {

struct mgcp_agent_config {
  /// Bound on mgcp.listen (not started yet); null when MGCP is off.
  std::shared_ptr<net::udp_socket> socket;
  /// Bound on megaco.listen (H.248, issue 16); null when it is off.
  std::shared_ptr<net::udp_socket> megaco_socket;
  /// A ServiceChange from an unknown H.248 gateway is listed (pending).
  bool megaco_accept_unknown = false;
  storage_actor storage;
  /// The voice message store: recounts a user's messages for the lamp.
  caf::actor voice;
  /// An RSIP from an address no gateway has is listed for the admin
  /// (pending) instead of only refused.
  bool accept_unknown = false;
  /// mgcp.audit_interval_s, mgcp.max_retransmissions.
  std::chrono::milliseconds audit_every{30000};
  unsigned max_retransmissions = 7;
  /// Routers and the box's SIP addresses (filled in by the engine before
  /// traffic flows): legacy phones call SIP users through them.
  std::shared_ptr<const client_config> clients;
  /// The I/O threads (a PBX's CSTA link is a TCP connection).
  net::io_pool* io = nullptr;
  /// Read at start.
  std::vector<storage::records::media_gateway> gateways;
  std::vector<storage::records::station> stations;
};

/// The call agent; it waits for `(start_atom, directory_actor)` before it
/// reads its socket. `(stop_atom)` closes it.
caf::actor spawn_mgcp_call_agent(caf::actor_system& sys, mgcp_agent_config cfg);

/// What a gateway actor needs (internal to the call agent).
struct mgcp_gateway_setup {
  storage::records::media_gateway record;
  std::shared_ptr<net::udp_socket> socket;
  net::endpoint address;
  std::string notified_entity; ///< "ca@host:port" (MGCP)
  std::string mid;             ///< the box's mId (H.248): "[host]:port"
  directory_actor directory;
  /// Routers and the box's SIP addresses (calls to SIP users).
  std::shared_ptr<const client_config> clients;
  std::chrono::milliseconds audit_every{30000};
  unsigned max_retransmissions = 7;
  /// line (local endpoint name) -> extension
  std::vector<std::pair<std::string, std::string>> stations;
};

/// A gateway's state for GET /api/v1/gateways (`get_atom`).
struct mgcp_line_status {
  std::string endpoint;
  std::string extension;
  std::string phase; ///< the line's: idle, dialing, connected, ...
  bool off_hook = false;
  bool lamp = false;
};
struct mgcp_gateway_status {
  std::string phase; ///< registering, up, down
  std::uint64_t since_s = 0;
  std::vector<mgcp_line_status> lines;
};

caf::actor spawn_mgcp_gateway(caf::actor_system& sys, mgcp_gateway_setup s);

/// What a PBX's CSTA link actor needs (issue 17; internal to the call
/// agent). It takes the gateway actor's station messages (put, stop, mwi,
/// get) with the device number as the line.
struct csta_link_setup {
  storage::records::media_gateway record; ///< protocol "csta"
  net::endpoint address;
  net::io_pool* io = nullptr;
  directory_actor directory;
  /// Its stations (device = endpoint).
  std::vector<storage::records::station> records;
  /// The metrics registry (links configured and up, events).
  std::shared_ptr<const client_config> clients;
  /// The call agent: told `(seen_atom, name, fingerprint)` when a TLS
  /// link's certificate is pinned at the first connection.
  caf::actor agent;
};

caf::actor spawn_csta_link(caf::actor_system& sys, csta_link_setup s);

} // namespace ivm::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::mgcp_gateway_setup)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::csta_link_setup)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::storage::records::station)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::mgcp_gateway_status)
