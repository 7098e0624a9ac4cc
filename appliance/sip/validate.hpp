#pragma once

#include <optional>

#include "appliance/sip/message.hpp"
#include "appliance/sip/parse_error.hpp"

namespace ivm::sip {

/// Strict checks an endpoint runs after `parse` on a request (RFC 3261
/// §8.2, RFC 4475 §3.1.2, §3.3.1, §3.3.8): the mandatory headers To, From,
/// Call-ID, CSeq and Via are present (Max-Forwards may be absent for RFC 2543
/// peers), single-value headers appear once, the CSeq method equals the
/// request method, the Request-URI parses and carries no headers, and every
/// typed header present parses. Returns nullopt when the request is fine.
///
/// A CSeq/method mismatch yields code `parse_errc::cseq_method_mismatch`
/// with status 400; for an unknown method the caller may answer 501 instead
/// (RFC 4475 §3.1.2.18).
std::optional<parse_error> validate_request(const message& msg);

/// Checks a response the same way (bad responses are dropped, RFC 4475
/// §3.1.2.5, §3.1.2.19).
std::optional<parse_error> validate_response(const message& msg);

} // namespace ivm::sip
