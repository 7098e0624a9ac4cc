#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "appliance/common/expected.hpp"

namespace ivm::net {

/// A transport address: host (IPv4 dotted quad or IPv6 without brackets)
/// and port.
struct endpoint {
  std::string host;
  std::uint16_t port = 0;

  friend bool operator==(const endpoint& x, const endpoint& y) {
    return x.host == y.host && x.port == y.port;
  }
  friend bool operator!=(const endpoint& x, const endpoint& y) {
    return !(x == y);
  }
};

/// Parses "HOST:PORT" or "[V6]:PORT". The host must be an IP address
/// literal; the port 0..65535 (0 lets the kernel choose). Returns a message
/// naming the problem otherwise.
expected<endpoint, std::string> parse_endpoint(std::string_view text);

/// Formats as "HOST:PORT", with brackets around IPv6 hosts.
std::string to_string(const endpoint& ep);

} // namespace ivm::net
