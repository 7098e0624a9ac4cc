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

void report(pointer, client_tx& c, int status, sip::message resp) {
  if (c.reported || !c.proxy_key.empty())
    return;
  c.reported = true;
  caf::anon_send(c.requester, atoms::sipresult_atom::value, c.id, status,
                 std::move(resp));
}

void apply_client(pointer self, const std::string& key,
                  const sip::transaction_effects& effects) {
  auto& st = self->state;
  for (auto& eff : effects) {
    auto it = st.ctxs.find(key);
    if (it == st.ctxs.end())
      return;
    auto& c = it->second;
    bool proxied = !c.proxy_key.empty();
    if (auto send = std::get_if<sip::effects::send>(&eff)) {
      st.cfg.out->send(c.flow, c.dest, send->bytes);
    } else if (auto t = std::get_if<sip::effects::start_timer>(&eff)) {
      schedule(self, key, *t);
    } else if (auto p = std::get_if<sip::effects::pass_to_tu>(&eff)) {
      if (!st.current_response)
        continue;
      if (proxied) {
        on_branch_response(self, key, *st.current_response);
      } else if (c.own_invite && p->status_code < 300) {
        // Ringing, the answer and its retransmissions (RFC 6026: the UAC
        // core ACKs every 2xx).
        c.reported = c.reported || p->status_code >= 200;
        caf::anon_send(c.requester, atoms::sipresult_atom::value, c.id,
                       p->status_code, *st.current_response);
      } else if (p->status_code >= 200) {
        report(self, c, p->status_code, *st.current_response);
      }
    } else if (std::holds_alternative<sip::effects::build_ack>(eff)) {
      // The ACK of a failure answer to a proxied INVITE (§17.1.1.3).
      std::string ack;
      auto pit = st.proxies.find(c.proxy_key);
      if (c.own_invite && st.current_response)
        ack = sip::serialize(
            sip::proxy::make_ack(c.invite, *st.current_response));
      else if (pit != st.proxies.end() &&
               c.branch < pit->second.branches.size() && st.current_response)
        ack = sip::serialize(sip::proxy::make_ack(
            pit->second.branches[c.branch].request, *st.current_response));
      step_client(self, key, sip::events::ack_built{std::move(ack)});
    } else if (std::holds_alternative<sip::effects::timeout>(eff) ||
               std::holds_alternative<sip::effects::transport_failure>(eff)) {
      if (proxied)
        on_branch_failure(self, key);
      else
        report(self, c,
               std::holds_alternative<sip::effects::timeout>(eff) ? 408 : 503,
               sip::message{});
    } else if (std::holds_alternative<sip::effects::terminated>(eff)) {
      auto proxy_key = c.proxy_key;
      if (!proxied)
        report(self, c, 408, sip::message{}); // no final answer at all
      st.ctxs.erase(it);
      if (!proxy_key.empty())
        on_branch_gone(self, proxy_key);
      return;
    }
  }
}

void step_client(pointer self, const std::string& key,
                 const sip::client_event& ev) {
  auto it = self->state.ctxs.find(key);
  if (it == self->state.ctxs.end())
    return;
  auto now = std::chrono::steady_clock::now();
  auto effects =
      std::visit([&](auto& m) { return m.step(ev, now); }, it->second.tx);
  apply_client(self, key, effects);
}

// Starts a client transaction for `request`; false on a branch collision.
bool start_client(pointer self, const sip::message& request, client_tx c) {
  auto& st = self->state;
  auto key = "c\n" + sip::client_transaction_key_of_request(request);
  auto bytes = sip::serialize(request);
  if (!st.ctxs.emplace(key, std::move(c)).second)
    return false;
  step_client(self, key, sip::events::start{std::move(bytes)});
  return true;
}

void on_send(pointer self, sip_request_task& task) {
  auto& st = self->state;
  if (task.request.method == "ACK") {
    // The ACK for a 2xx is no transaction (RFC 3261 §17.1.1.3): sent as is,
    // and again by the requester for each retransmitted 2xx.
    st.cfg.out->send(task.flow, task.dest, sip::serialize(task.request));
    return;
  }
  // The box ends a call it answered as a legacy phone (issue 15).
  if (task.request.method == "BYE" && st.tracker.on_request(task.request))
    publish_dialogs(self, std::string{task.request.value_of("Call-ID")});
  bool reliable = task.flow.kind != sip_transport_kind::udp;
  bool invite = task.request.method == "INVITE";
  client_tx c{invite ? client_machine{sip::invite_client_transaction{
                           st.cfg.timers, reliable}}
                     : client_machine{sip::non_invite_client_transaction{
                           st.cfg.timers, reliable}},
              task.id,
              task.requester,
              task.flow,
              task.dest,
              false,
              {},
              0,
              {},
              false};
  if (invite) {
    c.invite = task.request;
    c.own_invite = true;
  }
  if (!start_client(self, task.request, std::move(c)))
    caf::anon_send(task.requester, atoms::sipresult_atom::value, task.id, 500,
                   sip::message{}); // a branch collision: never sent
}

void on_response(pointer self, const sip::message& resp) {
  auto& st = self->state;
  auto key = "c\n" + sip::client_transaction_key(resp);
  if (st.ctxs.count(key) == 0) {
    st.stray->inc();
    return;
  }
  st.current_response = &resp;
  step_client(self, key, sip::events::response_received{resp.status_code});
  st.current_response = nullptr;
}

} // namespace ivm::actors::router
