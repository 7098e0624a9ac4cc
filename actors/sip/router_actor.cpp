#include "actors/sip/router_actor.hpp"

#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/sip/outbound.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/sip/core/routing.hpp"
#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/response.hpp"
#include "appliance/sip/serializer.hpp"
#include "appliance/sip/transaction/client_transaction.hpp"
#include "appliance/sip/transaction/server_transaction.hpp"
#include "appliance/sip/transaction_key.hpp"
#include "appliance/sip/validate.hpp"

namespace ivm::actors {

namespace {

using machine = std::variant<sip::invite_server_transaction,
                             sip::non_invite_server_transaction>;

struct server_tx {
  machine tx;
  sip_flow flow;
  net::endpoint reply_to;
  /// The request, kept while the TU has not answered it (INVITE: until a
  /// final response, for CANCEL).
  sip::message request;
  bool final_sent = false;
  std::string merge_key;
};

/// A request the box sent (RFC 3261 §17.1.2), keyed "c\n" + branch + method.
struct client_tx {
  sip::non_invite_client_transaction tx;
  std::uint64_t id = 0;
  caf::actor requester;
  sip_flow flow;
  net::endpoint dest;
  bool reported = false;
};

/// A transaction timer waiting in the shard's queue.
struct pending_timer {
  std::string key;
  sip::timer_id id;
  std::uint64_t generation;
};

using steady = std::chrono::steady_clock;

struct router_state {
  sip_router_config cfg;
  /// RFC 3261 timers of all transactions, by due time. One CAF timeout (a
  /// "tick") is pending for the earliest, instead of one per transaction:
  /// each CAF timeout wakes CAF's clock thread.
  std::multimap<steady::time_point, pending_timer> timers;
  /// Due times of the ticks in flight.
  std::multiset<steady::time_point> ticks;
  std::unordered_map<std::string, server_tx> txs;
  std::unordered_map<std::string, client_tx> ctxs;
  /// Transactions waiting for the directory's answer.
  std::unordered_set<std::string> pending;
  metrics::counter* overload = nullptr;
  /// The response being fed to a client transaction (for `pass_to_tu`).
  const sip::message* current_response = nullptr;
  /// From tag + Call-ID + CSeq of requests without To tag -> transaction
  /// (merged-request detection, RFC 3261 §8.2.2.2).
  std::unordered_map<std::string, std::string> merged;
  sip_router_stats stats;
  metrics::counter* requests = nullptr;
  metrics::counter* absorbed = nullptr;
  metrics::counter* responses = nullptr;
  metrics::counter* stray = nullptr;
  metrics::counter* stateless = nullptr;
  std::shared_ptr<spdlog::logger> log = log::get("sip");
  static inline const char* name = "sip_router";
};

using pointer = sip_router_actor::stateful_pointer<router_state>;

std::string deterministic_tag(const std::string& key) {
  // A stateless retransmission must get the same To tag (RFC 3261 §8.2.7).
  static const char hex[] = "0123456789abcdef";
  auto h = std::hash<std::string>{}(key);
  std::string out(16, '0');
  for (auto& c : out) {
    c = hex[h & 0xf];
    h >>= 4;
  }
  return out;
}

void apply(pointer self, const std::string& key,
           const sip::transaction_effects& effects);

/// Ticks are rounded up to this, so timers due close together share one.
constexpr std::chrono::milliseconds tick_granularity{5};

void arm(pointer self, steady::time_point at) {
  auto& st = self->state;
  if (!st.ticks.empty() && *st.ticks.begin() <= at + tick_granularity)
    return; // an earlier tick comes first and re-arms
  auto now = steady::now();
  auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(at - now) +
               tick_granularity;
  if (delay < tick_granularity)
    delay = tick_granularity;
  auto due = now + delay;
  st.ticks.insert(due);
  self->delayed_send(
      self, delay, caf::tick_atom::value,
      static_cast<std::uint64_t>(due.time_since_epoch().count()));
}

void schedule(pointer self, const std::string& key,
              const sip::effects::start_timer& t) {
  auto at = steady::now() + t.after;
  self->state.timers.emplace(at, pending_timer{key, t.id, t.generation});
  arm(self, at);
}

void step_client(pointer self, const std::string& key,
                 const sip::client_event& ev);

void step(pointer self, const std::string& key, const sip::server_event& ev);

void on_tick(pointer self, std::uint64_t due_ns) {
  auto& st = self->state;
  auto due = steady::time_point{steady::duration{due_ns}};
  if (auto it = st.ticks.find(due); it != st.ticks.end())
    st.ticks.erase(it);
  auto now = steady::now();
  // Fire what is due; firing may schedule new timers (into the map).
  while (!st.timers.empty() && st.timers.begin()->first <= now) {
    auto node = st.timers.extract(st.timers.begin());
    auto& t = node.mapped();
    sip::events::timer_fired ev{t.id, t.generation};
    if (t.key.rfind("c\n", 0) == 0)
      step_client(self, t.key, ev);
    else
      step(self, t.key, ev);
  }
  if (!st.timers.empty())
    arm(self, st.timers.begin()->first);
}

// RFC 3261 §17.2.3 matching, made stricter by the Call-ID and CSeq number:
// a real retransmission (and its ACK or CANCEL) repeats both, while clients
// that reuse one branch for different requests (RFC 4475 §3.3.12/13 share
// one) no longer collide.
std::string transaction_key(const sip::message& msg) {
  auto key = sip::server_transaction_key(msg);
  if (key.empty())
    return key;
  auto cseq = sip::parse_cseq(msg.value_of("CSeq"));
  key += '\n';
  key += msg.value_of("Call-ID");
  key += '\n';
  key += cseq ? std::to_string(cseq->number) : std::string{};
  return key;
}

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
                  std::vector<std::pair<std::string, std::string>> hdrs = {}) {
  auto it = self->state.txs.find(key);
  if (it == self->state.txs.end())
    return;
  sip::core::uas_answer answer{code, std::move(reason), std::move(hdrs)};
  respond(self, key,
          sip::core::build_response(it->second.request, answer,
                                    deterministic_tag(key),
                                    self->state.cfg.uas));
}

std::string merge_key_of(const sip::message& req) {
  auto to = sip::parse_name_addr(req.value_of("To"));
  if (!to || sip::param_value(to->params, "tag"))
    return {};
  auto from = sip::parse_name_addr(req.value_of("From"));
  auto tag = from ? sip::param_value(from->params, "tag") : std::nullopt;
  if (!tag)
    return {};
  return std::string{*tag} + '\n' + std::string{req.value_of("Call-ID")} +
         '\n' + std::string{req.value_of("CSeq")};
}

// CANCEL (RFC 3261 §9.2): 200 for the CANCEL, 487 for a pending INVITE.
void on_cancel(pointer self, const std::string& key) {
  auto& st = self->state;
  auto invite = st.txs.at(key).request;
  invite.method = "INVITE";
  if (auto cs = sip::parse_cseq(invite.value_of("CSeq")))
    invite.replace("CSeq", std::to_string(cs->number) + " INVITE");
  auto invite_key = transaction_key(invite);
  auto it = st.txs.find(invite_key);
  if (it == st.txs.end() ||
      !std::holds_alternative<sip::invite_server_transaction>(it->second.tx)) {
    respond_with(self, key, 481, "Call/Transaction Does Not Exist");
    return;
  }
  respond_with(self, key, 200, "OK");
  if (!it->second.final_sent)
    respond_with(self, invite_key, 487, "Request Terminated");
}

// The transaction user: what the box does with a new request.
void on_request(pointer self, const std::string& key) {
  auto& st = self->state;
  auto& entry = st.txs.at(key);
  const auto& req = entry.request;
  st.requests->inc();
  ++st.stats.requests;
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
  for (auto& me : st.cfg.self)
    if (sip::core::via_names(req, me)) {
      respond_with(self, key, 482, "Loop Detected");
      return;
    }
  if (auto mk = merge_key_of(req); !mk.empty()) {
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
               sip_task{key, self, sip_inbound{req, entry.flow}});
    return;
  }
  respond(self, key,
          sip::core::build_response(req, *answer, deterministic_tag(key),
                                    st.cfg.uas));
}

// -- client transactions
// -------------------------------------------------------

void report(pointer, client_tx& c, int status, sip::message resp) {
  if (c.reported)
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
    if (auto send = std::get_if<sip::effects::send>(&eff)) {
      st.cfg.out->send(c.flow, c.dest, send->bytes);
    } else if (auto t = std::get_if<sip::effects::start_timer>(&eff)) {
      schedule(self, key, *t);
    } else if (auto p = std::get_if<sip::effects::pass_to_tu>(&eff)) {
      if (p->status_code >= 200 && st.current_response)
        report(self, c, p->status_code, *st.current_response);
    } else if (std::holds_alternative<sip::effects::timeout>(eff)) {
      report(self, c, 408, sip::message{});
    } else if (std::holds_alternative<sip::effects::transport_failure>(eff)) {
      report(self, c, 503, sip::message{});
    } else if (std::holds_alternative<sip::effects::terminated>(eff)) {
      report(self, c, 408, sip::message{}); // no final answer at all
      st.ctxs.erase(it);
      return;
    }
  }
}

void step_client(pointer self, const std::string& key,
                 const sip::client_event& ev) {
  auto it = self->state.ctxs.find(key);
  if (it == self->state.ctxs.end())
    return;
  auto effects = it->second.tx.step(ev, std::chrono::steady_clock::now());
  apply_client(self, key, effects);
}

void on_send(pointer self, sip_request_task& task) {
  auto& st = self->state;
  auto key = "c\n" + sip::client_transaction_key_of_request(task.request);
  bool reliable = task.flow.kind != sip_transport_kind::udp;
  auto bytes = sip::serialize(task.request);
  client_tx c{sip::non_invite_client_transaction{st.cfg.timers, reliable},
              task.id,
              std::move(task.requester),
              task.flow,
              task.dest,
              false};
  if (!st.ctxs.emplace(key, std::move(c)).second) {
    caf::anon_send(task.requester, atoms::sipresult_atom::value, task.id, 500,
                   sip::message{}); // a branch collision: never sent
    return;
  }
  step_client(self, key, sip::events::start{std::move(bytes)});
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
  for (auto& me : st.cfg.self)
    if (sip::core::via_names(msg, me))
      return false;
  if (!merge_key_of(msg).empty() && st.merged.count(merge_key_of(msg)) > 0)
    return false;
  auto answer = sip::core::decide(msg, st.cfg.uas);
  if (!answer || answer->code != 200 ||
      answer->delegate != sip::core::service::none)
    return false;
  auto reply_to = in.flow.kind != sip_transport_kind::udp
                      ? in.flow.remote
                      : sip::core::response_destination(
                            msg, in.flow.remote, st.cfg.symmetric_responses);
  auto resp = sip::core::build_response(msg, *answer, deterministic_tag(key),
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
  auto key = transaction_key(msg);
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
    return; // ACKs without a transaction are absorbed
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
  auto reply_to =
      reliable ? in.flow.remote
               : sip::core::response_destination(msg, in.flow.remote,
                                                 st.cfg.symmetric_responses);
  if (st.txs.size() >= st.cfg.max_transactions) {
    sip::core::uas_answer busy{
        503, "Service Unavailable", {{"Retry-After", "5"}}};
    auto resp = sip::core::build_response(msg, busy, deterministic_tag(key),
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

sip_router_actor::behavior_type router_impl(pointer self,
                                            sip_router_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  auto& m = *st.cfg.metrics;
  st.requests =
      &m.make_counter("ivm_sip_requests_total", "New SIP requests handled.");
  st.absorbed = &m.make_counter("ivm_sip_retransmissions_absorbed_total",
                                "Retransmitted requests answered again.");
  st.responses = &m.make_counter("ivm_sip_responses_sent_total",
                                 "Responses sent by server transactions.");
  st.overload = &m.make_counter(
      "ivm_sip_overload_total",
      "UDP datagrams dropped, TCP/TLS connections closed or requests answered "
      "503 because the box was too far behind.");
  st.stateless = &m.make_counter(
      "ivm_sip_stateless_answers_total",
      "OPTIONS to the box answered without a transaction (RFC 3261 8.2.7).");
  st.stray = &m.make_counter("ivm_sip_stray_responses_total",
                             "Responses that matched no transaction.");
  return {
      [self](atoms::recv_atom, sip_inbound& in) { on_inbound(self, in); },
      [self](caf::tick_atom, std::uint64_t due_ns) { on_tick(self, due_ns); },
      [self](atoms::sipresp_atom, const std::string& key,
             const sip::message& resp) { respond(self, key, resp); },
      [self](atoms::sipsend_atom, sip_request_task& task) {
        on_send(self, task);
      },
      [self](atoms::stats_atom) { return self->state.stats; },
  };
}

} // namespace

sip_router_actor spawn_sip_router(caf::actor_system& sys,
                                  sip_router_config cfg) {
  return sys.spawn(router_impl, std::move(cfg));
}

} // namespace ivm::actors
