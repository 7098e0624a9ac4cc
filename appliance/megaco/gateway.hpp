#pragma once

// One H.248 media gateway as the controller sees it (issue 16): its
// ServiceChanges and Notifies, the box's requests with their retransmission
// (the transaction tables of appliance/mgcp, protocol-neutral in shape), and
// its analog lines as the same state machine the MGCP lines use
// (mgcp::line_state and step), with H.248 events and signals:
//
//   MGCP line (RFC 3660)   H.248 termination (H.248.1 Annex E)
//   L/hd, L/hu, L/hf       al/of, al/on, al/fl
//   D/... + a digit map    dd/ce { DigitMap = ... } (* E, # F, timer T S)
//   keys in a session      dd/d0..dd/d9, dd/ds (*), dd/do (#)
//   L/rg, L/dl, L/rt, L/ro al/ri, cg/dt, cg/rt, cg/ct
//   L/ci, L/vmwi           andisp/dwa, andisp/data (H.248.23, display.hpp;
//                          not again once the gateway refuses the package)
//
// The owner (the gateway actor) speaks to it as to the MGCP session:
// `command_for` takes an MGCP-shaped CRCX, MDCX or DLCX and sends Add (the
// line and an ephemeral RTP termination into a new context), Modify (the
// ephemeral's Remote) or Subtract (the context emptied); answers come back
// as MGCP-shaped responses (code, `I:` the ephemeral termination, the
// gateway's SDP). Pure: the caller passes the time and sends the datagrams.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/megaco/commands.hpp"
#include "appliance/mgcp/gateway.hpp"
#include "appliance/mgcp/line.hpp"
#include "appliance/mgcp/message.hpp"
#include "appliance/mgcp/transactions.hpp"

namespace ivm::megaco {

using mgcp::millis;

struct gateway_config {
  /// The box's mId in what it sends: "[192.0.2.1]:2944".
  std::string mid;
  /// The lines' termination ids as the gateway names them: "line/1".
  std::vector<std::string> lines;
  mgcp::retransmit_policy retransmit;
  /// Audit (AuditValue of ROOT) this often while up; probe as often while
  /// down.
  millis audit_every{30000};
  /// Write compact tokens (`!/1`, `T=`, `MF=`) instead of long ones.
  bool compact = false;
  mgcp::line_settings line;
};

/// MGCP digit map -> H.248 digit map: `*` E, `#` F, the timer `T` -> `S`.
std::string h248_digit_map(std::string_view mgcp_map);
/// Digits an H.248 gateway reported (dd/ce ds) -> MGCP's: E `*`, F `#`.
std::string mgcp_digits(std::string_view h248_digits);

class gateway_session {
public:
  using output = mgcp::gateway_session::output;

  gateway_session(gateway_config cfg, millis now);

  /// A datagram from the gateway's address.
  output on_datagram(std::string_view bytes, millis now);
  /// A wish for one line (ring, stop ringing, connected, released, ...).
  output on_line(const std::string& line, const mgcp::line_event& e,
                 millis now);
  /// The owner's CRCX, MDCX or DLCX for `line`, as Add, Modify, Subtract;
  /// its answer comes back in `output::answers` under the returned id (0:
  /// not sent, the gateway is not up or the line has no connection).
  std::uint32_t command_for(output& out, const std::string& line,
                            mgcp::command c, millis now);
  output add_line(const std::string& line, millis now);
  void remove_line(const std::string& line);
  output on_tick(millis now);
  millis next_tick() const;

  mgcp::gateway_phase phase() const {
    return phase_;
  }
  millis since() const {
    return since_;
  }
  const mgcp::line_state* line(const std::string& name) const;
  /// The gateway's mId, from its ServiceChange ("" before).
  const std::string& peer_mid() const {
    return peer_mid_;
  }
  std::size_t pending() const {
    return out_.size();
  }

private:
  /// A connection of a line: its context and ephemeral termination.
  struct connection {
    std::string context;
    std::string ephemeral;
  };
  /// An owner's command in flight.
  struct owned {
    std::string line;
    mgcp::verb what;
  };

  std::uint32_t send(output& out, const std::string& context,
                     std::vector<node> commands, millis now);
  void send_reply(output& out, std::uint32_t id, const std::string& context,
                  std::vector<node> replies, millis now);
  void refuse(output& out, std::uint32_t id, int code, const std::string& text,
              millis now);
  void modify(output& out, const std::string& line, millis now);
  void run_effects(output& out, const std::string& line,
                   std::vector<mgcp::line_effect> fx, millis now);
  void set_phase(output& out, mgcp::gateway_phase p, millis now);
  void resync(output& out, millis now);
  void fail_owned(output& out);
  void lines_lost(output& out);
  void on_request(output& out, const request& rq, millis now);
  void on_service_change(output& out, const request& rq, const command& c,
                         const std::string& context, millis now);
  void on_notify(output& out, const command& c, millis now);
  void on_reply(output& out, const megaco::reply& r, millis now);
  std::string line_of(const std::string& termination) const;

  gateway_config cfg_;
  mgcp::gateway_phase phase_ = mgcp::gateway_phase::registering;
  millis since_;
  millis next_audit_;
  std::string peer_mid_;
  std::map<std::string, mgcp::line_state> lines_;
  std::map<std::string, connection> connections_;
  mgcp::outgoing_transactions out_;
  mgcp::incoming_transactions in_;
  std::map<std::uint32_t, owned> owned_;
  std::uint32_t audit_tid_ = 0;
  /// The gateway takes andisp (caller ID, the lamp) until it refuses it.
  bool display_ = true;
  /// Modifies carrying andisp, by transaction id -> line.
  std::map<std::uint32_t, std::string> display_tids_;
  /// The lamp as last sent to each line's phone.
  std::map<std::string, bool> lamp_shown_;
};

} // namespace ivm::megaco
