// appliance/main/provisioning_scope: the DHCP scope of PUT/PATCH
// /api/v1/dhcp, checked as the [dhcp] keys are; the box fields it implies.

#include <gtest/gtest.h>

#include "appliance/main/provisioning_scope.hpp"

using namespace ivm;
using provisioning::dhcp::ipv4_address;

namespace {

// Enabled scopes name their address and mask: no interface is looked up.
const char* const on = R"({"enabled": true, "interface": "eth0",
  "server_address": "192.0.2.1", "subnet_mask": "255.255.255.0",
  "pool": "192.0.2.10-192.0.2.20", "router": ["192.0.2.1"],
  "dns": "192.0.2.53", "lease_time_s": 900, "always_send": [1, 3, 66],
  "reservations": [{"mac": "00:11:22:33:44:55", "address": "192.0.2.15"}]})";

app::settings applied(const char* body, bool replace = true) {
  app::settings s;
  auto e = app::apply_dhcp_json(s, body, replace);
  EXPECT_FALSE(e) << e->what;
  return s;
}

} // namespace

TEST(provisioning_scope, put_sets_every_member) {
  auto d = applied(on).dhcp;
  EXPECT_TRUE(d.enabled);
  EXPECT_EQ(d.interface, "eth0");
  EXPECT_EQ(d.server_address, ipv4_address::from_octets(192, 0, 2, 1));
  EXPECT_EQ(d.pool_first, ipv4_address::from_octets(192, 0, 2, 10));
  EXPECT_EQ(d.pool_last, ipv4_address::from_octets(192, 0, 2, 20));
  ASSERT_EQ(d.dns.size(), 1u); // a single string is a list of one
  EXPECT_EQ(d.lease_time_s, 900u);
  EXPECT_EQ(d.always_send, (std::vector<std::uint8_t>{1, 3, 66}));
  ASSERT_EQ(d.reservations.size(), 1u);
  EXPECT_EQ(d.reservations[0].address,
            ipv4_address::from_octets(192, 0, 2, 15));
}

TEST(provisioning_scope, put_replaces_patch_merges) {
  auto s = applied(on);
  auto patched = s;
  ASSERT_FALSE(
      app::apply_dhcp_json(patched, R"({"lease_time_s": 120})", false));
  EXPECT_EQ(patched.dhcp.lease_time_s, 120u);
  EXPECT_EQ(patched.dhcp.pool_first, s.dhcp.pool_first);
  EXPECT_TRUE(patched.dhcp.enabled);
  auto put = s;
  ASSERT_FALSE(app::apply_dhcp_json(put, R"({"lease_time_s": 120})", true));
  EXPECT_FALSE(put.dhcp.enabled); // omitted: the default
  EXPECT_TRUE(put.dhcp.router.empty());
}

TEST(provisioning_scope, the_printed_scope_reads_back_the_same) {
  auto s = applied(on);
  auto text = app::dhcp_settings_json(s.dhcp);
  auto again = applied(text.c_str());
  EXPECT_EQ(app::dhcp_settings_json(again.dhcp), text);
  // GET members that are state are accepted and ignored.
  auto with_state = text;
  with_state.pop_back();
  with_state += R"(,"leases":[{"mac":"x"}],"rogue_servers":[],"source":"api"})";
  EXPECT_EQ(app::dhcp_settings_json(applied(with_state.c_str()).dhcp), text);
}

TEST(provisioning_scope, bad_members_name_the_key_and_change_nothing) {
  struct bad_case {
    const char* body;
    const char* key;
  };
  for (auto c : {
           bad_case{R"({"enabled": "true"})", "dhcp.enabled"},
           bad_case{R"({"lease_time_s": -1})", "dhcp.lease_time_s"},
           bad_case{R"({"lease_time_s": 5})", "dhcp.lease_time_s"},
           bad_case{R"({"lease_time_s": "60"})", "dhcp.lease_time_s"},
           bad_case{R"({"pool": "192.0.2.9-192.0.2.1"})", "dhcp.pool"},
           bad_case{R"({"pool": null})", "dhcp.pool"},
           bad_case{R"({"router": ["192.0.2.1,192.0.2.2"]})", "dhcp.router"},
           bad_case{R"({"router": [1]})", "dhcp.router"},
           bad_case{R"({"dns": ["dns.example"]})", "dhcp.dns"},
           bad_case{R"({"always_send": [0]})", "dhcp.always_send"},
           bad_case{R"({"always_send": ["1"]})", "dhcp.always_send"},
           bad_case{
               R"({"reservations": [{"mac": "zz", "address": "1.2.3.4"}]})",
               "dhcp.reservations"},
           bad_case{R"({"reservations": [{"mac": "00:11:22:33:44:55"}]})",
                    "dhcp.reservations"},
           bad_case{R"({"subnet_mask": "255.0.255.0"})", "dhcp.subnet_mask"},
           bad_case{R"({"interface": "eth0\nx"})", "dhcp.interface"},
           bad_case{R"({"colour": "blue"})", "dhcp.colour"},
       }) {
    auto s = applied(on);
    auto before = app::dhcp_settings_json(s.dhcp);
    auto e = app::apply_dhcp_json(s, c.body, false);
    ASSERT_TRUE(e) << c.body;
    EXPECT_EQ(e->what.rfind(c.key, 0), 0u) << c.body << " -> " << e->what;
    EXPECT_EQ(app::dhcp_settings_json(s.dhcp), before) << c.body;
  }
  app::settings s;
  for (auto body : {"", "[]", "42", "{", "null", "\"x\""})
    EXPECT_TRUE(app::apply_dhcp_json(s, body, true)) << body;
}

TEST(provisioning_scope, an_enabled_scope_must_hold_as_a_whole) {
  app::settings s;
  // The reservation is the server's own address.
  auto e = app::apply_dhcp_json(s, R"({"enabled": true, "interface": "x",
      "server_address": "192.0.2.1", "subnet_mask": "255.255.255.0",
      "pool": "192.0.2.10-192.0.2.20",
      "reservations": [{"mac": "00:11:22:33:44:55", "address": "192.0.2.1"}]})",
                                true);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->what.rfind("dhcp", 0), 0u) << e->what;
  EXPECT_FALSE(s.dhcp.enabled);
  // Enabled without an interface.
  e = app::apply_dhcp_json(s, R"({"enabled": true})", true);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->what.rfind("dhcp.interface", 0), 0u) << e->what;
}

TEST(provisioning_scope, box_fields_reach_a_wildcard_box_at_its_dhcp_address) {
  app::settings s;
  s.sip.listen = {"0.0.0.0", 5060};
  s.provisioning.http_listen = {"0.0.0.0", 8082};
  auto off = app::box_fields(s, std::nullopt);
  EXPECT_EQ(off.registrar_host, "0.0.0.0");
  s = applied(on);
  s.sip.listen = {"0.0.0.0", 5060};
  s.provisioning.http_listen = {"0.0.0.0", 8082};
  auto made = app::make_dhcp_config(s);
  ASSERT_TRUE(made);
  auto box = app::box_fields(s, *made);
  EXPECT_EQ(box.registrar_host, "192.0.2.1");
  EXPECT_EQ(box.provisioning_url, "http://192.0.2.1:8082/");
  auto net = app::dhcp_subnet(*made);
  EXPECT_TRUE(net.contains(ipv4_address::from_octets(192, 0, 2, 200)));
  EXPECT_FALSE(net.contains(ipv4_address::from_octets(192, 0, 3, 1)));
}
