#pragma once

// The DHCP scope as the admin API sees it (PUT/PATCH /api/v1/dhcp), as it
// is stored (meta key `dhcp_scope_key`), and what follows from it at run
// time: the box-wide fields of the phones' files and the subnet whose
// phones fetch their files without credentials. Pure: no sockets, no
// actors; the same checks as the [dhcp] section of the configuration file.

#include <optional>
#include <string>
#include <string_view>

#include "appliance/main/settings.hpp"
#include "appliance/main/settings_provisioning.hpp"
#include "provisioning/phone/device_config.hpp"

namespace ivm::app {

/// Key of the stored scope in family `meta` (a JSON object as
/// `dhcp_settings_json` prints it).
inline constexpr std::string_view dhcp_scope_key = "dhcp/scope";

/// Members of GET /api/v1/dhcp that are state, not settings: accepted in a
/// PUT body (so that GET, edit, PUT works) and ignored.
bool is_dhcp_state_member(std::string_view name);

/// `d` as a JSON object with the names of the [dhcp] keys ("pool" as
/// "FIRST-LAST", lists as arrays, reservations as {mac, address} objects,
/// unset server_address/subnet_mask as null).
std::string dhcp_settings_json(const dhcp_settings& d);

/// Applies the JSON object `body` to `s.dhcp`: every member as the [dhcp]
/// key of the same name. `replace` starts from the defaults (PUT), else
/// from `s.dhcp` (PATCH). Fails naming the member (`config_error::what`
/// starts with "dhcp.NAME"), leaving `s` unchanged; then checks the whole
/// (`validate_provisioning`: the interface exists, the scope holds).
std::optional<config_error> apply_dhcp_json(settings& s, std::string_view body,
                                            bool replace);

/// The box-wide fields of every phone file (domain, registrar, NTP, time
/// zone, provisioning URL) for `s`, with the DHCP scope `dhcp` (if on):
/// a box listening on 0.0.0.0 is reached at its DHCP server address.
provisioning::phone::device_config
box_fields(const settings& s,
           const std::optional<provisioning::dhcp::server_config>& dhcp);

/// The subnet of the DHCP scope (its phones fetch files without
/// credentials).
ipv4_network dhcp_subnet(const provisioning::dhcp::server_config& c);

} // namespace ivm::app
