#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "appliance/sip/events/packages.hpp"
#include "appliance/sip/message.hpp"

namespace ivm::sip::events {

/// Notifier-side subscription states (RFC 6665 §4.1.2).
enum class sub_state : std::uint8_t { pending, active, terminated };

/// Reasons of a terminated subscription (RFC 6665 §4.1.3).
enum class term_reason : std::uint8_t {
  none,
  timeout,
  rejected,
  deactivated,
  noresource,
  giveup,
};

const char* to_string(sub_state x) noexcept;
const char* to_string(term_reason x) noexcept;

/// Who the box is when it acts as a notifier.
struct notifier_context {
  events_config config;
  /// The box's Contact value, e.g. "<sip:192.0.2.1:5060>".
  std::string contact = "<sip:127.0.0.1:5060>";
  /// Max-Forwards of NOTIFY requests.
  std::uint8_t max_forwards = 70;
  /// Answer a pending subscription with 202 (RFC 3265) instead of 200
  /// (RFC 6665 §4.2.1.1 deprecates 202).
  bool legacy_202 = false;
};

/// One subscription (a dialog, RFC 6665 §4.1.2, RFC 3261 §12) as plain data
/// the caller may persist and restore.
struct subscription_data {
  // -- dialog identity --------------------------------------------------------
  std::string call_id;
  std::string local_tag;  ///< ours (the To tag of the SUBSCRIBE's answer)
  std::string remote_tag; ///< the subscriber's From tag
  /// The SUBSCRIBE's To value without tag: NOTIFY From (plus our tag).
  std::string local_party;
  /// The SUBSCRIBE's From value, tag included: NOTIFY To.
  std::string remote_party;
  /// The subscriber's Contact URI: NOTIFY Request-URI (RFC 3261 §12.1.1).
  std::string remote_target;
  /// Record-Route URIs of the SUBSCRIBE in order (RFC 3261 §12.1.1).
  std::vector<std::string> route_set;
  // -- sequence numbers -------------------------------------------------------
  std::uint32_t local_cseq = 0;  ///< last NOTIFY CSeq sent
  std::uint32_t remote_cseq = 0; ///< last SUBSCRIBE CSeq seen
  // -- subscription -----------------------------------------------------------
  std::string package;          ///< event package, e.g. "presence"
  std::string event_id;         ///< Event id parameter, may be empty
  std::uint64_t expires_at = 0; ///< absolute seconds
  sub_state state = sub_state::pending;
  term_reason reason = term_reason::none;
};

/// Inputs of the subscription machine.
enum class sub_input : std::uint8_t {
  subscribe,     ///< in-dialog SUBSCRIBE (refresh or unsubscribe)
  accept,        ///< the resource owner authorised the subscriber
  decline,       ///< the owner refused: terminated;reason=rejected
  terminate,     ///< the notifier ends it with `sub_event::reason`
  timer,         ///< the expiry timer fired
  notify_result, ///< final response (or failure, status 408) of a NOTIFY
};

/// One input with its arguments.
struct sub_event {
  sub_input input = sub_input::timer;
  /// The SUBSCRIBE for `sub_input::subscribe`.
  const message* request = nullptr;
  /// For `sub_input::terminate`: deactivated, noresource, giveup...
  term_reason reason = term_reason::deactivated;
  /// For `sub_input::notify_result`: the status; use 408 for a transaction
  /// timeout and 503 for a transport failure.
  int status = 0;
};

/// What the caller does after a step.
struct sub_effects {
  /// Answer to the SUBSCRIBE that was the input, if any.
  std::optional<message> response;
  /// Send a NOTIFY now (build it with `make_notify`, passing the body).
  bool notify = false;
  /// (Re)arm the expiry timer at this absolute time.
  std::optional<std::uint64_t> timer_at;
  /// Forget the subscription (after sending the NOTIFY, if any).
  bool drop = false;
  /// The input is not allowed in the current state (ignored).
  bool ignored = false;
};

/// A new subscription and what to do first.
struct subscription_start {
  subscription_data data;
  sub_effects effects;
};

/// Creates a subscription from an initial SUBSCRIBE (no To tag, RFC 6665
/// §4.2.1): 400 without Event or From tag or Contact, 489 with Allow-Events
/// for unknown packages, 423 with Min-Expires when too brief, else 200 (or
/// 202 for pending with `legacy_202`) with To tag `local_tag`, Expires and
/// Contact, and an immediate NOTIFY (§4.2.1.2). `authorized` chooses active
/// or pending. An initial SUBSCRIBE with Expires: 0 is a fetch: 200 and one
/// NOTIFY terminated;reason=timeout. The error side is the response.
expected<subscription_start, message>
create_subscription(const message& subscribe, const notifier_context& ctx,
                    std::string local_tag, bool authorized, std::uint64_t now);

/// Advances `sub` by one input (RFC 6665 §4.2). See `sub_input`.
sub_effects step(subscription_data& sub, const sub_event& ev, std::uint64_t now,
                 const notifier_context& ctx);

/// True if `in` is accepted in `state` (the transition table).
bool accepts(sub_state state, sub_input in) noexcept;

/// Builds the next NOTIFY of `sub` (RFC 6665 §4.2.2, RFC 3261 §12.2.1):
/// increments the local CSeq. `content_type` and `body` may be empty.
message make_notify(subscription_data& sub, std::uint64_t now,
                    const notifier_context& ctx,
                    std::string_view content_type = {}, std::string body = {});

/// The Subscription-State value for `sub` at `now`.
std::string subscription_state_value(const subscription_data& sub,
                                     std::uint64_t now);

/// True if `msg` (a SUBSCRIBE, or a response to a NOTIFY) belongs to `sub`:
/// same Call-ID, the To tag is our tag and the From tag the subscriber's.
bool matches_dialog(const subscription_data& sub, const message& request);

} // namespace ivm::sip::events
