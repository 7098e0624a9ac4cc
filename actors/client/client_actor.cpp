#include "actors/client/client_actor.hpp"

#include <deque>
#include <memory>
#include <unordered_map>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/client/outgoing.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/response.hpp"
#include "storage/codec.hpp"

namespace ivm::actors {

namespace {

using storage::records::queued_message;

/// A registered device: the binding plus how to reach it.
struct device {
  sip::core::contact_binding binding;
  std::uint8_t transport = 0;
  net::endpoint source;
  std::string user_agent;
  /// The TCP/TLS connection it registered on (this process only).
  std::optional<sip_flow> flow;
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

struct client_state {
  std::shared_ptr<const client_config> cfg;
  storage::records::account user;
  std::vector<device> devices;
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
  std::shared_ptr<spdlog::logger> log = log::get("client");
  static inline const char* name = "client";
};

using pointer = client_actor::stateful_pointer<client_state>;

std::uint64_t now_s() {
  return directory::unix_now();
}

void answer(
    pointer self, const sip_task& t, int code, std::string reason,
    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  self->send(t.router, atoms::sipresp_atom::value, t.key,
             make_answer(t, code, reason, headers, self->state.cfg->server));
}

std::vector<sip::core::contact_binding> bindings_of(const client_state& st) {
  std::vector<sip::core::contact_binding> out;
  for (auto& d : st.devices)
    out.push_back(d.binding);
  return out;
}

bool online(const client_state& st) {
  auto t = now_s();
  for (auto& d : st.devices)
    if (d.binding.expires_s > t)
      return true;
  return false;
}

void pump(pointer self);

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
  storage::write_batch b;
  b.del(storage::family::messages,
        storage::records::message_key(st.user.extension, head.seq));
  self->request(st.cfg->storage, caf::infinite, caf::put_atom::value, b)
      .then([](caf::ok_atom) {},
            [self](const caf::error& err) {
              self->state.log->error(
                  "{}: cannot remove a delivered message: {}",
                  self->state.user.extension, self->system().render(err));
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
  self->request(st.cfg->storage, caf::infinite, caf::put_atom::value, b)
      .then([](caf::ok_atom) {}, [](const caf::error&) {});
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
    st.inflight = std::move(a);
    if (st.inflight->outstanding == 0) {
      on_failed(self); // no device can be reached now
      return;
    }
  }
}

void on_result(pointer self, std::uint64_t id, int status) {
  auto& st = self->state;
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

void on_register(pointer self, sip_task& t) {
  auto& st = self->state;
  auto now = now_s();
  auto outcome = sip::core::apply_register(bindings_of(st), t.in.msg, now,
                                           st.cfg->registrar);
  if (outcome.code != 200) {
    answer(self, t, outcome.code, outcome.reason, outcome.headers);
    return;
  }
  storage::write_batch b;
  std::vector<device> next;
  for (auto& bd : outcome.bindings) {
    device d;
    d.binding = bd;
    auto up = std::find_if(outcome.upserted.begin(), outcome.upserted.end(),
                           [&](const sip::core::contact_binding& u) {
                             return u.contact == bd.contact;
                           });
    auto old = std::find_if(
        st.devices.begin(), st.devices.end(),
        [&](const device& x) { return x.binding.contact == bd.contact; });
    if (up != outcome.upserted.end()) {
      d.transport = static_cast<std::uint8_t>(t.in.flow.kind);
      d.source = t.in.flow.remote;
      d.user_agent = std::string{t.in.msg.value_of("User-Agent")};
      if (t.in.flow.kind != sip_transport_kind::udp)
        d.flow = t.in.flow;
      storage::records::binding rec{bd.contact,
                                    bd.q,
                                    bd.expires_s,
                                    bd.call_id,
                                    bd.cseq,
                                    d.transport,
                                    net::to_string(d.source),
                                    d.user_agent};
      b.put(storage::family::bindings,
            storage::records::binding_key(st.user.extension, bd.contact),
            storage::records::encode(rec));
    } else if (old != st.devices.end()) {
      d = *old;
      d.binding = bd;
    }
    next.push_back(std::move(d));
  }
  // Removed and expired bindings leave storage too.
  for (auto& d : st.devices)
    if (std::none_of(next.begin(), next.end(), [&](const device& x) {
          return x.binding.contact == d.binding.contact;
        }))
      b.del(
          storage::family::bindings,
          storage::records::binding_key(st.user.extension, d.binding.contact));
  auto respond = [self, t, outcome, next = std::move(next)]() mutable {
    auto& st = self->state;
    bool was_online = online(st);
    st.devices = std::move(next);
    answer(self, t, 200, "OK", outcome.headers);
    st.log->info("{} {}: {} device(s)", st.user.extension,
                 st.devices.empty() ? "unregistered" : "registered",
                 st.devices.size());
    if (!was_online || st.retry_token != 0) {
      st.retry_token = 0; // a device (re)appeared: try now
    }
    pump(self);
  };
  if (b.empty()) {
    respond();
    return;
  }
  self->request(st.cfg->storage, caf::infinite, caf::put_atom::value, b)
      .then([respond](caf::ok_atom) mutable { respond(); },
            [self, t](const caf::error& err) {
              self->state.log->error("{}: bindings not saved: {}",
                                     self->state.user.extension,
                                     self->system().render(err));
              answer(self, t, 500, "Server Internal Error");
            });
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
    self->request(st.cfg->storage, caf::infinite, caf::put_atom::value, b)
        .then(
            [self, task, seq, done](caf::ok_atom) mutable {
              auto& st = self->state;
              st.stored->inc();
              // Keep the queue in sequence order even if writes overtook.
              auto pos =
                  std::find_if(st.queue().begin(), st.queue().end(),
                               [seq](const queued& q) { return q.seq > seq; });
              st.queue().insert(pos, queued{seq, task.msg});
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
  self->request(st.cfg->storage, caf::infinite, caf::get_atom::value,
                storage::family::messages,
                storage::records::dedup_key(st.user.extension, task.dedup))
      .then(
          [self, write, done](const optional_string& seen) mutable {
            if (seen) {
              self->state.log->info("{}: duplicate request, stored before",
                                    self->state.user.extension);
              done(true);
              return;
            }
            write();
          },
          [done](const caf::error&) mutable { done(false); });
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

client_actor::behavior_type
client_impl(pointer self, std::shared_ptr<const client_config> cfg,
            storage::records::account user, key_values bindings,
            key_values queue) {
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
  // Messages waiting from before a restart go to devices still registered.
  if (!st.queue_empty() && online(st))
    self->send(self, atoms::retry_atom::value, std::uint64_t{0});
  return {
      [self](atoms::register_atom, sip_task& t) { on_register(self, t); },
      [self](atoms::enqueue_atom, enqueue_task& task) {
        on_enqueue(self, task);
      },
      [self](atoms::enqueue_atom, enqueue_task& task,
             bool) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        enqueue(self, task, [rp](bool ok) mutable {
          if (ok)
            rp.deliver(true);
          else
            rp.deliver(caf::make_error(caf::sec::runtime_error, "not stored"));
        });
        return rp;
      },
      [self](atoms::sipresult_atom, std::uint64_t id, int status,
             const sip::message&) { on_result(self, id, status); },
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
  };
}

} // namespace

client_actor spawn_client(caf::actor_system& sys,
                          std::shared_ptr<const client_config> cfg,
                          storage::records::account user,
                          const key_values& bindings, const key_values& queue) {
  return sys.spawn(client_impl, std::move(cfg), std::move(user), bindings,
                   queue);
}

} // namespace ivm::actors
