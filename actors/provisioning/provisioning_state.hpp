#pragma once

// Internal to the provisioning actor's units.

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/provisioning/dhcp_engine.hpp"
#include "actors/provisioning/provisioning_actor.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/sip/digest/nonce_issuer.hpp"
#include "provisioning/dhcp/server.hpp"
#include "provisioning/phone/file_request.hpp"

namespace ivm::actors::prov {

struct dhcp_counters {
  metrics::counter* received = nullptr;
  metrics::counter* malformed = nullptr;
  metrics::counter* replies = nullptr;
  metrics::counter* send_errors = nullptr;
  metrics::counter* write_errors = nullptr;
  metrics::counter* rogue = nullptr;
  std::map<std::string, metrics::counter*> outcomes;
};

struct state {
  provisioning_config cfg;
  std::optional<dhcp_engine> dhcp;
  provisioning::mac_address probe_mac;
  /// MAC -> when its last DHCP sighting went to the directory.
  std::map<std::string, std::chrono::steady_clock::time_point> sighted;
  std::set<std::string> rogue_servers;
  dhcp_counters counters;
  /// Phone file requests (the Monitor page's file rate).
  metrics::counter* tftp_requests = nullptr;
  metrics::counter* http_requests = nullptr;
  std::unique_ptr<sip::digest::nonce_issuer> nonces;
  /// cfg.allow, plus the DHCP subnet while DHCP serves.
  std::vector<app::ipv4_network> allow;
  /// A PUT/PATCH/DELETE of /api/v1/dhcp waits for its write.
  bool scope_change_pending = false;
  std::shared_ptr<spdlog::logger> log = log::get("provisioning");
  static inline const char* name = "provisioning";
};

using pointer = provisioning_actor::stateful_pointer<state>;

// -- provisioning_actor.cpp ---------------------------------------------------

/// Tells the directory about a phone.
void sighting(pointer self, device_sighting s);

/// Serves DHCP with cfg.dhcp on cfg.dhcp_socket (nothing if either is
/// empty), with the leases in cfg.leases.
void start_dhcp(pointer self);

/// Stops serving DHCP: closes the sockets, keeps the leases in cfg.leases.
void stop_dhcp(pointer self);

// -- dhcp_scope.cpp
// ------------------------------------------------------------

/// PUT, PATCH and DELETE of /api/v1/dhcp: a new scope, checked, stored,
/// then served.
void on_dhcp_scope(pointer self, http_exchange& ex);

// -- files.cpp: shared with templates_api.cpp
// ----------------------------------

/// A MAC as the directory keys it (12 lower-case hex digits).
std::string mac_key(const provisioning::mac_address& mac);

/// The box's fields (domain, registrar, NTP, time zone, URL) over `cfg`, as
/// every served file has them.
provisioning::phone::device_config
with_box(const state& st, provisioning::phone::device_config cfg);

/// The time zone changed (dhcp_scope.cpp): the phones' files take it.
void on_site_change(pointer self, const site_change& c);

// -- files.cpp ----------------------------------------------------------------

void on_tftp(pointer self, tftp_lookup& req);

void on_http_file(pointer self, http_exchange& ex);

// -- admin_api.cpp ------------------------------------------------------------

void on_admin(pointer self, http_exchange& ex);

// -- templates_api.cpp --------------------------------------------------------

/// GET /api/v1/devices/{mac}/files: the files the phone fetches, with its
/// secrets masked.
void on_device_files(pointer self, http_exchange& ex, std::string_view mac);

/// /api/v1/templates[/{vendor}-{kind}]: list, GET, PUT (an override), DELETE.
void on_templates(pointer self, http_exchange& ex, std::string_view rest);

/// GET /api/v1/dhcp: the scope, where it comes from, leases, rogues.
net::http_response dhcp_view_response(const state& st);

} // namespace ivm::actors::prov
