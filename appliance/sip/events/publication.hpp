#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/sip/events/packages.hpp"
#include "appliance/sip/message.hpp"

namespace ivm::sip::events {

/// One piece of published event state (RFC 3903 §2).
struct publication_entry {
  std::string etag;
  std::string body;
  std::string content_type;
  std::uint64_t expires_at = 0; ///< absolute seconds
};

/// Everything published for one resource (Request-URI) and event package:
/// plain data the caller may persist and compose (e.g. into one PIDF).
struct resource_publications {
  std::string package;
  std::vector<publication_entry> entries;
};

/// What a PUBLISH did.
struct publish_outcome {
  /// The answer: 200 with SIP-ETag and Expires, or 400/412/423/489.
  message response;
  /// The published state changed (new, modified or removed entry): the
  /// caller recomposes and notifies watchers. A refresh changes nothing.
  bool changed = false;
};

/// Applies a PUBLISH to `res` (RFC 3903 §6, the event state compositor):
/// - unknown or missing Event: 489 with Allow-Events (or 400 when missing);
/// - no SIP-If-Match: initial publication, body required (400), gets
///   `new_etag`;
/// - SIP-If-Match of a live entry: refresh without body, modify with body,
///   remove with Expires: 0; the entry gets `new_etag` unless removed;
///   unknown or expired entity-tags: 412;
/// - Expires below the minimum: 423 with Min-Expires; above the maximum:
///   the maximum; absent: the package default.
/// Expired entries are dropped first. `res.package` is set from the first
/// PUBLISH; a different package is answered 489. `to_tag` goes into the
/// answer's To header.
publish_outcome apply_publish(resource_publications& res, const message& req,
                              std::uint64_t now, const events_config& cfg,
                              std::string new_etag, std::string_view to_tag);

/// Drops entries expired at `now` (RFC 3903 §6 step 7); true if any was.
bool expire_publications(resource_publications& res, std::uint64_t now);

/// The earliest expiry among the entries, for the caller's timer.
std::optional<std::uint64_t> next_expiry(const resource_publications& res);

} // namespace ivm::sip::events
