#include "actors/engine/engine_actor.hpp"
#include "actors/voice/voice_actor.hpp"

#include <atomic>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/admin/admin_actor.hpp"
#include "actors/api/overload.hpp"
#include "actors/mail/mail_actor.hpp"
#include "actors/sip/outbound.hpp"
#include "actors/sip/router_actor.hpp"
#include "actors/sip/transport_actor.hpp"
#include "actors/storage/storage_actor.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/net/http_server.hpp"
#include "appliance/net/tcp_server.hpp"
#include "appliance/net/udp_socket.hpp"

namespace ivm::actors {

namespace {

struct engine_state {
  engine_resources res;
  storage_actor storage;
  admin_actor admin;
  directory_actor directory;
  provisioning_actor provisioning;
  caf::actor mgcp; ///< the MGCP call agent, if mgcp.listen is on
  std::vector<sip_router_actor> sip_routers;
  std::vector<sip_transport_actor> sip_transports;
  bool started = false;
  bool stopping = false;
  std::shared_ptr<spdlog::logger> log = log::get("engine");
  static inline const char* name = "engine";
};

using pointer = engine_actor::stateful_pointer<engine_state>;

template <class Server>
void start_stream(pointer self, Server& server, sip_transport_kind kind,
                  const std::shared_ptr<sip_outbound>& out) {
  auto& st = self->state;
  sip_transport_config tc{kind, st.res.sip_limits, st.sip_routers,
                          out,  st.res.metrics,    st.res.sip_uas.server};
  auto inflight = tc.inflight;
  auto* overload = &sip_overload_counter(*st.res.metrics);
  auto tr = spawn_sip_transport(self->system(), std::move(tc));
  st.sip_transports.push_back(tr);
  net::tcp_handlers h;
  h.on_open = [tr](net::conn_id id, net::endpoint remote) {
    caf::anon_send(tr, atoms::conn_atom::value, id, std::move(remote));
  };
  auto* srv = &server;
  h.on_data = [tr, inflight, overload, srv](net::conn_id id,
                                            std::string bytes) {
    if (inflight->load() >= max_inflight) {
      overload->inc();
      srv->close(id); // a stream cannot skip bytes: give up the connection
      return;
    }
    ++*inflight;
    caf::anon_send(tr, atoms::conn_atom::value, id, std::move(bytes));
  };
  h.on_close = [tr](net::conn_id id, std::string) {
    caf::anon_send(tr, caf::close_atom::value, id);
  };
  server.start(std::move(h));
  st.log->info("SIP {} listening on {}", to_string(kind),
               net::to_string(server.local_endpoint()));
}

void start_sip(pointer self) {
  auto& st = self->state;
  if (!st.res.sip_udp && !st.res.sip_tcp && !st.res.sip_tls)
    return;
  auto out = std::make_shared<sip_outbound>(st.res.sip_udp, st.res.sip_tcp,
                                            st.res.sip_tls);
  // The directory and the routers know each other: spawn the directory with
  // its (shared, still empty) router list, then fill it in before any
  // socket delivers traffic.
  std::shared_ptr<client_config> clients;
  caf::actor voice;
  if (st.res.users) {
    auto dcfg = st.res.directory_settings;
    clients = dcfg.clients ? dcfg.clients : std::make_shared<client_config>();
    dcfg.clients = clients;
    clients->storage = st.storage;
    clients->metrics = st.res.metrics;
    clients->domain = st.res.users->realm();
    clients->server = st.res.sip_uas.server;
    if (st.res.sip_udp)
      clients->udp_self = st.res.sip_udp->local_endpoint();
    if (st.res.sip_tcp)
      clients->tcp_self = st.res.sip_tcp->local_endpoint();
    if (st.res.sip_tls)
      clients->tls_self = st.res.sip_tls->local_endpoint();
    if (!st.res.voice_master_key.empty()) {
      voice_config vc;
      vc.storage = st.storage;
      vc.master_key = st.res.voice_master_key;
      vc.domain = st.res.users->realm();
      vc.io = st.res.io;
      if (st.res.sip_udp)
        vc.media_host = st.res.sip_udp->local_endpoint().host;
      vc.rtp_port_min = st.res.rtp_port_min;
      vc.rtp_port_max = st.res.rtp_port_max;
      vc.max_length = st.res.voice_max_length;
      vc.silence_timeout = st.res.voice_silence_timeout;
      vc.intercom_answer = st.res.voice_intercom_answer;
      vc.language = st.res.voice_language;
      vc.clients = clients;
      if (st.res.mail.enabled()) {
        mail_config mc;
        mc.smtp = st.res.mail;
        mc.storage = st.storage;
        mc.master_key = st.res.voice_master_key;
        mc.domain = st.res.users->realm();
        mc.clients = clients;
        vc.mail = spawn_mail(self->system(), std::move(mc));
        st.log->info("voicemail by e-mail through {}:{}", st.res.mail.host,
                     st.res.mail.port);
      }
      dcfg.voice = spawn_voice(self->system(), std::move(vc));
      clients->voice = caf::actor_cast<caf::actor_addr>(dcfg.voice);
      voice = dcfg.voice;
    }
    if (st.res.mgcp) {
      auto mc = std::move(*st.res.mgcp);
      st.res.mgcp.reset();
      mc.storage = st.storage;
      mc.voice = voice;
      mc.clients = clients;
      st.mgcp = spawn_mgcp_call_agent(self->system(), std::move(mc));
      dcfg.legacy = st.mgcp;
      clients->legacy = st.mgcp;
    }
    st.directory = spawn_directory(self->system(), std::move(dcfg),
                                   std::move(*st.res.users));
    if (st.mgcp)
      caf::anon_send(st.mgcp, atoms::start_atom::value, st.directory);
    st.res.users.reset();
    clients->directory = st.directory;
  }
  sip_router_config rc;
  rc.uas = st.res.sip_uas;
  rc.uas.directory = static_cast<bool>(st.directory);
  rc.max_pending = st.res.sip_max_pending;
  rc.max_queue_delay = st.res.sip_max_queue_delay;
  rc.directory = st.directory;
  rc.timers = st.res.sip_timers;
  rc.out = out;
  rc.metrics = st.res.metrics;
  if (st.res.sip_udp) {
    rc.self.emplace_back("UDP", st.res.sip_udp->local_endpoint());
    rc.udp_self = st.res.sip_udp->local_endpoint();
  }
  if (st.res.sip_tcp) {
    rc.self.emplace_back("TCP", st.res.sip_tcp->local_endpoint());
    rc.tcp_self = st.res.sip_tcp->local_endpoint();
  }
  if (st.res.sip_tls) {
    rc.self.emplace_back("TLS", st.res.sip_tls->local_endpoint());
    rc.tls_self = st.res.sip_tls->local_endpoint();
  }
  for (std::size_t i = 0; i < std::max<std::size_t>(1, st.res.sip_shards); ++i)
    st.sip_routers.push_back(spawn_sip_router(self->system(), rc));
  if (clients)
    clients->routers = st.sip_routers;
  // Recordings a stop interrupted are stored now that SIP can tell the
  // recipients.
  if (voice)
    caf::anon_send(voice, atoms::resume_atom::value);
  if (st.res.sip_udp) {
    sip_transport_config tc{sip_transport_kind::udp, st.res.sip_limits,
                            st.sip_routers,          out,
                            st.res.metrics,          st.res.sip_uas.server};
    tc.max_queue_delay = st.res.sip_max_queue_delay;
    auto inflight = tc.inflight;
    auto* overload = &sip_overload_counter(*st.res.metrics);
    // Parsing is the heavy part: one transport actor per core, taken in
    // turn (a PBX or trunk sends everything from one address, so hashing by
    // sender would not spread it). Each Call-ID still lands on one router
    // shard; two datagrams of a sender microseconds apart may swap, which
    // SIP tolerates (a UA sends CANCEL only after its INVITE got a 100).
    std::vector<sip_transport_actor> parsers;
    for (std::size_t i = 0; i < std::max<std::size_t>(1, st.res.sip_shards);
         ++i) {
      auto tr = spawn_sip_transport(self->system(), tc);
      st.sip_transports.push_back(tr);
      parsers.push_back(tr);
    }
    auto turn = std::make_shared<std::atomic<std::size_t>>(0);
    st.res.sip_udp->start([parsers, inflight, overload,
                           turn](std::string payload, net::endpoint from) {
      if (inflight->load() >= max_inflight) {
        overload->inc(); // as a full socket buffer would: the UAC retransmits
        return;
      }
      ++*inflight;
      auto idx = turn->fetch_add(1, std::memory_order_relaxed) % parsers.size();
      caf::anon_send(parsers[idx], atoms::recv_atom::value,
                     datagram{std::move(payload), std::move(from),
                              std::chrono::steady_clock::now()});
    });
    st.log->info("SIP UDP listening on {}",
                 net::to_string(st.res.sip_udp->local_endpoint()));
  }
  if (st.res.sip_tcp)
    start_stream(self, *st.res.sip_tcp, sip_transport_kind::tcp, out);
  if (st.res.sip_tls)
    start_stream(self, *st.res.sip_tls, sip_transport_kind::tls, out);
}

void start(pointer self) {
  auto& st = self->state;
  // 1. storage: everything else reads and writes through it.
  st.storage =
      spawn_storage(self->system(), st.res.store, st.res.storage_max_batch);
  st.log->info("storage started ({})", st.res.store->describe());
  // 2. SIP: router shards, then one transport per listening socket.
  start_sip(self);
  // 3. phone provisioning (DHCP, TFTP, HTTP files): after the directory,
  // which owns the device records.
  if (st.res.provisioning) {
    auto& pc = *st.res.provisioning;
    pc.storage = st.storage;
    pc.directory = st.directory;
    pc.metrics = st.res.metrics;
    st.provisioning = spawn_provisioning(self->system(), pc);
    pc.leases.clear();
  }
  // 4. admin API, then its HTTP listener.
  admin_context ctx;
  ctx.storage = st.storage;
  ctx.metrics = st.res.metrics;
  ctx.data_dir = st.res.data_dir;
  ctx.directory = st.directory;
  ctx.token = st.res.admin_token;
  ctx.admins = std::move(st.res.admins);
  if (auto prov = st.provisioning) {
    ctx.provisioning = [prov](http_exchange ex) {
      caf::anon_send(prov, atoms::http_atom::value,
                     provisioning_admin_request{std::move(ex)});
    };
  }
  if (st.res.site_listeners) {
    auto zone = st.res.directory_settings.clients
                    ? st.res.directory_settings.clients->zone
                    : nullptr;
    auto prov = st.provisioning;
    st.res.site_listeners->changed = [prov, zone](const site_change& c) {
      if (prov)
        caf::anon_send(prov, caf::put_atom::value, c);
      if (zone)
        zone->set(c.time_zone); // the call rules' local time
    };
  }
  if (auto agent = st.mgcp)
    ctx.legacy = [agent](http_exchange ex) {
      caf::anon_send(agent, atoms::http_atom::value, std::move(ex));
    };
  ctx.settings = st.res.site_api;
  st.admin = spawn_admin(self->system(), std::move(ctx));
  if (st.res.admin_http) {
    auto admin = st.admin;
    st.res.admin_http->start(
        [admin](net::http_request req, net::http_responder respond) {
          caf::anon_send(admin, atoms::http_atom::value,
                         http_exchange{std::move(req), std::move(respond)});
        });
    st.log->info("admin HTTP listening on {}",
                 net::to_string(st.res.admin_http->local_endpoint()));
  }
  st.started = true;
}

void stop(pointer self, caf::typed_response_promise<caf::ok_atom> rp) {
  auto& st = self->state;
  // Reverse order: listeners first, storage last.
  if (st.res.admin_http)
    st.res.admin_http->close();
  self->send_exit(st.admin, caf::exit_reason::user_shutdown);
  st.log->info("admin stopped");
  if (st.res.provisioning)
    close_provisioning_sockets(*st.res.provisioning);
  if (st.provisioning) {
    self->send_exit(st.provisioning, caf::exit_reason::user_shutdown);
    st.log->info("provisioning stopped");
  }
  if (st.mgcp) {
    caf::anon_send(st.mgcp, atoms::stop_atom::value);
    st.log->info("MGCP stopped");
  }
  if (st.res.sip_udp)
    st.res.sip_udp->close();
  if (st.res.sip_tcp)
    st.res.sip_tcp->close();
  if (st.res.sip_tls)
    st.res.sip_tls->close();
  for (auto& tr : st.sip_transports)
    self->send_exit(tr, caf::exit_reason::user_shutdown);
  for (auto& r : st.sip_routers)
    self->send_exit(r, caf::exit_reason::user_shutdown);
  if (st.directory)
    self->send_exit(st.directory, caf::exit_reason::user_shutdown);
  st.sip_transports.clear();
  st.sip_routers.clear();
  st.log->info("SIP stopped");
  self->request(st.storage, caf::infinite, atoms::sync_atom::value)
      .then(
          [self, rp](caf::ok_atom) mutable {
            self->state.log->info("storage flushed");
            self->send_exit(self->state.storage,
                            caf::exit_reason::user_shutdown);
            rp.deliver(caf::ok_atom::value);
          },
          [self, rp](const caf::error& err) mutable {
            self->state.log->error("storage flush failed: {}",
                                   self->system().render(err));
            self->send_exit(self->state.storage,
                            caf::exit_reason::user_shutdown);
            rp.deliver(err);
          });
}

engine_actor::behavior_type engine_impl(pointer self, engine_resources res) {
  self->state.res = std::move(res);
  return {
      [self](atoms::start_atom) -> caf::ok_atom {
        if (!self->state.started)
          start(self);
        return caf::ok_atom::value;
      },
      [self](atoms::stop_atom) -> caf::result<caf::ok_atom> {
        auto rp = self->make_response_promise<caf::ok_atom>();
        if (!self->state.stopping) {
          self->state.stopping = true;
          stop(self, rp);
        } else {
          rp.deliver(caf::ok_atom::value);
        }
        return rp;
      },
  };
}

} // namespace

engine_actor spawn_engine(caf::actor_system& sys, engine_resources res) {
  return sys.spawn(engine_impl, std::move(res));
}

} // namespace ivm::actors
