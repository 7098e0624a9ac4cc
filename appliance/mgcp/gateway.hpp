#pragma once

// One media gateway as the call agent sees it (RFC 3435): its lines, the
// transactions with it, whether it is up. Pure: the owner (the gateway
// actor) feeds it datagrams, wishes and the time, and sends the datagrams
// it returns; what the lines' users did comes back as line effects.
// docs/protocols/mgcp.md, "The gateway".

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/mgcp/line.hpp"
#include "appliance/mgcp/message.hpp"
#include "appliance/mgcp/transactions.hpp"

namespace ivm::mgcp {

struct gateway_config {
  std::string domain;             ///< the gateway's name: "gw1.example.net"
  std::vector<std::string> lines; ///< local endpoint names: "aaln/1", ...
  std::string notified_entity;    ///< N: "ca@127.0.0.1:2727" (empty: none)
  retransmit_policy retransmit;
  /// A gateway up is audited this often (AUEP of one line); one that is
  /// down, probed as often, until it answers.
  millis audit_every{30000};
  /// After a (re)start, ask each line's hook state (AUEP `F: ES`), so that
  /// a phone already off-hook is known as such at once.
  bool audit_hook = false;
  line_settings line;
};

enum class gateway_phase : std::uint8_t {
  registering, ///< never heard from: waiting for its RSIP or an audit answer
  up,
  down, ///< stopped answering (or said RSIP disconnected/forced)
};

std::string_view to_string(gateway_phase p);

class gateway_session {
public:
  struct output {
    std::vector<std::string> datagrams; ///< to the gateway, in order
    /// What the users did, per line (local endpoint name).
    std::vector<std::pair<std::string, line_effect>> effects;
    /// Final answers to the owner's own commands (`command_for`), by
    /// transaction id; a command the gateway never answered gets code 406.
    std::vector<response> answers;
    bool phase_changed = false;
    /// For the log: what the box learnt about the gateway.
    std::vector<std::string> notices;
    /// For the log: a connection's statistics as the gateway reported them
    /// when it ended (line, "rtp/ps=.. rtp/pr=.."), H.248 Subtract.
    std::vector<std::pair<std::string, std::string>> call_stats;
  };

  gateway_session(gateway_config cfg, millis now);

  /// A datagram from the gateway's address.
  output on_datagram(std::string_view bytes, millis now);

  /// A wish for one line (ring, stop ringing, lamp, connected, released).
  output on_line(const std::string& line, const line_event& e, millis now);

  /// Sends the owner's command `c` (CRCX, MDCX, DLCX, AUCX) for `line`;
  /// its final answer comes back in `output::answers`. Returns its id, 0
  /// when the gateway is not up (nothing sent).
  std::uint32_t command_for(output& out, const std::string& line, command c,
                            millis now);

  /// Lines come and go with the stations the admin maps onto them.
  /// A new line is resynchronised at once when the gateway is up.
  output add_line(const std::string& line, millis now);
  void remove_line(const std::string& line);

  /// The gateway's domain name ("gw1.example.net").
  const std::string& domain() const {
    return cfg_.domain;
  }

  /// Time passes: retransmissions, give-ups, audits, ring timeouts.
  output on_tick(millis now);

  /// When on_tick is next needed.
  millis next_tick() const;

  gateway_phase phase() const {
    return phase_;
  }
  millis since() const {
    return since_;
  }
  const line_state* line(const std::string& name) const;
  const std::map<std::string, line_state>& lines() const {
    return lines_;
  }
  std::size_t pending() const {
    return out_.size();
  }

private:
  std::uint32_t send(output& out, command c, millis now);
  std::uint32_t request(output& out, const std::string& line,
                        const line_request& r, const std::string& request_id,
                        millis now);
  void run_effects(output& out, const std::string& line,
                   std::vector<line_effect> fx, millis now);
  void set_phase(output& out, gateway_phase p, millis now);
  void resync(output& out, millis now);
  void fail_owned(output& out);
  void on_hook_audit(output& out, const std::string& line, const response& r,
                     millis now);
  void on_command(output& out, const command& c, millis now);
  void on_response(output& out, const response& r, millis now);
  std::string endpoint_of(const std::string& line) const;
  /// The line named by a full endpoint name from the gateway, or "".
  std::string line_of(const std::string& endpoint) const;

  gateway_config cfg_;
  gateway_phase phase_ = gateway_phase::registering;
  millis since_;
  millis next_audit_;
  std::map<std::string, line_state> lines_;
  outgoing_transactions out_;
  incoming_transactions in_;
  /// The line each RQNT in flight is for (a 401/402 answer corrects it).
  std::map<std::uint32_t, std::string> tx_line_;
  /// The hook audits in flight (AUEP F: ES after a restart), by line.
  std::map<std::uint32_t, std::string> hook_audit_;
  /// The owner's commands in flight (answers go back to it).
  std::map<std::uint32_t, std::string> owned_;
  std::uint32_t audit_tid_ = 0; ///< the audit in flight, 0: none
};

} // namespace ivm::mgcp
