// GET /api/v1/devices/{mac}/files (the files a phone fetches, secrets
// masked) and /api/v1/templates (list, text, override, back to built-in).
// Bearer token checked by the admin actor.

#include "actors/provisioning/firmware_store.hpp"
#include "actors/provisioning/provisioning_state.hpp"

#include <nlohmann/json.hpp>

#include "appliance/net/http_server.hpp"
#include "provisioning/phone/device_files.hpp"
#include "provisioning/phone/escape.hpp"
#include "provisioning/phone/render.hpp"

namespace ivm::actors::prov {

namespace {

using json = nlohmann::json;
namespace phone = provisioning::phone;

void reply(const net::http_responder& respond, int code, const json& body) {
  respond(net::http_response{code, "application/json", body.dump(), {}});
}

void not_allowed(const net::http_responder& respond, const char* allow) {
  auto resp = net::http_response{
      405, "application/json", R"({"error":"method not allowed"})", {}};
  resp.headers.emplace_back("Allow", allow);
  respond(std::move(resp));
}

json files_json(const state& st, const phone::device_config& device) {
  auto files = phone::device_files(with_box(st, device), with_box(st, {}),
                                   *st.cfg.templates);
  auto secrets = phone::secrets_of(device);
  auto out = json::array();
  for (auto& f : files)
    out.push_back(
        {{"name", f.name},
         {"kind", std::string{phone::to_string(f.kind)}},
         {"content_type", f.content_type},
         {"text", phone::mask_secrets(f.text, secrets,
                                      phone::format_of(device.vendor_id))}});
  return json{{"files", out}};
}

std::string source_of(const state& st, phone::vendor v, phone::file_kind k) {
  return st.cfg.templates->is_default(v, k) ? "built-in" : "override";
}

json template_json(const state& st, phone::vendor v, phone::file_kind k) {
  return {{"name", phone::template_name(v, k)},
          {"vendor", std::string{phone::to_string(v)}},
          {"kind", std::string{phone::to_string(k)}},
          {"source", source_of(st, v, k)}};
}

/// Replaces the actor's templates with `next` (renders from now on use it).
void swap_in(state& st, phone::templates next) {
  st.cfg.templates = std::make_shared<const phone::templates>(std::move(next));
}

void put_template(pointer self, http_exchange& ex, phone::vendor v,
                  phone::file_kind k) {
  auto& st = self->state;
  auto name = phone::template_name(v, k);
  auto next = *st.cfg.templates;
  if (auto bad = next.set(v, k, ex.request.body)) {
    json body{{"error", name + ": " + bad->to_string()}};
    if (bad->line > 0)
      body["line"] = bad->line;
    reply(ex.respond, 422, body);
    return;
  }
  // Durable first (temp file, fsync, rename), then served.
  auto stored =
      put_firmware(st.cfg.templates_dir, name + ".tmpl", ex.request.body);
  if (!stored) {
    st.log->error("template {} not stored: {}", name, stored.error());
    reply(ex.respond, 500, {{"error", "not stored: " + stored.error()}});
    return;
  }
  swap_in(st, std::move(next));
  st.log->info("template {} replaced ({} bytes)", name, ex.request.body.size());
  auto out = template_json(st, v, k);
  out["text"] = std::string{st.cfg.templates->text(v, k)};
  reply(ex.respond, 200, out);
}

void delete_template(pointer self, http_exchange& ex, phone::vendor v,
                     phone::file_kind k) {
  auto& st = self->state;
  auto name = phone::template_name(v, k);
  std::error_code ec;
  auto file = st.cfg.templates_dir / (name + ".tmpl");
  if (std::filesystem::exists(file, ec) &&
      !remove_firmware(st.cfg.templates_dir, name + ".tmpl")) {
    reply(ex.respond, 500, {{"error", "not removed: " + file.string()}});
    return;
  }
  auto next = *st.cfg.templates;
  next.reset(v, k);
  swap_in(st, std::move(next));
  st.log->info("template {} back to the built-in one", name);
  auto out = template_json(st, v, k);
  out["text"] = std::string{st.cfg.templates->text(v, k)};
  reply(ex.respond, 200, out);
}

} // namespace

void on_device_files(pointer self, http_exchange& ex, std::string_view mac) {
  auto& st = self->state;
  if (ex.request.method != "GET" && ex.request.method != "HEAD") {
    not_allowed(ex.respond, "GET");
    return;
  }
  auto parsed = provisioning::mac_address::parse(mac);
  auto respond = std::move(ex.respond);
  auto unknown = [respond, m = std::string{mac}] {
    reply(respond, 404, {{"error", "no device " + m}, {"field", "mac"}});
  };
  if (!parsed || !st.cfg.directory) {
    unknown();
    return;
  }
  self->request(st.cfg.directory, std::chrono::seconds{5},
                atoms::provision_atom::value, mac_key(*parsed))
      .then(
          [self, respond, unknown](device_lookup& found) {
            if (!found.found) {
              unknown();
              return;
            }
            reply(respond, 200, files_json(self->state, found.cfg));
          },
          [respond](const caf::error& err) {
            reply(respond, 503,
                  {{"error", "directory unavailable: " + caf::to_string(err)}});
          });
}

void on_templates(pointer self, http_exchange& ex, std::string_view rest) {
  auto& st = self->state;
  auto& method = ex.request.method;
  if (rest.empty()) {
    if (method != "GET" && method != "HEAD") {
      not_allowed(ex.respond, "GET");
      return;
    }
    auto out = json::array();
    for (auto [v, k] : phone::template_slots())
      if (st.cfg.templates->find(v, k))
        out.push_back(template_json(st, v, k));
    reply(ex.respond, 200, json{{"templates", out}});
    return;
  }
  auto slot = phone::parse_template_name(rest);
  if (!slot) {
    reply(ex.respond, 404,
          {{"error",
            "no such resource: /api/v1/templates/" + std::string{rest}}});
    return;
  }
  auto [v, k] = *slot;
  if (method == "PUT") {
    put_template(self, ex, v, k);
  } else if (method == "DELETE") {
    delete_template(self, ex, v, k);
  } else if (method == "GET" || method == "HEAD") {
    if (!st.cfg.templates->find(v, k)) {
      reply(ex.respond, 404, {{"error", "no template " + std::string{rest}}});
      return;
    }
    auto out = template_json(st, v, k);
    out["text"] = std::string{st.cfg.templates->text(v, k)};
    reply(ex.respond, 200, out);
  } else {
    not_allowed(ex.respond, "GET, PUT, DELETE");
  }
}

} // namespace ivm::actors::prov
