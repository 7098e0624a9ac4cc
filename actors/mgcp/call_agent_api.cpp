// The MGCP call agent's admin resources (issue 15): /api/v1/gateways and
// /api/v1/stations (docs/admin-api.md, "Media gateways and stations").

#include <algorithm>
#include <ctime>
#include <map>
#include <set>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include <nlohmann/json.hpp>

#include "actors/mgcp/agent_api.hpp"
#include "actors/mgcp/agent_state.hpp"
#include "appliance/common/log.hpp"
#include "appliance/mgcp/message.hpp"
#include "appliance/mgcp/text.hpp"
#include "appliance/net/udp_socket.hpp"

namespace ivm::actors::agent {

std::string iso8601(std::uint64_t s) {
  auto t = static_cast<std::time_t>(s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void reply(net::http_responder& respond, int status, const json& body) {
  respond(net::http_response{status, "application/json", body.dump(), {}});
}

void error(net::http_responder& respond, int status, const std::string& text,
           const std::string& field) {
  json body{{"error", text}};
  if (!field.empty())
    body["field"] = field;
  reply(respond, status, body);
}

bool valid_name(const std::string& s) {
  return !s.empty() && s.size() <= 64 &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                  c == '_' || c == '.';
         });
}

bool valid_endpoint_name(const std::string& s) {
  // RFC 3435 §3.2.1.1: a local name of printable characters without
  // wildcards, '@' or spaces ("aaln/1", "S0/DS1-0/1").
  return !s.empty() && s.size() <= 128 &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return c > 0x20 && c < 0x7f && c != '@' && c != '*' && c != '$';
         });
}

bool valid_extension(const std::string& s) {
  return !s.empty() && s.size() <= 15 &&
         std::all_of(s.begin(), s.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

json station_json(pointer self, const rec::station& s) {
  if (is_pbx_station(self, s))
    return pbx_station_json(s);
  return {{"gateway", s.gateway},
          {"endpoint", s.endpoint},
          {"extension", s.extension},
          {"created", iso8601(s.created_s)}};
}

json gateway_json(const gateway_entry& g) {
  json j{{"name", g.record.name},
         {"protocol", g.record.protocol},
         {"address", g.record.address},
         {"domain", g.record.domain},
         {"created", iso8601(g.record.created_s)}};
  if (g.record.protocol == "megaco")
    j["encoding"] = g.record.encoding.empty() ? "long" : g.record.encoding;
  return j;
}

void add_status(json& j, const mgcp_gateway_status& s) {
  j["state"] = s.phase;
  j["since"] = iso8601(s.since_s);
  auto eps = json::array();
  for (auto& l : s.lines)
    eps.push_back({{"endpoint", l.endpoint},
                   {"extension", l.extension},
                   {"line", l.phase},
                   {"hook", l.off_hook ? "off" : "on"},
                   {"lamp", l.lamp}});
  j["endpoints"] = std::move(eps);
}

void write(pointer self, storage::write_batch b, net::http_responder respond,
           int status, json body, std::function<void()> then) {
  self->request(self->state.cfg.storage, caf::infinite, caf::put_atom::value,
                std::move(b))
      .then(
          [respond, status, body, then](caf::ok_atom) mutable {
            then();
            reply(respond, status, body);
          },
          [respond](const caf::error&) mutable {
            error(respond, 503, "storage unavailable: nothing changed");
          });
}

void delete_gateway(pointer self, const std::string& name,
                    net::http_responder respond, bool pbx) {
  auto& st = self->state;
  auto found = st.gateways.find(name);
  if (found == st.gateways.end() ||
      (found->second.record.protocol == "csta") != pbx) {
    error(respond, 404, pbx ? "no such PBX" : "no such gateway");
    return;
  }
  storage::write_batch b;
  b.del(storage::family::devices, rec::media_gateway_key(name));
  for (auto& [id, s] : st.stations)
    if (s.gateway == name)
      b.del(storage::family::devices, rec::station_key(name, s.endpoint));
  write(self, std::move(b), std::move(respond), 200, json{{"deleted", name}},
        [self, name, pbx] {
          auto& st = self->state;
          auto it = st.gateways.find(name);
          if (it == st.gateways.end())
            return;
          for (auto s = st.stations.begin(); s != st.stations.end();)
            if (s->second.gateway == name) {
              if (it->second.actor)
                self->send(it->second.actor, atoms::stop_atom::value,
                           s->second.endpoint);
              s = st.stations.erase(s);
            } else {
              ++s;
            }
          if (it->second.actor)
            self->send_exit(it->second.actor, caf::exit_reason::user_shutdown);
          st.gateways.erase(it);
          st.log->info("{} {} deleted", pbx ? "PBX" : "gateway", name);
          if (pbx)
            publish_trunks(self);
        });
}

void with_statuses(pointer self, std::shared_ptr<std::vector<json>> items,
                   std::vector<caf::actor> actors,
                   std::function<void(json&, const mgcp_gateway_status&)> add,
                   std::function<void()> done) {
  auto left = std::make_shared<std::size_t>(actors.size());
  auto one_done = [left, done] {
    if (--*left == 0)
      done();
  };
  if (actors.empty()) {
    done();
    return;
  }
  for (std::size_t i = 0; i < actors.size(); ++i) {
    if (!actors[i]) {
      (*items)[i]["state"] = "stopped";
      one_done();
      continue;
    }
    self->request(actors[i], std::chrono::seconds{2}, caf::get_atom::value)
        .then(
            [items, add, one_done, i](const mgcp_gateway_status& s) {
              add((*items)[i], s);
              one_done();
            },
            [items, one_done, i](const caf::error&) {
              (*items)[i]["state"] = "unknown";
              one_done();
            });
  }
}

void station_added(pointer self, const rec::station& s) {
  auto& st = self->state;
  st.stations[station_id(s.gateway, s.endpoint)] = s;
  auto g = st.gateways.find(s.gateway);
  if (g != st.gateways.end() && g->second.actor) {
    if (g->second.record.protocol == "csta")
      self->send(g->second.actor, caf::put_atom::value, s);
    else
      self->send(g->second.actor, caf::put_atom::value, s.endpoint,
                 s.extension);
  }
  recount(self, s.extension);
  if (is_pbx_station(self, s))
    publish_trunks(self);
  st.log->info("station {} on {} {}", s.extension, s.gateway, s.endpoint);
}

std::optional<net::endpoint>
endpoint_of(const std::optional<std::string>& text) {
  if (!text)
    return std::nullopt;
  auto ep = net::parse_endpoint(*text);
  if (!ep || ep->port == 0)
    return std::nullopt;
  return *ep;
}

namespace {

// GET /api/v1/gateways[/NAME]: the records with each one's live state.
void list_gateways(pointer self, net::http_responder respond,
                   const std::string& only) {
  auto& st = self->state;
  auto items = std::make_shared<std::vector<json>>();
  std::vector<caf::actor> actors;
  for (auto& [name, g] : st.gateways)
    if ((only.empty() || name == only) && g.record.protocol != "csta") {
      items->push_back(gateway_json(g));
      actors.push_back(g.actor);
    }
  if (!only.empty() && items->empty()) {
    error(respond, 404, "no such gateway");
    return;
  }
  auto pending = json::array();
  for (auto& [addr, p] : st.pending)
    pending.push_back({{"address", p.address},
                       {"endpoint", p.endpoint},
                       {"first_seen", iso8601(p.first_s)},
                       {"last_seen", iso8601(p.last_s)}});
  auto r = std::make_shared<net::http_responder>(std::move(respond));
  with_statuses(
      self, items, std::move(actors), add_status, [items, pending, r, only] {
        if (!only.empty())
          reply(*r, 200, items->front());
        else
          reply(*r, 200, json{{"gateways", *items}, {"pending", pending}});
      });
}

void post_gateway(pointer self, const json& j, net::http_responder respond) {
  auto& st = self->state;
  auto str = [&](const char* f) -> std::optional<std::string> {
    if (!j.contains(f))
      return std::string{};
    if (!j[f].is_string())
      return std::nullopt;
    return j[f].get<std::string>();
  };
  for (auto& [k, v] : j.items())
    if (k != "name" && k != "protocol" && k != "address" && k != "domain" &&
        k != "encoding") {
      error(respond, 400, "unknown field", k);
      return;
    }
  auto name = str("name"), protocol = str("protocol"), address = str("address"),
       domain = str("domain"), encoding = str("encoding");
  if (!name || !valid_name(*name)) {
    error(respond, 400, "name: 1 to 64 of A-Z a-z 0-9 . _ -", "name");
    return;
  }
  if (!protocol ||
      (!protocol->empty() && *protocol != "mgcp" && *protocol != "megaco")) {
    error(respond, 400, "protocol: mgcp or megaco", "protocol");
    return;
  }
  bool megaco = *protocol == "megaco";
  if ((megaco && !st.cfg.megaco_socket) || (!megaco && !st.cfg.socket)) {
    error(respond, 400,
          megaco ? "protocol: megaco.listen is off"
                 : "protocol: mgcp.listen is off",
          "protocol");
    return;
  }
  if (!encoding ||
      (!encoding->empty() &&
       (!megaco || (*encoding != "long" && *encoding != "compact")))) {
    error(respond, 400, "encoding: long or compact (megaco only)", "encoding");
    return;
  }
  auto ep = endpoint_of(address);
  if (!ep) {
    error(respond, 400,
          "address: host:port of the gateway (e.g. 192.0.2.10:2427)",
          "address");
    return;
  }
  if (!domain || (!domain->empty() && !valid_name(*domain))) {
    error(respond, 400, "domain: the gateway's endpoint domain name", "domain");
    return;
  }
  if (st.gateways.count(*name)) {
    error(respond, 409, "a gateway with that name exists", "name");
    return;
  }
  for (auto& [n, g] : st.gateways)
    if (g.address == *ep) {
      error(respond, 409, "gateway " + n + " has that address", "address");
      return;
    }
  rec::media_gateway g;
  g.name = *name;
  g.protocol = megaco ? "megaco" : "mgcp";
  g.encoding = *encoding == "compact" ? "compact" : "";
  g.address = net::to_string(*ep);
  g.domain = domain->empty() ? *name : *domain;
  g.created_s = unix_now();
  storage::write_batch b;
  b.put(storage::family::devices, rec::media_gateway_key(g.name), encode(g));
  gateway_entry e{g, *ep, {}};
  auto body = gateway_json(e);
  write(self, std::move(b), std::move(respond), 201, body, [self, e]() mutable {
    auto& st = self->state;
    st.pending.erase(net::to_string(e.address));
    st.refused.erase(net::to_string(e.address));
    auto& slot = st.gateways[e.record.name] = std::move(e);
    if (st.started)
      start_gateway(self, slot);
    st.log->info("gateway {} added ({})", slot.record.name,
                 slot.record.address);
  });
}

void post_station(pointer self, const json& j, net::http_responder respond) {
  auto& st = self->state;
  if (j.contains("pbx")) {
    post_pbx_station(self, j, std::move(respond));
    return;
  }
  for (auto& [k, v] : j.items())
    if (k != "gateway" && k != "endpoint" && k != "termination" &&
        k != "extension") {
      error(respond, 400, "unknown field", k);
      return;
    }
  auto get = [&](const char* f) {
    return j.contains(f) && j[f].is_string() ? j[f].get<std::string>()
                                             : std::string{};
  };
  // H.248 names its lines terminations ("line/1"): the same field.
  auto gw = get("gateway"), ext = get("extension");
  auto ep = j.contains("termination") ? get("termination") : get("endpoint");
  auto g = st.gateways.find(gw);
  if (g == st.gateways.end() || g->second.record.protocol == "csta") {
    error(respond, 400, "gateway: no such gateway", "gateway");
    return;
  }
  bool h248 = g->second.record.protocol == "megaco";
  if (!valid_endpoint_name(ep) ||
      (h248 && !std::all_of(ep.begin(), ep.end(), [](char c) {
         // an H.248 TerminationID: safe characters, no wildcards
         return std::isalnum(static_cast<unsigned char>(c)) || c == '/' ||
                c == '_' || c == '-' || c == '.';
       }))) {
    error(respond, 400,
          h248 ? "termination: the line's TerminationID, e.g. line/1"
               : "endpoint: the line's local name, e.g. aaln/1",
          h248 ? "termination" : "endpoint");
    return;
  }
  if (!valid_extension(ext)) {
    error(respond, 400, "extension: 1 to 15 digits", "extension");
    return;
  }
  for (auto& [id, s] : st.stations) {
    if (s.gateway == gw && mgcp::text::iequals(s.endpoint, ep)) {
      error(respond, 409, "that endpoint is a station already", "endpoint");
      return;
    }
  }
  rec::station s{gw, ep, ext, unix_now(), 0, 0, {}};
  storage::write_batch b;
  b.put(storage::family::devices, rec::station_key(gw, ep), encode(s));
  write(self, std::move(b), std::move(respond), 201, station_json(self, s),
        [self, s] { station_added(self, s); });
}

void delete_station(pointer self, const std::string& gw, const std::string& ep,
                    net::http_responder respond) {
  auto& st = self->state;
  auto it = st.stations.find(station_id(gw, ep));
  if (it == st.stations.end()) {
    error(respond, 404, "no such station");
    return;
  }
  storage::write_batch b;
  b.del(storage::family::devices, rec::station_key(gw, ep));
  write(self, std::move(b), std::move(respond), 200,
        json{{"deleted", station_json(self, it->second)}}, [self, gw, ep] {
          auto& st = self->state;
          st.stations.erase(station_id(gw, ep));
          auto g = st.gateways.find(gw);
          if (g != st.gateways.end() && g->second.actor)
            self->send(g->second.actor, atoms::stop_atom::value, ep);
          if (g != st.gateways.end() && g->second.record.protocol == "csta")
            publish_trunks(self);
        });
}

} // namespace

void on_http(pointer self, http_exchange& ex) {
  if (on_pbx_http(self, ex))
    return;
  auto& req = ex.request;
  auto path = req.target.substr(0, req.target.find('?'));
  const std::string gws = "/api/v1/gateways", sts = "/api/v1/stations";
  auto body_json = [&](json& out) {
    out = json::parse(req.body, nullptr, false);
    if (out.is_discarded() || !out.is_object()) {
      error(ex.respond, 400, "the body must be a JSON object");
      return false;
    }
    return true;
  };
  auto not_allowed = [&](const char* allow) {
    net::http_response r{405,
                         "application/json",
                         json{{"error", "method not allowed"}}.dump(),
                         {{"Allow", allow}}};
    ex.respond(std::move(r));
  };
  if (path == gws) {
    json j;
    if (req.method == "GET")
      list_gateways(self, std::move(ex.respond), {});
    else if (req.method == "POST") {
      if (body_json(j))
        post_gateway(self, j, std::move(ex.respond));
    } else
      not_allowed("GET, POST");
    return;
  }
  if (path.rfind(gws + "/", 0) == 0) {
    auto name = path.substr(gws.size() + 1);
    if (req.method == "GET")
      list_gateways(self, std::move(ex.respond), name);
    else if (req.method == "DELETE")
      delete_gateway(self, name, std::move(ex.respond), false);
    else
      not_allowed("GET, DELETE");
    return;
  }
  if (path == sts) {
    json j;
    if (req.method == "GET") {
      auto list = json::array();
      for (auto& [id, s] : self->state.stations)
        list.push_back(station_json(self, s));
      reply(ex.respond, 200, json{{"stations", list}});
    } else if (req.method == "POST") {
      if (body_json(j))
        post_station(self, j, std::move(ex.respond));
    } else
      not_allowed("GET, POST");
    return;
  }
  if (path.rfind(sts + "/", 0) == 0) {
    // /api/v1/stations/GATEWAY/ENDPOINT (the endpoint may hold '/').
    auto rest = path.substr(sts.size() + 1);
    auto slash = rest.find('/');
    if (slash == std::string::npos || req.method != "DELETE") {
      if (req.method != "DELETE")
        not_allowed("DELETE");
      else
        error(ex.respond, 404, "no such station");
      return;
    }
    delete_station(self, rest.substr(0, slash), rest.substr(slash + 1),
                   std::move(ex.respond));
    return;
  }
  error(ex.respond, 404, "no such resource: " + path);
}

} // namespace ivm::actors::agent
