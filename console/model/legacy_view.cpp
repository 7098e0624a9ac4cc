#include "console/model/legacy_view.hpp"

#include <nlohmann/json.hpp>

namespace ivm::console {

namespace {

using json = nlohmann::json;

std::string text(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>()
                                          : std::string{};
}

// "2026-12-07T05:10:22Z" -> "2026-12-07 05:10:22" (the box's UTC).
std::string when(const json& o, const char* key) {
  auto t = text(o, key);
  if (t.size() >= 19 && t[10] == 'T')
    t = t.substr(0, 10) + " " + t.substr(11, 8);
  return t;
}

} // namespace

expected<gateways_view, std::string> parse_gateways(std::string_view body) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("gateways") ||
      !j["gateways"].is_array())
    return unexpected(std::string{"the gateways could not be read"});
  gateways_view out;
  for (auto& g : j["gateways"]) {
    if (!g.is_object())
      continue;
    gateway_row r{text(g, "name"),
                  text(g, "protocol"),
                  text(g, "address"),
                  text(g, "domain"),
                  text(g, "state"),
                  when(g, "since"),
                  {}};
    if (auto e = g.find("endpoints"); e != g.end() && e->is_array())
      for (auto& s : *e)
        if (s.is_object())
          r.stations.push_back(
              station_row{text(s, "endpoint"), text(s, "extension"),
                          text(s, "line"), text(s, "hook"),
                          s.contains("lamp") && s["lamp"].is_boolean() &&
                              s["lamp"].get<bool>()});
    out.gateways.push_back(std::move(r));
  }
  if (auto p = j.find("pending"); p != j.end() && p->is_array())
    for (auto& x : *p)
      if (x.is_object())
        out.pending.push_back(pending_gateway_row{
            text(x, "address"), text(x, "endpoint"), when(x, "last_seen")});
  return out;
}

expected<std::vector<pbx_row>, std::string> parse_pbx(std::string_view body) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("pbx") ||
      !j["pbx"].is_array())
    return unexpected(std::string{"the PBX links could not be read"});
  std::vector<pbx_row> out;
  for (auto& p : j["pbx"]) {
    if (!p.is_object())
      continue;
    pbx_row r{text(p, "name"),  text(p, "address"), text(p, "edition"),
              text(p, "state"), when(p, "since"),   {}};
    if (auto d = p.find("devices"); d != p.end() && d->is_array())
      for (auto& x : *d)
        if (x.is_object())
          r.devices.push_back(
              pbx_device_row{text(x, "device"), text(x, "extension"),
                             text(x, "activity"), text(x, "hook"),
                             x.contains("lamp") && x["lamp"].is_boolean() &&
                                 x["lamp"].get<bool>()});
    out.push_back(std::move(r));
  }
  return out;
}

bool is_host_port(std::string_view t) {
  auto colon = t.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= t.size())
    return false;
  auto port = t.substr(colon + 1);
  if (port.size() > 5)
    return false;
  unsigned long v = 0;
  for (char c : port) {
    if (c < '0' || c > '9')
      return false;
    v = v * 10 + static_cast<unsigned long>(c - '0');
  }
  auto host = t.substr(0, colon);
  if (host.front() == '[' && host.back() != ']')
    return false;
  return v >= 1 && v <= 65535 && host.find(' ') == std::string_view::npos;
}

} // namespace ivm::console
