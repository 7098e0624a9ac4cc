#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>

#include <caf/fwd.hpp>

#include "actors/api/engine_actor.hpp"
#include "actors/directory/directory_actor.hpp"
#include "actors/mgcp/mgcp_actors.hpp"
#include "actors/provisioning/provisioning_actor.hpp"
#include "appliance/auth/admin_accounts.hpp"
#include "appliance/directory/directory.hpp"
#include "appliance/mail/mail.hpp"
#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/parser.hpp"
#include "appliance/sip/transaction/timer.hpp"

namespace ivm::metrics {
class registry;
} // namespace ivm::metrics

namespace ivm::net {
class http_server;
class tcp_server;
class udp_socket;
} // namespace ivm::net

namespace ivm::actors {

/// What the engine starts: resources opened (and checked) by main before
/// any actor runs, so that a bad configuration fails before anything is
/// written.
struct engine_resources {
  std::shared_ptr<storage::store> store;
  std::size_t storage_max_batch = 1024;
  std::shared_ptr<net::http_server> admin_http;
  std::shared_ptr<metrics::registry> metrics;
  // SIP: sockets bound on sip.listen (UDP and TCP) and sip.tls_listen.
  std::shared_ptr<net::udp_socket> sip_udp;
  std::shared_ptr<net::tcp_server> sip_tcp;
  std::shared_ptr<net::tcp_server> sip_tls;
  sip::parse_options sip_limits;
  sip::timer_config sip_timers;
  sip::core::uas_config sip_uas;
  std::size_t sip_shards = 2;
  std::size_t sip_max_pending = 5000;
  std::chrono::milliseconds sip_max_queue_delay{300};
  // Users, registrar, messaging: the directory as read at start, and the
  // settings of the directory and client actors (storage, routers and
  // addresses are filled in by the engine).
  std::optional<directory::directory> users;
  directory_config directory_settings;
  /// The key that wraps every voice message's key (data_dir/voice.key).
  std::string voice_master_key;
  /// Recordings from phones (voice_config without the handles).
  net::io_pool* io = nullptr;
  std::uint16_t rtp_port_min = 20000;
  std::uint16_t rtp_port_max = 20999;
  std::chrono::seconds voice_max_length{120};
  std::chrono::seconds voice_silence_timeout{10};
  std::chrono::seconds voice_intercom_answer{8};
  std::string voice_language = "en";
  /// Voicemail by e-mail (issue 18): off while the host is empty.
  mail::smtp_settings mail;
  /// Bearer token of the admin API.
  std::string admin_token;
  /// The data dir (the admin API watches its free space).
  std::filesystem::path data_dir;
  /// Admin accounts read at start (they sign in to the admin API).
  std::vector<auth::admin_account> admins;
  /// Phone provisioning (issue 11): sockets bound, leases loaded; storage,
  /// directory and metrics are filled in by the engine.
  std::optional<provisioning_config> provisioning;
  /// Legacy phones behind MGCP gateways (issue 15): the socket bound, the
  /// gateways and stations read; storage and voice are filled in.
  std::optional<mgcp_agent_config> mgcp;
  /// GET/PATCH /api/v1/settings (the runner's site settings), and who it
  /// tells of changes the phones' files take at once.
  std::function<net::http_response(const net::http_request&)> site_api;
  std::shared_ptr<site_hooks> site_listeners;
};

engine_actor spawn_engine(caf::actor_system& sys, engine_resources res);

} // namespace ivm::actors
