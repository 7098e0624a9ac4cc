#pragma once

// Private to actors/mgcp: the call agent's state, shared by its units
// (call_agent.cpp: the socket, routing, start; call_agent_api.cpp: the
// admin resources /api/v1/gateways and /api/v1/stations).

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include <caf/stateful_actor.hpp>

#include "actors/mgcp/mgcp_actors.hpp"
#include "appliance/common/log.hpp"

namespace ivm::actors::agent {

namespace rec = storage::records;

struct gateway_entry {
  rec::media_gateway record;
  net::endpoint address;
  caf::actor actor;
};

/// An RSIP heard from an address no gateway has (mgcp.accept_unknown).
struct pending_gateway {
  std::string address;
  std::string endpoint; ///< what it named in its RSIP
  std::uint64_t first_s = 0;
  std::uint64_t last_s = 0;
};

struct agent_state {
  mgcp_agent_config cfg;
  directory_actor directory;
  std::map<std::string, gateway_entry> gateways;  ///< by name
  std::map<std::string, rec::station> stations;   ///< by "gw\nendpoint"
  std::map<std::string, pending_gateway> pending; ///< by address
  std::set<std::string> refused;                  ///< logged once each
  std::string notified_entity;                    ///< MGCP: "ca@host:port"
  std::string mid; ///< H.248: the box's mId, "[host]:port"
  bool started = false;
  std::shared_ptr<spdlog::logger> log = log::get("mgcp");
  static inline const char* name = "mgcp_call_agent";
};

using pointer = caf::stateful_actor<agent_state>*;

std::string station_id(const std::string& gw, const std::string& ep);
std::uint64_t unix_now();

/// Asks the voice actor to recount `ext`'s messages (the lamp follows).
void recount(pointer self, const std::string& ext);

/// Spawns the actor of gateway `g` with its stations.
void start_gateway(pointer self, gateway_entry& g);

/// /api/v1/gateways[...] and /api/v1/stations[...].
void on_http(pointer self, http_exchange& ex);

/// Tells the directory every PBX's SIP trunk (after each change).
void publish_trunks(pointer self);

/// The phones of `ext` on PBXs with a SIP trunk, as targets of a call.
void add_trunk_targets(pointer self, const std::string& ext, proxy_plan& plan);

/// A PBX link's first TLS connection: its certificate is pinned (stored).
void pin_pbx_certificate(pointer self, const std::string& name,
                         const std::string& fingerprint);

} // namespace ivm::actors::agent
