#include "console/model/views.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace ivm::console {

namespace {

using json = nlohmann::json;

expected<json, std::string> parse_object(std::string_view body) {
  auto doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return unexpected(std::string{"the answer is not a JSON object"});
  return doc;
}

std::string text(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null())
    return {};
  if (it->is_string())
    return it->get<std::string>();
  if (it->is_array()) {
    std::string out;
    for (auto& x : *it)
      if (x.is_string())
        out += (out.empty() ? "" : ", ") + x.get<std::string>();
    return out;
  }
  return it->dump();
}

std::int64_t number(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

/// The array member `key` of the object `body`, each element an object.
expected<std::vector<json>, std::string> rows(std::string_view body,
                                              const char* key) {
  auto doc = parse_object(body);
  if (!doc)
    return unexpected(doc.error());
  auto it = doc->find(key);
  if (it == doc->end() || !it->is_array())
    return unexpected("the answer has no \"" + std::string{key} + "\" list");
  std::vector<json> out;
  for (auto& x : *it)
    if (x.is_object())
      out.push_back(x);
  return out;
}

} // namespace

expected<std::vector<user_row>, std::string>
parse_users(std::string_view body) {
  auto xs = rows(body, "users");
  if (!xs)
    return unexpected(xs.error());
  std::vector<user_row> out;
  for (auto& x : *xs)
    out.push_back({text(x, "extension"), text(x, "name"), text(x, "username"),
                   x.value("enabled", true)});
  return out;
}

expected<std::vector<device_row>, std::string>
parse_devices(std::string_view body) {
  auto xs = rows(body, "devices");
  if (!xs)
    return unexpected(xs.error());
  std::vector<device_row> out;
  for (auto& x : *xs) {
    device_row d{text(x, "mac"),   text(x, "user"),  text(x, "vendor"),
                 text(x, "model"), text(x, "label"), text(x, "firmware")};
    auto reg = x.find("registered");
    d.registered = reg != x.end() && reg->is_boolean() && reg->get<bool>();
    d.last_registration = text(x, "last_registration");
    d.last_fetch = text(x, "last_fetch");
    d.last_fetch_file = text(x, "last_fetch_file");
    d.address = text(x, "address");
    out.push_back(std::move(d));
  }
  return out;
}

expected<std::vector<sighting_row>, std::string>
parse_unassigned(std::string_view body) {
  auto xs = rows(body, "unassigned");
  if (!xs)
    return unexpected(xs.error());
  std::vector<sighting_row> out;
  for (auto& x : *xs)
    out.push_back({text(x, "mac"), text(x, "source"), text(x, "address"),
                   text(x, "vendor"), text(x, "model"), text(x, "user_agent"),
                   text(x, "last_seen")});
  return out;
}

expected<dhcp_view, std::string> parse_dhcp(std::string_view body) {
  auto doc = parse_object(body);
  if (!doc)
    return unexpected(doc.error());
  auto& d = *doc;
  dhcp_view v;
  v.enabled = d.value("enabled", false);
  v.source = text(d, "source");
  v.interface = text(d, "interface");
  v.server_address = text(d, "server_address");
  v.pool = text(d, "pool");
  v.subnet_mask = text(d, "subnet_mask");
  v.router = text(d, "router");
  v.dns = text(d, "dns");
  v.lease_time_s = number(d, "lease_time_s");
  v.error = text(d, "error");
  if (auto it = d.find("leases"); it != d.end() && it->is_array())
    for (auto& l : *it)
      if (l.is_object())
        v.leases.push_back({text(l, "mac"), text(l, "address"),
                            text(l, "state"), number(l, "expires_s")});
  if (auto it = d.find("rogue_servers"); it != d.end() && it->is_array())
    for (auto& r : *it)
      if (r.is_string())
        v.rogue_servers.push_back(r.get<std::string>());
  return v;
}

expected<std::vector<firmware_row>, std::string>
parse_firmware(std::string_view body) {
  auto doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_array())
    return unexpected(std::string{"the answer is not a JSON list"});
  std::vector<firmware_row> out;
  for (auto& x : doc)
    if (x.is_object())
      out.push_back({text(x, "name"),
                     static_cast<std::uint64_t>(number(x, "size")),
                     text(x, "sha256")});
  return out;
}

std::string error_text(int status, std::string_view body) {
  auto doc = json::parse(body, nullptr, false);
  if (!doc.is_discarded() && doc.is_object())
    if (auto it = doc.find("error"); it != doc.end() && it->is_string()) {
      auto text = it->get<std::string>();
      // The field the box names, unless its text says it already.
      auto field = doc.find("field");
      if (field != doc.end() && field->is_string() &&
          text.find(field->get<std::string>()) == std::string::npos)
        return field->get<std::string>() + ": " + text;
      return text;
    }
  return "HTTP " + std::to_string(status);
}

std::string format_size(std::uint64_t bytes) {
  char buf[32];
  if (bytes < 1024)
    std::snprintf(buf, sizeof buf, "%llu B",
                  static_cast<unsigned long long>(bytes));
  else if (bytes < 1024 * 1024)
    std::snprintf(buf, sizeof buf, "%.1f KiB", bytes / 1024.0);
  else
    std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / (1024.0 * 1024.0));
  return buf;
}

} // namespace ivm::console
