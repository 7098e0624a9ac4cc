#pragma once

#include <string>
#include <string_view>

#include "appliance/sip/message.hpp"

namespace ivm::sip {

/// Key of the server transaction a request belongs to (RFC 3261 §17.2.3).
/// With an RFC 3261 branch (magic cookie plus more characters): branch,
/// sent-by and method, where ACK maps to its INVITE's transaction and CANCEL
/// gets its own. Otherwise (RFC 2543 peers, RFC 4475 §3.2.1, §3.4.1): a key
/// from Request-URI, From tag, Call-ID, CSeq number, top Via and method
/// (ACK as INVITE); the To tag is part of it except for INVITE and ACK,
/// whose To tag is only assigned by our response. Empty when the request
/// lacks a parseable top Via or CSeq.
std::string server_transaction_key(const message& request);

/// Key of the client transaction a response belongs to (RFC 3261 §17.1.3):
/// top Via branch and CSeq method. Empty when either is missing.
std::string client_transaction_key(const message& response);

/// Key under which a client transaction created for `request` is stored,
/// matching `client_transaction_key` of its responses.
std::string client_transaction_key_of_request(const message& request);

/// The key the box files a server transaction under: the RFC 3261 §17.2.3
/// key made stricter by the Call-ID and CSeq number. A real retransmission
/// (and its ACK or CANCEL) repeats both, while clients that reuse one branch
/// for different requests (RFC 4475 §3.3.12/13 share one) no longer
/// collide. Empty when `server_transaction_key` is.
std::string strict_transaction_key(const message& request);

/// From tag, Call-ID and CSeq of a request without a To tag: two requests
/// with the same one are merged requests (RFC 3261 §8.2.2.2). Empty when
/// the request has a To tag or no From tag.
std::string merge_key(const message& request);

/// A To tag derived from a transaction key, so that a stateless answer to a
/// retransmission is the same bytes again (RFC 3261 §8.2.7).
std::string stateless_tag(std::string_view key);

} // namespace ivm::sip
