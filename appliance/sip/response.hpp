#pragma once

#include <string_view>

#include "appliance/sip/message.hpp"

namespace ivm::sip {

/// Builds a response to `request` (RFC 3261 §8.2.6): copies all Via values
/// in order, From, To, Call-ID and CSeq (and Timestamp for 100, §8.2.6.1).
/// When `code` > 100, the To header has no tag and `to_tag` is non-empty,
/// ";tag=<to_tag>" is appended to To. The body is empty.
message make_response(const message& request, int code, std::string_view reason,
                      std::string_view to_tag = {});

} // namespace ivm::sip
