#pragma once

// MGCP 1.0 messages (RFC 3435 §3): commands and responses as text, parsed
// from a datagram (several piggy-backed messages, RFC 3435 §3.6) and
// written back. Pure: no I/O. docs/protocols/mgcp.md has the subset.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::mgcp {

/// The nine commands of RFC 3435 §2.3.
enum class verb : std::uint8_t {
  epcf, ///< EndpointConfiguration
  crcx, ///< CreateConnection
  mdcx, ///< ModifyConnection
  dlcx, ///< DeleteConnection
  rqnt, ///< NotificationRequest
  ntfy, ///< Notify
  auep, ///< AuditEndpoint
  aucx, ///< AuditConnection
  rsip, ///< RestartInProgress
};

/// "CRCX" for verb::crcx.
std::string_view to_string(verb v);
/// The verb named `text` (any case: ABNF strings are), if one of the nine.
std::optional<verb> verb_of(std::string_view text);

/// One parameter line, `name: value` (RFC 3435 §3.2.2). Names are compared
/// without regard to case; the value is kept as sent, without the blanks
/// around it.
struct parameter {
  std::string name;
  std::string value;
};

using parameters = std::vector<parameter>;

/// The value of parameter `name` (any case), or null.
const std::string* find(const parameters& ps, std::string_view name);

/// A command: `VERB tid endpoint MGCP 1.0`, parameters, an optional SDP body.
struct command {
  verb what = verb::auep;
  std::uint32_t transaction = 0; ///< 1..999999999
  std::string endpoint;          ///< local-name@domain
  std::string version = "1.0";   ///< with a profile name if one was sent
  parameters params;
  std::string sdp; ///< the session description after the empty line, or ""

  const std::string* param(std::string_view name) const {
    return find(params, name);
  }
};

/// A response: `code tid [/package] [commentary]`, parameters, SDP.
struct response {
  int code = 200;
  std::uint32_t transaction = 0;
  std::string package; ///< for package-specific codes (8xx), else ""
  std::string comment;
  parameters params;
  std::string sdp;

  const std::string* param(std::string_view name) const {
    return find(params, name);
  }
};

using message = std::variant<command, response>;

/// Why a datagram was refused, with the RFC 3435 §2.4 return code to answer
/// (510 protocol error, 504 unknown command, 528 incompatible version, ...)
/// and the transaction it belongs to (0 when it could not be read: then no
/// answer is possible and the datagram is dropped).
struct parse_error {
  int code = 510;
  std::uint32_t transaction = 0;
  std::string reason;
};

/// Limits of `parse`; nothing grows beyond them.
struct parse_options {
  std::size_t max_datagram = 8192; ///< bigger: 510 (RFC 3435 §3.5.5 MTU)
  std::size_t max_messages = 16;   ///< piggy-backed messages per datagram
  std::size_t max_params = 64;     ///< parameter lines per message
};

/// Parses every message of a datagram, in order. Lines end in CRLF or LF;
/// messages are separated by a line holding a single "." (RFC 3435 §3.6).
/// The first malformed message refuses the whole datagram (a piggy-backed
/// group is one unit).
expected<std::vector<message>, parse_error>
parse(std::string_view datagram, const parse_options& opts = {});

/// Parses one message (no "." separator lines).
expected<message, parse_error> parse_one(std::string_view text,
                                         const parse_options& opts = {});

/// Writes a message with CRLF line endings: start line, parameter lines,
/// then an empty line and the SDP if there is one.
std::string serialize(const command& c);
std::string serialize(const response& r);
std::string serialize(const message& m);

/// Several messages in one datagram (piggy-backing), "." between them.
std::string serialize(const std::vector<message>& ms);

/// The commentary RFC 3435 §2.4 gives return code `code` ("OK", "Endpoint
/// unknown", ...), or "" for a code it does not name.
std::string_view reason_of(int code);

/// A response to `tid` with `code` and its commentary.
response make_response(std::uint32_t tid, int code,
                       std::string_view comment = {});

} // namespace ivm::mgcp
