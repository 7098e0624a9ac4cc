#pragma once

// The [dhcp] and [provisioning] sections of the settings (issue 11).
// Parsed, checked and printed in settings_provisioning.cpp; settings.cpp
// only delegates.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "appliance/common/expected.hpp"
#include "appliance/net/endpoint.hpp"
#include "provisioning/dhcp/ipv4_address.hpp"
#include "provisioning/dhcp/server_config.hpp"

namespace ivm::app {

struct settings;
struct config_error;

/// An IPv4 network "a.b.c.d/len".
struct ipv4_network {
  provisioning::dhcp::ipv4_address address;
  provisioning::dhcp::ipv4_address mask;
  bool contains(provisioning::dhcp::ipv4_address x) const noexcept {
    return x.same_subnet(address, mask);
  }
};

/// Parses "192.0.2.0/24" (or a bare address, /32).
std::optional<ipv4_network> parse_ipv4_network(std::string_view text);

/// "192.0.2.0/24".
std::string to_string(const ipv4_network& x);

/// [dhcp]: the box never serves DHCP unless `enabled`.
struct dhcp_settings {
  using address = provisioning::dhcp::ipv4_address;
  bool enabled = false;
  std::string interface;
  /// Empty: the interface's first IPv4 address.
  std::optional<address> server_address;
  address pool_first = address::from_octets(192, 0, 2, 100);
  address pool_last = address::from_octets(192, 0, 2, 200);
  /// Empty: the interface's netmask.
  std::optional<address> subnet_mask;
  std::vector<address> router;
  std::vector<address> dns;
  std::vector<address> ntp;
  std::uint32_t lease_time_s = 3600;
  /// Option 66; empty: "http://SERVER:HTTP_PORT/" when HTTP provisioning is
  /// on, else the server address.
  std::string tftp_server;
  /// Option 150; empty: the server address.
  std::vector<address> cisco_tftp;
  std::vector<std::uint8_t> always_send{1, 3, 6, 66, 150};
  std::vector<provisioning::dhcp::reservation> reservations;
  bool authoritative = true;
};

/// [provisioning]: phone files over TFTP and HTTP.
struct provisioning_settings {
  /// Port 0 disables (port 69 on a real box).
  net::endpoint tftp_listen{"127.0.0.1", 6969};
  /// Port 0 disables.
  net::endpoint http_listen{"127.0.0.1", 8082};
  /// The same files over HTTPS; port 0 (the default) disables (443 or 8443
  /// on a real box). Phone URLs say https:// when HTTP is off.
  net::endpoint https_listen{"127.0.0.1", 0};
  /// PEM files; empty: the box's certificate (sip.tls_certificate, else
  /// the self-signed one made in data_dir/tls/).
  std::string https_certificate;
  std::string https_private_key;
  /// Sources that may fetch per-device files (they carry secrets) without
  /// credentials; the DHCP subnet is added when DHCP is on.
  std::vector<ipv4_network> allow{*parse_ipv4_network("127.0.0.0/8")};
  /// Empty: sip.listen's host (the DHCP server address when that is
  /// 0.0.0.0).
  std::string registrar_host;
  /// Empty: the first [dhcp] ntp address, else none.
  std::string ntp_server;
  std::string timezone = "UTC";
  int utc_offset_minutes = 0;
};

/// `key = value` for keys under "dhcp." and "provisioning."; lists are
/// comma-separated, reservations "mac=M address=A" items.
std::optional<config_error>
apply_provisioning(settings& s, std::string_view key, std::string_view value);

/// Cross-checks: interface present when DHCP is on, the scope valid
/// (`dhcp::validate`), ports distinct from the other listeners.
std::optional<config_error> validate_provisioning(const settings& s);

/// The two sections as TOML.
std::string provisioning_to_toml(const settings& s);

/// The DHCP server's scope for `s`: the interface's address and mask fill
/// in what is not configured. Fails naming the key.
expected<provisioning::dhcp::server_config, config_error>
make_dhcp_config(const settings& s);

/// The base URL phones fetch files from ("http://HOST:PORT/"; with HTTP
/// off "https://HOST:PORT/" when HTTPS is on, else "tftp://HOST/"), for
/// `host`.
std::string provisioning_url(const settings& s, const std::string& host);

} // namespace ivm::app
