#include "actors/client/presence_book.hpp"

#include <algorithm>

#include "appliance/presence/dialog_info.hpp"
#include "appliance/presence/pidf.hpp"
#include "appliance/presence/watcherinfo.hpp"
#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/response.hpp"
#include "storage/codec.hpp"

namespace ivm::actors {

namespace records = storage::records;
using sip::events::sub_effects;
using sip::events::sub_event;
using sip::events::sub_input;
using sip::events::sub_state;
using sip::events::term_reason;

namespace {

std::string uri_of(const std::string& name_addr) {
  auto na = sip::parse_name_addr(name_addr);
  return na ? na->uri_text : name_addr;
}

presence::dialog to_info(const sip::proxy::dialog_view& v) {
  presence::dialog d;
  d.id = v.id;
  d.call_id = v.call_id;
  d.local_tag = v.local_tag;
  d.remote_tag = v.remote_tag;
  d.direction = v.direction == sip::proxy::dialog_direction::initiator
                    ? presence::dialog_direction::initiator
                    : presence::dialog_direction::recipient;
  switch (v.state) {
    case sip::proxy::dialog_state::trying:
      d.state = presence::dialog_state::trying;
      break;
    case sip::proxy::dialog_state::early:
      d.state = presence::dialog_state::early;
      break;
    case sip::proxy::dialog_state::confirmed:
      d.state = presence::dialog_state::confirmed;
      break;
    case sip::proxy::dialog_state::terminated:
      d.state = presence::dialog_state::terminated;
      break;
  }
  d.remote_identity = v.peer_uri;
  d.remote_display = v.peer_display;
  return d;
}

} // namespace

presence_book::presence_book(book_env env) : env_(std::move(env)) {
  ctx_.config = env_.events;
  ctx_.contact = env_.contact;
}

std::string presence_book::entity() const {
  return "sip:" + env_.extension + "@" + env_.domain;
}

std::string presence_book::pidf() const {
  presence::presence_inputs in;
  in.registered_devices = devices_;
  for (auto& e : pubs_.entries)
    if (auto doc = presence::parse_pidf(e.body))
      in.publications.push_back(std::move(*doc));
  for (auto& [id, v] : dialogs_) {
    if (v.state == sip::proxy::dialog_state::confirmed)
      ++in.calls_confirmed;
    else if (v.state == sip::proxy::dialog_state::early)
      ++in.calls_early;
  }
  in.status = status_;
  in.status_note = note_;
  in.display_name = env_.display_name;
  in.entity = entity();
  in.contact = entity();
  return presence::to_pidf(presence::compose(in));
}

void presence_book::send_notify(book_sub& s, std::uint64_t now, book_out& out) {
  auto& d = s.data;
  std::string type;
  std::string body;
  // A pending or terminated subscription gets no state (RFC 6665 §4.2.2).
  if (d.state == sub_state::active) {
    if (d.package == "presence") {
      body = pidf();
      s.last_body = body;
      type = "application/pidf+xml";
    } else if (d.package == "dialog") {
      std::vector<presence::dialog> list;
      for (auto& [id, v] : dialogs_)
        list.push_back(to_info(v));
      body = presence::to_dialog_info(s.version++, true, entity(), list);
      type = "application/dialog-info+xml";
    } else if (d.package == "presence.winfo") {
      presence::watcher_list wl;
      wl.resource = entity();
      for (auto& [id, w] : subs_) {
        if (w.data.package != "presence")
          continue;
        presence::watcher x;
        x.id = w.data.local_tag;
        x.uri = uri_of(w.data.remote_party);
        x.status = w.data.state == sub_state::active
                       ? presence::watcher_status::active
                   : w.data.state == sub_state::pending
                       ? presence::watcher_status::pending
                       : presence::watcher_status::terminated;
        x.event = w.data.state == sub_state::active
                      ? presence::watcher_event::approved
                      : presence::watcher_event::subscribe;
        x.duration_s = static_cast<std::uint32_t>(
            now > w.created_s ? now - w.created_s : 0);
        wl.watchers.push_back(std::move(x));
      }
      body = presence::to_watcherinfo(s.version++, true, {wl});
      type = "application/watcherinfo+xml";
    } else if (d.package == "message-summary") {
      // RFC 3842 §5.2: voice messages new/old.
      body = std::string{"Messages-Waiting: "} +
             (voice_new_ > 0 ? "yes" : "no") +
             "\r\nMessage-Account: " + entity() +
             "\r\nVoice-Message: " + std::to_string(voice_new_) + "/" +
             std::to_string(voice_old_) + "\r\n";
      type = "application/simple-message-summary";
    }
  }
  notify_out n;
  n.sub_id = id_of(d);
  n.request = sip::events::make_notify(d, now, ctx_, type, std::move(body));
  n.transport = s.transport;
  n.source = s.source;
  out.notifies.push_back(std::move(n));
}

void presence_book::apply(const std::string& id, const sub_effects& eff,
                          std::uint64_t now, book_out& out) {
  auto it = subs_.find(id);
  if (it == subs_.end())
    return;
  if (eff.response)
    out.response = eff.response;
  if (eff.notify)
    send_notify(it->second, now, out);
  if (eff.drop) {
    auto package = it->second.data.package;
    out.batch.del(storage::family::subscriptions,
                  records::subscription_key(env_.extension,
                                            it->second.data.call_id,
                                            it->second.data.local_tag));
    subs_.erase(it);
    if (package == "presence")
      winfo_changed(now, out);
  } else if (eff.response || eff.timer_at || eff.notify) {
    // A state change (accept, refresh...): what a restart must find.
    save(it->second, out);
  }
}

book_out
presence_book::subscribe(const sip::message& req, const std::string& watcher,
                         const std::string& watcher_display,
                         std::uint8_t transport, const std::string& source,
                         const std::string& contact, std::uint64_t now) {
  book_out out;
  if (!contact.empty())
    ctx_.contact = contact;
  auto to = sip::parse_name_addr(req.value_of("To"));
  if (to && to->tag()) {
    // A refresh or an unsubscribe (RFC 6665 §4.2.1.2).
    for (auto& [id, s] : subs_)
      if (sip::events::matches_dialog(s.data, req)) {
        if (s.watcher != watcher) {
          out.response = sip::events::make_answer(req, 403, "Forbidden", "");
          return out;
        }
        s.transport = transport;
        s.source = source;
        auto key = id;
        auto eff = sip::events::step(
            s.data, sub_event{sub_input::subscribe, &req}, now, ctx_);
        apply(key, eff, now, out);
        return out;
      }
    out.response =
        sip::events::make_answer(req, 481, "Subscription Does Not Exist", "");
    return out;
  }
  auto ev = sip::parse_event(req.value_of("Event"));
  std::string package = ev ? ev->package : std::string{};
  bool allowed = false;
  bool pending = false;
  bool declined = false;
  if (package == "presence") {
    auto w = watchers_.find(watcher);
    allowed = authorized(watcher);
    declined = w != watchers_.end() &&
               w->second.state == records::watch_state::declined;
    pending = !allowed && !declined;
  } else if (package == "presence.winfo" || package == "message-summary") {
    if (watcher != env_.extension) {
      out.response = sip::events::make_answer(req, 403, "Forbidden", "");
      return out;
    }
    allowed = true;
  } else {
    allowed = true; // dialog: busy lamps are visible to colleagues
  }
  auto start = sip::events::create_subscription(
      req, ctx_, sip::core::random_tag(), allowed, now);
  if (!start) {
    out.response = std::move(start.error());
    return out;
  }
  book_sub s;
  s.data = std::move(start->data);
  s.watcher = watcher;
  s.transport = transport;
  s.source = source;
  s.created_s = now;
  auto id = id_of(s.data);
  subs_[id] = std::move(s);
  apply(id, start->effects, now, out);
  if (declined) {
    auto it = subs_.find(id);
    if (it != subs_.end())
      apply(id,
            sip::events::step(it->second.data, sub_event{sub_input::decline},
                              now, ctx_),
            now, out);
  }
  if (pending && subs_.count(id) != 0) {
    if (watchers_.count(watcher) == 0) {
      set_watcher(watcher, records::watch_state::pending, now, out);
      auto who = watcher_display.empty()
                     ? watcher
                     : watcher_display + " (" + watcher + ")";
      out.notices.emplace_back(env_.extension,
                               who +
                                   " wants to see your presence: reply "
                                   "ACCEPT " +
                                   watcher + " or DECLINE " + watcher);
    }
  }
  if (package == "presence")
    winfo_changed(now, out);
  return out;
}

book_out presence_book::publish(const sip::message& req, std::uint64_t now) {
  book_out out;
  auto tag = sip::core::random_tag();
  if (!req.body.empty()) {
    auto ct = sip::parse_content_type(req.value_of("Content-Type"));
    if (!ct || ct->type + "/" + ct->subtype != "application/pidf+xml") {
      out.response =
          sip::events::make_answer(req, 415, "Unsupported Media Type", tag,
                                   {{"Accept", "application/pidf+xml"}});
      return out;
    }
    if (auto doc = presence::parse_pidf(req.body); !doc) {
      out.response = sip::events::make_answer(req, 400, doc.error(), tag);
      return out;
    }
  }
  auto res = sip::events::apply_publish(pubs_, req, now, env_.events,
                                        sip::core::random_tag(), tag);
  out.response = std::move(res.response);
  if (res.changed)
    presence_changed(now, out);
  return out;
}

book_out presence_book::notify_result(const std::string& id, int status,
                                      std::uint64_t now) {
  book_out out;
  auto it = subs_.find(id);
  if (it == subs_.end())
    return out;
  sub_event ev{sub_input::notify_result};
  ev.status = status;
  apply(id, sip::events::step(it->second.data, ev, now, ctx_), now, out);
  return out;
}

std::string presence_book::id_of(const sip::events::subscription_data& d) {
  return d.call_id + '\n' + d.local_tag;
}

std::vector<book_sub*> presence_book::stale_presence(std::string& doc) {
  std::vector<book_sub*> out;
  for (auto& [id, s] : subs_) {
    if (s.data.package != "presence" || s.data.state != sub_state::active)
      continue;
    if (doc.empty())
      doc = pidf();
    if (s.last_body != doc)
      out.push_back(&s);
  }
  return out;
}

void presence_book::presence_changed(std::uint64_t now, book_out& out) {
  std::string doc;
  for (auto* s : stale_presence(doc))
    send_notify(*s, now, out);
}

void presence_book::dialogs_changed(std::uint64_t now, book_out& out) {
  for (auto& [id, s] : subs_)
    if (s.data.package == "dialog" && s.data.state == sub_state::active)
      send_notify(s, now, out);
}

void presence_book::winfo_changed(std::uint64_t now, book_out& out) {
  for (auto& [id, s] : subs_)
    if (s.data.package == "presence.winfo" && s.data.state == sub_state::active)
      send_notify(s, now, out);
}

book_out presence_book::set_devices(std::size_t registered, std::uint64_t now) {
  book_out out;
  if (registered == devices_)
    return out;
  devices_ = registered;
  presence_changed(now, out);
  return out;
}

book_out presence_book::dialog(const sip::proxy::dialog_view& v,
                               std::uint64_t now) {
  book_out out;
  auto it = dialogs_.find(v.id);
  if (it != dialogs_.end() && it->second.state == v.state)
    return out;
  dialogs_[v.id] = v;
  dialogs_changed(now, out);
  presence_changed(now, out);
  if (v.state == sip::proxy::dialog_state::terminated)
    dialogs_.erase(v.id); // reported once, then gone
  else if (dialogs_.size() > 64)
    dialogs_.erase(dialogs_.begin()); // a phone that never hung up
  return out;
}

book_out presence_book::set_status(presence::user_status s, std::string note,
                                   std::uint64_t now) {
  book_out out;
  status_ = s;
  note_ = std::move(note);
  out.batch.put(storage::family::contacts, records::status_key(env_.extension),
                records::encode(records::presence_status{
                    static_cast<std::uint8_t>(s), note_}));
  presence_changed(now, out);
  return out;
}

// Accepts or refuses every presence subscription of `watcher`: pending ones
// become active when allowed; when refused, active ones end (and pending
// ones too when `end_pending`) with reason=rejected.
book_out presence_book::set_voice_messages(std::uint32_t fresh,
                                           std::uint32_t old,
                                           std::uint64_t now) {
  book_out out;
  if (fresh == voice_new_ && old == voice_old_)
    return out;
  voice_new_ = fresh;
  voice_old_ = old;
  for (auto& [id, s] : subs_)
    if (s.data.package == "message-summary" &&
        s.data.state == sub_state::active)
      send_notify(s, now, out);
  return out;
}

book_out presence_book::resync(std::uint64_t now) {
  book_out out;
  for (auto& [id, s] : subs_)
    if (s.data.state == sub_state::active &&
        (s.data.package == "presence" || s.data.package == "dialog" ||
         s.data.package == "presence.winfo"))
      send_notify(s, now, out);
  return out;
}

book_out presence_book::tick(std::uint64_t now) {
  book_out out;
  std::vector<std::string> due;
  for (auto& [id, s] : subs_)
    if (s.data.expires_at <= now && s.data.state != sub_state::terminated)
      due.push_back(id);
  for (auto& id : due) {
    auto it = subs_.find(id);
    if (it != subs_.end())
      apply(id,
            sip::events::step(it->second.data, sub_event{sub_input::timer}, now,
                              ctx_),
            now, out);
  }
  if (sip::events::expire_publications(pubs_, now))
    presence_changed(now, out);
  return out;
}

std::optional<std::uint64_t> presence_book::next_wakeup() const {
  std::optional<std::uint64_t> at = sip::events::next_expiry(pubs_);
  for (auto& [id, s] : subs_)
    if (s.data.state != sub_state::terminated &&
        (!at || s.data.expires_at < *at))
      at = s.data.expires_at;
  return at;
}

const book_sub* presence_book::find(const std::string& id) const {
  auto it = subs_.find(id);
  return it == subs_.end() ? nullptr : &it->second;
}

bool presence_book::in_call() const {
  for (auto& [id, d] : dialogs_)
    if (d.state == sip::proxy::dialog_state::confirmed)
      return true;
  return false;
}

} // namespace ivm::actors
