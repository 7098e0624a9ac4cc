#pragma once

// What a monitored PBX device is doing, built from its CSTA events (and a
// SnapshotDevice after a (re)connection): its calls and their local states,
// do-not-disturb, forwarding, the hook, the message-waiting lamp; and the
// presence it shows to SIP watchers (seed 001). `apply` returns whether
// anything a watcher sees changed. Pure.

#include <map>
#include <string>
#include <vector>

#include "appliance/csta/events.hpp"
#include "appliance/csta/services.hpp"

namespace ivm::csta {

enum class local_state { initiated, alerting, connected, held, queued, failed };

struct call {
  std::string id; ///< callID
  local_state state = local_state::initiated;
  bool incoming = false;
  std::string other; ///< the far end's number, if known
};

/// What a watcher sees, most significant first.
enum class activity { idle, ringing, on_the_phone, on_hold };
std::string_view to_string(activity a);

struct device_model {
  std::string device; ///< its number (dial_number form)
  std::map<std::string, call> calls;
  bool do_not_disturb = false;
  bool forwarding = false;
  std::string forward_to;
  bool off_hook = false;
  bool lamp = false;

  activity now() const;
  /// The call to act on: the connected one, else alerting, else held.
  const call* current() const;
};

/// Takes one event on the device; true when what watchers see changed:
/// `now()`, a call's state, do-not-disturb or forwarding.
bool apply(device_model& d, const event& e);

/// Replaces the calls with a snapshot's (after connecting).
bool apply_snapshot(device_model& d, const response& snapshot);

} // namespace ivm::csta
