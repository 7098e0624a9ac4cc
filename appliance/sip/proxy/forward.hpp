#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "appliance/sip/message.hpp"
#include "appliance/sip/uri.hpp"

namespace ivm::sip::proxy {

/// Where the proxy listens: its Via sent-by and Record-Route URI.
struct proxy_identity {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5060;
  /// Via transport token ("UDP", "TCP", "TLS").
  std::string transport = "UDP";
  /// Other hosts that mean this proxy (names, addresses).
  std::vector<std::string> aliases;

  /// True if `u` names this proxy: host or an alias, and the same port
  /// (5060, or 5061 for sips, when absent).
  bool is_me(const uri& u) const;

  /// "<sip:HOST:PORT;lr>", the Record-Route value (RFC 3261 §16.6 step 4),
  /// with ";transport=tcp" or ";transport=tls" for those transports.
  std::string record_route() const;
};

/// Why a request cannot be forwarded or a response not passed upstream.
enum class proxy_errc : std::uint8_t {
  bad_header,    ///< a Route, Via or Max-Forwards value does not parse
  too_many_hops, ///< Max-Forwards is 0 (answer 483, RFC 3261 §16.3 step 3)
  not_ours,      ///< the top Via is not this proxy's: drop (§16.7 step 3)
  for_us,        ///< no Via left after ours: the response ends here
};

struct proxy_error {
  proxy_errc code = proxy_errc::bad_header;
  /// The status to answer a request with (400 or 483), 0 for responses.
  int status = 400;
  std::string reason;
};

/// Route preprocessing (RFC 3261 §16.4) on a received request: if the
/// Request-URI is our Record-Route URI (no user part, our host and port:
/// the previous hop was a strict router), the last Route value becomes the
/// Request-URI; then a top Route naming this proxy is removed. Runs before the
/// proxy decides the targets (§16.5).
expected<message, proxy_error> preprocess_route(message req,
                                                const proxy_identity& me);

/// Builds the request to send to one target (RFC 3261 §16.6): a copy with
/// Route preprocessing applied, Request-URI = `target` (step 2; kept when
/// empty), Max-Forwards decremented or set to 70 (step 3), our
/// Record-Route for dialog-creating requests (INVITE, SUBSCRIBE, REFER
/// without To tag; step 4) and a top Via with our sent-by and `branch`
/// (step 8). Max-Forwards 0 is an error (`too_many_hops`). When the request
/// came in over another transport (`inbound`), two Record-Route values are
/// added (RFC 5658): the inbound one first, `me` on top, so each side
/// routes back over its own transport.
expected<message, proxy_error>
prepare_forward(const message& req, std::string_view target,
                const proxy_identity& me, std::string_view branch,
                const proxy_identity* inbound = nullptr);

/// The ACK for a 300-699 response to a forwarded INVITE (RFC 3261
/// §17.1.1.3): Request-URI, Call-ID, From, CSeq number and the top Via of
/// the INVITE, To of the response, the INVITE's Route headers, no body.
message make_ack(const message& forwarded_invite, const message& response);

/// Removes this proxy's top Via value from a response received from
/// downstream (RFC 3261 §16.7 step 3). `not_ours` when the top Via is
/// another element's, `for_us` when no Via remains.
expected<message, proxy_error> process_response(message resp,
                                                const proxy_identity& me);

/// A CANCEL for a forwarded INVITE (RFC 3261 §9.1): same Request-URI,
/// Call-ID, From, To, CSeq number (method CANCEL), only the top Via, the
/// Route headers, Max-Forwards 70 and no body.
message make_cancel(const message& forwarded_invite);

} // namespace ivm::sip::proxy
