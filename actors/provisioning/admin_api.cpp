// /api/v1/dhcp, /api/v1/firmware, /api/v1/templates and
// /api/v1/devices/{mac}/files (bearer token checked by the admin actor).

#include "actors/provisioning/firmware_store.hpp"
#include "actors/provisioning/provisioning_state.hpp"

#include <nlohmann/json.hpp>

#include "actors/api/provisioning.hpp"
#include "appliance/main/provisioning_scope.hpp"
#include "appliance/net/http_server.hpp"

namespace ivm::actors::prov {

namespace {

using json = nlohmann::json;
namespace dhcp = provisioning::dhcp;

void reply(const net::http_responder& respond, int code, const json& body) {
  respond(net::http_response{code, "application/json", body.dump(), {}});
}

json addresses(const std::vector<dhcp::ipv4_address>& xs) {
  auto out = json::array();
  for (auto& x : xs)
    out.push_back(x.to_string());
  return out;
}

json dhcp_view(const state& st) {
  json out{{"enabled", st.dhcp.has_value()},
           {"interface", st.cfg.dhcp_interface},
           {"source", st.cfg.dhcp_from_store ? "api" : "file"}};
  if (st.cfg.dhcp_error)
    out["error"] = *st.cfg.dhcp_error;
  if (!st.dhcp) {
    // Off: the settings as they would be served once enabled.
    if (st.cfg.settings) {
      auto d = json::parse(app::dhcp_settings_json(st.cfg.settings->dhcp));
      d.erase("enabled");
      out.update(d);
    }
    out["leases"] = json::array();
    out["rogue_servers"] = json::array();
    return out;
  }
  auto& c = st.dhcp->config();
  out["server_address"] = c.server_address.to_string();
  out["pool"] = c.pool_first.to_string() + "-" + c.pool_last.to_string();
  out["subnet_mask"] = c.subnet_mask.to_string();
  out["router"] = addresses(c.routers);
  out["dns"] = addresses(c.dns);
  out["ntp"] = addresses(c.ntp);
  out["lease_time_s"] = c.lease_time.count();
  out["tftp_server"] = c.tftp_server_name;
  out["cisco_tftp"] = addresses(c.cisco_tftp);
  auto always = json::array();
  for (auto code : c.always_send)
    always.push_back(code);
  out["always_send"] = always;
  auto res = json::array();
  for (auto& r : c.reservations)
    res.push_back(
        {{"mac", r.mac.to_string()}, {"address", r.address.to_string()}});
  out["reservations"] = res;
  out["authoritative"] = c.authoritative;
  auto now = dhcp::clock_type::now();
  auto leases = json::array();
  for (auto& l : st.dhcp->pool().snapshot()) {
    auto state = dhcp::current_state(l, now);
    auto left = std::chrono::duration_cast<std::chrono::seconds>(l.expiry - now)
                    .count();
    leases.push_back({{"mac", l.mac.to_string()},
                      {"address", l.address.to_string()},
                      {"state", dhcp::to_string(state)},
                      {"expires_s", left > 0 ? left : 0}});
  }
  out["leases"] = leases;
  auto rogues = json::array();
  for (auto& r : st.rogue_servers)
    rogues.push_back(r);
  out["rogue_servers"] = rogues;
  return out;
}

void on_firmware(pointer self, http_exchange& ex, std::string_view rest) {
  auto& st = self->state;
  auto& req = ex.request;
  auto& dir = st.cfg.firmware_dir;
  if (rest.empty()) {
    if (req.method != "GET") {
      auto resp = net::http_response{
          405, "application/json", R"({"error":"method not allowed"})", {}};
      resp.headers.emplace_back("Allow", "GET");
      ex.respond(std::move(resp));
      return;
    }
    auto out = json::array();
    for (auto& f : list_firmware(dir))
      out.push_back({{"name", f.name}, {"size", f.size}, {"sha256", f.sha256}});
    reply(ex.respond, 200, out);
    return;
  }
  auto name = std::string{rest};
  if (auto bad = bad_firmware_name(name)) {
    reply(ex.respond, 422, {{"error", "bad firmware name: " + *bad}});
    return;
  }
  if (req.method == "PUT") {
    auto existed = find_firmware(dir, name).has_value();
    auto stored = put_firmware(dir, name, req.body);
    if (!stored) {
      st.log->error("firmware upload failed: {}", stored.error());
      reply(ex.respond, 500, {{"error", "not stored: " + stored.error()}});
      return;
    }
    st.log->info("firmware {} stored ({} bytes)", name, stored->size);
    reply(ex.respond, existed ? 200 : 201,
          {{"name", stored->name},
           {"size", stored->size},
           {"sha256", stored->sha256}});
  } else if (req.method == "DELETE") {
    if (!remove_firmware(dir, name)) {
      reply(ex.respond, 404, {{"error", "no such firmware: " + name}});
      return;
    }
    st.log->info("firmware {} deleted", name);
    ex.respond(net::http_response{204, "application/json", {}, {}});
  } else if (req.method == "GET" || req.method == "HEAD") {
    for (auto& f : list_firmware(dir))
      if (f.name == name) {
        reply(ex.respond, 200,
              {{"name", f.name}, {"size", f.size}, {"sha256", f.sha256}});
        return;
      }
    reply(ex.respond, 404, {{"error", "no such firmware: " + name}});
  } else {
    auto resp = net::http_response{
        405, "application/json", R"({"error":"method not allowed"})", {}};
    resp.headers.emplace_back("Allow", "GET, PUT, DELETE");
    ex.respond(std::move(resp));
  }
}

} // namespace

net::http_response dhcp_view_response(const state& st) {
  return net::http_response{200, "application/json", dhcp_view(st).dump(), {}};
}

void on_admin(pointer self, http_exchange& ex) {
  auto path = ex.request.target.substr(0, ex.request.target.find('?'));
  constexpr std::string_view firmware = "/api/v1/firmware";
  if (path == firmware) {
    on_firmware(self, ex, {});
    return;
  }
  if (path.rfind(std::string{firmware} + "/", 0) == 0) {
    on_firmware(self, ex, std::string_view{path}.substr(firmware.size() + 1));
    return;
  }
  constexpr std::string_view templates = "/api/v1/templates";
  if (path == templates) {
    on_templates(self, ex, {});
    return;
  }
  if (path.rfind(std::string{templates} + "/", 0) == 0) {
    on_templates(self, ex, std::string_view{path}.substr(templates.size() + 1));
    return;
  }
  if (auto mac = device_files_mac(path)) {
    on_device_files(self, ex, *mac);
    return;
  }
  if (path == "/api/v1/dhcp") {
    if (ex.request.method == "GET" || ex.request.method == "HEAD") {
      ex.respond(dhcp_view_response(self->state));
      return;
    }
    if (ex.request.method == "PUT" || ex.request.method == "PATCH" ||
        ex.request.method == "DELETE") {
      on_dhcp_scope(self, ex);
      return;
    }
    auto resp = net::http_response{
        405, "application/json", R"({"error":"method not allowed"})", {}};
    resp.headers.emplace_back("Allow", "GET, PUT, PATCH, DELETE");
    ex.respond(std::move(resp));
    return;
  }
  reply(ex.respond, 404, {{"error", "no such resource: " + path}});
}

} // namespace ivm::actors::prov
