#include "actors/sip/router_actor.hpp"

#include <array>
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
#include "appliance/sip/proxy/dialog_tracker.hpp"
#include "appliance/sip/proxy/forward.hpp"
#include "appliance/sip/proxy/response_context.hpp"
#include "appliance/sip/response.hpp"
#include "appliance/sip/serializer.hpp"
#include "appliance/sip/transaction/client_transaction.hpp"
#include "appliance/sip/transaction/server_transaction.hpp"
#include "appliance/sip/transaction_key.hpp"
#include "appliance/sip/uri.hpp"
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

using client_machine = std::variant<sip::non_invite_client_transaction,
                                    sip::invite_client_transaction>;

/// A request the box sent (RFC 3261 §17.1.2), keyed "c\n" + branch + method:
/// its own (the outcome goes to `requester`) or a proxied branch (the
/// responses go to the proxy transaction `proxy_key`).
struct client_tx {
  client_machine tx;
  std::uint64_t id = 0;
  caf::actor requester;
  sip_flow flow;
  net::endpoint dest;
  bool reported = false;
  std::string proxy_key;
  std::size_t branch = 0;
  /// The box's own INVITE (intercom): kept for the ACK of a failure answer;
  /// its 1xx and every 2xx go to the requester too.
  sip::message invite;
  bool own_invite = false;
};

/// One target of a proxied request (RFC 3261 §16.6).
struct proxy_branch {
  std::string ckey;     ///< its client transaction
  sip::message request; ///< as sent (for CANCEL and ACK)
  sip_transport_kind kind = sip_transport_kind::udp;
  bool provisional = false;   ///< a 1xx came: CANCEL may be sent (§9.1)
  bool cancel_wanted = false; ///< CANCEL once a 1xx comes
  bool cancelled = false;     ///< CANCEL sent
};

/// A request the box proxies statefully (RFC 3261 §16), keyed like its
/// server transaction.
struct proxy_tx {
  explicit proxy_tx(sip::message req) : ctx(req), request(std::move(req)) {}
  sip::proxy::response_context ctx;
  sip::message request; ///< as received
  std::vector<proxy_branch> branches;
  std::size_t alive = 0; ///< client transactions not terminated yet
  sip_flow up_flow;      ///< where the request came from
  net::endpoint up_addr;
  bool initial = false; ///< a dialog-creating INVITE (tracked for BLF)
  bool cancelled = false;
  std::uint64_t timer_gen = 0;
};

/// Both ends of a call the box record-routed, so that in-dialog requests
/// reach the phones over the flows they use (NAT, TCP connections).
struct dialog_side {
  sip_flow flow;
  net::endpoint addr;
};

struct dialog_route {
  std::string caller_tag;
  dialog_side caller;
  dialog_side callee;
  std::chrono::steady_clock::time_point since;
};

/// Calls never hung up (a phone lost power) are forgotten after this, when
/// many calls are remembered.
constexpr std::chrono::hours call_memory{12};
constexpr std::size_t calls_before_sweep = 10000;

/// A transaction timer waiting in the shard's queue.
struct pending_timer {
  std::string key;
  sip::timer_id id;
  std::uint64_t generation;
};

using steady = std::chrono::steady_clock;

constexpr std::array<std::string_view, 5> counted_methods = {
    "REGISTER", "MESSAGE", "INVITE", "SUBSCRIBE", "OPTIONS"};

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
  std::unordered_map<std::string, proxy_tx> proxies;
  /// Calls by Call-ID (every message of a call comes to this shard).
  std::unordered_map<std::string, dialog_route> dialogs;
  sip::proxy::dialog_tracker tracker;
  /// Dialogs the box itself answered (recordings), by Call-ID.
  std::unordered_map<std::string, caf::actor> owned;
  metrics::counter* proxied = nullptr;
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
  /// By method: REGISTER, MESSAGE, INVITE, SUBSCRIBE, OPTIONS (the
  /// console's rates).
  std::array<metrics::counter*, 5> by_method{};
  metrics::counter* absorbed = nullptr;
  metrics::counter* responses = nullptr;
  metrics::counter* stray = nullptr;
  /// Calls up through this shard (confirmed dialogs), as last counted.
  metrics::level* calls = nullptr;
  std::int64_t calls_counted = 0;
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

void on_proxy_timer(pointer self, const std::string& key, std::uint64_t gen);
void publish_dialogs(pointer self, const std::string& call_id);
void send_cancel(pointer self, proxy_branch& b);
void act(pointer self, const std::string& key,
         const sip::proxy::response_context::action& a);
bool in_dialog_for_proxy(const router_state& st, const sip::message& req);
void proxy_in_dialog(pointer self, const std::string& key);
void forward_ack(pointer self, sip::message& ack);

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
    else if (t.key.rfind("p\n", 0) == 0)
      on_proxy_timer(self, t.key.substr(2), t.generation);
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
  if (auto o = st.owned.find(std::string{req.value_of("Call-ID")});
      o != st.owned.end()) {
    auto to = sip::parse_name_addr(req.value_of("To"));
    if (to && to->tag()) {
      // An in-dialog request of a dialog the box answered itself.
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
          sip::core::build_response(req, *answer, deterministic_tag(key),
                                    st.cfg.uas));
}

// -- client transactions
// -------------------------------------------------------

void report(pointer, client_tx& c, int status, sip::message resp) {
  if (c.reported || !c.proxy_key.empty())
    return;
  c.reported = true;
  caf::anon_send(c.requester, atoms::sipresult_atom::value, c.id, status,
                 std::move(resp));
}

// Proxy side (defined below).
void on_branch_response(pointer self, const std::string& ckey,
                        const sip::message& resp);
void on_branch_failure(pointer self, const std::string& ckey);
void on_branch_gone(pointer self, const std::string& proxy_key);

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

// -- the stateful proxy (RFC 3261 §16)
// -----------------------------------------

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
  for (auto i : p.ctx.pending_branches()) {
    if (i < p.branches.size() && p.branches[i].provisional)
      send_cancel(self, p.branches[i]);
    if (st.proxies.count(key) == 0)
      return;
    act(self, key, p.ctx.on_failure(i));
  }
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
        proxy_branch{"c\n" + sip::client_transaction_key_of_request(*fwd), *fwd,
                     t.flow.kind, false, false, false});
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
    return proxy_target{{}, side.flow, side.addr};
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
  return proxy_target{{}, sip_flow{sip_transport_kind::udp, 0, dest}, dest};
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
  if (in.received != std::chrono::steady_clock::time_point{} &&
      msg.method != "CANCEL" &&
      std::chrono::steady_clock::now() - in.received > st.cfg.max_queue_delay) {
    auto to = sip::parse_name_addr(msg.value_of("To"));
    if (to && !to->tag()) {
      // Too far behind: shed a new request (RFC 3261 §21.5.4).
      st.overload->inc();
      sip::core::uas_answer busy{
          503, "Service Unavailable", {{"Retry-After", "5"}}};
      auto resp = sip::core::build_response(msg, busy, deterministic_tag(key),
                                            st.cfg.uas);
      st.cfg.out->send(in.flow,
                       sip::core::response_destination(
                           msg, in.flow.remote, st.cfg.symmetric_responses),
                       sip::serialize(resp));
      return;
    }
  }
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
  for (std::size_t i = 0; i < counted_methods.size(); ++i) {
    std::string lower{counted_methods[i]};
    for (auto& c : lower)
      c = static_cast<char>(c - 'A' + 'a');
    st.by_method[i] = &m.make_counter(
        "ivm_sip_" + lower + "_requests_total",
        "New SIP " + std::string{counted_methods[i]} + " requests handled.");
  }
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
  st.proxied = &m.make_counter("ivm_sip_proxied_total",
                               "Requests forwarded statefully (calls).");
  st.stray = &m.make_counter("ivm_sip_stray_responses_total",
                             "Responses that matched no transaction.");
  st.calls = &m.make_level("ivm_calls_active",
                           "Calls up through the box (dialogs it proxies).");
  return {
      [self](atoms::recv_atom, sip_inbound& in) { on_inbound(self, in); },
      [self](caf::tick_atom, std::uint64_t due_ns) { on_tick(self, due_ns); },
      [self](atoms::sipresp_atom, const std::string& key,
             const sip::message& resp) { respond(self, key, resp); },
      [self](atoms::sipsend_atom, sip_request_task& task) {
        on_send(self, task);
      },
      [self](atoms::proxy_atom, const std::string& key, proxy_plan& plan) {
        on_plan(self, key, plan);
      },
      [self](atoms::dialog_atom, const std::string& call_id,
             const caf::actor& owner) {
        auto& owned = self->state.owned;
        if (owner)
          owned[call_id] = owner;
        else
          owned.erase(call_id);
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
