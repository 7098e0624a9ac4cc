#pragma once

// The state of a PBX's CSTA link actor (csta_link_actor.cpp) and its
// digital desk phones' IM mode (csta_phones.cpp). Private to actors/mgcp.

#include <deque>
#include <map>
#include <memory>
#include <string>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/api/services.hpp"
#include "actors/mgcp/mgcp_actors.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/csta/link.hpp"
#include "appliance/csta/terminal.hpp"
#include "appliance/net/tcp_client.hpp"
#include "appliance/sip/proxy/dialog_tracker.hpp"

namespace ivm::actors::csta_link {

using steady = std::chrono::steady_clock;
using csta::millis;

inline millis now_ms() {
  return std::chrono::duration_cast<millis>(steady::now().time_since_epoch());
}

inline std::uint64_t unix_s() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
}

/// A digital desk phone with an IM key: its IM mode and what the PBX shows.
struct phone {
  std::string ext;
  csta::im_terminal term;
  /// It is one of its user's devices (the link is up and it is monitored).
  bool attached = false;
  /// What the PBX last showed on it (DisplayUpdated), put back when IM mode
  /// ends; and what the box showed lately (their DisplayUpdated echoes are
  /// not the PBX's).
  std::string pbx_display;
  std::deque<std::string> box_displays;
};

struct link_state {
  csta_link_setup s;
  std::unique_ptr<csta::link_session> link;
  std::unique_ptr<net::tcp_client> tcp;
  std::uint64_t conn_gen = 0; ///< events of older connections are dropped
  std::uint64_t timer_gen = 0;
  millis timer_at = millis::max();
  std::map<std::string, std::string> ext_of; ///< device -> extension
  /// The stations with an IM key, by device.
  std::map<std::string, phone> phones;
  /// The lamps the users' voice messages want, set again after each
  /// (re)connection.
  std::map<std::string, bool> lamp_wanted;
  /// Dialog states published per device and call: only changes are sent,
  /// and the calls gone end.
  std::map<std::string, std::map<std::string, sip::proxy::dialog_state>>
      published;
  std::uint64_t since_s = 0;
  std::string last_failure; ///< why the last connection attempt failed
  /// Messages shown on a phone, waiting for the PBX to answer the
  /// SetDisplay: token -> (the client actor, its delivery id).
  std::map<std::uint64_t, std::pair<caf::actor, std::uint64_t>> shown_wait;
  /// The users' call-control commands waiting for the PBX's answer.
  std::map<std::uint64_t, std::pair<http_exchange, std::string>> commands;
  std::uint64_t next_token = 1;
  /// ivm_pbx_links and ivm_pbx_links_up (also in /health), held while this
  /// link exists and while it is up; events and messages shown.
  metrics::level_hold configured;
  metrics::level_hold up;
  metrics::counter* events = nullptr;
  metrics::counter* shown = nullptr;
  std::shared_ptr<spdlog::logger> log = log::get("csta");
  static inline const char* name = "csta_link";
};

using pointer = caf::stateful_actor<link_state>*;

/// Carries out what the link session decided (csta_link_actor.cpp).
void apply(pointer self, csta::link_session::output out);

// Digital desk phones (csta_phones.cpp).
/// A station joined: a phone if it has an IM key.
void phone_added(pointer self, const storage::records::station& s);
void phone_removed(pointer self, const std::string& device);
/// The device's monitor is in place: its phone joins its user's devices,
/// its display repainted if IM mode owns it.
void phone_synced(pointer self, const std::string& device,
                  csta::link_session::output& out);
/// The link went down: the phones leave their users' devices.
void phones_down(pointer self);
/// The directory became known with the link up: the phones join.
void phones_up(pointer self);
/// A button press or display update on a monitored device.
void phone_event(pointer self, const std::string& device, const csta::event& e,
                 csta::link_session::output& out);
/// A call rings at a monitored device (Delivered): its user's call-routing
/// rules decide (csta_rules.cpp).
void phone_delivered(pointer self, const std::string& device,
                     const csta::event& e);
/// The user answered the offer of a PBX call ringing at `device` (or did
/// not: the fallback): "answer", "decline", "voicemail", "forward" (`to`)...
void phone_offer_answered(pointer self, const std::string& device,
                          const std::string& call, const std::string& action,
                          const std::string& to);
/// An IM for the phone's user (from its client actor).
void phone_deliver(pointer self, const std::string& device, std::uint64_t id,
                   const storage::records::queued_message& m,
                   const caf::actor& client);

} // namespace ivm::actors::csta_link
