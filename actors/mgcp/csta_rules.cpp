// A PBX call ringing at a user's desk phone (CSTA Delivered) meets the
// user's call-routing rules (issue 18, docs/call-routing.md), as a call
// through the box does: forward and deflect become DeflectCall to the
// destination, decline and "IM and terminate" ClearConnection of the
// ringing connection (the user gets the message); ring leaves it to the
// PBX. Voicemail and ask need the call's audio at the box: DeflectCall to
// the user's extension, which the PBX routes to the box over its SIP trunk
// (without a trunk the desk phone rings, logged). Offer: the desk phone
// rings on while the user's devices get the offer; their answer comes back
// here (AnswerCall, ClearConnection, or voicemail as above).

#include <algorithm>
#include <cstdio>

#include <caf/actor_cast.hpp>

#include "actors/mgcp/csta_link_state.hpp"
#include "appliance/csta/services.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/routing/rules.hpp"
#include "appliance/routing/zone_holder.hpp"
#include "storage/fwd.hpp"
#include "storage/store.hpp"

namespace ivm::actors::csta_link {

namespace {

constexpr auto storage_wait = std::chrono::seconds{5};

std::string clock_text(pointer self) {
  auto& c = self->state.s.clients;
  auto now = static_cast<std::int64_t>(directory::unix_now());
  auto lt = c && c->zone ? c->zone->get()->to_local(now)
                         : routing::time_zone{}.to_local(now);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", lt.hour % 100, lt.minute % 100);
  return buf;
}

// The call `call` still rings at `device`.
bool still_ringing(pointer self, const std::string& device,
                   const std::string& call) {
  auto* d = self->state.link->device(device);
  if (!d)
    return false;
  auto it = d->calls.find(call);
  return it != d->calls.end() &&
         it->second.state == csta::local_state::alerting;
}

void invoke(pointer self, csta::element service) {
  auto& st = self->state;
  csta::link_session::output out;
  if (st.link->invoke(out, std::move(service), st.next_token++, now_ms()))
    apply(self, std::move(out));
}

// The call to the box through the PBX's SIP trunk: to the user's
// extension, where the box's rules for SIP calls take it (voicemail, ask).
void to_the_box(pointer self, const std::string& device, const std::string& ext,
                const csta::connection_id& conn, const std::string& caller,
                const std::string& why) {
  auto& st = self->state;
  if (st.s.record.trunk.empty()) {
    st.log->info("PBX call from {} to {} ({}): {} needs the call at the box "
                 "and PBX {} has no SIP trunk: the desk phone rings",
                 caller, ext, device, why, st.s.record.name);
    return;
  }
  st.log->info("PBX call from {} to {} ({}): {}: to the box ({}) through "
               "the SIP trunk",
               caller, ext, device, why, ext);
  invoke(self, csta::deflect_call(conn, ext));
}

void carry_out(pointer self, const std::string& device, const std::string& ext,
               const csta::connection_id& conn, const std::string& caller,
               const routing::decision& d) {
  auto& st = self->state;
  if (!still_ringing(self, device, conn.call))
    return; // answered, or gone, while the rules were read
  auto rule =
      d.rule_name.empty() ? std::string{} : " (rule " + d.rule_name + ")";
  switch (d.act) {
    case routing::action::forward:
    case routing::action::deflect:
      st.log->info("PBX call from {} to {} ({}): rule {}{}: to {}", caller, ext,
                   device, d.rule + 1, rule, d.to);
      invoke(self, csta::deflect_call(conn, d.to));
      return;
    case routing::action::decline:
      st.log->info("PBX call from {} to {} ({}): declined{}", caller, ext,
                   device, rule);
      invoke(self, csta::clear_connection(conn));
      return;
    case routing::action::notify:
      invoke(self, csta::clear_connection(conn));
      self->send(st.s.directory, atoms::notify_atom::value, ext,
                 directory::make_notice(
                     ext, st.s.clients ? st.s.clients->domain : std::string{},
                     "Call from " + caller + " at " + clock_text(self) +
                         ": not put through" + rule + ".",
                     directory::unix_now()));
      return;
    case routing::action::voicemail:
    case routing::action::ask:
      to_the_box(self, device, ext, conn, caller,
                 std::string{routing::to_string(d.act)} + rule);
      return;
    case routing::action::offer: {
      pbx_offer o;
      o.link = caf::actor_cast<caf::actor>(self);
      o.device = device;
      o.call = conn.call;
      o.caller = caller;
      o.timeout_s = d.timeout_s;
      o.fallback = std::string{
          routing::to_string(d.fallback.value_or(routing::action::voicemail))};
      o.fallback_to = d.fallback_to;
      st.log->info("PBX call from {} to {} ({}): offered by IM{}", caller, ext,
                   device, rule);
      self->send(st.s.directory, atoms::offer_atom::value, ext, std::move(o));
      return;
    }
    case routing::action::ring:
      return;
  }
}

} // namespace

void phone_offer_answered(pointer self, const std::string& device,
                          const std::string& call, const std::string& action,
                          const std::string& to) {
  auto& st = self->state;
  auto owner = st.ext_of.find(device);
  if (owner == st.ext_of.end() || !still_ringing(self, device, call))
    return; // answered at the phone, or gone, meanwhile
  csta::connection_id conn{call, device};
  if (action == "answer") {
    st.log->info("PBX call to {} ({}): answered from IM", owner->second,
                 device);
    invoke(self, csta::answer_call(conn));
    return;
  }
  routing::decision d;
  auto act = routing::action_of(action);
  d.act = act ? *act : routing::action::ring;
  d.to = to;
  // The caller as the rules named them (see phone_delivered).
  std::string caller = "?";
  if (auto* dev = st.link->device(device))
    if (auto c = dev->calls.find(call);
        c != dev->calls.end() && !c->second.other.empty()) {
      auto by = st.ext_of.find(c->second.other);
      caller = by != st.ext_of.end() ? by->second : c->second.other;
    }
  carry_out(self, device, owner->second, conn, caller, d);
}

void phone_delivered(pointer self, const std::string& device,
                     const csta::event& e) {
  auto& st = self->state;
  auto owner = st.ext_of.find(device);
  if (owner == st.ext_of.end() || !st.s.clients || !st.s.clients->storage ||
      e.connection.call.empty() ||
      (!e.subject.empty() && e.subject != device) || e.calling == device ||
      !still_ringing(self, device, e.connection.call))
    return;
  auto ext = owner->second;
  // The caller as the rules name them: a box user's extension when the
  // calling phone is one's desk phone, else the PBX's number.
  auto by = st.ext_of.find(e.calling);
  auto caller = by != st.ext_of.end() ? by->second : e.calling;
  csta::connection_id conn{e.connection.call, device};
  // What the PBX knows of the phone stands for the user's presence: do not
  // disturb, another call, else available.
  auto* d = st.link->device(device);
  std::string presence = "available";
  if (d && d->do_not_disturb)
    presence = "dnd";
  else if (d && std::any_of(d->calls.begin(), d->calls.end(), [&](auto& c) {
             return c.first != conn.call &&
                    c.second.state != csta::local_state::alerting;
           }))
    presence = "on-the-phone";
  auto storage = st.s.clients->storage;
  self->request(storage, storage_wait, caf::get_atom::value,
                storage::family::meta, routing::rules_key(ext))
      .then(
          [self, storage, device, ext, conn, caller,
           presence](const optional_string& rules_text) {
            if (!rules_text)
              return; // no rules: the desk phone rings
            auto rules = routing::parse_rules(*rules_text);
            if (!rules || rules->empty())
              return;
            self->request(storage, storage_wait, caf::get_atom::value,
                          storage::family::meta, routing::profile_key(ext))
                .then(
                    [self, device, ext, conn, caller, presence,
                     rules = *rules](const optional_string& p) {
                      auto& st = self->state;
                      routing::call_facts facts{caller, false, presence};
                      auto& c = st.s.clients;
                      auto now =
                          static_cast<std::int64_t>(directory::unix_now());
                      auto d = routing::decide(
                          rules, routing::decode_profile(p ? *p : ""), facts,
                          now,
                          c && c->zone ? *c->zone->get()
                                       : routing::time_zone{});
                      carry_out(self, device, ext, conn, caller, d);
                    },
                    [](const caf::error&) {});
          },
          [](const caf::error&) {});
}

} // namespace ivm::actors::csta_link
