#include "appliance/net/endpoint.hpp"

#include <arpa/inet.h>
#include <charconv>

namespace ivm::net {

namespace {

bool is_ip_literal(const std::string& host, bool& v6) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) == 1) {
    v6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, host.c_str(), buf) == 1) {
    v6 = true;
    return true;
  }
  return false;
}

} // namespace

expected<endpoint, std::string> parse_endpoint(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() ||
        text[close + 1] != ':')
      return unexpected(std::string{"expected [IPV6]:PORT"});
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
      return unexpected(std::string{"expected HOST:PORT"});
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  endpoint ep;
  ep.host = std::string{host};
  bool v6 = false;
  if (!is_ip_literal(ep.host, v6))
    return unexpected("'" + ep.host + "' is not an IP address");
  unsigned value = 0;
  auto [ptr, ec] =
      std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() ||
      value > 65535)
    return unexpected("'" + std::string{port} + "' is not a port (0-65535)");
  ep.port = static_cast<std::uint16_t>(value);
  return ep;
}

std::string to_string(const endpoint& ep) {
  if (ep.host.find(':') != std::string::npos)
    return "[" + ep.host + "]:" + std::to_string(ep.port);
  return ep.host + ":" + std::to_string(ep.port);
}

} // namespace ivm::net
