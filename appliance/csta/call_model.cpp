#include "appliance/csta/call_model.hpp"

#include <optional>
#include <tuple>

namespace ivm::csta {

namespace {

std::optional<local_state> state_of(std::string_view s) {
  if (s == "initiated")
    return local_state::initiated;
  if (s == "alerting")
    return local_state::alerting;
  if (s == "connected")
    return local_state::connected;
  if (s == "hold" || s == "held")
    return local_state::held;
  if (s == "queued")
    return local_state::queued;
  if (s == "fail")
    return local_state::failed;
  return std::nullopt; // "null" and anything unknown: no connection
}

bool is_me(const device_model& d, std::string_view device) {
  return !device.empty() && dial_number(device) == d.device;
}

// What watchers see: the activity, each call's state (a dialog each),
// do-not-disturb and forwarding.
auto seen(const device_model& d) {
  std::vector<std::pair<std::string, local_state>> calls;
  for (auto& [id, c] : d.calls)
    calls.emplace_back(id, c.state);
  return std::make_tuple(d.now(), std::move(calls), d.do_not_disturb,
                         d.forwarding, d.forward_to);
}

// The event's own view of our connection, where its localConnectionInfo
// says nothing.
void set_state(device_model& d, const event& e, local_state fallback) {
  auto& c = d.calls[e.connection.call];
  c.id = e.connection.call;
  auto s = state_of(e.local_state);
  if (!s && !e.local_state.empty()) { // "null": we are out of it
    d.calls.erase(e.connection.call);
    return;
  }
  c.state = s.value_or(fallback);
}

void call_event(device_model& d, const event& e) {
  auto& id = e.connection.call;
  if (id.empty())
    return;
  switch (e.kind) {
    case event_kind::service_initiated:
      set_state(d, e, local_state::initiated);
      break;
    case event_kind::originated:
      set_state(d, e, local_state::connected);
      if (d.calls.count(id))
        d.calls[id].other = dial_number(e.called);
      break;
    case event_kind::delivered: {
      bool ringing_here = is_me(d, e.subject) || is_me(d, e.connection.device);
      if (ringing_here && !is_me(d, e.calling)) {
        set_state(d, e, local_state::alerting);
        if (d.calls.count(id)) {
          d.calls[id].incoming = true;
          d.calls[id].other = dial_number(e.calling);
        }
      } else {
        // Our call rings at the far end: we are connected to it.
        auto& c = d.calls[id];
        c.id = id;
        c.state = state_of(e.local_state).value_or(local_state::connected);
        c.other = dial_number(e.called);
      }
      break;
    }
    case event_kind::established: {
      auto& c = d.calls[id];
      c.id = id;
      c.state = state_of(e.local_state).value_or(local_state::connected);
      if (c.other.empty())
        c.other = dial_number(is_me(d, e.calling) ? e.subject : e.calling);
      break;
    }
    case event_kind::connection_cleared:
      // Our connection dropped, or our state is null: the call is gone for
      // us; the far end leaving a two-party call clears ours too.
      if (is_me(d, e.connection.device) || e.local_state == "null" ||
          e.local_state.empty())
        d.calls.erase(id);
      else if (auto s = state_of(e.local_state); s && d.calls.count(id))
        d.calls[id].state = *s;
      break;
    case event_kind::held:
      if (is_me(d, e.subject) || is_me(d, e.connection.device))
        set_state(d, e, local_state::held);
      break;
    case event_kind::retrieved:
      if (is_me(d, e.subject) || is_me(d, e.connection.device))
        set_state(d, e, local_state::connected);
      break;
    case event_kind::diverted:
      if (is_me(d, e.new_destination)) {
        set_state(d, e, local_state::alerting);
        if (d.calls.count(id))
          d.calls[id].incoming = true;
      } else {
        d.calls.erase(id); // went elsewhere
      }
      break;
    case event_kind::failed:
      set_state(d, e, local_state::failed);
      break;
    default:
      break;
  }
}

// Transfered, Conferenced: the old calls end in the new one.
void merge_event(device_model& d, const event& e) {
  std::string other;
  for (auto& old : {e.primary_old_call, e.secondary_old_call}) {
    if (auto it = d.calls.find(old); it != d.calls.end()) {
      if (other.empty())
        other = it->second.other;
      d.calls.erase(it);
    }
  }
  for (auto& nc : e.new_connections)
    if (is_me(d, nc.device) && !nc.call.empty()) {
      auto s = state_of(e.local_state);
      if (!s && !e.local_state.empty())
        continue;
      auto& c = d.calls[nc.call];
      c.id = nc.call;
      c.state = s.value_or(local_state::connected);
      c.other = !e.new_destination.empty() && !is_me(d, e.new_destination)
                    ? dial_number(e.new_destination)
                    : other;
    }
}

} // namespace

std::string_view to_string(activity a) {
  switch (a) {
    case activity::idle:
      return "idle";
    case activity::ringing:
      return "ringing";
    case activity::on_the_phone:
      return "on-the-phone";
    case activity::on_hold:
      return "on-hold";
  }
  return "idle";
}

const call* device_model::current() const {
  const call* best = nullptr;
  auto rank = [](local_state s) {
    switch (s) {
      case local_state::connected:
        return 4;
      case local_state::initiated:
        return 3;
      case local_state::alerting:
        return 2;
      case local_state::held:
        return 1;
      default:
        return 0;
    }
  };
  for (auto& [id, c] : calls)
    if (!best || rank(c.state) > rank(best->state))
      best = &c;
  return best;
}

activity device_model::now() const {
  bool ringing = false, held = false;
  for (auto& [id, c] : calls) {
    switch (c.state) {
      case local_state::connected:
      case local_state::initiated:
      case local_state::failed:
      case local_state::queued:
        return activity::on_the_phone;
      case local_state::alerting:
        ringing = true;
        break;
      case local_state::held:
        held = true;
        break;
    }
  }
  if (held)
    return activity::on_hold;
  if (ringing)
    return activity::ringing;
  return off_hook ? activity::on_the_phone : activity::idle;
}

bool apply(device_model& d, const event& e) {
  auto before = seen(d);
  switch (e.kind) {
    case event_kind::transferred:
    case event_kind::conferenced:
      merge_event(d, e);
      break;
    case event_kind::do_not_disturb:
      if (e.on)
        d.do_not_disturb = *e.on;
      break;
    case event_kind::forwarding:
      if (e.on) {
        d.forwarding = *e.on;
        d.forward_to = *e.on ? dial_number(e.forward_to) : std::string{};
      }
      break;
    case event_kind::hookswitch:
      if (e.on)
        d.off_hook = !*e.on;
      break;
    case event_kind::message_waiting:
      if (e.on)
        d.lamp = *e.on;
      break;
    default:
      call_event(d, e);
      break;
  }
  return seen(d) != before;
}

bool apply_snapshot(device_model& d, const response& snapshot) {
  auto before = seen(d);
  std::map<std::string, call> calls;
  for (auto& [conn, state] : snapshot.snapshot) {
    auto s = state_of(state);
    if (!s || conn.call.empty())
      continue;
    auto& c = calls[conn.call];
    c.id = conn.call;
    c.state = *s;
    if (auto old = d.calls.find(conn.call); old != d.calls.end()) {
      c.incoming = old->second.incoming;
      c.other = old->second.other;
    }
  }
  d.calls = std::move(calls);
  return seen(d) != before;
}

} // namespace ivm::csta
