#include "actors/sip/router_actor.hpp"

#include "actors/sip/router_state.hpp"

#include <caf/actor_system.hpp>

#include "actors/api/overload.hpp"

namespace ivm::actors {

namespace router {

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

namespace {

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

} // namespace

void schedule(pointer self, const std::string& key,
              const sip::effects::start_timer& t) {
  auto at = steady::now() + t.after;
  self->state.timers.emplace(at, pending_timer{key, t.id, t.generation});
  arm(self, at);
}

namespace {

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
  st.overload = &sip_overload_counter(m);
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
      [self](atoms::proxy_atom, const std::string& branch,
             const sip::message& resp) {
        on_local_response(self, branch, resp);
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
      [self](atoms::seen_atom, const std::string& key) {
        auto it = self->state.txs.find(key);
        return it != self->state.txs.end() && !it->second.final_sent;
      },
  };
}

} // namespace

} // namespace router

sip_router_actor spawn_sip_router(caf::actor_system& sys,
                                  sip_router_config cfg) {
  return sys.spawn(router::router_impl, std::move(cfg));
}

} // namespace ivm::actors
