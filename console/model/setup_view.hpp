#pragma once

// The site settings (GET /api/v1/settings) and the first-boot walk of the
// console: site name, SIP domain, the address the box serves on, time
// zone, the first admin account, optionally DHCP for the phones.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::console {

struct interface_row {
  std::string name;
  std::vector<std::string> addresses;
};

struct settings_view {
  std::string site_name;
  std::string domain;
  std::string address;
  std::string interface;
  std::string time_zone;
  int utc_offset_minutes = 0;
  std::vector<interface_row> interfaces;
  /// Settings stored that take effect at the next start.
  std::vector<std::string> restart_needed;
};

expected<settings_view, std::string> parse_settings(std::string_view body);

/// The steps of first boot, in order.
enum class setup_step : std::uint8_t {
  site,
  domain,
  network,
  time_zone,
  admin,
  dhcp,
  done
};

/// "Site", "SIP domain", ... and its number (1-based) of `setup_steps`.
const char* step_title(setup_step s);
inline constexpr int setup_steps = 6;

struct setup_form {
  std::string site_name;
  std::string domain;
  /// The address chosen (one of the interfaces', or 0.0.0.0).
  std::string address;
  std::string time_zone;
  /// DHCP for the phones on the chosen address's interface.
  std::string dhcp_pool;
  std::string dhcp_router;
  bool filled = false;
};

/// A pool of 100 addresses in the /24 of `address` that leaves it out
/// ("192.0.2.100-192.0.2.199"), "" for 0.0.0.0 or loopback.
std::string suggest_pool(const std::string& address);

} // namespace ivm::console
