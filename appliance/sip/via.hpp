#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "appliance/sip/param.hpp"
#include "appliance/sip/parse_error.hpp"

namespace ivm::sip {

/// The RFC 3261 branch magic cookie (§8.1.1.7).
inline constexpr std::string_view magic_cookie = "z9hG4bK";

/// One via-parm (RFC 3261 §20.42, §25.1).
struct via {
  /// protocol-name, e.g. "SIP".
  std::string protocol;

  /// protocol-version, e.g. "2.0".
  std::string version;

  /// transport as written, e.g. "UDP", "TLS" or an unknown token.
  std::string transport;

  /// sent-by host as written (IPv6 references keep their brackets).
  std::string host;

  /// sent-by port.
  std::optional<uint16_t> port;

  /// All via-params in order.
  param_list params;

  /// The branch parameter, if present.
  std::optional<std::string_view> branch() const noexcept {
    return param_value(params, "branch");
  }

  /// The received parameter (IPv4 or IPv6, brackets tolerated per RFC 5118
  /// §4.5), if present.
  std::optional<std::string_view> received() const noexcept {
    return param_value(params, "received");
  }

  /// The maddr parameter, if present.
  std::optional<std::string_view> maddr() const noexcept {
    return param_value(params, "maddr");
  }

  /// True when an rport parameter is present (RFC 3581), with or without a
  /// value.
  bool has_rport() const noexcept {
    return find_param(params, "rport") != nullptr;
  }

  /// The rport value, if one was given.
  std::optional<uint16_t> rport() const noexcept;

  /// The ttl parameter, if present.
  std::optional<uint8_t> ttl() const noexcept;

  /// True if the branch starts with the RFC 3261 magic cookie and has more
  /// characters after it (RFC 4475 §3.2.1: a bare cookie does not count).
  bool rfc3261_branch() const noexcept;
};

/// Parses one Via header value (comma-separated via-parms). Rejects empty
/// elements and empty params (RFC 4475 §3.1.2.1), bad ports, ttl > 255,
/// rport values > 65535 and received values that are not IP addresses.
expected<std::vector<via>, parse_error> parse_via(std::string_view value);

} // namespace ivm::sip
