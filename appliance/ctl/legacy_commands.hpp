#pragma once

// `ivmctl gateway ...` and `ivmctl station ...`: legacy phones behind media
// gateways (issue 15; /api/v1/gateways, /api/v1/stations).

#include <string>

#include "appliance/ctl/context.hpp"

namespace ivm::ctl {

struct gateway_add_args {
  std::string name;
  std::string address; ///< host:port
  std::string protocol = "mgcp";
  std::string domain;   ///< empty: the name
  std::string encoding; ///< megaco: "long" or "compact" (empty: long)
};

struct station_args {
  std::string gateway;
  std::string endpoint;
  std::string extension;
};

/// The text `gateway list` prints for a GET /api/v1/gateways body.
std::string format_gateways(const std::string& body);
/// One gateway with its endpoints (`gateway show`).
std::string format_gateway(const std::string& body);
/// The text `station list` prints for a GET /api/v1/stations body.
std::string format_stations(const std::string& body);

int gateway_add(const context& ctx, const gateway_add_args& args);
int gateway_list(const context& ctx);
int gateway_show(const context& ctx, const std::string& name);
int gateway_del(const context& ctx, const std::string& name);
int station_add(const context& ctx, const station_args& args);
int station_list(const context& ctx);
int station_del(const context& ctx, const station_args& args);

} // namespace ivm::ctl
