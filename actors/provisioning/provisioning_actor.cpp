#include "actors/provisioning/provisioning_state.hpp"

#include <random>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include "appliance/main/provisioning_scope.hpp"
#include "appliance/net/http_server.hpp"
#include "appliance/sip/digest/algorithm.hpp"
#include "provisioning/dhcp/rogue.hpp"

namespace ivm::actors {

namespace prov {

namespace dhcp = provisioning::dhcp;

namespace {

void init_counters(pointer self) {
  auto& st = self->state;
  auto& reg = *st.cfg.metrics;
  auto& c = st.counters;
  c.received = &reg.make_counter("ivm_dhcp_received_total",
                                 "DHCP datagrams received on port 67.");
  c.malformed =
      &reg.make_counter("ivm_dhcp_malformed_total",
                        "DHCP datagrams that did not parse (dropped).");
  c.replies = &reg.make_counter("ivm_dhcp_replies_total", "DHCP replies sent.");
  c.send_errors = &reg.make_counter("ivm_dhcp_send_errors_total",
                                    "DHCP replies the kernel refused.");
  c.write_errors =
      &reg.make_counter("ivm_dhcp_lease_write_errors_total",
                        "Lease writes that failed (the reply was not sent).");
  c.rogue = &reg.make_counter("ivm_dhcp_rogue_replies_total",
                              "Replies of other DHCP servers seen.");
  for (auto what : {dhcp::outcome::offered, dhcp::outcome::acked,
                    dhcp::outcome::naked, dhcp::outcome::informed,
                    dhcp::outcome::released, dhcp::outcome::declined,
                    dhcp::outcome::forgot_offer, dhcp::outcome::no_address,
                    dhcp::outcome::silent, dhcp::outcome::ignored}) {
    auto name = std::string{dhcp::to_string(what)};
    c.outcomes[name] =
        &reg.make_counter("ivm_dhcp_" + name + "_total",
                          "DHCP requests with outcome '" + name + "'.");
  }
}

void note_rogue(pointer self, dhcp::ipv4_address server) {
  auto& st = self->state;
  st.counters.rogue->inc();
  if (st.rogue_servers.insert(server.to_string()).second)
    st.log->warn("another DHCP server answers on {}: {} (phones may get "
                 "their address and files from it)",
                 st.cfg.dhcp_interface, server.to_string());
}

/// Port 68: offers to our probe (or to real clients) from other servers;
/// and replies of other servers that the engine saw on port 67.
void on_dhcp(pointer self, dhcp_input& in) {
  auto& st = self->state;
  if (!st.dhcp)
    return;
  auto& d = in.datagram;
  if (auto pkt = dhcp::parse(d.payload))
    if (auto rogue = dhcp::rogue_server(*pkt, st.dhcp->config().server_address,
                                        dhcp::ipv4_address{d.source}))
      note_rogue(self, *rogue);
}

/// The engine's view of the counters: by outcome, not by name.
dhcp_engine_counters engine_counters(const dhcp_counters& c) {
  dhcp_engine_counters out;
  out.received = c.received;
  out.malformed = c.malformed;
  out.replies = c.replies;
  out.send_errors = c.send_errors;
  out.write_errors = c.write_errors;
  for (std::size_t i = 0; i < out.outcomes.size(); ++i) {
    auto name = dhcp::to_string(static_cast<dhcp::outcome>(i));
    if (auto j = c.outcomes.find(std::string{name}); j != c.outcomes.end())
      out.outcomes[i] = j->second;
  }
  return out;
}

/// The probe DISCOVER (rogue.hpp): every server on the segment answers it.
void send_probe(pointer self) {
  auto& st = self->state;
  if (!st.cfg.probe_socket)
    return;
  std::random_device rd;
  auto pkt = dhcp::probe_discover(st.probe_mac, rd());
  auto wire = dhcp::serialize(pkt, dhcp::default_max_message_size);
  std::string payload(wire.begin(), wire.end());
  if (auto problem =
          st.cfg.probe_socket->send(payload, net::dhcp_send_kind::broadcast,
                                    0xFFFFFFFFu, dhcp::server_port))
    st.log->warn("rogue DHCP probe not sent: {}", *problem);
}

void start(pointer self) {
  auto& st = self->state;
  auto handle = caf::actor_cast<provisioning_actor>(self);
  st.allow = st.cfg.allow;
  if (st.cfg.dhcp_error)
    st.log->error("DHCP off: {}", *st.cfg.dhcp_error);
  start_dhcp(self);
  if (st.cfg.tftp) {
    st.cfg.tftp->start(
        [handle](net::tftp_request_info info, net::tftp_answer answer) {
          caf::anon_send(handle, atoms::tftp_atom::value,
                         tftp_lookup{std::move(info), std::move(answer)});
        });
    st.log->info("TFTP listening on {}",
                 net::to_string(st.cfg.tftp->local_endpoint()));
  }
  if (st.cfg.http) {
    st.cfg.http->start(
        [handle](net::http_request req, net::http_responder respond) {
          caf::anon_send(handle, atoms::http_atom::value,
                         http_exchange{std::move(req), std::move(respond)});
        });
    st.log->info("provisioning HTTP listening on {}",
                 net::to_string(st.cfg.http->local_endpoint()));
  }
  if (st.cfg.https) {
    st.cfg.https->start(
        [handle](net::http_request req, net::http_responder respond) {
          caf::anon_send(handle, atoms::http_atom::value,
                         http_exchange{std::move(req), std::move(respond)});
        });
    st.log->info("provisioning HTTPS listening on {}",
                 net::to_string(st.cfg.https->local_endpoint()));
  }
}

provisioning_actor::behavior_type impl(pointer self, provisioning_config cfg) {
  self->state.cfg = std::move(cfg);
  self->state.nonces = std::make_unique<sip::digest::nonce_issuer>(
      self->state.cfg.nonce_secret.empty() ? sip::digest::random_bytes(32)
                                           : self->state.cfg.nonce_secret);
  if (auto& reg = self->state.cfg.metrics) {
    self->state.tftp_requests = &reg->make_counter(
        "ivm_tftp_requests_total", "Phone file read requests over TFTP.");
    self->state.http_requests =
        &reg->make_counter("ivm_http_file_requests_total",
                           "Phone file requests over HTTP and HTTPS.");
  }
  start(self);
  return {
      [self](atoms::dhcp_atom, dhcp_input& in) { on_dhcp(self, in); },
      [self](atoms::tftp_atom, tftp_lookup& req) { on_tftp(self, req); },
      [self](atoms::http_atom, http_exchange& ex) { on_http_file(self, ex); },
      [self](atoms::http_atom, provisioning_admin_request& req) {
        on_admin(self, req.ex);
      },
      [self](caf::put_atom, site_change& c) { on_site_change(self, c); },
  };
}

} // namespace

void start_dhcp(pointer self) {
  auto& st = self->state;
  if (!st.cfg.dhcp || !st.cfg.dhcp_socket)
    return;
  auto handle = caf::actor_cast<provisioning_actor>(self);
  if (!st.counters.received)
    init_counters(self);
  auto made = dhcp::server::make(*st.cfg.dhcp);
  if (!made) {
    st.log->error("DHCP off: {}", made.error());
    return;
  }
  st.dhcp.emplace(std::move(*made));
  auto kept = st.dhcp->load(st.cfg.leases);
  st.cfg.leases.clear();
  std::random_device rd;
  provisioning::mac_address::bytes_type b{};
  for (auto& x : b)
    x = static_cast<std::uint8_t>(rd());
  b[0] = static_cast<std::uint8_t>((b[0] | 0x02) & 0xFE); // local, unicast
  st.probe_mac = provisioning::mac_address{b};
  dhcp_engine_links links;
  links.socket = st.cfg.dhcp_socket;
  links.storage = st.cfg.storage;
  links.directory = st.cfg.directory;
  links.owner = handle;
  links.metrics = st.cfg.metrics;
  links.counters = engine_counters(st.counters);
  links.probe_mac = st.probe_mac;
  links.log = st.log;
  st.dhcp->serve(std::move(links));
  if (st.cfg.probe_socket)
    st.cfg.probe_socket->start([handle](net::dhcp_datagram d) {
      caf::anon_send(handle, atoms::dhcp_atom::value,
                     dhcp_input{std::move(d), true});
    });
  if (st.cfg.live_dhcp) {
    std::lock_guard<std::mutex> guard{st.cfg.live_dhcp->mtx};
    st.cfg.live_dhcp->current = {st.cfg.dhcp_socket, st.cfg.probe_socket};
  }
  // Phones on the DHCP subnet fetch their files without credentials.
  st.allow = st.cfg.allow;
  st.allow.push_back(app::dhcp_subnet(*st.cfg.dhcp));
  st.log->info("DHCP serving on {} as {} ({} stored leases)",
               st.cfg.dhcp_interface,
               st.dhcp->config().server_address.to_string(), kept);
  send_probe(self);
}

void stop_dhcp(pointer self) {
  auto& st = self->state;
  if (st.dhcp) {
    // Kept for the next scope: a MAC keeps its address across changes.
    st.cfg.leases = st.dhcp->pool().snapshot();
    st.dhcp.reset();
    st.log->info("DHCP stopped on {}", st.cfg.dhcp_interface);
  }
  if (st.cfg.dhcp_socket)
    st.cfg.dhcp_socket->close();
  if (st.cfg.probe_socket)
    st.cfg.probe_socket->close();
  st.cfg.dhcp_socket.reset();
  st.cfg.probe_socket.reset();
  st.cfg.dhcp.reset();
  if (st.cfg.live_dhcp) {
    std::lock_guard<std::mutex> guard{st.cfg.live_dhcp->mtx};
    st.cfg.live_dhcp->current = {};
  }
  st.allow = st.cfg.allow;
}

void sighting(pointer self, device_sighting s) {
  if (self->state.cfg.directory)
    self->send(self->state.cfg.directory, atoms::seen_atom::value,
               std::move(s));
}

} // namespace prov

provisioning_actor spawn_provisioning(caf::actor_system& sys,
                                      provisioning_config cfg) {
  return sys.spawn(prov::impl, std::move(cfg));
}

void close_provisioning_sockets(provisioning_config& cfg) {
  if (cfg.live_dhcp) {
    std::lock_guard<std::mutex> guard{cfg.live_dhcp->mtx};
    for (auto* sock :
         {&cfg.live_dhcp->current.server, &cfg.live_dhcp->current.probe})
      if (*sock)
        (*sock)->close();
  }
  if (cfg.dhcp_socket)
    cfg.dhcp_socket->close();
  if (cfg.probe_socket)
    cfg.probe_socket->close();
  if (cfg.tftp)
    cfg.tftp->close();
  if (cfg.http)
    cfg.http->close();
  if (cfg.https)
    cfg.https->close();
}

} // namespace ivm::actors
