#pragma once

// The provisioning actor (issue 11): DHCP for phones, their files over TFTP
// and HTTP, firmware uploads and the /api/v1/dhcp and /api/v1/firmware
// admin resources. Sockets are opened by the runner (before anything is
// written); the pure cores decide, this actor persists, asks the directory
// and sends.

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/api/services.hpp"
#include "actors/api/storage_actor.hpp"
#include "appliance/common/expected.hpp"
#include "appliance/main/settings.hpp"
#include "appliance/main/settings_provisioning.hpp"
#include "appliance/net/dhcp_socket.hpp"
#include "appliance/net/tftp_server.hpp"
#include "provisioning/dhcp/lease.hpp"
#include "provisioning/dhcp/server_config.hpp"
#include "provisioning/phone/device_config.hpp"
#include "provisioning/phone/templates.hpp"

namespace ivm::metrics {
class registry;
} // namespace ivm::metrics

namespace ivm::actors {

/// The DHCP server's sockets on one interface.
struct dhcp_sockets {
  std::shared_ptr<net::dhcp_socket> server;
  /// Port 68 on the same interface, for the rogue-server probe (may be
  /// null: then only replies seen on port 67 reveal another server).
  std::shared_ptr<net::dhcp_socket> probe;
};

/// The DHCP sockets in use now (a scope changed at run time has new
/// ones), shared by the actor and whoever closes them at stop.
struct live_dhcp_sockets {
  std::mutex mtx;
  dhcp_sockets current;
};

/// Opens the DHCP sockets on an interface (or says why not).
using dhcp_sockets_opener =
    std::function<expected<dhcp_sockets, std::string>(const std::string&)>;

/// Everything the provisioning actor runs with.
struct provisioning_config {
  storage_actor storage;
  directory_actor directory;
  std::shared_ptr<metrics::registry> metrics;
  // -- DHCP (off when `dhcp` is empty) ---------------------------------------
  std::optional<provisioning::dhcp::server_config> dhcp;
  std::string dhcp_interface;
  /// Leases read from family `leases` at start.
  std::vector<provisioning::dhcp::lease> leases;
  std::shared_ptr<net::dhcp_socket> dhcp_socket;
  /// Port 68 on the same interface, for the rogue-server probe (may be
  /// null: then only replies seen on port 67 reveal another server).
  std::shared_ptr<net::dhcp_socket> probe_socket;
  /// The settings the scope came from ([dhcp] of the file, or the scope
  /// stored through the admin API, see `dhcp_from_store`), with the rest
  /// of the settings that the phones' files derive from.
  std::shared_ptr<const app::settings> settings;
  bool dhcp_from_store = false;
  /// The [dhcp] section of the file (DELETE /api/v1/dhcp returns to it).
  std::optional<app::dhcp_settings> file_dhcp;
  /// Why the configured scope is not served (shown by GET /api/v1/dhcp).
  std::optional<std::string> dhcp_error;
  /// Opens the sockets for a scope changed at run time.
  dhcp_sockets_opener open_dhcp;
  std::shared_ptr<live_dhcp_sockets> live_dhcp =
      std::make_shared<live_dhcp_sockets>();
  // -- files ------------------------------------------------------------------
  std::shared_ptr<net::tftp_server> tftp;
  std::shared_ptr<net::http_server> http;
  /// The same files over HTTPS (may be null).
  std::shared_ptr<net::http_server> https;
  /// Replaced whole when the admin changes a template (/api/v1/templates).
  std::shared_ptr<const provisioning::phone::templates> templates;
  /// The admin's overrides, `<vendor>-<kind>.tmpl` (data_dir/templates,
  /// made at the first override).
  std::filesystem::path templates_dir;
  /// The box-wide fields of every rendered file (domain, registrar, NTP,
  /// time zone, provisioning URL).
  provisioning::phone::device_config box;
  std::vector<app::ipv4_network> allow;
  std::filesystem::path firmware_dir;
  /// Signs HTTP Digest nonces (data_dir/nonce-secret).
  std::string nonce_secret;
};

/// A datagram from the DHCP server socket (port 67) or the probe socket.
struct dhcp_input {
  net::dhcp_datagram datagram;
  bool probe = false;
};

/// A TFTP read request to resolve, with its answer function.
struct tftp_lookup {
  net::tftp_request_info info;
  net::tftp_answer answer;
};

/// An admin API request (bearer token already checked).
struct provisioning_admin_request {
  http_exchange ex;
};

/// Site settings changed through the admin API that the phones' files
/// take at once (PATCH /api/v1/settings).
struct site_change {
  std::string time_zone;
  int utc_offset_minutes = 0;
};

/// Who is told of such changes (set by the engine once the provisioning
/// actor runs; empty before).
struct site_hooks {
  std::function<void(const site_change&)> changed;
};

using provisioning_actor = caf::typed_actor<
    caf::reacts_to<atoms::dhcp_atom, dhcp_input>,
    caf::reacts_to<atoms::tftp_atom, tftp_lookup>,
    // Phone files over HTTP.
    caf::reacts_to<atoms::http_atom, http_exchange>,
    caf::reacts_to<atoms::http_atom, provisioning_admin_request>,
    caf::reacts_to<caf::put_atom, site_change>>;

/// Spawns the actor and starts its sockets' handlers.
provisioning_actor spawn_provisioning(caf::actor_system& sys,
                                      provisioning_config cfg);

/// Closes the sockets of `cfg` (at stop, before the actor exits).
void close_provisioning_sockets(provisioning_config& cfg);

} // namespace ivm::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::dhcp_input)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::tftp_lookup)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::provisioning_admin_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::site_change)
