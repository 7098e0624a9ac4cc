#pragma once

#include <cstddef>
#include <string_view>

#include "appliance/common/expected.hpp"
#include "appliance/sip/message.hpp"
#include "appliance/sip/parse_error.hpp"

namespace ivm::sip {

/// Limits and framing mode of `parse`. Nothing grows beyond these bounds.
struct parse_options {
  /// Largest accepted input in octets; larger inputs yield 513.
  size_t max_message_size = 65536;

  /// Most header lines; more yield 513.
  size_t max_headers = 256;

  /// Longest header field (all its continuation lines); longer yields 513.
  size_t max_header_size = 8192;

  /// Stream transport (TCP/TLS): Content-Length is mandatory (RFC 3261
  /// §18.3). Datagram transports take the rest of the datagram instead.
  bool stream = false;
};

/// Parses one SIP message from a datagram (RFC 3261 §7, §25). Octets after
/// the Content-Length body are ignored (RFC 3261 §18.3, RFC 4475 §3.1.1.8).
/// Only the framing and start line are checked here; typed header values are
/// parsed on demand, and `validate_request` / `validate_response` check the
/// rest.
expected<message, parse_error> parse(std::string_view datagram,
                                     const parse_options& opts = {});

namespace detail {

/// Finds the body length of a complete header section `head` (start line up
/// to and including the empty line) for stream framing: exactly one
/// Content-Length value (repeated identical values are tolerated) is
/// required.
expected<size_t, parse_error> stream_body_size(std::string_view head,
                                               const parse_options& opts);

} // namespace detail

} // namespace ivm::sip
