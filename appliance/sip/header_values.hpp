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

/// CSeq (RFC 3261 §20.16): 32-bit sequence number and method.
struct cseq {
  uint32_t number = 0;
  std::string method;
};

/// `1*DIGIT LWS Method`; numbers above 2^32-1 are errors (RFC 4475 §3.1.2.4).
expected<cseq, parse_error> parse_cseq(std::string_view value);

/// Max-Forwards (§20.22): 0..255, leading zeros allowed ("0068").
expected<uint8_t, parse_error> parse_max_forwards(std::string_view value);

/// Expires, Min-Expires (§20.19): delta-seconds as uint32.
expected<uint32_t, parse_error> parse_expires(std::string_view value);

/// Content-Length (§20.14).
expected<uint32_t, parse_error> parse_content_length(std::string_view value);

/// Call-ID (§20.8): `word ["@" word]`; returns the value.
expected<std::string, parse_error> parse_call_id(std::string_view value);

/// A media type or media range: type "/" subtype *(";" param), lowercased
/// type and subtype ("*" allowed in ranges).
struct media_type {
  std::string type;
  std::string subtype;
  param_list params;
};

/// Content-Type (§20.15): one media type (no wildcards).
expected<media_type, parse_error> parse_content_type(std::string_view value);

/// Accept (§20.1): comma-separated media ranges; an empty value is an empty
/// list.
expected<std::vector<media_type>, parse_error>
parse_accept(std::string_view value);

/// Event (RFC 3265 §7.2.1): package with template suffixes and params.
struct event {
  std::string package;
  param_list params;

  std::optional<std::string_view> id() const noexcept {
    return param_value(params, "id");
  }
};

expected<event, parse_error> parse_event(std::string_view value);

/// Subscription-State (RFC 3265 §7.2.3).
struct subscription_state {
  /// "active", "pending", "terminated" or an extension, lowercased.
  std::string state;
  param_list params;

  std::optional<uint32_t> expires() const noexcept;
  std::optional<uint32_t> retry_after() const noexcept;
  std::optional<std::string_view> reason() const noexcept {
    return param_value(params, "reason");
  }
};

expected<subscription_state, parse_error>
parse_subscription_state(std::string_view value);

/// Comma-separated tokens: Allow, Supported, Require, Proxy-Require,
/// Unsupported, Allow-Events. An empty value is an empty list.
expected<std::vector<std::string>, parse_error>
parse_token_list(std::string_view value);

/// Retry-After (§20.33): delta-seconds (uint32), comment and params ignored.
expected<uint32_t, parse_error> parse_retry_after(std::string_view value);

/// Warning (§20.43): checks each value's 3-digit warn-code, agent and
/// quoted warn-text; returns the codes.
expected<std::vector<int>, parse_error> parse_warning(std::string_view value);

/// Date (§20.17): rfc1123-date in GMT ("Sat, 13 Nov 2010 23:29:00 GMT").
bool is_valid_date(std::string_view value) noexcept;

} // namespace ivm::sip
