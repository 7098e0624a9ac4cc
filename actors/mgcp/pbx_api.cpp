// A PBX's CTI link as an admin resource (issue 17): /api/v1/pbx[/NAME] and
// the digital phones on it through /api/v1/stations ("pbx", "device").
// A PBX is kept as a media gateway of protocol "csta" (its ECMA-323
// edition as the encoding), its stations as stations with the device
// number as the endpoint. docs/admin-api.md, "PBX links".

#include <algorithm>
#include <cctype>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/mgcp/agent_api.hpp"
#include "appliance/csta/link.hpp"
#include "appliance/directory/trunks.hpp"

namespace ivm::actors::agent {

namespace {

json pbx_json(const gateway_entry& g) {
  json j{
      {"name", g.record.name},
      {"address", g.record.address},
      {"edition", g.record.encoding},
      {"handshake", g.record.handshake.empty() ? "none" : g.record.handshake},
      {"tls", g.record.tls},
      {"created", iso8601(g.record.created_s)}};
  if (!g.record.fingerprint.empty())
    j["fingerprint"] = g.record.fingerprint;
  if (!g.record.trunk.empty()) {
    j["trunk"] = g.record.trunk;
    auto p = directory::parse_prefixes(g.record.trunk_prefixes);
    j["trunk_prefixes"] = p ? *p : std::vector<std::string>{};
  }
  return j;
}

// "trunk" (host:port of the PBX's SIP side, "" for none) and
// "trunk_prefixes" (["3", "40"]) into `g`; false after answering 400.
bool read_trunk(const json& j, rec::media_gateway& g,
                net::http_responder& respond) {
  if (j.contains("trunk")) {
    auto text = j["trunk"].is_string()
                    ? std::optional<std::string>{j["trunk"].get<std::string>()}
                    : std::nullopt;
    auto ep = text && text->empty()
                  ? std::optional<net::endpoint>{net::endpoint{}}
                  : endpoint_of(text);
    if (!ep) {
      error(respond, 400,
            "trunk: host:port where the PBX takes SIP calls "
            "(e.g. 192.0.2.20:5060), or \"\" for none",
            "trunk");
      return false;
    }
    g.trunk = ep->host.empty() ? std::string{} : net::to_string(*ep);
  }
  if (j.contains("trunk_prefixes")) {
    auto& p = j["trunk_prefixes"];
    std::string joined;
    bool ok = p.is_array();
    for (auto& item : p) {
      if (!item.is_string() ||
          item.get<std::string>().find(',') != std::string::npos) {
        ok = false;
        break;
      }
      joined += (joined.empty() ? "" : ",") + item.get<std::string>();
    }
    auto parsed =
        ok ? directory::parse_prefixes(joined) : directory::parse_prefixes(",");
    if (!ok || !parsed || (!p.empty() && parsed->empty())) {
      error(respond, 400,
            "trunk_prefixes: up to 32 number prefixes of 1 to 15 digits, "
            "e.g. [\"3\", \"40\"]",
            "trunk_prefixes");
      return false;
    }
    g.trunk_prefixes = directory::encode_prefixes(*parsed);
  }
  if (g.trunk.empty() && !g.trunk_prefixes.empty()) {
    error(respond, 400, "trunk_prefixes: only with a \"trunk\"",
          "trunk_prefixes");
    return false;
  }
  return true;
}

// "ab:cd:..." or "abcd..." (SHA-256, 64 hex digits) -> "AB:CD:...".
std::optional<std::string> fingerprint_of(const std::string& text) {
  std::string hex;
  for (char c : text) {
    if (c == ':')
      continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
    hex += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 64)
    return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2)
    out += (i ? ":" : "") + hex.substr(i, 2);
  return out;
}

bool valid_device(const std::string& s) {
  // A PBX's device number: digits, maybe a leading '+'.
  return !s.empty() && s.size() <= 32 &&
         std::all_of(s.begin() + (s[0] == '+' ? 1 : 0), s.end(),
                     [](char c) { return c >= '0' && c <= '9'; }) &&
         s != "+";
}

void list(pointer self, net::http_responder respond, const std::string& only) {
  auto& st = self->state;
  std::vector<const gateway_entry*> found;
  for (auto& [name, g] : st.gateways)
    if (g.record.protocol == "csta" && (only.empty() || name == only))
      found.push_back(&g);
  if (!only.empty() && found.empty()) {
    error(respond, 404, "no such PBX");
    return;
  }
  auto items = std::make_shared<std::vector<json>>();
  std::vector<caf::actor> actors;
  for (auto* g : found) {
    items->push_back(pbx_json(*g));
    actors.push_back(g->actor);
  }
  auto r = std::make_shared<net::http_responder>(std::move(respond));
  // Devices, not endpoints: what the PBX's phones are doing.
  auto add = [](json& j, const mgcp_gateway_status& s) {
    add_status(j, s);
    auto devices = json::array();
    for (auto& e : j["endpoints"])
      devices.push_back({{"device", e["endpoint"]},
                         {"extension", e["extension"]},
                         {"activity", e["line"]},
                         {"hook", e["hook"]},
                         {"lamp", e["lamp"]}});
    j.erase("endpoints");
    j["devices"] = std::move(devices);
  };
  with_statuses(self, items, std::move(actors), add, [items, r, only] {
    if (!only.empty())
      reply(*r, 200, items->front());
    else
      reply(*r, 200, json{{"pbx", *items}});
  });
}

void post(pointer self, const json& j, net::http_responder respond) {
  auto& st = self->state;
  for (auto& [k, v] : j.items())
    if (k != "name" && k != "address" && k != "edition" && k != "handshake" &&
        k != "tls" && k != "fingerprint" && k != "trunk" &&
        k != "trunk_prefixes") {
      error(respond, 400, "unknown field", k);
      return;
    }
  auto str = [&](const char* f,
                 const char* dflt) -> std::optional<std::string> {
    if (!j.contains(f))
      return std::string{dflt};
    if (!j[f].is_string())
      return std::nullopt;
    return j[f].get<std::string>();
  };
  auto name = str("name", ""), address = str("address", ""),
       edition = str("edition", "ed4"), handshake = str("handshake", "none");
  if (!name || !valid_name(*name)) {
    error(respond, 400, "name: 1 to 64 of A-Z a-z 0-9 . _ -", "name");
    return;
  }
  auto ep = endpoint_of(address);
  if (!ep) {
    error(respond, 400,
          "address: host:port of the PBX's CSTA link "
          "(e.g. 192.0.2.20:1040)",
          "address");
    return;
  }
  if (!edition ||
      (*edition != "ed3" && *edition != "ed4" && *edition != "ed6")) {
    error(respond, 400, "edition: ed3, ed4 or ed6", "edition");
    return;
  }
  if (!handshake || !csta::handshake_of(*handshake)) {
    error(respond, 400,
          "handshake: none, system-register or application-session",
          "handshake");
    return;
  }
  if (j.contains("tls") && !j["tls"].is_boolean()) {
    error(respond, 400, "tls: true or false", "tls");
    return;
  }
  std::string pinned;
  if (j.contains("fingerprint")) {
    auto fp = j["fingerprint"].is_string()
                  ? fingerprint_of(j["fingerprint"].get<std::string>())
                  : std::nullopt;
    if (!fp) {
      error(respond, 400,
            "fingerprint: the SHA-256 of the PBX's certificate, 64 hex "
            "digits (colons allowed)",
            "fingerprint");
      return;
    }
    pinned = *fp;
  }
  bool tls = j.value("tls", !pinned.empty());
  if (!tls && !pinned.empty()) {
    error(respond, 400, "fingerprint: only with \"tls\": true", "fingerprint");
    return;
  }
  if (st.gateways.count(*name)) {
    error(respond, 409, "a gateway or PBX with that name exists", "name");
    return;
  }
  for (auto& [n, g] : st.gateways)
    if (g.record.protocol == "csta" && g.address == *ep) {
      error(respond, 409, "PBX " + n + " has that address", "address");
      return;
    }
  rec::media_gateway g;
  g.name = *name;
  g.protocol = "csta";
  g.address = net::to_string(*ep);
  g.domain = *name;
  g.encoding = *edition;
  g.handshake = *handshake;
  g.tls = tls;
  g.fingerprint = pinned;
  if (!read_trunk(j, g, respond))
    return;
  g.created_s = static_cast<std::uint64_t>(std::time(nullptr));
  storage::write_batch b;
  b.put(storage::family::devices, rec::media_gateway_key(g.name), encode(g));
  gateway_entry e{g, *ep, {}};
  write(self, std::move(b), std::move(respond), 201, pbx_json(e),
        [self, e]() mutable {
          auto& st = self->state;
          auto& slot = st.gateways[e.record.name] = std::move(e);
          if (st.started)
            start_gateway(self, slot);
          st.log->info("PBX {} added ({}, {})", slot.record.name,
                       slot.record.address, slot.record.encoding);
          publish_trunks(self);
        });
}

// PATCH /api/v1/pbx/NAME: the SIP trunk of a PBX can change without
// touching its link or its stations.
void patch(pointer self, const std::string& name, const json& j,
           net::http_responder respond) {
  auto& st = self->state;
  auto found = st.gateways.find(name);
  if (found == st.gateways.end() || found->second.record.protocol != "csta") {
    error(respond, 404, "no such PBX");
    return;
  }
  for (auto& [k, v] : j.items())
    if (k != "trunk" && k != "trunk_prefixes") {
      error(respond, 400,
            k == "name" || k == "address" || k == "edition" ||
                    k == "handshake" || k == "tls" || k == "fingerprint"
                ? "only trunk and trunk_prefixes change; delete and add the "
                  "PBX for the rest"
                : "unknown field",
            k);
      return;
    }
  auto g = found->second.record;
  if (j.contains("trunk") && !j.contains("trunk_prefixes") && j["trunk"] == "")
    g.trunk_prefixes.clear(); // no trunk: no prefixes either
  if (!read_trunk(j, g, respond))
    return;
  storage::write_batch b;
  b.put(storage::family::devices, rec::media_gateway_key(name), encode(g));
  gateway_entry shown{g, found->second.address, {}};
  write(self, std::move(b), std::move(respond), 200, pbx_json(shown),
        [self, g] {
          auto& st = self->state;
          auto it = st.gateways.find(g.name);
          if (it == st.gateways.end())
            return;
          it->second.record.trunk = g.trunk;
          it->second.record.trunk_prefixes = g.trunk_prefixes;
          if (it->second.actor)
            self->send(it->second.actor, atoms::trunk_atom::value, g.trunk);
          st.log->info("PBX {}: SIP trunk {}", g.name,
                       g.trunk.empty() ? "none" : g.trunk);
          publish_trunks(self);
        });
}

} // namespace

void pin_pbx_certificate(pointer self, const std::string& name,
                         const std::string& fingerprint) {
  auto& st = self->state;
  auto g = st.gateways.find(name);
  if (g == st.gateways.end() || g->second.record.protocol != "csta" ||
      !g->second.record.fingerprint.empty())
    return;
  g->second.record.fingerprint = fingerprint;
  storage::write_batch b;
  b.put(storage::family::devices, rec::media_gateway_key(name),
        encode(g->second.record));
  self->request(st.cfg.storage, caf::infinite, caf::put_atom::value, b)
      .then([](caf::ok_atom) {},
            [self, name](const caf::error& e) {
              self->state.log->error("PBX {}: certificate not stored: {}", name,
                                     self->system().render(e));
            });
  st.log->warn("PBX {}: its TLS certificate {} is pinned (first connection)",
               name, fingerprint);
}

bool is_pbx_station(pointer self, const rec::station& s) {
  auto g = self->state.gateways.find(s.gateway);
  return g != self->state.gateways.end() && g->second.record.protocol == "csta";
}

json pbx_station_json(const rec::station& s) {
  json j{{"pbx", s.gateway},
         {"device", s.endpoint},
         {"extension", s.extension},
         {"created", iso8601(s.created_s)}};
  if (s.display_rows || s.display_columns)
    j["display"] = {{"rows", s.display_rows}, {"columns", s.display_columns}};
  if (!s.im_key.empty())
    j["im_key"] = s.im_key;
  return j;
}

void post_pbx_station(pointer self, const json& j,
                      net::http_responder respond) {
  auto& st = self->state;
  for (auto& [k, v] : j.items())
    if (k != "pbx" && k != "device" && k != "extension" && k != "display" &&
        k != "im_key") {
      error(respond, 400, "unknown field", k);
      return;
    }
  auto get = [&](const char* f) {
    return j.contains(f) && j[f].is_string() ? j[f].get<std::string>()
                                             : std::string{};
  };
  auto pbx = get("pbx"), device = get("device"), ext = get("extension"),
       key = get("im_key");
  auto g = st.gateways.find(pbx);
  if (g == st.gateways.end() || g->second.record.protocol != "csta") {
    error(respond, 400, "pbx: no such PBX", "pbx");
    return;
  }
  if (!valid_device(device)) {
    error(respond, 400, "device: the phone's number on the PBX, e.g. 3001",
          "device");
    return;
  }
  if (!valid_extension(ext)) {
    error(respond, 400, "extension: 1 to 15 digits", "extension");
    return;
  }
  rec::station s{pbx, device, ext, 0, 0, 0, {}};
  if (j.contains("display")) {
    auto& d = j["display"];
    auto in = [&](const char* f, unsigned lo, unsigned hi) {
      return d.is_object() && d.contains(f) && d[f].is_number_unsigned() &&
             d[f].get<unsigned>() >= lo && d[f].get<unsigned>() <= hi;
    };
    if (!in("rows", 1, 16) || !in("columns", 8, 80) || d.size() != 2) {
      error(respond, 400, "display: {\"rows\": 1 to 16, \"columns\": 8 to 80}",
            "display");
      return;
    }
    s.display_rows = d["rows"].get<unsigned>();
    s.display_columns = d["columns"].get<unsigned>();
  }
  if (j.contains("im_key") &&
      (!j["im_key"].is_string() || key.empty() || key.size() > 16)) {
    error(respond, 400, "im_key: the button's id on the phone, e.g. 12",
          "im_key");
    return;
  }
  s.im_key = key;
  for (auto& [id, other] : st.stations)
    if (other.gateway == pbx && other.endpoint == device) {
      error(respond, 409, "that device is a station already", "device");
      return;
    }
  s.created_s = static_cast<std::uint64_t>(std::time(nullptr));
  storage::write_batch b;
  b.put(storage::family::devices, rec::station_key(pbx, device), encode(s));
  write(self, std::move(b), std::move(respond), 201, pbx_station_json(s),
        [self, s] { station_added(self, s); });
}

bool on_pbx_http(pointer self, http_exchange& ex) {
  auto& req = ex.request;
  auto path = req.target.substr(0, req.target.find('?'));
  const std::string base = "/api/v1/pbx";
  auto not_allowed = [&](const char* allow) {
    ex.respond(net::http_response{405,
                                  "application/json",
                                  json{{"error", "method not allowed"}}.dump(),
                                  {{"Allow", allow}}});
  };
  if (path == base) {
    if (req.method == "GET") {
      list(self, std::move(ex.respond), {});
    } else if (req.method == "POST") {
      auto j = json::parse(req.body, nullptr, false);
      if (j.is_discarded() || !j.is_object())
        error(ex.respond, 400, "the body must be a JSON object");
      else
        post(self, j, std::move(ex.respond));
    } else {
      not_allowed("GET, POST");
    }
    return true;
  }
  if (path.rfind(base + "/", 0) == 0) {
    auto name = path.substr(base.size() + 1);
    if (req.method == "GET")
      list(self, std::move(ex.respond), name);
    else if (req.method == "DELETE")
      delete_gateway(self, name, std::move(ex.respond), true);
    else if (req.method == "PATCH") {
      auto j = json::parse(req.body, nullptr, false);
      if (j.is_discarded() || !j.is_object())
        error(ex.respond, 400, "the body must be a JSON object");
      else
        patch(self, name, j, std::move(ex.respond));
    } else
      not_allowed("GET, PATCH, DELETE");
    return true;
  }
  return false;
}

} // namespace ivm::actors::agent
