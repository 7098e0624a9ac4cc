#pragma once

// `ivmctl gateway ...` and `ivmctl station ...`: legacy phones behind media
// gateways (issue 15; /api/v1/gateways, /api/v1/stations); `ivmctl pbx ...`:
// PBX links and their digital desk phones (issue 17).

#include <string>
#include <vector>

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

// PBX links (CSTA) and their digital desk phones (issue 17; /api/v1/pbx).

struct pbx_add_args {
  std::string name;
  std::string address;   ///< host:port of the PBX's CSTA XML interface
  std::string edition;   ///< ed3, ed4, ed6 (empty: the box's default)
  std::string handshake; ///< none, system-register, application-session
  std::string trunk;     ///< host:port of the PBX's SIP side (empty: none)
  std::vector<std::string> trunk_prefixes; ///< numbers routed to the trunk
};

/// `ivmctl pbx trunk NAME HOST:PORT|none [--prefix P]...`.
struct pbx_trunk_args {
  std::string name;
  std::string trunk; ///< "none" removes it
  std::vector<std::string> prefixes;
};

struct pbx_phone_args {
  std::string pbx;
  std::string device;    ///< the phone's number on the PBX
  std::string extension; ///< the user
  std::string im_key;    ///< the IM key's button id (empty: no IM)
  std::string display;   ///< "2x24" (empty: the default)
};

/// The text `pbx list` prints for a GET /api/v1/pbx body.
std::string format_pbx_list(const std::string& body);
/// One PBX with its devices (`pbx show`).
std::string format_pbx(const std::string& body);

int pbx_add(const context& ctx, const pbx_add_args& args);
int pbx_trunk(const context& ctx, const pbx_trunk_args& args);
int pbx_list(const context& ctx);
int pbx_show(const context& ctx, const std::string& name);
int pbx_del(const context& ctx, const std::string& name);
int pbx_phone_add(const context& ctx, const pbx_phone_args& args);
int pbx_phone_del(const context& ctx, const pbx_phone_args& args);

} // namespace ivm::ctl
