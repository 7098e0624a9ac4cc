#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "appliance/sip/transaction/timer.hpp"

/// Outputs of the transaction state machines, executed by the caller in
/// the order given.
namespace ivm::sip::effects {

/// Pass these bytes to the transport (request, ACK or response).
struct send {
  std::string bytes;
};

/// Arm timer `id` to fire `after` from now, i.e. at `at`, then feed back
/// `events::timer_fired{id, generation}`. Replaces an armed timer of the
/// same id.
struct start_timer {
  timer_id id;
  std::uint64_t generation = 0;
  tx_duration after{0};
  tx_time at;
};

/// Timer `id` of that generation is no longer needed. Optional for the
/// caller: a stale firing is ignored anyway.
struct cancel_timer {
  timer_id id;
  std::uint64_t generation = 0;
};

/// Client: pass the response just received to the TU.
struct pass_to_tu {
  int status_code = 0;
};

/// Client INVITE: build the ACK for the 300-699 response just received and
/// answer with `events::ack_built` (§17.1.1.3).
struct build_ack {
  int status_code = 0;
};

/// Server: pass the request just received to the TU.
struct pass_request_to_tu {};

/// Server INVITE: pass the ACK just received to the TU (RFC 6026 §7.1,
/// ACKs for 2xx in Accepted).
struct pass_ack_to_tu {};

/// Server INVITE: build a 100 (Trying) and answer with
/// `events::tu_response{100, bytes}` (§17.2.1).
struct send_trying {};

/// The transaction timed out (Timer B, F or H): the TU is told, for a
/// client as a 408 (Request Timeout) (§8.1.3.1).
struct timeout {
  timer_id timer;
};

/// The transport failed (§17.1.4, §17.2.4): the TU is told.
struct transport_failure {};

/// The transaction reached Terminated: the caller destroys it.
struct terminated {};

} // namespace ivm::sip::effects

namespace ivm::sip {

/// One output of a step.
using effect =
    std::variant<effects::send, effects::start_timer, effects::cancel_timer,
                 effects::pass_to_tu, effects::build_ack,
                 effects::pass_request_to_tu, effects::pass_ack_to_tu,
                 effects::send_trying, effects::timeout,
                 effects::transport_failure, effects::terminated>;

/// The outputs of one step (rarely more than four).
using transaction_effects = std::vector<effect>;

/// Renders an effect for logs and test failures, e.g. "start_timer(A, 500ms)".
/// Message bytes are shown by size only.
std::string to_string(const effect& x);

/// Counters of one transaction, for metrics and tests.
struct transaction_stats {
  /// Events the current state does not accept (a bug or a confused peer).
  std::uint32_t ignored_events = 0;

  /// Timer firings that were cancelled or replaced before they arrived.
  std::uint32_t stale_timers = 0;

  /// Retransmissions absorbed without reaching the TU.
  std::uint32_t absorbed = 0;

  /// Messages re-sent: by timers or in answer to retransmissions.
  std::uint32_t retransmissions = 0;
};

} // namespace ivm::sip
