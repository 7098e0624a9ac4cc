#include "appliance/csta/link.hpp"

#include <algorithm>

namespace ivm::csta {

namespace {

constexpr millis max_backoff{60000};

element reset_session_timer(const std::string& session, int duration_s) {
  element r{"ResetApplicationSessionTimer", {}, {}, {}};
  r.add("sessionID", session);
  r.add("requestedSessionDuration", std::to_string(duration_s));
  return r;
}

} // namespace

std::optional<handshake> handshake_of(std::string_view name) {
  if (name == "none")
    return handshake::none;
  if (name == "system-register")
    return handshake::system_register;
  if (name == "application-session")
    return handshake::application_session;
  return std::nullopt;
}

std::string_view to_string(link_phase p) {
  switch (p) {
    case link_phase::down:
      return "down";
    case link_phase::starting:
      return "starting";
    case link_phase::up:
      return "up";
  }
  return "down";
}

void link_session::send(output& out, const element& e, purpose what,
                        const std::string& device, std::uint64_t token,
                        millis now) {
  auto id = ids_.next();
  // An id still pending after 9,998 requests: that request is long dead.
  requests_.erase(id);
  auto f = encode_frame(id, write(e, cfg_.ed));
  if (!f)
    return;
  out.frames.push_back(std::move(*f));
  requests_[id] = request{what, device, token, now + cfg_.response_timeout};
}

void link_session::reply(output& out, std::uint16_t invoke_id,
                         const element& e) {
  if (auto f = encode_frame(invoke_id, write(e, cfg_.ed)))
    out.frames.push_back(std::move(*f));
}

void link_session::fail(output& out, const std::string& why) {
  out.notices.push_back(why);
  out.close = true;
  backoff_ = std::min(backoff_ * 2, max_backoff);
  auto o = disconnected();
  out.phase_changed = out.phase_changed || o.phase_changed;
  for (auto& a : o.answers)
    out.answers.push_back(std::move(a));
}

link_session::output link_session::connected(millis now) {
  output out;
  reader_ = frame_reader{cfg_.max_frame};
  requests_.clear();
  monitors_.clear();
  phase_ = link_phase::starting;
  out.phase_changed = true;
  switch (cfg_.start) {
    case handshake::application_session:
      send(out,
           start_application_session(cfg_.application, cfg_.ed,
                                     cfg_.session_duration_s),
           purpose::handshake, {}, 0, now);
      break;
    case handshake::system_register:
      send(out, system_register(), purpose::handshake, {}, 0, now);
      break;
    case handshake::none:
      go_up(out, now);
      break;
  }
  return out;
}

void link_session::connect_failed() {
  backoff_ = std::min(backoff_ * 2, max_backoff);
}

link_session::output link_session::disconnected() {
  output out;
  // The owner's requests in flight are answered: the link went down.
  for (auto& [id, r] : requests_)
    if (r.what == purpose::owner) {
      answer a;
      a.token = r.token;
      a.r.error = {"link", "down"};
      out.answers.push_back(std::move(a));
    }
  requests_.clear();
  monitors_.clear();
  session_.clear();
  // What the devices do is unknown until the snapshots after reconnecting.
  for (auto& [number, d] : devices_)
    d.calls.clear();
  if (phase_ != link_phase::down) {
    phase_ = link_phase::down;
    out.phase_changed = true;
  }
  return out;
}

void link_session::go_up(output& out, millis now) {
  phase_ = link_phase::up;
  out.phase_changed = true;
  backoff_ = millis{1000};
  next_heartbeat_ = now + cfg_.heartbeat;
  next_session_timer_ = session_.empty()
                            ? millis::max()
                            : now + millis{cfg_.session_duration_s * 1000L / 2};
  for (auto& [number, d] : devices_)
    monitor(out, number, now);
}

void link_session::monitor(output& out, const std::string& device, millis now) {
  send(out, monitor_start(device), purpose::monitor, device, 0, now);
}

link_session::output link_session::add_device(const std::string& device,
                                              millis now) {
  output out;
  if (devices_.count(device))
    return out;
  devices_[device].device = device;
  if (phase_ == link_phase::up)
    monitor(out, device, now);
  return out;
}

link_session::output link_session::remove_device(const std::string& device,
                                                 millis now) {
  output out;
  devices_.erase(device);
  for (auto it = monitors_.begin(); it != monitors_.end();)
    if (it->second == device) {
      if (phase_ == link_phase::up)
        send(out, monitor_stop(it->first), purpose::stop, device, 0, now);
      it = monitors_.erase(it);
    } else {
      ++it;
    }
  return out;
}

bool link_session::invoke(output& out, element service, std::uint64_t token,
                          millis now) {
  if (phase_ != link_phase::up)
    return false;
  send(out, service, purpose::owner, {}, token, now);
  return true;
}

const device_model* link_session::device(const std::string& number) const {
  auto it = devices_.find(number);
  return it == devices_.end() ? nullptr : &it->second;
}

link_session::output link_session::on_bytes(std::string_view bytes,
                                            millis now) {
  output out;
  if (phase_ == link_phase::down)
    return out;
  reader_.feed(bytes);
  frame f;
  for (;;) {
    auto s = reader_.next(f);
    if (s == frame_reader::status::more)
      break;
    if (s == frame_reader::status::error) {
      fail(out, "broken frame from the PBX: " + reader_.why());
      break;
    }
    on_frame(out, f, now);
    if (out.close)
      break;
  }
  return out;
}

void link_session::on_frame(output& out, const frame& f, millis now) {
  auto doc = parse(f.xml, cfg_.max_frame);
  if (!doc) {
    // The framing holds: the document alone is lost.
    out.notices.push_back("unreadable CSTA document (invoke id " +
                          std::to_string(f.invoke_id) + "): " + doc.error());
    if (auto r = requests_.find(f.invoke_id);
        r != requests_.end() && f.invoke_id != event_invoke_id)
      r->second.deadline = now; // answered, unreadably: fails at the tick
    return;
  }
  auto& root = doc->root;
  if (is_event(root)) {
    auto e = decode_event(root);
    if (!e)
      return; // unknown events are ignored
    auto m = monitors_.find(e->monitor);
    if (m == monitors_.end())
      return; // not (or no longer) ours
    auto d = devices_.find(m->second);
    if (d == devices_.end())
      return;
    bool changed = apply(d->second, *e);
    out.events.push_back({m->second, std::move(*e), changed});
    return;
  }
  if (root.name == "SystemStatus") {
    reply(out, f.invoke_id, system_status_response());
    return;
  }
  if (is_response(root) || root.name == "StartApplicationSessionPosResponse")
    on_response(out, f.invoke_id, root, now);
}

void link_session::on_response(output& out, std::uint16_t id,
                               const element& root, millis now) {
  auto it = requests_.find(id);
  if (it == requests_.end())
    return; // late or never asked
  auto req = std::move(it->second);
  requests_.erase(it);
  auto r = decode_response(root);
  switch (req.what) {
    case purpose::handshake:
      if (r.error) {
        fail(out, "the PBX refused the session: " + r.error->first + " " +
                      r.error->second);
        return;
      }
      session_ = r.session;
      if (r.session_duration_s > 0)
        cfg_.session_duration_s = r.session_duration_s;
      go_up(out, now);
      return;
    case purpose::monitor: {
      if (r.error || r.monitor.empty()) {
        out.notices.push_back(
            "the PBX refused to monitor " + req.device +
            (r.error ? ": " + r.error->first + " " + r.error->second : ""));
        return;
      }
      if (!devices_.count(req.device)) { // removed meanwhile
        send(out, monitor_stop(r.monitor), purpose::stop, req.device, 0, now);
        return;
      }
      monitors_[r.monitor] = req.device;
      send(out, snapshot_device(req.device), purpose::snapshot, req.device, 0,
           now);
      return;
    }
    case purpose::snapshot: {
      auto d = devices_.find(req.device);
      if (d == devices_.end())
        return;
      if (!r.error)
        apply_snapshot(d->second, r);
      out.synced.push_back(req.device);
      return;
    }
    case purpose::owner:
      out.answers.push_back({req.token, std::move(r)});
      return;
    case purpose::stop:
    case purpose::heartbeat:
    case purpose::session_timer:
      return;
  }
}

link_session::output link_session::on_tick(millis now) {
  output out;
  if (phase_ == link_phase::down)
    return out;
  for (auto& [id, r] : requests_)
    if (now >= r.deadline) {
      if (r.what == purpose::owner || r.what == purpose::stop) {
        continue; // answered below, the link stays
      }
      fail(out,
           "the PBX stopped answering (invoke id " + std::to_string(id) + ")");
      return out;
    }
  for (auto it = requests_.begin(); it != requests_.end();) {
    if (now >= it->second.deadline) {
      if (it->second.what == purpose::owner) {
        answer a;
        a.token = it->second.token;
        a.r.error = {"link", "timeout"};
        out.answers.push_back(std::move(a));
      }
      it = requests_.erase(it);
    } else {
      ++it;
    }
  }
  if (phase_ != link_phase::up)
    return out;
  if (now >= next_heartbeat_) {
    send(out, system_status(), purpose::heartbeat, {}, 0, now);
    next_heartbeat_ = now + cfg_.heartbeat;
  }
  if (now >= next_session_timer_) {
    send(out, reset_session_timer(session_, cfg_.session_duration_s),
         purpose::session_timer, {}, 0, now);
    next_session_timer_ = now + millis{cfg_.session_duration_s * 1000L / 2};
  }
  return out;
}

millis link_session::next_tick() const {
  if (phase_ == link_phase::down)
    return millis::max();
  auto next = millis::max();
  for (auto& [id, r] : requests_)
    next = std::min(next, r.deadline);
  if (phase_ == link_phase::up)
    next = std::min({next, next_heartbeat_, next_session_timer_});
  return next;
}

} // namespace ivm::csta
