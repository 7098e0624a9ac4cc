#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "provisioning/tftp/config.hpp"

/// Outputs of the transfer machine, executed by the caller in the order
/// given.
namespace ivm::provisioning::tftp::effects {

/// Send these bytes to the peer (an OACK).
struct send {
  std::string bytes;
};

/// Send DATA `block` carrying the file's octets [offset, offset + length):
/// the caller reads them from wherever the file lives (memory, disk) and
/// writes them behind `write_data_header(block, ...)`, or calls
/// `make_data`. A length below the block size marks the last block; it may
/// be 0.
struct send_data {
  std::uint16_t block = 0;
  std::uint64_t offset = 0;
  std::size_t length = 0;

  /// True when this block was sent before.
  bool retransmission = false;
};

/// Arm the transfer's one timer to fire `after` from now, i.e. at `at`,
/// then feed back `events::timer_fired{generation}`. Replaces the armed
/// timer, whose late firing the machine recognises as stale.
struct set_timer {
  std::uint64_t generation = 0;
  duration after{0};
  time_point at;
};

/// The timer of that generation is no longer needed. Optional for the
/// caller: a stale firing is ignored anyway.
struct cancel_timer {
  std::uint64_t generation = 0;
};

/// How a transfer ended.
enum class outcome : std::uint8_t {
  completed,    ///< The last block was acknowledged.
  client_error, ///< The client sent an ERROR.
  timed_out,    ///< No progress after the last retransmission.
};

/// The transfer is over; the caller releases its socket and the machine.
struct done {
  outcome result = outcome::completed;

  /// File octets the client acknowledged.
  std::uint64_t bytes_acked = 0;

  /// The client's ERROR code and message (for `client_error`).
  std::uint16_t error_code = 0;
  std::string error_message;
};

} // namespace ivm::provisioning::tftp::effects

namespace ivm::provisioning::tftp {

/// One output of a step.
using effect =
    std::variant<effects::send, effects::send_data, effects::set_timer,
                 effects::cancel_timer, effects::done>;

/// The outputs of one step: up to a window of DATA plus a timer.
using transfer_effects = std::vector<effect>;

/// Returns "completed", "client_error" or "timed_out".
std::string_view to_string(effects::outcome x);

/// Renders an effect for logs and test failures, e.g. "data(3, +1024, 512)"
/// or "set_timer(1000ms)". Bytes are shown by size only.
std::string to_string(const effect& x);

/// Counters of one transfer, for metrics and tests.
struct transfer_stats {
  /// DATA packets sent, retransmissions included.
  std::uint64_t data_sent = 0;

  /// DATA and OACK packets sent again (after a timeout or a rewind).
  std::uint64_t retransmissions = 0;

  /// Timeouts that led to a retransmission or to giving up.
  std::uint32_t timeouts = 0;

  /// ACKs of the block already acknowledged: ignored, never answered with
  /// DATA (RFC 1123 §4.2.3.1, Sorcerer's Apprentice).
  std::uint32_t duplicate_acks = 0;

  /// ACKs of blocks outside the window (older, or never sent).
  std::uint32_t stale_acks = 0;

  /// Events the current state does not accept.
  std::uint32_t ignored_events = 0;

  /// Timer firings that were replaced or cancelled before they arrived.
  std::uint32_t stale_timers = 0;
};

} // namespace ivm::provisioning::tftp
