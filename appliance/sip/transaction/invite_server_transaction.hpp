#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "appliance/sip/transaction/effects.hpp"
#include "appliance/sip/transaction/events.hpp"
#include "appliance/sip/transaction/timer.hpp"
#include "appliance/sip/transaction/timer_set.hpp"

namespace ivm::sip {

/// States of the INVITE server transaction (RFC 3261 §17.2.1, figure 7, as
/// amended by RFC 6026 figure 7).
enum class invite_server_state : std::uint8_t {
  idle,       ///< Created, the INVITE not fed yet.
  proceeding, ///< INVITE passed to the TU; provisional responses sent.
  completed,  ///< 300-699 sent, retransmitted by Timer G until the ACK.
  confirmed,  ///< ACK seen; absorbs ACK retransmissions (Timer I).
  accepted,   ///< 2xx sent (RFC 6026); absorbs INVITEs, ACKs go to the TU.
  terminated, ///< Done; the caller destroys the transaction.
};

/// Returns the state's name as in the RFC, e.g. "Confirmed".
std::string_view to_string(invite_server_state x);

/// The INVITE server transaction: a pure state machine.
///
/// Usage: construct, feed the INVITE as `events::request_received` (the
/// effect `pass_request_to_tu` says: hand it to the TU), then every
/// retransmission of it, the TU's responses as `events::tu_response`, ACKs,
/// expired timers and transport failures. Answer `effects::send_trying`
/// with `events::tu_response{100, bytes}`.
class invite_server_transaction {
public:
  using state_type = invite_server_state;

  /// Creates the machine in `idle`. `reliable` is true over TCP/TLS: no
  /// Timer G, Timer I zero (§17.2.1).
  explicit invite_server_transaction(timer_config cfg = {},
                                     bool reliable = false);

  /// Feeds one event; returns what the caller must do, in order.
  transaction_effects step(const server_event& ev, tx_time now);

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

  /// The latest response the TU passed down (empty before the first).
  const std::string& last_response() const noexcept {
    return last_response_;
  }

  /// Returns true if the state accepts `ev` (before checking timers for
  /// staleness).
  bool accepts(const server_event& ev) const;

private:
  void on_request(tx_time now, transaction_effects& out);

  void on_response(const events::tu_response& rsp, tx_time now,
                   transaction_effects& out);

  void on_ack(tx_time now, transaction_effects& out);

  void on_timer(timer_id id, tx_time now, transaction_effects& out);

  void on_transport_error(tx_time now, transaction_effects& out);

  void enter(state_type next, tx_time now);

  void terminate(tx_time now, transaction_effects& out);

  timer_config cfg_;
  bool reliable_;
  state_type state_ = state_type::idle;
  tx_time entered_at_{};
  timer_set timers_;
  tx_duration interval_{0};
  std::string last_response_;
  transaction_stats stats_;
};

} // namespace ivm::sip
