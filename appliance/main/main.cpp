// ivm-appliance: the daemon. Parses settings, binds every socket and opens
// the database (failing cleanly before anything is written), then hands
// them to the engine actor and waits for SIGINT/SIGTERM.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <pthread.h>

#include <CLI/CLI.hpp>

#include "appliance/common/log.hpp"
#include "appliance/main/runner.hpp"
#include "appliance/main/settings.hpp"
#include "appliance/main/site_settings.hpp"
#include "ivm/version.hpp"

namespace {

int fail(const std::string& line) {
  std::fprintf(stderr, "ivm-appliance: %s\n", line.c_str());
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"IVM appliance: instant voice and text messages for an "
               "office",
               "ivm-appliance"};
  std::string config_file;
  std::string data_dir;
  std::string sip_listen;
  std::string sip_tls_listen;
  std::string admin_listen;
  std::string tftp_listen;
  std::string provisioning_http_listen;
  std::string mgcp_listen;
  std::string megaco_listen;
  std::string domain;
  std::string log_level;
  bool check_config = false;
  bool allow_shared = false;
  bool version = false;
  app.add_option("--config", config_file, "TOML configuration file");
  app.add_option("--data-dir", data_dir, "Data directory (default ./var)");
  app.add_option("--sip-listen", sip_listen,
                 "SIP UDP and TCP address (default 127.0.0.1:5060)");
  app.add_option("--sip-tls-listen", sip_tls_listen,
                 "SIP over TLS address (default 127.0.0.1:5061; port 0: off)");
  app.add_option("--admin-listen", admin_listen,
                 "Admin HTTP address (default 127.0.0.1:8080)");
  app.add_option("--tftp-listen", tftp_listen,
                 "TFTP provisioning address (default 127.0.0.1:6969; port 0: "
                 "off)");
  app.add_option("--provisioning-http-listen", provisioning_http_listen,
                 "HTTP provisioning address (default 127.0.0.1:8082; port 0: "
                 "off)");
  app.add_option("--mgcp-listen", mgcp_listen,
                 "MGCP call agent UDP address (default 127.0.0.1:2727; port "
                 "0: off)");
  app.add_option("--megaco-listen", megaco_listen,
                 "H.248 media gateway controller UDP address (default "
                 "127.0.0.1:2944; port 0: off)");
  app.add_option("--domain", domain, "SIP domain (default 127.0.0.1)");
  app.add_option("--log-level", log_level,
                 "trace, debug, info, warn, error, critical or off");
  app.add_flag("--allow-shared-data-dir", allow_shared,
               "Start even if other local accounts can read the data dir");
  app.add_flag("--check-config", check_config,
               "Check the configuration, print it and exit");
  app.add_flag("--version", version, "Print the version and exit");
  // Like most Unix daemons: when a flag is repeated, the last one wins.
  for (auto* opt : app.get_options())
    opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (version) {
    std::cout << "ivm-appliance " << IVM_VERSION_STRING << "\n";
    return 0;
  }
  ivm::app::settings file_cfg;
  if (!config_file.empty()) {
    auto loaded = ivm::app::load_file(config_file);
    if (!loaded)
      return fail(loaded.error().what);
    file_cfg = *loaded;
  }
  const std::pair<const char*, const std::string*> flags[] = {
      {"data_dir", &data_dir},
      {"sip.listen", &sip_listen},
      {"sip.tls_listen", &sip_tls_listen},
      {"admin.listen", &admin_listen},
      {"provisioning.tftp_listen", &tftp_listen},
      {"provisioning.http_listen", &provisioning_http_listen},
      {"mgcp.listen", &mgcp_listen},
      {"megaco.listen", &megaco_listen},
      {"domain", &domain},
      {"log_level", &log_level},
  };
  auto apply_flags = [&](ivm::app::settings& s) -> std::optional<std::string> {
    for (auto& [key, value] : flags)
      if (!value->empty())
        if (auto e = ivm::app::apply(s, key, *value))
          return e->what;
    return std::nullopt;
  };
  auto cfg = file_cfg;
  if (auto e = apply_flags(cfg))
    return fail(*e);
  // What the admin set at first boot or through the admin API
  // (data_dir/site.toml) goes over the file; the command line still wins.
  auto site_file = cfg.data_dir / std::string{ivm::app::site_file_name};
  auto site = ivm::app::read_site_file(site_file);
  if (!site)
    return fail(site.error().what);
  cfg = file_cfg;
  auto interfaces = ivm::app::ipv4_interfaces();
  for (auto& one : ivm::app::split(*site)) {
    // A setting that no longer holds (say, the address left the box) is
    // skipped with a warning: the box still starts, on the file's value.
    if (auto e = ivm::app::apply_site(cfg, one, interfaces))
      std::fprintf(stderr,
                   "ivm-appliance: %s: %s; using the configuration "
                   "file's value\n",
                   site_file.c_str(), e->what.c_str());
  }
  if (auto e = apply_flags(cfg))
    return fail(*e);
  if (allow_shared)
    cfg.allow_shared_data_dir = true;
  if (auto e = ivm::app::validate(cfg))
    return fail(e->what);
  if (check_config) {
    std::cout << ivm::app::to_toml(cfg) << "# configuration ok\n";
    return 0;
  }
  ivm::log::set_level(cfg.log_level);
  // Block the stop signals in every thread; main waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return ivm::app::run(cfg, *site, stop_signals);
}
