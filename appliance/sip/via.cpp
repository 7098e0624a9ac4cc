#include "appliance/sip/via.hpp"

#include "appliance/sip/header_name.hpp"
#include "appliance/sip/scan.hpp"
#include "appliance/sip/uri.hpp"

namespace ivm::sip {

namespace {

using detail::cursor;

parse_error bad_via() {
  return bad_request("Malformed Via header");
}

bool slash(cursor& in) {
  in.skip_ws();
  if (!in.accept('/'))
    return false;
  in.skip_ws();
  return true;
}

bool check_params(const via& v) {
  for (auto& p : v.params) {
    auto& val = p.value;
    if (iequals(p.name, "ttl")) {
      if (!detail::parse_uint(val, 255))
        return false;
    } else if (iequals(p.name, "rport")) {
      if (p.has_value && !detail::parse_uint(val, 65535))
        return false;
    } else if (iequals(p.name, "received")) {
      std::string_view addr{val};
      if (addr.size() > 2 && addr.front() == '[' && addr.back() == ']')
        addr = addr.substr(1, addr.size() - 2);
      if (!is_ipv4_address(addr) && !is_ipv6_address(addr))
        return false;
    } else if (iequals(p.name, "maddr")) {
      if (!is_host(val))
        return false;
    } else if (iequals(p.name, "branch")) {
      if (!detail::is_token(val))
        return false;
    }
  }
  return true;
}

expected<via, parse_error> via_parm(std::string_view text) {
  via result;
  cursor in{text};
  result.protocol = std::string{in.token()};
  if (result.protocol.empty() || !slash(in))
    return unexpected(bad_via());
  result.version = std::string{in.token()};
  if (result.version.empty() || !slash(in))
    return unexpected(bad_via());
  result.transport = std::string{in.token()};
  if (result.transport.empty() || !in.skip_ws())
    return unexpected(bad_via());
  // sent-by = host [ COLON port ]
  auto start = in.pos;
  if (in.peek() == '[') {
    auto close = in.text.find(']', in.pos);
    if (close == std::string_view::npos)
      return unexpected(bad_via());
    in.pos = close + 1;
  } else {
    while (!in.at_end() && in.peek() != ':' && in.peek() != ';' &&
           !detail::is_wsp(in.peek()))
      ++in.pos;
  }
  auto host = in.text.substr(start, in.pos - start);
  if (!is_host(host))
    return unexpected(bad_via());
  result.host = std::string{host};
  in.skip_ws();
  if (in.accept(':')) {
    in.skip_ws();
    auto digits_start = in.pos;
    while (detail::is_digit(in.peek()))
      ++in.pos;
    auto port = detail::parse_uint(
        in.text.substr(digits_start, in.pos - digits_start), 65535);
    if (!port)
      return unexpected(bad_via());
    result.port = static_cast<uint16_t>(*port);
  }
  auto params = detail::header_params(in);
  if (!params)
    return unexpected(bad_via());
  result.params = std::move(*params);
  if (!check_params(result))
    return unexpected(bad_via());
  return result;
}

} // namespace

std::optional<uint16_t> via::rport() const noexcept {
  if (auto p = find_param(params, "rport"); p && p->has_value)
    if (auto n = detail::parse_uint(p->value, 65535))
      return static_cast<uint16_t>(*n);
  return std::nullopt;
}

std::optional<uint8_t> via::ttl() const noexcept {
  if (auto v = param_value(params, "ttl"))
    if (auto n = detail::parse_uint(*v, 255))
      return static_cast<uint8_t>(*n);
  return std::nullopt;
}

bool via::rfc3261_branch() const noexcept {
  auto b = branch();
  return b && b->size() > magic_cookie.size() &&
         b->substr(0, magic_cookie.size()) == magic_cookie;
}

expected<std::vector<via>, parse_error> parse_via(std::string_view value) {
  std::vector<via> result;
  for (auto item : detail::split_list(value)) {
    if (item.empty())
      return unexpected(bad_via());
    auto v = via_parm(item);
    if (!v)
      return unexpected(v.error());
    result.push_back(std::move(*v));
  }
  return result;
}

} // namespace ivm::sip
