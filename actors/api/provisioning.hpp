#pragma once

// What the provisioning actor (DHCP, TFTP, HTTP file serving) and the
// directory (devices, their users and credentials) say to each other
// (issue 11). The provisioning actor does the I/O and renders files; the
// directory owns the device records.

#include <optional>
#include <string>
#include <string_view>

#include <caf/allowed_unsafe_message_type.hpp>

#include "provisioning/phone/device_config.hpp"

namespace ivm::actors {

/// A phone the box heard of: from a DHCP request, or asking TFTP/HTTP for a
/// file. Unknown MACs become the "unassigned devices" the admin assigns.
struct device_sighting {
  std::string mac;          ///< 12 lower-case hex digits
  std::string source;       ///< "dhcp", "tftp" or "http"
  std::string address;      ///< its IPv4 address as far as known
  std::string vendor_class; ///< DHCP option 60
  std::string host_name;    ///< DHCP option 12
  std::string vendor;       ///< "yealink", ... when recognised
  std::string model;        ///< from the file name or the User-Agent
  std::string user_agent;   ///< HTTP User-Agent
  std::string file;         ///< the file it asked for
  /// Source "register" (a provisioned phone registered with its own
  /// credentials): when its registration ends (0: it unregistered).
  std::uint64_t expires_s = 0;
};

/// The answer to `(provision_atom, mac)`: the device record with its line
/// and credentials filled in (`found`), box-wide fields (registrar, domain,
/// NTP, time zone, provisioning URL) left for the provisioning actor.
struct device_lookup {
  bool found = false;
  provisioning::phone::device_config cfg;
};

/// The MAC of an admin API path `/api/v1/devices/{mac}/files`, which the
/// provisioning actor answers (the directory has the rest of
/// /api/v1/devices); nullopt for any other path.
inline std::optional<std::string_view>
device_files_mac(std::string_view path) noexcept {
  constexpr std::string_view head = "/api/v1/devices/";
  constexpr std::string_view tail = "/files";
  if (path.size() <= head.size() + tail.size() ||
      path.substr(0, head.size()) != head ||
      path.substr(path.size() - tail.size()) != tail)
    return std::nullopt;
  auto mac = path.substr(head.size(), path.size() - head.size() - tail.size());
  if (mac.find('/') != std::string_view::npos)
    return std::nullopt;
  return mac;
}

} // namespace ivm::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::device_sighting)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::device_lookup)
