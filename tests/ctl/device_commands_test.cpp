// ivmctl device: the bodies it sends and what it prints.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "appliance/ctl/device_commands.hpp"

using namespace ivm::ctl;
using json = nlohmann::json;

TEST(device_commands, sends_only_the_fields_given) {
  device_fields f;
  f.user = "201";
  f.line_keys = {"202", "203"};
  auto body = json::parse(device_body("00:15:65:12:34:56", f));
  EXPECT_EQ(body["mac"], "00:15:65:12:34:56");
  EXPECT_EQ(body["user"], "201");
  EXPECT_EQ(body["line_keys"].size(), 2u);
  EXPECT_EQ(body["line_keys"][1]["extension"], "203");
  EXPECT_FALSE(body.contains("vendor"));
  EXPECT_EQ(device_body({}, device_fields{}), "{}");
  device_fields clear;
  clear.clear_line_keys = true;
  clear.rotate_credentials = true;
  EXPECT_EQ(json::parse(device_body({}, clear)),
            json::parse(R"({"line_keys":[],"rotate_credentials":true})"));
}

TEST(device_commands, lists_devices_and_unassigned_phones) {
  auto text = format_devices(
      R"({"devices":[{"mac":"001565123456","user":"201","vendor":"yealink","model":"T46S","label":""}]})",
      R"({"unassigned":[{"mac":"0004f2aabbcc","source":"dhcp","address":"192.0.2.100","vendor":"","model":"","last_seen":"2026-12-05T10:00:00Z"}]})");
  EXPECT_NE(text.find("001565123456  201     yealink      T46S        -"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("0004f2aabbcc  dhcp     192.0.2.100"), std::string::npos)
      << text;
  auto empty = format_devices(R"({"devices":[]})", R"({"unassigned":[]})");
  EXPECT_EQ(empty, "DEVICES\n(none)\n\nUNASSIGNED PHONES\n(none)\n");
}

TEST(device_commands, shows_the_password_only_when_the_answer_has_it) {
  auto shown = format_device(
      R"({"mac":"001565123456","user":"201","sip_auth_user":"dev+001565123456","sip_password":"pw","line_keys":[{"extension":"202"}]})");
  EXPECT_NE(shown.find("sip_password: pw\n"), std::string::npos);
  EXPECT_NE(shown.find("line_keys: 202\n"), std::string::npos);
  EXPECT_EQ(format_device(R"({"mac":"001565123456"})").find("sip_password"),
            std::string::npos);
}
