// The MGCP call agent (issue 15): the socket on mgcp.listen, the gateways
// and stations the admin configured (/api/v1/gateways, /api/v1/stations),
// one gateway actor per gateway; datagrams go to the gateway of their
// source address. docs/legacy.md.

#include <algorithm>
#include <ctime>
#include <map>
#include <set>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/mgcp/agent_state.hpp"
#include "appliance/common/log.hpp"
#include "appliance/megaco/commands.hpp"
#include "appliance/mgcp/message.hpp"
#include "appliance/mgcp/text.hpp"
#include "appliance/net/udp_socket.hpp"

namespace ivm::actors::agent {

std::string station_id(const std::string& gw, const std::string& ep) {
  return gw + "\n" + ep;
}

std::uint64_t unix_now() {
  return static_cast<std::uint64_t>(std::time(nullptr));
}

namespace {

std::vector<std::pair<std::string, std::string>>
lines_of(pointer self, const std::string& gw) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [id, s] : self->state.stations)
    if (s.gateway == gw)
      out.emplace_back(s.endpoint, s.extension);
  return out;
}

} // namespace

// The lamps of `ext`'s stations follow its voice messages: the voice actor
// counts them and tells the directory, which tells us (mwi_atom).
void recount(pointer self, const std::string& ext) {
  auto& st = self->state;
  if (st.cfg.voice && st.directory)
    self->send(st.cfg.voice, atoms::mwi_atom::value, ext,
               caf::actor_cast<caf::actor>(st.directory));
}

void start_gateway(pointer self, gateway_entry& g) {
  auto& st = self->state;
  if (g.record.protocol == "csta") {
    if (!st.cfg.io) {
      st.log->warn("PBX {}: no I/O threads, not started", g.record.name);
      return;
    }
    csta_link_setup c;
    c.record = g.record;
    c.address = g.address;
    c.io = st.cfg.io;
    c.directory = st.directory;
    c.clients = st.cfg.clients;
    c.agent = caf::actor_cast<caf::actor>(self);
    for (auto& [id, s] : st.stations)
      if (s.gateway == g.record.name)
        c.records.push_back(s);
    g.actor = spawn_csta_link(self->system(), std::move(c));
    return;
  }
  mgcp_gateway_setup s;
  s.record = g.record;
  bool h248 = g.record.protocol == "megaco";
  s.socket = h248 ? st.cfg.megaco_socket : st.cfg.socket;
  if (!s.socket) {
    st.log->warn("gateway {} speaks {} but {}.listen is off: not started",
                 g.record.name, g.record.protocol, g.record.protocol);
    return;
  }
  s.mid = st.mid;
  s.address = g.address;
  s.notified_entity = st.notified_entity;
  s.audit_every = st.cfg.audit_every;
  s.max_retransmissions = st.cfg.max_retransmissions;
  s.directory = st.directory;
  s.clients = st.cfg.clients;
  s.stations = lines_of(self, g.record.name);
  g.actor = spawn_mgcp_gateway(self->system(), std::move(s));
}

namespace {

// A datagram from an address no gateway has: an RSIP is refused (and
// listed when mgcp.accept_unknown is on), logged once per address; the
// rest is dropped unanswered.
void on_stranger(pointer self, const datagram& d) {
  auto& st = self->state;
  auto parsed = mgcp::parse(d.payload);
  if (!parsed || parsed->empty())
    return;
  auto* c = std::get_if<mgcp::command>(&parsed->front());
  if (!c || c->what != mgcp::verb::rsip)
    return;
  auto addr = net::to_string(d.from);
  st.cfg.socket->send_to(mgcp::serialize(mgcp::make_response(
                             c->transaction, 500, "Endpoint unknown")),
                         d.from);
  if (st.cfg.accept_unknown) {
    auto& p = st.pending[addr];
    if (p.first_s == 0) {
      if (st.pending.size() > 256) {
        st.pending.erase(addr);
        return;
      }
      p.address = addr;
      p.first_s = unix_now();
      st.log->warn("RSIP from unknown gateway {} ({}): pending for the admin",
                   addr, c->endpoint);
    }
    p.endpoint = c->endpoint.substr(0, 128);
    p.last_s = unix_now();
    return;
  }
  if (st.refused.size() < 1024 && st.refused.insert(addr).second)
    st.log->warn("RSIP from unknown gateway {} ({}) refused", addr,
                 c->endpoint);
}

// An H.248 message from an address no gateway has: a ServiceChange is
// refused (Error 402, listed with megaco.accept_unknown), logged once per
// address; the rest is dropped unanswered.
void on_megaco_stranger(pointer self, const datagram& d) {
  auto& st = self->state;
  auto m = megaco::decode(d.payload);
  if (!m || m->transactions.size() != 1)
    return;
  auto* rq = std::get_if<megaco::request>(&m->transactions[0]);
  if (!rq || rq->actions.empty() || rq->actions[0].commands.empty() ||
      rq->actions[0].commands[0].what != megaco::verb::service_change)
    return;
  st.cfg.megaco_socket->send_to(
      megaco::write_message(
          st.mid, {megaco::make_error_reply(rq->id, 402, "Unauthorized")}, 1,
          false),
      d.from);
  auto addr = net::to_string(d.from);
  if (st.cfg.megaco_accept_unknown) {
    auto& p = st.pending[addr];
    if (p.first_s == 0) {
      if (st.pending.size() > 256) {
        st.pending.erase(addr);
        return;
      }
      p.address = addr;
      p.first_s = unix_now();
      st.log->warn("ServiceChange from unknown H.248 gateway {} ({}): "
                   "pending for the admin",
                   addr, m->mid);
    }
    p.endpoint = m->mid.substr(0, 128);
    p.last_s = unix_now();
    return;
  }
  if (st.refused.size() < 1024 && st.refused.insert(addr).second)
    st.log->warn("ServiceChange from unknown H.248 gateway {} ({}) refused",
                 addr, m->mid);
}

void on_datagram(pointer self, const datagram& d, bool h248) {
  auto& st = self->state;
  for (auto& [name, g] : st.gateways)
    if (g.address == d.from && (g.record.protocol == "megaco") == h248) {
      if (g.actor)
        self->send(g.actor, atoms::recv_atom::value, d);
      return;
    }
  if (h248)
    on_megaco_stranger(self, d);
  else
    on_stranger(self, d);
}

void start(pointer self, const directory_actor& dir) {
  auto& st = self->state;
  if (st.started)
    return;
  st.started = true;
  st.directory = dir;
  for (auto& [name, g] : st.gateways)
    start_gateway(self, g);
  std::set<std::string> users;
  for (auto& [id, s] : st.stations)
    users.insert(s.extension);
  for (auto& u : users)
    recount(self, u);
  publish_trunks(self);
  auto me = caf::actor_cast<caf::actor>(self);
  for (auto [sock, h248] : {std::pair{st.cfg.socket, false},
                            std::pair{st.cfg.megaco_socket, true}}) {
    if (!sock)
      continue;
    sock->start([me, h248 = h248](std::string payload, net::endpoint from) {
      caf::anon_send(me, atoms::recv_atom::value,
                     datagram{std::move(payload), std::move(from),
                              std::chrono::steady_clock::now()},
                     h248);
    });
    st.log->info("{} on {}: {} gateway(s), {} station(s)",
                 h248 ? "H.248 media gateway controller" : "MGCP call agent",
                 net::to_string(sock->local_endpoint()), st.gateways.size(),
                 st.stations.size());
  }
}

caf::behavior agent_impl(pointer self, mgcp_agent_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  if (st.cfg.socket)
    st.notified_entity =
        "ca@" + net::to_string(st.cfg.socket->local_endpoint());
  if (st.cfg.megaco_socket) {
    auto ep = st.cfg.megaco_socket->local_endpoint();
    st.mid = "[" + ep.host + "]:" + std::to_string(ep.port);
  }
  for (auto& g : st.cfg.gateways) {
    auto ep = net::parse_endpoint(g.address);
    if (!ep) {
      st.log->error("stored gateway {} has a bad address {}: skipped", g.name,
                    g.address);
      continue;
    }
    st.gateways[g.name] = gateway_entry{g, *ep, {}};
  }
  for (auto& s : st.cfg.stations)
    st.stations[station_id(s.gateway, s.endpoint)] = s;
  st.cfg.gateways.clear();
  st.cfg.stations.clear();
  return {
      [self](atoms::start_atom, const directory_actor& d) { start(self, d); },
      [self](atoms::recv_atom, const datagram& d, bool h248) {
        on_datagram(self, d, h248);
      },
      [self](atoms::http_atom, http_exchange& ex) { on_http(self, ex); },
      [self](atoms::seen_atom, const std::string& name,
             const std::string& fingerprint) {
        pin_pbx_certificate(self, name, fingerprint);
      },
      [self](atoms::mwi_atom, const std::string& ext, std::uint32_t fresh,
             std::uint32_t) {
        auto& st = self->state;
        for (auto& [id, s] : st.stations)
          if (s.extension == ext) {
            auto g = st.gateways.find(s.gateway);
            if (g != st.gateways.end() && g->second.actor)
              self->send(g->second.actor, atoms::mwi_atom::value, s.endpoint,
                         fresh > 0);
          }
      },
      // A call to `ext`: their stations ring with their SIP devices.
      [self](atoms::proxy_atom, const std::string& ext) {
        auto& st = self->state;
        proxy_plan plan;
        for (auto& [id, s] : st.stations) {
          auto g = st.gateways.find(s.gateway);
          if (s.extension != ext || g == st.gateways.end() ||
              !g->second.actor || g->second.record.protocol == "csta")
            continue; // a PBX's phone rings through the PBX, not here
          proxy_target t;
          t.local = g->second.actor;
          t.line = s.endpoint;
          plan.targets.push_back(std::move(t));
        }
        add_trunk_targets(self, ext, plan); // phones on a PBX: its trunk
        return plan;
      },
      // POST /api/v1/voice-messages/record, authenticated and resolved by
      // the directory: ring the user's station.
      [self](atoms::command_atom, const std::string& ext,
             const std::string& code, http_exchange& ex) {
        auto& st = self->state;
        if (code.rfind("csta ", 0) == 0) {
          // Call control of the user's phone on a PBX (its link actor).
          for (auto& [id, s] : st.stations) {
            auto g = st.gateways.find(s.gateway);
            if (s.extension == ext && g != st.gateways.end() &&
                g->second.actor && g->second.record.protocol == "csta") {
              self->send(g->second.actor, atoms::command_atom::value,
                         s.endpoint, code.substr(5), std::move(ex));
              return;
            }
          }
          ex.respond(net::http_response{404, "text/plain", "no PBX phone", {}});
          return;
        }
        for (auto& [id, s] : st.stations) {
          auto g = st.gateways.find(s.gateway);
          if (s.extension != ext || g == st.gateways.end() ||
              !g->second.actor || g->second.record.protocol == "csta")
            continue; // a PBX's phone rings through the PBX, not here
          self->send(g->second.actor, atoms::command_atom::value, s.endpoint,
                     code, std::move(ex));
          return;
        }
        ex.respond(net::http_response{
            404,
            "application/json",
            R"({"error":"no legacy phone is assigned to you"})",
            {}});
      },
      [self](atoms::stop_atom) {
        auto& st = self->state;
        if (st.cfg.socket)
          st.cfg.socket->close();
        if (st.cfg.megaco_socket)
          st.cfg.megaco_socket->close();
        for (auto& [name, g] : st.gateways)
          if (g.actor)
            self->send_exit(g.actor, caf::exit_reason::user_shutdown);
        self->quit();
      },
  };
}

} // namespace

} // namespace ivm::actors::agent

namespace ivm::actors {

caf::actor spawn_mgcp_call_agent(caf::actor_system& sys,
                                 mgcp_agent_config cfg) {
  return sys.spawn(agent::agent_impl, std::move(cfg));
}

} // namespace ivm::actors
