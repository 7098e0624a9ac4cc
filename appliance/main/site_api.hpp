#pragma once

// GET and PATCH /api/v1/settings: the site settings of first boot (site
// name, SIP domain, the address the box serves on, time zone). A change is
// checked with the configuration file's rules, written to site.toml before
// it is answered, and applied at once where that is safe (site name, time
// zone of the phones' files); the domain and the address take effect at
// the next start (the answer lists them under "restart_needed").

#include <filesystem>
#include <functional>
#include <memory>

#include "actors/provisioning/provisioning_actor.hpp"
#include "appliance/main/settings.hpp"
#include "appliance/main/site_settings.hpp"
#include "appliance/net/http_server.hpp"

namespace ivm::app {

class site_api {
public:
  /// `running`: the settings the daemon started with; `stored`: site.toml
  /// as read at start; `hooks`: told of live changes.
  site_api(settings running, site_values stored, std::filesystem::path file,
           std::shared_ptr<actors::site_hooks> hooks);

  /// Answers GET and PATCH (the caller checked who asks).
  net::http_response handle(const net::http_request& req);

  /// The box's interfaces (tests replace them).
  std::function<std::vector<interface_info>()> interfaces = ipv4_interfaces;

private:
  net::http_response view(int status) const;

  settings started_;
  /// The settings with every change made since (what the next start
  /// uses, and the live ones already in use).
  settings next_;
  site_values stored_;
  std::filesystem::path file_;
  std::shared_ptr<actors::site_hooks> hooks_;
};

} // namespace ivm::app
