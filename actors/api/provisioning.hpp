#pragma once

// What the provisioning actor (DHCP, TFTP, HTTP file serving) and the
// directory (devices, their users and credentials) say to each other
// (issue 11). The provisioning actor does the I/O and renders files; the
// directory owns the device records.

#include <string>

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
};

/// The answer to `(provision_atom, mac)`: the device record with its line
/// and credentials filled in (`found`), box-wide fields (registrar, domain,
/// NTP, time zone, provisioning URL) left for the provisioning actor.
struct device_lookup {
  bool found = false;
  provisioning::phone::device_config cfg;
};

} // namespace ivm::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::device_sighting)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::device_lookup)
