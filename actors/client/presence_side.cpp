#include "actors/client/client_state.hpp"

#include <caf/actor_cast.hpp>

#include "actors/client/outgoing.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/presence/command.hpp"
#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/response.hpp"

namespace ivm::actors::client {

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
  store(
      self, b, [] {},
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
void run(pointer self, book_out out, const sip_task* t) {
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
      store(
          self, out.batch, [send]() mutable { send(); },
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

namespace {

// Carries out a text command; the answer to show the user.
std::string command(pointer self, const std::string& text, book_out& out) {
  auto cmd = presence::parse_command(text);
  auto now = now_s();
  if (auto* s = std::get_if<presence::set_status_command>(&cmd)) {
    out = book(self).set_status(s->status, s->note, now);
    return "Your status is now " + std::string{status_word(s->status)} +
           (s->note.empty() ? "" : " (" + s->note + ")") + ".";
  }
  if (std::holds_alternative<presence::sign_in_command>(cmd)) {
    out = book(self).set_status(presence::user_status::none, {}, now);
    return "You are signed in.";
  }
  if (std::holds_alternative<presence::sign_out_command>(cmd)) {
    out = book(self).set_status(presence::user_status::signed_out, {}, now);
    return "You are signed out: you appear offline.";
  }
  if (auto* a = std::get_if<presence::accept_command>(&cmd)) {
    out = book(self).answer_watcher(a->extension, true, now);
    return a->extension + " can now see your presence.";
  }
  if (auto* d = std::get_if<presence::decline_command>(&cmd)) {
    out = book(self).answer_watcher(d->extension, false, now);
    return d->extension + " cannot see your presence.";
  }
  if (auto* h = std::get_if<presence::help_command>(&cmd))
    return h->text;
  if (auto* u = std::get_if<presence::unknown_command>(&cmd))
    return u->help;
  return {};
}

} // namespace

void on_command(pointer self, sip_task& t, const std::string& text) {
  auto& st = self->state;
  book_out out;
  auto offered = answer_offer(self, text, &t);
  auto reply = offered ? *offered : command(self, text, out);
  out.notices.emplace_back(st.user.extension, reply);
  out.response =
      sip::make_response(t.in.msg, 200, "OK", sip::core::random_tag());
  run(self, std::move(out), &t);
}

std::string run_command(pointer self, const std::string& text) {
  if (auto offered = answer_offer(self, text, nullptr))
    return *offered;
  book_out out;
  auto reply = command(self, text, out);
  run(self, std::move(out));
  return reply;
}

std::string status_for(pointer self, const std::string& watcher) {
  auto& st = self->state;
  auto& b = book(self);
  bool allowed = watcher == st.user.extension;
  for (auto& [w, state] : b.watchers())
    if (w == watcher && state == storage::records::watch_state::allowed)
      allowed = true;
  if (!allowed)
    return {};
  auto s = b.status();
  if (s == presence::user_status::signed_out || online_devices(st) == 0)
    return "offline";
  if (s == presence::user_status::dnd)
    return "dnd";
  if (b.in_call())
    return "on the phone";
  return s == presence::user_status::none ? "available"
                                          : std::string{status_word(s)};
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
    out.push_back(
        proxy_target{d.binding.contact, where->first, where->second, {}, {}});
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
void ring_devices(pointer self, sip_task& t, const std::string& caller) {
  auto& st = self->state;
  if (st.book_ && st.book_->status() == presence::user_status::dnd) {
    answer(self, t, 486, "Busy Here");
    return;
  }
  proxy_plan plan;
  plan.caller = caller;
  plan.callee = st.user.extension;
  plan.targets = device_targets(st);
  auto ring = [self, t](proxy_plan& plan) {
    if (plan.targets.empty())
      answer(self, t, 480, "Temporarily Unavailable");
    else
      self->send(t.router, atoms::proxy_atom::value, t.key, std::move(plan));
  };
  if (!st.cfg->legacy) {
    ring(plan);
    return;
  }
  // The user's legacy phones ring too (issue 15), and their phones on a
  // PBX through its trunk (issue 17), but never back where the call came
  // from (a PBX calling through the box to its own phone).
  auto source = t.in.flow.remote;
  self->request(st.cfg->legacy, std::chrono::seconds{2},
                atoms::proxy_atom::value, st.user.extension)
      .then(
          [ring, plan, source](proxy_plan& stations) mutable {
            for (auto& s : stations.targets)
              if (s.local || s.dest != source)
                plan.targets.push_back(std::move(s));
            ring(plan);
          },
          [ring, plan](const caf::error&) mutable { ring(plan); });
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

} // namespace ivm::actors::client
