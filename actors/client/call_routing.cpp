// A call for this user, decided by their call-routing rules (issue 18,
// docs/call-routing.md): ring their devices, offer the call by IM first,
// forward, deflect, voicemail, tell them and end it, or decline. The rules
// and profile are read from storage for each call (a user without rules is
// remembered as such until the directory says they changed).

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include <caf/send.hpp>

#include "actors/client/client_state.hpp"
#include "actors/voice/voice_actor.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/routing/rules.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/uri.hpp"

namespace ivm::actors::client {

void tell_user(pointer self, const std::string& text) {
  auto& st = self->state;
  caf::anon_send(st.cfg->directory, atoms::notify_atom::value,
                 st.user.extension,
                 directory::make_notice(st.user.extension, st.cfg->domain, text,
                                        directory::unix_now()));
}

std::string who(const std::string& number, const std::string& name) {
  return name == number || name.empty() ? number : name + " (" + number + ")";
}

std::string clock_text(const client_state& st) {
  auto lt = st.cfg->zone->get()->to_local(
      static_cast<std::int64_t>(directory::unix_now()));
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", lt.hour % 100, lt.minute % 100);
  return buf;
}

namespace {

constexpr auto storage_wait = std::chrono::seconds{5};

// Who calls: the user's extension, else the number in the From header, and
// the name to show.
std::pair<std::string, std::string> caller_of(const sip_task& t,
                                              const std::string& caller) {
  if (!caller.empty()) // a user of the box: the name the directory has
    return {caller, t.caller_name.empty() ? caller : t.caller_name};
  auto from = sip::parse_name_addr(t.in.msg.value_of("From"));
  std::string name = from ? from->display_name : std::string{};
  std::string number = from ? sip::unescape(from->uri.user) : std::string{};
  return {number, name.empty() ? number : name};
}

std::string presence_word(pointer self) {
  auto s = status_for(self, self->state.user.extension);
  return s == "on the phone" ? std::string{"on-the-phone"} : s;
}

// Voicemail (the caller leaves a message), or with `ask` the spoken menu
// first (talk, voice message, fax: the rule's `timeout_s` is how long the
// user's devices ring when the caller chose to talk).
void start_voicemail(pointer self, sip_task& t, const std::string& caller,
                     const std::string& caller_name,
                     const routing::decision* ask = nullptr) {
  auto& st = self->state;
  auto voice = caf::actor_cast<caf::actor>(st.cfg->voice);
  if (!voice) {
    answer(self, t, 480, "Temporarily Unavailable");
    return;
  }
  voice_call call;
  call.invite = t;
  call.user = caller;
  call.user_name = caller_name;
  call.recipients = {st.user.extension};
  call.directory = st.cfg->directory;
  if (ask) {
    call.ask = true;
    call.callee_name =
        st.user.display_name.empty() ? st.user.extension : st.user.display_name;
    call.ring_s = ask->timeout_s;
    bool dnd = st.book_ && st.book_->status() == presence::user_status::dnd;
    if (auto targets = device_targets(st); !targets.empty() && !dnd)
      call.live.emplace_back(st.user.extension, std::move(targets));
  }
  // The profile says whether the recording is also mailed: always
  // ("email") or while the user is offline ("im-then-email").
  bool offline = presence_word(self) == "offline";
  ++st.io;
  self->request(st.cfg->storage, storage_wait, caf::get_atom::value,
                storage::family::meta, routing::profile_key(st.user.extension))
      .then(
          [self, voice, call, offline](const optional_string& text) mutable {
            --self->state.io;
            if (text) {
              auto p = routing::decode_profile(*text);
              if (!p.email.empty() &&
                  (p.delivery == "email" ||
                   (p.delivery == "im-then-email" && offline)))
                call.mail.emplace_back(call.recipients.front(), p.email);
            }
            caf::anon_send(voice, atoms::start_atom::value, std::move(call));
          },
          [self, voice, call](const caf::error&) mutable {
            --self->state.io;
            caf::anon_send(voice, atoms::start_atom::value, std::move(call));
          });
}

void carry_out(pointer self, sip_task& t, const std::string& caller,
               const routing::decision& d);

// Runs `then` if the call `t` still waits for its answer: a caller who hung
// up while the offer was out (CANCEL, answered 487 by the router) gets no
// voicemail session and no forward.
template <class Then>
void if_waiting(pointer self, const sip_task& t, Then then) {
  ++self->state.io;
  self->request(t.router, storage_wait, atoms::seen_atom::value, t.key)
      .then(
          [self, then](bool waiting) mutable {
            --self->state.io;
            if (waiting)
              then();
          },
          [self](const caf::error&) { --self->state.io; });
}

void offer_timeout(pointer self, std::uint64_t token) {
  auto& st = self->state;
  if (!st.offer_ || st.offer_->token != token)
    return;
  auto offer = std::move(*st.offer_);
  st.offer_.reset();
  tell_user(self, "Missed call from " + who(offer.caller, offer.caller_name) +
                      " at " + clock_text(st) + ".");
  offer.settle(0, {});
}

// Offer through IM: the caller hears ringing while the user's devices get
// the offer; their reply (1, 2, 3) or the timeout decides. A caller who hung
// up meanwhile (CANCEL) is left alone.
void offer(pointer self, sip_task& t, const std::string& caller,
           const routing::decision& d) {
  auto& st = self->state;
  auto [number, name] = caller_of(t, caller);
  call_offer o;
  o.caller = caller.empty() ? number : caller;
  o.caller_name = name;
  o.d = d;
  o.settle = [self, t, caller, d, ext = st.user.extension](
                 int choice, std::vector<proxy_target> devices) {
    if_waiting(self, t, [self, t, caller, d, ext, choice, devices]() mutable {
      auto [number, name] = caller_of(t, caller);
      if (choice == 0) {
        carry_out(self, t, caller, fallback_of(d));
      } else if (choice == 2) {
        answer(self, t, 603, "Decline");
      } else if (choice == 3) {
        start_voicemail(self, t, caller.empty() ? number : caller, name);
      } else {
        proxy_plan plan;
        plan.callee = ext;
        plan.targets = std::move(devices);
        self->send(t.router, atoms::proxy_atom::value, t.key, std::move(plan));
      }
    });
  };
  if (open_offer(self, std::move(o),
                 "Call from " + who(number, name) +
                     " - reply 1 to take it, 2 to decline, 3 to send to "
                     "voicemail"))
    answer(self, t, 180, "Ringing");
}

void carry_out(pointer self, sip_task& t, const std::string& caller,
               const routing::decision& d) {
  auto& st = self->state;
  auto [number, name] = caller_of(t, caller);
  switch (d.act) {
    case routing::action::ring:
      ring_devices(self, t, caller);
      return;
    case routing::action::ask:
      start_voicemail(self, t, number, name, &d);
      return;
    case routing::action::decline:
      answer(self, t, 486, "Busy Here");
      return;
    case routing::action::deflect:
      answer(self, t, 302, "Moved Temporarily",
             {{"Contact", "<sip:" + d.to + "@" + st.cfg->domain + ">"}});
      return;
    case routing::action::forward:
      self->send(st.cfg->directory, atoms::proxy_atom::value, t, caller, d.to);
      return;
    case routing::action::voicemail:
      start_voicemail(self, t, number, name);
      return;
    case routing::action::notify:
      tell_user(self,
                "Call from " + who(number, name) + " at " + clock_text(st) +
                    ": not put through" +
                    (d.rule_name.empty() ? std::string{}
                                         : " (rule " + d.rule_name + ")") +
                    ".");
      answer(self, t, 480, "Temporarily Unavailable");
      return;
    case routing::action::offer:
      offer(self, t, caller, d);
      return;
  }
}

// The user's rules for a call from `number`, or nullopt (no rules: ring).
std::optional<routing::decision> decide(pointer self, const std::string& number,
                                        const std::string& rules_text,
                                        const std::string& profile_text) {
  auto& st = self->state;
  auto rules = routing::parse_rules(rules_text);
  if (!rules || rules->empty())
    return std::nullopt;
  auto profile = routing::decode_profile(profile_text);
  routing::call_facts facts;
  facts.caller = number;
  if (st.book_) {
    auto contacts = st.book_->contacts();
    facts.caller_is_contact =
        std::find(contacts.begin(), contacts.end(), number) != contacts.end();
  }
  facts.presence = presence_word(self);
  auto d = routing::decide(*rules, profile, facts,
                           static_cast<std::int64_t>(directory::unix_now()),
                           *st.cfg->zone->get());
  if (d.rule >= 0)
    st.log->info("call from {} to {}: rule {} '{}': {}", number,
                 st.user.extension, d.rule + 1, d.rule_name,
                 routing::to_string(d.act));
  return d;
}

} // namespace

void with_decision(pointer self, const std::string& number,
                   std::function<void(std::optional<routing::decision>)> then) {
  auto& st = self->state;
  if (st.no_rules) {
    then(std::nullopt);
    return;
  }
  auto storage = st.cfg->storage;
  auto ext = st.user.extension;
  ++st.io;
  self->request(storage, storage_wait, caf::get_atom::value,
                storage::family::meta, routing::rules_key(ext))
      .then(
          [self, number, then, storage, ext](const optional_string& rules) {
            if (!rules) {
              --self->state.io;
              self->state.no_rules = true;
              then(std::nullopt);
              return;
            }
            self->request(storage, storage_wait, caf::get_atom::value,
                          storage::family::meta, routing::profile_key(ext))
                .then(
                    [self, number, then,
                     text = *rules](const optional_string& profile) {
                      --self->state.io;
                      then(decide(self, number, text, profile ? *profile : ""));
                    },
                    [self, number, then, text = *rules](const caf::error&) {
                      --self->state.io;
                      then(decide(self, number, text, ""));
                    });
          },
          [self, then](const caf::error&) {
            --self->state.io; // rules unreadable: the call still rings
            then(std::nullopt);
          });
}

void on_call(pointer self, sip_task& t, const std::string& caller) {
  auto number = caller_of(t, caller).first;
  with_decision(self, number,
                [self, t, caller](std::optional<routing::decision> d) mutable {
                  if (d)
                    carry_out(self, t, caller, *d);
                  else
                    ring_devices(self, t, caller);
                });
}

void watch_call(pointer self, const sip::proxy::dialog_view& v) {
  using sip::proxy::dialog_state;
  auto& st = self->state;
  if (v.direction != sip::proxy::dialog_direction::recipient)
    return;
  if (!st.calls_)
    st.calls_ = std::make_unique<std::map<std::string, call_watch>>();
  auto& calls = *st.calls_;
  auto it = calls.find(v.call_id);
  if (it == calls.end()) {
    if (v.state == dialog_state::terminated || calls.size() >= 64)
      return;
    it = calls.emplace(v.call_id, call_watch{}).first;
    auto uri = sip::parse_uri(v.peer_uri);
    auto number = uri ? sip::unescape(uri->user) : v.peer_uri;
    it->second.peer = who(number, v.peer_display);
  }
  auto& w = it->second;
  auto& open = w.open;
  // A dialog with the callee's tag takes the place of the untagged one.
  if (!v.id.empty() && v.id.back() != '-')
    open.erase(std::remove_if(open.begin(), open.end(),
                              [](auto& id) { return id.back() == '-'; }),
               open.end());
  auto pos = std::find(open.begin(), open.end(), v.id);
  if (v.state == dialog_state::confirmed)
    w.answered = true;
  if (v.state == dialog_state::terminated) {
    if (pos != open.end())
      open.erase(pos);
  } else if (pos == open.end() && !v.id.empty()) {
    open.push_back(v.id);
  }
  if (!open.empty())
    return;
  if (!w.answered && v.state == dialog_state::terminated)
    tell_user(self,
              "Missed call from " + w.peer + " at " + clock_text(st) + ".");
  calls.erase(it);
  if (calls.empty())
    st.calls_.reset();
}

void on_offer_timer(pointer self, std::uint64_t token) {
  offer_timeout(self, token);
}

std::optional<std::string> answer_offer(pointer self, const std::string& text,
                                        const sip_task* from) {
  auto& st = self->state;
  if (!st.offer_)
    return std::nullopt;
  std::string word;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c)))
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  int choice = word == "1" || word == "take" || word == "accept"  ? 1
               : word == "2" || word == "decline" || word == "no" ? 2
               : word == "3" || word == "voicemail"               ? 3
                                                                  : 0;
  if (choice == 0)
    return std::nullopt;
  auto offer = std::move(*st.offer_);
  st.offer_.reset();
  // Put through to the device the answer came from, else to all of them.
  std::vector<proxy_target> devices;
  auto all = device_targets(st);
  if (from)
    for (auto& target : all)
      if (target.dest == from->in.flow.remote) {
        devices.push_back(target);
        break;
      }
  if (devices.empty())
    devices = std::move(all);
  if (choice == 1 && devices.empty() && offer.to_devices)
    choice = 3; // no phone of theirs online to put it through to
  offer.settle(choice, std::move(devices));
  return choice == 1   ? offer.taking
         : choice == 2 ? "Declined."
                       : "Sent to voicemail.";
}

routing::decision fallback_of(const routing::decision& d) {
  routing::decision next;
  next.act = d.fallback.value_or(routing::action::voicemail);
  next.to = d.fallback_to;
  return next;
}

bool open_offer(pointer self, call_offer offer, const std::string& text) {
  auto& st = self->state;
  if (st.offer_ || (online_devices(st) == 0 && st.stations.empty())) {
    offer.settle(0, {}); // one offer at a time; nobody online to see it
    return false;
  }
  offer.token = st.next_token++;
  offer.since = directory::unix_now();
  auto token = offer.token;
  auto timeout = std::chrono::seconds{offer.d.timeout_s};
  st.offer_ = std::make_unique<call_offer>(std::move(offer));
  tell_user(self, text);
  self->delayed_send(self, timeout, atoms::offer_atom::value, token);
  return true;
}

std::string offer_json(const client_state& st) {
  if (!st.offer_)
    return "null";
  const auto& o = *st.offer_;
  using json = nlohmann::json;
  auto choice = [](const char* c, const char* key, const char* label) {
    return json{{"choice", c}, {"key", key}, {"label", label}};
  };
  return json{
      {"caller", o.caller},
      {"caller_name", o.caller_name},
      {"text", "Call from " + who(o.caller, o.caller_name)},
      {"since", directory::iso8601(o.since)},
      {"timeout_s", o.d.timeout_s},
      {"choices", json::array({choice("take", "1", "Take the call"),
                               choice("decline", "2", "Decline"),
                               choice("voicemail", "3", "Send to voicemail")})}}
      .dump();
}

} // namespace ivm::actors::client
