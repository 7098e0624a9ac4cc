#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "appliance/common/expected.hpp"
#include "appliance/sip/param.hpp"
#include "appliance/sip/parse_error.hpp"

namespace ivm::sip {

/// A parsed URI (RFC 3261 §19.1, §25.1; RFC 3966 tel; RFC 5118 IPv6).
/// Escapes are kept raw; use `unescape` to compare components.
struct uri {
  /// Lowercased scheme: "sip", "sips", "tel" or any other.
  std::string scheme;

  /// sip/sips: user part (raw, may contain ';' per RFC 4475 §3.1.1.9);
  /// tel: the telephone-subscriber number.
  std::string user;

  /// sip/sips: password after ':' in the userinfo.
  std::string password;

  /// True when a userinfo ("...@") was present.
  bool has_user = false;

  /// sip/sips: host as written; IPv6 references keep their brackets.
  std::string host;

  /// sip/sips: port after the host.
  std::optional<uint16_t> port;

  /// uri-parameters (sip/sips/tel), raw.
  param_list params;

  /// sip/sips: raw headers after '?' (without the '?').
  std::string headers;

  /// Other schemes: everything after "scheme:".
  std::string opaque;

  bool is_sip() const noexcept {
    return scheme == "sip" || scheme == "sips";
  }

  /// True for an IPv6 reference host ("[...]").
  bool is_ipv6() const noexcept {
    return !host.empty() && host.front() == '[';
  }
};

/// Parses a URI. sip/sips are checked against the RFC 3261 grammar (with
/// IPv6 references validated per RFC 4291 / RFC 5954), tel loosely, other
/// schemes as absolute-URI text.
expected<uri, parse_error> parse_uri(std::string_view text);

/// Decodes %HH escapes in one pass: "%00" yields a NUL octet (no truncation,
/// RFC 4475 §3.1.1.4), "%25%34%31" yields "%41" (no recursion, §3.1.1.3) and
/// a '%' not followed by two hex digits stays literal (§3.1.1.5).
std::string unescape(std::string_view text);

/// True if `text` is a valid IPv6 address (RFC 4291 text form, with an
/// optional trailing dotted IPv4 part), without brackets.
bool is_ipv6_address(std::string_view text) noexcept;

/// True if `text` is a dotted-quad IPv4 address.
bool is_ipv4_address(std::string_view text) noexcept;

/// True if `text` is a host: hostname, IPv4 address or "[IPv6]".
bool is_host(std::string_view text) noexcept;

} // namespace ivm::sip
