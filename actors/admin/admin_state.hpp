#pragma once

// Internal to the admin actor's units.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/admin/admin_actor.hpp"
#include "appliance/auth/admin_accounts.hpp"
#include "appliance/auth/login_throttle.hpp"
#include "appliance/auth/sessions.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/monitor/alerts.hpp"
#include "appliance/net/http_server.hpp"

namespace ivm::actors::admin {

using json = nlohmann::json;

struct admin_state {
  admin_context ctx;
  /// Admin accounts by name.
  std::map<std::string, auth::admin_account> admins;
  auth::login_throttle throttle;
  auth::session_table sessions;
  /// Hashes and checks passwords off this actor (scrypt takes ~0.1 s).
  caf::actor hasher;
  /// Password checks under way (bounded: a flood gets 503).
  std::size_t checking = 0;
  /// Compared against when the account does not exist (same time).
  std::string dummy_hash;
  // -- monitoring (monitor.cpp)
  // ------------------------------------------------
  std::vector<std::shared_ptr<net::http_stream>> subscribers;
  bool ticking = false;
  monitor::alert_book alerts;
  /// Registered bindings at the last count (every 10 s while watched).
  std::int64_t registered = -1;
  std::chrono::steady_clock::time_point counted{};
  /// The last log line sent to the subscribers.
  std::string last_log;
  metrics::counter* sign_in_failures = nullptr;
  std::shared_ptr<spdlog::logger> log = log::get("admin");
  static inline const char* name = "admin";
};

using pointer = admin_actor::stateful_pointer<admin_state>;

net::http_response json_response(int status, const json& body);
net::http_response error_response(int status, const std::string& why);

// -- accounts.cpp
// ---------------------------------------------------------------

/// Loads the accounts of the context and starts the hasher.
void init_accounts(pointer self);

/// Who is asking: "token" for the bearer token of admin.json, the account
/// name for a session token, nullopt for nobody.
std::optional<std::string> authorized(pointer self,
                                      const net::http_request& req);

/// /api/v1/session and /api/v1/admins. Returns false when `path` is not
/// one of them. `who` is the caller (nullopt: not signed in).
bool on_accounts(pointer self, http_exchange& ex, const std::string& path,
                 const std::optional<std::string>& who);

/// /api/v1/settings: signed in, or from loopback while the box has no admin
/// account yet (first boot: the same who may make the first account).
/// Returns false when the caller may not (then the usual 401).
bool on_settings(pointer self, http_exchange& ex,
                 const std::optional<std::string>& who);

// -- monitor.cpp
// ------------------------------------------------------------------

/// /api/v1/events, /api/v1/stats, /api/v1/alerts, /api/v1/log (signed in).
/// Returns false when `path` is none of them.
bool on_monitor(pointer self, http_exchange& ex, const std::string& path);

void add_subscriber(pointer self, event_subscriber s);

void on_tick(pointer self);

} // namespace ivm::actors::admin
