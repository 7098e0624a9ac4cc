#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "appliance/sip/transaction/effects.hpp"
#include "appliance/sip/transaction/events.hpp"
#include "appliance/sip/transaction/timer.hpp"
#include "appliance/sip/transaction/timer_set.hpp"

namespace ivm::sip {

/// States of the non-INVITE client transaction (RFC 3261 §17.1.2,
/// figure 6).
enum class non_invite_client_state : std::uint8_t {
  idle,       ///< Created, `events::start` not seen yet.
  trying,     ///< Request sent, Timer E doubling up to T2.
  proceeding, ///< Provisional seen; Timer E every T2.
  completed,  ///< Final response seen; absorbs retransmissions (Timer K).
  terminated, ///< Done; the caller destroys the transaction.
};

/// Returns the state's name as in the RFC, e.g. "Trying".
std::string_view to_string(non_invite_client_state x);

/// The non-INVITE client transaction: a pure state machine.
///
/// Usage: construct, `step(events::start{bytes})`, then feed every matching
/// response, expired timer and transport failure. Events the current state
/// does not accept (including `events::ack_built`) are ignored and counted.
class non_invite_client_transaction {
public:
  using state_type = non_invite_client_state;

  /// Creates the machine in `idle`. `reliable` is true over TCP/TLS: no
  /// Timer E, Timer K zero (§17.1.2.2).
  explicit non_invite_client_transaction(timer_config cfg = {},
                                         bool reliable = false);

  /// Feeds one event; returns what the caller must do, in order.
  transaction_effects step(const client_event& ev, tx_time now);

  // -- observers --------------------------------------------------------------

  state_type state() const noexcept {
    return state_;
  }

  bool reliable() const noexcept {
    return reliable_;
  }

  /// When the current state was entered.
  tx_time entered_at() const noexcept {
    return entered_at_;
  }

  const transaction_stats& stats() const noexcept {
    return stats_;
  }

  /// Returns true if the state accepts `ev` (before checking timers for
  /// staleness).
  bool accepts(const client_event& ev) const;

private:
  void on_response(int status_code, tx_time now, transaction_effects& out);

  void on_timer(timer_id id, tx_time now, transaction_effects& out);

  void enter(state_type next, tx_time now);

  void terminate(tx_time now, transaction_effects& out);

  timer_config cfg_;
  bool reliable_;
  state_type state_ = state_type::idle;
  tx_time entered_at_{};
  timer_set timers_;
  tx_duration interval_{0};
  std::string request_;
  transaction_stats stats_;
};

} // namespace ivm::sip
