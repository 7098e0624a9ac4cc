#include "appliance/main/settings_provisioning.hpp"

#include <charconv>
#include <sstream>

#include <toml++/toml.h>

#include "appliance/main/settings.hpp"
#include "appliance/main/settings_parse.hpp"
#include "appliance/net/dhcp_socket.hpp"

namespace ivm::app {

namespace {

using detail::err;
using detail::to_int;

using provisioning::dhcp::ipv4_address;

std::string_view trim(std::string_view x) {
  while (!x.empty() && (x.front() == ' ' || x.front() == '\t'))
    x.remove_prefix(1);
  while (!x.empty() && (x.back() == ' ' || x.back() == '\t'))
    x.remove_suffix(1);
  return x;
}

/// Comma-separated items, trimmed, empty ones dropped.
std::vector<std::string_view> items(std::string_view v) {
  std::vector<std::string_view> out;
  while (!v.empty()) {
    auto comma = v.find(',');
    auto item = trim(v.substr(0, comma));
    if (!item.empty())
      out.push_back(item);
    v = comma == std::string_view::npos ? std::string_view{}
                                        : v.substr(comma + 1);
  }
  return out;
}

std::optional<config_error> to_bool(std::string_view key, std::string_view v,
                                    bool& out) {
  if (v != "true" && v != "false")
    return err(key, "must be true or false");
  out = v == "true";
  return std::nullopt;
}

std::optional<config_error> to_address(std::string_view key, std::string_view v,
                                       ipv4_address& out) {
  auto a = ipv4_address::parse(trim(v));
  if (!a)
    return err(key, "'" + std::string{v} + "' is not an IPv4 address");
  out = *a;
  return std::nullopt;
}

std::optional<config_error> to_addresses(std::string_view key,
                                         std::string_view v,
                                         std::vector<ipv4_address>& out) {
  std::vector<ipv4_address> xs;
  for (auto item : items(v)) {
    ipv4_address a;
    if (auto e = to_address(key, item, a))
      return e;
    xs.push_back(a);
  }
  out = std::move(xs);
  return std::nullopt;
}

std::optional<config_error>
to_endpoint(std::string_view key, std::string_view v, net::endpoint& out) {
  auto ep = net::parse_endpoint(v);
  if (!ep)
    return err(key, "'" + std::string{v} + "': " + ep.error());
  out = *ep;
  return std::nullopt;
}

/// "mac=00:11:22:33:44:55 address=192.0.2.10" (a TOML inline table as
/// settings.cpp flattens it).
std::optional<config_error>
to_reservations(std::string_view key, std::string_view v,
                std::vector<provisioning::dhcp::reservation>& out) {
  std::vector<provisioning::dhcp::reservation> xs;
  for (auto item : items(v)) {
    std::optional<provisioning::mac_address> mac;
    std::optional<ipv4_address> addr;
    std::string_view rest = item;
    while (!rest.empty()) {
      auto sp = rest.find(' ');
      auto part = trim(rest.substr(0, sp));
      rest = sp == std::string_view::npos ? std::string_view{}
                                          : rest.substr(sp + 1);
      if (part.empty())
        continue;
      auto eq = part.find('=');
      auto name = part.substr(0, eq);
      auto val = eq == std::string_view::npos ? std::string_view{}
                                              : part.substr(eq + 1);
      if (name == "mac")
        mac = provisioning::mac_address::parse(val);
      else if (name == "address")
        addr = ipv4_address::parse(val);
      else
        return err(key, "'" + std::string{name} +
                            "': a reservation has only mac and address");
      if ((name == "mac" && !mac) || (name == "address" && !addr))
        return err(key, "'" + std::string{val} + "' is not a valid " +
                            std::string{name});
    }
    if (!mac || !addr)
      return err(key, "a reservation needs mac and address");
    xs.push_back({*mac, *addr});
  }
  out = std::move(xs);
  return std::nullopt;
}

std::optional<config_error> apply_dhcp(dhcp_settings& d, std::string_view key,
                                       std::string_view v) {
  auto name = key.substr(5);
  if (name == "enabled")
    return to_bool(key, v, d.enabled);
  if (name == "interface") {
    d.interface = std::string{trim(v)};
  } else if (name == "server_address") {
    if (trim(v).empty()) {
      d.server_address.reset();
      return std::nullopt;
    }
    ipv4_address a;
    if (auto e = to_address(key, v, a))
      return e;
    d.server_address = a;
  } else if (name == "pool") {
    auto dash = v.find('-');
    ipv4_address first;
    ipv4_address last;
    if (dash == std::string_view::npos ||
        !ipv4_address::parse(trim(v.substr(0, dash))) ||
        !ipv4_address::parse(trim(v.substr(dash + 1))))
      return err(key, "'" + std::string{v} +
                          "' is not a range FIRST-LAST of IPv4 addresses");
    to_address(key, v.substr(0, dash), first);
    to_address(key, v.substr(dash + 1), last);
    if (last < first)
      return err(key, "'" + std::string{v} + "': the range is reversed");
    d.pool_first = first;
    d.pool_last = last;
  } else if (name == "subnet_mask") {
    if (trim(v).empty()) {
      d.subnet_mask.reset();
      return std::nullopt;
    }
    ipv4_address m;
    if (auto e = to_address(key, v, m))
      return e;
    if (!provisioning::dhcp::is_netmask(m))
      return err(key, "'" + std::string{v} + "' is not a netmask");
    d.subnet_mask = m;
  } else if (name == "router") {
    return to_addresses(key, v, d.router);
  } else if (name == "dns") {
    return to_addresses(key, v, d.dns);
  } else if (name == "ntp") {
    return to_addresses(key, v, d.ntp);
  } else if (name == "lease_time_s") {
    return to_int<std::uint32_t>(key, v, 60, 0xFFFFFFFEu, d.lease_time_s);
  } else if (name == "tftp_server") {
    if (v.size() > 255)
      return err(key, "longer than 255 octets");
    d.tftp_server = std::string{trim(v)};
  } else if (name == "cisco_tftp") {
    return to_addresses(key, v, d.cisco_tftp);
  } else if (name == "always_send") {
    std::vector<std::uint8_t> codes;
    for (auto item : items(v)) {
      int code = 0;
      if (auto e = to_int<int>(key, item, 1, 254, code))
        return e;
      codes.push_back(static_cast<std::uint8_t>(code));
    }
    d.always_send = std::move(codes);
  } else if (name == "reservations") {
    return to_reservations(key, v, d.reservations);
  } else if (name == "authoritative") {
    return to_bool(key, v, d.authoritative);
  } else {
    return err(key, "unknown key");
  }
  return std::nullopt;
}

std::optional<config_error>
apply_prov(provisioning_settings& p, std::string_view key, std::string_view v) {
  auto name = key.substr(13);
  if (name == "tftp_listen")
    return to_endpoint(key, v, p.tftp_listen);
  if (name == "http_listen")
    return to_endpoint(key, v, p.http_listen);
  if (name == "https_listen")
    return to_endpoint(key, v, p.https_listen);
  if (name == "https_certificate") {
    p.https_certificate = std::string{trim(v)};
  } else if (name == "https_private_key") {
    p.https_private_key = std::string{trim(v)};
  } else if (name == "allow") {
    std::vector<ipv4_network> nets;
    for (auto item : items(v)) {
      auto n = parse_ipv4_network(item);
      if (!n)
        return err(key, "'" + std::string{item} +
                            "' is not an IPv4 network (192.0.2.0/24)");
      nets.push_back(*n);
    }
    p.allow = std::move(nets);
  } else if (name == "registrar_host") {
    if (v.find_first_of(" \t;,<>\"") != std::string_view::npos)
      return err(key, "'" + std::string{v} + "' is not a host name");
    p.registrar_host = std::string{v};
  } else if (name == "ntp_server") {
    p.ntp_server = std::string{trim(v)};
  } else if (name == "timezone") {
    if (v.empty() || v.find_first_of(" \t\"<>&") != std::string_view::npos)
      return err(key, "'" + std::string{v} + "' is not a time zone name");
    p.timezone = std::string{v};
  } else if (name == "utc_offset_minutes") {
    return to_int<int>(key, v, -720, 840, p.utc_offset_minutes);
  } else {
    return err(key, "unknown key");
  }
  return std::nullopt;
}

std::string list(const std::vector<ipv4_address>& xs) {
  std::string out = "[";
  for (auto& x : xs)
    out += (out.size() > 1 ? ", \"" : "\"") + x.to_string() + "\"";
  return out + "]";
}

} // namespace

/// A TOML array as `apply` text: scalars joined by ", ", an inline table
/// as "key=value key=value" (e.g. dhcp.reservations).
std::string flatten(const toml::array& arr) {
  std::string out;
  auto scalar = [](const toml::node& n) -> std::string {
    if (auto s = n.as_string())
      return s->get();
    if (auto i = n.as_integer())
      return std::to_string(i->get());
    if (auto b = n.as_boolean())
      return b->get() ? "true" : "false";
    return "?";
  };
  for (auto& item : arr) {
    if (!out.empty())
      out += ", ";
    if (auto t = item.as_table()) {
      std::string parts;
      for (auto& [k, v] : *t)
        parts +=
            (parts.empty() ? "" : " ") + std::string{k.str()} + "=" + scalar(v);
      out += parts;
    } else {
      out += scalar(item);
    }
  }
  return out;
}

std::optional<ipv4_network> parse_ipv4_network(std::string_view text) {
  text = trim(text);
  auto slash = text.find('/');
  auto addr = ipv4_address::parse(text.substr(0, slash));
  if (!addr)
    return std::nullopt;
  int len = 32;
  if (slash != std::string_view::npos) {
    auto rest = text.substr(slash + 1);
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), len);
    if (rest.empty() || ec != std::errc{} || p != rest.data() + rest.size() ||
        len < 0 || len > 32)
      return std::nullopt;
  }
  auto mask = ipv4_address{
      len == 0 ? 0u : static_cast<std::uint32_t>(0xFFFFFFFFull << (32 - len))};
  return ipv4_network{ipv4_address{addr->value() & mask.value()}, mask};
}

std::string to_string(const ipv4_network& x) {
  int len = 0;
  for (auto m = x.mask.value(); m != 0; m <<= 1)
    ++len;
  return x.address.to_string() + "/" + std::to_string(len);
}

std::optional<config_error>
apply_provisioning(settings& s, std::string_view key, std::string_view v) {
  if (key.rfind("dhcp.", 0) == 0) {
    auto copy = s.dhcp;
    if (auto e = apply_dhcp(copy, key, v))
      return e;
    s.dhcp = std::move(copy);
    return std::nullopt;
  }
  auto copy = s.provisioning;
  if (auto e = apply_prov(copy, key, v))
    return e;
  s.provisioning = std::move(copy);
  return std::nullopt;
}

expected<provisioning::dhcp::server_config, config_error>
make_dhcp_config(const settings& s) {
  auto& d = s.dhcp;
  if (d.interface.empty())
    return unexpected(*err("dhcp.interface", "required when DHCP is enabled"));
  provisioning::dhcp::server_config c;
  std::optional<net::interface_ipv4> ifa;
  if (!d.server_address || !d.subnet_mask) {
    auto found = net::find_interface_ipv4(d.interface);
    if (!found)
      return unexpected(*err("dhcp.interface", found.error()));
    ifa = *found;
  }
  c.server_address =
      d.server_address.value_or(ipv4_address{ifa ? ifa->address : 0});
  c.subnet_mask = d.subnet_mask.value_or(ipv4_address{ifa ? ifa->netmask : 0});
  c.pool_first = d.pool_first;
  c.pool_last = d.pool_last;
  c.routers = d.router;
  c.dns = d.dns;
  c.ntp = d.ntp;
  c.lease_time = std::chrono::seconds{d.lease_time_s};
  c.tftp_server_name = d.tftp_server;
  if (c.tftp_server_name.empty())
    c.tftp_server_name = s.provisioning.http_listen.port != 0 ||
                                 s.provisioning.https_listen.port != 0
                             ? provisioning_url(s, c.server_address.to_string())
                             : c.server_address.to_string();
  c.cisco_tftp = d.cisco_tftp;
  if (c.cisco_tftp.empty())
    c.cisco_tftp.push_back(c.server_address);
  c.always_send = d.always_send;
  c.reservations = d.reservations;
  c.authoritative = d.authoritative;
  if (auto problem = provisioning::dhcp::validate(c))
    return unexpected(*err("dhcp", *problem));
  return c;
}

std::string provisioning_url(const settings& s, const std::string& host) {
  auto& p = s.provisioning;
  if (p.http_listen.port != 0)
    return "http://" + host + ":" + std::to_string(p.http_listen.port) + "/";
  if (p.https_listen.port != 0)
    return "https://" + host +
           (p.https_listen.port == 443
                ? std::string{}
                : ":" + std::to_string(p.https_listen.port)) +
           "/";
  if (p.tftp_listen.port != 0 && p.tftp_listen.port != 69)
    return "tftp://" + host + ":" + std::to_string(p.tftp_listen.port) + "/";
  return "tftp://" + host + "/";
}

std::optional<config_error> validate_provisioning(const settings& s) {
  auto& p = s.provisioning;
  if (p.tftp_listen.port != 0 && p.tftp_listen == s.sip.listen)
    return err("provisioning.tftp_listen", "same address as sip.listen (UDP)");
  if (p.http_listen.port != 0) {
    if (p.http_listen == s.admin.listen)
      return err("provisioning.http_listen", "same address as admin.listen");
    if (p.http_listen == s.sip.listen ||
        (s.sip.tls_listen.port != 0 && p.http_listen == s.sip.tls_listen))
      return err("provisioning.http_listen", "same address as a SIP listener");
  }
  if (p.https_listen.port != 0) {
    if (p.https_listen == s.admin.listen ||
        (p.http_listen.port != 0 && p.https_listen == p.http_listen))
      return err("provisioning.https_listen",
                 "same address as another HTTP listener");
    if (p.https_listen == s.sip.listen ||
        (s.sip.tls_listen.port != 0 && p.https_listen == s.sip.tls_listen))
      return err("provisioning.https_listen", "same address as a SIP listener");
    if (p.https_certificate.empty() != p.https_private_key.empty())
      return err("provisioning.https_certificate",
                 "give both https_certificate and https_private_key, or "
                 "neither (the box's certificate)");
  }
  if (s.dhcp.enabled) {
    auto c = make_dhcp_config(s);
    if (!c)
      return c.error();
  }
  return std::nullopt;
}

std::string provisioning_to_toml(const settings& s) {
  auto& d = s.dhcp;
  auto& p = s.provisioning;
  std::ostringstream os;
  os << "[dhcp]\n"
     << "enabled = " << (d.enabled ? "true" : "false") << "\n"
     << "interface = \"" << d.interface << "\"\n"
     << "server_address = \""
     << (d.server_address ? d.server_address->to_string() : "") << "\"\n"
     << "pool = \"" << d.pool_first.to_string() << "-"
     << d.pool_last.to_string() << "\"\n"
     << "subnet_mask = \"" << (d.subnet_mask ? d.subnet_mask->to_string() : "")
     << "\"\n"
     << "router = " << list(d.router) << "\n"
     << "dns = " << list(d.dns) << "\n"
     << "ntp = " << list(d.ntp) << "\n"
     << "lease_time_s = " << d.lease_time_s << "\n"
     << "tftp_server = \"" << d.tftp_server << "\"\n"
     << "cisco_tftp = " << list(d.cisco_tftp) << "\n"
     << "always_send = [";
  for (std::size_t i = 0; i < d.always_send.size(); ++i)
    os << (i ? ", " : "") << static_cast<int>(d.always_send[i]);
  os << "]\nreservations = [";
  for (std::size_t i = 0; i < d.reservations.size(); ++i)
    os << (i ? ", " : "") << "{mac = \"" << d.reservations[i].mac.to_string()
       << "\", address = \"" << d.reservations[i].address.to_string() << "\"}";
  os << "]\n"
     << "authoritative = " << (d.authoritative ? "true" : "false") << "\n\n"
     << "[provisioning]\n"
     << "tftp_listen = \"" << net::to_string(p.tftp_listen) << "\"\n"
     << "http_listen = \"" << net::to_string(p.http_listen) << "\"\n"
     << "https_listen = \"" << net::to_string(p.https_listen) << "\"\n"
     << "https_certificate = \"" << p.https_certificate << "\"\n"
     << "https_private_key = \"" << p.https_private_key << "\"\n"
     << "allow = [";
  for (std::size_t i = 0; i < p.allow.size(); ++i)
    os << (i ? ", " : "") << "\"" << to_string(p.allow[i]) << "\"";
  os << "]\n"
     << "registrar_host = \"" << p.registrar_host << "\"\n"
     << "ntp_server = \"" << p.ntp_server << "\"\n"
     << "timezone = \"" << p.timezone << "\"\n"
     << "utc_offset_minutes = " << p.utc_offset_minutes << "\n";
  return os.str();
}

} // namespace ivm::app
