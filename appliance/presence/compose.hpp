#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/presence/presence_doc.hpp"

namespace ivm::presence {

/// What the user set at the box (text command, desk phone key, web client).
enum class user_status { none, available, away, busy, dnd, signed_out };

/// Everything the box knows about one presentity, gathered by its `client`.
struct presence_inputs {
  /// Number of registered contacts (bindings) of the user.
  std::size_t registered_devices = 0;

  /// Unexpired PUBLISH state, oldest first: on duplicate tuple ids and for
  /// the person's note and display name the newest publication wins.
  std::vector<presence_doc> publications;

  /// Dialogs of the user in the confirmed state (calls in progress).
  std::size_t calls_confirmed = 0;

  /// Dialogs of the user in the early state (ringing). RPID has no activity
  /// for this: busy lamps show it through dialog-info (RFC 4235).
  std::size_t calls_early = 0;

  /// The user's own status.
  user_status status = user_status::none;

  /// The note that came with the status ("lunch until 2"), may be empty.
  std::string status_note;

  /// The user's display name from the directory, may be empty.
  std::string display_name;

  /// The presentity URI (`pres:alice@example.com` or `sip:...`).
  std::string entity;

  /// The contact written in the registration tuple (usually the AOR), may be
  /// empty.
  std::string contact;
};

/// The id of the tuple that reflects the registration state. A published
/// tuple with this id is dropped in favour of the box's own.
inline constexpr std::string_view registration_tuple_id = "ivm-reg";

/// The note used for `user_status::dnd`.
inline constexpr std::string_view dnd_note = "Do not disturb";

/// Merges the sources into one document (pure, deterministic: tuples sorted
/// by id, activities sorted, so unchanged inputs give byte-identical PIDF).
/// - `signed_out`: every tuple closed, no activities;
/// - otherwise the registration tuple is open when a device is registered
///   and published tuples keep their status, so the presentity is open when
///   a device is registered or a publication says open;
/// - a confirmed call adds "on-the-phone";
/// - available/away/busy replace published activities with nothing, "away"
///   or "busy"; dnd gives "busy" and the note "Do not disturb";
///   `none` keeps the published activities;
/// - the person's note (status note, else the newest published one) is also
///   the registration tuple's `<note>` for watchers that ignore persons.
presence_doc compose(const presence_inputs& in);

} // namespace ivm::presence
