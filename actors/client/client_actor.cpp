#include "actors/client/client_actor.hpp"
#include "actors/client/client_state.hpp"

#include <random>

#include <caf/actor_system.hpp>
#include <caf/typed_response_promise.hpp>

#include "appliance/directory/intake.hpp"
#include "storage/codec.hpp"

namespace ivm::actors {

namespace client {

std::uint64_t now_s() {
  return directory::unix_now();
}

void answer(pointer self, const sip_task& t, int code, std::string reason,
            const std::vector<std::pair<std::string, std::string>>& headers) {
  self->send(t.router, atoms::sipresp_atom::value, t.key,
             make_answer(t, code, reason, headers, self->state.cfg->server));
}

namespace {

// An expiry closer than this keeps the actor in memory.
constexpr std::uint64_t wake_margin_s = 10;

void touch(pointer self) {
  self->state.last_active = now_s();
}

// The idle timeout and up to a quarter more: clients loaded together (a
// crowd of phones registering after a restart) do not all go idle together.
std::chrono::seconds spread(std::chrono::seconds timeout) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  auto extra = timeout.count() / 4;
  if (extra <= 0)
    return timeout;
  return timeout + std::chrono::seconds{
                       std::uniform_int_distribution<long>{0, extra}(rng)};
}

void arm_idle_check(pointer self, std::chrono::seconds delay) {
  auto& st = self->state;
  if (st.cfg->idle_timeout.count() <= 0)
    return;
  st.idle_token = st.next_token++;
  self->delayed_send(self, delay, atoms::idle_atom::value, st.idle_token);
}

// Whether everything this actor holds is in storage (or in the residue):
// nothing in flight, no timers but an expiry the directory can wake it for,
// no TCP/TLS connection only this process knows.
bool may_leave(const client_state& st) {
  if (st.inflight || !st.waiters.empty() || !st.fork_timers.empty() ||
      st.retry_token != 0 || !st.notify_ids.empty() || !st.sub_flows.empty() ||
      st.io != 0)
    return false;
  for (auto& d : st.devices)
    if (d.flow)
      return false;
  if (!st.stations.empty())
    return false; // its phones deliver through this actor
  if (st.offer_ || (st.calls_ && !st.calls_->empty()))
    return false; // a call waits for the user's answer, or rings
  if (st.book_ && !st.book_->may_leave())
    return false;
  if (st.wake_token != 0 && st.wake_at <= now_s() + wake_margin_s)
    return false;
  return true;
}

client_residue residue_of(const client_state& st) {
  client_residue r;
  if (st.book_) {
    std::tie(r.voice_new, r.voice_old) = st.book_->voice_messages();
    // Only watchers hear of an expiry: without them nothing is due.
    if (st.wake_token != 0 && st.book_->subscriptions() > 0)
      r.wake_at = st.wake_at;
  }
  return r;
}

void on_idle_check(pointer self, std::uint64_t token) {
  auto& st = self->state;
  if (token != st.idle_token)
    return;
  st.idle_token = 0;
  auto idle_for = now_s() - std::min(st.last_active, now_s());
  auto timeout = static_cast<std::uint64_t>(st.cfg->idle_timeout.count());
  if (idle_for >= timeout && may_leave(st)) {
    // The directory decides: it may have just sent us something.
    self->send(st.cfg->directory, atoms::idle_atom::value, st.user.extension);
    return;
  }
  auto left = idle_for >= timeout ? timeout : timeout - idle_for;
  arm_idle_check(self, std::chrono::seconds{std::max<std::uint64_t>(left, 1)});
}

// The directory holds our requests back: leave if still idle, else stay.
// Our turn may come a while after we said we were idle (the directory lets
// idle clients go at a bounded rate): work that came meanwhile keeps us.
void on_leave(pointer self) {
  auto& st = self->state;
  auto idle_for = now_s() - std::min(st.last_active, now_s());
  if (!may_leave(st) ||
      idle_for < static_cast<std::uint64_t>(st.cfg->idle_timeout.count())) {
    self->send(st.cfg->directory, atoms::stay_atom::value, st.user.extension);
    arm_idle_check(self, st.cfg->idle_timeout);
    return;
  }
  auto bye = [self](const client_residue& residue) {
    auto& st = self->state;
    st.log->debug("{}: leaves memory", st.user.extension);
    self->send(st.cfg->directory, atoms::leave_atom::value, st.user.extension,
               residue);
    self->quit();
  };
  auto residue = residue_of(st);
  if (!st.book_ || st.book_->subscriptions() == 0) {
    bye(residue);
    return;
  }
  residue.saved_subscriptions = true;
  // Subscriptions go to storage as they are (CSeq, versions) first.
  auto batch = st.book_->save_all().batch;
  self->request(st.cfg->storage, caf::infinite, caf::put_atom::value, batch)
      .await([bye, residue](caf::ok_atom) { bye(residue); },
             [self](const caf::error& err) {
               auto& st = self->state;
               st.log->error("{}: subscriptions not saved, staying: {}",
                             st.user.extension, self->system().render(err));
               self->send(st.cfg->directory, atoms::stay_atom::value,
                          st.user.extension);
               arm_idle_check(self, st.cfg->idle_timeout);
             });
}

client_actor::behavior_type
client_impl(pointer self, std::shared_ptr<const client_config> cfg,
            storage::records::account user, key_values bindings,
            key_values queue, key_values contacts, key_values subs,
            client_residue residue, bool restart) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.user = std::move(user);
  // The client never authenticates: keep no secrets in memory here.
  st.user.ha1_md5 = std::string{};
  st.user.ha1_sha256 = std::string{};
  st.delivered = &st.cfg->metrics->make_counter(
      "ivm_messages_delivered_total", "Text messages delivered to a device.");
  st.stored = &st.cfg->metrics->make_counter(
      "ivm_messages_stored_total", "Text messages written to a durable queue.");
  st.notifies = &st.cfg->metrics->make_counter(
      "ivm_presence_notifies_total", "NOTIFY requests sent to watchers.");
  auto now = now_s();
  for (auto& [key, value] : bindings) {
    auto rec = storage::records::decode_binding(value);
    if (!rec || rec->expires_s <= now)
      continue;
    device d;
    d.binding = {rec->contact, rec->q, rec->expires_s, rec->call_id, rec->cseq};
    d.transport = rec->transport;
    if (auto ep = net::parse_endpoint(rec->source))
      d.source = *ep;
    d.user_agent = rec->user_agent;
    d.phone = rec->device;
    st.devices.push_back(std::move(d));
  }
  for (auto& [key, value] : queue) {
    auto parts = storage::key_split(key);
    auto msg = storage::records::decode_message(value);
    if (!parts || parts->size() != 3 || !msg)
      continue;
    auto seq = storage::read_be64((*parts)[2]);
    if (!seq)
      continue;
    st.queue().push_back(queued{*seq, std::move(*msg)});
    st.next_seq = std::max(st.next_seq, *seq + 1);
  }
  if (!st.queue_empty())
    st.tally();
  if (!contacts.empty() || !subs.empty() || residue.voice_new != 0 ||
      residue.voice_old != 0) {
    auto& b = book(self);
    b.restore_voice_messages(residue.voice_new, residue.voice_old);
    b.load_contacts(contacts);
    save_batch(self, b.load_subscriptions(subs, now, restart).batch);
    if (restart) {
      // Watchers learn the state as it is now (see presence_book::resync).
      run(self, b.resync(now));
    } else {
      b.prime_sent_state();
      arm_wakeup(self);
    }
  }
  // Messages waiting from before a restart go to devices still registered.
  if (!st.queue_empty() && online(st))
    self->send(self, atoms::retry_atom::value, std::uint64_t{0});
  touch(self);
  arm_idle_check(self, spread(st.cfg->idle_timeout));
  // The directory does not link or monitor its clients (see stop_clients):
  // a client that fails tells it as if it had left with nothing to keep,
  // so the next request for the user loads it again from storage instead
  // of going to a dead actor.
  self->set_exception_handler([self](std::exception_ptr&) -> caf::error {
    auto& st = self->state;
    st.log->error("{}: client failed; loaded again from storage on next use",
                  st.user.extension);
    self->send(st.cfg->directory, atoms::leave_atom::value, st.user.extension,
               client_residue{});
    return caf::make_error(caf::sec::runtime_error, "client failed");
  });
  return {
      [self](atoms::register_atom, sip_task& t) {
        touch(self);
        on_register(self, t);
      },
      [self](atoms::enqueue_atom, enqueue_task& task) {
        touch(self);
        on_enqueue(self, task);
      },
      [self](atoms::enqueue_atom, enqueue_task& task,
             bool) -> caf::result<bool> {
        touch(self);
        return enqueue_and_reply(self, task);
      },
      [self](atoms::sipresult_atom, std::uint64_t id, int status,
             const sip::message&) {
        touch(self);
        on_result(self, id, status);
      },
      [self](atoms::timer_atom, std::uint64_t token) {
        auto& st = self->state;
        auto it = st.fork_timers.find(token);
        if (it == st.fork_timers.end())
          return;
        release_waiter(self, it->second, 202);
        st.fork_timers.erase(it);
      },
      [self](atoms::retry_atom, std::uint64_t token) {
        if (token != self->state.retry_token)
          return;
        self->state.retry_token = 0;
        pump(self);
      },
      [self](atoms::proxy_atom, sip_task& t, const std::string& caller) {
        touch(self);
        on_call(self, t, caller);
      },
      [self](atoms::presence_atom, sip_task& t, const std::string& watcher,
             const std::string& display) {
        touch(self);
        on_presence(self, t, watcher, display);
      },
      [self](atoms::dialog_atom, const sip::proxy::dialog_view& v) {
        touch(self);
        watch_call(self, v);
        run(self, book(self).dialog(v, now_s()));
      },
      [self](atoms::command_atom, sip_task& t, const std::string& text) {
        touch(self);
        on_command(self, t, text);
      },
      [self](atoms::contacts_atom, const std::string& kind,
             const std::string& other, std::int32_t state) {
        touch(self);
        if (kind.empty())
          return;
        run(self, book(self).contact_changed(kind[0], other, state, now_s()));
      },
      [self](atoms::contacts_atom) -> std::string {
        touch(self);
        return contacts_text(self->state);
      },
      [self](atoms::intercom_atom) {
        touch(self);
        return intercom_targets(self->state);
      },
      [self](atoms::checksync_atom, const std::string& mac,
             const std::string& event, bool revoke) {
        touch(self);
        on_check_sync(self, mac, event, revoke);
      },
      [self](atoms::mwi_atom, std::uint32_t fresh, std::uint32_t old) {
        touch(self);
        run(self, book(self).set_voice_messages(fresh, old, now_s()));
      },
      [self](atoms::expire_atom, std::uint64_t token) {
        auto& st = self->state;
        if (token != st.wake_token || !st.book_)
          return;
        st.wake_token = 0;
        auto now = now_s();
        auto out = st.book_->tick(now);
        auto more = st.book_->set_devices(online_devices(st), now);
        for (auto& n : more.notifies)
          out.notifies.push_back(std::move(n));
        run(self, std::move(out));
      },
      [self](atoms::idle_atom, std::uint64_t token) {
        on_idle_check(self, token);
      },
      [self](atoms::leave_atom) { on_leave(self); },
      [self](atoms::station_atom, const std::string& device,
             const caf::actor& link, bool attached) {
        touch(self);
        auto& st = self->state;
        bool was_online = online(st);
        if (attached)
          st.stations[device] = link;
        else
          st.stations.erase(device);
        st.log->info("{}: desk phone {} {}", st.user.extension, device,
                     attached ? "joined" : "left");
        run(self, book(self).set_devices(online_devices(st), now_s()));
        if (attached && (!was_online || st.retry_token != 0)) {
          st.retry_token = 0; // deliver what waits now
          pump(self);
        }
      },
      [self](atoms::command_atom, const std::string& text) {
        touch(self);
        return run_command(self, text);
      },
      [self](atoms::rules_atom) { self->state.no_rules = false; },
      [self](atoms::offer_atom) { return offer_json(self->state); },
      [self](atoms::offer_atom, const std::string& choice) {
        auto said = answer_offer(self, choice, nullptr);
        return said ? *said : std::string{};
      },
      [self](atoms::offer_atom, std::uint64_t token) {
        touch(self);
        on_offer_timer(self, token);
      },
      [self](atoms::rules_atom, const std::string& caller,
             const std::string& name) -> caf::result<intercom_reach> {
        touch(self);
        return legacy_call(self, caller, name);
      },
      [self](atoms::offer_atom, pbx_offer& o) {
        touch(self);
        offer_pbx(self, o);
      },
      [self](atoms::presence_atom, const std::string& watcher) {
        touch(self);
        return status_for(self, watcher);
      },
  };
}

} // namespace

} // namespace client

client_actor spawn_client(caf::actor_system& sys,
                          std::shared_ptr<const client_config> cfg,
                          storage::records::account user,
                          const key_values& bindings, const key_values& queue,
                          const key_values& contacts, const key_values& subs,
                          client_residue residue, bool restart) {
  return sys.spawn(client::client_impl, std::move(cfg), std::move(user),
                   bindings, queue, contacts, subs, residue, restart);
}

} // namespace ivm::actors
