#include "actors/client/client_state.hpp"

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/client/outgoing.hpp"
#include "appliance/directory/intake.hpp"
#include "storage/codec.hpp"

namespace ivm::actors::client {

void release_waiter(pointer self, const std::string& id, int code) {
  auto& st = self->state;
  auto it = st.waiters.find(id);
  if (it == st.waiters.end())
    return;
  answer(self, it->second, code, code == 200 ? "OK" : "Accepted");
  st.waiters.erase(it);
}

// Removes the head message from storage and memory.
void drop_head(pointer self) {
  auto& st = self->state;
  auto head = std::move(st.queue().front());
  st.queue().pop_front();
  st.tally();
  storage::write_batch b;
  b.del(storage::family::messages,
        storage::records::message_key(st.user.extension, head.seq));
  store(
      self, b, [] {},
      [self](const caf::error& err) {
        self->state.log->error("{}: cannot remove a delivered message: {}",
                               self->state.user.extension,
                               self->system().render(err));
      });
}

void on_delivered(pointer self) {
  auto& st = self->state;
  auto& head = st.queue().front();
  st.delivered->inc();
  st.log->debug("{}: message {} delivered", st.user.extension, head.msg.id);
  release_waiter(self, head.msg.id, 200);
  if (head.msg.notify_delivery && !head.msg.from_ext.empty())
    self->send(st.cfg->directory, atoms::notify_atom::value, head.msg.from_ext,
               directory::make_delivery_notification(head.msg, st.cfg->domain,
                                                     now_s()));
  drop_head(self);
  st.inflight.reset();
  pump(self);
}

void give_up(pointer self, const std::string& why) {
  auto& st = self->state;
  auto& head = st.queue().front();
  st.log->warn("{}: giving up message {} from {}: {}", st.user.extension,
               head.msg.id, head.msg.from_ext, why);
  release_waiter(self, head.msg.id, 202);
  if (!head.msg.from_ext.empty())
    self->send(
        st.cfg->directory, atoms::notify_atom::value, head.msg.from_ext,
        directory::make_notice(head.msg.from_ext, st.cfg->domain,
                               "Your message to " + st.user.display_name +
                                   " (" + st.user.extension + ") of " +
                                   directory::iso8601(head.msg.date_s) +
                                   " could not be delivered: " + why + ".",
                               now_s()));
  drop_head(self);
}

void on_failed(pointer self) {
  auto& st = self->state;
  st.inflight.reset();
  auto& head = st.queue().front();
  ++head.msg.attempts;
  release_waiter(self, head.msg.id, 202); // stored: the sender may go on
  if (head.msg.attempts >= st.cfg->max_attempts) {
    give_up(self, std::to_string(head.msg.attempts) + " attempts failed");
    pump(self);
    return;
  }
  // Keep the count across restarts, then try again later.
  storage::write_batch b;
  b.put(storage::family::messages,
        storage::records::message_key(st.user.extension, head.seq),
        storage::records::encode(head.msg));
  store(
      self, b, [] {}, [](const caf::error&) {});
  auto& backoff = st.cfg->backoff;
  auto delay =
      backoff[std::min<std::size_t>(head.msg.attempts - 1, backoff.size() - 1)];
  st.retry_token = st.next_token++;
  self->delayed_send(self, delay, atoms::retry_atom::value, st.retry_token);
}

void pump(pointer self) {
  auto& st = self->state;
  while (!st.inflight && !st.queue_empty() && st.retry_token == 0) {
    auto& head = st.queue().front();
    if (now_s() >
        head.msg.date_s + static_cast<std::uint64_t>(st.cfg->max_age.count())) {
      give_up(self, "it expired");
      continue;
    }
    if (!online(st))
      return; // delivered when a device registers
    attempt a;
    a.seq = head.seq;
    auto t = now_s();
    for (auto& d : st.devices) {
      if (d.binding.expires_s <= t)
        continue;
      auto out = make_outgoing(*st.cfg, st.user, head.msg, d.binding.contact,
                               d.transport, d.source, d.flow);
      if (!out)
        continue;
      auto id = st.next_token++;
      a.requests.push_back(id);
      ++a.outstanding;
      auto shard =
          shard_of(out->request.value_of("Call-ID"), st.cfg->routers.size());
      self->send(st.cfg->routers[shard], atoms::sipsend_atom::value,
                 sip_request_task{id, caf::actor_cast<caf::actor>(self),
                                  std::move(out->request), out->flow,
                                  out->dest});
    }
    for (auto& [device, link] : st.stations) {
      auto id = st.next_token++;
      a.requests.push_back(id);
      ++a.outstanding;
      caf::anon_send(link, atoms::deliver_atom::value, device, id, head.msg,
                     caf::actor_cast<caf::actor>(self));
    }
    st.inflight = std::move(a);
    if (st.inflight->outstanding == 0) {
      on_failed(self); // no device can be reached now
      return;
    }
  }
}

void on_result(pointer self, std::uint64_t id, int status) {
  auto& st = self->state;
  if (auto n = st.notify_ids.find(id); n != st.notify_ids.end()) {
    auto sub = std::move(n->second);
    st.notify_ids.erase(n);
    on_notify_done(self, sub, status);
    return;
  }
  if (!st.inflight)
    return;
  auto& a = *st.inflight;
  if (std::find(a.requests.begin(), a.requests.end(), id) == a.requests.end())
    return;
  --a.outstanding;
  if (status >= 200 && status < 300 && !a.delivered) {
    a.delivered = true;
    on_delivered(self);
    return;
  }
  if (a.outstanding == 0 && !a.delivered)
    on_failed(self);
}

// Stores `task.msg` (unless its request was stored before) and calls
// `done(stored_now)` once it is durable.
template <class Done>
void enqueue(pointer self, const enqueue_task& task, Done done) {
  auto& st = self->state;
  auto write = [self, task, done]() mutable {
    auto& st = self->state;
    auto seq = st.next_seq++;
    storage::write_batch b;
    b.put(storage::family::messages,
          storage::records::message_key(st.user.extension, seq),
          storage::records::encode(task.msg));
    if (!task.dedup.empty())
      b.put(storage::family::messages,
            storage::records::dedup_key(st.user.extension, task.dedup),
            storage::be64(now_s()));
    store(
        self, b,
        [self, task, seq, done]() mutable {
          auto& st = self->state;
          st.stored->inc();
          // Keep the queue in sequence order even if writes overtook.
          auto pos =
              std::find_if(st.queue().begin(), st.queue().end(),
                           [seq](const queued& q) { return q.seq > seq; });
          st.queue().insert(pos, queued{seq, task.msg});
          st.tally();
          done(true);
          pump(self);
        },
        [self, done](const caf::error& err) mutable {
          self->state.log->error("{}: message not stored: {}",
                                 self->state.user.extension,
                                 self->system().render(err));
          done(false);
        });
  };
  if (task.dedup.empty()) {
    write();
    return;
  }
  ++st.io;
  self->request(st.cfg->storage, caf::infinite, caf::get_atom::value,
                storage::family::messages,
                storage::records::dedup_key(st.user.extension, task.dedup))
      .then(
          [self, write, done](const optional_string& seen) mutable {
            --self->state.io;
            if (seen) {
              self->state.log->info("{}: duplicate request, stored before",
                                    self->state.user.extension);
              done(true);
              return;
            }
            write();
          },
          [self, done](const caf::error&) mutable {
            --self->state.io;
            done(false);
          });
}

void on_enqueue(pointer self, enqueue_task& task) {
  enqueue(self, task, [self, task](bool ok) {
    auto& st = self->state;
    if (!task.sender)
      return;
    const auto& sender = *task.sender;
    if (!ok) {
      answer(self, sender, 500, "Server Internal Error");
      return;
    }
    bool queued_now =
        !st.queue_empty() &&
        std::any_of(st.queue().begin(), st.queue().end(),
                    [&](const queued& q) { return q.msg.id == task.msg.id; });
    if (!queued_now || !online(st)) {
      answer(self, sender, 202, "Accepted"); // on disk; delivered later
      return;
    }
    // Wait for the fork (200) at most fork_timeout, else 202.
    st.waiters.emplace(task.msg.id, sender);
    auto token = st.next_token++;
    st.fork_timers.emplace(token, task.msg.id);
    self->delayed_send(self, st.cfg->fork_timeout, atoms::timer_atom::value,
                       token);
  });
}

// Tells the phone `mac` (registered with its own credentials) to fetch its

caf::result<bool> enqueue_and_reply(pointer self, enqueue_task& task) {
  auto rp = self->make_response_promise<bool>();
  enqueue(self, task, [rp](bool ok) mutable {
    if (ok)
      rp.deliver(true);
    else
      rp.deliver(caf::make_error(caf::sec::runtime_error, "not stored"));
  });
  return rp;
}

} // namespace ivm::actors::client
