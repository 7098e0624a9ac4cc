#include "appliance/ctl/legacy_commands.hpp"

#include <ostream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "appliance/ctl/exit_code.hpp"
#include "console/client/client.hpp"
#include "console/client/endpoint.hpp"

namespace ivm::ctl {

namespace {

using nlohmann::json;

std::string text_of(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end())
    return "-";
  if (it->is_string())
    return it->get<std::string>().empty() ? "-" : it->get<std::string>();
  return it->dump();
}

std::string row(const std::vector<std::string>& cells,
                const std::vector<std::size_t>& widths) {
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    auto cell = cells[i];
    if (i < widths.size() && cell.size() < widths[i])
      cell.resize(widths[i], ' ');
    out += cell;
    if (i + 1 < cells.size())
      out += "  ";
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out + '\n';
}

std::string endpoints_of(const json& g) {
  std::string out;
  auto eps = g.find("endpoints");
  if (eps == g.end() || !eps->is_array() || eps->empty())
    return "  (no stations)\n";
  out +=
      row({"  ENDPOINT", "EXTENSION", "LINE", "HOOK", "LAMP"}, {14, 9, 9, 4});
  for (auto& e : *eps)
    out += row({"  " + text_of(e, "endpoint"), text_of(e, "extension"),
                text_of(e, "line"), text_of(e, "hook"),
                e.value("lamp", false) ? "on" : "off"},
               {14, 9, 9, 4});
  return out;
}

std::string station_path(const station_args& a) {
  // The endpoint's '/' stays a path separator: the box reads the first
  // segment as the gateway and the rest as the endpoint.
  std::string ep;
  std::size_t start = 0;
  while (start <= a.endpoint.size()) {
    auto slash = a.endpoint.find('/', start);
    auto part = a.endpoint.substr(start, slash - start);
    ep += (ep.empty() && start == 0 ? "" : "/") +
          admin::encode_path_segment(part);
    if (slash == std::string::npos)
      break;
    start = slash + 1;
  }
  return "stations/" + admin::encode_path_segment(a.gateway) + "/" + ep;
}

} // namespace

std::string format_gateways(const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object())
    return body + '\n';
  std::string out;
  auto list = j.value("gateways", json::array());
  if (list.empty())
    out += "(no gateways)\n";
  else
    out += row({"NAME", "PROTOCOL", "ADDRESS", "STATE", "SINCE", "STATIONS"},
               {10, 8, 21, 11, 20});
  for (auto& g : list)
    out += row({text_of(g, "name"), text_of(g, "protocol"),
                text_of(g, "address"), text_of(g, "state"), text_of(g, "since"),
                std::to_string(g.value("endpoints", json::array()).size())},
               {10, 8, 21, 11, 20});
  auto pending = j.value("pending", json::array());
  if (!pending.empty()) {
    out += "\nPENDING (unknown gateways that asked to register)\n";
    for (auto& p : pending)
      out += row({text_of(p, "address"), text_of(p, "endpoint"),
                  text_of(p, "last_seen")},
                 {21, 30});
  }
  return out;
}

std::string format_gateway(const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object())
    return body + '\n';
  std::string out;
  for (auto key : {"name", "protocol", "encoding", "address", "domain", "state",
                   "since", "created"})
    if (j.find(key) != j.end())
      out += std::string{key} + ": " + text_of(j, key) + '\n';
  return out + endpoints_of(j);
}

std::string format_stations(const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object())
    return body + '\n';
  auto list = j.value("stations", json::array());
  if (list.empty())
    return "(no stations)\n";
  std::string out = row({"GATEWAY", "ENDPOINT", "EXTENSION"}, {10, 14});
  for (auto& s : list)
    out += row({text_of(s, "gateway"), text_of(s, "endpoint"),
                text_of(s, "extension")},
               {10, 14});
  return out;
}

int gateway_add(const context& ctx, const gateway_add_args& a) {
  json body{{"name", a.name}, {"protocol", a.protocol}, {"address", a.address}};
  if (!a.domain.empty())
    body["domain"] = a.domain;
  if (!a.encoding.empty())
    body["encoding"] = a.encoding;
  auto r = ctx.api.call("POST", "gateways", body.dump());
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body,
                      "added gateway\n" + format_gateway(r->body));
}

int gateway_list(const context& ctx) {
  auto r = ctx.api.call("GET", "gateways");
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, format_gateways(r->body));
}

int gateway_show(const context& ctx, const std::string& name) {
  auto r = ctx.api.call("GET", "gateways/" + admin::encode_path_segment(name));
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, format_gateway(r->body));
}

int gateway_del(const context& ctx, const std::string& name) {
  auto r =
      ctx.api.call("DELETE", "gateways/" + admin::encode_path_segment(name));
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body,
                      "deleted gateway " + name + " and its stations\n");
}

int station_add(const context& ctx, const station_args& a) {
  json body{{"gateway", a.gateway},
            {"endpoint", a.endpoint},
            {"extension", a.extension}};
  auto r = ctx.api.call("POST", "stations", body.dump());
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body,
                      "added station " + a.extension + " on " + a.gateway +
                          " " + a.endpoint + '\n');
}

int station_list(const context& ctx) {
  auto r = ctx.api.call("GET", "stations");
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, format_stations(r->body));
}

int station_del(const context& ctx, const station_args& a) {
  auto r = ctx.api.call("DELETE", station_path(a));
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body,
                      "deleted station " + a.gateway + " " + a.endpoint + '\n');
}

std::string format_pbx_list(const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object())
    return body + '\n';
  auto list = j.value("pbx", json::array());
  if (list.empty())
    return "(no PBX)\n";
  std::string out =
      row({"NAME", "ADDRESS", "EDITION", "STATE", "SINCE", "PHONES"},
          {10, 21, 7, 8, 20});
  for (auto& p : list)
    out += row({text_of(p, "name"), text_of(p, "address"),
                text_of(p, "edition"), text_of(p, "state"), text_of(p, "since"),
                std::to_string(p.value("devices", json::array()).size())},
               {10, 21, 7, 8, 20});
  return out;
}

std::string format_pbx(const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object())
    return body + '\n';
  std::string out;
  for (auto key : {"name", "address", "edition", "handshake", "trunk", "state",
                   "since", "created"})
    if (j.find(key) != j.end())
      out += std::string{key} + ": " + text_of(j, key) + '\n';
  if (j.contains("trunk_prefixes") && j["trunk_prefixes"].is_array()) {
    std::string list;
    for (auto& p : j["trunk_prefixes"])
      if (p.is_string())
        list += (list.empty() ? "" : ", ") + p.get<std::string>();
    out += "trunk prefixes: " + (list.empty() ? "(none)" : list) + '\n';
  }
  auto devices = j.value("devices", json::array());
  if (devices.empty())
    return out + "  (no phones)\n";
  out += row({"  DEVICE", "EXTENSION", "ACTIVITY", "HOOK", "LAMP"},
             {10, 9, 12, 4});
  for (auto& d : devices)
    out += row({"  " + text_of(d, "device"), text_of(d, "extension"),
                text_of(d, "activity"), text_of(d, "hook"),
                d.value("lamp", false) ? "on" : "off"},
               {10, 9, 12, 4});
  return out;
}

int pbx_add(const context& ctx, const pbx_add_args& a) {
  json body{{"name", a.name}, {"address", a.address}};
  if (!a.edition.empty())
    body["edition"] = a.edition;
  if (!a.handshake.empty())
    body["handshake"] = a.handshake;
  if (!a.trunk.empty())
    body["trunk"] = a.trunk;
  if (!a.trunk_prefixes.empty())
    body["trunk_prefixes"] = a.trunk_prefixes;
  auto r = ctx.api.call("POST", "pbx", body.dump());
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, "added PBX\n" + format_pbx(r->body));
}

int pbx_trunk(const context& ctx, const pbx_trunk_args& a) {
  bool none = a.trunk == "none";
  json body{{"trunk", none ? std::string{} : a.trunk},
            {"trunk_prefixes", none ? std::vector<std::string>{} : a.prefixes}};
  auto r = ctx.api.call("PATCH", "pbx/" + admin::encode_path_segment(a.name),
                        body.dump());
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, "changed PBX\n" + format_pbx(r->body));
}

int pbx_list(const context& ctx) {
  auto r = ctx.api.call("GET", "pbx");
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, format_pbx_list(r->body));
}

int pbx_show(const context& ctx, const std::string& name) {
  auto r = ctx.api.call("GET", "pbx/" + admin::encode_path_segment(name));
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, format_pbx(r->body));
}

int pbx_del(const context& ctx, const std::string& name) {
  auto r = ctx.api.call("DELETE", "pbx/" + admin::encode_path_segment(name));
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body,
                      "deleted PBX " + name + " and its phones\n");
}

int pbx_phone_add(const context& ctx, const pbx_phone_args& a) {
  json body{{"pbx", a.pbx}, {"device", a.device}, {"extension", a.extension}};
  if (!a.im_key.empty())
    body["im_key"] = a.im_key;
  if (!a.display.empty()) {
    auto x = a.display.find('x');
    unsigned rows = 0, cols = 0;
    try {
      if (x != std::string::npos) {
        rows = static_cast<unsigned>(std::stoul(a.display.substr(0, x)));
        cols = static_cast<unsigned>(std::stoul(a.display.substr(x + 1)));
      }
    } catch (const std::exception&) {
      rows = cols = 0;
    }
    if (rows == 0 || cols == 0) {
      ctx.err << "ivmctl: --display: ROWSxCOLUMNS, e.g. 2x24\n";
      return usage_or_unreachable;
    }
    body["display"] = {{"rows", rows}, {"columns", cols}};
  }
  auto r = ctx.api.call("POST", "stations", body.dump());
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body,
                      "added phone " + a.device + " on " + a.pbx + " for " +
                          a.extension + '\n');
}

int pbx_phone_del(const context& ctx, const pbx_phone_args& a) {
  auto r =
      ctx.api.call("DELETE", "stations/" + admin::encode_path_segment(a.pbx) +
                                 "/" + admin::encode_path_segment(a.device));
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body,
                      "deleted phone " + a.device + " on " + a.pbx + '\n');
}

} // namespace ivm::ctl
