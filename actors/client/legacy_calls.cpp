// A call from a legacy phone behind a media gateway (issue 18,
// docs/call-routing.md): the gateway actor asks the callee's client actor
// what their rules say before it rings anything; ring (the devices to
// call), decline, forward, voicemail, ask or IM-and-terminate come back as
// an intercom_reach the gateway carries out; an offer by IM keeps the
// answer until the user replied or the offer timed out.

#include <caf/send.hpp>

#include "actors/client/client_state.hpp"
#include "appliance/directory/intake.hpp"

namespace ivm::actors::client {

intercom_reach legacy_reach(pointer self, const routing::decision& d,
                            const std::string& caller) {
  auto& st = self->state;
  intercom_reach r;
  switch (d.act) {
    case routing::action::ring:
    case routing::action::offer: // (as a fallback: not again)
      return intercom_targets(st);
    case routing::action::decline:
      r.action = "decline";
      break;
    case routing::action::notify:
      tell_user(self,
                "Call from " + caller + " at " + clock_text(st) +
                    ": not put through" +
                    (d.rule_name.empty() ? std::string{}
                                         : " (rule " + d.rule_name + ")") +
                    ".");
      r.action = "decline";
      break;
    case routing::action::forward:
    case routing::action::deflect:
      r.action = "forward";
      r.to = d.to;
      break;
    case routing::action::voicemail:
      r.action = "voicemail";
      break;
    case routing::action::ask: {
      r.action = "ask";
      r.ring_s = d.timeout_s;
      auto reach = intercom_targets(st); // "talk" rings these
      r.targets = std::move(reach.targets);
      break;
    }
  }
  return r;
}

caf::result<intercom_reach> legacy_call(pointer self, const std::string& caller,
                                        const std::string& name) {
  auto rp = std::make_shared<caf::typed_response_promise<intercom_reach>>(
      self->make_response_promise<intercom_reach>());
  with_decision(
      self, caller,
      [self, rp, caller, name](std::optional<routing::decision> d) {
        auto& st = self->state;
        if (!d || d->act != routing::action::offer) {
          rp->deliver(d ? legacy_reach(self, *d, caller)
                        : intercom_targets(st));
          return;
        }
        if (st.offer_ || online_devices(st) == 0) { // nobody to ask now
          routing::decision next;
          next.act = d->fallback.value_or(routing::action::voicemail);
          next.to = d->fallback_to;
          rp->deliver(legacy_reach(self, next, caller));
          return;
        }
        auto token = st.next_token++;
        call_offer offer;
        offer.caller = caller;
        offer.caller_name = name.empty() ? caller : name;
        offer.d = *d;
        offer.token = token;
        offer.since = directory::unix_now();
        offer.legacy = rp;
        tell_user(self, "Call from " + who(caller, offer.caller_name) +
                            " - reply 1 to take it, 2 to decline, 3 to send to "
                            "voicemail");
        st.offer_ = std::make_unique<call_offer>(std::move(offer));
        self->delayed_send(self, std::chrono::seconds{d->timeout_s},
                           atoms::offer_atom::value, token);
      });
  return *rp;
}

} // namespace ivm::actors::client
