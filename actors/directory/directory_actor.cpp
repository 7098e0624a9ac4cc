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

#include "actors/api/overload.hpp"
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

void on_admin(pointer self, http_exchange ex) {
  auto& st = self->state;
  {
    auto p = ex.request.target.substr(0, ex.request.target.find('?'));
    if (p == "/api/v1/voice-messages" ||
        p.rfind("/api/v1/voice-messages/", 0) == 0 || p == "/api/v1/calls" ||
        p == "/api/v1/faxes" || p.rfind("/api/v1/faxes/", 0) == 0) {
      on_voice(self, std::move(ex));
      return;
    }
    if (p.rfind("/api/v1/me/", 0) == 0) {
      on_me_http(self, std::move(ex));
      return;
    }
  }
  if (st.admin_busy) {
    st.admin_queue.push_back(std::move(ex));
    return;
  }
  auto path = ex.request.target.substr(0, ex.request.target.find('?'));
  if (path == "/api/v1/canned") {
    on_canned_admin(self, std::move(ex), {});
    return;
  }
  for (const std::string what : {"/rules/test", "/rules", "/profile"})
    if (path.rfind("/api/v1/users/", 0) == 0 &&
        path.size() > 14 + what.size() &&
        path.compare(path.size() - what.size(), what.size(), what) == 0) {
      auto owner = path.substr(14, path.size() - 14 - what.size());
      if (owner.find('/') == std::string::npos) {
        on_routing_http(self, std::move(ex), owner, what.substr(1));
        return;
      }
    }
  if (path.rfind("/api/v1/users/", 0) == 0 && path.size() > 21 &&
      path.compare(path.size() - 7, 7, "/canned") == 0) {
    auto owner = path.substr(14, path.size() - 21);
    if (!owner.empty() && owner.find('/') == std::string::npos) {
      on_canned_admin(self, std::move(ex), owner);
      return;
    }
  }
  if (path == "/api/v1/devices" || path.rfind("/api/v1/devices/", 0) == 0) {
    on_devices_admin(self, std::move(ex));
    return;
  }
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
    next_admin(self); // a request dequeued by next_admin: go on
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
              forget_client(self, ext);
            }
            for (auto& a : out.put_accounts) {
              st.log->info("user {} saved", a.extension);
              check_sync_user(self, a.extension); // name shown on phones
            }
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

} // namespace

void next_admin(pointer self) {
  auto& st = self->state;
  st.admin_busy = false;
  if (st.admin_queue.empty())
    return;
  auto ex = std::move(st.admin_queue.front());
  st.admin_queue.pop_front();
  on_admin(self, std::move(ex));
}

namespace {

directory_actor::behavior_type directory_impl(pointer self,
                                              directory_config cfg,
                                              directory::directory initial) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.dir = std::move(initial);
  st.auth =
      std::make_unique<directory::authenticator>(st.dir.realm(), st.cfg.auth);
  st.log->info("{} users, realm {}", st.dir.accounts().size(), st.dir.realm());
  if (st.cfg.clients && st.cfg.clients->metrics) {
    auto& m = *st.cfg.clients->metrics;
    st.loads = &m.make_counter("ivm_client_loads_total",
                               "Client actors loaded from storage (first use "
                               "or back after leaving memory).");
    st.leaves = &m.make_counter("ivm_client_leaves_total",
                                "Idle client actors that left memory.");
    st.overload = &sip_overload_counter(m);
  }
  if (!st.cfg.waiting.empty())
    st.log->info("resuming delivery for {} users with waiting messages",
                 st.cfg.waiting.size());
  for (auto& ext : st.cfg.waiting)
    with_client(self, ext, [](const client_actor&) {});
  // The clients stop with the directory (stop_clients), on an exit message
  // as on an exception.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (!msg.reason)
      return;
    stop_clients(self, msg.reason);
    self->quit(std::move(msg.reason));
  });
  self->set_exception_handler([self](std::exception_ptr&) -> caf::error {
    auto err = caf::make_error(caf::sec::runtime_error, "directory failed");
    stop_clients(self, err);
    return err;
  });
  return {
      [self](atoms::http_atom, http_exchange& ex) {
        on_admin(self, std::move(ex));
      },
      [self](atoms::sipreq_atom, sip_task& t) {
        note_load(self, t.in.received);
        if (too_late_to_start(t.in, self->state.cfg.max_queue_delay)) {
          // Too far behind: refuse new work before the costly part
          // (credentials, storage, relaying), RFC 3261 §21.5.4.
          if (self->state.overload)
            self->state.overload->inc();
          answer(self, t, 503, "Service Unavailable", {{"Retry-After", "5"}});
          return;
        }
        on_sip_request(self, t);
      },
      [self](atoms::mwi_atom, const std::string& ext, std::uint32_t fresh,
             std::uint32_t old) {
        if (!self->state.dir.by_extension(ext))
          return;
        with_client(self, ext, [self, fresh, old](const client_actor& c) {
          self->send(c, atoms::mwi_atom::value, fresh, old);
        });
        // Legacy phones' lamps (issue 15).
        if (self->state.cfg.legacy)
          caf::anon_send(self->state.cfg.legacy, atoms::mwi_atom::value, ext,
                         fresh, old);
      },
      [self](atoms::start_atom, const std::string& ext, const std::string& code,
             const legacy_media& lm) {
        on_legacy_service(self, ext, code, lm);
      },
      [self](atoms::start_atom, const std::string& ext, const std::string& code,
             const legacy_media& lm, const intercom_reach& ask) {
        on_legacy_service(self, ext, code, lm, &ask);
      },
      [self](atoms::rules_atom, const std::string& callee,
             const std::string& caller) -> caf::result<intercom_reach> {
        auto& dir = self->state.dir;
        auto* u = dir.by_extension(callee);
        if (!u || !u->enabled)
          return intercom_reach{{}, "unknown", {}, {}, 20};
        auto* from = dir.by_extension(caller);
        auto name = from ? from->display_name : std::string{};
        auto rp = self->make_response_promise<intercom_reach>();
        with_client(
            self, callee,
            [self, rp, caller, name](const client_actor& c) mutable {
              // An offer waits for the user's answer (<= 300 s).
              self->request(c, std::chrono::seconds{330},
                            atoms::rules_atom::value, caller, name)
                  .then(
                      [rp](intercom_reach& r) mutable {
                        rp.deliver(std::move(r));
                      },
                      [rp](const caf::error&) mutable {
                        rp.deliver(intercom_reach{{}, "offline", {}, {}, 20});
                      });
            });
        return rp;
      },
      [self](atoms::intercom_atom,
             const std::string& ext) -> caf::result<intercom_reach> {
        auto* u = self->state.dir.by_extension(ext);
        if (!u || !u->enabled)
          return intercom_reach{{}, "unknown", {}, {}, 20};
        auto rp = self->make_response_promise<intercom_reach>();
        with_client(self, ext, [self, rp](const client_actor& c) mutable {
          self->request(c, std::chrono::seconds{2}, atoms::intercom_atom::value)
              .then(
                  [rp](intercom_reach& r) mutable { rp.deliver(std::move(r)); },
                  [rp](const caf::error&) mutable {
                    rp.deliver(intercom_reach{{}, "offline", {}, {}, 20});
                  });
        });
        return rp;
      },
      [self](atoms::offer_atom, const std::string& ext, pbx_offer& o) {
        if (!self->state.dir.by_extension(ext))
          return;
        with_client(self, ext, [self, o](const client_actor& c) {
          self->send(c, atoms::offer_atom::value, o);
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
      [self](atoms::seen_atom, device_sighting& s) {
        on_sighting(self, std::move(s));
      },
      [self](atoms::provision_atom, const std::string& mac) {
        return lookup_device(self, mac);
      },
      [self](atoms::idle_atom, const std::string& ext) {
        on_client_idle(self, ext);
      },
      [self](atoms::idle_atom) { on_idle_tick(self); },
      [self](atoms::leave_atom, const std::string& ext,
             const client_residue& residue) {
        on_client_left(self, ext, residue);
      },
      [self](atoms::stay_atom, const std::string& ext) {
        on_client_stays(self, ext);
      },
      [self](atoms::wake_atom, std::uint64_t gen) { on_wake(self, gen); },
      [self](atoms::station_atom, const std::string& ext,
             const std::string& device, const caf::actor& link,
             bool attached) { on_station(self, ext, device, link, attached); },
      [self](atoms::message_atom, const std::string& from,
             const std::string& to, const std::string& text) {
        return on_phone_message(self, from, to, text);
      },
      [self](atoms::command_atom, const std::string& ext,
             const std::string& text) {
        return on_phone_command(self, ext, text);
      },
      [self](atoms::contacts_atom, const std::string& ext) {
        return on_phone_contacts(self, ext);
      },
      [self](atoms::canned_atom, const std::string& ext,
             const std::string& caller) {
        return on_phone_canned(self, ext, caller);
      },
      [self](atoms::trunk_atom, sip_trunks& trunks) {
        self->state.trunks = std::move(trunks);
      },
      [self](atoms::proxy_atom, sip_task& t, const std::string& caller,
             const std::string& to) { on_forward(self, t, caller, to); },
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
                                    const std::string& realm,
                                    const std::string& box_key) {
  directory::directory dir{realm};
  auto log = log::get("directory");
  auto read_user = [&](const std::string&, const std::string& value) {
    auto a = storage::records::decode_account(value);
    if (!a) {
      log->error("bad account record: {}", a.error().message);
      return;
    }
    if (a->realm != realm)
      log->warn("user {}: password set for realm {}, the domain is now "
                "{}: set the password again",
                a->extension, a->realm, realm);
    dir.load(std::move(*a));
  };
  auto read_group = [&](const std::string&, const std::string& value) {
    if (auto g = storage::records::decode_group(value))
      dir.load(std::move(*g));
    else
      log->error("bad group record: {}", g.error().message);
  };
  for (auto st :
       {storage::scan_all(db, storage::family::accounts,
                          storage::records::account_prefix(), read_user),
        storage::scan_all(db, storage::family::accounts,
                          storage::records::group_prefix(), read_group)})
    if (st)
      log->error("cannot read accounts: {}", st->message);
  dir::load_devices(db, dir, box_key);
  return dir;
}

} // namespace ivm::actors