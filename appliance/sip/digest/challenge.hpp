#pragma once

#include <string>

#include "appliance/sip/digest/algorithm.hpp"

namespace ivm::sip::digest {

/// A Digest challenge for WWW-Authenticate (401) or Proxy-Authenticate (407)
/// (RFC 3261 §22.1, §22.3; RFC 7616 §3.3). Always offers qop="auth".
struct challenge {
  algorithm alg = algorithm::md5;
  std::string realm;
  std::string nonce;
  /// Echoed back by the client unchanged; omitted when empty.
  std::string opaque;
  /// Set when the client's nonce was ours but expired.
  bool stale = false;
};

/// Renders `c` as a header value:
/// `Digest realm="...", nonce="...", opaque="...", algorithm=MD5,
/// qop="auth"[, stale=TRUE]`. Strings become quoted-strings with `"` and `\`
/// escaped (RFC 3261 §25.1 quoted-pair); control characters other than HTAB
/// (CR, LF, NUL...) cannot appear in a quoted-string and are dropped, so a
/// configured realm can never split the header.
std::string to_header_value(const challenge& c);

/// Appends `str` to `out` as a quoted-string (see `to_header_value`).
void append_quoted(std::string& out, std::string_view str);

} // namespace ivm::sip::digest
