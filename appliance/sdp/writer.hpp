#pragma once

#include <string>

#include "appliance/sdp/session.hpp"

namespace ivm::sdp {

/// Writes `s` as an SDP body with CRLF line ends, in the order of RFC 4566
/// §5: v o s i u e p c b t r z k a, then each media section m i c b k a.
/// Within a section: rtpmap and fmtp per format in `m=` order, then ptime,
/// the other attributes, and the direction last.
std::string to_string(const session_description& s);

} // namespace ivm::sdp
