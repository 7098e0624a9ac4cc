// The site settings of first boot and PATCH /api/v1/settings: checked with
// the configuration file's rules, kept in site.toml, read back at start.

#include "appliance/main/site_settings.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace ivm::app {
namespace {

namespace fs = std::filesystem;

const std::vector<interface_info> box_ifs = {
    {"eth0", {"192.0.2.10"}},
    {"lo", {"127.0.0.1"}},
};

class site_settings_test : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("site-settings-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir / "zones" / "Europe");
    fs::create_directories(dir / "zones" / "Asia");
    write_zone("Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3");
    write_zone("Asia/Kolkata", "IST-5:30");
    write_zone("America/St_Johns", "NST3:30NDT,M3.2.0,M11.1.0");
    write_zone("Etc/Plus", "<+0545>-5:45");
    zones.dir = dir / "zones";
  }
  void TearDown() override {
    fs::remove_all(dir);
  }
  void write_zone(const std::string& name, const std::string& rule) {
    fs::create_directories((dir / "zones" / name).parent_path());
    std::ofstream out{dir / "zones" / name, std::ios::binary};
    out << "TZif2" << std::string(39, '\0') << "\n" << rule << "\n";
  }
  fs::path dir;
  zone_source zones;
};

TEST_F(site_settings_test, zone_offsets_come_from_the_zone_rule) {
  EXPECT_EQ(zone_offset_minutes("UTC", zones), 0);
  EXPECT_EQ(zone_offset_minutes("Europe/Berlin", zones), 60);
  EXPECT_EQ(zone_offset_minutes("Asia/Kolkata", zones), 330);
  EXPECT_EQ(zone_offset_minutes("America/St_Johns", zones), -210);
  EXPECT_EQ(zone_offset_minutes("Etc/Plus", zones), 345);
  EXPECT_FALSE(zone_offset_minutes("Mars/Base", zones));
  EXPECT_FALSE(zone_offset_minutes("../../etc/passwd", zones));
  EXPECT_FALSE(zone_offset_minutes("Europe/../Europe/Berlin", zones));
  EXPECT_FALSE(zone_offset_minutes("", zones));
}

TEST_F(site_settings_test, a_change_is_applied_with_the_file_rules) {
  settings s;
  s.sip.listen = {"127.0.0.1", 5060};
  auto v = parse_site_json(R"({"site_name":"Berlin office",
      "domain":"office.example","interface":"eth0",
      "time_zone":"Europe/Berlin"})",
                           box_ifs);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->address, "192.0.2.10");
  ASSERT_FALSE(apply_site(s, *v, box_ifs, zones));
  EXPECT_EQ(s.site_name, "Berlin office");
  EXPECT_EQ(s.domain, "office.example");
  EXPECT_EQ(s.sip.listen.host, "192.0.2.10");
  EXPECT_EQ(s.sip.listen.port, 5060);
  EXPECT_EQ(s.sip.tls_listen.host, "192.0.2.10");
  EXPECT_EQ(s.provisioning.tftp_listen.host, "192.0.2.10");
  EXPECT_EQ(s.provisioning.timezone, "Europe/Berlin");
  EXPECT_EQ(s.provisioning.utc_offset_minutes, 60);
}

TEST_F(site_settings_test, bad_values_name_the_field_and_change_nothing) {
  settings s;
  auto before = to_toml(s);
  struct bad_case {
    const char* body;
    const char* field;
  };
  for (auto c : {bad_case{R"({"address":"10.9.9.9"})", "address"},
                 bad_case{R"({"address":"box"})", "address"},
                 bad_case{R"({"domain":"a b"})", "domain"},
                 bad_case{R"({"site_name":""})", "site_name"},
                 bad_case{R"({"site_name":"a\nb"})", "site_name"},
                 bad_case{R"({"time_zone":"Mars/Base"})", "time_zone"}}) {
    auto v = parse_site_json(c.body, box_ifs);
    ASSERT_TRUE(v) << c.body;
    auto bad = apply_site(s, *v, box_ifs, zones);
    ASSERT_TRUE(bad) << c.body;
    EXPECT_EQ(bad->what.substr(0, bad->what.find(':')), c.field) << c.body;
  }
  EXPECT_EQ(to_toml(s), before);
  for (auto body : {"[1]", "{", R"({"bogus":"1"})", R"({"domain":5})",
                    R"({"interface":"wlan9"})",
                    R"({"interface":"eth0","address":"127.0.0.1"})"})
    EXPECT_FALSE(parse_site_json(body, box_ifs)) << body;
}

TEST_F(site_settings_test, site_file_round_trips_durably) {
  auto file = dir / "site.toml";
  auto none = read_site_file(file);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->site_name);
  site_values v;
  v.site_name = "Quote \" and 'apostrophe' \\ office";
  v.domain = "office.example";
  v.time_zone = "Europe/Berlin";
  ASSERT_FALSE(write_site_file(file, v));
  EXPECT_FALSE(fs::exists(dir / "site.toml.tmp"));
  auto back = read_site_file(file);
  ASSERT_TRUE(back) << back.error().what;
  EXPECT_EQ(back->site_name, v.site_name);
  EXPECT_EQ(back->domain, v.domain);
  EXPECT_EQ(back->time_zone, v.time_zone);
  EXPECT_FALSE(back->address);
  // One member at a time, so that one that no longer holds is skipped.
  EXPECT_EQ(split(*back).size(), 3u);
}

TEST_F(site_settings_test, a_broken_site_file_is_an_error_naming_it) {
  auto file = dir / "site.toml";
  std::ofstream{file} << "site_name = \n";
  auto r = read_site_file(file);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("site.toml"), std::string::npos);
  std::ofstream{file} << "listen = \"0.0.0.0\"\n";
  r = read_site_file(file);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("listen: unknown key"), std::string::npos);
}

} // namespace
} // namespace ivm::app
