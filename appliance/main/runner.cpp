#include "appliance/main/runner.hpp"
#include "appliance/voice/crypto.hpp"
#include <ctime>
#include <sys/stat.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/engine/engine_actor.hpp"
#include "actors/voice/session_actor.hpp"
#include "appliance/auth/admin_accounts.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/main/admin_token.hpp"
#include "appliance/main/box_certificate.hpp"
#include "appliance/main/runner_provisioning.hpp"
#include "appliance/main/site_api.hpp"
#include "appliance/net/http_server.hpp"
#include "appliance/net/io_pool.hpp"
#include "appliance/net/tcp_server.hpp"
#include "appliance/net/tls_context.hpp"
#include "appliance/net/udp_socket.hpp"
#include "ivm/version.hpp"
#include "storage/records/legacy.hpp"
#include "storage/store.hpp"

namespace ivm::app {

int run(const settings& cfg, const site_values& site,
        const sigset_t& stop_signals) {
  auto log = log::get("main");
  auto fail = [&](const std::string& what) {
    log->critical("{}", what);
    return 1;
  };
  net::io_pool io{1};
  // Bind every socket first: a port in use must fail before anything is
  // written to the data dir.
  auto sip_udp = net::udp_socket::open(io, cfg.sip.listen);
  if (!sip_udp)
    return fail("sip.listen: " + sip_udp.error());
  net::tcp_limits tcp_limits;
  tcp_limits.max_per_source = cfg.sip.max_tcp_per_source;
  tcp_limits.idle_timeout = cfg.sip.tcp_idle_timeout;
  auto sip_tcp = net::tcp_server::open(io, cfg.sip.listen, tcp_limits);
  if (!sip_tcp)
    return fail("sip.listen: " + sip_tcp.error());
  std::unique_ptr<net::tcp_server> sip_tls;
  if (cfg.sip.tls_listen.port != 0) {
    auto opened = net::tcp_server::open(io, cfg.sip.tls_listen, tcp_limits);
    if (!opened)
      return fail("sip.tls_listen: " + opened.error());
    sip_tls = std::move(*opened);
  }
  // Firmware uploads (PUT /api/v1/firmware/NAME) are the largest bodies.
  net::http_limits admin_limits;
  admin_limits.body_limit = std::size_t{128} << 20;
  auto http = net::http_server::open(io, cfg.admin.listen, admin_limits);
  if (!http)
    return fail("admin.listen: " + http.error());
  // Legacy phones: the MGCP call agent's socket (port 0: off).
  std::shared_ptr<net::udp_socket> mgcp_udp;
  if (cfg.mgcp.listen.port != 0) {
    auto opened = net::udp_socket::open(io, cfg.mgcp.listen, 1 << 20);
    if (!opened)
      return fail("mgcp.listen: " + opened.error());
    mgcp_udp = std::move(*opened);
  }
  // ... and the H.248 controller's (issue 16).
  std::shared_ptr<net::udp_socket> megaco_udp;
  if (cfg.megaco.listen.port != 0) {
    auto opened = net::udp_socket::open(io, cfg.megaco.listen, 1 << 20);
    if (!opened)
      return fail("megaco.listen: " + opened.error());
    megaco_udp = std::move(*opened);
  }
  // Phone provisioning: DHCP, TFTP and HTTP sockets, template overrides.
  auto prov = open_provisioning(io, cfg);
  if (!prov)
    return fail(prov.error());
  // A configured certificate must load before anything is written.
  std::shared_ptr<net::tls_context> tls;
  if (sip_tls && !cfg.sip.tls_certificate.empty()) {
    auto loaded = net::tls_context::load(cfg.sip.tls_certificate,
                                         cfg.sip.tls_private_key);
    if (!loaded)
      return fail("sip.tls_certificate: " + loaded.error());
    tls = *loaded;
  }
  // Everything the box writes is private to its account: the database (its
  // WAL holds queued message texts, its accounts the digest HA1s, which
  // log in as the user), secrets, recordings. A new data dir is made 0700.
  ::umask(077);
  {
    std::error_code ec;
    if (std::filesystem::create_directories(cfg.data_dir, ec))
      std::filesystem::permissions(cfg.data_dir,
                                   std::filesystem::perms::owner_all, ec);
    if (ec)
      return fail("data_dir: " + ec.message());
  }
  // Open the database.
  auto db = storage::open_rocksdb(cfg.data_dir);
  if (!db)
    return fail("data_dir: " + db.error().message);
  log->info("ivm-appliance {} starting; data dir {}", IVM_VERSION_STRING,
            cfg.data_dir.string());
  if (sip_tls && !tls) {
    // No certificate configured: a self-signed one, made at first start.
    auto cert = cfg.data_dir / "tls" / "sip-cert.pem";
    auto key = cfg.data_dir / "tls" / "sip-key.pem";
    auto made = net::ensure_self_signed(cert, key, cfg.domain);
    if (!made)
      return fail("sip.tls_certificate: " + made.error());
    if (*made)
      log->info("generated a self-signed TLS certificate for {} in {}",
                cfg.domain, cert.string());
    auto loaded = net::tls_context::load(cert, key);
    if (!loaded)
      return fail("sip.tls_certificate: " + loaded.error());
    tls = *loaded;
  }
  if (tls) {
    log->info("TLS certificate SHA-256 {}", tls->fingerprint());
    sip_tls->enable_tls(tls);
  }
  if (*prov)
    if (auto err = enable_provisioning_https(**prov, cfg, tls))
      return fail(*err);
  // Off loopback the admin API speaks only HTTPS: passwords and tokens
  // never cross the LAN in clear.
  if (!is_loopback_host(cfg.admin.listen.host)) {
    auto admin_tls = box_certificate(cfg, tls);
    if (!admin_tls)
      return fail("admin.listen: " + admin_tls.error());
    (*http)->enable_tls(*admin_tls);
    log->info("admin API over HTTPS on {} (certificate SHA-256 {})",
              net::to_string(cfg.admin.listen), (*admin_tls)->fingerprint());
  }
  io.start();
  caf::actor_system_config sys_cfg;
  sys_cfg.set("scheduler.max-threads", 2);
  // CAF's idle workers poll 100 times, then 500 times with 50 us sleeps
  // (~25 ms of wake-ups) before blocking on a condition variable that new
  // work from the I/O thread signals anyway. On a 2-core box that polling
  // costs more CPU than the SIP work at low rates: an idle worker goes
  // straight to the condition variable. 500 MESSAGE/s relayed (scripts/bench
  // soak): 1.22 ms of CPU per message, against 1.45 ms with 50 + 10 polls
  // (docs/benchmarks.md, "Memory per registered user and soak").
  sys_cfg.set("work-stealing.aggressive-poll-attempts", 1);
  sys_cfg.set("work-stealing.moderate-poll-attempts", 0);
  caf::actor_system sys{sys_cfg};
  actors::engine_resources res;
  res.store = std::shared_ptr<storage::store>(std::move(*db));
  res.storage_max_batch = cfg.storage.max_batch;
  // Users and groups, read before the store goes to the storage actor.
  // The box key: seals voice messages and the phones' SIP passwords.
  auto voice_key =
      voice::load_or_create_master_key((cfg.data_dir / "voice.key").string());
  if (!voice_key)
    return fail("data_dir: " + voice_key.error());
  res.voice_master_key = std::move(*voice_key);
  res.users =
      actors::load_directory(*res.store, cfg.domain, res.voice_master_key);
  res.directory_settings.waiting =
      actors::users_with_messages(*res.store, *res.users);
  // Admin accounts, read before the store goes to the storage actor.
  if (auto bad = storage::scan_all(
          *res.store, storage::family::meta,
          std::string{auth::admin_key_prefix},
          [&](const std::string& key, const std::string& value) {
            if (auto a = auth::decode_admin(value))
              res.admins.push_back(std::move(*a));
            else
              log->warn("stored admin account {} skipped: {}", key, a.error());
          }))
    return fail("admin accounts: " + bad->message);
  // Media gateways, PBX links and stations, read before the store goes to
  // the storage actor. The call agent runs even with both listeners off:
  // it holds the PBX links (issue 17), which need no UDP socket.
  {
    actors::mgcp_agent_config mc;
    mc.socket = mgcp_udp;
    mc.megaco_socket = megaco_udp;
    mc.megaco_accept_unknown = cfg.megaco.accept_unknown;
    mc.io = &io;
    mc.accept_unknown = cfg.mgcp.accept_unknown;
    mc.audit_every = std::chrono::seconds{cfg.mgcp.audit_interval_s};
    mc.max_retransmissions = cfg.mgcp.max_retransmissions;
    if (auto bad = storage::scan_all(
            *res.store, storage::family::devices,
            storage::records::media_gateway_prefix(),
            [&](const std::string& key, const std::string& value) {
              if (auto g = storage::records::decode_media_gateway(value))
                mc.gateways.push_back(std::move(*g));
              else
                log->warn("stored gateway {} skipped", key);
            }))
      return fail("gateways: " + bad->message);
    if (auto bad = storage::scan_all(
            *res.store, storage::family::devices,
            storage::records::station_prefix(),
            [&](const std::string& key, const std::string& value) {
              if (auto s = storage::records::decode_station(value))
                mc.stations.push_back(std::move(*s));
              else
                log->warn("stored station {} skipped", key);
            }))
      return fail("stations: " + bad->message);
    res.mgcp = std::move(mc);
  }
  // DHCP leases, read before the store goes to the storage actor.
  if (*prov) {
    if (auto err = load_stored_leases(*res.store, **prov))
      return fail(*err);
  }
  auto& dcfg = res.directory_settings;
  dcfg.box_key = res.voice_master_key;
  dcfg.max_message_body = cfg.messaging.max_body;
  dcfg.auth.algorithms.clear();
  for (auto& a : cfg.auth.algorithms)
    dcfg.auth.algorithms.push_back(a == "MD5" ? sip::digest::algorithm::md5
                                              : sip::digest::algorithm::sha256);
  dcfg.auth.md5_only_agents = cfg.auth.md5_only_user_agents;
  dcfg.auth.limits.max_failures = cfg.auth.max_failures;
  dcfg.auth.limits.window = cfg.auth.window;
  dcfg.auth.limits.ban = cfg.auth.ban;
  dcfg.clients = std::make_shared<actors::client_config>();
  dcfg.clients->registrar.min_expires = cfg.registrar.min_expires;
  dcfg.clients->registrar.max_expires = cfg.registrar.max_expires;
  dcfg.clients->registrar.default_expires = cfg.registrar.default_expires;
  dcfg.clients->fork_timeout = cfg.messaging.fork_timeout;
  dcfg.clients->max_attempts = cfg.messaging.max_attempts;
  dcfg.clients->max_age = cfg.messaging.max_age;
  dcfg.clients->idle_timeout = cfg.messaging.client_idle;
  if (auto err = dcfg.clients->zone->set(cfg.provisioning.timezone);
      !err.empty())
    log->warn("provisioning.timezone: {}; call rules use UTC", err);
  dcfg.leaves_per_second = cfg.messaging.client_leaves_per_s;
  // The directory is further down the path (socket, transport, router
  // shard, directory): it allows twice what a shard allows before refusing.
  dcfg.max_queue_delay = 2 * cfg.sip.max_queue_delay;
  auto nonce_secret = ensure_secret(cfg.data_dir, "nonce-secret", 32);
  if (!nonce_secret)
    return fail("data_dir: " + nonce_secret.error());
  dcfg.auth.nonce_secret = nonce_secret->token;
  if (*prov) {
    (*prov)->nonce_secret = nonce_secret->token;
    res.provisioning = std::move(*prov);
  }
  // The admin API's bearer token, and where ivmctl finds it.
  res.io = &io;
  res.rtp_port_min = cfg.voice.rtp_port_min;
  res.rtp_port_max = cfg.voice.rtp_port_max;
  res.voice_max_length = cfg.voice.max_length;
  res.voice_silence_timeout = cfg.voice.silence_timeout;
  res.voice_intercom_answer = cfg.voice.intercom_answer;
  res.voice_language = cfg.voice.language;
  res.mail = cfg.mail;
  auto token = ensure_admin_token(cfg.data_dir);
  if (!token)
    return fail("data_dir: " + token.error());
  if (token->created)
    log->info("admin API token (also in {}): {}",
              (cfg.data_dir / "admin-token").string(), token->token);
  res.admin_token = token->token;
  res.data_dir = cfg.data_dir;
  res.site_listeners = std::make_shared<actors::site_hooks>();
  auto site_api = std::make_shared<app::site_api>(
      cfg, site, cfg.data_dir / std::string{site_file_name},
      res.site_listeners);
  res.site_api = [site_api](const net::http_request& req) {
    return site_api->handle(req);
  };
  res.admin_http = std::shared_ptr<net::http_server>(std::move(*http));
  auto url = std::string{is_loopback_host(cfg.admin.listen.host) ? "http://"
                                                                 : "https://"} +
             net::to_string(res.admin_http->local_endpoint());
  if (auto err = write_admin_json(cfg.data_dir, url, res.admin_token))
    log->warn("cannot write admin.json: {}", *err);
  res.metrics = std::make_shared<metrics::registry>();
  // Queue depth and the oldest waiting message, as the client actors
  // report them (the monitoring's gauges).
  res.metrics->make_level(actors::voice_sessions_metric,
                          actors::voice_sessions_help);
  auto queues = dcfg.clients->queues;
  res.metrics->make_gauge("ivm_messages_waiting",
                          "Text messages waiting in the users' queues.",
                          [queues] { return double(queues->waiting()); });
  res.metrics->make_gauge(
      "ivm_oldest_waiting_message_age_seconds",
      "Age of the oldest text message waiting for delivery (0: none).",
      [queues] {
        auto oldest = queues->oldest_s();
        auto now = static_cast<std::uint64_t>(std::time(nullptr));
        return oldest == 0 || oldest > now ? 0.0 : double(now - oldest);
      });
  res.sip_udp = std::shared_ptr<net::udp_socket>(std::move(*sip_udp));
  res.sip_tcp = std::shared_ptr<net::tcp_server>(std::move(*sip_tcp));
  res.sip_tls = std::shared_ptr<net::tcp_server>(std::move(sip_tls));
  res.sip_limits.max_message_size = cfg.sip.max_message_size;
  res.sip_max_pending = cfg.sip.max_pending;
  res.sip_max_queue_delay = cfg.sip.max_queue_delay;
  res.sip_limits.max_headers = cfg.sip.max_headers;
  res.sip_timers.t1 = cfg.sip.t1;
  res.sip_timers.t2 = cfg.sip.t2;
  res.sip_timers.t4 = cfg.sip.t4;
  res.sip_uas.domain = cfg.domain;
  res.sip_uas.local_hosts = {cfg.sip.listen.host, "localhost"};
  res.sip_uas.server = std::string{"ivm-appliance/"} + IVM_VERSION_STRING;
  auto engine = actors::spawn_engine(sys, res);
  int code = 0;
  {
    caf::scoped_actor self{sys};
    self->request(engine, caf::infinite, atoms::start_atom::value)
        .receive([](caf::ok_atom) {},
                 [&](const caf::error& err) {
                   code = fail("start failed: " + sys.render(err));
                 });
    if (code == 0) {
      log->info("ready");
      int sig = 0;
      sigwait(&stop_signals, &sig);
      log->info("received {}, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    }
    self->request(engine, caf::infinite, atoms::stop_atom::value)
        .receive([](caf::ok_atom) {},
                 [&](const caf::error& err) {
                   code = fail("stop failed: " + sys.render(err));
                 });
    self->send_exit(engine, caf::exit_reason::user_shutdown);
  }
  engine = nullptr;
  res = actors::engine_resources{};
  sys.await_all_actors_done();
  io.stop();
  log->info("stopped");
  return code;
}

} // namespace ivm::app
