#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ivm::presence {

/// State of a subscription as seen by the presentity (RFC 3857 §4.1).
enum class watcher_status { pending, active, waiting, terminated };

/// The event that caused the last state change (RFC 3857 §4.1).
enum class watcher_event {
  subscribe,
  approved,
  deactivated,
  probation,
  rejected,
  timeout,
  giveup,
  noresource,
};

/// The word RFC 3858 uses for `x`.
std::string_view to_string(watcher_status x);

/// The word RFC 3858 uses for `x`.
std::string_view to_string(watcher_event x);

/// One `<watcher>` (RFC 3858 §4).
struct watcher {
  /// Subscription identifier (`id` attribute).
  std::string id;

  /// The watcher's URI (element content).
  std::string uri;

  /// `display-name` attribute; omitted when empty.
  std::string display_name;

  watcher_status status = watcher_status::pending;

  watcher_event event = watcher_event::subscribe;

  /// Seconds since the subscription started (`duration-subscribed`).
  std::uint32_t duration_s = 0;
};

/// The watchers of one resource for one event package.
struct watcher_list {
  /// The watched resource's URI.
  std::string resource;

  /// The event package being watched.
  std::string package = "presence";

  std::vector<watcher> watchers;
};

/// Writes an `application/watcherinfo+xml` body (RFC 3858): `version` counts
/// the documents sent on the subscription, `full` selects state="full" (all
/// watchers) over state="partial" (changes only).
std::string to_watcherinfo(std::uint32_t version, bool full,
                           const std::vector<watcher_list>& lists);

} // namespace ivm::presence
