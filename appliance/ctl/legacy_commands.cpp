#include "appliance/ctl/legacy_commands.hpp"

#include <ostream>

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

} // namespace ivm::ctl
