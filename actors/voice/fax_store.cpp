#include "actors/voice/fax_store.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include <nlohmann/json.hpp>

#include "actors/mail/mail_actor.hpp"
#include "actors/voice/fax_keys.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/voice/crypto.hpp"
#include "storage/codec.hpp"
#include "storage/store.hpp"

namespace ivm::actors {

namespace {

using json = nlohmann::json;

void reply(net::http_responder& respond, int status, const json& body) {
  respond(net::http_response{status,
                             "application/json",
                             status == 204 ? std::string{} : body.dump(),
                             {}});
}

json entry_json(const json& e) {
  return {{"id", e.value("id", "")},
          {"from", e.value("from", "")},
          {"from_name", e.value("from_name", "")},
          {"date", directory::iso8601(e.value("date", std::uint64_t{0}))},
          {"pages", e.value("pages", 0)},
          {"complete", e.value("complete", false)},
          {"error", e.value("error", "")}};
}

} // namespace

void store_fax(caf::event_based_actor* self, const fax_store_context& c,
               fax_received f, std::function<void(bool)> done) {
  auto log = log::get("voice");
  auto who = f.user_name.empty() || f.user_name == f.user
                 ? f.user
                 : f.user_name + " (" + f.user + ")";
  auto count = std::to_string(f.pages) + (f.pages == 1 ? " page" : " pages");
  auto notify = [self, c, f](const std::string& text) {
    for (auto& to : f.recipients)
      self->send(
          f.directory, atoms::notify_atom::value, to,
          directory::make_notice(to, c.domain, text, directory::unix_now()));
  };
  if (f.pages == 0) {
    // Nothing came through: the recipients hear of it, nothing is kept.
    log->info("fax from {}: nothing received ({})", f.user, f.error);
    notify("A fax from " + who + " failed: " +
           (f.error.empty() ? std::string{"no page came through"} : f.error) +
           ".");
    done(true);
    return;
  }
  auto id = "f" + new_message_id();
  auto now = directory::unix_now();
  storage::write_batch b;
  b.put(storage::family::voice, fax_blob_key(id),
        voice::seal(f.pdf, c.master_key, id));
  b.put(storage::family::voice, fax_meta_key(id),
        std::to_string(f.recipients.size()));
  json e{{"id", id},        {"from", f.user},   {"from_name", f.user_name},
         {"date", now},     {"pages", f.pages}, {"complete", f.complete},
         {"error", f.error}};
  for (auto& to : f.recipients)
    b.put(storage::family::voice, fax_box_key(to, id), e.dump());
  if (c.mail)
    for (auto& [to, address] : f.mail)
      if (std::find(f.recipients.begin(), f.recipients.end(), to) !=
          f.recipients.end()) {
        mail::outbox_job j{
            to,   address, f.user, f.user_name, static_cast<std::int64_t>(now),
            "fax"};
        b.put(storage::family::voice, mail_outbox_key(id, to), mail::encode(j));
      }
  auto text =
      f.complete
          ? "Fax from " + who + ", " + count + ": GET /api/v1/faxes/" + id
          : "Fax from " + who + ", incomplete (" + f.error + "): " + count +
                " received, GET /api/v1/faxes/" + id;
  self->request(c.storage, caf::infinite, caf::put_atom::value, b)
      .then(
          [c, id, count, text, notify, done, log, user = f.user](caf::ok_atom) {
            log->info("fax {} from {} ({}) stored", id, user, count);
            if (c.clients && c.clients->metrics)
              c.clients->metrics
                  ->make_counter("ivm_faxes_received_total",
                                 "Faxes received in calls (with pages).")
                  .inc();
            notify(text);
            if (c.mail)
              caf::anon_send(c.mail, atoms::wake_atom::value);
            done(true);
          },
          [done, log, self](const caf::error& err) {
            log->error("fax not stored: {}", self->system().render(err));
            done(false);
          });
}

void on_fax_http(caf::event_based_actor* self, const fax_store_context& c,
                 voice_request& r) {
  const auto& req = r.ex.request;
  auto path = req.target.substr(0, req.target.find('?'));
  static const std::string base = "/api/v1/faxes";
  auto respond = r.ex.respond;
  auto user = r.user;
  if (path == base) {
    if (req.method != "GET") {
      reply(respond, 405, {{"error", "method not allowed"}});
      return;
    }
    self->request(c.storage, caf::infinite, atoms::scan_atom::value,
                  storage::family::voice, fax_box_prefix(user), std::string{},
                  std::uint64_t{10000})
        .then(
            [respond](const key_values& rows) mutable {
              auto list = json::array();
              for (auto& [k, v] : rows) {
                auto e = json::parse(v, nullptr, false);
                if (e.is_object())
                  list.push_back(entry_json(e));
              }
              reply(respond, 200, {{"faxes", list}});
            },
            [respond](const caf::error&) mutable {
              reply(respond, 500, {{"error", "storage failure"}});
            });
    return;
  }
  auto id = path.size() > base.size() + 1 && path[base.size()] == '/'
                ? path.substr(base.size() + 1)
                : std::string{};
  if (id.empty() || id.find('/') != std::string::npos ||
      (req.method != "GET" && req.method != "DELETE")) {
    reply(respond, id.empty() ? 404 : 405,
          {{"error", id.empty() ? "no such resource" : "method not allowed"}});
    return;
  }
  bool del = req.method == "DELETE";
  self->request(c.storage, caf::infinite, caf::get_atom::value,
                storage::family::voice, fax_box_key(user, id))
      .then(
          [self, c, respond, user, id, del](const optional_string& e) mutable {
            if (!e) {
              reply(respond, 404, {{"error", "no such fax"}});
              return;
            }
            if (del) {
              self->request(c.storage, caf::infinite, caf::get_atom::value,
                            storage::family::voice, fax_meta_key(id))
                  .then([self, c, respond, user,
                         id](const optional_string& m) mutable {
                    long holders = m ? std::atol(m->c_str()) : 0;
                    storage::write_batch b;
                    b.del(storage::family::voice, fax_box_key(user, id));
                    if (holders <= 1) {
                      b.del(storage::family::voice, fax_blob_key(id));
                      b.del(storage::family::voice, fax_meta_key(id));
                    } else {
                      b.put(storage::family::voice, fax_meta_key(id),
                            std::to_string(holders - 1));
                    }
                    self->request(c.storage, caf::infinite,
                                  caf::put_atom::value, b)
                        .then(
                            [respond](caf::ok_atom) mutable {
                              reply(respond, 204, {});
                            },
                            [respond](const caf::error&) mutable {
                              reply(respond, 500,
                                    {{"error", "storage failure"}});
                            });
                  });
              return;
            }
            self->request(c.storage, caf::infinite, caf::get_atom::value,
                          storage::family::voice, fax_blob_key(id))
                .then([c, respond, id](const optional_string& blob) mutable {
                  auto pdf = blob ? voice::open(*blob, c.master_key, id)
                                  : expected<std::string, std::string>{
                                        unexpected(std::string{"no blob"})};
                  if (!pdf) {
                    reply(respond, 500, {{"error", "cannot read the fax"}});
                    return;
                  }
                  respond(net::http_response{
                      200, "application/pdf", std::move(*pdf), {}});
                });
          },
          [respond](const caf::error&) mutable {
            reply(respond, 500, {{"error", "storage failure"}});
          });
}

} // namespace ivm::actors
