#pragma once

// The SIP router shard's state and the parts its files share (private to
// actors/sip): server transactions and the transaction user
// (router_server.cpp), the box's own requests (router_client.cpp), the
// stateful proxy (router_proxy.cpp) and the actor with its timers
// (router_actor.cpp). The pure parts (transaction keys, the proxy's
// response context, the transaction machines) live in appliance/sip.

#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/sip/router_actor.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/sip/proxy/dialog_tracker.hpp"
#include "appliance/sip/proxy/response_context.hpp"
#include "appliance/sip/transaction/client_transaction.hpp"
#include "appliance/sip/transaction/server_transaction.hpp"

namespace ivm::actors::router {

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
  /// A device the box runs (proxy_target::local): no client transaction;
  /// `ckey` names the branch to it.
  caf::actor local;
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
  /// Local branches (legacy phones) by branch key -> (proxy key, index).
  std::unordered_map<std::string, std::pair<std::string, std::size_t>> locals;
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

// Timers (router_actor.cpp): one CAF timeout for the earliest.
void arm(pointer self, steady::time_point at);
void schedule(pointer self, const std::string& key,
              const sip::effects::start_timer& t);

// Server transactions and the transaction user (router_server.cpp).
void step(pointer self, const std::string& key, const sip::server_event& ev);
void apply(pointer self, const std::string& key,
           const sip::transaction_effects& effects);
/// Sends the TU's response through the transaction.
void respond(pointer self, const std::string& key, const sip::message& resp);
void respond_with(pointer self, const std::string& key, int code,
                  std::string reason,
                  std::vector<std::pair<std::string, std::string>> hdrs = {});
void on_inbound(pointer self, sip_inbound& in);

// The box's own requests (router_client.cpp).
void step_client(pointer self, const std::string& key,
                 const sip::client_event& ev);
/// Starts a client transaction for `request`; false on a branch collision.
bool start_client(pointer self, const sip::message& request, client_tx c);
void on_send(pointer self, sip_request_task& task);
void on_response(pointer self, const sip::message& resp);

// The stateful proxy (router_proxy.cpp).
void on_proxy_timer(pointer self, const std::string& key, std::uint64_t gen);
void publish_dialogs(pointer self, const std::string& call_id);
void send_cancel(pointer self, proxy_branch& b);
void act(pointer self, const std::string& key,
         const sip::proxy::response_context::action& a);
bool in_dialog_for_proxy(const router_state& st, const sip::message& req);
void proxy_in_dialog(pointer self, const std::string& key);
void forward_ack(pointer self, sip::message& ack);
void on_branch_response(pointer self, const std::string& ckey,
                        const sip::message& resp);
void on_branch_failure(pointer self, const std::string& ckey);
void on_branch_gone(pointer self, const std::string& proxy_key);
void on_plan(pointer self, const std::string& key, proxy_plan& plan);

// Local branches: devices the box runs itself (router_local.cpp).
/// Offers the request of proxy `key` to `t.local` as branch `idx`.
void start_local(pointer self, const std::string& key, std::size_t idx,
                 const proxy_target& t);
/// A response of local branch `branch`.
void on_local_response(pointer self, const std::string& branch,
                       const sip::message& resp);
/// Tells a local branch the call is cancelled or taken elsewhere.
void cancel_local(pointer self, proxy_branch& b);

} // namespace ivm::actors::router
