// Phone files over TFTP and HTTP: classify the name, ask the directory for
// per-device records, render, or point at an uploaded firmware file.

#include "actors/provisioning/access.hpp"
#include "actors/provisioning/firmware_store.hpp"
#include "actors/provisioning/provisioning_state.hpp"

#include <fstream>
#include <iterator>

#include <caf/actor_system.hpp>

#include "appliance/net/http_server.hpp"
#include "provisioning/phone/render.hpp"

namespace ivm::actors::prov {

namespace phone = provisioning::phone;

std::string mac_key(const provisioning::mac_address& mac) {
  auto s = mac.to_compact_upper();
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// The box's fields over the device's record.
phone::device_config with_box(const state& st, phone::device_config cfg) {
  auto& box = st.cfg.box;
  cfg.sip_domain = box.sip_domain;
  cfg.registrar_host = box.registrar_host;
  cfg.registrar_port = box.registrar_port;
  cfg.transport = box.transport;
  cfg.ntp_server = box.ntp_server;
  cfg.timezone = box.timezone;
  cfg.utc_offset_minutes = box.utc_offset_minutes;
  cfg.provisioning_url = box.provisioning_url;
  return cfg;
}

namespace {

/// What a request resolves to.
struct resolved {
  bool found = false;
  std::shared_ptr<const std::string> bytes; ///< generated
  std::string path;                         ///< firmware file
  std::string content_type = "application/octet-stream";
};

resolved rendered(const state& st, phone::vendor v, phone::file_kind k,
                  const phone::device_config& cfg) {
  resolved r;
  if (auto text = phone::render(v, k, cfg, *st.cfg.templates)) {
    r.found = true;
    r.bytes = std::make_shared<const std::string>(std::move(*text));
    r.content_type = std::string{phone::content_type(v)};
  }
  return r;
}

void tell_directory(pointer self, const phone::file_request& fr,
                    const std::string& source, const std::string& address,
                    const std::string& user_agent, const std::string& file) {
  auto mac = fr.phone_mac();
  if (!mac)
    return;
  device_sighting s;
  s.mac = mac_key(*mac);
  s.source = source;
  s.address = address;
  if (fr.vendor_id != phone::vendor::unknown)
    s.vendor = std::string{phone::to_string(fr.vendor_id)};
  s.model = fr.model;
  s.user_agent = user_agent;
  s.file = file;
  sighting(self, std::move(s));
}

/// Resolves everything except per-device files (found=false, kind set).
resolved resolve_shared(const state& st, const phone::file_request& fr,
                        std::string_view name) {
  using phone::file_kind;
  switch (fr.kind) {
    case file_kind::common_config:
    case file_kind::common_index:
      return rendered(st, fr.vendor_id, fr.kind, with_box(st, {}));
    case file_kind::firmware:
    case file_kind::unknown: {
      resolved r;
      if (auto p = find_firmware(st.cfg.firmware_dir, name)) {
        r.found = true;
        r.path = p->string();
      }
      return r;
    }
    default:
      return {};
  }
}

/// Asks the directory for the device of `mac` and renders its file; `then`
/// gets the result and the device record (for credentials).
template <class Then>
void resolve_device(pointer self, const phone::file_request& fr,
                    std::string name, std::string user_agent, Then then) {
  auto& st = self->state;
  if (!st.cfg.directory || fr.mac_conflict() || !fr.mac) {
    then(resolved{}, device_lookup{});
    return;
  }
  self->request(st.cfg.directory, std::chrono::seconds{5},
                atoms::provision_atom::value, mac_key(*fr.mac))
      .then(
          [self, fr, name, user_agent, then](device_lookup& found) mutable {
            if (!found.found) {
              then(resolved{}, std::move(found));
              return;
            }
            auto req = fr;
            if (req.vendor_id == phone::vendor::unknown)
              req = phone::classify(name, user_agent, found.cfg.vendor_id);
            auto r = rendered(self->state, req.vendor_id, req.kind,
                              with_box(self->state, found.cfg));
            then(std::move(r), std::move(found));
          },
          [then](const caf::error&) mutable {
            then(resolved{}, device_lookup{});
          });
}

} // namespace

// -- TFTP ---------------------------------------------------------------------

void on_tftp(pointer self, tftp_lookup& req) {
  auto& st = self->state;
  auto& name = req.info.file_name;
  auto fr = phone::classify(name);
  if (st.tftp_requests)
    st.tftp_requests->inc();
  tell_directory(self, fr, "tftp", req.info.from.host, {}, name);
  auto answer = std::move(req.answer);
  auto to_content = [](const resolved& r) -> std::optional<net::tftp_content> {
    if (!r.found)
      return std::nullopt;
    return net::tftp_content{r.bytes, r.path};
  };
  if (!phone::is_per_device(fr.kind)) {
    answer(to_content(resolve_shared(st, fr, name)));
    return;
  }
  // TFTP has no credentials: per-device files only to the allow list, and
  // the same "not found" as an unknown MAC otherwise.
  if (!allowed(st.allow, req.info.from.host)) {
    answer(std::nullopt);
    return;
  }
  resolve_device(self, fr, name, {},
                 [answer, to_content](resolved r, device_lookup) {
                   answer(to_content(r));
                 });
}

// -- HTTP ---------------------------------------------------------------------

namespace {

net::http_response status(int code, std::string text) {
  return net::http_response{code, "text/plain", std::move(text) + "\n", {}};
}

void respond_with(const net::http_responder& respond, const resolved& r,
                  bool head) {
  if (!r.found) {
    respond(status(404, "not found"));
    return;
  }
  net::http_response resp{200, r.content_type, {}, {}};
  resp.headers.emplace_back("Cache-Control", "no-store");
  if (r.bytes) {
    if (!head)
      resp.body = *r.bytes;
  } else {
    std::ifstream in{r.path, std::ios::binary};
    if (!in) {
      respond(status(404, "not found"));
      return;
    }
    if (!head)
      resp.body.assign(std::istreambuf_iterator<char>{in}, {});
  }
  respond(std::move(resp));
}

} // namespace

void on_http_file(pointer self, http_exchange& ex) {
  auto& st = self->state;
  auto& req = ex.request;
  if (st.http_requests)
    st.http_requests->inc();
  if (req.method != "GET" && req.method != "HEAD") {
    auto resp = status(405, "method not allowed");
    resp.headers.emplace_back("Allow", "GET, HEAD");
    ex.respond(std::move(resp));
    return;
  }
  bool head = req.method == "HEAD";
  auto path = req.target.substr(0, req.target.find('?'));
  // "/<name>" or "/<any directory>/<name>", as phones are configured.
  auto name = path.substr(path.rfind('/') + 1);
  auto user_agent = req.header("User-Agent");
  auto fr = phone::classify(name, user_agent);
  if (name.empty() ||
      (fr.name.empty() && fr.kind == phone::file_kind::unknown &&
       bad_firmware_name(name))) {
    ex.respond(status(404, "not found"));
    return;
  }
  tell_directory(self, fr, "http", req.remote.host, user_agent, name);
  if (!phone::is_per_device(fr.kind)) {
    respond_with(ex.respond, resolve_shared(st, fr, name), head);
    return;
  }
  auto respond = std::move(ex.respond);
  if (allowed(st.allow, req.remote.host)) {
    resolve_device(self, fr, name, user_agent,
                   [respond, head](resolved r, device_lookup) {
                     respond_with(respond, r, head);
                   });
    return;
  }
  // Credentials or 401, for every per-device name: which MACs are known is
  // never revealed.
  auto authorization = req.header("Authorization");
  auto challenge401 = [self](bool stale) {
    auto resp = status(401, "authentication required");
    resp.headers.emplace_back(
        "WWW-Authenticate", challenge(*self->state.nonces,
                                      std::chrono::system_clock::now(), stale));
    return resp;
  };
  if (authorization.empty()) {
    respond(challenge401(false));
    return;
  }
  resolve_device(
      self, fr, name, user_agent,
      [self, respond, head, challenge401, authorization, method = req.method,
       uri = req.target](resolved r, device_lookup dev) {
        auto result =
            check_credentials(authorization, method, uri, dev.cfg.auth_user,
                              dev.cfg.auth_password, *self->state.nonces,
                              std::chrono::system_clock::now());
        if (!dev.found || result != auth_result::ok) {
          respond(challenge401(dev.found && result == auth_result::stale));
          return;
        }
        respond_with(respond, r, head);
      });
}

} // namespace ivm::actors::prov
