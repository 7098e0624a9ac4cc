#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/api/admin_actor.hpp"
#include "actors/api/services.hpp"
#include "actors/api/storage_actor.hpp"
#include "appliance/auth/admin_accounts.hpp"

namespace ivm::metrics {
class registry;
} // namespace ivm::metrics

namespace ivm::actors {

struct admin_context {
  storage_actor storage;
  /// Users and groups (`/api/v1/...`).
  directory_actor directory;
  /// Phone provisioning's admin resources (/api/v1/dhcp, /api/v1/firmware):
  /// hands the request on; empty when provisioning is off.
  std::function<void(http_exchange)> provisioning;
  /// Legacy phones' admin resources (/api/v1/gateways, /api/v1/stations):
  /// hands the request to the MGCP call agent; empty when MGCP is off.
  std::function<void(http_exchange)> legacy;
  /// GET and PATCH /api/v1/settings (site name, domain, address, time
  /// zone); empty: 404.
  std::function<net::http_response(const net::http_request&)> settings;
  /// Bearer token of `/api/v1/...` (`/health` and `/metrics` stay open).
  std::string token;
  /// Admin accounts (family meta, "admin/NAME"), read at start; they sign
  /// in for a session token (POST /api/v1/session).
  std::vector<auth::admin_account> admins;
  std::shared_ptr<metrics::registry> metrics;
  /// The data dir (its file system's free space is watched).
  std::filesystem::path data_dir;
  std::chrono::steady_clock::time_point started =
      std::chrono::steady_clock::now();
};

admin_actor spawn_admin(caf::actor_system& sys, admin_context ctx);

} // namespace ivm::actors
