#pragma once

// The directory actor's state and the helpers its two halves share: the
// admin API (directory_actor.cpp) and SIP requests (sip_requests.cpp).
// Private to actors/directory.

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/directory/directory_actor.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"

namespace ivm::actors::dir {

using client_fn = std::function<void(const client_actor&)>;

struct directory_state {
  directory_config cfg;
  directory::directory dir;
  std::unique_ptr<directory::authenticator> auth;
  std::unordered_map<std::string, client_actor> clients;
  /// Work waiting for a client actor being loaded, or leaving.
  std::unordered_map<std::string, std::vector<client_fn>> loading;
  /// Client actors asked to leave memory (their work waits in `loading`).
  std::unordered_set<std::string> leaving;
  /// Idle client actors waiting for their turn to leave (see
  /// directory_config::leaves_per_second), oldest first.
  std::deque<std::pair<std::string, caf::actor_addr>> idle_queue;
  bool idle_tick_armed = false;
  /// Leaves wait while requests reach the directory late (the box is
  /// busy): letting clients go costs work that a busy box has no room for.
  std::chrono::steady_clock::time_point busy_until{};
  std::uint64_t idle_credit = 0; ///< thousandths of a leave

  /// What is kept of clients that left (only those with something to keep).
  std::unordered_map<std::string, client_residue> parked;
  /// When parked clients must be back: (unix seconds, extension).
  std::multimap<std::uint64_t, std::string> wakes;
  std::uint64_t wake_gen = 0;
  std::uint64_t wake_armed_at = 0; ///< 0: no wake timer
  metrics::counter* loads = nullptr;
  metrics::counter* leaves = nullptr;
  metrics::counter* overload = nullptr;
  /// Admin requests waiting while a change is being written.
  std::deque<http_exchange> admin_queue;
  bool admin_busy = false;
  /// TCP/TLS connections a user registered on: MESSAGEs over them are
  /// trusted as that user's, keyed by `flow_key` ("trusted when it comes over a
  /// connection the sender registered on").
  std::unordered_map<std::uint64_t, std::string> trusted;
  /// The PBXs' SIP trunks (issue 17), from the call agent.
  sip_trunks trunks;
  std::shared_ptr<spdlog::logger> log = log::get("directory");
  static inline const char* name = "directory";
};

using pointer = directory_actor::stateful_pointer<directory_state>;

/// Answers the SIP request of `t` through its router.
void answer(
    pointer self, const sip_task& t, int code, std::string reason,
    const std::vector<std::pair<std::string, std::string>>& headers = {});

/// Runs `fn` with the client actor of `ext`, loading it first when needed
/// (clients.cpp).
void with_client(pointer self, const std::string& ext, client_fn fn);

/// Sends every client in memory an exit with `reason`. Clients are not
/// linked to the directory: each link is an entry in the directory's list of
/// attachables, which CAF walks on every unlink, so a leaving client cost
/// time linear in the clients in memory (quadratic for a crowd leaving).
void stop_clients(pointer self, const caf::error& reason);
/// A client actor has been idle: it may leave unless work is on its way.
void on_client_idle(pointer self, const std::string& ext);
/// A SIP request received from the socket at `received` reached the
/// directory now: if late, leaves wait a while (clients.cpp).
void note_load(pointer self, std::chrono::steady_clock::time_point received);
/// The idle tick: lets the next idle clients in the queue leave.
void on_idle_tick(pointer self);
/// It left memory, leaving `residue`.
void on_client_left(pointer self, const std::string& ext,
                    const client_residue& residue);
/// It did not leave after all.
void on_client_stays(pointer self, const std::string& ext);
/// The wake timer of generation `gen` fired.
void on_wake(pointer self, std::uint64_t gen);
/// The user is deleted: its client stops, nothing is kept.
void forget_client(pointer self, const std::string& ext);

/// A SIP request delegated by a router (REGISTER, MESSAGE, INVITE,
/// SUBSCRIBE, PUBLISH, and other requests to users): the sender
/// authenticates before the target is looked up.
void on_sip_request(pointer self, sip_task& t);

/// Who a message or recording for `name` (an extension, a user name or a
/// group) reaches: the user, or the group's members but `user` (the
/// sender). Empty: nobody by that name.
std::vector<std::string> recipients_of(pointer self, const std::string& user,
                                       const std::string& name);

/// The service code that records for `names` (users or groups, as the
/// user `user` named them): "*7202*203"; empty with `bad` naming the first
/// that is nobody.
std::string record_code(pointer self, const std::string& user,
                        const std::vector<std::string>& names,
                        std::string& bad);

/// A legacy phone of `ext` dialled the service code `code` (issue 15).
/// A call to `number` on a PBX's SIP trunk (issue 17), placed by `caller`
/// (trunk_calls.cpp).
proxy_plan trunk_plan(const directory::sip_trunk& trunk,
                      const std::string& number, const std::string& caller);
/// An INVITE from a PBX's trunk address: taken (true) as the PBX's call.
bool on_trunk_call(pointer self, sip_task& t);
/// The enabled user the Request-URI of `t` names; null after answering 404.
const directory::account* callee_of(pointer self, const sip_task& t);

/// Sends `ext` a text message from the box (the answer to a command).
std::function<void(std::string)> teller(pointer self, const std::string& ext);

/// The first word of a text command and where it ends (npos: the text's
/// end); empty when the text is blank.
std::string first_word(const std::string& text, std::size_t& end);

/// "call 3002", "answer", "hangup"... for the sender's phone on a PBX
/// (call_commands.cpp); false when `text` is not one of them.
bool on_call_command(pointer self, sip_task& t,
                     const directory::account& sender, const std::string& text);

// A digital desk phone's services (phone_services.cpp, issue 17).
void on_station(pointer self, const std::string& ext, const std::string& device,
                const caf::actor& link, bool attached);
caf::result<std::string> on_phone_message(pointer self, const std::string& from,
                                          const std::string& to,
                                          const std::string& text);
caf::result<std::string> on_phone_command(pointer self, const std::string& ext,
                                          const std::string& text);
caf::result<std::string> on_phone_contacts(pointer self,
                                           const std::string& ext);
caf::result<std::string> on_phone_canned(pointer self, const std::string& ext,
                                         const std::string& caller);
/// "canned" and "canned 2 203" from any user; false when `text` is not.
bool on_canned_command(pointer self, sip_task& t,
                       const directory::account& sender,
                       const std::string& text);
/// GET/PUT /api/v1/canned (`owner` empty) and /api/v1/users/{owner}/canned.
void on_canned_admin(pointer self, http_exchange ex, const std::string& owner);

/// POST /api/v1/calls {"action":"call","to":"3002"}: the same commands
/// for `user`, authenticated by the caller (call_commands.cpp).
void on_calls_api(pointer self, http_exchange ex, const std::string& user);

void on_legacy_service(pointer self, const std::string& ext,
                       const std::string& code, const legacy_media& lm,
                       const intercom_reach* ask = nullptr);

/// /api/v1/users/{owner}/contacts[/{other}] (docs/admin-api.md, Contacts).
void on_contacts_admin(pointer self, http_exchange ex, const std::string& owner,
                       const std::string& other);

/// /api/v1/voice-messages: HTTP Digest against the stored HA1, as for SIP.
void on_voice(pointer self, http_exchange ex);

/// The user an HTTP request authenticates as (HTTP Digest with their SIP
/// credentials); null after answering 401/403 (user_http.cpp).
const directory::account* http_user(pointer self, http_exchange& ex);

// Call routing (routing_http.cpp, issue 18): /api/v1/users/{owner}/`what`
// ("rules", "profile", "rules/test"), /api/v1/me/..., and a call a rule
// forwards to `to`.
void on_routing_http(pointer self, http_exchange ex, const std::string& owner,
                     const std::string& what);
void on_me_http(pointer self, http_exchange ex);
void on_forward(pointer self, sip_task& t, const std::string& caller,
                const std::string& to);

/// Starts the next queued admin request, if any.
void next_admin(pointer self);

/// /api/v1/devices... (docs/admin-api.md, Devices).
void on_devices_admin(pointer self, http_exchange ex);

/// Sends `check-sync` to the phones carrying `extension`'s line (its name
/// or its line changed).
void check_sync_user(pointer self, const std::string& extension);

/// A phone the provisioning actor heard of (listed while unassigned).
void on_sighting(pointer self, device_sighting s);

/// The device record of `mac` with its line and credentials.
device_lookup lookup_device(pointer self, const std::string& mac);

/// Reads the devices and sightings into `into` (at start), opening each
/// device's password with `box_key`.
void load_devices(storage::store& db, directory::directory& into,
                  const std::string& box_key);

} // namespace ivm::actors::dir
