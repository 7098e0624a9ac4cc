#include "appliance/main/runner_provisioning.hpp"

#include <fstream>
#include <iterator>

#include "appliance/common/log.hpp"
#include "appliance/net/http_server.hpp"
#include "storage/records/leases.hpp"

namespace ivm::app {

namespace {

namespace phone = provisioning::phone;

/// <data_dir>/templates/<vendor>-<kind>.tmpl replace the compiled-in ones.
std::optional<std::string> load_templates(const std::filesystem::path& dir,
                                          phone::templates& tpl) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return std::nullopt;
  for (auto& e : std::filesystem::directory_iterator(dir, ec)) {
    auto path = e.path();
    if (path.extension() != ".tmpl")
      continue;
    auto stem = path.stem().string();
    auto dash = stem.find('-');
    auto v = phone::parse_vendor(stem.substr(0, dash));
    auto k = dash == std::string::npos
                 ? std::nullopt
                 : phone::parse_file_kind(stem.substr(dash + 1));
    if (!v || !k)
      return path.string() +
             ": not <vendor>-<kind>.tmpl (e.g. yealink-device_config.tmpl)";
    std::ifstream in{path, std::ios::binary};
    std::string text{std::istreambuf_iterator<char>{in}, {}};
    if (!in && !in.eof())
      return path.string() + ": cannot be read";
    if (auto bad = tpl.set(*v, *k, text))
      return path.string() + ": " + bad->to_string();
  }
  return std::nullopt;
}

} // namespace

expected<std::optional<actors::provisioning_config>, std::string>
open_provisioning(net::io_pool& io, const settings& cfg) {
  auto& p = cfg.provisioning;
  if (!cfg.dhcp.enabled && p.tftp_listen.port == 0 && p.http_listen.port == 0)
    return std::optional<actors::provisioning_config>{};
  actors::provisioning_config pc;
  pc.allow = p.allow;
  std::string box_host =
      p.registrar_host.empty() ? cfg.sip.listen.host : p.registrar_host;
  if (cfg.dhcp.enabled) {
    auto dc = make_dhcp_config(cfg);
    if (!dc)
      return unexpected(dc.error().what);
    auto sock = net::dhcp_socket::open(io, cfg.dhcp.interface, 67);
    if (!sock)
      return unexpected("dhcp.interface: " + sock.error());
    pc.dhcp_socket = std::move(*sock);
    // The rogue-server probe listens on port 68 (offers come back there);
    // without it only replies seen on port 67 reveal another server.
    if (auto probe = net::dhcp_socket::open(io, cfg.dhcp.interface, 68))
      pc.probe_socket = std::move(*probe);
    else
      log::get("main")->warn("no rogue DHCP probe: {}", probe.error());
    pc.dhcp_interface = cfg.dhcp.interface;
    // Phones on the DHCP subnet fetch their files without credentials.
    pc.allow.push_back(
        ipv4_network{provisioning::dhcp::ipv4_address{
                         dc->server_address.value() & dc->subnet_mask.value()},
                     dc->subnet_mask});
    if (box_host == "0.0.0.0" || box_host.empty())
      box_host = dc->server_address.to_string();
    pc.dhcp = std::move(*dc);
  }
  if (p.tftp_listen.port != 0) {
    auto t = net::tftp_server::open(io, p.tftp_listen);
    if (!t)
      return unexpected("provisioning.tftp_listen: " + t.error());
    pc.tftp = std::move(*t);
  }
  if (p.http_listen.port != 0) {
    auto h = net::http_server::open(io, p.http_listen);
    if (!h)
      return unexpected("provisioning.http_listen: " + h.error());
    pc.http = std::move(*h);
  }
  auto tpl = std::make_shared<phone::templates>();
  if (auto bad = load_templates(cfg.data_dir / "templates", *tpl))
    return unexpected("templates: " + *bad);
  pc.templates = std::move(tpl);
  auto& box = pc.box;
  box.sip_domain = cfg.domain;
  box.registrar_host = box_host;
  box.registrar_port = cfg.sip.listen.port;
  box.transport = phone::sip_transport::udp;
  box.ntp_server = p.ntp_server;
  if (box.ntp_server.empty() && cfg.dhcp.enabled && !cfg.dhcp.ntp.empty())
    box.ntp_server = cfg.dhcp.ntp.front().to_string();
  box.timezone = p.timezone;
  box.utc_offset_minutes = p.utc_offset_minutes;
  auto url_host =
      p.http_listen.port != 0 ? p.http_listen.host : p.tftp_listen.host;
  if (url_host == "0.0.0.0")
    url_host = pc.dhcp ? pc.dhcp->server_address.to_string() : box_host;
  box.provisioning_url = provisioning_url(cfg, url_host);
  pc.firmware_dir = cfg.data_dir / "firmware";
  return std::optional<actors::provisioning_config>{std::move(pc)};
}

std::optional<std::string> load_stored_leases(storage::store& db,
                                              actors::provisioning_config& pc) {
  if (!pc.dhcp)
    return std::nullopt;
  std::size_t skipped = 0;
  auto leases = storage::records::load_leases(db, &skipped);
  if (!leases)
    return "leases: " + leases.error().message;
  if (skipped > 0)
    log::get("main")->warn("{} stored DHCP leases did not decode (skipped)",
                           skipped);
  pc.leases = std::move(*leases);
  return std::nullopt;
}

} // namespace ivm::app
