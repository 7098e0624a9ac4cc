#pragma once

// The client actor's state and the parts its files share (private to
// actors/client): delivery of the message queue (delivery.cpp),
// registrations (registration.cpp), the presence side (presence_side.cpp)
// and the actor itself, which loads, idles and leaves (client_actor.cpp).

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/result.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/client/client_actor.hpp"
#include "actors/client/presence_book.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/routing/rules.hpp"

namespace ivm::actors::client {

using storage::records::queued_message;

/// A registered device: the binding plus how to reach it.
struct device {
  sip::core::contact_binding binding;
  std::uint8_t transport = 0;
  net::endpoint source;
  std::string user_agent;
  /// The TCP/TLS connection it registered on (this process only).
  std::optional<sip_flow> flow;
  /// The provisioned phone (MAC) whose own credentials registered it.
  std::string phone;
};

struct queued {
  std::uint64_t seq = 0;
  queued_message msg;
};

/// The delivery in progress: one message forked to every device.
struct attempt {
  std::uint64_t seq = 0;
  std::vector<std::uint64_t> requests;
  std::size_t outstanding = 0;
  bool delivered = false;
};

/// A call offered to the user by IM (issue 18), waiting for their answer.
/// Whatever the call is (SIP, a PBX desk phone's, a legacy phone's), its
/// origin settles it: `settle(choice, devices)` once, with 1 (take it, on
/// `devices`: the one the answer came from, else all), 2 (decline), 3
/// (voicemail), or 0 (no answer in time: the rule's fallback).
struct call_offer {
  std::string caller; ///< extension or number
  std::string caller_name;
  routing::decision d;
  std::uint64_t token = 0;
  std::uint64_t since = 0; ///< Unix time it was offered
  std::function<void(int, std::vector<proxy_target>)> settle;
  std::string taking = "Putting it through."; ///< said for choice 1
  bool to_devices = true; ///< taking it needs a device of the user online
};

/// A call ringing this user, followed until it ends: answered, or missed
/// (the user is told).
struct call_watch {
  bool answered = false;
  std::vector<std::string> open; ///< its dialogs not yet ended
  std::string peer;              ///< who calls, as shown
};

struct client_state {
  std::shared_ptr<const client_config> cfg;
  storage::records::account user;
  std::vector<device> devices;
  /// Digital desk phones on a PBX (issue 17): device -> its link actor.
  /// IM is delivered to them beside the SIP devices.
  std::map<std::string, caf::actor> stations;
  /// The message queue, in sequence order. Allocated on first use: an empty
  /// std::deque costs ~600 bytes, and most users have nothing waiting.
  std::unique_ptr<std::deque<queued>> queue_;
  std::deque<queued>& queue() {
    if (!queue_)
      queue_ = std::make_unique<std::deque<queued>>();
    return *queue_;
  }
  bool queue_empty() const {
    return !queue_ || queue_->empty();
  }
  std::uint64_t next_seq = 1;
  /// Senders waiting to hear whether their message got through, by id.
  std::unordered_map<std::string, sip_task> waiters;
  /// Fork timers: token -> message id.
  std::unordered_map<std::uint64_t, std::string> fork_timers;
  std::optional<attempt> inflight;
  std::uint64_t next_token = 1;
  std::uint64_t retry_token = 0; ///< 0: no retry pending
  metrics::counter* delivered = nullptr;
  metrics::counter* stored = nullptr;
  metrics::counter* notifies = nullptr;
  /// Presence (subscriptions, publications, contacts): made on first use.
  std::unique_ptr<presence_book> book_;
  /// NOTIFYs in flight: request id -> subscription id.
  std::unordered_map<std::uint64_t, std::string> notify_ids;
  /// TCP/TLS connections subscriptions came over (this process only).
  std::unordered_map<std::string, sip_flow> sub_flows;
  std::uint64_t wake_token = 0;
  std::uint64_t wake_at = 0;
  /// When the actor last had something to do (unix seconds): idle clients
  /// leave memory (see client_actor.cpp).
  std::uint64_t last_active = 0;
  std::uint64_t idle_token = 0;
  /// Storage requests outstanding (the actor stays while any is).
  std::uint32_t io = 0;
  /// Call routing (call_routing.cpp): the user has no rules (known since
  /// the last change); the call offered by IM now.
  bool no_rules = false;
  std::unique_ptr<call_offer> offer_;
  /// Calls ringing now, by Call-ID (made on first use).
  std::unique_ptr<std::map<std::string, call_watch>> calls_;
  std::shared_ptr<spdlog::logger> log = log::get("client");
  static inline const char* name = "client";

  /// Tells the monitoring how this queue looks now.
  void tally() {
    if (!cfg || !cfg->queues)
      return;
    if (queue_empty())
      cfg->queues->set(user.extension, 0, 0);
    else
      cfg->queues->set(user.extension, queue_->size(),
                       queue_->front().msg.date_s);
  }

  ~client_state() {
    // A user deleted: its queue went with it.
    if (!queue_empty() && cfg && cfg->queues)
      cfg->queues->set(user.extension, 0, 0);
  }
};

using pointer = client_actor::stateful_pointer<client_state>;

std::uint64_t now_s();

/// Writes `b` durably, then calls `ok()` or `fail(error)`; counted in
/// `io`, so an actor with writes outstanding does not leave memory.
template <class Ok, class Fail>
void store(pointer self, const storage::write_batch& b, Ok ok, Fail fail) {
  ++self->state.io;
  self->request(self->state.cfg->storage, caf::infinite, caf::put_atom::value,
                b)
      .then(
          [self, ok](caf::ok_atom) mutable {
            --self->state.io;
            ok();
          },
          [self, fail](const caf::error& err) mutable {
            --self->state.io;
            fail(err);
          });
}

/// Answers the request of `t` through its router.
void answer(
    pointer self, const sip_task& t, int code, std::string reason,
    const std::vector<std::pair<std::string, std::string>>& headers = {});

// Registrations (registration.cpp).
std::vector<sip::core::contact_binding> bindings_of(const client_state& st);
bool online(const client_state& st);
std::size_t online_devices(const client_state& st);
void on_register(pointer self, sip_task& t);
void on_check_sync(pointer self, const std::string& mac,
                   const std::string& event, bool revoke);

// The message queue (delivery.cpp).
void pump(pointer self);
void release_waiter(pointer self, const std::string& id, int code);
void on_result(pointer self, std::uint64_t id, int status);
void on_enqueue(pointer self, enqueue_task& task);
/// Stores `task.msg` and answers `true` once it is durable.
caf::result<bool> enqueue_and_reply(pointer self, enqueue_task& task);

// Presence (presence_side.cpp).
presence_book& book(pointer self);
void save_batch(pointer self, const storage::write_batch& b);
void arm_wakeup(pointer self);
/// Carries out what the presence book decided; `t`: the request it answers.
void run(pointer self, book_out out, const sip_task* t = nullptr);
void on_notify_done(pointer self, const std::string& sub, int status);
void on_presence(pointer self, sip_task& t, const std::string& watcher,
                 const std::string& display);
void on_command(pointer self, sip_task& t, const std::string& text);
/// A text command typed on a phone: carried out, the answer returned.
std::string run_command(pointer self, const std::string& text);
/// This user's status as `watcher` may see it ("" when not allowed).
std::string status_for(pointer self, const std::string& watcher);
intercom_reach intercom_targets(const client_state& st);
/// Rings every device (and station) of the user, unless in do-not-disturb.
void ring_devices(pointer self, sip_task& t, const std::string& caller);
std::vector<proxy_target> device_targets(const client_state& st);

// Call routing (call_routing.cpp): a call for the user, decided by their
// rules; the offer's timer; an answer to the offer ("1", "2", "3") from a
// phone (`from`: the MESSAGE it came in, if any), with the reply to show.
void on_call(pointer self, sip_task& t, const std::string& caller);
void on_offer_timer(pointer self, std::uint64_t token);
/// A dialog of the user changed: a call that ends unanswered is reported.
void watch_call(pointer self, const sip::proxy::dialog_view& v);
std::optional<std::string> answer_offer(pointer self, const std::string& text,
                                        const sip_task* from);
std::string contacts_text(const client_state& st);
/// A message from the box to the user (a notice in their queue).
void tell_user(pointer self, const std::string& text);
/// "Alice (201)", or the number alone.
std::string who(const std::string& number, const std::string& name);
/// The box's local time, "HH:MM".
std::string clock_text(const client_state& st);
/// Offers a call by IM: `text` to the user, then `offer.settle` with their
/// answer or, after the rule's timeout, 0 (and a missed-call message). With
/// an offer already waiting or nobody online to see it, `settle(0, {})` at
/// once; false then.
bool open_offer(pointer self, call_offer offer, const std::string& text);
/// What an offer's rule does when nobody answered.
routing::decision fallback_of(const routing::decision& d);
/// A PBX call at the user's desk phone offered by IM (pbx_offer.cpp): the
/// answer goes back to the CTI link.
void offer_pbx(pointer self, pbx_offer& o);
/// The user's rules for a call from `number` (nullopt: none, ring), once
/// read from storage.
void with_decision(pointer self, const std::string& number,
                   std::function<void(std::optional<routing::decision>)> then);
/// A legacy phone's call from (extension, name) (legacy_calls.cpp): the
/// rules' answer for its gateway, maybe after an offer by IM.
caf::result<intercom_reach> legacy_call(pointer self, const std::string& caller,
                                        const std::string& name);
/// What a decision means for a legacy phone's gateway.
intercom_reach legacy_reach(pointer self, const routing::decision& d,
                            const std::string& caller);
/// The waiting offer as JSON for web clients ("null": none).
std::string offer_json(const client_state& st);

} // namespace ivm::actors::client
