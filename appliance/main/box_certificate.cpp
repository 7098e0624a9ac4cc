#include "appliance/main/box_certificate.hpp"

namespace ivm::app {

expected<std::shared_ptr<net::tls_context>, std::string>
box_certificate(const settings& cfg,
                const std::shared_ptr<net::tls_context>& loaded) {
  if (loaded)
    return loaded;
  bool own = !cfg.sip.tls_certificate.empty();
  auto cert = own ? std::filesystem::path{cfg.sip.tls_certificate}
                  : cfg.data_dir / "tls" / "sip-cert.pem";
  auto key = own ? std::filesystem::path{cfg.sip.tls_private_key}
                 : cfg.data_dir / "tls" / "sip-key.pem";
  if (!own) {
    auto made = net::ensure_self_signed(cert, key, cfg.domain);
    if (!made)
      return unexpected(made.error());
  }
  return net::tls_context::load(cert, key);
}

bool is_loopback_host(const std::string& host) {
  return host.rfind("127.", 0) == 0 || host == "::1" || host == "localhost";
}

} // namespace ivm::app
