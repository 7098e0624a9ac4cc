#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "appliance/sip/transaction/timer.hpp"

/// Inputs of the transaction state machines. The machines never parse SIP:
/// the caller classifies the message and hands over the few facts needed.
namespace ivm::sip::events {

// -- shared -------------------------------------------------------------------

/// A timer started by a `effects::start_timer` has expired. The caller
/// echoes the generation of that effect; firings of cancelled or replaced
/// timers are recognised by it and ignored.
struct timer_fired {
  timer_id id;
  std::uint64_t generation = 0;
};

/// The transport failed to deliver a message of this transaction
/// (§17.1.4, §17.2.4).
struct transport_error {};

// -- client -------------------------------------------------------------------

/// Starts a client transaction with the serialized request, which the
/// machine sends and keeps for retransmissions.
struct start {
  std::string request;
};

/// A response matching the transaction (§17.1.3) arrived.
struct response_received {
  int status_code = 0;
};

/// Answer to `effects::build_ack`: the ACK for the final response, built by
/// the caller (§17.1.1.3). The machine sends it and keeps it to answer
/// retransmitted final responses.
struct ack_built {
  std::string ack;
};

// -- server -------------------------------------------------------------------

/// A request matching the transaction (§17.2.3) arrived: the first one
/// creates the transaction, later ones are retransmissions.
struct request_received {};

/// The TU (or the caller, after `effects::send_trying`) responds. The
/// machine sends the bytes and keeps the latest ones for retransmission.
struct tu_response {
  int status_code = 0;
  std::string bytes;
};

/// An ACK matching an INVITE server transaction arrived (§17.2.3).
struct ack_received {};

} // namespace ivm::sip::events

namespace ivm::sip {

/// Everything a client transaction accepts.
using client_event =
    std::variant<events::start, events::response_received, events::ack_built,
                 events::timer_fired, events::transport_error>;

/// Everything a server transaction accepts.
using server_event = std::variant<events::request_received, events::tu_response,
                                  events::ack_received, events::timer_fired,
                                  events::transport_error>;

} // namespace ivm::sip
