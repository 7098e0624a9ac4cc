// Local branches of the stateful proxy (issue 15): a call to a user rings
// their SIP devices and their legacy phone together. The legacy phone's
// station is a branch with no client transaction: the router offers it the
// request as received, it answers with responses built from that request
// (as a UAS would), and the response context picks among all branches as
// usual (RFC 3261 §16.7). The dialog of an answering station is the box's
// own: its in-dialog requests go to the station's actor (`owned`).

#include "actors/sip/router_state.hpp"

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "actors/api/services.hpp"
#include "appliance/sip/core/routing.hpp"

namespace ivm::actors::router {

void start_local(pointer self, const std::string& key, std::size_t idx,
                 const proxy_target& t) {
  auto& st = self->state;
  auto pit = st.proxies.find(key);
  if (pit == st.proxies.end())
    return;
  auto& p = pit->second;
  proxy_branch b;
  b.ckey = "l\n" + sip::core::random_tag();
  b.kind = p.up_flow.kind;
  b.provisional = true; // may be cancelled at any time
  b.local = t.local;
  st.locals[b.ckey] = {key, idx};
  ++p.alive;
  caf::anon_send(t.local, atoms::proxy_atom::value, b.ckey, t.line,
                 sip_task{key,
                          caf::actor_cast<sip_router_actor>(self),
                          sip_inbound{p.request, p.up_flow, {}},
                          {}});
  p.branches.push_back(std::move(b));
}

void cancel_local(pointer self, proxy_branch& b) {
  (void)self;
  b.cancelled = true;
  caf::anon_send(b.local, atoms::proxy_atom::value, b.ckey);
}

void on_local_response(pointer self, const std::string& branch,
                       const sip::message& resp) {
  auto& st = self->state;
  auto lit = st.locals.find(branch);
  if (lit == st.locals.end())
    return;
  auto [key, idx] = lit->second;
  auto pit = st.proxies.find(key);
  if (pit == st.proxies.end() || idx >= pit->second.branches.size()) {
    st.locals.erase(lit);
    return;
  }
  auto& p = pit->second;
  auto& b = p.branches[idx];
  bool final = resp.status_code >= 200;
  if (final)
    st.locals.erase(lit);
  auto call_id = std::string{resp.value_of("Call-ID")};
  if (resp.status_code >= 200 && resp.status_code < 300) {
    if (p.cancelled || p.ctx.final_sent()) {
      // Too late: the call went elsewhere or was given up. The station never
      // had a dialog upstream; it only hangs up.
      if (!b.cancelled)
        cancel_local(self, b);
      on_branch_gone(self, key);
      return;
    }
    st.owned[call_id] = b.local;
  }
  if (p.initial && st.tracker.on_response(resp))
    publish_dialogs(self, call_id);
  act(self, key, p.ctx.on_response(idx, resp));
  if (final)
    on_branch_gone(self, key);
}

} // namespace ivm::actors::router
