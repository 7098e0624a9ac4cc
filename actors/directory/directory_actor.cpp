#include "actors/directory/directory_actor.hpp"
#include "actors/directory/directory_state.hpp"
#include "actors/voice/voice_actor.hpp"

#include <functional>
#include <unordered_map>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <nlohmann/json.hpp>

#include "appliance/common/log.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/sip/header_name.hpp"
#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/response.hpp"
#include "appliance/sip/uri.hpp"
namespace ivm::actors {

namespace dir {

void answer(pointer self, const sip_task& t, int code, std::string reason,
            const std::vector<std::pair<std::string, std::string>>& headers) {
  self->send(
      t.router, atoms::sipresp_atom::value, t.key,
      make_answer(t, code, reason, headers, self->state.cfg.clients->server));
}

namespace {

// The last two reads of a client's state, then the spawn.
template <class Fail>
void load_presence(pointer self, const std::string& ext,
                   const storage_actor& storage, const key_values& bindings,
                   const key_values& queue, Fail fail) {
  self->request(storage, caf::infinite, atoms::scan_atom::value,
                storage::family::contacts,
                storage::records::contacts_prefix(ext), std::string{},
                std::uint64_t{100000})
      .then(
          [self, ext, storage, bindings, queue,
           fail](const key_values& contacts) {
            self->request(storage, caf::infinite, atoms::scan_atom::value,
                          storage::family::subscriptions,
                          storage::records::subscription_prefix(ext),
                          std::string{}, std::uint64_t{100000})
                .then(
                    [self, ext, bindings, queue,
                     contacts](const key_values& subs) {
                      auto& st = self->state;
                      auto user = st.dir.by_extension(ext);
                      auto pending = std::move(st.loading[ext]);
                      st.loading.erase(ext);
                      if (!user)
                        return; // deleted meanwhile
                      auto c =
                          spawn_client(self->system(), st.cfg.clients, *user,
                                       bindings, queue, contacts, subs);
                      self->link_to(c); // clients stop with the directory
                      st.clients.emplace(ext, c);
                      for (auto& fn : pending)
                        fn(c);
                    },
                    fail);
          },
          fail);
}

} // namespace

// Runs `fn` with the client actor of `ext`, loading it first when needed.
void with_client(pointer self, const std::string& ext, client_fn fn) {
  auto& st = self->state;
  if (auto it = st.clients.find(ext); it != st.clients.end()) {
    fn(it->second);
    return;
  }
  auto [pos, first] = st.loading.try_emplace(ext);
  pos->second.push_back(std::move(fn));
  if (!first)
    return;
  auto storage = st.cfg.clients->storage;
  auto fail = [self, ext](const caf::error& err) {
    self->state.log->error("cannot load user {}: {}", ext,
                           self->system().render(err));
    self->state.loading.erase(ext);
  };
  self->request(storage, caf::infinite, atoms::scan_atom::value,
                storage::family::bindings,
                storage::records::binding_prefix(ext), std::string{},
                std::uint64_t{100})
      .then(
          [self, ext, storage, fail](const key_values& bindings) {
            self->request(storage, caf::infinite, atoms::scan_atom::value,
                          storage::family::messages,
                          storage::records::message_prefix(ext), std::string{},
                          std::uint64_t{10000})
                .then(
                    [self, ext, bindings, storage,
                     fail](const key_values& queue) {
                      load_presence(self, ext, storage, bindings, queue, fail);
                    },
                    fail);
          },
          fail);
}

namespace {

void next_admin(pointer self);

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
void on_voice(pointer self, http_exchange ex) {
  auto& st = self->state;
  if (!st.cfg.voice) {
    json_reply(ex.respond, 404, json_error("voice messages are off"));
    return;
  }
  sip::message probe; // the authenticator reads the method and header only
  probe.method = ex.request.method;
  for (auto& [k, v] : ex.request.headers)
    if (sip::iequals(k, "Authorization") || sip::iequals(k, "User-Agent"))
      probe.add(k, v);
  auto out = st.auth->check(probe, false, st.dir, ex.request.remote.host,
                            std::chrono::system_clock::now());
  if (!out.user) {
    net::http_response resp{
        out.code == 401 ? 401 : 403,
        "application/json",
        json_error(out.code == 401 ? "authentication required" : "forbidden")
            .dump(),
        {}};
    for (auto& [k, v] : out.headers)
      resp.headers.emplace_back(k, v);
    ex.respond(std::move(resp));
    return;
  }
  voice_request r{
      std::move(ex), out.user->extension, out.user->display_name, {}, self};
  const auto& target = r.ex.request.target;
  if (r.ex.request.method == "POST") {
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
      auto t = st.dir.resolve(item);
      std::vector<std::string> exts;
      if (t.user && t.user->enabled)
        exts.push_back(t.user->extension);
      else if (t.grp)
        for (auto& m : t.grp->members)
          if (m != r.user && st.dir.by_extension(m))
            exts.push_back(m);
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

void on_admin(pointer self, http_exchange ex) {
  auto& st = self->state;
  {
    auto p = ex.request.target.substr(0, ex.request.target.find('?'));
    if (p == "/api/v1/voice-messages" ||
        p.rfind("/api/v1/voice-messages/", 0) == 0) {
      on_voice(self, std::move(ex));
      return;
    }
  }
  if (st.admin_busy) {
    st.admin_queue.push_back(std::move(ex));
    return;
  }
  auto path = ex.request.target.substr(0, ex.request.target.find('?'));
  {
    static const std::string users = "/api/v1/users/";
    auto pos = path.find("/contacts");
    if (path.rfind(users, 0) == 0 && pos != std::string::npos &&
        pos > users.size()) {
      auto owner = path.substr(users.size(), pos - users.size());
      auto rest = path.substr(pos + 9);
      if (owner.find('/') == std::string::npos &&
          (rest.empty() || (rest[0] == '/' && rest.size() > 1 &&
                            rest.find('/', 1) == std::string::npos))) {
        on_contacts_admin(self, std::move(ex), owner,
                          rest.empty() ? std::string{} : rest.substr(1));
        return;
      }
    }
  }
  auto now = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  auto out = st.dir.handle(ex.request.method, path, ex.request.body, now);
  auto send = [](net::http_responder& respond, int status, std::string body) {
    respond(net::http_response{
        status, "application/json", status == 204 ? std::string{} : body, {}});
  };
  if (out.batch.empty()) {
    send(ex.respond, out.status, out.body);
    return;
  }
  st.admin_busy = true;
  auto respond = std::move(ex.respond);
  self->request(st.cfg.clients->storage, caf::infinite, caf::put_atom::value,
                out.batch)
      .then(
          [self, out, respond, send](caf::ok_atom) mutable {
            auto& st = self->state;
            st.dir.commit(out);
            for (auto& ext : out.del_accounts) {
              st.log->info("user {} deleted", ext);
              if (auto it = st.clients.find(ext); it != st.clients.end()) {
                self->send_exit(it->second, caf::exit_reason::user_shutdown);
                st.clients.erase(it);
              }
            }
            for (auto& a : out.put_accounts)
              st.log->info("user {} saved", a.extension);
            send(respond, out.status, out.body);
            next_admin(self);
          },
          [self, respond, send](const caf::error& err) mutable {
            self->state.log->error("admin change not saved: {}",
                                   self->system().render(err));
            send(respond, 500,
                 R"({"error":"storage failure: nothing changed"})");
            next_admin(self);
          });
}

void next_admin(pointer self) {
  auto& st = self->state;
  st.admin_busy = false;
  if (st.admin_queue.empty())
    return;
  auto ex = std::move(st.admin_queue.front());
  st.admin_queue.pop_front();
  on_admin(self, std::move(ex));
}

directory_actor::behavior_type directory_impl(pointer self,
                                              directory_config cfg,
                                              directory::directory initial) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.dir = std::move(initial);
  st.auth =
      std::make_unique<directory::authenticator>(st.dir.realm(), st.cfg.auth);
  st.log->info("{} users, realm {}", st.dir.accounts().size(), st.dir.realm());
  if (!st.cfg.waiting.empty())
    st.log->info("resuming delivery for {} users with waiting messages",
                 st.cfg.waiting.size());
  for (auto& ext : st.cfg.waiting)
    with_client(self, ext, [](const client_actor&) {});
  return {
      [self](atoms::http_atom, http_exchange& ex) {
        on_admin(self, std::move(ex));
      },
      [self](atoms::sipreq_atom, sip_task& t) { on_sip_request(self, t); },
      [self](atoms::mwi_atom, const std::string& ext, std::uint32_t fresh,
             std::uint32_t old) {
        if (!self->state.dir.by_extension(ext))
          return;
        with_client(self, ext, [self, fresh, old](const client_actor& c) {
          self->send(c, atoms::mwi_atom::value, fresh, old);
        });
      },
      [self](atoms::dialog_atom, const std::string& ext,
             const sip::proxy::dialog_view& v) {
        if (!self->state.dir.by_extension(ext))
          return;
        with_client(self, ext, [self, v](const client_actor& c) {
          self->send(c, atoms::dialog_atom::value, v);
        });
      },
      [self](atoms::notify_atom, const std::string& ext,
             const storage::records::queued_message& msg) {
        // A message from the box itself (delivery notice, IMDN).
        if (!self->state.dir.by_extension(ext))
          return;
        enqueue_task task{msg, {}, std::nullopt};
        with_client(self, ext, [self, task](const client_actor& c) {
          self->send(c, atoms::enqueue_atom::value, task);
        });
      },
  };
}

} // namespace

} // namespace dir

directory_actor spawn_directory(caf::actor_system& sys, directory_config cfg,
                                directory::directory initial) {
  return sys.spawn(dir::directory_impl, std::move(cfg), std::move(initial));
}

std::vector<std::string> users_with_messages(storage::store& db,
                                             const directory::directory& dir) {
  std::vector<std::string> out;
  for (auto& [ext, _] : dir.accounts()) {
    auto rows = db.scan(storage::family::messages,
                        storage::records::message_prefix(ext), {}, 1);
    auto subs = db.scan(storage::family::subscriptions,
                        storage::records::subscription_prefix(ext), {}, 1);
    if ((rows && !rows->empty()) || (subs && !subs->empty()))
      out.push_back(ext);
  }
  return out;
}

directory::directory load_directory(storage::store& db,
                                    const std::string& realm) {
  directory::directory dir{realm};
  auto log = log::get("directory");
  for (auto [prefix, is_group] :
       {std::pair{storage::records::account_prefix(), false},
        std::pair{storage::records::group_prefix(), true}}) {
    std::string start;
    for (;;) {
      auto rows = db.scan(storage::family::accounts, prefix, start, 1000);
      if (!rows) {
        log->error("cannot read accounts: {}", rows.error().message);
        break;
      }
      for (auto& [key, value] : *rows) {
        if (is_group) {
          if (auto g = storage::records::decode_group(value))
            dir.load(std::move(*g));
          else
            log->error("bad group record: {}", g.error().message);
        } else if (auto a = storage::records::decode_account(value)) {
          if (a->realm != realm)
            log->warn("user {}: password set for realm {}, the domain is now "
                      "{}: set the password again",
                      a->extension, a->realm, realm);
          dir.load(std::move(*a));
        } else {
          log->error("bad account record: {}", a.error().message);
        }
      }
      if (rows->size() < 1000)
        break;
      start = rows->back().first + '\0';
    }
  }
  return dir;
}

} // namespace ivm::actors