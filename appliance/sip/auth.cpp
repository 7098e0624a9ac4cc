#include "appliance/sip/auth.hpp"

#include <optional>

#include "appliance/sip/header_name.hpp"
#include "appliance/sip/scan.hpp"

namespace ivm::sip {

namespace {

using detail::cursor;

// auth-param *(COMMA auth-param); auth-param = name EQUAL (token / qstring)
std::optional<param_list> auth_params(std::string_view text) {
  param_list result;
  cursor in{text};
  for (;;) {
    in.skip_ws();
    param p;
    p.name = std::string{in.token()};
    if (p.name.empty())
      return std::nullopt;
    in.skip_ws();
    if (!in.accept('='))
      return std::nullopt;
    in.skip_ws();
    p.has_value = true;
    if (in.peek() == '"') {
      auto str = detail::quoted_string(in);
      if (!str)
        return std::nullopt;
      p.value = std::move(*str);
      p.quoted = true;
    } else {
      p.value = std::string{in.token()};
      if (p.value.empty())
        return std::nullopt;
    }
    result.push_back(std::move(p));
    in.skip_ws();
    if (in.at_end())
      return result;
    if (!in.accept(','))
      return std::nullopt;
  }
}

} // namespace

expected<auth_value, parse_error> parse_auth(std::string_view value) {
  auth_value result;
  cursor in{detail::trim(value)};
  result.scheme = std::string{in.token()};
  if (result.scheme.empty() || (!in.at_end() && !in.skip_ws()))
    return unexpected(bad_request("Malformed authentication header"));
  result.raw_params = std::string{in.rest()};
  auto digest = iequals(result.scheme, "Digest");
  if (result.raw_params.empty()) {
    if (digest)
      return unexpected(bad_request("Malformed authentication header"));
    return result;
  }
  if (auto params = auth_params(result.raw_params))
    result.params = std::move(*params);
  else if (digest)
    return unexpected(bad_request("Malformed authentication header"));
  return result;
}

} // namespace ivm::sip
