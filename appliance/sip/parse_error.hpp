#pragma once

#include <cstdint>
#include <string>

namespace ivm::sip {

/// Classifies why a message or a header value was rejected. Callers mostly
/// need `parse_error::status`; the code lets them refine the answer (e.g. 501
/// instead of 400 for `cseq_method_mismatch` on an unknown method, RFC 4475
/// §3.1.2.18).
enum class parse_errc : uint8_t {
  malformed_start_line,
  bad_version,
  too_large,
  too_many_headers,
  header_too_long,
  malformed_header,
  truncated,
  bad_content_length,
  missing_header,
  duplicate_header,
  cseq_method_mismatch,
  bad_value,
  not_a_request,
  not_a_response,
};

/// Describes a rejected message: the status code to answer a request with,
/// the reason phrase to put on the wire and whether the input was a request.
/// Failed responses are dropped by the caller (RFC 3261 §16.7, §18.1.2).
struct parse_error {
  /// SIP status code to answer with: 400, 505 or 513.
  int status = 400;

  /// Reason phrase, safe to send (never echoes the input).
  std::string reason = "Bad Request";

  /// True when the start line identified the input as a request.
  bool is_request = false;

  /// Machine-readable category.
  parse_errc code = parse_errc::malformed_header;
};

/// Builds a 400 error with `reason`.
inline parse_error bad_request(std::string reason,
                               parse_errc code = parse_errc::bad_value) {
  return parse_error{400, std::move(reason), false, code};
}

} // namespace ivm::sip
