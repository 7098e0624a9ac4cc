#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "appliance/net/endpoint.hpp"
#include "appliance/sip/message.hpp"
#include "appliance/sip/parse_error.hpp"

namespace ivm::sip::core {

/// Adds `received` (and fills `rport`, RFC 3581 §4) to the top Via of a
/// request that arrived from `source` (RFC 3261 §18.2.1). Returns false when
/// the request has no parseable top Via.
bool stamp_via(message& request, const net::endpoint& source);

/// Where a response to `request` goes over UDP. With `symmetric` (the
/// default of the box, as Asterisk's force_rport and Kamailio's
/// force_rport()): always back to `source`, which is what phones behind NAT
/// need. Otherwise RFC 3261 §18.2.2 / RFC 3581 §4: the source when rport is
/// present, else `received` (or the sent-by host when it is an IP address)
/// and the sent-by port (default 5060).
net::endpoint response_destination(const message& request,
                                   const net::endpoint& source,
                                   bool symmetric = true);

/// A listening address of ours and its Via transport ("UDP", "TCP", "TLS").
using listener = std::pair<std::string, net::endpoint>;

/// True if any Via of `request` names one of `self` as sent-by over that
/// listener's transport: the request has been here before (loop, RFC 3261
/// §16.3 item 4 / §8.2.2.2 → 482). The transport counts: a UDP client may
/// have the port number of a TCP-only (TLS) listener of ours. Each Via is
/// parsed once, whatever the number of listeners.
bool via_names(const message& request, const std::vector<listener>& self);

/// Best-effort error response to a request that did not parse: copies the
/// Via, From, To, Call-ID and CSeq lines found in `raw` (RFC 3261 §8.2.6)
/// and adds a To tag. Returns nullopt when no Via can be found (nothing to
/// answer to).
std::optional<std::string> raw_error_response(std::string_view raw,
                                              const parse_error& err,
                                              std::string_view to_tag,
                                              std::string_view server);

} // namespace ivm::sip::core
