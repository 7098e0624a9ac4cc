#pragma once

// CSTA events (ECMA-269 §15-§21, in ECMA-323 XML) as one flat structure:
// which event, on which monitor, the connection it is about and the
// devices it names. Devices are kept as the PBX writes them
// (`N<3021061290002>;noa=nk`, `3001`); `dial_number` gives the number.
// Pure.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/csta/xml.hpp"

namespace ivm::csta {

enum class event_kind {
  service_initiated,
  originated,
  delivered,
  established,
  connection_cleared,
  held,
  retrieved,
  diverted,
  transferred, ///< ECMA spells it TransferedEvent
  conferenced,
  failed,
  call_information,
  do_not_disturb,
  forwarding,
  hookswitch,
  button_press,
  button_information,
  display_updated,
  message_waiting,
};

struct connection_id {
  std::string call;   ///< callID
  std::string device; ///< deviceID
};

struct event {
  event_kind kind{};
  std::string monitor; ///< monitorCrossRefID
  /// The connection the event is about: initiated, originated, the
  /// (alerting) connection, established, dropped, held, retrieved, failed.
  connection_id connection;
  /// Transfered and Conferenced: the calls that ended in the new one and
  /// the connections of the result.
  std::string primary_old_call, secondary_old_call;
  std::vector<connection_id> new_connections;
  /// The devices, by role (empty when absent or `notKnown`).
  std::string subject; ///< initiating, alerting, answering, releasing,
                       ///< holding, retrieving, diverting, transferring,
                       ///< conferencing, failing; the physical device
  std::string calling;
  std::string called;
  std::string new_destination; ///< Diverted; Transfered's transferredTo
  std::string local_state;     ///< localConnectionInfo: null, initiated,
                               ///< alerting, connected, hold, queued, fail
  std::string cause;
  /// do-not-disturb on, forwarding active, on hook, lamp on.
  std::optional<bool> on;
  std::string forwarding_type; ///< forwardImmediate, forwardBusy, ...
  std::string forward_to;
  std::string button;  ///< ButtonPress/ButtonInformation
  std::string display; ///< DisplayUpdated contentsOfDisplay
};

/// The event in `root`, or nothing when the root is not a known event
/// (unknown events are ignored by the link).
std::optional<event> decode_event(const element& root);

/// True when the root element's name ends in "Event".
bool is_event(const element& root);

/// The dialable number of a CSTA device identifier: `N<+4930123>;noa=...`
/// -> `+4930123`, `3001;displayNumber=...` -> `3001`, `3001` -> `3001`.
std::string dial_number(std::string_view device);

} // namespace ivm::csta
