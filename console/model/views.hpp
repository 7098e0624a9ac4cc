#pragma once

// What the console's pages show, decoded from the admin API's JSON. Plain
// structs, no ImGui, no sockets: tested without a display.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::console {

struct user_row {
  std::string extension;
  std::string name;
  std::string username;
  bool enabled = true;
};

struct device_row {
  std::string mac;
  std::string user;
  std::string vendor;
  std::string model;
  std::string label;
  std::string firmware;
  /// What it did since the box started: registered now with its own
  /// credentials, its last REGISTER and file fetch (times "" if none).
  bool registered = false;
  std::string last_registration{};
  std::string last_fetch{};
  std::string last_fetch_file{};
  std::string address{};
};

/// A phone seen on the network (DHCP, TFTP, HTTP) that no device record
/// claims yet.
struct sighting_row {
  std::string mac;
  std::string source;
  std::string address;
  std::string vendor;
  std::string model;
  std::string user_agent;
  std::string last_seen;
};

struct lease_row {
  std::string mac;
  std::string address;
  std::string state;
  std::int64_t expires_s = 0;
};

struct dhcp_view {
  bool enabled = false;
  /// "file" or "api": where the scope comes from.
  std::string source;
  std::string interface;
  std::string server_address;
  std::string pool;
  std::string subnet_mask;
  std::string router;
  std::string dns;
  std::int64_t lease_time_s = 0;
  /// A stored scope that no longer holds.
  std::string error;
  std::vector<lease_row> leases;
  std::vector<std::string> rogue_servers;
};

struct firmware_row {
  std::string name;
  std::uint64_t size = 0;
  std::string sha256;
};

expected<std::vector<user_row>, std::string> parse_users(std::string_view body);
expected<std::vector<device_row>, std::string>
parse_devices(std::string_view body);
expected<std::vector<sighting_row>, std::string>
parse_unassigned(std::string_view body);
expected<dhcp_view, std::string> parse_dhcp(std::string_view body);
expected<std::vector<firmware_row>, std::string>
parse_firmware(std::string_view body);

/// The "error" member of an error answer, prefixed with its "field" when
/// the text does not name it ("name: group sales exists"), else
/// "HTTP <status>".
std::string error_text(int status, std::string_view body);

/// "1.2 MB", "512 B".
std::string format_size(std::uint64_t bytes);

} // namespace ivm::console
