#pragma once

// The Gateways page's data and forms (issue 15): media gateways with their
// state and stations as the admin API lists them (GET /api/v1/gateways),
// RSIPs from unknown addresses waiting for the admin, the page's forms.
// Plain structs and pure functions, no ImGui.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::console {

/// One station as its gateway reports it.
struct station_row {
  std::string endpoint;  ///< "aaln/1"
  std::string extension; ///< the user on the line
  std::string line;      ///< the line's phase: idle, ringing, connected, ...
  std::string hook;      ///< "on", "off"
  bool lamp = false;     ///< message waiting
};

struct gateway_row {
  std::string name;
  std::string protocol;
  std::string address;
  std::string domain;
  std::string state; ///< registering, up, down
  std::string since; ///< ISO 8601, as the box says it
  std::vector<station_row> stations;
};

/// An RSIP from an address no gateway has (mgcp.accept_unknown).
struct pending_gateway_row {
  std::string address;
  std::string endpoint;
  std::string last_seen; ///< ISO 8601
};

struct gateways_view {
  std::vector<gateway_row> gateways;
  std::vector<pending_gateway_row> pending;
};

/// What the Gateways page's fields hold.
struct gateway_forms {
  /// -- a new gateway
  std::string name;
  std::string address; ///< "192.0.2.10:2427"
  std::string domain;  ///< optional: the name
  bool megaco = false; ///< H.248 instead of MGCP
  /// -- a station on the chosen gateway
  std::string selected; ///< gateway name
  std::string endpoint; ///< "aaln/1"
  std::string extension;
  /// The gateway whose deletion waits for a yes (empty: none).
  std::string confirm_delete;
  /// A gateway asked for: once listed, it is chosen and its endpoint field
  /// takes the keys (`focus_endpoint`, cleared by the page).
  std::string created;
  bool focus_endpoint = false;
};

expected<gateways_view, std::string> parse_gateways(std::string_view body);

/// A PBX phone as the link reports it (issue 17).
struct pbx_device_row {
  std::string device;    ///< its number on the PBX
  std::string extension; ///< the user
  std::string activity;  ///< idle, ringing, on-the-phone, on-hold, unknown
  std::string hook;      ///< "on", "off"
  bool lamp = false;
};

/// A PBX's CTI link (GET /api/v1/pbx).
struct pbx_row {
  std::string name;
  std::string address;
  std::string edition;
  std::string state; ///< down, starting, up
  std::string since;
  std::vector<pbx_device_row> devices;
};

expected<std::vector<pbx_row>, std::string> parse_pbx(std::string_view body);

/// "192.0.2.10:2427" or "[2001:db8::1]:2427": a host and a port 1-65535.
bool is_host_port(std::string_view text);

} // namespace ivm::console
