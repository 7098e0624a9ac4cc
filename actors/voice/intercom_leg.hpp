#pragma once

// The SIP side of one intercom leg (issue 6): the box calls a recipient's
// device with auto-answer and later ends the call. Message builders only;
// the session actor sends them and keeps the leg's state.

#include <optional>
#include <string>

#include "actors/api/sip.hpp"
#include "actors/client/client_actor.hpp"
#include "appliance/sip/message.hpp"

namespace ivm::actors {

/// The dialog of one leg, as the box (the UAC) knows it.
struct leg_dialog {
  std::string call_id;
  std::string local_tag;
  std::string from;       ///< our From, with the tag
  std::string to;         ///< their To (with their tag once answered)
  std::string remote_uri; ///< the Request-URI of in-dialog requests
  proxy_target target;    ///< how the device is reached
  sip::message invite;    ///< as sent (for CANCEL)
};

/// What the INVITE says about the caller and the recipient.
struct intercom_call {
  std::string caller_ext;
  std::string caller_name;
  std::string recipient_ext;
  std::string sdp; ///< the box's offer
  /// False for a plain call (a legacy phone calling a user, issue 15): no
  /// auto-answer headers, the caller's own name.
  bool auto_answer = true;
};

/// The INVITE to `target` with auto-answer: `Call-Info: <sip:BOX>;
/// answer-after=0` (Snom, Yealink, Grandstream, Cisco), `Alert-Info:
/// <...>;info=alert-autoanswer` (Polycom and others) and `Answer-Mode: Auto`
/// (RFC 5373). From shows the caller; the dialog's state is in the result.
leg_dialog make_intercom_invite(const client_config& cfg,
                                const intercom_call& call,
                                const proxy_target& target);

/// The ACK for a 2xx (RFC 3261 §13.2.2.4): to the 2xx's Contact, CSeq 1.
/// Updates `d` with the remote tag and target from `ok`.
sip::message make_leg_ack(const client_config& cfg, leg_dialog& d,
                          const sip::message& ok);

/// The BYE that ends an answered leg (CSeq 2).
sip::message make_leg_bye(const client_config& cfg, const leg_dialog& d);

/// The CANCEL of an unanswered leg (RFC 3261 §9.1): the INVITE's Request-URI,
/// top Via, From, To, Call-ID and CSeq number.
sip::message make_leg_cancel(const leg_dialog& d);

} // namespace ivm::actors
