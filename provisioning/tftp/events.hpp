#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

/// Inputs of the transfer machine. The machine never parses datagrams:
/// the caller (or `to_event`) hands over the few facts needed.
namespace ivm::provisioning::tftp::events {

/// Starts the transfer: the machine sends the OACK or the first window.
struct start {};

/// The client acknowledged `block` (ACK 0 answers an OACK).
struct ack_received {
  std::uint16_t block = 0;
};

/// The client sent an ERROR: the transfer ends without an answer
/// (RFC 1350 §7: errors are neither acknowledged nor retransmitted).
struct error_received {
  std::uint16_t code = 0;
  std::string message;
};

/// The timer of a `effects::set_timer` expired. The caller echoes that
/// effect's generation; firings of replaced or cancelled timers are stale
/// and ignored.
struct timer_fired {
  std::uint64_t generation = 0;
};

} // namespace ivm::provisioning::tftp::events

namespace ivm::provisioning::tftp {

/// Everything a transfer accepts.
using transfer_event =
    std::variant<events::start, events::ack_received, events::error_received,
                 events::timer_fired>;

/// Classifies a datagram from the transfer's own peer (right address and
/// port): an ACK or ERROR becomes an event; anything else, including
/// garbage, is nullopt and the caller drops it.
std::optional<transfer_event> to_event(std::string_view datagram);

} // namespace ivm::provisioning::tftp
