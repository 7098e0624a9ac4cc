// A call from a legacy phone behind a media gateway (issue 18,
// docs/call-routing.md): the gateway actor asks the callee's client actor
// what their rules say before it rings anything; ring (the devices to
// call), decline, forward, voicemail, ask or IM-and-terminate come back as
// an intercom_reach the gateway carries out; an offer by IM keeps the
// answer until the user replied or the offer timed out.

#include <caf/send.hpp>

#include "actors/client/client_state.hpp"

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
        call_offer offer;
        offer.caller = caller;
        offer.caller_name = name.empty() ? caller : name;
        offer.d = *d;
        offer.settle = [self, rp, caller,
                        d = *d](int choice, std::vector<proxy_target> devices) {
          intercom_reach r;
          if (choice == 0)
            r = legacy_reach(self, fallback_of(d), caller);
          else if (choice == 1)
            r.targets = std::move(devices);
          else
            r.action = choice == 2 ? "decline" : "voicemail";
          rp->deliver(std::move(r));
        };
        open_offer(self, std::move(offer),
                   "Call from " + who(caller, name.empty() ? caller : name) +
                       " - reply 1 to take it, 2 to decline, 3 to send to "
                       "voicemail");
      });
  return *rp;
}

} // namespace ivm::actors::client
