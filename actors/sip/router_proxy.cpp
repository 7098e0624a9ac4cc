#include "actors/sip/router_state.hpp"

#include <caf/send.hpp>

#include "actors/sip/outbound.hpp"
#include "appliance/sip/core/routing.hpp"
#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/proxy/forward.hpp"
#include "appliance/sip/response.hpp"
#include "appliance/sip/serializer.hpp"
#include "appliance/sip/transaction_key.hpp"
#include "appliance/sip/uri.hpp"
#include "appliance/sip/validate.hpp"

namespace ivm::actors::router {

sip::proxy::proxy_identity identity(const router_state& st,
                                    sip_transport_kind kind) {
  sip::proxy::proxy_identity id;
  const auto& ep = kind == sip_transport_kind::udp   ? st.cfg.udp_self
                   : kind == sip_transport_kind::tcp ? st.cfg.tcp_self
                                                     : st.cfg.tls_self;
  id.host = ep.host;
  id.port = ep.port;
  id.transport = kind == sip_transport_kind::udp   ? "UDP"
                 : kind == sip_transport_kind::tcp ? "TCP"
                                                   : "TLS";
  id.aliases = st.cfg.uas.local_hosts;
  id.aliases.push_back(st.cfg.uas.domain);
  return id;
}

// True if `u` is one of our listening addresses (any transport).
bool names_us(const router_state& st, const sip::uri& u) {
  for (auto k : {sip_transport_kind::udp, sip_transport_kind::tcp,
                 sip_transport_kind::tls})
    if (identity(st, k).port != 0 && identity(st, k).is_me(u))
      return true;
  return false;
}

// Removes the Route values naming us from the top (RFC 3261 §16.4; two of
// them after a transport change, RFC 5658). True if any was.
bool strip_own_routes(const router_state& st, sip::message& req) {
  std::vector<std::string> routes;
  for (auto v : req.values("Route"))
    routes.emplace_back(v);
  std::size_t n = 0;
  while (n < routes.size()) {
    auto r = sip::parse_name_addr(routes[n]);
    if (!r || !names_us(st, r->uri))
      break;
    ++n;
  }
  if (n == 0)
    return false;
  req.remove("Route");
  for (auto i = n; i < routes.size(); ++i)
    req.add("Route", routes[i]);
  return true;
}

// Tells the directory how the calls of `call_id` look now (busy lamps,
// on-the-phone), then forgets ended ones.
void publish_dialogs(pointer self, const std::string& call_id) {
  auto& st = self->state;
  if (st.calls) {
    std::int64_t up = 0;
    for (auto& d : st.tracker.dialogs())
      up += d.state == sip::proxy::dialog_state::confirmed ? 1 : 0;
    st.calls->add(up - st.calls_counted);
    st.calls_counted = up;
  }
  if (!st.cfg.directory) {
    st.tracker.purge_terminated();
    return;
  }
  std::vector<std::string> users;
  for (auto& d : st.tracker.dialogs())
    if (d.call_id == call_id)
      for (auto* u : {&d.caller_user, &d.callee_user})
        if (!u->empty() &&
            std::find(users.begin(), users.end(), *u) == users.end())
          users.push_back(*u);
  for (auto& u : users)
    for (auto& v : st.tracker.dialogs_of(u))
      if (v.call_id == call_id)
        self->send(st.cfg.directory, atoms::dialog_atom::value, u, v);
  st.tracker.purge_terminated();
}

void send_cancel(pointer self, proxy_branch& b) {
  auto& st = self->state;
  if (b.cancelled)
    return;
  if (b.local) {
    cancel_local(self, b);
    return;
  }
  b.cancelled = true;
  auto cit = st.ctxs.find(b.ckey);
  if (cit == st.ctxs.end())
    return;
  auto cancel = sip::proxy::make_cancel(b.request);
  client_tx c{sip::non_invite_client_transaction{
                  st.cfg.timers, b.kind != sip_transport_kind::udp},
              0,
              {},
              cit->second.flow,
              cit->second.dest,
              true,
              {},
              0,
              {},
              false};
  start_client(self, cancel, std::move(c));
}

// Sends what the response context decided (RFC 3261 §16.7 steps 5-10).
void act(pointer self, const std::string& key,
         const sip::proxy::response_context::action& a) {
  auto& st = self->state;
  auto pit = st.proxies.find(key);
  if (pit == st.proxies.end())
    return;
  auto& p = pit->second;
  if (a.forward) {
    const auto& resp = *a.forward;
    if (p.initial && resp.status_code >= 200) {
      auto call_id = std::string{resp.value_of("Call-ID")};
      if (st.tracker.on_response(resp))
        publish_dialogs(self, call_id);
    }
    if (st.txs.count(key) != 0) {
      respond(self, key, resp);
    } else if (resp.status_code >= 200 && resp.status_code < 300) {
      // The server transaction is gone: 2xx retransmissions still go up
      // (§16.7 step 10).
      st.cfg.out->send(p.up_flow, p.up_addr, sip::serialize(resp));
    }
    if (resp.status_code >= 200 && p.request.method == "BYE")
      st.dialogs.erase(std::string{p.request.value_of("Call-ID")});
  }
  if (a.cancel_pending)
    for (auto i : p.ctx.pending_branches())
      if (i < p.branches.size()) {
        if (p.branches[i].provisional)
          send_cancel(self, p.branches[i]);
        else
          p.branches[i].cancel_wanted = true;
      }
}

void on_branch_response(pointer self, const std::string& ckey,
                        const sip::message& resp) {
  auto& st = self->state;
  auto cit = st.ctxs.find(ckey);
  if (cit == st.ctxs.end())
    return;
  auto key = cit->second.proxy_key;
  auto idx = cit->second.branch;
  auto pit = st.proxies.find(key);
  if (pit == st.proxies.end() || idx >= pit->second.branches.size())
    return;
  auto& p = pit->second;
  auto& b = p.branches[idx];
  if (resp.status_code < 200) {
    b.provisional = true;
    if (b.cancel_wanted)
      send_cancel(self, b);
  }
  auto up = sip::proxy::process_response(resp, identity(st, b.kind));
  if (!up)
    return; // not ours, or no Via left: nothing to pass up
  if (p.initial) {
    if (resp.status_code >= 200 && resp.status_code < 300) {
      auto call_id = std::string{resp.value_of("Call-ID")};
      if (st.dialogs.size() >= calls_before_sweep &&
          st.dialogs.count(call_id) == 0) {
        auto old = steady::now() - call_memory;
        for (auto d = st.dialogs.begin(); d != st.dialogs.end();)
          d = d->second.since < old ? st.dialogs.erase(d) : std::next(d);
      }
      auto& route = st.dialogs[call_id];
      route.since = steady::now();
      auto from = sip::parse_name_addr(p.request.value_of("From"));
      auto tag = from ? from->tag() : std::nullopt;
      route.caller_tag = tag ? std::string{*tag} : std::string{};
      route.caller = dialog_side{p.up_flow, p.up_addr};
      route.callee = dialog_side{cit->second.flow, cit->second.dest};
    }
    if (st.tracker.on_response(*up))
      publish_dialogs(self, std::string{resp.value_of("Call-ID")});
  }
  act(self, key, p.ctx.on_response(idx, *up));
}

void on_branch_failure(pointer self, const std::string& ckey) {
  auto& st = self->state;
  auto cit = st.ctxs.find(ckey);
  if (cit == st.ctxs.end())
    return;
  auto key = cit->second.proxy_key;
  auto pit = st.proxies.find(key);
  if (pit == st.proxies.end())
    return;
  act(self, key, pit->second.ctx.on_failure(cit->second.branch));
}

void on_branch_gone(pointer self, const std::string& key) {
  auto& st = self->state;
  auto pit = st.proxies.find(key);
  if (pit == st.proxies.end())
    return;
  auto& p = pit->second;
  if (p.alive > 0)
    --p.alive;
  if (p.alive > 0)
    return;
  if (!p.ctx.final_sent())
    for (auto i : p.ctx.pending_branches())
      act(self, key, p.ctx.on_failure(i));
  st.proxies.erase(key);
}

// Timer C (§16.8): the INVITE rang too long; give up on every branch.
void on_proxy_timer(pointer self, const std::string& key, std::uint64_t gen) {
  auto& st = self->state;
  auto pit = st.proxies.find(key);
  if (pit == st.proxies.end() || pit->second.timer_gen != gen)
    return;
  auto& p = pit->second;
  if (p.ctx.final_sent())
    return;
  std::vector<std::string> locals;
  for (auto i : p.ctx.pending_branches()) {
    if (i < p.branches.size() && p.branches[i].provisional)
      send_cancel(self, p.branches[i]);
    if (st.proxies.count(key) == 0)
      return;
    if (i < p.branches.size() && p.branches[i].local)
      locals.push_back(p.branches[i].ckey);
    act(self, key, p.ctx.on_failure(i));
  }
  // A local branch that never answers (its actor gone) is not waited for.
  for (auto& ckey : locals)
    if (st.locals.erase(ckey) != 0)
      on_branch_gone(self, key);
}

// Forwards the request of server transaction `key` to `targets` in
// parallel (§16.6). An empty target URI keeps the Request-URI.
void proxy_to(pointer self, const std::string& key,
              const std::vector<proxy_target>& targets, bool initial) {
  auto& st = self->state;
  auto it = st.txs.find(key);
  if (it == st.txs.end() || it->second.final_sent)
    return;
  const auto& req = it->second.request;
  auto [pit, added] = st.proxies.try_emplace(key, req);
  if (!added)
    return;
  auto& p = pit->second;
  p.up_flow = it->second.flow;
  p.up_addr = it->second.reply_to;
  p.initial = initial;
  auto inbound = identity(st, p.up_flow.kind);
  bool invite = req.method == "INVITE";
  st.proxied->inc();
  for (auto& t : targets) {
    if (t.local) {
      start_local(self, key, p.ctx.add_branch(), t);
      continue;
    }
    auto me = identity(st, t.flow.kind);
    auto branch = "z9hG4bK" + sip::core::random_tag();
    auto fwd = sip::proxy::prepare_forward(req, t.uri, me, branch, &inbound);
    if (!fwd) {
      pit = st.proxies.find(key);
      if (pit == st.proxies.end())
        return;
      respond_with(self, key, fwd.error().status, fwd.error().reason);
      st.proxies.erase(key);
      return;
    }
    auto idx = p.ctx.add_branch();
    bool reliable = t.flow.kind != sip_transport_kind::udp;
    client_tx c{invite ? client_machine{sip::invite_client_transaction{
                             st.cfg.timers, reliable}}
                       : client_machine{sip::non_invite_client_transaction{
                             st.cfg.timers, reliable}},
                0,
                {},
                t.flow,
                t.dest,
                true,
                key,
                idx,
                {},
                false};
    p.branches.push_back(
        proxy_branch{"c\n" + sip::client_transaction_key_of_request(*fwd),
                     *fwd,
                     t.flow.kind,
                     false,
                     false,
                     false,
                     {}});
    ++p.alive;
    if (!start_client(self, *fwd, std::move(c))) {
      --p.alive;
      act(self, key, p.ctx.on_failure(idx));
    }
    if (st.proxies.count(key) == 0)
      return;
  }
  if (invite && st.proxies.count(key) != 0) {
    auto gen = ++p.timer_gen;
    auto at = steady::now() + st.cfg.invite_timeout;
    st.timers.emplace(at, pending_timer{"p\n" + key, sip::timer_id::b, gen});
    arm(self, at);
  }
  if (st.proxies.count(key) != 0 && p.alive == 0 && !p.ctx.final_sent())
    on_branch_gone(self, key);
}

// The callee's client actor chose the devices to ring.
void on_plan(pointer self, const std::string& key, proxy_plan& plan) {
  auto& st = self->state;
  st.pending.erase(key);
  auto it = st.txs.find(key);
  if (it == st.txs.end() || it->second.final_sent)
    return;
  if (plan.targets.empty()) {
    respond_with(self, key, 480, "Temporarily Unavailable");
    return;
  }
  const auto& req = it->second.request;
  auto call_id = std::string{req.value_of("Call-ID")};
  bool tracked = st.tracker.on_invite(req, plan.caller, plan.callee);
  proxy_to(self, key, plan.targets, true);
  if (tracked)
    publish_dialogs(self, call_id);
}

// Where an in-dialog request goes: the other end of a call we know, else
// the Request-URI when it is an address.
std::optional<proxy_target> dialog_target(const router_state& st,
                                          const sip::message& req) {
  auto call_id = std::string{req.value_of("Call-ID")};
  if (auto d = st.dialogs.find(call_id); d != st.dialogs.end()) {
    auto from = sip::parse_name_addr(req.value_of("From"));
    auto tag = from ? from->tag() : std::nullopt;
    const auto& side = tag && *tag == d->second.caller_tag ? d->second.callee
                                                           : d->second.caller;
    return proxy_target{{}, side.flow, side.addr, {}, {}};
  }
  auto ruri = sip::parse_uri(req.request_uri);
  if (!ruri || !ruri->is_sip())
    return std::nullopt;
  auto host = ruri->host;
  if (host.size() >= 2 && host.front() == '[')
    host = host.substr(1, host.size() - 2);
  if (!sip::is_ipv4_address(host) && !sip::is_ipv6_address(host))
    return std::nullopt;
  net::endpoint dest{host, ruri->port.value_or(5060)};
  return proxy_target{
      {}, sip_flow{sip_transport_kind::udp, 0, dest}, dest, {}, {}};
}

// True if `req` belongs to a call the box routes: it has a To tag and a
// Route naming us, or its Call-ID is a call we record-routed.
bool in_dialog_for_proxy(const router_state& st, const sip::message& req) {
  auto to = sip::parse_name_addr(req.value_of("To"));
  if (!to || !to->tag())
    return false;
  if (st.dialogs.count(std::string{req.value_of("Call-ID")}) != 0)
    return true;
  auto routes = req.values("Route");
  if (routes.empty())
    return false;
  auto top = sip::parse_name_addr(routes.front());
  return top && names_us(st, top->uri);
}

// An in-dialog request (BYE, re-INVITE, ACK...) through the box.
void proxy_in_dialog(pointer self, const std::string& key) {
  auto& st = self->state;
  auto& entry = st.txs.at(key);
  strip_own_routes(st, entry.request);
  auto target = dialog_target(st, entry.request);
  if (!target) {
    respond_with(self, key, 481, "Call/Transaction Does Not Exist");
    return;
  }
  auto call_id = std::string{entry.request.value_of("Call-ID")};
  if (st.tracker.on_request(entry.request))
    publish_dialogs(self, call_id);
  proxy_to(self, key, {*target}, false);
}

// An ACK for a 2xx (its own transaction, RFC 3261 §13.2.2.4) is forwarded
// statelessly (§16.11).
void forward_ack(pointer self, sip::message& ack) {
  auto& st = self->state;
  if (!in_dialog_for_proxy(st, ack))
    return; // absorbed
  strip_own_routes(st, ack);
  auto target = dialog_target(st, ack);
  if (!target)
    return;
  auto fwd =
      sip::proxy::prepare_forward(ack, "", identity(st, target->flow.kind),
                                  "z9hG4bK" + sip::core::random_tag());
  if (fwd)
    st.cfg.out->send(target->flow, target->dest, sip::serialize(*fwd));
}

} // namespace ivm::actors::router
