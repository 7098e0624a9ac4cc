#pragma once

// CSTA services the box invokes and the answers it reads (ECMA-269, in
// ECMA-323 XML), as element trees for `write(root, edition)`. Pure.

#include <optional>
#include <string>
#include <vector>

#include "appliance/csta/events.hpp"
#include "appliance/csta/xml.hpp"

namespace ivm::csta {

// -- the link ----------------------------------------------------------------
/// ECMA-354 session request: application id, the protocol version asked
/// (the edition's namespace), the session duration in seconds.
element start_application_session(const std::string& application, edition ed,
                                  int duration_s);
element system_register();
/// The box's heartbeat (and its answer to the PBX's): status "normal".
element system_status();
element system_status_response();
element monitor_start(const std::string& device);
element monitor_stop(const std::string& monitor);
element snapshot_device(const std::string& device);

// -- call control ------------------------------------------------------------
element make_call(const std::string& from, const std::string& to);
element answer_call(const connection_id& c);
element clear_connection(const connection_id& c);
element hold_call(const connection_id& c);
element retrieve_call(const connection_id& c);
element deflect_call(const connection_id& c, const std::string& to);
element single_step_transfer(const connection_id& c, const std::string& to);
/// `type`: forwardImmediate, forwardBusy, forwardNoAns, ...
element set_forwarding(const std::string& device, const std::string& type,
                       bool on, const std::string& to);
element set_do_not_disturb(const std::string& device, bool on);

// -- the phone ---------------------------------------------------------------
element set_display(const std::string& device, const std::string& text);
element set_message_waiting(const std::string& device, bool on);

/// What a response says. `error` holds a CSTAErrorCode's category and value
/// ("operation", "invalidDeviceID"); the rest what the positive responses
/// carry.
struct response {
  std::string name; ///< the root element: MonitorStartResponse, ...
  std::optional<std::pair<std::string, std::string>> error;
  std::string monitor;        ///< MonitorStartResponse
  connection_id calling;      ///< MakeCallResponse
  std::string session;        ///< StartApplicationSessionPosResponse
  std::string protocol;       ///< ... actualProtocolVersion
  int session_duration_s = 0; ///< ... actualSessionDuration
  std::string register_id;    ///< SystemRegisterResponse
  /// SnapshotDeviceResponse: the device's calls and their local states.
  std::vector<std::pair<connection_id, std::string>> snapshot;
};

/// True for the roots of answers to requests (…Response, CSTAErrorCode,
/// StartApplicationSession{Pos,Neg}Response).
bool is_response(const element& root);
response decode_response(const element& root);

} // namespace ivm::csta
