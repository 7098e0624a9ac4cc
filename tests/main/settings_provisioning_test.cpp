// appliance/main/settings_provisioning: [dhcp] and [provisioning] keys,
// lists and reservations from TOML, errors naming the key.

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>

#include "appliance/main/settings.hpp"

using namespace ivm;
using provisioning::dhcp::ipv4_address;

namespace {

std::filesystem::path write_file(const std::string& text) {
  auto p = std::filesystem::temp_directory_path() /
           ("ivm-settings-prov-" + std::to_string(getpid()) + ".toml");
  std::ofstream{p} << text;
  return p;
}

expected<app::settings, app::config_error> load(const std::string& text) {
  auto p = write_file(text);
  auto s = app::load_file(p);
  std::filesystem::remove(p);
  return s;
}

TEST(settings_provisioning, embedded_defaults) {
  app::settings s;
  EXPECT_FALSE(s.dhcp.enabled);
  EXPECT_EQ(net::to_string(s.provisioning.tftp_listen), "127.0.0.1:6969");
  EXPECT_EQ(net::to_string(s.provisioning.http_listen), "127.0.0.1:8082");
  ASSERT_EQ(s.provisioning.allow.size(), 1u);
  EXPECT_EQ(app::to_string(s.provisioning.allow[0]), "127.0.0.0/8");
  EXPECT_EQ(s.dhcp.always_send, (std::vector<std::uint8_t>{1, 3, 6, 66, 150}));
  EXPECT_EQ(s.dhcp.lease_time_s, 3600u);
  EXPECT_FALSE(app::validate_provisioning(s)) << "DHCP off needs nothing";
}

TEST(settings_provisioning, file_with_lists_and_reservations) {
  auto s = load("[dhcp]\nenabled = true\ninterface = \"lo\"\n"
                "server_address = \"192.0.2.1\"\nsubnet_mask = "
                "\"255.255.255.0\"\npool = \"192.0.2.10-192.0.2.20\"\n"
                "router = [\"192.0.2.1\"]\ndns = [\"192.0.2.2\", "
                "\"192.0.2.3\"]\nalways_send = [1, 66]\n"
                "reservations = [{mac = \"00:15:65:aa:bb:cc\", address = "
                "\"192.0.2.50\"}]\n[provisioning]\nallow = [\"10.0.0.0/8\", "
                "\"192.0.2.7\"]\ntftp_listen = \"0.0.0.0:69\"\n");
  ASSERT_TRUE(s) << s.error().what;
  EXPECT_TRUE(s->dhcp.enabled);
  EXPECT_EQ(s->dhcp.pool_first, ipv4_address::from_octets(192, 0, 2, 10));
  EXPECT_EQ(s->dhcp.pool_last, ipv4_address::from_octets(192, 0, 2, 20));
  ASSERT_EQ(s->dhcp.dns.size(), 2u);
  EXPECT_EQ(s->dhcp.dns[1], ipv4_address::from_octets(192, 0, 2, 3));
  EXPECT_EQ(s->dhcp.always_send, (std::vector<std::uint8_t>{1, 66}));
  ASSERT_EQ(s->dhcp.reservations.size(), 1u);
  EXPECT_EQ(s->dhcp.reservations[0].mac.to_string(), "00:15:65:aa:bb:cc");
  EXPECT_EQ(s->dhcp.reservations[0].address,
            ipv4_address::from_octets(192, 0, 2, 50));
  ASSERT_EQ(s->provisioning.allow.size(), 2u);
  EXPECT_EQ(app::to_string(s->provisioning.allow[1]), "192.0.2.7/32");
  EXPECT_EQ(s->provisioning.tftp_listen.port, 69);
  // The scope as the server gets it: defaults filled in, validated.
  auto c = app::make_dhcp_config(*s);
  ASSERT_TRUE(c) << c.error().what;
  EXPECT_EQ(c->tftp_server_name, "http://192.0.2.1:8082/");
  ASSERT_EQ(c->cisco_tftp.size(), 1u);
  EXPECT_EQ(c->cisco_tftp[0], ipv4_address::from_octets(192, 0, 2, 1));
}

TEST(settings_provisioning, printed_configuration_reads_back) {
  app::settings s;
  ASSERT_FALSE(app::apply(s, "dhcp.reservations",
                          "mac=02:00:00:00:00:01 address=192.0.2.9"));
  ASSERT_FALSE(app::apply(s, "dhcp.ntp", "192.0.2.1, 192.0.2.2"));
  auto back = load(app::to_toml(s));
  ASSERT_TRUE(back) << back.error().what;
  EXPECT_EQ(app::to_toml(*back), app::to_toml(s));
}

TEST(settings_provisioning, errors_name_the_key) {
  struct row {
    const char* key;
    const char* value;
    const char* expected;
  };
  const row rows[] = {
      {"dhcp.enable", "true", "dhcp.enable: unknown key"},
      {"provisioning.tftp", "1", "provisioning.tftp: unknown key"},
      {"dhcp.pool", "192.0.2.200-192.0.2.100", "dhcp.pool: "},
      {"dhcp.pool", "192.0.2.1", "dhcp.pool: "},
      {"dhcp.router", "192.0.2.1, nope", "dhcp.router: 'nope'"},
      {"dhcp.subnet_mask", "255.0.255.0", "dhcp.subnet_mask: "},
      {"dhcp.lease_time_s", "10", "dhcp.lease_time_s: "},
      {"dhcp.always_send", "1, 300", "dhcp.always_send: "},
      {"dhcp.reservations", "mac=zz address=192.0.2.5", "dhcp.reservations: "},
      {"dhcp.reservations", "mac=02:00:00:00:00:01",
       "dhcp.reservations: a reservation needs mac and address"},
      {"dhcp.enabled", "yes", "dhcp.enabled: must be true or false"},
      {"provisioning.allow", "10.0.0.0/33", "provisioning.allow: "},
      {"provisioning.http_listen", "127.0.0.1:99999",
       "provisioning.http_listen: "},
  };
  for (auto& r : rows) {
    app::settings s;
    auto before = app::to_toml(s);
    auto e = app::apply(s, r.key, r.value);
    ASSERT_TRUE(e) << r.key << " = " << r.value;
    EXPECT_EQ(e->what.rfind(r.expected, 0), 0u) << e->what;
    EXPECT_EQ(app::to_toml(s), before) << "a failed apply changes nothing";
  }
}

TEST(settings_provisioning, dhcp_needs_an_interface_and_a_valid_scope) {
  app::settings s;
  ASSERT_FALSE(app::apply(s, "dhcp.enabled", "true"));
  auto e = app::validate_provisioning(s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->what, "dhcp.interface: required when DHCP is enabled");
  ASSERT_FALSE(app::apply(s, "dhcp.interface", "ivm-no-such-if0"));
  e = app::validate_provisioning(s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->what.rfind("dhcp.interface: no interface", 0), 0u) << e->what;
  // Configured addresses need no interface lookup; the scope is checked.
  ASSERT_FALSE(app::apply(s, "dhcp.server_address", "192.0.2.1"));
  ASSERT_FALSE(app::apply(s, "dhcp.subnet_mask", "255.255.255.0"));
  EXPECT_FALSE(app::validate_provisioning(s));
  ASSERT_FALSE(app::apply(s, "dhcp.pool", "192.0.2.100-192.0.2.255"));
  e = app::validate_provisioning(s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->what, "dhcp: pool includes the network or broadcast address");
}

TEST(settings_provisioning, ports_must_differ) {
  app::settings s;
  ASSERT_FALSE(app::apply(s, "provisioning.http_listen", "127.0.0.1:8080"));
  auto e = app::validate_provisioning(s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->what.rfind("provisioning.http_listen: ", 0), 0u) << e->what;
}

TEST(settings_provisioning, https_is_off_unless_given_and_then_in_the_url) {
  app::settings s;
  EXPECT_EQ(s.provisioning.https_listen.port, 0);
  EXPECT_EQ(app::provisioning_url(s, "192.0.2.1"), "http://192.0.2.1:8082/");
  ASSERT_FALSE(app::apply(s, "provisioning.https_listen", "0.0.0.0:8443"));
  EXPECT_EQ(app::provisioning_url(s, "192.0.2.1"), "http://192.0.2.1:8082/");
  ASSERT_FALSE(app::apply(s, "provisioning.http_listen", "127.0.0.1:0"));
  EXPECT_EQ(app::provisioning_url(s, "192.0.2.1"), "https://192.0.2.1:8443/");
  ASSERT_FALSE(app::apply(s, "provisioning.https_listen", "0.0.0.0:443"));
  EXPECT_EQ(app::provisioning_url(s, "192.0.2.1"), "https://192.0.2.1/");
  EXPECT_FALSE(app::validate_provisioning(s));
  // A certificate without its key (or the reverse) is refused.
  ASSERT_FALSE(app::apply(s, "provisioning.https_certificate", "/x/c.pem"));
  auto e = app::validate_provisioning(s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->what.rfind("provisioning.https_certificate: ", 0), 0u)
      << e->what;
  ASSERT_FALSE(app::apply(s, "provisioning.https_private_key", "/x/k.pem"));
  EXPECT_FALSE(app::validate_provisioning(s));
  // Not on the admin port.
  ASSERT_FALSE(app::apply(s, "provisioning.https_listen",
                          net::to_string(s.admin.listen)));
  e = app::validate_provisioning(s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->what.rfind("provisioning.https_listen: ", 0), 0u) << e->what;
}

} // namespace
