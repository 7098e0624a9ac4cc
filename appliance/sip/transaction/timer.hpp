#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ivm::sip {

/// Durations of the transaction layer (millisecond resolution, like the RFC).
using tx_duration = std::chrono::milliseconds;

/// Points in time; the caller passes `now` into every step.
using tx_time = std::chrono::steady_clock::time_point;

/// The timers of RFC 3261 §17 (table 4) and RFC 6026 (L, M), plus the
/// 200 ms "send 100 Trying" timer of §17.2.1. Timer C belongs to proxies and
/// is not part of the transaction layer here.
enum class timer_id : std::uint8_t {
  a,      ///< INVITE client: request retransmission (unreliable only).
  b,      ///< INVITE client: transaction timeout in Calling.
  d,      ///< INVITE client: wait time for response retransmissions.
  e,      ///< Non-INVITE client: request retransmission (unreliable only).
  f,      ///< Non-INVITE client: transaction timeout.
  g,      ///< INVITE server: final response retransmission (unreliable).
  h,      ///< INVITE server: wait time for ACK receipt.
  i,      ///< INVITE server: wait time for ACK retransmissions.
  j,      ///< Non-INVITE server: wait time for request retransmissions.
  k,      ///< Non-INVITE client: wait time for response retransmissions.
  l,      ///< INVITE server (RFC 6026): wait time in Accepted.
  m,      ///< INVITE client (RFC 6026): wait time in Accepted.
  trying, ///< INVITE server: send 100 Trying if the TU is silent (§17.2.1).
};

/// Number of `timer_id` values.
inline constexpr std::size_t timer_count = 13;

/// Returns "A" ... "M" or "trying".
std::string_view to_string(timer_id id);

/// The timer values of one transaction. Defaults follow RFC 3261 table 4.
/// Timers B, F, H, J, L and M default to 64*T1 and follow T1 unless set.
struct timer_config {
  /// RTT estimate.
  tx_duration t1{500};

  /// Maximum retransmission interval for non-INVITE requests and INVITE
  /// responses.
  tx_duration t2{4000};

  /// Maximum duration a message remains in the network.
  tx_duration t4{5000};

  /// Overrides of the 64*T1 timers.
  std::optional<tx_duration> timer_b;
  std::optional<tx_duration> timer_f;
  std::optional<tx_duration> timer_h;
  std::optional<tx_duration> timer_j;
  std::optional<tx_duration> timer_l;
  std::optional<tx_duration> timer_m;

  /// Timer D over unreliable transports (RFC: at least 32 s); zero when
  /// reliable.
  tx_duration timer_d{32000};

  /// When an INVITE server transaction sends 100 Trying on its own if the
  /// TU stays silent (§17.2.1). Zero sends it at once.
  tx_duration trying_delay{200};

  /// Disables the automatic 100 Trying, for a TU that is known to answer
  /// within 200 ms.
  bool auto_trying = true;

  /// Returns the (initial) value of `id` for a transport that is `reliable`
  /// or not. A, E and G start at T1; D, I, J and K are zero when reliable
  /// (§17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2).
  tx_duration value(timer_id id, bool reliable) const;
};

} // namespace ivm::sip
