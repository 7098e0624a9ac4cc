#pragma once

#include <string>
#include <string_view>

#include "appliance/common/expected.hpp"
#include "appliance/sip/param.hpp"
#include "appliance/sip/parse_error.hpp"

namespace ivm::sip {

/// Authorization, Proxy-Authorization, WWW-Authenticate, Proxy-Authenticate
/// (RFC 3261 §20.7, §20.27, §20.28, §20.44, §25.1): a scheme followed by
/// comma-separated auth-params.
struct auth_value {
  /// Scheme as written, e.g. "Digest"; compare case-insensitively.
  std::string scheme;

  /// Everything after the scheme, trimmed.
  std::string raw_params;

  /// auth-params with quoted values unquoted and unescaped. Always filled
  /// for Digest; for other schemes filled when the text has auth-param form
  /// and left empty otherwise (RFC 4475 §3.3.7).
  param_list params;

  std::optional<std::string_view> get(std::string_view name) const noexcept {
    return param_value(params, name);
  }
};

/// Parses a credentials / challenge value. Digest params must be well
/// formed (name=token or name="quoted"); unknown schemes only need a token.
expected<auth_value, parse_error> parse_auth(std::string_view value);

} // namespace ivm::sip
