#include "appliance/sip/header_name.hpp"

#include <array>

namespace ivm::sip {

namespace {

constexpr auto num_ids = static_cast<size_t>(header_id::count_);

// Indexed by header_id; must follow the enum order.
constexpr std::array<std::string_view, num_ids> long_names{{
    "",
    "Accept",
    "Accept-Contact",
    "Accept-Encoding",
    "Accept-Language",
    "Alert-Info",
    "Allow",
    "Allow-Events",
    "Authentication-Info",
    "Authorization",
    "Call-ID",
    "Call-Info",
    "Contact",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Content-Length",
    "Content-Type",
    "CSeq",
    "Date",
    "Error-Info",
    "Event",
    "Expires",
    "From",
    "Identity",
    "Identity-Info",
    "In-Reply-To",
    "Max-Forwards",
    "MIME-Version",
    "Min-Expires",
    "Min-SE",
    "Organization",
    "Path",
    "Priority",
    "Proxy-Authenticate",
    "Proxy-Authorization",
    "Proxy-Require",
    "RAck",
    "Reason",
    "Record-Route",
    "Refer-To",
    "Referred-By",
    "Reject-Contact",
    "Reply-To",
    "Request-Disposition",
    "Require",
    "Retry-After",
    "Route",
    "RSeq",
    "Server",
    "Service-Route",
    "Session-Expires",
    "Subject",
    "Subscription-State",
    "Supported",
    "Timestamp",
    "To",
    "Unsupported",
    "User-Agent",
    "Via",
    "Warning",
    "WWW-Authenticate",
}};

constexpr char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

header_id compact(char c) noexcept {
  switch (lower(c)) {
    case 'a':
      return header_id::accept_contact;
    case 'b':
      return header_id::referred_by;
    case 'c':
      return header_id::content_type;
    case 'd':
      return header_id::request_disposition;
    case 'e':
      return header_id::content_encoding;
    case 'f':
      return header_id::from;
    case 'i':
      return header_id::call_id;
    case 'j':
      return header_id::reject_contact;
    case 'k':
      return header_id::supported;
    case 'l':
      return header_id::content_length;
    case 'm':
      return header_id::contact;
    case 'n':
      return header_id::identity_info;
    case 'o':
      return header_id::event;
    case 'r':
      return header_id::refer_to;
    case 's':
      return header_id::subject;
    case 't':
      return header_id::to;
    case 'u':
      return header_id::allow_events;
    case 'v':
      return header_id::via;
    case 'x':
      return header_id::session_expires;
    case 'y':
      return header_id::identity;
    default:
      return header_id::unknown;
  }
}

} // namespace

bool iequals(std::string_view lhs, std::string_view rhs) noexcept {
  if (lhs.size() != rhs.size())
    return false;
  for (size_t i = 0; i < lhs.size(); ++i)
    if (lower(lhs[i]) != lower(rhs[i]))
      return false;
  return true;
}

header_id lookup_header(std::string_view name) noexcept {
  if (name.size() == 1)
    return compact(name[0]);
  for (size_t i = 1; i < num_ids; ++i)
    if (iequals(long_names[i], name))
      return static_cast<header_id>(i);
  return header_id::unknown;
}

std::string_view canonical_name(header_id id) noexcept {
  auto index = static_cast<size_t>(id);
  return index < num_ids ? long_names[index] : std::string_view{};
}

} // namespace ivm::sip
