// The Gateways page's actions (issue 15): add a media gateway (name,
// address, optional domain), put a user on one of the chosen gateway's
// lines, take a station off, delete a gateway after a yes. Bad input is
// refused here, before anything is sent; the box's own checks decide the
// rest.

#include "console/model/console_model.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "console/client/endpoint.hpp"

namespace ivm::console {

namespace {

using json = nlohmann::json;

bool is_name(std::string_view x) {
  return !x.empty() && x.size() <= 64 &&
         std::all_of(x.begin(), x.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '.' || c == '_' || c == '-';
         });
}

bool all_digits(std::string_view x) {
  return !x.empty() && x.size() <= 15 &&
         std::all_of(x.begin(), x.end(),
                     [](unsigned char c) { return c >= '0' && c <= '9'; });
}

// "aaln/1" -> "aaln/1" with each part encoded: the box reads the endpoint
// as the rest of the path.
std::string endpoint_path(std::string_view ep) {
  std::string out;
  std::size_t start = 0;
  while (true) {
    auto slash = ep.find('/', start);
    out += admin::encode_path_segment(ep.substr(start, slash - start));
    if (slash == std::string_view::npos)
      return out;
    out += '/';
    start = slash + 1;
  }
}

} // namespace

const gateway_row* model::selected_gateway() const {
  for (auto& g : gateways_.gateways)
    if (g.name == gateway_forms_.selected)
      return &g;
  return nullptr;
}

void model::select_gateway(const std::string& name) {
  if (gateway_forms_.selected == name)
    return;
  gateway_forms_.selected = name;
  gateway_forms_.confirm_delete.clear();
}

void model::on_gateways() {
  auto& f = gateway_forms_;
  if (!f.created.empty()) { // reloaded after a gateway was added
    select_gateway(f.created);
    f.focus_endpoint = selected_gateway() != nullptr;
    f.created.clear();
  }
  if (selected_gateway())
    return;
  gateway_forms_.selected.clear();
  if (!gateways_.gateways.empty())
    select_gateway(gateways_.gateways.front().name);
}

void model::add_gateway() {
  auto& f = gateway_forms_;
  if (!is_name(f.name)) {
    say("name: letters, digits, '.', '_' or '-', e.g. gw1.", true);
    return;
  }
  if (!is_host_port(f.address)) {
    say("address: where the gateway sends from, host:port, e.g. "
        "192.0.2.10:2427.",
        true);
    return;
  }
  if (!f.domain.empty() && !is_name(f.domain)) {
    say("domain: the domain of its endpoint names, e.g. gw1.example.net, or "
        "leave it empty.",
        true);
    return;
  }
  json body{{"name", f.name},
            {"protocol", f.megaco ? "megaco" : "mgcp"},
            {"address", f.address}};
  if (!f.domain.empty())
    body["domain"] = f.domain;
  change("POST", "/api/v1/gateways", body.dump(),
         "Gateway " + f.name + " added", {dataset::gateways});
  f.created = f.name;
  f.name.clear();
  f.address.clear();
  f.domain.clear();
}

void model::add_station() {
  auto& f = gateway_forms_;
  auto* g = selected_gateway();
  if (!g) {
    say("Choose a gateway first (arrows, Space), or add one.", true);
    return;
  }
  if (f.endpoint.empty() ||
      f.endpoint.find_first_of("*$@ ") != std::string::npos) {
    say("endpoint: the line's local name, e.g. aaln/1.", true);
    return;
  }
  if (!all_digits(f.extension)) {
    say("extension: the user on the line, e.g. 205.", true);
    return;
  }
  change("POST", "/api/v1/stations",
         json{{"gateway", g->name},
              {"endpoint", f.endpoint},
              {"extension", f.extension}}
             .dump(),
         f.extension + " is on " + g->name + " " + f.endpoint,
         {dataset::gateways});
  f.endpoint.clear();
  f.extension.clear();
}

void model::delete_station(const std::string& endpoint) {
  auto* g = selected_gateway();
  if (!g)
    return;
  change("DELETE",
         "/api/v1/stations/" + admin::encode_path_segment(g->name) + "/" +
             endpoint_path(endpoint),
         {}, "Station " + g->name + " " + endpoint + " removed",
         {dataset::gateways});
}

void model::ask_delete_gateway() {
  auto* g = selected_gateway();
  if (!g) {
    say("Choose a gateway first (arrows, Space).", true);
    return;
  }
  gateway_forms_.confirm_delete = g->name;
}

void model::delete_gateway() {
  auto& f = gateway_forms_;
  if (f.confirm_delete.empty())
    return;
  auto name = std::move(f.confirm_delete);
  f.confirm_delete.clear();
  change("DELETE", "/api/v1/gateways/" + admin::encode_path_segment(name), {},
         "Gateway " + name + " deleted (with its stations)",
         {dataset::gateways});
}

void model::keep_gateway() {
  gateway_forms_.confirm_delete.clear();
}

} // namespace ivm::console
