#pragma once

// One CTI link to a PBX as the box runs it (issue 17), pure: the caller
// owns the TCP connection, passes the time and sends what comes out.
//
// - Connected: the handshake the PBX wants (ECMA-354
//   StartApplicationSession, or SystemRegister, or none), then MonitorStart
//   for every mapped device and SnapshotDevice for each monitor, so that
//   the call models match the PBX after every (re)connection.
// - Up: events of monitored devices go through their call models and out
//   to the owner; the PBX's SystemStatus is answered; the box sends its own
//   SystemStatus every `heartbeat` (and ResetApplicationSessionTimer within
//   the session's duration); the owner's services (MakeCall, SetDisplay...)
//   are matched to their responses by invoke id.
// - A response missing for `response_timeout`, a broken frame or a refused
//   handshake closes the link (`output::close`); the owner connects again
//   after `reconnect_delay()` (1 s doubling to 60 s, back to 1 s once up).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "appliance/csta/call_model.hpp"
#include "appliance/csta/frame.hpp"
#include "appliance/csta/services.hpp"

namespace ivm::csta {

using millis = std::chrono::milliseconds;

enum class handshake { none, system_register, application_session };
std::optional<handshake> handshake_of(std::string_view name);

struct link_config {
  edition ed = edition::ed4;
  csta::handshake start = handshake::none;
  std::string application = "ivm-appliance";
  int session_duration_s = 600;
  millis heartbeat{30000};
  millis response_timeout{5000};
  std::size_t max_frame = 65535;
};

enum class link_phase { down, starting, up };
std::string_view to_string(link_phase p);

class link_session {
public:
  struct device_event {
    std::string device;
    event e;
    bool changed = false; ///< what a watcher sees changed
  };
  struct answer {
    std::uint64_t token = 0;
    response r; ///< `r.error` set on a CSTAErrorCode or a timeout
  };
  struct output {
    std::vector<std::string> frames; ///< to the PBX, in order
    std::vector<device_event> events;
    std::vector<answer> answers;
    std::vector<std::string> notices; ///< for the log
    /// The monitors are in place and the devices' models are current.
    std::vector<std::string> synced;
    bool phase_changed = false;
    bool close = false; ///< close the connection (reason in notices)
  };

  explicit link_session(link_config cfg) : cfg_(std::move(cfg)) {}

  /// The TCP connection is up.
  output connected(millis now);
  /// It went down (either side): monitors, pending requests and what the
  /// devices' calls were are gone (the snapshots restore them).
  output disconnected();
  output on_bytes(std::string_view bytes, millis now);
  output on_tick(millis now);
  millis next_tick() const;
  millis reconnect_delay() const {
    return backoff_;
  }
  /// A connection attempt failed: wait longer before the next.
  void connect_failed();

  /// Devices come and go with the stations mapped onto the PBX.
  output add_device(const std::string& device, millis now);
  output remove_device(const std::string& device, millis now);

  /// The owner's service; its response comes back in `output::answers`
  /// with `token`. False (nothing sent) while the link is not up.
  bool invoke(output& out, element service, std::uint64_t token, millis now);

  link_phase phase() const {
    return phase_;
  }
  const device_model* device(const std::string& number) const;
  std::size_t pending() const {
    return requests_.size();
  }

private:
  enum class purpose {
    handshake,
    monitor,
    snapshot,
    stop,
    heartbeat,
    session_timer,
    owner
  };
  struct request {
    purpose what;
    std::string device;
    std::uint64_t token = 0;
    millis deadline;
  };

  void send(output& out, const element& e, purpose what,
            const std::string& device, std::uint64_t token, millis now);
  void reply(output& out, std::uint16_t invoke_id, const element& e);
  void go_up(output& out, millis now);
  void monitor(output& out, const std::string& device, millis now);
  void on_frame(output& out, const frame& f, millis now);
  void on_response(output& out, std::uint16_t id, const element& root,
                   millis now);
  void fail(output& out, const std::string& why);

  link_config cfg_;
  link_phase phase_ = link_phase::down;
  frame_reader reader_{cfg_.max_frame};
  invoke_ids ids_;
  std::map<std::uint16_t, request> requests_;
  std::map<std::string, device_model> devices_; ///< by number
  std::map<std::string, std::string> monitors_; ///< cross ref -> device
  std::string session_;
  millis next_heartbeat_{0};
  millis next_session_timer_{0};
  millis backoff_{1000};
};

} // namespace ivm::csta
