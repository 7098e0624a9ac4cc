#pragma once

// Private to actors/mgcp: the state of one gateway actor, shared by its
// units (gateway_actor.cpp: the protocol, stations and voice services;
// gateway_calls.cpp: calls between a legacy phone and SIP users).

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>

#include "actors/mgcp/mgcp_actors.hpp"
#include "actors/voice/intercom_leg.hpp"
#include "appliance/common/log.hpp"
#include "appliance/mgcp/line_gateway.hpp"

namespace ivm::actors::gw {

using mgcp::millis;
using output = mgcp::gateway_session::output;

millis now_ms();

/// One device of the callee a legacy phone calls (the box is the UAC).
struct call_leg {
  enum class phase { calling, ringing, answered, gone };
  leg_dialog d;
  sip_router_actor router;
  phase at = phase::calling;
  bool cancel_wanted = false;
};

/// A call from a legacy phone to a user.
struct outgoing_call {
  std::string callee;
  std::string offer; ///< the gateway's SDP
  std::vector<call_leg> legs;
  bool answered = false;
  int forwards = 0; ///< how often the callees' rules sent it on
};

/// A call to the user offered by the router (a local branch of its proxy,
/// issue 15): the line rings; off-hook answers (the box as UAS, the
/// gateway's SDP in the 2xx).
struct incoming_call {
  std::string branch;
  sip_task invite;       ///< the server transaction's key, router, request
  std::string tag;       ///< our To tag
  bool answered = false; ///< the 2xx went up
  bool acked = false;    ///< its ACK came
  sip::message ok;       ///< the 2xx (sent again until the ACK)
  std::chrono::milliseconds resend{500};
  std::chrono::milliseconds resent{0};
};

/// A station: the user on a line and the voice service or call it runs.
struct station_state {
  std::string ext;
  bool off_hook = false;
  std::string code;       ///< what was dialled, waiting for its media
  std::string call_id;    ///< C: of the connection
  std::string connection; ///< I: the gateway gave it
  std::uint32_t crcx = 0; ///< the CRCX in flight
  caf::actor service;     ///< the voice session or playback
  std::uint64_t generation = 0;
  /// Ringing to record (POST /api/v1/voice-messages/record): the service
  /// code off-hook starts ("*7202*203").
  std::string ring_code;
  std::optional<outgoing_call> call;
  std::optional<incoming_call> incoming;
};

struct gateway_state {
  mgcp_gateway_setup s;
  std::unique_ptr<mgcp::line_gateway> session; ///< MGCP or H.248
  std::map<std::string, station_state> stations;
  millis timer_at = millis::max();
  std::uint64_t timer_gen = 0;
  std::mt19937_64 rng{std::random_device{}()};
  /// Result ids of the calls' INVITEs: id -> (line, leg index).
  std::map<std::uint64_t, std::pair<std::string, std::size_t>> results;
  std::uint64_t next_result = 1;
  /// Legs of calls already over whose INVITE is still unanswered.
  std::map<std::uint64_t, call_leg> orphans;
  std::shared_ptr<spdlog::logger> log = log::get("mgcp");
  static inline const char* name = "mgcp_gateway";
};

using pointer = caf::stateful_actor<gateway_state>*;

/// Sends what `out` holds and acts on its effects and answers.
void apply(pointer self, output out);

/// The service or call on `line` is over: DLCX, reorder while off-hook.
/// `busy`: busy tone instead of reorder (the callee was busy).
void release(pointer self, const std::string& line, station_state& sta,
             output& out, bool busy = false);

/// MDCX of the station's connection: sendrecv with the far end's `sdp`.
void connect(pointer self, const std::string& line, const station_state& sta,
             std::string sdp);

/// DLCX of the station's connection (if any); forgets it.
void send_dlcx(output& out, pointer self, const std::string& line,
               station_state& sta);

// -- over HTTP (gateway_http.cpp) -------------------------------------------

/// Rings the station on `line` to record for the recipients of `code`.
void ring_to_record(pointer self, const std::string& line,
                    const std::string& code, http_exchange& ex);

/// The gateway's state for GET /api/v1/gateways.
mgcp_gateway_status status(pointer self);

// -- calls (gateway_calls.cpp) ---------------------------------------------

/// The connection for a call to `sta.code` is up (the gateway's SDP): the
/// callee's rules say what happens (their devices are called, or the call
/// is declined, forwarded, or taken by the voice service). `forwards`: how
/// often rules forwarded it already.
void start_call(pointer self, const std::string& line, station_state& sta,
                const std::string& gateway_sdp, int forwards = 0);
/// Where the gateway receives RTP, from its SDP (c= and m=audio).
std::optional<net::endpoint> remote_of(const std::string& sdp);

/// A response to one of the calls' INVITEs.
void on_call_result(pointer self, std::uint64_t id, int status,
                    const sip::message& resp);

/// A request in a call's dialog (the callee hung up).
void on_call_request(pointer self, const sip_task& t);

/// The legacy user hung up, or the call must end: BYE or CANCEL each leg
/// (and BYE or a failure answer for a call to the user).
void end_call(pointer self, station_state& sta);

/// CRCX of a connection for `line`: `remote_sdp` is the far end's (empty:
/// none yet). False when the line is gone.
bool open_connection(pointer self, const std::string& line, station_state& sta,
                     output& out, const std::string& remote_sdp);

// -- calls to the user (gateway_incoming.cpp) -------------------------------

/// The router offers a call to the user of `line` (a local branch).
void on_offer(pointer self, const std::string& branch, const std::string& line,
              sip_task& invite);

/// The router cancels branch `branch` (the caller gave up, or the call was
/// taken elsewhere).
void on_offer_cancel(pointer self, const std::string& branch);

/// Off-hook while the call rang: the connection, then the 2xx.
void incoming_answered(pointer self, const std::string& line,
                       station_state& sta, output& out);

/// The connection for the call is up (the gateway's SDP): the 2xx.
void incoming_connected(pointer self, const std::string& line,
                        station_state& sta, const std::string& gateway_sdp);

/// The line rang out (or is in use): the branch fails.
void incoming_unanswered(pointer self, station_state& sta);

/// The call to the user ends from the box's side: BYE when answered, else a
/// failure answer.
void end_incoming(pointer self, station_state& sta);

/// An in-dialog request of a call to the user (ACK, BYE); false if none.
bool on_incoming_request(pointer self, const sip_task& t);

/// The 2xx again unless acknowledged (RFC 3261 §13.3.1.4).
void resend_ok(pointer self, const std::string& line, std::uint64_t gen);

} // namespace ivm::actors::gw
