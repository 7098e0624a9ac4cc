#include "appliance/main/provisioning_scope.hpp"

#include <array>

#include <nlohmann/json.hpp>

namespace ivm::app {

namespace {

using json = nlohmann::json;
namespace dhcp = provisioning::dhcp;

config_error bad(std::string_view name, std::string_view what) {
  return config_error{"dhcp." + std::string{name} + ": " + std::string{what}};
}

json addresses(const std::vector<dhcp::ipv4_address>& xs) {
  auto out = json::array();
  for (auto& x : xs)
    out.push_back(x.to_string());
  return out;
}

/// A list item must not carry the separators of the key = value form.
bool plain(const std::string& x) {
  return x.find_first_of(", =") == std::string::npos;
}

/// The member as the text of its [dhcp] key (settings_provisioning.cpp).
std::optional<config_error> to_text(const std::string& name, const json& v,
                                    std::string& out) {
  if (name == "enabled" || name == "authoritative") {
    if (!v.is_boolean())
      return bad(name, "must be true or false");
    out = v.get<bool>() ? "true" : "false";
  } else if (name == "lease_time_s") {
    if (!v.is_number_unsigned())
      return bad(name, "must be a whole number of seconds");
    out = std::to_string(v.get<std::uint64_t>());
  } else if (name == "router" || name == "dns" || name == "ntp" ||
             name == "cisco_tftp" || name == "always_send") {
    auto list = v.is_array() ? v : v.is_null() ? json::array() : json{v};
    out.clear();
    for (auto& x : list) {
      std::string item;
      if (name == "always_send" && x.is_number_unsigned())
        item = std::to_string(x.get<std::uint64_t>());
      else if (name != "always_send" && x.is_string() &&
               plain(x.get<std::string>()))
        item = x.get<std::string>();
      else
        return bad(name, name == "always_send"
                             ? "must be a list of option codes (1-254)"
                             : "must be a list of IPv4 addresses");
      out += (out.empty() ? "" : ",") + item;
    }
  } else if (name == "reservations") {
    if (!v.is_array() && !v.is_null())
      return bad(name, "must be a list of {\"mac\", \"address\"} objects");
    out.clear();
    for (auto& r : v.is_null() ? json::array() : v) {
      if (!r.is_object() || r.size() != 2 || !r.contains("mac") ||
          !r.contains("address") || !r["mac"].is_string() ||
          !r["address"].is_string() || !plain(r["mac"].get<std::string>()) ||
          !plain(r["address"].get<std::string>()))
        return bad(name, "must be a list of {\"mac\", \"address\"} objects");
      out += (out.empty() ? "" : ",") +
             ("mac=" + r["mac"].get<std::string>() +
              " address=" + r["address"].get<std::string>());
    }
  } else {
    if (v.is_null() && name != "interface" && name != "pool") {
      out.clear();
    } else if (!v.is_string()) {
      return bad(name, "must be a string");
    } else {
      out = v.get<std::string>();
      if (out.find('\n') != std::string::npos || out.find('\0') != out.npos)
        return bad(name, "must be one line");
    }
  }
  return std::nullopt;
}

} // namespace

bool is_dhcp_state_member(std::string_view name) {
  static constexpr std::array<std::string_view, 4> state = {
      "leases", "rogue_servers", "source", "error"};
  for (auto x : state)
    if (x == name)
      return true;
  return false;
}

std::string dhcp_settings_json(const dhcp_settings& d) {
  json out{{"enabled", d.enabled},
           {"interface", d.interface},
           {"server_address", nullptr},
           {"pool", d.pool_first.to_string() + "-" + d.pool_last.to_string()},
           {"subnet_mask", nullptr},
           {"router", addresses(d.router)},
           {"dns", addresses(d.dns)},
           {"ntp", addresses(d.ntp)},
           {"lease_time_s", d.lease_time_s},
           {"tftp_server", d.tftp_server},
           {"cisco_tftp", addresses(d.cisco_tftp)},
           {"always_send", d.always_send},
           {"reservations", json::array()},
           {"authoritative", d.authoritative}};
  if (d.server_address)
    out["server_address"] = d.server_address->to_string();
  if (d.subnet_mask)
    out["subnet_mask"] = d.subnet_mask->to_string();
  for (auto& r : d.reservations)
    out["reservations"].push_back(
        {{"mac", r.mac.to_string()}, {"address", r.address.to_string()}});
  return out.dump();
}

std::optional<config_error> apply_dhcp_json(settings& s, std::string_view body,
                                            bool replace) {
  auto doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return config_error{"the body must be a JSON object of [dhcp] settings"};
  auto candidate = s;
  if (replace)
    candidate.dhcp = dhcp_settings{};
  for (auto& [name, value] : doc.items()) {
    if (is_dhcp_state_member(name))
      continue;
    std::string text;
    if (auto e = to_text(name, value, text))
      return e;
    if (auto e = apply_provisioning(candidate, "dhcp." + name, text))
      return e;
  }
  if (auto e = validate_provisioning(candidate))
    return e;
  s = std::move(candidate);
  return std::nullopt;
}

provisioning::phone::device_config
box_fields(const settings& s, const std::optional<dhcp::server_config>& dhcp) {
  auto& p = s.provisioning;
  std::string host =
      p.registrar_host.empty() ? s.sip.listen.host : p.registrar_host;
  if ((host == "0.0.0.0" || host.empty()) && dhcp)
    host = dhcp->server_address.to_string();
  provisioning::phone::device_config box;
  box.sip_domain = s.domain;
  box.registrar_host = host;
  box.registrar_port = s.sip.listen.port;
  box.transport = provisioning::phone::sip_transport::udp;
  box.ntp_server = p.ntp_server;
  if (box.ntp_server.empty() && dhcp && !dhcp->ntp.empty())
    box.ntp_server = dhcp->ntp.front().to_string();
  box.timezone = p.timezone;
  box.utc_offset_minutes = p.utc_offset_minutes;
  auto url_host = p.http_listen.port != 0    ? p.http_listen.host
                  : p.https_listen.port != 0 ? p.https_listen.host
                                             : p.tftp_listen.host;
  if (url_host == "0.0.0.0")
    url_host = dhcp ? dhcp->server_address.to_string() : host;
  box.provisioning_url = provisioning_url(s, url_host);
  return box;
}

ipv4_network dhcp_subnet(const dhcp::server_config& c) {
  return ipv4_network{
      dhcp::ipv4_address{c.server_address.value() & c.subnet_mask.value()},
      c.subnet_mask};
}

} // namespace ivm::app
