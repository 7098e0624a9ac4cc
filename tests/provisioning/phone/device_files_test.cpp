#include "provisioning/phone/device_files.hpp"

#include <gtest/gtest.h>

#include <string>

#include "provisioning/phone/device_config.hpp"
#include "provisioning/phone/escape.hpp"
#include "provisioning/phone/render.hpp"
#include "provisioning/phone/templates.hpp"

using namespace ivm::provisioning;
using namespace ivm::provisioning::phone;

namespace {

device_config box() {
  device_config cfg;
  cfg.registrar_host = "192.0.2.10";
  cfg.sip_domain = "ivm.example";
  cfg.ntp_server = "192.0.2.1";
  cfg.provisioning_url = "http://192.0.2.10:8082/";
  return cfg;
}

device_config phone_of(vendor v, std::string model, std::string password) {
  auto cfg = box();
  cfg.mac = *mac_address::parse("00:15:65:12:34:56");
  cfg.vendor_id = v;
  cfg.model = std::move(model);
  cfg.extension = "201";
  cfg.display_name = "Alice";
  cfg.auth_user = "dev+001565123456";
  cfg.auth_password = std::move(password);
  return cfg;
}

std::string names(const std::vector<generated_file>& files) {
  std::string out;
  for (auto& f : files)
    out += f.name + " ";
  return out;
}

} // namespace

TEST(mask_secrets, replaces_every_occurrence) {
  EXPECT_EQ(mask_secrets("a=s3cret\nb=s3cret", {"s3cret"}, value_format::xml),
            "a=********\nb=********");
  EXPECT_EQ(mask_secrets("nothing here", {"s3cret"}, value_format::xml),
            "nothing here");
  // No secret: nothing to mask (an empty value must not mask everything).
  EXPECT_EQ(mask_secrets("x", {""}, value_format::xml), "x");
  EXPECT_EQ(mask_secrets("x", {}, value_format::key_value), "x");
}

TEST(mask_secrets, masks_the_escaped_form_too) {
  // A template puts the password escaped for the file's syntax.
  std::string pw = "a&b<c\"d";
  auto text = "<x pw=\"" + escape_xml(pw) + "\"/>";
  auto masked = mask_secrets(text, {pw}, value_format::xml);
  EXPECT_EQ(masked, "<x pw=\"********\"/>");
  auto kv = "account.1.password = " + escape_key_value("p\nw");
  EXPECT_EQ(mask_secrets(kv, {"p\nw"}, value_format::key_value),
            "account.1.password = ********");
}

TEST(mask_secrets, longer_secrets_first) {
  // "abc" inside "abcdef": the longer one is masked whole.
  EXPECT_EQ(mask_secrets("abcdef abc", {"abc", "abcdef"}, value_format::xml),
            "******** ********");
}

TEST(device_files, every_vendor_masked_has_no_password) {
  templates tpl;
  const std::string pw = "Zq8RkL2mP0xVb7TnYc4W";
  for (auto v : all_vendors) {
    auto dev = phone_of(v, v == vendor::snom ? "snom370" : "M1", pw);
    auto files = device_files(dev, box(), tpl);
    ASSERT_FALSE(files.empty()) << to_string(v);
    bool has_device_file = false;
    for (auto& f : files) {
      auto masked = mask_secrets(f.text, secrets_of(dev), format_of(v));
      EXPECT_EQ(masked.find(pw), std::string::npos) << f.name;
      if (f.kind == file_kind::device_config) {
        has_device_file = true;
        // The unmasked text carries the password; the masked one the mask.
        EXPECT_NE(f.text.find(pw), std::string::npos) << f.name;
        EXPECT_NE(masked.find(secret_mask), std::string::npos) << f.name;
      }
      EXPECT_EQ(f.content_type, std::string{content_type(v)});
    }
    EXPECT_TRUE(has_device_file) << to_string(v);
  }
}

TEST(device_files, names_and_order_as_phones_ask) {
  templates tpl;
  EXPECT_EQ(
      names(device_files(phone_of(vendor::yealink, "T46S", "pw"), box(), tpl)),
      "y0000000000XX.cfg 001565123456.cfg ");
  EXPECT_EQ(names(device_files(phone_of(vendor::polycom, "VVX_411", "pw"),
                               box(), tpl)),
            "001565123456.cfg 000000000000.cfg 001565123456-ivm.cfg ");
  EXPECT_EQ(
      names(device_files(phone_of(vendor::cisco, "CP8845", "pw"), box(), tpl)),
      "SEP001565123456.cnf.xml XMLDefault.cnf.xml ");
  EXPECT_EQ(
      names(device_files(phone_of(vendor::snom, "snom370", "pw"), box(), tpl)),
      "snom370.htm snom370-001565123456.htm ");
}

TEST(device_files, rendered_as_served) {
  templates tpl;
  auto dev = phone_of(vendor::yealink, "T46S", "pw12345678");
  auto files = device_files(dev, box(), tpl);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[1].text,
            *render(vendor::yealink, file_kind::device_config, dev, tpl));
  EXPECT_EQ(files[0].text,
            *render(vendor::yealink, file_kind::common_config, box(), tpl));
  // An override is what is served, and shown.
  ASSERT_FALSE(tpl.set(vendor::yealink, file_kind::device_config,
                       "#!version:1.0.0.1\naccount.1.password = "
                       "{{auth_password}}\n"));
  files = device_files(dev, box(), tpl);
  EXPECT_EQ(
      mask_secrets(files[1].text, secrets_of(dev), value_format::key_value),
      "#!version:1.0.0.1\naccount.1.password = ********\n");
}

TEST(template_names, round_trip_and_refusals) {
  EXPECT_EQ(template_name(vendor::yealink, file_kind::device_config),
            "yealink-device_config");
  for (auto [v, k] : template_slots()) {
    auto back = parse_template_name(template_name(v, k));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->first, v);
    EXPECT_EQ(back->second, k);
  }
  EXPECT_EQ(template_slots().size(), 20u);
  for (auto bad : {"", "yealink", "yealink-", "-device_config",
                   "yealink-firmware", "unknown-device_config",
                   "YEALINK-device_config", "yealink-device_config.tmpl",
                   "../yealink-device_config", "acme-device_config"})
    EXPECT_FALSE(parse_template_name(bad)) << bad;
}

TEST(template_check, syntax_error_names_the_line) {
  templates tpl;
  auto before =
      std::string{tpl.text(vendor::yealink, file_kind::device_config)};
  auto err = tpl.set(vendor::yealink, file_kind::device_config,
                     "#!version:1.0.0.1\n\naccount.1.password = {{pasword}}\n");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->line, 3u);
  EXPECT_NE(err->to_string().find("line 3"), std::string::npos);
  // Nothing changed.
  EXPECT_EQ(tpl.text(vendor::yealink, file_kind::device_config), before);
  EXPECT_TRUE(tpl.is_default(vendor::yealink, file_kind::device_config));
}
