#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "appliance/common/expected.hpp"
#include "appliance/sdp/session.hpp"

namespace ivm::sdp {

/// Why a session description was refused. `reason` is a fixed text (the
/// input is never echoed); `line` is 1-based, 0 for the whole body. A SIP
/// user agent answers such an offer with 400 (or 488 if it prefers).
struct parse_error {
  std::size_t line = 0;
  std::string reason;
};

/// Limits that keep a hostile body cheap to refuse.
struct parse_limits {
  std::size_t max_size = 16 * 1024;
  std::size_t max_lines = 512;
  std::size_t max_line_length = 2048;
  std::size_t max_media = 16;
  std::size_t max_formats = 64;
  std::size_t max_attributes = 128;
};

/// Parses an SDP body (RFC 4566 §5). Lines end in CRLF or a bare LF. `v=0`
/// must come first, then `o=` and `s=`; `c=` must be present at session
/// level or in every `m=` section (§5.7). Unknown line types are kept in
/// `others`; `t=` defaults to "0 0" when absent.
expected<session_description, parse_error>
parse(std::string_view body, const parse_limits& limits = parse_limits{});

} // namespace ivm::sdp
