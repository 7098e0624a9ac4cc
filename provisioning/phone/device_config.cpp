#include "provisioning/phone/device_config.hpp"

#include <cstdlib>

#include "provisioning/phone/text_template.hpp"

namespace ivm::provisioning::phone {

namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string upper(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string_view transport_code(sip_transport x) {
  switch (x) {
    case sip_transport::tcp:
      return "1";
    case sip_transport::tls:
      return "2";
    default:
      return "0";
  }
}

std::string_view polycom_transport(sip_transport x) {
  switch (x) {
    case sip_transport::tcp:
      return "TCPOnly";
    case sip_transport::tls:
      return "TLS";
    default:
      return "UDPOnly";
  }
}

std::string hostport(const std::string& host, std::uint16_t port) {
  auto bracketed = host.find(':') != std::string::npos && !host.empty() &&
                   host.front() != '[';
  std::string out;
  if (bracketed)
    out += '[';
  out += host;
  if (bracketed)
    out += ']';
  out += ':';
  out += std::to_string(port);
  return out;
}

/// "+1", "-3:30", "+5:45", "+0".
std::string gmt_offset(int minutes) {
  std::string out = minutes < 0 ? "-" : "+";
  auto magnitude = std::abs(minutes);
  out += std::to_string(magnitude / 60);
  if (magnitude % 60 != 0) {
    out += ':';
    auto rest = magnitude % 60;
    if (rest < 10)
      out += '0';
    out += std::to_string(rest);
  }
  return out;
}

} // namespace

std::string_view to_string(sip_transport x) noexcept {
  switch (x) {
    case sip_transport::tcp:
      return "tcp";
    case sip_transport::tls:
      return "tls";
    default:
      return "udp";
  }
}

template_data to_template_data(const device_config& cfg) {
  template_data data;
  auto& v = data.values;
  v["mac"] = cfg.mac.to_string();
  v["mac_upper"] = cfg.mac.to_compact_upper();
  v["mac_compact"] = lower(cfg.mac.to_compact_upper());
  v["vendor"] = std::string{to_string(cfg.vendor_id)};
  v["model"] = cfg.model;
  v["firmware"] = cfg.firmware;
  v["display_name"] = cfg.display_name;
  v["extension"] = cfg.extension;
  v["auth_user"] = cfg.auth_user;
  v["auth_password"] = cfg.auth_password;
  v["sip_domain"] = cfg.sip_domain;
  v["registrar_host"] = cfg.registrar_host;
  v["registrar_port"] = std::to_string(cfg.registrar_port);
  v["registrar_hostport"] = hostport(cfg.registrar_host, cfg.registrar_port);
  v["transport"] = std::string{to_string(cfg.transport)};
  v["transport_upper"] = upper(to_string(cfg.transport));
  v["transport_code"] = std::string{transport_code(cfg.transport)};
  v["polycom_transport"] = std::string{polycom_transport(cfg.transport)};
  v["ntp_server"] = cfg.ntp_server;
  v["timezone"] = cfg.timezone;
  v["utc_offset_minutes"] = std::to_string(cfg.utc_offset_minutes);
  v["gmt_offset_seconds"] = std::to_string(cfg.utc_offset_minutes * 60);
  v["gmt_offset"] = gmt_offset(cfg.utc_offset_minutes);
  v["provisioning_url"] = cfg.provisioning_url;
  auto& keys = data.lists["line_keys"];
  keys.reserve(cfg.line_keys.size());
  for (std::size_t i = 0; i < cfg.line_keys.size(); ++i) {
    auto& key = cfg.line_keys[i];
    template_data item;
    item.values["extension"] = key.extension;
    item.values["label"] = key.label;
    item.values["uri"] = "sip:" + key.extension + "@" + cfg.sip_domain;
    item.values["position"] = std::to_string(i + 1);
    item.values["position0"] = std::to_string(i);
    item.values["button"] = std::to_string(i + 2);
    keys.push_back(std::move(item));
  }
  return data;
}

const template_schema& device_schema() {
  static const template_schema schema = [] {
    device_config sample;
    sample.line_keys.push_back(line_key{"100", "sample"});
    return template_schema::of(to_template_data(sample));
  }();
  return schema;
}

} // namespace ivm::provisioning::phone
