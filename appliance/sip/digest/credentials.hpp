#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "appliance/common/expected.hpp"
#include "appliance/sip/digest/algorithm.hpp"

namespace ivm::sip::digest {

/// Digest credentials from an Authorization or Proxy-Authorization value
/// (RFC 3261 §22.2, §22.3; RFC 7616 §3.4). Strings are unquoted and
/// unescaped, kept as the client wrote them (they enter the hash verbatim).
struct credentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;
  std::string cnonce;
  /// "auth", "auth-int" (any case) or empty (RFC 2069 compatibility).
  std::string qop;
  /// Eight hex digits when `qop` is set, else empty.
  std::string nc;
  std::string opaque;
  algorithm alg = algorithm::md5;
  /// `nc` as a number (1 or more) when `qop` is set, else 0.
  std::uint32_t nc_value = 0;
};

/// Parses an Authorization / Proxy-Authorization value. Errors (short texts
/// safe to log, never echoing the input):
/// - "malformed" when the value is not `scheme auth-params`;
/// - "not digest" for any other scheme (e.g. Basic);
/// - "missing parameter: <name>" for username, realm, nonce, uri, response,
///   and for cnonce / nc when qop is present (RFC 7616 §3.4);
/// - "duplicate parameter: <name>", "unsupported algorithm",
///   "unsupported qop", "unsupported userhash", "bad nc" (not 8 hex digits,
///   or zero).
expected<credentials, std::string> parse_credentials(std::string_view value);

/// Checks `c.response` against HA1 (`ha1_hex`, lowercase hex under `c.alg`)
/// and the request `method` (RFC 7616 §3.4.1, RFC 2617 §3.2.2.1):
/// - qop=auth: H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2);
/// - no qop:   H(HA1 ":" nonce ":" HA2) (RFC 2069);
/// with HA2 = H(method ":" uri). qop=auth-int is not supported: false.
/// The comparison is constant-time. The nonce, nc, realm and uri are the
/// caller's to check (`nonce_issuer`, `nonce_counter`, RFC 3261 §22.4).
bool verify(const credentials& c, std::string_view method,
            std::string_view ha1_hex);

} // namespace ivm::sip::digest
