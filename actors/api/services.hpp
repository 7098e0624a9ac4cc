#pragma once

// Interfaces of the directory (client_manager) and the per-user client
// actors (ARCHITECTURE §2).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/api/provisioning.hpp"
#include "actors/api/sip.hpp"
#include "appliance/directory/trunks.hpp"
#include "appliance/net/endpoint.hpp"
#include "appliance/sip/proxy/dialog_tracker.hpp"
#include "storage/records/records.hpp"

namespace ivm::actors {

/// A new request the router hands to the directory: the server transaction
/// `key` at `router` waits for the answer (`sipresp_atom`).
struct sip_task {
  std::string key;
  sip_router_actor router;
  sip_inbound in;
  /// REGISTER: the MAC of the provisioned phone whose own credentials it
  /// carried (issue 11), else empty.
  std::string device;
  /// INVITE from a user of the box: their display name (for the callee's
  /// call rules, issue 18).
  std::string caller_name = {};
};

/// A message to store for one recipient, with the request that brought it
/// when the sender waits for this recipient's outcome (single recipient).
struct enqueue_task {
  storage::records::queued_message msg;
  /// `records::request_identity` of the request (empty: no deduplication).
  std::string dedup;
  /// Present when the client answers the sender itself.
  std::optional<sip_task> sender;
};

/// The response to the request of `t` (RFC 3261 §8.2.6) with a fresh To
/// tag, `headers` and a Server header; the caller sends it to `t.router` as
/// `(sipresp_atom, t.key, response)`.
sip::message
make_answer(const sip_task& t, int code, std::string_view reason,
            const std::vector<std::pair<std::string, std::string>>& headers,
            std::string_view server);

/// What the directory keeps of a client actor that left memory (see
/// docs/architecture.md, "Client actors in and out of memory"): when it must
/// be back (an expiry its watchers hear of; 0: none) and the voice messages
/// waiting, which live nowhere else.
struct client_residue {
  std::uint64_t wake_at = 0;
  std::uint32_t voice_new = 0;
  std::uint32_t voice_old = 0;
  /// Its subscriptions were saved exactly as they were (no restart gap
  /// when it comes back, no repeated NOTIFY).
  bool saved_subscriptions = false;
  bool empty() const {
    return wake_at == 0 && voice_new == 0 && voice_old == 0 &&
           !saved_subscriptions;
  }
};

/// Where a live intercom reaches a user now (issue 6): every registered
/// device, or none and why (`absent`: offline, busy, dnd, signed out).
struct intercom_reach {
  std::vector<proxy_target> targets;
  std::string absent;
  /// A call from a legacy phone (issue 18): what the callee's rules say
  /// instead of ringing `targets` (""): "decline", "forward" (to `to`),
  /// "voicemail", "ask" (the menu; "talk" rings `targets` for `ring_s`).
  std::string action = {};
  std::string to = {};
  std::uint32_t ring_s = 20;
};

/// A legacy phone's side of a voice service (issue 15): the gateway actor
/// that controls its line and where the gateway receives RTP (PCMU). The
/// controller hears `(start_atom, line, int code)` when the service is
/// refused (SIP-like codes), `(start_atom, line, net::endpoint box_rtp,
/// caf::actor session)` when it runs, and `(leave_atom, line)` when the
/// box ended it; it sends the session `(leave_atom)` when the user hangs up
/// and `(command_atom, char)` for each key.
struct legacy_media {
  caf::actor controller;
  std::string line;
  net::endpoint remote;
};

/// A PBX call ringing a user's desk phone whose rule offers it by IM
/// (issue 18): the user's answer goes back to `link` (the CTI link actor) as
/// (offer_atom, device, call, action, to): "answer", "decline",
/// "voicemail", or the fallback's action when nobody answered.
struct pbx_offer {
  caf::actor link;
  std::string device; ///< the desk phone
  std::string call;   ///< the PBX's call id
  std::string caller; ///< extension or number
  std::string caller_name;
  std::uint32_t timeout_s = 20;
  std::string fallback = "voicemail";
  std::string fallback_to;
};

/// The PBXs' SIP trunks (issue 17), as the call agent has them now.
using sip_trunks = std::vector<directory::sip_trunk>;

/// The directory: accounts, groups, authentication, and the users' client
/// actors (spawned on first use).
using directory_actor = caf::typed_actor<
    caf::reacts_to<atoms::http_atom, http_exchange>,
    caf::reacts_to<atoms::sipreq_atom, sip_task>,
    caf::reacts_to<atoms::notify_atom, std::string,
                   storage::records::queued_message>,
    caf::reacts_to<atoms::dialog_atom, std::string, sip::proxy::dialog_view>,
    // Voice messages of a user: (extension, new, old).
    caf::reacts_to<atoms::mwi_atom, std::string, std::uint32_t, std::uint32_t>,
    // Phones (issue 11): one was heard of; the device record of a MAC.
    caf::reacts_to<atoms::seen_atom, device_sighting>,
    caf::replies_to<atoms::provision_atom, std::string>::with<device_lookup>,
    // Client actors: idle (may it leave?), left (with its residue), stays;
    // and its own timer granting the next idle clients their leave.
    caf::reacts_to<atoms::idle_atom, std::string>,
    caf::reacts_to<atoms::idle_atom>,
    caf::reacts_to<atoms::leave_atom, std::string, client_residue>,
    caf::reacts_to<atoms::stay_atom, std::string>,
    // Wake-ups of clients that left: the timer of generation N.
    caf::reacts_to<atoms::wake_atom, std::uint64_t>,
    // A legacy phone of user `ext` dialled a service code (*8, *7..., *9...).
    caf::reacts_to<atoms::start_atom, std::string, std::string, legacy_media>,
    // A legacy phone's call that the callee's rules answer with the ask
    // menu: (caller, "*7" + callee, media, the rules' answer).
    caf::reacts_to<atoms::start_atom, std::string, std::string, legacy_media,
                   intercom_reach>,
    // A legacy phone of `caller` calls `callee` (issue 18): their rules'
    // answer (ring the targets, or an action).
    caf::replies_to<atoms::rules_atom, std::string,
                    std::string>::with<intercom_reach>,
    // Where user `ext` can be called now (a legacy phone calls a user).
    caf::replies_to<atoms::intercom_atom, std::string>::with<intercom_reach>,
    // Digital desk phones on a PBX (issue 17, docs/legacy.md): the station
    // `device` of user `ext` on the link actor joins (true) or leaves the
    // user's devices; IM arrives there as `(deliver_atom, device, id,
    // queued_message, client)`, answered `(sipresult_atom, id, code, {})`.
    caf::reacts_to<atoms::station_atom, std::string, std::string, caf::actor,
                   bool>,
    // An IM typed on user `from`'s phone to extension `to`: "" when stored
    // for the recipient, else why not (for the display).
    caf::replies_to<atoms::message_atom, std::string, std::string,
                    std::string>::with<std::string>,
    // A text command of user `ext` typed on a phone: the box's answer.
    caf::replies_to<atoms::command_atom, std::string,
                    std::string>::with<std::string>,
    // User `ext`'s contacts for a phone: lines "ext\tname\tstatus" (status
    // empty where the contact does not share it).
    caf::replies_to<atoms::contacts_atom, std::string>::with<std::string>,
    // User `ext`'s stored replies with the fields filled, `caller` the
    // party they answer: one per line.
    caf::replies_to<atoms::canned_atom, std::string,
                    std::string>::with<std::string>,
    // The PBXs' SIP trunks, whole, each time one changes (issue 17).
    caf::reacts_to<atoms::trunk_atom, sip_trunks>,
    // A call a user's rules forward (issue 18): (call, caller, where to).
    caf::reacts_to<atoms::proxy_atom, sip_task, std::string, std::string>,
    // A PBX call offered to user `ext` by IM (issue 18).
    caf::reacts_to<atoms::offer_atom, std::string, pbx_offer>>;

/// One user: bindings, message queue, delivery.
using client_actor = caf::typed_actor<
    caf::reacts_to<atoms::register_atom, sip_task>,
    caf::reacts_to<atoms::enqueue_atom, enqueue_task>,
    caf::replies_to<atoms::enqueue_atom, enqueue_task, bool>::with<bool>,
    caf::reacts_to<atoms::sipresult_atom, std::uint64_t, int, sip::message>,
    caf::reacts_to<atoms::timer_atom, std::uint64_t>,
    caf::reacts_to<atoms::retry_atom, std::uint64_t>,
    // A new INVITE to this user from `caller`: answer with the plan.
    caf::reacts_to<atoms::proxy_atom, sip_task, std::string>,
    // SUBSCRIBE/PUBLISH to this user by (extension, display name).
    caf::reacts_to<atoms::presence_atom, sip_task, std::string, std::string>,
    caf::reacts_to<atoms::dialog_atom, sip::proxy::dialog_view>,
    // A text command this user sent to the box's service address.
    caf::reacts_to<atoms::command_atom, sip_task, std::string>,
    // The admin changed a contact list: kind 'c'/'w', other, state (-1 gone).
    caf::reacts_to<atoms::contacts_atom, std::string, std::string,
                   std::int32_t>,
    // The contact list: lines "c EXT" and "w EXT STATE".
    caf::replies_to<atoms::contacts_atom>::with<std::string>,
    caf::reacts_to<atoms::expire_atom, std::uint64_t>,
    // Voice messages waiting: new (unheard) and old (RFC 3842).
    caf::reacts_to<atoms::mwi_atom, std::uint32_t, std::uint32_t>,
    caf::replies_to<atoms::intercom_atom>::with<intercom_reach>,
    // A legacy phone's call from (extension, name): the rules' answer, maybe
    // only once the user answered an offer.
    caf::replies_to<atoms::rules_atom, std::string,
                    std::string>::with<intercom_reach>,
    // The phone `mac` registered with its own credentials: send it a NOTIFY
    // with Event `event` (empty: none), then drop its registrations if
    // `revoke` (its credentials ended).
    caf::reacts_to<atoms::checksync_atom, std::string, std::string, bool>,
    // Its own idle check (token), and the directory's "leave now".
    caf::reacts_to<atoms::idle_atom, std::uint64_t>,
    caf::reacts_to<atoms::leave_atom>,
    // A digital desk phone joins or leaves (see the directory's).
    caf::reacts_to<atoms::station_atom, std::string, caf::actor, bool>,
    // A text command typed on a phone: the answer.
    caf::replies_to<atoms::command_atom, std::string>::with<std::string>,
    // This user's status as watcher `ext` may see it ("" if not allowed).
    caf::replies_to<atoms::presence_atom, std::string>::with<std::string>,
    // The user's call-routing rules changed (issue 18); an offered call's
    // time to answer ran out.
    caf::reacts_to<atoms::rules_atom>,
    caf::reacts_to<atoms::offer_atom, std::uint64_t>,
    // The call offered to the user now, as JSON ("null": none); the user's
    // choice for it ("take", "decline", "voicemail"): what happened, or ""
    // when no call waits (/api/v1/me/offer, for web clients).
    caf::replies_to<atoms::offer_atom>::with<std::string>,
    caf::replies_to<atoms::offer_atom, std::string>::with<std::string>,
    caf::reacts_to<atoms::offer_atom, pbx_offer>>;

} // namespace ivm::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::sip_task)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::legacy_media)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::sip_trunks)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::pbx_offer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::intercom_reach)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::client_residue)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::enqueue_task)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::storage::records::queued_message)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::sip::proxy::dialog_view)
