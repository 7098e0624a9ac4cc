#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "appliance/sip/param.hpp"
#include "appliance/sip/parse_error.hpp"
#include "appliance/sip/uri.hpp"

namespace ivm::sip {

/// A `name-addr` or `addr-spec` with header parameters (RFC 3261 §20.10,
/// §25.1): the value of From, To, Contact, Route, Record-Route, Refer-To...
struct name_addr {
  /// Display name: unquoted and unescaped, or the tokens as written.
  std::string display_name;

  /// True when the display name was a quoted-string.
  bool quoted_display = false;

  /// True when the URI was enclosed in <>.
  bool angle_brackets = false;

  /// The URI text as written (between <> if present).
  std::string uri_text;

  /// The parsed URI.
  sip::uri uri;

  /// Header parameters (after '>' or, without <>, after the URI: RFC 4475
  /// §3.3.12 - they are never URI parameters in that case).
  param_list params;

  /// The "tag" parameter, if present.
  std::optional<std::string_view> tag() const noexcept {
    return param_value(params, "tag");
  }
};

/// Parses one name-addr / addr-spec value followed by header parameters.
/// Without <>, the URI must not contain '?', ',' or ';' (RFC 3261 §20.10,
/// RFC 4475 §3.1.2.13); spaces inside <> are rejected (§3.1.2.14).
expected<name_addr, parse_error> parse_name_addr(std::string_view value);

/// Parses a comma-separated list of name-addr values (Route, Record-Route,
/// Path...). Empty elements are errors.
expected<std::vector<name_addr>, parse_error>
parse_name_addr_list(std::string_view value);

/// A Contact header value (RFC 3261 §20.10): either "*" or a list.
struct contact_list {
  bool star = false;
  std::vector<name_addr> entries;
};

/// Parses one Contact header value. Checks the q (0..1, at most three
/// decimals) and expires (uint32) parameters.
expected<contact_list, parse_error> parse_contact(std::string_view value);

/// The q value of a contact in thousandths (1000 = 1.0), or nullopt.
std::optional<int> contact_q(const name_addr& contact);

/// The expires parameter of a contact, or nullopt.
std::optional<uint32_t> contact_expires(const name_addr& contact);

/// Parses a qvalue ("0", "0.5", "1.000") into thousandths.
std::optional<int> parse_qvalue(std::string_view text);

/// `s` as an RFC 3261 §25.1 quoted-string (for a display name): in double
/// quotes, with `"` and `\` escaped.
std::string quoted_string(std::string_view s);

} // namespace ivm::sip
