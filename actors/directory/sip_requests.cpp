#include "actors/directory/directory_state.hpp"
#include "actors/voice/voice_actor.hpp"

#include <algorithm>
#include <cctype>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "appliance/directory/intake.hpp"
#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/header_name.hpp"
#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/uri.hpp"

// SIP requests the routers delegate to the directory. The sender is
// authenticated before anything about the target is looked up (RFC 3261
// §22.1 and §26.3.2.4): a stranger gets the same challenge for every
// target, known or not, so the directory cannot be read out one extension
// at a time (as `svwar` does against boxes that answer 404 first).

namespace ivm::actors::dir {

namespace {

// TCP and TLS number their connections independently: key by both.
std::uint64_t flow_key(const sip_flow& flow) {
  return (static_cast<std::uint64_t>(flow.kind) << 56) ^ flow.conn;
}

std::string source_host(const sip_task& t) {
  return t.in.flow.remote.host;
}

// The user part of a URI, unescaped (RFC 3261 §19.1.4 compares unescaped).
std::string user_of(const sip::uri& u) {
  return sip::unescape(u.user);
}

void on_register(pointer self, sip_task& t) {
  auto& st = self->state;
  auto to = sip::parse_name_addr(t.in.msg.value_of("To"));
  if (!to || !to->uri.is_sip()) {
    answer(self, t, 400, "To must be a SIP URI"); // RFC 4475 §3.3.4
    return;
  }
  auto out = st.auth->check(t.in.msg, false, st.dir, source_host(t),
                            std::chrono::system_clock::now());
  if (!out.user) {
    if (out.code == 403)
      st.log->info("REGISTER from {} refused: {}",
                   net::to_string(t.in.flow.remote), out.why);
    if (out.banned_now)
      st.log->warn("blocking {} after repeated authentication failures",
                   t.in.flow.remote.host);
    answer(self, t, out.code, out.reason, out.headers);
    return;
  }
  auto aor = st.dir.resolve(user_of(to->uri));
  if (aor.user != out.user) {
    st.log->info("REGISTER from {}: {} may not register {}",
                 net::to_string(t.in.flow.remote), out.user->extension,
                 to->uri_text);
    answer(self, t, 403, "Forbidden");
    return;
  }
  if (t.in.flow.kind != sip_transport_kind::udp) {
    if (st.trusted.size() > 100000)
      st.trusted.clear();
    st.trusted[flow_key(t.in.flow)] = out.user->extension;
  }
  t.device = out.device;
  with_client(self, out.user->extension, [self, t](const client_actor& c) {
    self->send(c, atoms::register_atom::value, t);
  });
}

// Who sent `t`: the From user, trusted over a connection that user
// registered on, else checked by digest (`proxy`: 407, else 401). Null after
// answering the request.
const directory::account* identify(pointer self, const sip_task& t,
                                   bool proxy) {
  auto& st = self->state;
  const auto& req = t.in.msg;
  auto from = sip::parse_name_addr(req.value_of("From"));
  if (!from || !from->uri.is_sip()) {
    answer(self, t, 400, "From must be a SIP URI");
    return nullptr;
  }
  auto claimed = st.dir.resolve(user_of(from->uri)).user;
  if (t.in.flow.kind != sip_transport_kind::udp) {
    auto it = st.trusted.find(flow_key(t.in.flow));
    if (it != st.trusted.end() && claimed && claimed->extension == it->second)
      return claimed;
  }
  auto out = st.auth->check(req, proxy, st.dir, source_host(t),
                            std::chrono::system_clock::now());
  if (!out.user) {
    if (out.banned_now)
      st.log->warn("blocking {} after repeated authentication failures",
                   t.in.flow.remote.host);
    answer(self, t, out.code, out.reason, out.headers);
    return nullptr;
  }
  if (out.user != claimed) {
    answer(self, t, 403, "Forbidden"); // From is not who authenticated
    return nullptr;
  }
  return out.user;
}

} // namespace

const directory::account* callee_of(pointer self, const sip_task& t) {
  auto ruri = sip::parse_uri(t.in.msg.request_uri);
  auto target =
      ruri ? self->state.dir.resolve(user_of(*ruri)) : directory::target{};
  if (!target.user || !target.user->enabled) {
    answer(self, t, 404, "Not Found");
    return nullptr;
  }
  return target.user;
}

std::function<void(std::string)> teller(pointer self, const std::string& ext) {
  directory_actor me = self;
  auto domain = self->state.dir.realm();
  return [me, ext, domain](std::string reply) {
    caf::anon_send(me, atoms::notify_atom::value, ext,
                   directory::make_notice(ext, domain, std::move(reply),
                                          directory::unix_now()));
  };
}

namespace {

/// The box's service address: text commands ("status away", "accept 202").
constexpr std::string_view service_user = "ivm";

// "record 202 203": the box rings the sender's legacy phone; off-hook
// records for them, on-hook sends (issue 15). The answer comes back as a
// message from the box.
void on_record_command(pointer self, sip_task& t,
                       const directory::account& sender,
                       const std::string& text) {
  auto& st = self->state;
  answer(self, t, 200, "OK");
  std::vector<std::string> names;
  std::size_t pos = 6; // after "record"
  while (pos < text.size()) {
    auto start = text.find_first_not_of(" \t\r\n,", pos);
    if (start == std::string::npos)
      break;
    auto end = text.find_first_of(" \t\r\n,", start);
    names.push_back(text.substr(start, end - start));
    pos = end == std::string::npos ? text.size() : end;
  }
  auto ext = sender.extension;
  auto tell = teller(self, ext);
  std::string bad;
  auto code =
      names.empty() ? std::string{} : record_code(self, ext, names, bad);
  if (code.empty()) {
    tell(names.empty() ? "Name who gets the recording: record 202 203"
                       : "No such recipient: " + bad);
    return;
  }
  if (!st.cfg.legacy) {
    tell("No legacy phone is assigned to you.");
    return;
  }
  http_exchange ex;
  ex.respond = [tell](net::http_response r) {
    tell(r.status == 202   ? "Your phone rings: lift the handset to record, "
                             "hang up to send."
         : r.status == 409 ? "Your phone is in use."
         : r.status == 503 ? "The gateway of your phone is not up."
                           : "No legacy phone is assigned to you.");
  };
  caf::anon_send(st.cfg.legacy, atoms::command_atom::value, ext, code,
                 std::move(ex));
}

void on_command(pointer self, sip_task& t, const directory::account& sender) {
  auto& st = self->state;
  auto intake = directory::make_intake(t.in.msg, sender, st.dir.realm(),
                                       st.cfg.max_message_body);
  if (intake.code != 0) {
    answer(self, t, intake.code, intake.reason, intake.headers);
    return;
  }
  auto text = intake.msg.body;
  if (text.size() >= 6 && sip::iequals(text.substr(0, 6), "record") &&
      (text.size() == 6 || std::isspace(static_cast<unsigned char>(text[6])))) {
    on_record_command(self, t, sender, text);
    return;
  }
  if (on_call_command(self, t, sender, text) ||
      on_canned_command(self, t, sender, text))
    return;
  with_client(self, sender.extension, [self, t, text](const client_actor& c) {
    self->send(c, atoms::command_atom::value, t, text);
  });
}

void on_message(pointer self, sip_task& t, const directory::account* sender) {
  auto& st = self->state;
  const auto& req = t.in.msg;
  auto ruri = sip::parse_uri(req.request_uri);
  auto target = ruri ? st.dir.resolve(user_of(*ruri)) : directory::target{};
  if (!target.user && !target.grp && ruri && user_of(*ruri) == service_user) {
    on_command(self, t, *sender);
    return;
  }
  if ((!target.user || !target.user->enabled) && !target.grp) {
    answer(self, t, 404, "Not Found");
    return;
  }
  auto intake = directory::make_intake(req, *sender, st.dir.realm(),
                                       st.cfg.max_message_body);
  if (intake.code != 0) {
    answer(self, t, intake.code, intake.reason, intake.headers);
    return;
  }
  if (target.user) {
    intake.msg.to = "sip:" + target.user->extension + "@" + st.dir.realm();
    enqueue_task task{intake.msg, intake.dedup, t};
    with_client(self, target.user->extension,
                [self, task](const client_actor& c) {
                  self->send(c, atoms::enqueue_atom::value, task);
                });
    return;
  }
  // A group: store for every member except the sender, then 202.
  std::vector<std::string> members;
  for (auto& m : target.grp->members)
    if (m != sender->extension && st.dir.by_extension(m))
      members.push_back(m);
  if (members.empty()) {
    answer(self, t, 480, "Temporarily Unavailable"); // nobody to reach
    return;
  }
  auto left = std::make_shared<std::size_t>(members.size());
  auto failed = std::make_shared<bool>(false);
  for (auto& m : members) {
    auto msg = intake.msg;
    msg.to = "sip:" + m + "@" + st.dir.realm();
    enqueue_task task{std::move(msg), intake.dedup, std::nullopt};
    with_client(self, m, [self, t, task, left, failed](const client_actor& c) {
      self->request(c, caf::infinite, atoms::enqueue_atom::value, task, true)
          .then(
              [self, t, left, failed](bool) {
                if (--*left == 0)
                  answer(self, t, *failed ? 500 : 202,
                         *failed ? "Server Internal Error" : "Accepted");
              },
              [self, t, left, failed](const caf::error&) {
                *failed = true;
                if (--*left == 0)
                  answer(self, t, 500, "Server Internal Error");
              });
    });
  }
}

// A call to a service code: *7 (record) or *9 (intercom: live to those
// online, recorded for the others) followed by extensions separated by
// '*'; *8 listens. `call` names the caller (a SIP INVITE or a legacy
// phone); `fail` refuses with a SIP status code.
template <class Fail>
void start_service(pointer self, voice_call call, const std::string& code,
                   Fail fail, const intercom_reach* ask = nullptr) {
  auto& st = self->state;
  bool listen = code == "*8";
  if (!st.cfg.voice ||
      (!listen && (code.size() < 3 || (code[1] != '7' && code[1] != '9')))) {
    fail(404, "Not Found");
    return;
  }
  call.directory = self;
  if (listen) {
    caf::anon_send(st.cfg.voice, atoms::start_atom::value, std::move(call));
    return;
  }
  std::vector<std::string> recipients;
  std::size_t pos = 2;
  while (pos <= code.size()) {
    auto star = code.find('*', pos);
    auto item = code.substr(pos, star - pos);
    pos = star == std::string::npos ? code.size() + 1 : star + 1;
    if (item.empty())
      continue;
    auto exts = recipients_of(self, call.user, item);
    if (exts.empty()) {
      fail(404, "Not Found"); // an unknown recipient
      return;
    }
    for (auto& e : exts)
      if (std::find(recipients.begin(), recipients.end(), e) ==
          recipients.end())
        recipients.push_back(e);
  }
  if (recipients.empty()) {
    fail(484, "Address Incomplete");
    return;
  }
  call.recipients = std::move(recipients);
  if (code[1] == '7' && ask && ask->action == "ask" &&
      call.recipients.size() == 1) {
    // A legacy phone's call the callee's rules answer with the menu.
    const auto& to = call.recipients.front();
    const auto* callee = st.dir.by_extension(to);
    call.ask = true;
    call.callee_name =
        callee && !callee->display_name.empty() ? callee->display_name : to;
    call.ring_s = ask->ring_s;
    if (!ask->targets.empty())
      call.live.emplace_back(to, ask->targets);
  }
  if (code[1] == '7') {
    caf::anon_send(st.cfg.voice, atoms::start_atom::value, std::move(call));
    return;
  }
  // Intercom: who can hear it live now (the others get the recording).
  call.intercom = true;
  auto shared = std::make_shared<voice_call>(std::move(call));
  auto left = std::make_shared<std::size_t>(shared->recipients.size());
  auto voice = st.cfg.voice;
  auto done = [shared, left, voice] {
    if (--*left == 0)
      caf::anon_send(voice, atoms::start_atom::value, std::move(*shared));
  };
  for (auto& ext : shared->recipients) {
    if (ext == shared->user) { // the caller's phone is on this very call
      done();
      continue;
    }
    with_client(self, ext, [self, ext, shared, done](const client_actor& c) {
      self->request(c, std::chrono::seconds{2}, atoms::intercom_atom::value)
          .then(
              [self, ext, shared, done](intercom_reach& r) {
                if (r.targets.empty())
                  self->state.log->info("intercom to {}: {}", ext, r.absent);
                else
                  shared->live.emplace_back(ext, std::move(r.targets));
                done();
              },
              [done](const caf::error&) { done(); });
    });
  }
}

void on_service_call(pointer self, sip_task& t, const std::string& code,
                     const directory::account* caller) {
  voice_call call;
  call.invite = t;
  call.user = caller->extension;
  call.user_name = caller->display_name;
  start_service(self, std::move(call), code,
                [self, &t](int status, const char* reason) {
                  answer(self, t, status, reason);
                });
}

} // namespace

// A legacy phone of `ext` dialled `code` (issue 15).
void on_legacy_service(pointer self, const std::string& ext,
                       const std::string& code, const legacy_media& lm,
                       const intercom_reach* ask) {
  auto refuse = [&lm](int status, const char*) {
    caf::anon_send(lm.controller, atoms::start_atom::value, lm.line, status);
  };
  const auto* user = self->state.dir.by_extension(ext);
  if (!user || !user->enabled) {
    refuse(403, "Forbidden");
    return;
  }
  voice_call call;
  call.user = user->extension;
  call.user_name = user->display_name;
  call.legacy = lm;
  start_service(self, std::move(call), code, refuse, ask);
}

namespace {

// A new INVITE to a user (RFC 3261 §16): the caller authenticates (407),
// the callee's client actor picks the devices to ring.
void on_invite(pointer self, sip_task& t, const directory::account* caller) {
  auto& st = self->state;
  auto ruri = sip::parse_uri(t.in.msg.request_uri);
  if (ruri) {
    auto user = user_of(*ruri);
    if (!user.empty() && user[0] == '*' && !st.dir.resolve(user).user) {
      on_service_call(self, t, user, caller);
      return;
    }
  }
  auto target = ruri ? st.dir.resolve(user_of(*ruri)) : directory::target{};
  if (!target.user && ruri) {
    // A number of a PBX's phone: the box places the call on its SIP trunk.
    if (auto* trunk = directory::route_number(st.trunks, user_of(*ruri))) {
      auto plan = trunk_plan(*trunk, user_of(*ruri), caller->extension);
      st.log->info("call from {} to {} on PBX {}'s trunk", caller->extension,
                   user_of(*ruri), trunk->name);
      self->send(t.router, atoms::proxy_atom::value, t.key, std::move(plan));
      return;
    }
  }
  if (!target.user || !target.user->enabled) {
    answer(self, t, 404, "Not Found");
    return;
  }
  auto caller_ext = caller->extension;
  t.caller_name = caller->display_name;
  with_client(self, target.user->extension,
              [self, t, caller_ext](const client_actor& c) {
                self->send(c, atoms::proxy_atom::value, t, caller_ext);
              });
}

// SUBSCRIBE and PUBLISH to a user: the presentity's client actor decides.
void on_presence(pointer self, sip_task& t, const directory::account* who) {
  auto& st = self->state;
  const auto* callee = callee_of(self, t);
  if (!callee)
    return;
  auto ext = who->extension;
  auto display = who->display_name;
  auto ev = sip::parse_event(t.in.msg.value_of("Event"));
  if (st.cfg.voice && ev && ev->package == "message-summary")
    caf::anon_send(st.cfg.voice, atoms::mwi_atom::value, callee->extension,
                   caf::actor_cast<caf::actor>(self)); // current counts
  with_client(self, callee->extension,
              [self, t, ext, display](const client_actor& c) {
                self->send(c, atoms::presence_atom::value, t, ext, display);
              });
}

// Any other request to a user of the box, out of a dialog: OPTIONS (a
// softphone asking what a contact can do), REFER, INFO, UPDATE, NOTIFY,
// PRACK, BYE. Only an authenticated user learns whether the user exists.
// The box answers OPTIONS for its users (it takes MESSAGE and INVITE for
// them, online or not) without saying whether a device is registered,
// which is presence and goes through SUBSCRIBE's authorization.
void on_other(pointer self, sip_task& t) {
  auto& st = self->state;
  auto ruri = sip::parse_uri(t.in.msg.request_uri);
  auto name = ruri ? user_of(*ruri) : std::string{};
  auto target = st.dir.resolve(name);
  bool exists = (target.user && target.user->enabled) || target.grp ||
                name == service_user;
  if (!exists) {
    answer(self, t, 404, "Not Found");
    return;
  }
  sip::core::uas_config uas;
  uas.directory = true;
  if (t.in.msg.method == "OPTIONS") {
    answer(self, t, 200, "OK",
           {{"Allow", sip::core::allow_header(uas)},
            {"Accept", "application/sdp, text/plain, message/cpim"},
            {"Accept-Encoding", "identity"},
            {"Accept-Language", "en"}});
    return;
  }
  answer(self, t, 405, "Method Not Allowed",
         {{"Allow", sip::core::allow_header(uas)}});
}

} // namespace

void on_sip_request(pointer self, sip_task& t) {
  const auto& method = t.in.msg.method;
  if (method == "REGISTER") {
    on_register(self, t);
    return;
  }
  // SUBSCRIBE and PUBLISH end at the box (401); the others are relayed to
  // a user's devices or answered for them (407, RFC 3261 §22.3).
  bool presence = method == "SUBSCRIBE" || method == "PUBLISH";
  if (method == "INVITE" && on_trunk_call(self, t))
    return;
  const auto* who = identify(self, t, !presence);
  if (!who)
    return;
  if (method == "MESSAGE")
    on_message(self, t, who);
  else if (method == "INVITE")
    on_invite(self, t, who);
  else if (presence)
    on_presence(self, t, who);
  else
    on_other(self, t);
}

} // namespace ivm::actors::dir
