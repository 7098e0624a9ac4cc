// One PBX's CSTA link (issue 17) under the call agent: a TCP connection
// (net::tcp_client) carrying `csta::link_session`, reconnected with
// backoff; the PBX's devices that are stations are monitored, and their
// calls become the users' presence for SIP watchers and busy lamps (RFC
// 4235 dialogs: ringing early, talking or holding confirmed). Status for
// GET /api/v1/pbx as an mgcp_gateway_status.

#include <cctype>
#include <optional>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/mgcp/csta_link_state.hpp"
#include "appliance/net/io_pool.hpp"
#include "appliance/sip/message.hpp"

namespace ivm::actors {

namespace csta_link {

void apply(pointer self, csta::link_session::output out);
void reply(http_exchange& ex, int status, std::string text);

void connect(pointer self) {
  auto& st = self->state;
  auto gen = ++st.conn_gen;
  auto me = caf::actor_cast<caf::actor>(self);
  net::tcp_client_handlers h;
  h.on_certificate = [me, gen](std::string fp) {
    caf::anon_send(me, atoms::seen_atom::value, gen, std::move(fp));
  };
  h.on_open = [me, gen] { caf::anon_send(me, atoms::start_atom::value, gen); };
  h.on_data = [me, gen](std::string b) {
    caf::anon_send(me, atoms::recv_atom::value, gen, std::move(b));
  };
  h.on_close = [me, gen](std::string why) {
    caf::anon_send(me, atoms::stop_atom::value, gen, std::move(why));
  };
  std::optional<std::string> tls;
  if (st.s.record.tls)
    tls = st.s.record.fingerprint; // empty: the first one is pinned
  st.tcp = net::tcp_client::connect(*st.s.io, st.s.address, std::move(h),
                                    std::chrono::seconds{10}, 1 << 20, tls);
}

void schedule(pointer self) {
  auto& st = self->state;
  auto next = st.link->next_tick();
  if (next >= st.timer_at)
    return;
  st.timer_at = next;
  auto now = now_ms();
  self->delayed_send(self, next > now ? next - now : millis{0},
                     atoms::timer_atom::value, ++st.timer_gen);
}

// The device's calls as RFC 4235 dialogs of its user.
void publish(pointer self, const std::string& device) {
  auto& st = self->state;
  auto ext = st.ext_of.find(device);
  auto* model = st.link->device(device);
  if (ext == st.ext_of.end() || !st.s.directory)
    return;
  auto& before = st.published[device];
  std::map<std::string, sip::proxy::dialog_state> now;
  auto send = [&](const std::string& call, sip::proxy::dialog_state state,
                  bool incoming, const std::string& other) {
    sip::proxy::dialog_view v;
    v.call_id = "csta-" + st.s.record.name + "-" + call;
    v.id = v.call_id + "\n\n";
    v.direction = incoming ? sip::proxy::dialog_direction::recipient
                           : sip::proxy::dialog_direction::initiator;
    v.state = state;
    if (!other.empty())
      v.peer_uri = "tel:" + other;
    self->send(st.s.directory, atoms::dialog_atom::value, ext->second,
               std::move(v));
  };
  if (model)
    for (auto& [id, c] : model->calls) {
      auto state = c.state == csta::local_state::alerting ||
                           c.state == csta::local_state::initiated
                       ? sip::proxy::dialog_state::early
                       : sip::proxy::dialog_state::confirmed;
      now[id] = state;
      if (auto b = before.find(id); b == before.end() || b->second != state)
        send(id, state, c.incoming, c.other);
    }
  for (auto& [id, state] : before)
    if (!now.count(id))
      send(id, sip::proxy::dialog_state::terminated, false, {});
  before = std::move(now);
}

// Do-not-disturb and forwarding set on the PBX become the user's status
// for watchers ("dnd", "away" with where calls go); cleared, the status is
// automatic again.
void pbx_status(pointer self, const std::string& device, const csta::event& e) {
  auto& st = self->state;
  if ((e.kind != csta::event_kind::do_not_disturb &&
       e.kind != csta::event_kind::forwarding) ||
      !e.on || !st.s.directory)
    return;
  auto ext = st.ext_of.find(device);
  auto* d = st.link->device(device);
  if (ext == st.ext_of.end() || !d)
    return;
  std::string cmd = d->do_not_disturb ? "status dnd"
                    : d->forwarding   ? "status away Calls go to " +
                                          csta::dial_number(d->forward_to)
                                    : "signin";
  self->request(st.s.directory, std::chrono::seconds{10},
                atoms::command_atom::value, ext->second, cmd)
      .then([](const std::string&) {}, [](const caf::error&) {});
}

void apply(pointer self, csta::link_session::output out) {
  auto& st = self->state;
  for (auto& n : out.notices)
    st.log->warn("PBX {}: {}", st.s.record.name, n);
  for (auto& d : out.synced) {
    publish(self, d);
    phone_synced(self, d, out);
    if (auto l = st.lamp_wanted.find(d); l != st.lamp_wanted.end()) {
      csta::link_session::output lamp;
      if (st.link->invoke(lamp, csta::set_message_waiting(d, l->second), 0,
                          now_ms()))
        for (auto& f : lamp.frames)
          out.frames.push_back(std::move(f));
    }
  }
  for (auto& e : out.events) {
    if (e.changed)
      publish(self, e.device);
    if (e.e.kind == csta::event_kind::button_press ||
        e.e.kind == csta::event_kind::display_updated)
      phone_event(self, e.device, e.e, out);
    if (e.changed)
      pbx_status(self, e.device, e.e);
    if (e.e.kind == csta::event_kind::delivered)
      phone_delivered(self, e.device, e.e);
  }
  for (auto& a : out.answers)
    if (auto w = st.shown_wait.find(a.token); w != st.shown_wait.end()) {
      auto [client, id] = w->second;
      st.shown_wait.erase(w);
      self->send(client, atoms::sipresult_atom::value, id,
                 a.r.error ? 480 : 200, sip::message{});
    } else if (auto c = st.commands.find(a.token); c != st.commands.end()) {
      auto [ex, done] = std::move(c->second);
      st.commands.erase(c);
      reply(ex, a.r.error ? 502 : 200,
            !a.r.error ? done
            : a.r.error->first == "link"
                ? "The PBX did not answer (" + a.r.error->second + ")."
                : "The PBX refused: " + a.r.error->second + ".");
    }
  if (st.events)
    st.events->inc(out.events.size());
  if (out.phase_changed) {
    if (st.link->phase() == csta::link_phase::up && st.s.clients &&
        st.s.clients->metrics)
      st.up = metrics::level_hold{st.s.clients->metrics->make_level(
          "ivm_pbx_links_up", "PBX links (CSTA) up.")};
    else if (st.link->phase() != csta::link_phase::up)
      st.up.reset();
    st.since_s = unix_s();
    st.log->info("PBX {} ({}) link {}", st.s.record.name, st.s.record.address,
                 csta::to_string(st.link->phase()));
  }
  for (auto& f : out.frames)
    if (st.tcp)
      st.tcp->send(std::move(f));
  if (out.close && st.tcp) {
    st.tcp.reset(); // its on_close is not delivered any more
    ++st.conn_gen;
    phones_down(self);
    // What the PBX showed is unknown now: the calls end for watchers.
    for (auto& [device, ext] : st.ext_of)
      publish(self, device);
    self->delayed_send(self, st.link->reconnect_delay(),
                       atoms::retry_atom::value, st.conn_gen);
  }
  schedule(self);
}

void reply(http_exchange& ex, int status, std::string text) {
  ex.respond(net::http_response{status, "text/plain", std::move(text), {}});
}

// A user's command for their phone `device`: the service for it (on the
// call it is about), invoked; answered when the PBX answers.
void command(pointer self, const std::string& device, const std::string& text,
             http_exchange ex) {
  auto& st = self->state;
  auto sp = text.find_first_of(" \t");
  auto verb = text.substr(0, sp);
  for (auto& c : verb)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto arg = sp == std::string::npos ? std::string{} : text.substr(sp + 1);
  arg.erase(0, arg.find_first_not_of(" \t\r\n"));
  arg.erase(arg.find_last_not_of(" \t\r\n") + 1);
  bool number = !arg.empty() && arg.size() <= 32 &&
                arg.find_first_not_of("+0123456789*#") == std::string::npos;
  auto* d = st.link->device(device);
  if (st.link->phase() != csta::link_phase::up || !d) {
    reply(ex, 503, "The PBX link is down.");
    return;
  }
  // The call a command is about, in the state it needs.
  auto find = [&](std::initializer_list<csta::local_state> states)
      -> const csta::call* {
    for (auto want : states)
      for (auto& [id, c] : d->calls)
        if (c.state == want)
          return &c;
    return nullptr;
  };
  auto conn = [&](const csta::call* c) {
    return csta::connection_id{c->id, device};
  };
  std::optional<csta::element> service;
  std::string done, missing;
  using ls = csta::local_state;
  if (verb == "call" && number) {
    service = csta::make_call(device, arg);
    done = "Calling " + arg + ".";
  } else if (verb == "answer") {
    if (auto* c = find({ls::alerting}))
      service = csta::answer_call(conn(c)), done = "Answered.";
    missing = "No call is ringing.";
  } else if (verb == "hangup") {
    if (auto* c = find(
            {ls::connected, ls::initiated, ls::failed, ls::held, ls::alerting}))
      service = csta::clear_connection(conn(c)), done = "Hung up.";
    missing = "No call to hang up.";
  } else if (verb == "hold") {
    if (auto* c = find({ls::connected}))
      service = csta::hold_call(conn(c)), done = "On hold.";
    missing = "No call to hold.";
  } else if (verb == "retrieve") {
    if (auto* c = find({ls::held}))
      service = csta::retrieve_call(conn(c)), done = "Retrieved.";
    missing = "No call on hold.";
  } else if (verb == "transfer" && number) {
    if (auto* c = find({ls::connected, ls::held}))
      service = csta::single_step_transfer(conn(c), arg),
      done = "Transferred to " + arg + ".";
    missing = "No call to transfer.";
  } else if (verb == "deflect" && number) {
    if (auto* c = find({ls::alerting}))
      service = csta::deflect_call(conn(c), arg),
      done = "Deflected to " + arg + ".";
    missing = "No call is ringing.";
  } else if (verb == "forward" && (number || arg == "off")) {
    service = csta::set_forwarding(device, "forwardImmediate", arg != "off",
                                   arg == "off" ? std::string{} : arg);
    done = arg == "off" ? "Forwarding off." : "Forwarded to " + arg + ".";
  } else if (verb == "dnd" && (arg == "on" || arg == "off")) {
    service = csta::set_do_not_disturb(device, arg == "on");
    done = arg == "on" ? "Do not disturb on." : "Do not disturb off.";
  } else {
    reply(ex, 400,
          "Commands for your desk phone: call NUMBER, answer, hangup, hold, "
          "retrieve, transfer NUMBER, deflect NUMBER, forward NUMBER|off, "
          "dnd on|off.");
    return;
  }
  if (!service) {
    reply(ex, 409, missing);
    return;
  }
  auto token = st.next_token++;
  csta::link_session::output out;
  if (!st.link->invoke(out, std::move(*service), token, now_ms())) {
    reply(ex, 503, "The PBX link is down.");
    return;
  }
  st.commands.emplace(token, std::make_pair(std::move(ex), done));
  apply(self, std::move(out));
}

mgcp_gateway_status status(pointer self) {
  auto& st = self->state;
  mgcp_gateway_status s;
  s.phase = std::string{csta::to_string(st.link->phase())};
  s.since_s = st.since_s;
  for (auto& [device, ext] : st.ext_of) {
    mgcp_line_status l;
    l.endpoint = device;
    l.extension = ext;
    if (auto* d = st.link->device(device)) {
      l.phase = std::string{csta::to_string(d->now())};
      l.off_hook = d->off_hook;
      l.lamp = d->lamp;
    } else {
      l.phase = "unknown";
    }
    s.lines.push_back(std::move(l));
  }
  return s;
}

caf::behavior link_impl(pointer self, csta_link_setup setup) {
  auto& st = self->state;
  st.s = std::move(setup);
  csta::link_config cfg;
  cfg.ed = csta::edition_of(st.s.record.encoding).value_or(csta::edition::ed4);
  cfg.start =
      csta::handshake_of(st.s.record.handshake).value_or(csta::handshake::none);
  st.link = std::make_unique<csta::link_session>(cfg);
  if (auto& c = st.s.clients; c && c->metrics) {
    auto& m = *c->metrics;
    st.configured = metrics::level_hold{
        m.make_level("ivm_pbx_links", "PBX links (CSTA) configured.")};
    m.make_level("ivm_pbx_links_up", "PBX links (CSTA) up.");
    st.events = &m.make_counter("ivm_csta_events_total",
                                "CSTA events received from PBXs.");
    st.shown = &m.make_counter("ivm_pbx_messages_shown_total",
                               "Messages shown on digital desk phones.");
  }
  for (auto& r : st.s.records) {
    st.ext_of[r.endpoint] = r.extension;
    st.link->add_device(r.endpoint, now_ms());
    phone_added(self, r);
  }
  st.since_s = unix_s();
  connect(self);
  self->set_down_handler([](caf::down_msg&) {});
  return {
      [self](atoms::start_atom, std::uint64_t gen) {
        if (gen != self->state.conn_gen)
          return;
        self->state.last_failure.clear();
        self->state.log->info("PBX {}: connected to {}",
                              self->state.s.record.name,
                              self->state.s.record.address);
        apply(self, self->state.link->connected(now_ms()));
      },
      [self](atoms::recv_atom, std::uint64_t gen, const std::string& bytes) {
        if (gen != self->state.conn_gen)
          return;
        apply(self, self->state.link->on_bytes(bytes, now_ms()));
      },
      [self](atoms::stop_atom, std::uint64_t gen, const std::string& why) {
        auto& st = self->state;
        if (gen != st.conn_gen)
          return;
        st.tcp.reset();
        ++st.conn_gen;
        bool was_up = st.link->phase() != csta::link_phase::down;
        if (was_up)
          st.log->warn("PBX {}: link lost ({})", st.s.record.name, why);
        else {
          st.link->connect_failed();
          // Said once per reason (a certificate refused, the port closed).
          if (why != st.last_failure)
            st.log->warn("PBX {}: cannot connect ({})", st.s.record.name, why);
          st.last_failure = why;
        }
        phones_down(self);
        auto out = st.link->disconnected();
        out.close = false;
        apply(self, std::move(out));
        for (auto& [device, ext] : st.ext_of)
          publish(self, device);
        self->delayed_send(self, st.link->reconnect_delay(),
                           atoms::retry_atom::value, st.conn_gen);
      },
      [self](atoms::seen_atom, std::uint64_t gen, const std::string& fp) {
        auto& st = self->state;
        if (gen != st.conn_gen || !st.s.record.fingerprint.empty())
          return;
        st.s.record.fingerprint = fp; // pinned from now on
        if (st.s.agent)
          self->send(st.s.agent, atoms::seen_atom::value, st.s.record.name, fp);
      },
      [self](atoms::retry_atom, std::uint64_t gen) {
        if (gen == self->state.conn_gen && !self->state.tcp)
          connect(self);
      },
      [self](atoms::timer_atom, std::uint64_t gen) {
        auto& st = self->state;
        if (gen != st.timer_gen)
          return;
        st.timer_at = millis::max();
        apply(self, st.link->on_tick(now_ms()));
      },
      [self](atoms::start_atom, const directory_actor& d) {
        self->state.s.directory = d;
        if (self->state.link->phase() == csta::link_phase::up)
          phones_up(self);
      },
      [self](caf::put_atom, const storage::records::station& r) {
        self->state.ext_of[r.endpoint] = r.extension;
        phone_added(self, r);
        apply(self, self->state.link->add_device(r.endpoint, now_ms()));
      },
      [self](atoms::deliver_atom, const std::string& device, std::uint64_t id,
             const storage::records::queued_message& m,
             const caf::actor& client) {
        phone_deliver(self, device, id, m, client);
      },
      [self](atoms::stop_atom, const std::string& device) {
        auto& st = self->state;
        apply(self, st.link->remove_device(device, now_ms()));
        publish(self, device); // its calls end for the watchers
        phone_removed(self, device);
        st.ext_of.erase(device);
        st.published.erase(device);
        st.lamp_wanted.erase(device);
      },
      [self](atoms::offer_atom, const std::string& device,
             const std::string& call, const std::string& action,
             const std::string& to) {
        phone_offer_answered(self, device, call, action, to);
      },
      [self](atoms::trunk_atom, const std::string& trunk) {
        self->state.s.record.trunk = trunk; // PATCH /api/v1/pbx/NAME
      },
      [self](atoms::mwi_atom, const std::string& device, bool on) {
        auto& st = self->state;
        st.lamp_wanted[device] = on;
        csta::link_session::output out;
        if (st.link->invoke(out, csta::set_message_waiting(device, on), 0,
                            now_ms()))
          apply(self, std::move(out));
      },
      [self](caf::get_atom) { return status(self); },
      [self](atoms::command_atom, const std::string& device,
             const std::string& text,
             http_exchange& ex) { command(self, device, text, std::move(ex)); },
  };
}

} // namespace csta_link

caf::actor spawn_csta_link(caf::actor_system& sys, csta_link_setup s) {
  return sys.spawn(csta_link::link_impl, std::move(s));
}

} // namespace ivm::actors
