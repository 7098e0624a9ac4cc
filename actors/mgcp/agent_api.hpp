#pragma once

// Private to actors/mgcp: what the call agent's admin resources share
// (call_agent_api.cpp: gateways and stations; pbx_api.cpp: PBXs and their
// stations, issue 17).

#include <functional>
#include <string>

#include <optional>

#include <nlohmann/json.hpp>

#include "actors/mgcp/agent_state.hpp"

namespace ivm::actors::agent {

using json = nlohmann::json;

std::string iso8601(std::uint64_t s);
void reply(net::http_responder& respond, int status, const json& body);
void error(net::http_responder& respond, int status, const std::string& text,
           const std::string& field = {});
bool valid_name(const std::string& s);
bool valid_extension(const std::string& s);
json station_json(pointer self, const rec::station& s);
void add_status(json& j, const mgcp_gateway_status& s);
/// Writes `b`, then runs `then` and answers `status` `body`; 503 and
/// nothing changed when the store fails.
void write(pointer self, storage::write_batch b, net::http_responder respond,
           int status, json body, std::function<void()> then);

/// DELETE of a gateway (`pbx` false) or a PBX: its stations go too.
void delete_gateway(pointer self, const std::string& name,
                    net::http_responder respond, bool pbx);
/// A station written: kept, its gateway or PBX actor told, its lamp
/// recounted.
void station_added(pointer self, const rec::station& s);

/// Asks each of `actors` (gateway or PBX actors) for its status, adds it
/// to `items[i]` with `add` (state "unknown" when it does not answer in
/// 2 s, "stopped" for none), then calls `done`.
void with_statuses(pointer self, std::shared_ptr<std::vector<json>> items,
                   std::vector<caf::actor> actors,
                   std::function<void(json&, const mgcp_gateway_status&)> add,
                   std::function<void()> done);

/// A station on a PBX (its gateway is of protocol csta).
bool is_pbx_station(pointer self, const rec::station& s);
json pbx_station_json(const rec::station& s);
/// A "host:port" field (absent or not a string: nullopt) with a port.
std::optional<net::endpoint>
endpoint_of(const std::optional<std::string>& text);

/// /api/v1/pbx[/NAME]; false when the path is not one of them.
bool on_pbx_http(pointer self, http_exchange& ex);
/// POST /api/v1/stations with "pbx": a digital phone on a PBX.
void post_pbx_station(pointer self, const json& j, net::http_responder respond);

} // namespace ivm::actors::agent
