// A PBX call ringing the user's desk phone whose rule offers it by IM
// (issue 18, docs/call-routing.md "Calls to a desk phone on a PBX"): the
// desk phone goes on ringing while the user's devices get the offer; the
// answer goes back to the CTI link, which answers the call at the desk phone
// (AnswerCall), clears it or deflects it to the box's voicemail through the
// PBX's SIP trunk; no answer in time is the rule's fallback.

#include <caf/send.hpp>

#include "actors/client/client_state.hpp"
#include "appliance/directory/intake.hpp"

namespace ivm::actors::client {

void offer_pbx(pointer self, pbx_offer& o) {
  auto& st = self->state;
  if (st.offer_ || (online_devices(st) == 0 && st.stations.empty())) {
    // One offer at a time; nobody online to see it: the fallback at once.
    call_offer now;
    now.pbx = std::move(o);
    pbx_offer_done(self, now, 0);
    return;
  }
  auto token = st.next_token++;
  auto name = o.caller_name.empty() ? o.caller : o.caller_name;
  auto caller = o.caller;
  auto timeout = o.timeout_s;
  call_offer offer;
  offer.caller = caller;
  offer.caller_name = name;
  offer.d.timeout_s = timeout;
  offer.token = token;
  offer.since = directory::unix_now();
  offer.pbx = std::move(o);
  st.offer_ = std::make_unique<call_offer>(std::move(offer));
  tell_user(self, "Call from " + who(caller, name) +
                      " at your desk phone - reply 1 to answer it there, 2 "
                      "to decline, 3 to send to voicemail");
  self->delayed_send(self, std::chrono::seconds{timeout},
                     atoms::offer_atom::value, token);
}

void pbx_offer_done(pointer self, const call_offer& offer, int choice) {
  const auto& o = *offer.pbx;
  std::string action = choice == 1   ? "answer"
                       : choice == 2 ? "decline"
                       : choice == 3 ? "voicemail"
                                     : o.fallback;
  std::string to = choice == 0 ? o.fallback_to : std::string{};
  self->state.log->info("PBX call from {} to {} ({}): {}", o.caller,
                        self->state.user.extension, o.device, action);
  caf::anon_send(o.link, atoms::offer_atom::value, o.device, o.call, action,
                 to);
}

} // namespace ivm::actors::client
