#include "appliance/main/runner_provisioning.hpp"

#include <fstream>
#include <iterator>

#include "appliance/common/log.hpp"
#include "appliance/main/box_certificate.hpp"
#include "appliance/main/provisioning_scope.hpp"
#include "appliance/net/http_server.hpp"
#include "appliance/net/tls_context.hpp"
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

namespace {

actors::dhcp_sockets_opener make_opener(net::io_pool& io) {
  return [&io](const std::string& interface)
             -> expected<actors::dhcp_sockets, std::string> {
    auto sock = net::dhcp_socket::open(io, interface, 67);
    if (!sock)
      return unexpected(sock.error());
    actors::dhcp_sockets out;
    out.server = std::move(*sock);
    // The rogue-server probe listens on port 68 (offers come back there);
    // without it only replies seen on port 67 reveal another server.
    if (auto probe = net::dhcp_socket::open(io, interface, 68))
      out.probe = std::move(*probe);
    else
      log::get("main")->warn("no rogue DHCP probe: {}", probe.error());
    return out;
  };
}

} // namespace

expected<std::optional<actors::provisioning_config>, std::string>
open_provisioning(net::io_pool& io, const settings& cfg) {
  auto& p = cfg.provisioning;
  if (!cfg.dhcp.enabled && p.tftp_listen.port == 0 && p.http_listen.port == 0 &&
      p.https_listen.port == 0)
    return std::optional<actors::provisioning_config>{};
  actors::provisioning_config pc;
  pc.allow = p.allow;
  pc.settings = std::make_shared<settings>(cfg);
  pc.file_dhcp = cfg.dhcp;
  pc.open_dhcp = make_opener(io);
  pc.dhcp_interface = cfg.dhcp.interface;
  if (cfg.dhcp.enabled) {
    auto dc = make_dhcp_config(cfg);
    if (!dc)
      return unexpected(dc.error().what);
    auto socks = pc.open_dhcp(cfg.dhcp.interface);
    if (!socks)
      return unexpected("dhcp.interface: " + socks.error());
    pc.dhcp_socket = std::move(socks->server);
    pc.probe_socket = std::move(socks->probe);
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
  if (p.https_listen.port != 0) {
    auto h = net::http_server::open(io, p.https_listen);
    if (!h)
      return unexpected("provisioning.https_listen: " + h.error());
    pc.https = std::move(*h);
  }
  pc.templates_dir = cfg.data_dir / "templates";
  auto tpl = std::make_shared<phone::templates>();
  if (auto bad = load_templates(pc.templates_dir, *tpl))
    return unexpected("templates: " + *bad);
  pc.templates = std::move(tpl);
  pc.box = box_fields(cfg, pc.dhcp);
  pc.firmware_dir = cfg.data_dir / "firmware";
  return std::optional<actors::provisioning_config>{std::move(pc)};
}

std::optional<std::string>
enable_provisioning_https(actors::provisioning_config& pc, const settings& cfg,
                          const std::shared_ptr<net::tls_context>& box_tls) {
  if (!pc.https)
    return std::nullopt;
  auto& p = cfg.provisioning;
  std::shared_ptr<net::tls_context> tls;
  if (!p.https_certificate.empty()) {
    auto loaded =
        net::tls_context::load(p.https_certificate, p.https_private_key);
    if (!loaded)
      return "provisioning.https_certificate: " + loaded.error();
    tls = *loaded;
  } else {
    auto loaded = box_certificate(cfg, box_tls);
    if (!loaded)
      return "provisioning.https_listen: " + loaded.error();
    tls = *loaded;
  }
  log::get("main")->info("provisioning HTTPS certificate SHA-256 {}",
                         tls->fingerprint());
  pc.https->enable_tls(std::move(tls));
  return std::nullopt;
}

std::optional<std::string> load_stored_leases(storage::store& db,
                                              actors::provisioning_config& pc) {
  std::size_t skipped = 0;
  auto leases = storage::records::load_leases(db, &skipped);
  if (!leases)
    return "leases: " + leases.error().message;
  if (skipped > 0)
    log::get("main")->warn("{} stored DHCP leases did not decode (skipped)",
                           skipped);
  pc.leases = std::move(*leases);
  return use_stored_scope(db, pc);
}

std::optional<std::string> use_stored_scope(storage::store& db,
                                            actors::provisioning_config& pc) {
  auto stored = db.get(storage::family::meta, std::string{dhcp_scope_key});
  if (!stored)
    return "dhcp scope: " + stored.error().message;
  if (!*stored)
    return std::nullopt;
  auto log = log::get("main");
  log->info("DHCP scope as stored through the admin API ([dhcp] of the "
            "file not used; DELETE /api/v1/dhcp returns to it)");
  auto s = std::make_shared<settings>(*pc.settings);
  auto bad = apply_dhcp_json(*s, **stored, true);
  std::optional<provisioning::dhcp::server_config> dc;
  if (!bad && s->dhcp.enabled) {
    auto made = make_dhcp_config(*s);
    if (made)
      dc = std::move(*made);
    else
      bad = made.error();
  }
  // The file's sockets, if any, make way for the stored scope's.
  if (pc.dhcp_socket)
    pc.dhcp_socket->close();
  if (pc.probe_socket)
    pc.probe_socket->close();
  pc.dhcp_socket.reset();
  pc.probe_socket.reset();
  pc.dhcp.reset();
  pc.dhcp_from_store = true;
  pc.settings = s;
  pc.dhcp_interface = s->dhcp.interface;
  if (bad) {
    // Never a scope the admin did not ask for: off, and said so.
    pc.dhcp_error = "stored scope: " + bad->what;
    return std::nullopt;
  }
  if (dc) {
    auto socks = pc.open_dhcp(s->dhcp.interface);
    if (!socks) {
      pc.dhcp_error = "dhcp.interface: " + socks.error();
      return std::nullopt;
    }
    pc.dhcp_socket = std::move(socks->server);
    pc.probe_socket = std::move(socks->probe);
    pc.dhcp = std::move(dc);
  }
  pc.box = box_fields(*s, pc.dhcp);
  return std::nullopt;
}

} // namespace ivm::app
