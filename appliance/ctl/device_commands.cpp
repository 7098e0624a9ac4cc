#include "appliance/ctl/device_commands.hpp"

#include <cstdio>
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
  return it != j.end() && it->is_string() ? it->get<std::string>()
                                          : std::string{};
}

std::string dash(std::string s) {
  return s.empty() ? "-" : s;
}

std::string row(const std::vector<std::string>& cells,
                const std::vector<int>& widths) {
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    auto cell = cells[i];
    if (i + 1 < cells.size() &&
        cell.size() < static_cast<std::size_t>(widths[i]))
      cell.resize(static_cast<std::size_t>(widths[i]), ' ');
    out += cell;
    if (i + 1 < cells.size())
      out += "  ";
  }
  return out + '\n';
}

std::string path_of(const std::string& mac) {
  return "devices/" + admin::encode_path_segment(mac);
}

} // namespace

std::string device_body(const std::string& mac, const device_fields& f) {
  json body = json::object();
  if (!mac.empty())
    body["mac"] = mac;
  auto put = [&](const char* key, const std::optional<std::string>& v) {
    if (v)
      body[key] = *v;
  };
  put("user", f.user);
  put("vendor", f.vendor);
  put("model", f.model);
  put("label", f.label);
  put("firmware", f.firmware);
  if (!f.line_keys.empty() || f.clear_line_keys) {
    json keys = json::array();
    for (auto& ext : f.line_keys)
      keys.push_back(json{{"extension", ext}});
    body["line_keys"] = keys;
  }
  if (f.rotate_credentials)
    body["rotate_credentials"] = true;
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string format_devices(const std::string& devices,
                           const std::string& unassigned) {
  auto d = json::parse(devices, nullptr, false);
  auto u = json::parse(unassigned, nullptr, false);
  std::string out = "DEVICES\n";
  std::vector<int> w{12, 6, 11, 10};
  auto list = d.is_object() ? d.value("devices", json::array()) : json::array();
  if (list.empty())
    out += "(none)\n";
  else
    out += row({"MAC", "USER", "VENDOR", "MODEL", "LABEL"}, w);
  for (auto& x : list)
    out += row({text_of(x, "mac"), text_of(x, "user"), text_of(x, "vendor"),
                dash(text_of(x, "model")), dash(text_of(x, "label"))},
               w);
  out += "\nUNASSIGNED PHONES\n";
  auto seen =
      u.is_object() ? u.value("unassigned", json::array()) : json::array();
  if (seen.empty())
    out += "(none)\n";
  else
    out += row({"MAC", "SEEN BY", "ADDRESS", "VENDOR", "MODEL", "LAST SEEN"},
               {12, 7, 15, 11, 10});
  for (auto& x : seen)
    out += row({text_of(x, "mac"), text_of(x, "source"),
                dash(text_of(x, "address")), dash(text_of(x, "vendor")),
                dash(text_of(x, "model")), text_of(x, "last_seen")},
               {12, 7, 15, 11, 10});
  return out;
}

std::string format_device(const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object())
    return body + '\n';
  std::string out;
  for (auto key : {"mac", "user", "vendor", "model", "label", "firmware",
                   "sip_auth_user", "sip_password", "created", "changed"}) {
    if (j.find(key) == j.end())
      continue;
    out += std::string{key} + ": " + dash(text_of(j, key)) + '\n';
  }
  if (auto keys = j.find("line_keys"); keys != j.end() && keys->is_array()) {
    std::string list;
    for (auto& k : *keys)
      list += (list.empty() ? "" : ", ") + text_of(k, "extension");
    out += "line_keys: " + dash(list) + '\n';
  }
  return out;
}

int device_add(const context& ctx, const std::string& mac,
               const device_fields& f) {
  auto r = ctx.api.call("POST", "devices", device_body(mac, f));
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body,
                      "added device\n" + format_device(r->body) +
                          "(the password is shown only now; the phone gets "
                          "it in its configuration file)\n");
}

int device_list(const context& ctx) {
  auto d = ctx.api.call("GET", "devices");
  if (!d)
    return report(ctx, d.error());
  auto u = ctx.api.call("GET", "devices/unassigned");
  if (!u)
    return report(ctx, u.error());
  if (ctx.json)
    return print_result(
        ctx, "{\"devices\":" + d->body + ",\"unassigned\":" + u->body + "}",
        {});
  return print_result(ctx, d->body, format_devices(d->body, u->body));
}

int device_show(const context& ctx, const std::string& mac) {
  auto r = ctx.api.call("GET", path_of(mac));
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, format_device(r->body));
}

int device_set(const context& ctx, const std::string& mac,
               const device_fields& f) {
  auto body = device_body({}, f);
  if (body == "{}") {
    ctx.err << "ivmctl: nothing to change: give --user, --vendor, --model, "
               "--label, --firmware, --line-key, --clear-line-keys or "
               "--rotate-credentials\n";
    return usage_or_unreachable;
  }
  auto r = ctx.api.call("PATCH", path_of(mac), body);
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body,
                      "updated device\n" + format_device(r->body));
}

int device_del(const context& ctx, const std::string& mac) {
  auto r = ctx.api.call("DELETE", path_of(mac));
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body,
                      "deleted device " + mac +
                          " (its SIP credentials no longer work)\n");
}

} // namespace ivm::ctl
