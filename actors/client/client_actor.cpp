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
#include "actors/client/presence_book.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/presence/command.hpp"
#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/name_addr.hpp"
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
  metrics::counter* notifies = nullptr;
  /// Presence (subscriptions, publications, contacts): made on first use.
  std::unique_ptr<presence_book> book_;
  /// NOTIFYs in flight: request id -> subscription id.
  std::unordered_map<std::uint64_t, std::string> notify_ids;
  /// TCP/TLS connections subscriptions came over (this process only).
  std::unordered_map<std::string, sip_flow> sub_flows;
  std::uint64_t wake_token = 0;
  std::uint64_t wake_at = 0;
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
  st.tally();
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

void on_notify_done(pointer self, const std::string& sub, int status);

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

std::size_t online_devices(const client_state& st) {
  auto t = now_s();
  std::size_t n = 0;
  for (auto& d : st.devices)
    if (d.binding.expires_s > t)
      ++n;
  return n;
}

std::string self_contact(const client_state& st, sip_transport_kind kind) {
  const auto& ep = kind == sip_transport_kind::udp   ? st.cfg->udp_self
                   : kind == sip_transport_kind::tcp ? st.cfg->tcp_self
                                                     : st.cfg->tls_self;
  std::string param = kind == sip_transport_kind::tcp   ? ";transport=tcp"
                      : kind == sip_transport_kind::tls ? ";transport=tls"
                                                        : "";
  return "<sip:" + st.user.extension + "@" + net::to_string(ep) + param + ">";
}

presence_book& book(pointer self) {
  auto& st = self->state;
  if (!st.book_) {
    book_env env;
    env.extension = st.user.extension;
    env.domain = st.cfg->domain;
    env.display_name = st.user.display_name;
    env.contact = self_contact(st, sip_transport_kind::udp);
    st.book_ = std::make_unique<presence_book>(std::move(env));
    st.book_->set_devices(online_devices(st), now_s());
  }
  return *st.book_;
}

void save_batch(pointer self, const storage::write_batch& b) {
  if (b.empty())
    return;
  self->request(self->state.cfg->storage, caf::infinite, caf::put_atom::value,
                b)
      .then([](caf::ok_atom) {},
            [self](const caf::error& err) {
              self->state.log->error("{}: presence state not saved: {}",
                                     self->state.user.extension,
                                     self->system().render(err));
            });
}

void arm_wakeup(pointer self) {
  auto& st = self->state;
  if (!st.book_)
    return;
  auto at = st.book_->next_wakeup();
  auto now = now_s();
  // Registrations that run out change presence too.
  for (auto& d : st.devices)
    if (d.binding.expires_s > now && (!at || d.binding.expires_s < *at))
      at = d.binding.expires_s;
  if (!at || (st.wake_token != 0 && st.wake_at <= *at))
    return;
  st.wake_at = *at;
  st.wake_token = st.next_token++;
  auto delay = std::chrono::seconds{*at > now ? *at - now : 0};
  self->delayed_send(self, delay + std::chrono::milliseconds{50},
                     atoms::expire_atom::value, st.wake_token);
}

void on_notify_done(pointer self, const std::string& sub, int status);

void send_notifies(pointer self, std::vector<notify_out> notifies) {
  auto& st = self->state;
  for (auto& n : notifies) {
    std::optional<sip_flow> flow;
    if (auto f = st.sub_flows.find(n.sub_id); f != st.sub_flows.end())
      flow = f->second;
    net::endpoint source;
    if (auto ep = net::parse_endpoint(n.source))
      source = *ep;
    auto where = reach(n.request.request_uri, n.transport, source, flow);
    if (!where) {
      // Cannot reach the watcher now: as if the NOTIFY failed (RFC 6665
      // §4.2.2: the subscription ends).
      on_notify_done(self, n.sub_id, 503);
      continue;
    }
    n.request.push_front(
        "Via", make_via(*st.cfg, static_cast<sip_transport_kind>(n.transport)));
    n.request.add("User-Agent", st.cfg->server);
    auto id = st.next_token++;
    st.notify_ids.emplace(id, n.sub_id);
    st.notifies->inc();
    auto shard =
        shard_of(n.request.value_of("Call-ID"), st.cfg->routers.size());
    self->send(st.cfg->routers[shard], atoms::sipsend_atom::value,
               sip_request_task{id, caf::actor_cast<caf::actor>(self),
                                std::move(n.request), where->first,
                                where->second});
  }
}

// Carries out what the presence book decided. The answer to a request goes
// out once its state is on disk, and before the NOTIFYs it caused (RFC 6665
// allows either order; many phones and SIPp expect the answer first).
void run(pointer self, book_out out, const sip_task* t = nullptr) {
  auto& st = self->state;
  for (auto& [to, text] : out.notices)
    self->send(st.cfg->directory, atoms::notify_atom::value, to,
               directory::make_notice(to, st.cfg->domain, text, now_s()));
  if (out.response && t) {
    out.response->add("Server", st.cfg->server);
    auto send = [self, router = t->router, key = t->key,
                 resp = std::move(*out.response),
                 notifies = std::move(out.notifies)]() mutable {
      self->send(router, atoms::sipresp_atom::value, key, resp);
      send_notifies(self, std::move(notifies));
      arm_wakeup(self);
    };
    if (out.batch.empty()) {
      send();
    } else {
      auto tc = *t;
      self->request(st.cfg->storage, caf::infinite, caf::put_atom::value,
                    out.batch)
          .then([send](caf::ok_atom) mutable { send(); },
                [self, tc](const caf::error& err) {
                  self->state.log->error("{}: subscription not saved: {}",
                                         self->state.user.extension,
                                         self->system().render(err));
                  answer(self, tc, 500, "Server Internal Error");
                });
    }
    return;
  }
  save_batch(self, out.batch);
  send_notifies(self, std::move(out.notifies));
  arm_wakeup(self);
}

void on_notify_done(pointer self, const std::string& sub, int status) {
  auto& st = self->state;
  if (!st.book_)
    return;
  auto out = st.book_->notify_result(sub, status, now_s());
  if (!st.book_->find(sub))
    st.sub_flows.erase(sub);
  run(self, std::move(out));
}

void on_presence(pointer self, sip_task& t, const std::string& watcher,
                 const std::string& display) {
  auto& st = self->state;
  const auto& req = t.in.msg;
  if (req.method == "PUBLISH") {
    if (watcher != st.user.extension) {
      answer(self, t, 403, "Forbidden"); // only for oneself
      return;
    }
    run(self, book(self).publish(req, now_s()), &t);
    return;
  }
  auto kind = t.in.flow.kind;
  auto out = book(self).subscribe(
      req, watcher, display, static_cast<std::uint8_t>(kind),
      net::to_string(t.in.flow.remote), self_contact(st, kind), now_s());
  if (kind != sip_transport_kind::udp) {
    auto to = sip::parse_name_addr(out.response ? out.response->value_of("To")
                                                : std::string_view{});
    auto tag = to ? to->tag() : std::nullopt;
    if (tag)
      st.sub_flows[std::string{req.value_of("Call-ID")} + '\n' +
                   std::string{*tag}] = t.in.flow;
  }
  run(self, std::move(out), &t);
}

std::string_view status_word(presence::user_status s) {
  switch (s) {
    case presence::user_status::available:
      return "available";
    case presence::user_status::away:
      return "away";
    case presence::user_status::busy:
      return "busy";
    case presence::user_status::dnd:
      return "do not disturb";
    case presence::user_status::signed_out:
      return "signed out";
    default:
      return "available";
  }
}

void on_command(pointer self, sip_task& t, const std::string& text) {
  auto& st = self->state;
  auto cmd = presence::parse_command(text);
  auto now = now_s();
  book_out out;
  std::string reply;
  if (auto* s = std::get_if<presence::set_status_command>(&cmd)) {
    out = book(self).set_status(s->status, s->note, now);
    reply = "Your status is now " + std::string{status_word(s->status)} +
            (s->note.empty() ? "" : " (" + s->note + ")") + ".";
  } else if (std::holds_alternative<presence::sign_in_command>(cmd)) {
    out = book(self).set_status(presence::user_status::none, {}, now);
    reply = "You are signed in.";
  } else if (std::holds_alternative<presence::sign_out_command>(cmd)) {
    out = book(self).set_status(presence::user_status::signed_out, {}, now);
    reply = "You are signed out: you appear offline.";
  } else if (auto* a = std::get_if<presence::accept_command>(&cmd)) {
    out = book(self).answer_watcher(a->extension, true, now);
    reply = a->extension + " can now see your presence.";
  } else if (auto* d = std::get_if<presence::decline_command>(&cmd)) {
    out = book(self).answer_watcher(d->extension, false, now);
    reply = d->extension + " cannot see your presence.";
  } else if (auto* h = std::get_if<presence::help_command>(&cmd)) {
    reply = h->text;
  } else if (auto* u = std::get_if<presence::unknown_command>(&cmd)) {
    reply = u->help;
  }
  out.notices.emplace_back(st.user.extension, reply);
  out.response =
      sip::make_response(t.in.msg, 200, "OK", sip::core::random_tag());
  run(self, std::move(out), &t);
}

// Every registered device, where to reach it.
std::vector<proxy_target> device_targets(const client_state& st) {
  std::vector<proxy_target> out;
  auto now = now_s();
  for (auto& d : st.devices) {
    if (d.binding.expires_s <= now)
      continue;
    auto where = reach(d.binding.contact, d.transport, d.source, d.flow);
    if (!where)
      continue;
    out.push_back(proxy_target{d.binding.contact, where->first, where->second});
  }
  return out;
}

// Whether a live intercom may reach this user now, and on which devices.
intercom_reach intercom_targets(const client_state& st) {
  intercom_reach r;
  auto status = st.book_ ? st.book_->status() : presence::user_status::none;
  if (status == presence::user_status::dnd)
    r.absent = "dnd";
  else if (status == presence::user_status::signed_out)
    r.absent = "signed out";
  else if (st.book_ && st.book_->in_call())
    r.absent = "busy";
  else if (r.targets = device_targets(st); r.targets.empty())
    r.absent = "offline";
  return r;
}

// A new INVITE to this user: ring every registered device (RFC 3261
// §16.5-16.6), unless the user is in do-not-disturb.
void on_call(pointer self, sip_task& t, const std::string& caller) {
  auto& st = self->state;
  if (st.book_ && st.book_->status() == presence::user_status::dnd) {
    answer(self, t, 486, "Busy Here");
    return;
  }
  proxy_plan plan;
  plan.caller = caller;
  plan.callee = st.user.extension;
  plan.targets = device_targets(st);
  if (plan.targets.empty()) {
    answer(self, t, 480, "Temporarily Unavailable");
    return;
  }
  self->send(t.router, atoms::proxy_atom::value, t.key, std::move(plan));
}

std::string contacts_text(const client_state& st) {
  std::string out;
  if (!st.book_)
    return out;
  for (auto& c : st.book_->contacts())
    out += "c " + c + "\n";
  for (auto& [w, state] : st.book_->watchers())
    out += "w " + w + " " + std::to_string(static_cast<int>(state)) + "\n";
  return out;
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
      d.phone = t.device;
      if (t.in.flow.kind != sip_transport_kind::udp)
        d.flow = t.in.flow;
      storage::records::binding rec{bd.contact,
                                    bd.q,
                                    bd.expires_s,
                                    bd.call_id,
                                    bd.cseq,
                                    d.transport,
                                    net::to_string(d.source),
                                    d.user_agent,
                                    d.phone};
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
    if (st.book_)
      run(self, st.book_->set_devices(online_devices(st), now_s()));
    if (!t.device.empty() && st.cfg->directory) {
      // A provisioned phone: the admin sees it registered (or not).
      device_sighting seen;
      seen.mac = t.device;
      seen.source = "register";
      seen.address = t.in.flow.remote.host;
      seen.user_agent = std::string{t.in.msg.value_of("User-Agent")};
      for (auto& d : st.devices)
        if (d.phone == t.device)
          seen.expires_s = std::max(seen.expires_s, d.binding.expires_s);
      self->send(st.cfg->directory, atoms::seen_atom::value, std::move(seen));
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

// Tells the phone `mac` (registered with its own credentials) to fetch its
// configuration, then forgets its registrations when they were revoked.
void on_check_sync(pointer self, const std::string& mac,
                   const std::string& event, bool revoke) {
  auto& st = self->state;
  auto now = now_s();
  storage::write_batch b;
  std::size_t sent = 0;
  for (auto& d : st.devices) {
    if (d.phone != mac || d.binding.expires_s <= now)
      continue;
    if (!event.empty()) {
      auto out = make_check_sync(*st.cfg, st.user, event, d.binding.contact,
                                 d.transport, d.source, d.flow);
      if (out) {
        auto shard =
            shard_of(out->request.value_of("Call-ID"), st.cfg->routers.size());
        self->send(
            st.cfg->routers[shard], atoms::sipsend_atom::value,
            sip_request_task{st.next_token++, caf::actor_cast<caf::actor>(self),
                             std::move(out->request), out->flow, out->dest});
        ++sent;
      }
    }
    if (revoke)
      b.del(
          storage::family::bindings,
          storage::records::binding_key(st.user.extension, d.binding.contact));
  }
  if (sent > 0)
    st.log->info("{}: {} sent to phone {}", st.user.extension, event, mac);
  if (!revoke || b.empty())
    return;
  st.devices.erase(
      std::remove_if(st.devices.begin(), st.devices.end(),
                     [&](const device& d) { return d.phone == mac; }),
      st.devices.end());
  st.log->info("{}: registrations of phone {} revoked", st.user.extension, mac);
  save_batch(self, std::move(b));
  if (st.book_)
    run(self, st.book_->set_devices(online_devices(st), now));
}

client_actor::behavior_type
client_impl(pointer self, std::shared_ptr<const client_config> cfg,
            storage::records::account user, key_values bindings,
            key_values queue, key_values contacts, key_values subs) {
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
  if (!contacts.empty() || !subs.empty()) {
    auto& b = book(self);
    b.load_contacts(contacts);
    save_batch(self, b.load_subscriptions(subs, now).batch);
    // Watchers learn the state as it is now (see presence_book::resync).
    run(self, b.resync(now));
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
      [self](atoms::proxy_atom, sip_task& t, const std::string& caller) {
        on_call(self, t, caller);
      },
      [self](atoms::presence_atom, sip_task& t, const std::string& watcher,
             const std::string& display) {
        on_presence(self, t, watcher, display);
      },
      [self](atoms::dialog_atom, const sip::proxy::dialog_view& v) {
        run(self, book(self).dialog(v, now_s()));
      },
      [self](atoms::command_atom, sip_task& t, const std::string& text) {
        on_command(self, t, text);
      },
      [self](atoms::contacts_atom, const std::string& kind,
             const std::string& other, std::int32_t state) {
        if (kind.empty())
          return;
        run(self, book(self).contact_changed(kind[0], other, state, now_s()));
      },
      [self](atoms::contacts_atom) -> std::string {
        return contacts_text(self->state);
      },
      [self](atoms::intercom_atom) { return intercom_targets(self->state); },
      [self](atoms::checksync_atom, const std::string& mac,
             const std::string& event,
             bool revoke) { on_check_sync(self, mac, event, revoke); },
      [self](atoms::mwi_atom, std::uint32_t fresh, std::uint32_t old) {
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
  };
}

} // namespace

client_actor spawn_client(caf::actor_system& sys,
                          std::shared_ptr<const client_config> cfg,
                          storage::records::account user,
                          const key_values& bindings, const key_values& queue,
                          const key_values& contacts, const key_values& subs) {
  return sys.spawn(client_impl, std::move(cfg), std::move(user), bindings,
                   queue, contacts, subs);
}

} // namespace ivm::actors
