#include "actors/directory/directory_state.hpp"
#include "actors/voice/voice_actor.hpp"

#include <algorithm>

#include <caf/send.hpp>

#include <nlohmann/json.hpp>

#include "appliance/directory/intake.hpp"
#include "appliance/sip/header_name.hpp"
#include "appliance/sip/uri.hpp"

// The directory's per-user HTTP resources: a user's contact list (admin API,
// bearer token checked by the admin actor) and voice messages (the user's
// own SIP credentials, HTTP Digest).

namespace ivm::actors::dir {

namespace {

void json_reply(net::http_responder& respond, int status,
                const nlohmann::json& body) {
  respond(net::http_response{status,
                             "application/json",
                             status == 204 ? std::string{} : body.dump(),
                             {}});
}

nlohmann::json json_error(std::string text) {
  return nlohmann::json{{"error", std::move(text)}};
}

} // namespace

// /api/v1/users/{owner}/contacts[/{other}] (docs/admin-api.md, Contacts).
void on_contacts_admin(pointer self, http_exchange ex, const std::string& owner,
                       const std::string& other) {
  auto& st = self->state;
  const auto& method = ex.request.method;
  auto* user = st.dir.by_extension(owner);
  if (!user) {
    json_reply(ex.respond, 404, json_error("no such user: " + owner));
    return;
  }
  auto name_of = [self](const std::string& ext) {
    auto* a = self->state.dir.by_extension(ext);
    return a ? a->display_name : std::string{};
  };
  if (method == "GET" && other.empty()) {
    auto respond = ex.respond;
    with_client(self, owner, [self, respond, name_of](const client_actor& c) {
      self->request(c, caf::infinite, atoms::contacts_atom::value)
          .then(
              [respond, name_of](const std::string& text) mutable {
                auto contacts = nlohmann::json::array();
                auto watchers = nlohmann::json::array();
                std::size_t pos = 0;
                while (pos < text.size()) {
                  auto nl = text.find('\n', pos);
                  auto line = text.substr(pos, nl - pos);
                  pos = nl == std::string::npos ? text.size() : nl + 1;
                  if (line.size() < 3)
                    continue;
                  auto rest = line.substr(2);
                  if (line[0] == 'c') {
                    contacts.push_back(
                        {{"extension", rest}, {"display_name", name_of(rest)}});
                  } else if (line[0] == 'w') {
                    auto sp = rest.find(' ');
                    auto ext = rest.substr(0, sp);
                    auto state =
                        sp == std::string::npos ? "0" : rest.substr(sp + 1);
                    watchers.push_back({{"extension", ext},
                                        {"display_name", name_of(ext)},
                                        {"state", state == "1"   ? "allowed"
                                                  : state == "2" ? "declined"
                                                                 : "pending"}});
                  }
                }
                json_reply(respond, 200,
                           {{"contacts", contacts}, {"watchers", watchers}});
              },
              [respond](const caf::error&) mutable {
                json_reply(respond, 500,
                           json_error("contact list unavailable"));
              });
    });
    return;
  }
  std::string target = other;
  if (method == "POST" && other.empty()) {
    auto body = nlohmann::json::parse(ex.request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      json_reply(ex.respond, 400, json_error("body must be a JSON object"));
      return;
    }
    if (!body.contains("extension") || !body["extension"].is_string()) {
      json_reply(ex.respond, 422,
                 {{"error", "extension is required"}, {"field", "extension"}});
      return;
    }
    target = body["extension"].get<std::string>();
    if (!st.dir.by_extension(target) || target == owner) {
      json_reply(
          ex.respond, 422,
          {{"error", target == owner ? "a user cannot be their own contact"
                                     : "no such user: " + target},
           {"field", "extension"}});
      return;
    }
  } else if (!(method == "DELETE" && !other.empty())) {
    json_reply(ex.respond, 405, json_error("method not allowed"));
    return;
  }
  bool add = method == "POST";
  auto respond = ex.respond;
  auto storage = st.cfg.clients->storage;
  auto key = storage::records::contact_key(owner, target);
  self->request(storage, caf::infinite, caf::get_atom::value,
                storage::family::contacts, key)
      .then(
          [self, respond, storage, owner, target, add,
           name_of](const optional_string& existing) mutable {
            if (!add && !existing) {
              json_reply(respond, 404,
                         json_error(target + " is not a contact of " + owner));
              return;
            }
            auto now = directory::unix_now();
            storage::write_batch b;
            if (add) {
              b.put(storage::family::contacts,
                    storage::records::contact_key(owner, target),
                    storage::records::encode(
                        storage::records::contact_entry{now}));
              b.put(storage::family::contacts,
                    storage::records::watcher_key(target, owner),
                    storage::records::encode(storage::records::watcher_entry{
                        storage::records::watch_state::allowed, now}));
            } else {
              b.del(storage::family::contacts,
                    storage::records::contact_key(owner, target));
              b.del(storage::family::contacts,
                    storage::records::watcher_key(target, owner));
            }
            bool existed = existing.has_value();
            self->request(storage, caf::infinite, caf::put_atom::value, b)
                .then(
                    [self, respond, owner, target, add, existed,
                     name_of](caf::ok_atom) mutable {
                      std::int32_t c_state = add ? 0 : -1;
                      std::int32_t w_state =
                          add ? static_cast<std::int32_t>(
                                    storage::records::watch_state::allowed)
                              : -1;
                      with_client(
                          self, owner,
                          [self, target, c_state](const client_actor& c) {
                            self->send(c, atoms::contacts_atom::value,
                                       std::string{"c"}, target, c_state);
                          });
                      with_client(
                          self, target,
                          [self, owner, w_state](const client_actor& c) {
                            self->send(c, atoms::contacts_atom::value,
                                       std::string{"w"}, owner, w_state);
                          });
                      self->state.log->info("contact {} {} {}", target,
                                            add ? "added to" : "removed from",
                                            owner);
                      if (!add)
                        json_reply(respond, 204, {});
                      else
                        json_reply(respond, existed ? 200 : 201,
                                   {{"extension", target},
                                    {"display_name", name_of(target)}});
                    },
                    [respond](const caf::error&) mutable {
                      json_reply(
                          respond, 500,
                          json_error("storage failure: nothing changed"));
                    });
          },
          [respond](const caf::error&) mutable {
            json_reply(respond, 500, json_error("storage failure"));
          });
}

// /api/v1/voice-messages: the user authenticates with HTTP Digest (RFC 7616)
// against the stored HA1, as for SIP; POST names the recipients (?to=).
std::vector<std::string> recipients_of(pointer self, const std::string& user,
                                       const std::string& name) {
  auto& st = self->state;
  auto t = st.dir.resolve(name);
  std::vector<std::string> exts;
  if (t.user && t.user->enabled)
    exts.push_back(t.user->extension);
  else if (t.grp)
    for (auto& m : t.grp->members)
      if (m != user && st.dir.by_extension(m))
        exts.push_back(m);
  return exts;
}

std::string record_code(pointer self, const std::string& user,
                        const std::vector<std::string>& names,
                        std::string& bad) {
  std::string code = "*7";
  std::vector<std::string> recipients;
  for (auto& name : names) {
    auto exts = recipients_of(self, user, name);
    if (exts.empty()) {
      bad = name;
      return {};
    }
    for (auto& e : exts)
      if (std::find(recipients.begin(), recipients.end(), e) ==
          recipients.end()) {
        recipients.push_back(e);
        code += (code.size() > 2 ? "*" : "") + e;
      }
  }
  if (recipients.empty())
    bad = "(none)";
  return recipients.empty() ? std::string{} : code;
}

// POST /api/v1/voice-messages/record {"to":["202","203"]}: the box rings
// the user's legacy phone; off-hook records for the recipients, on-hook
// sends (issue 15, the seed's own flow).
void on_ring_to_record(pointer self, voice_request r) {
  auto& st = self->state;
  auto& respond = r.ex.respond;
  if (r.ex.request.method != "POST") {
    net::http_response resp{405,
                            "application/json",
                            json_error("method not allowed").dump(),
                            {{"Allow", "POST"}}};
    respond(std::move(resp));
    return;
  }
  auto body = nlohmann::json::parse(r.ex.request.body, nullptr, false);
  if (!body.is_object() || !body.contains("to") || !body["to"].is_array() ||
      body["to"].empty()) {
    json_reply(respond, 422,
               {{"error", "name the recipients: {\"to\":[\"202\"]}"},
                {"field", "to"}});
    return;
  }
  std::vector<std::string> names;
  for (auto& item : body["to"])
    names.push_back(item.is_string() ? item.get<std::string>() : std::string{});
  std::string bad;
  auto code = record_code(self, r.user, names, bad);
  if (code.empty()) {
    json_reply(respond, 422,
               {{"error", "no such recipient: " + bad}, {"field", "to"}});
    return;
  }
  if (!st.cfg.legacy) {
    json_reply(respond, 404, json_error("no legacy phone is assigned to you"));
    return;
  }
  caf::anon_send(st.cfg.legacy, atoms::command_atom::value, r.user, code,
                 std::move(r.ex));
}

const directory::account* http_user(pointer self, http_exchange& ex) {
  auto& st = self->state;
  sip::message probe; // the authenticator reads the method and header only
  probe.method = ex.request.method;
  for (auto& [k, v] : ex.request.headers)
    if (sip::iequals(k, "Authorization") || sip::iequals(k, "User-Agent"))
      probe.add(k, v);
  auto out = st.auth->check(probe, false, st.dir, ex.request.remote.host,
                            std::chrono::system_clock::now());
  if (out.user)
    return out.user;
  net::http_response resp{
      out.code == 401 ? 401 : 403,
      "application/json",
      json_error(out.code == 401 ? "authentication required" : "forbidden")
          .dump(),
      {}};
  for (auto& [k, v] : out.headers)
    resp.headers.emplace_back(k, v);
  ex.respond(std::move(resp));
  return nullptr;
}

void on_voice(pointer self, http_exchange ex) {
  auto& st = self->state;
  bool calls = ex.request.target.substr(0, ex.request.target.find('?')) ==
               "/api/v1/calls";
  if (!st.cfg.voice && !calls) {
    json_reply(ex.respond, 404, json_error("voice messages are off"));
    return;
  }
  const auto* user = http_user(self, ex);
  if (!user)
    return;
  voice_request r{std::move(ex), user->extension, user->display_name, {}, self};
  const auto& target = r.ex.request.target;
  auto path = target.substr(0, target.find('?'));
  if (path == "/api/v1/voice-messages/record") {
    on_ring_to_record(self, std::move(r));
    return;
  }
  if (calls) {
    on_calls_api(self, std::move(r.ex), r.user);
    return;
  }
  if (r.ex.request.method == "POST" && path.rfind("/api/v1/faxes", 0) != 0) {
    auto q = target.find("?to=");
    if (q == std::string::npos) {
      q = target.find("&to=");
    }
    std::string list =
        q == std::string::npos ? std::string{} : target.substr(q + 4);
    list = list.substr(0, list.find('&'));
    std::size_t pos = 0;
    while (pos <= list.size() && !list.empty()) {
      auto comma = list.find(',', pos);
      auto item = sip::unescape(list.substr(pos, comma - pos));
      pos = comma == std::string::npos ? list.size() + 1 : comma + 1;
      if (item.empty())
        continue;
      auto exts = recipients_of(self, r.user, item);
      if (exts.empty()) {
        json_reply(r.ex.respond, 422,
                   {{"error", "no such recipient: " + item}, {"field", "to"}});
        return;
      }
      for (auto& e : exts)
        if (std::find(r.recipients.begin(), r.recipients.end(), e) ==
            r.recipients.end())
          r.recipients.push_back(e);
    }
    if (r.recipients.empty()) {
      json_reply(
          r.ex.respond, 422,
          {{"error", "name the recipients: ?to=201,202"}, {"field", "to"}});
      return;
    }
  }
  caf::anon_send(st.cfg.voice, atoms::http_atom::value, std::move(r));
}

} // namespace ivm::actors::dir
