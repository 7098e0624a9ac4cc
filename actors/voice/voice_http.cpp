// The voice messages' HTTP API (issue 6, docs/voice.md): uploads, the
// user's list, one message (Ogg Opus) or its deletion; faxes are passed on
// to fax_store.cpp. The user is authenticated by the directory.

#include <caf/event_based_actor.hpp>

#include <nlohmann/json.hpp>

#include "actors/voice/voice_state.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/voice/audio.hpp"
#include "appliance/voice/crypto.hpp"
#include "storage/codec.hpp"
#include "storage/records/records.hpp"

namespace ivm::actors::voice_detail {

namespace {

namespace records = storage::records;
using json = nlohmann::json;

void reply(net::http_responder& respond, int status, const json& body) {
  respond(net::http_response{status,
                             "application/json",
                             status == 204 ? std::string{} : body.dump(),
                             {}});
}

json error_body(std::string text) {
  return json{{"error", std::move(text)}};
}

std::string id_of(const std::string& path) {
  static const std::string base = "/api/v1/voice-messages/";
  return path.rfind(base, 0) == 0 ? path.substr(base.size()) : std::string{};
}

void on_upload(pointer self, voice_request& r) {
  auto audio = voice::to_ogg_opus(r.ex.request.body);
  if (!audio) {
    reply(r.ex.respond, 415,
          error_body("not audio: " + audio.error() +
                     " (send Ogg Opus or 16-bit PCM WAVE)"));
    return;
  }
  auto respond = r.ex.respond;
  auto recipients = r.recipients;
  store_message(
      self, *audio, r.user, r.user_name, r.recipients, r.directory,
      [respond, recipients](const records::voice_entry& e) mutable {
        reply(respond, 201,
              {{"id", e.id},
               {"duration_ms", e.duration_ms},
               {"recipients", recipients}});
      },
      [respond]() mutable {
        reply(respond, 500, error_body("storage failure: nothing stored"));
      });
}

void on_list(pointer self, voice_request& r) {
  auto respond = r.ex.respond;
  self->request(self->state.cfg.storage, caf::infinite, atoms::scan_atom::value,
                storage::family::voice, records::voice_box_prefix(r.user),
                std::string{}, std::uint64_t{10000})
      .then(
          [respond](const key_values& rows) mutable {
            auto list = json::array();
            for (auto& [k, v] : rows)
              if (auto e = records::decode_voice_entry(v))
                list.push_back({{"id", e->id},
                                {"from", e->from_ext},
                                {"from_name", e->from_name},
                                {"date", directory::iso8601(e->date_s)},
                                {"duration_ms", e->duration_ms},
                                {"heard", e->heard}});
            reply(respond, 200, {{"messages", list}});
          },
          [respond](const caf::error&) mutable {
            reply(respond, 500, error_body("storage failure"));
          });
}

// GET one message (decrypted Ogg Opus, marked heard) or DELETE it. Nobody
// else's messages: the same 404 as for no message.
void on_one(pointer self, voice_request& r, const std::string& id) {
  auto respond = r.ex.respond;
  auto user = r.user;
  auto dir = r.directory;
  bool del = r.ex.request.method == "DELETE";
  with_entry(
      self, user, id,
      [self, respond, user, id, dir, del](records::voice_entry e) mutable {
        if (del) {
          remove_entry(self, user, id, dir, [respond](bool ok) mutable {
            if (ok)
              reply(respond, 204, {});
            else
              reply(respond, 500, error_body("storage failure"));
          });
          return;
        }
        self->request(self->state.cfg.storage, caf::infinite,
                      caf::get_atom::value, storage::family::voice,
                      records::voice_blob_key(id))
            .then(
                [self, respond, user, id, dir,
                 e](const optional_string& blob) mutable {
                  auto& st = self->state;
                  if (!blob) {
                    reply(respond, 404, error_body("no such voice message"));
                    return;
                  }
                  auto plain = voice::open(*blob, st.cfg.master_key, id);
                  if (!plain) {
                    st.log->error("voice message {}: {}", id, plain.error());
                    reply(respond, 500,
                          error_body("cannot decrypt the message"));
                    return;
                  }
                  respond(net::http_response{
                      200, "audio/ogg", std::move(*plain), {}});
                  mark_heard(self, user, e, dir);
                },
                [respond](const caf::error&) mutable {
                  reply(respond, 500, error_body("storage failure"));
                });
      },
      [respond]() mutable {
        reply(respond, 404, error_body("no such voice message"));
      });
}

} // namespace

void on_http(pointer self, voice_request& r) {
  const auto& req = r.ex.request;
  auto path = req.target.substr(0, req.target.find('?'));
  if (path.rfind("/api/v1/faxes", 0) == 0) {
    on_fax_http(self, self->state.fax, r);
    return;
  }
  auto id = id_of(path);
  if (path == "/api/v1/voice-messages") {
    if (req.method == "POST")
      on_upload(self, r);
    else if (req.method == "GET")
      on_list(self, r);
    else
      reply(r.ex.respond, 405, error_body("method not allowed"));
    return;
  }
  if (!id.empty() && id.find('/') == std::string::npos &&
      (req.method == "GET" || req.method == "DELETE")) {
    on_one(self, r, id);
    return;
  }
  reply(r.ex.respond, id.empty() ? 404 : 405,
        error_body(id.empty() ? "no such resource" : "method not allowed"));
}

} // namespace ivm::actors::voice_detail
