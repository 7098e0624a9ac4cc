#pragma once

#include <cstdint>
#include <string_view>

namespace ivm::sip {

/// Header fields the stack knows by name. Anything else is `unknown` and is
/// matched by its (case-insensitive) name.
enum class header_id : uint8_t {
  unknown,
  accept,
  accept_contact,
  accept_encoding,
  accept_language,
  alert_info,
  allow,
  allow_events,
  authentication_info,
  authorization,
  call_id,
  call_info,
  contact,
  content_disposition,
  content_encoding,
  content_language,
  content_length,
  content_type,
  cseq,
  date,
  error_info,
  event,
  expires,
  from,
  identity,
  identity_info,
  in_reply_to,
  max_forwards,
  mime_version,
  min_expires,
  min_se,
  organization,
  path,
  priority,
  proxy_authenticate,
  proxy_authorization,
  proxy_require,
  rack,
  reason,
  record_route,
  refer_to,
  referred_by,
  reject_contact,
  reply_to,
  request_disposition,
  require,
  retry_after,
  route,
  rseq,
  server,
  service_route,
  session_expires,
  subject,
  subscription_state,
  supported,
  timestamp,
  to,
  unsupported,
  user_agent,
  via,
  warning,
  www_authenticate,
  count_, // number of entries, not a header
};

/// Maps a header name (long or compact form, any case) to its id. Compact
/// forms: RFC 3261 §7.3.3 (c e f i k l m s t v), RFC 3265 (o u), RFC 3515
/// (r), RFC 3892 (b), RFC 3841 (a d j), RFC 4028 (x), RFC 4474 (n y).
header_id lookup_header(std::string_view name) noexcept;

/// The canonical long name of a known header, e.g. "Call-ID"; empty for
/// `header_id::unknown`.
std::string_view canonical_name(header_id id) noexcept;

/// Case-insensitive ASCII comparison.
bool iequals(std::string_view lhs, std::string_view rhs) noexcept;

} // namespace ivm::sip
