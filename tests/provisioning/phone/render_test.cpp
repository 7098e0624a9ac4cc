#include "provisioning/phone/render.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "provisioning/phone/device_config.hpp"
#include "provisioning/phone/file_request.hpp"
#include "provisioning/phone/templates.hpp"

using namespace ivm::provisioning;
using namespace ivm::provisioning::phone;

namespace {

const char* hostile_name = "Ann <&> \"Q\" 'x'\nEvil</name><authPassword>1";

device_config alice(vendor v) {
  device_config cfg;
  cfg.mac = *mac_address::parse("00:04:f2:aa:bb:cc");
  cfg.vendor_id = v;
  cfg.model = v == vendor::snom ? "snom370" : "";
  cfg.display_name = "Alice Example";
  cfg.extension = "201";
  cfg.auth_user = "201-dev1";
  cfg.auth_password = "s3cr3t-Pw";
  cfg.sip_domain = "ivm.example";
  cfg.registrar_host = "192.0.2.10";
  cfg.registrar_port = 5062;
  cfg.transport = sip_transport::tcp;
  cfg.line_keys = {{"202", "Bob"}, {"203", "Carol"}};
  cfg.ntp_server = "192.0.2.1";
  cfg.timezone = "Europe/Berlin";
  cfg.utc_offset_minutes = 60;
  cfg.provisioning_url = "http://192.0.2.10:8080/";
  return cfg;
}

std::string render_ok(vendor v, file_kind k, const device_config& cfg) {
  templates tpl;
  auto text = render(v, k, cfg, tpl);
  EXPECT_TRUE(text.has_value()) << to_string(v) << " " << to_string(k);
  return text.value_or("");
}

/// Parses XML text, failing the test when it is not well-formed.
pugi::xml_document parse_xml(const std::string& text) {
  pugi::xml_document doc;
  auto res = doc.load_string(text.c_str());
  EXPECT_TRUE(res) << res.description() << "\n" << text;
  return doc;
}

std::string text_at(const pugi::xml_node& root, const char* xpath) {
  auto hit = root.select_node(xpath);
  EXPECT_TRUE(hit) << xpath;
  return hit ? hit.node().text().get() : "";
}

std::string attr(const pugi::xml_node& node, const std::string& name) {
  auto a = node.attribute(name.c_str());
  EXPECT_TRUE(a) << name;
  return a.value();
}

/// Yealink's `name = value` lines, header and comments aside.
std::map<std::string, std::string> parse_key_values(const std::string& text,
                                                    std::size_t* count) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  *count = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    auto line = text.substr(pos, nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    if (line.empty() || line[0] == '#')
      continue;
    auto eq = line.find('=');
    EXPECT_NE(eq, std::string::npos) << line;
    auto key = line.substr(0, eq);
    auto value = line.substr(eq + 1);
    while (!key.empty() && key.back() == ' ')
      key.pop_back();
    while (!value.empty() && value.front() == ' ')
      value.erase(0, 1);
    EXPECT_EQ(out.count(key), 0u) << "duplicate " << key;
    out[key] = value;
    ++*count;
  }
  return out;
}

} // namespace

TEST(render, cisco_sep_file) {
  auto doc = parse_xml(
      render_ok(vendor::cisco, file_kind::device_config, alice(vendor::cisco)));
  auto device = doc.child("device");
  ASSERT_TRUE(device);
  EXPECT_EQ(text_at(device, "devicePool/callManagerGroup/members/member/"
                            "callManager/processNodeName"),
            "192.0.2.10");
  EXPECT_EQ(text_at(device, "devicePool/callManagerGroup/members/member/"
                            "callManager/ports/sipPort"),
            "5062");
  auto line = device.select_node("sipProfile/sipLines/line[@button='1']");
  ASSERT_TRUE(line);
  auto l = line.node();
  EXPECT_EQ(text_at(l, "featureID"), "9");
  EXPECT_EQ(text_at(l, "name"), "201");
  EXPECT_EQ(text_at(l, "authName"), "201-dev1");
  EXPECT_EQ(text_at(l, "authPassword"), "s3cr3t-Pw");
  EXPECT_EQ(text_at(l, "proxy"), "192.0.2.10");
  EXPECT_EQ(text_at(l, "port"), "5062");
  EXPECT_EQ(text_at(l, "displayName"), "Alice Example");
  auto lines = device.select_nodes("sipProfile/sipLines/line");
  ASSERT_EQ(lines.size(), 3u);
  auto bob = device.select_node("sipProfile/sipLines/line[@button='2']").node();
  EXPECT_EQ(text_at(bob, "featureID"), "21");
  EXPECT_EQ(text_at(bob, "speedDialNumber"), "202");
  EXPECT_EQ(text_at(bob, "featureLabel"), "Bob");
  EXPECT_EQ(text_at(bob, "featureOptionMask"), "1");
  auto carol =
      device.select_node("sipProfile/sipLines/line[@button='3']").node();
  EXPECT_EQ(text_at(carol, "speedDialNumber"), "203");
  EXPECT_EQ(text_at(device, "devicePool/dateTimeSetting/ntps/ntp/name"),
            "192.0.2.1");
  EXPECT_FALSE(device.child("loadInformation"));
}

TEST(render, cisco_firmware_and_default_file) {
  auto cfg = alice(vendor::cisco);
  cfg.firmware = "sip88xx.12-8-1-0001-455";
  auto doc = parse_xml(render_ok(vendor::cisco, file_kind::device_config, cfg));
  EXPECT_EQ(text_at(doc, "device/loadInformation"), "sip88xx.12-8-1-0001-455");
  auto def = parse_xml(render_ok(vendor::cisco, file_kind::common_config, cfg));
  EXPECT_EQ(text_at(def, "Default/callManagerGroup/members/member/callManager/"
                         "processNodeName"),
            "192.0.2.10");
  EXPECT_EQ(def.select_nodes("//authPassword").size(), 0u);
}

TEST(render, polycom_settings_file) {
  auto doc = parse_xml(render_ok(vendor::polycom, file_kind::device_config,
                                 alice(vendor::polycom)));
  auto root = doc.child("polycomConfig");
  ASSERT_TRUE(root);
  auto reg = root.child("reg");
  EXPECT_EQ(attr(reg, "reg.1.address"), "201@ivm.example");
  EXPECT_EQ(attr(reg, "reg.1.auth.userId"), "201-dev1");
  EXPECT_EQ(attr(reg, "reg.1.auth.password"), "s3cr3t-Pw");
  EXPECT_EQ(attr(reg, "reg.1.server.1.address"), "192.0.2.10");
  EXPECT_EQ(attr(reg, "reg.1.server.1.port"), "5062");
  EXPECT_EQ(attr(reg, "reg.1.server.1.transport"), "TCPOnly");
  EXPECT_EQ(attr(reg, "reg.1.displayName"), "Alice Example");
  auto att = root.child("attendant");
  EXPECT_EQ(attr(att, "attendant.reg"), "1");
  EXPECT_EQ(attr(att, "attendant.resourceList.1.address"), "202@ivm.example");
  EXPECT_EQ(attr(att, "attendant.resourceList.1.label"), "Bob");
  EXPECT_EQ(attr(att, "attendant.resourceList.2.address"), "203@ivm.example");
  EXPECT_EQ(attr(att, "attendant.resourceList.2.label"), "Carol");
  EXPECT_FALSE(att.attribute("attendant.resourceList.3.address"));
  auto net = root.child("tcpIpApp");
  EXPECT_EQ(attr(net, "tcpIpApp.sntp.address"), "192.0.2.1");
  EXPECT_EQ(attr(net, "tcpIpApp.sntp.gmtOffset"), "3600");
}

TEST(render, polycom_master_files_name_the_settings_file) {
  auto cfg = alice(vendor::polycom);
  auto master =
      parse_xml(render_ok(vendor::polycom, file_kind::device_index, cfg));
  auto app = master.child("APPLICATION");
  EXPECT_EQ(attr(app, "APP_FILE_PATH"), "sip.ld");
  auto named = attr(app, "CONFIG_FILES");
  auto req = classify(named);
  EXPECT_EQ(req.vendor_id, vendor::polycom);
  EXPECT_EQ(req.kind, file_kind::device_config);
  EXPECT_EQ(req.mac, cfg.mac);
  cfg.firmware = "3111-40250-001.sip.ld";
  master = parse_xml(render_ok(vendor::polycom, file_kind::device_index, cfg));
  EXPECT_EQ(attr(master.child("APPLICATION"), "APP_FILE_PATH"),
            "3111-40250-001.sip.ld");
  // The default master: the phone substitutes its MAC.
  auto common = parse_xml(
      render_ok(vendor::polycom, file_kind::common_index, device_config{}));
  auto files = attr(common.child("APPLICATION"), "CONFIG_FILES");
  auto marker = std::string{"[PHONE_MAC_ADDRESS]"};
  auto at = files.find(marker);
  ASSERT_NE(at, std::string::npos);
  files.replace(at, marker.size(), "0004f2aabbcc");
  EXPECT_EQ(classify(files).kind, file_kind::device_config);
  EXPECT_EQ(classify(files).vendor_id, vendor::polycom);
}

TEST(render, yealink_settings_file) {
  auto text = render_ok(vendor::yealink, file_kind::device_config,
                        alice(vendor::yealink));
  EXPECT_EQ(text.substr(0, text.find('\n')), "#!version:1.0.0.1");
  std::size_t count = 0;
  auto kv = parse_key_values(text, &count);
  EXPECT_EQ(kv["account.1.enable"], "1");
  EXPECT_EQ(kv["account.1.label"], "201");
  EXPECT_EQ(kv["account.1.display_name"], "Alice Example");
  EXPECT_EQ(kv["account.1.user_name"], "201");
  EXPECT_EQ(kv["account.1.auth_name"], "201-dev1");
  EXPECT_EQ(kv["account.1.password"], "s3cr3t-Pw");
  EXPECT_EQ(kv["account.1.sip_server.1.address"], "192.0.2.10");
  EXPECT_EQ(kv["account.1.sip_server.1.port"], "5062");
  EXPECT_EQ(kv["account.1.sip_server.1.transport_type"], "1");
  EXPECT_EQ(kv["linekey.1.type"], "15");
  EXPECT_EQ(kv["linekey.2.type"], "16");
  EXPECT_EQ(kv["linekey.2.value"], "202");
  EXPECT_EQ(kv["linekey.2.label"], "Bob");
  EXPECT_EQ(kv["linekey.2.line"], "1");
  EXPECT_EQ(kv["linekey.3.type"], "16");
  EXPECT_EQ(kv["linekey.3.value"], "203");
  EXPECT_EQ(kv.count("linekey.4.type"), 0u);
  EXPECT_EQ(kv.count("firmware.url"), 0u);
  auto cfg = alice(vendor::yealink);
  cfg.firmware = "T46S-66.86.0.15.rom";
  kv = parse_key_values(
      render_ok(vendor::yealink, file_kind::device_config, cfg), &count);
  EXPECT_EQ(kv["firmware.url"], "http://192.0.2.10:8080/T46S-66.86.0.15.rom");
}

TEST(render, yealink_common_file) {
  auto text = render_ok(vendor::yealink, file_kind::common_config,
                        alice(vendor::unknown));
  EXPECT_EQ(text.substr(0, text.find('\n')), "#!version:1.0.0.1");
  std::size_t count = 0;
  auto kv = parse_key_values(text, &count);
  EXPECT_EQ(kv["auto_provision.server.url"], "http://192.0.2.10:8080/");
  EXPECT_EQ(kv["local_time.ntp_server1"], "192.0.2.1");
  EXPECT_EQ(kv["local_time.time_zone"], "+1");
  EXPECT_EQ(kv.count("account.1.password"), 0u);
}

TEST(render, grandstream_settings_file) {
  auto doc = parse_xml(render_ok(vendor::grandstream, file_kind::device_config,
                                 alice(vendor::grandstream)));
  auto root = doc.child("gs_provision");
  EXPECT_EQ(attr(root, "version"), "1");
  EXPECT_EQ(text_at(root, "mac"), "0004f2aabbcc");
  auto config = root.child("config");
  ASSERT_TRUE(config);
  EXPECT_EQ(text_at(config, "P271"), "1");
  EXPECT_EQ(text_at(config, "P47"), "192.0.2.10:5062");
  EXPECT_EQ(text_at(config, "P35"), "201");
  EXPECT_EQ(text_at(config, "P36"), "201-dev1");
  EXPECT_EQ(text_at(config, "P34"), "s3cr3t-Pw");
  EXPECT_EQ(text_at(config, "P3"), "Alice Example");
  EXPECT_EQ(text_at(config, "P130"), "1");
  EXPECT_EQ(text_at(config, "P30"), "192.0.2.1");
}

TEST(render, snom_settings_file) {
  auto doc = parse_xml(
      render_ok(vendor::snom, file_kind::device_config, alice(vendor::snom)));
  auto settings = doc.child("settings");
  auto ps = settings.child("phone-settings");
  ASSERT_TRUE(ps);
  EXPECT_EQ(text_at(ps, "user_active[@idx='1']"), "on");
  EXPECT_EQ(text_at(ps, "user_realname[@idx='1']"), "Alice Example");
  EXPECT_EQ(text_at(ps, "user_name[@idx='1']"), "201");
  EXPECT_EQ(text_at(ps, "user_pname[@idx='1']"), "201-dev1");
  EXPECT_EQ(text_at(ps, "user_pass[@idx='1']"), "s3cr3t-Pw");
  EXPECT_EQ(text_at(ps, "user_host[@idx='1']"), "ivm.example");
  EXPECT_EQ(text_at(ps, "user_outbound[@idx='1']"),
            "192.0.2.10:5062;transport=tcp");
  auto keys = settings.child("functionKeys").select_nodes("fkey");
  ASSERT_EQ(keys.size(), 2u);
  auto bob = settings.select_node("functionKeys/fkey[@idx='1']").node();
  EXPECT_EQ(std::string{bob.text().get()}, "blf sip:202@ivm.example");
  EXPECT_EQ(attr(bob, "context"), "1");
  EXPECT_EQ(attr(bob, "perm"), "");
  EXPECT_EQ(attr(bob, "label"), "Bob");
  auto carol = settings.select_node("functionKeys/fkey[@idx='2']").node();
  EXPECT_EQ(std::string{carol.text().get()}, "blf sip:203@ivm.example");
  auto common = parse_xml(
      render_ok(vendor::snom, file_kind::common_config, alice(vendor::snom)));
  EXPECT_EQ(text_at(common, "settings/phone-settings/ntp_server"), "192.0.2.1");
}

TEST(render, no_line_keys_still_gives_well_formed_files) {
  for (auto v : all_vendors) {
    auto cfg = alice(v);
    cfg.line_keys.clear();
    auto text = render_ok(v, file_kind::device_config, cfg);
    if (format_of(v) == value_format::xml)
      parse_xml(text);
    else
      EXPECT_EQ(text.find("type = 16"), std::string::npos);
  }
}

TEST(render, hostile_values_stay_values_in_xml_files) {
  struct where {
    vendor v;
    const char* name_xpath;
    const char* password_xpath;
  };
  const where places[] = {
      {vendor::cisco,
       "/device/sipProfile/sipLines/line[@button='1']/displayName",
       "//authPassword"},
      {vendor::grandstream, "/gs_provision/config/P3", "//P34"},
      {vendor::snom, "/settings/phone-settings/user_realname", "//user_pass"},
  };
  for (auto& p : places) {
    SCOPED_TRACE(to_string(p.v));
    auto cfg = alice(p.v);
    cfg.display_name = hostile_name;
    cfg.line_keys = {{"202", hostile_name}};
    auto doc = parse_xml(render_ok(p.v, file_kind::device_config, cfg));
    EXPECT_EQ(text_at(doc, p.name_xpath), hostile_name);
    auto passwords = doc.select_nodes(p.password_xpath);
    ASSERT_EQ(passwords.size(), 1u);
    EXPECT_EQ(std::string{passwords.first().node().text().get()}, "s3cr3t-Pw");
  }
  auto cfg = alice(vendor::polycom);
  cfg.display_name = hostile_name;
  cfg.line_keys = {{"202", hostile_name}};
  auto doc =
      parse_xml(render_ok(vendor::polycom, file_kind::device_config, cfg));
  auto reg = doc.child("polycomConfig").child("reg");
  EXPECT_EQ(attr(reg, "reg.1.displayName"), hostile_name);
  EXPECT_EQ(attr(reg, "reg.1.auth.password"), "s3cr3t-Pw");
  EXPECT_EQ(attr(doc.child("polycomConfig").child("attendant"),
                 "attendant.resourceList.1.label"),
            hostile_name);
}

TEST(render, hostile_values_cannot_add_yealink_settings) {
  auto cfg = alice(vendor::yealink);
  cfg.display_name = "Eve\naccount.1.password = hacked\r\n#";
  cfg.line_keys = {{"202\nlinekey.9.type = 13", "Bob\rX"}};
  auto text = render_ok(vendor::yealink, file_kind::device_config, cfg);
  std::size_t count = 0;
  auto kv = parse_key_values(text, &count);
  EXPECT_EQ(kv["account.1.password"], "s3cr3t-Pw");
  EXPECT_EQ(kv["account.1.display_name"], "Eveaccount.1.password = hacked#");
  EXPECT_EQ(kv.count("linekey.9.type"), 0u);
  EXPECT_EQ(kv["linekey.2.label"], "BobX");
  // Every line of the template gave one line of the file.
  auto plain_cfg = alice(vendor::yealink);
  plain_cfg.line_keys = {{"202", "Bob"}};
  auto plain = render_ok(vendor::yealink, file_kind::device_config, plain_cfg);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'),
            std::count(plain.begin(), plain.end(), '\n'));
}

TEST(render, no_template_means_not_found) {
  templates tpl;
  auto cfg = alice(vendor::yealink);
  EXPECT_FALSE(render(vendor::yealink, file_kind::device_index, cfg, tpl));
  EXPECT_FALSE(render(vendor::yealink, file_kind::common_index, cfg, tpl));
  EXPECT_FALSE(render(vendor::grandstream, file_kind::common_config, cfg, tpl));
  EXPECT_FALSE(render(vendor::unknown, file_kind::device_config, cfg, tpl));
  EXPECT_FALSE(render(vendor::cisco, file_kind::security, cfg, tpl));
  EXPECT_FALSE(render(vendor::polycom, file_kind::firmware, cfg, tpl));
}

TEST(render, content_types) {
  EXPECT_EQ(content_type(vendor::yealink), "text/plain");
  EXPECT_EQ(content_type(vendor::cisco), "application/xml");
  EXPECT_EQ(content_type(vendor::snom), "application/xml");
}
