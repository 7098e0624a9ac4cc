#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "appliance/sip/transaction/effects.hpp"
#include "appliance/sip/transaction/events.hpp"
#include "appliance/sip/transaction/timer.hpp"
#include "appliance/sip/transaction/timer_set.hpp"

namespace ivm::sip {

/// States of the INVITE client transaction (RFC 3261 §17.1.1, figure 5, as
/// amended by RFC 6026 figure 5).
enum class invite_client_state : std::uint8_t {
  idle,       ///< Created, `events::start` not seen yet.
  calling,    ///< Request sent, retransmitted by Timer A until a response.
  proceeding, ///< Provisional response seen; waits for the final one.
  completed,  ///< 300-699 seen and ACKed; absorbs its retransmissions.
  accepted,   ///< 2xx seen (RFC 6026); passes further 2xx to the TU.
  terminated, ///< Done; the caller destroys the transaction.
};

/// Returns the state's name as in the RFC, e.g. "Calling".
std::string_view to_string(invite_client_state x);

/// The INVITE client transaction: a pure state machine. The caller feeds
/// events (with the current time) and executes the returned effects.
///
/// Usage: construct, `step(events::start{bytes})`, then feed every matching
/// response as `events::response_received{code}`, every expired timer as
/// `events::timer_fired{id, generation}` and transport failures. Answer
/// `effects::build_ack` with `events::ack_built{bytes}`. Events the current
/// state does not accept are ignored and counted in `stats()`.
class invite_client_transaction {
public:
  using state_type = invite_client_state;

  /// Creates the machine in `idle`. `reliable` is true over TCP/TLS: no
  /// Timer A, Timer D zero (§17.1.1.2).
  explicit invite_client_transaction(timer_config cfg = {},
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

  void on_final_failure(int status_code, tx_time now, transaction_effects& out);

  void on_ack_built(std::string ack, tx_time now, transaction_effects& out);

  void on_timer(timer_id id, tx_time now, transaction_effects& out);

  void send(const std::string& bytes, transaction_effects& out);

  void enter(state_type next, tx_time now);

  void terminate(tx_time now, transaction_effects& out);

  timer_config cfg_;
  bool reliable_;
  state_type state_ = state_type::idle;
  tx_time entered_at_{};
  timer_set timers_;
  tx_duration interval_{0};
  std::string request_;
  std::string ack_;
  transaction_stats stats_;
};

} // namespace ivm::sip
