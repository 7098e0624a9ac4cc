#include "appliance/sip/validate.hpp"

#include <array>

#include "appliance/sip/auth.hpp"
#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/uri.hpp"
#include "appliance/sip/via.hpp"

namespace ivm::sip {

namespace {

// Headers that may appear at most once (RFC 3261 §7.3.1, Table 2/3).
constexpr std::array single_valued{
    header_id::call_id,
    header_id::content_length,
    header_id::content_type,
    header_id::cseq,
    header_id::date,
    header_id::expires,
    header_id::from,
    header_id::max_forwards,
    header_id::min_expires,
    header_id::to,
    header_id::mime_version,
    header_id::retry_after,
    header_id::event,
    header_id::subscription_state,
    header_id::session_expires,
    header_id::refer_to,
};

constexpr std::array mandatory{header_id::to, header_id::from,
                               header_id::call_id, header_id::cseq,
                               header_id::via};

parse_error error(std::string reason, parse_errc code = parse_errc::bad_value) {
  return parse_error{400, std::move(reason), false, code};
}

template <class T>
std::optional<parse_error> check(const expected<T, parse_error>& result) {
  if (result)
    return std::nullopt;
  return result.error();
}

std::optional<parse_error> check_header(const message& msg, const header& hdr) {
  auto& v = hdr.value;
  switch (hdr.id) {
    case header_id::via:
      return check(parse_via(v));
    case header_id::from:
    case header_id::to:
      return check(parse_name_addr(v));
    case header_id::contact: {
      auto contacts = parse_contact(v);
      if (!contacts)
        return contacts.error();
      if (contacts->star && msg.is_request() && msg.method != "REGISTER")
        return error("Malformed Contact header");
      return std::nullopt;
    }
    case header_id::route:
    case header_id::record_route:
    case header_id::path:
    case header_id::service_route:
      return check(parse_name_addr_list(v));
    case header_id::cseq:
      return check(parse_cseq(v));
    case header_id::call_id:
      return check(parse_call_id(v));
    case header_id::max_forwards:
      return check(parse_max_forwards(v));
    case header_id::expires:
    case header_id::min_expires:
      return check(parse_expires(v));
    case header_id::content_length:
      return check(parse_content_length(v));
    case header_id::content_type:
      return check(parse_content_type(v));
    case header_id::accept:
      return check(parse_accept(v));
    case header_id::event:
      return check(parse_event(v));
    case header_id::subscription_state:
      return check(parse_subscription_state(v));
    case header_id::allow:
    case header_id::supported:
    case header_id::require:
    case header_id::proxy_require:
    case header_id::unsupported:
    case header_id::allow_events:
      return check(parse_token_list(v));
    case header_id::authorization:
    case header_id::proxy_authorization:
    case header_id::www_authenticate:
    case header_id::proxy_authenticate:
      return check(parse_auth(v));
    case header_id::retry_after:
      return check(parse_retry_after(v));
    case header_id::warning:
      return check(parse_warning(v));
    case header_id::date:
      if (!is_valid_date(v))
        return error("Malformed Date header");
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

bool creates_dialog(std::string_view method) noexcept {
  for (auto m : {"INVITE", "SUBSCRIBE", "REFER", "NOTIFY", "UPDATE"})
    if (method == m)
      return true;
  return false;
}

std::optional<parse_error> common_checks(const message& msg) {
  for (auto id : mandatory)
    if (msg.count(id) == 0)
      return error("Missing " + std::string{canonical_name(id)} + " header",
                   parse_errc::missing_header);
  for (auto id : single_valued)
    if (msg.count(id) > 1)
      return error("Duplicate " + std::string{canonical_name(id)} + " header",
                   parse_errc::duplicate_header);
  for (auto& hdr : msg.headers)
    if (auto err = check_header(msg, hdr))
      return err;
  return std::nullopt;
}

} // namespace

std::optional<parse_error> validate_request(const message& msg) {
  auto result = [&]() -> std::optional<parse_error> {
    if (!msg.is_request())
      return error("Not a request", parse_errc::not_a_request);
    auto ruri = parse_uri(msg.request_uri);
    if (!ruri)
      return error("Malformed Request-URI");
    // RFC 4475 §3.1.2.11: headers in a Request-URI are rejected.
    if (!ruri->headers.empty())
      return error("Request-URI with headers");
    if (auto err = common_checks(msg))
      return err;
    // RFC 3261 §8.1.1.8: exactly one Contact URI in dialog-creating (and
    // target refresh) requests.
    if (creates_dialog(msg.method) && msg.values("Contact").size() > 1)
      return error("Duplicate Contact header", parse_errc::duplicate_header);
    auto seq = parse_cseq(msg.find(header_id::cseq)->value);
    if (seq->method != msg.method)
      return error("CSeq method mismatch", parse_errc::cseq_method_mismatch);
    return std::nullopt;
  }();
  if (result)
    result->is_request = true;
  return result;
}

std::optional<parse_error> validate_response(const message& msg) {
  if (!msg.is_response() || msg.status_code < 100 || msg.status_code > 699)
    return error("Not a response", parse_errc::not_a_response);
  return common_checks(msg);
}

} // namespace ivm::sip
