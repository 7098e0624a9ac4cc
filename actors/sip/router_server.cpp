#include "actors/sip/router_state.hpp"

#include <caf/send.hpp>

#include "actors/api/overload.hpp"
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

void step(pointer self, const std::string& key, const sip::server_event& ev) {
  auto it = self->state.txs.find(key);
  if (it == self->state.txs.end())
    return;
  auto now = std::chrono::steady_clock::now();
  auto effects =
      std::visit([&](auto& m) { return m.step(ev, now); }, it->second.tx);
  apply(self, key, effects);
}

// Sends the TU's response through the transaction.
void respond(pointer self, const std::string& key, const sip::message& resp) {
  auto it = self->state.txs.find(key);
  if (it == self->state.txs.end())
    return;
  if (resp.status_code >= 200) {
    it->second.final_sent = true;
    it->second.request = sip::message{};
    self->state.pending.erase(key);
  }
  self->state.responses->inc();
  step(self, key,
       sip::events::tu_response{resp.status_code, sip::serialize(resp)});
}

void respond_with(pointer self, const std::string& key, int code,
                  std::string reason,
                  std::vector<std::pair<std::string, std::string>> hdrs) {
  auto it = self->state.txs.find(key);
  if (it == self->state.txs.end())
    return;
  sip::core::uas_answer answer{code, std::move(reason), std::move(hdrs)};
  respond(self, key,
          sip::core::build_response(it->second.request, answer,
                                    sip::stateless_tag(key),
                                    self->state.cfg.uas));
}

// CANCEL (RFC 3261 §9.2): 200 for the CANCEL, 487 for a pending INVITE.
void on_cancel(pointer self, const std::string& key) {
  auto& st = self->state;
  auto invite = st.txs.at(key).request;
  invite.method = "INVITE";
  if (auto cs = sip::parse_cseq(invite.value_of("CSeq")))
    invite.replace("CSeq", std::to_string(cs->number) + " INVITE");
  auto invite_key = sip::strict_transaction_key(invite);
  auto it = st.txs.find(invite_key);
  if (it == st.txs.end() ||
      !std::holds_alternative<sip::invite_server_transaction>(it->second.tx)) {
    respond_with(self, key, 481, "Call/Transaction Does Not Exist");
    return;
  }
  respond_with(self, key, 200, "OK");
  if (it->second.final_sent)
    return;
  auto pit = st.proxies.find(invite_key);
  if (pit == st.proxies.end()) {
    st.pending.erase(invite_key); // the plan, if it comes, finds it answered
    respond_with(self, invite_key, 487, "Request Terminated");
    return;
  }
  // A proxied INVITE (§16.10): CANCEL every branch; they answer 487, which
  // goes upstream. Branches that sent nothing yet count as 487 now.
  auto& p = pit->second;
  p.cancelled = true;
  if (p.initial && st.tracker.on_request(st.txs.at(key).request))
    publish_dialogs(self, std::string{invite.value_of("Call-ID")});
  auto terminated = sip::make_response(p.request, 487, "Request Terminated");
  for (auto i : p.ctx.pending_branches()) {
    if (st.proxies.count(invite_key) == 0)
      return;
    if (i >= p.branches.size())
      continue;
    if (p.branches[i].provisional) {
      send_cancel(self, p.branches[i]);
    } else {
      p.branches[i].cancel_wanted = true;
      act(self, invite_key, p.ctx.on_response(i, terminated));
    }
  }
}

// The transaction user: what the box does with a new request.
void on_request(pointer self, const std::string& key) {
  auto& st = self->state;
  auto& entry = st.txs.at(key);
  const auto& req = entry.request;
  st.requests->inc();
  ++st.stats.requests;
  for (std::size_t i = 0; i < counted_methods.size(); ++i)
    if (req.method == counted_methods[i])
      st.by_method[i]->inc();
  if (auto err = sip::validate_request(req)) {
    int code = err->status;
    std::string reason = err->reason;
    // RFC 4475 §3.1.2.18: an unknown method with a CSeq mismatch -> 501.
    if (err->code == sip::parse_errc::cseq_method_mismatch &&
        !sip::core::is_known_method(req.method)) {
      code = 501;
      reason = "Not Implemented";
    }
    respond_with(self, key, code, reason);
    return;
  }
  if (sip::core::via_names(req, st.cfg.self)) {
    respond_with(self, key, 482, "Loop Detected");
    return;
  }
  if (auto mk = sip::merge_key(req); !mk.empty()) {
    auto [pos, added] = st.merged.emplace(mk, key);
    if (!added && pos->second != key) {
      respond_with(self, key, 482, "Loop Detected"); // merged request
      return;
    }
    entry.merge_key = mk;
  }
  if (req.method == "CANCEL") {
    on_cancel(self, key);
    return;
  }
  if (auto o = st.owned.find(std::string{req.value_of("Call-ID")});
      o != st.owned.end()) {
    auto to = sip::parse_name_addr(req.value_of("To"));
    if (to && to->tag()) {
      // An in-dialog request of a dialog the box answered itself (a
      // recording, a legacy phone's call: its busy lamps go out on BYE).
      if (st.tracker.on_request(req))
        publish_dialogs(self, o->first);
      st.pending.insert(key);
      caf::anon_send(o->second, atoms::sipreq_atom::value,
                     sip_task{key, self, sip_inbound{req, entry.flow}, {}});
      return;
    }
  }
  if (st.cfg.directory && in_dialog_for_proxy(st, req)) {
    proxy_in_dialog(self, key);
    return;
  }
  auto answer = sip::core::decide(req, st.cfg.uas);
  if (!answer)
    return;
  if (answer->delegate != sip::core::service::none && st.cfg.directory) {
    if (st.pending.size() >= st.cfg.max_pending) {
      st.overload->inc(); // shed: the client retries later (RFC 3261 §21.5.4)
      respond_with(self, key, 503, "Service Unavailable",
                   {{"Retry-After", "5"}});
      return;
    }
    // The directory answers later with (sipresp_atom, key, response).
    st.pending.insert(key);
    self->send(st.cfg.directory, atoms::sipreq_atom::value,
               sip_task{key, self, sip_inbound{req, entry.flow}, {}});
    return;
  }
  respond(self, key,
          sip::core::build_response(req, *answer, sip::stateless_tag(key),
                                    st.cfg.uas));
}

void apply(pointer self, const std::string& key,
           const sip::transaction_effects& effects) {
  auto& st = self->state;
  for (auto& eff : effects) {
    auto it = st.txs.find(key);
    if (it == st.txs.end())
      return;
    auto& entry = it->second;
    if (auto send = std::get_if<sip::effects::send>(&eff)) {
      st.cfg.out->send(entry.flow, entry.reply_to, send->bytes);
    } else if (auto t = std::get_if<sip::effects::start_timer>(&eff)) {
      schedule(self, key, *t);
    } else if (std::holds_alternative<sip::effects::pass_request_to_tu>(eff)) {
      on_request(self, key);
    } else if (std::holds_alternative<sip::effects::send_trying>(eff)) {
      auto trying = sip::make_response(entry.request, 100, "Trying");
      step(self, key, sip::events::tu_response{100, sip::serialize(trying)});
    } else if (std::holds_alternative<sip::effects::terminated>(eff)) {
      st.pending.erase(key);
      if (!entry.merge_key.empty())
        st.merged.erase(entry.merge_key);
      st.txs.erase(it);
      st.stats.server_transactions = st.txs.size();
      return;
    }
  }
}

// OPTIONS to the box (phones' keep-alives, monitoring) is answered as a
// stateless UAS (RFC 3261 §8.2.7): no transaction is kept for Timer J, and a
// retransmission gets the same bytes again (the To tag is derived from the
// transaction key). Anything else, errors included, goes the stateful way.
bool answer_statelessly(pointer self, const std::string& key, sip_inbound& in) {
  auto& st = self->state;
  const auto& msg = in.msg;
  if (sip::validate_request(msg))
    return false;
  if (sip::core::via_names(msg, st.cfg.self))
    return false;
  if (!sip::merge_key(msg).empty() && st.merged.count(sip::merge_key(msg)) > 0)
    return false;
  auto answer = sip::core::decide(msg, st.cfg.uas);
  if (!answer || answer->code != 200 ||
      answer->delegate != sip::core::service::none)
    return false;
  auto reply_to = in.flow.kind != sip_transport_kind::udp
                      ? in.flow.remote
                      : sip::core::response_destination(
                            msg, in.flow.remote, st.cfg.symmetric_responses);
  auto resp = sip::core::build_response(msg, *answer, sip::stateless_tag(key),
                                        st.cfg.uas);
  st.stateless->inc();
  st.cfg.out->send(in.flow, reply_to, sip::serialize(resp));
  return true;
}

void on_inbound(pointer self, sip_inbound& in) {
  auto& st = self->state;
  auto& msg = in.msg;
  if (msg.is_response()) {
    on_response(self, msg);
    return;
  }
  sip::core::stamp_via(msg, in.flow.remote);
  auto key = sip::strict_transaction_key(msg);
  if (key.empty()) {
    // No usable top Via or CSeq (RFC 4475 §3.1.2.1, §3.3.1): no transaction
    // can match it; answer 400 statelessly to the source, never to a Via.
    if (msg.method == "ACK" || msg.find(sip::header_id::via) == nullptr)
      return;
    auto err = sip::validate_request(msg);
    sip::core::uas_answer bad{400, err ? err->reason : "Bad Request", {}};
    auto resp = sip::core::build_response(msg, bad, sip::core::random_tag(),
                                          st.cfg.uas);
    st.cfg.out->send(in.flow, in.flow.remote, sip::serialize(resp));
    return;
  }
  if (msg.method == "ACK") {
    auto it = st.txs.find(key);
    if (it != st.txs.end() &&
        std::holds_alternative<sip::invite_server_transaction>(it->second.tx))
      step(self, key, sip::events::ack_received{});
    else if (auto o = st.owned.find(std::string{msg.value_of("Call-ID")});
             o != st.owned.end())
      // The ACK for the 2xx of a dialog the box answered: it stops the 2xx
      // retransmissions (RFC 3261 §13.3.1.4). Never answered.
      caf::anon_send(o->second, atoms::sipreq_atom::value,
                     sip_task{std::string{}, self, in, {}});
    else if (st.cfg.directory)
      forward_ack(self, msg); // an ACK for a 2xx of a call through us
    return;                   // other ACKs without a transaction are absorbed
  }
  if (auto it = st.txs.find(key); it != st.txs.end()) {
    st.absorbed->inc();
    ++st.stats.retransmissions;
    step(self, key, sip::events::request_received{});
    return;
  }
  bool reliable = in.flow.kind != sip_transport_kind::udp;
  if (msg.method == "OPTIONS" && answer_statelessly(self, key, in))
    return;
  if (too_late_to_start(in, st.cfg.max_queue_delay)) {
    // Too far behind: shed a new request (RFC 3261 §21.5.4).
    st.overload->inc();
    sip::core::uas_answer busy{
        503, "Service Unavailable", {{"Retry-After", "5"}}};
    auto resp = sip::core::build_response(msg, busy, sip::stateless_tag(key),
                                          st.cfg.uas);
    st.cfg.out->send(in.flow,
                     sip::core::response_destination(
                         msg, in.flow.remote, st.cfg.symmetric_responses),
                     sip::serialize(resp));
    return;
  }
  auto reply_to =
      reliable ? in.flow.remote
               : sip::core::response_destination(msg, in.flow.remote,
                                                 st.cfg.symmetric_responses);
  if (st.txs.size() >= st.cfg.max_transactions) {
    sip::core::uas_answer busy{
        503, "Service Unavailable", {{"Retry-After", "5"}}};
    auto resp = sip::core::build_response(msg, busy, sip::stateless_tag(key),
                                          st.cfg.uas);
    st.cfg.out->send(in.flow, reply_to, sip::serialize(resp));
    return;
  }
  server_tx entry{
      msg.method == "INVITE"
          ? machine{sip::invite_server_transaction{st.cfg.timers, reliable}}
          : machine{sip::non_invite_server_transaction{st.cfg.timers,
                                                       reliable}},
      in.flow,
      reply_to,
      std::move(msg),
      false,
      {}};
  st.txs.emplace(key, std::move(entry));
  st.stats.server_transactions = st.txs.size();
  step(self, key, sip::events::request_received{});
}

} // namespace ivm::actors::router
