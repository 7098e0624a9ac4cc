// A PBX call ringing the user's desk phone whose rule offers it by IM
// (issue 18, docs/call-routing.md "Calls to a desk phone on a PBX"): the
// desk phone goes on ringing while the user's devices get the offer; the
// answer goes back to the CTI link, which answers the call at the desk phone
// (AnswerCall), clears it or deflects it to the box's voicemail through the
// PBX's SIP trunk; no answer in time is the rule's fallback.

#include <caf/send.hpp>

#include "actors/client/client_state.hpp"

namespace ivm::actors::client {

void offer_pbx(pointer self, pbx_offer& o) {
  call_offer offer;
  offer.caller = o.caller;
  offer.caller_name = o.caller_name.empty() ? o.caller : o.caller_name;
  offer.d.timeout_s = o.timeout_s;
  offer.taking = "Answering at your desk phone.";
  offer.to_devices = false;
  auto text = "Call from " + who(offer.caller, offer.caller_name) +
              " at your desk phone - reply 1 to answer it there, 2 to "
              "decline, 3 to send to voicemail";
  offer.settle = [self, o](int choice, const std::vector<proxy_target>&) {
    std::string action = choice == 1   ? "answer"
                         : choice == 2 ? "decline"
                         : choice == 3 ? "voicemail"
                                       : o.fallback;
    std::string to = choice == 0 ? o.fallback_to : std::string{};
    self->state.log->info("PBX call from {} to {} ({}): {}", o.caller,
                          self->state.user.extension, o.device, action);
    caf::anon_send(o.link, atoms::offer_atom::value, o.device, o.call, action,
                   to);
  };
  open_offer(self, std::move(offer), text);
}

} // namespace ivm::actors::client
