#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "appliance/sip/message.hpp"
#include "storage/records/records.hpp"

namespace ivm::directory {

/// A MESSAGE turned into what the box stores (RFC 3428), or the error to
/// answer (`code` != 0).
struct intake {
  int code = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  storage::records::queued_message msg;
  std::string dedup;
};

/// Checks and converts an authenticated MESSAGE from `sender`: body at most
/// `max_body` octets (413), Content-Type text/* or message/cpim (415 with
/// Accept; none means text/plain). A message/cpim body asking for
/// `positive-delivery` (RFC 5438 §6.2, imdn.Disposition-Notification) marks
/// the message for a delivery notification.
intake make_intake(const sip::message& req,
                   const storage::records::account& sender,
                   const std::string& realm, std::size_t max_body);

/// The IMDN delivery notification (RFC 5438 §7.2.1.1, in CPIM RFC 3862) for
/// `original`, delivered to `recipient_aor`, queued for the sender.
storage::records::queued_message
make_delivery_notification(const storage::records::queued_message& original,
                           const std::string& realm, std::uint64_t now_s);

/// A text notice from the box to a user (e.g. "not delivered").
storage::records::queued_message make_notice(const std::string& to_ext,
                                             const std::string& realm,
                                             const std::string& text,
                                             std::uint64_t now_s);

/// Unix seconds now.
std::uint64_t unix_now();

/// "2026-11-22T00:00:00Z".
std::string iso8601(std::uint64_t t);

} // namespace ivm::directory
