#include "provisioning/phone/templates.hpp"

#include <gtest/gtest.h>

#include <string>

#include "provisioning/phone/device_config.hpp"
#include "provisioning/phone/render.hpp"

using namespace ivm::provisioning;
using namespace ivm::provisioning::phone;

namespace {

constexpr file_kind generated_kinds[] = {
    file_kind::device_config, file_kind::device_index, file_kind::common_config,
    file_kind::common_index};

device_config bob() {
  device_config cfg;
  cfg.mac = *mac_address::parse("00:15:65:01:02:03");
  cfg.extension = "301";
  cfg.display_name = "Bob";
  cfg.auth_user = "301-dev";
  cfg.auth_password = "pw";
  cfg.registrar_host = "192.0.2.10";
  cfg.sip_domain = "ivm.example";
  return cfg;
}

bool has_default(vendor v, file_kind k) {
  return !templates::default_text(v, k).empty();
}

} // namespace

TEST(templates, every_default_is_valid) {
  templates tpl;
  std::size_t count = 0;
  for (auto v : all_vendors)
    for (auto k : generated_kinds) {
      if (!has_default(v, k)) {
        EXPECT_EQ(tpl.find(v, k), nullptr);
        continue;
      }
      ++count;
      SCOPED_TRACE(std::string{to_string(v)} + " " + std::string{to_string(k)});
      auto err = templates::validate(v, k, templates::default_text(v, k));
      EXPECT_FALSE(err) << (err ? err->to_string() : "");
      EXPECT_NE(tpl.find(v, k), nullptr);
      EXPECT_TRUE(tpl.is_default(v, k));
      EXPECT_EQ(tpl.text(v, k), templates::default_text(v, k));
    }
  EXPECT_EQ(count, 10u);
}

TEST(templates, the_defaults_cover_the_files_phones_ask_for) {
  for (auto [v, k] : {std::pair{vendor::cisco, file_kind::device_config},
                      {vendor::cisco, file_kind::common_config},
                      {vendor::polycom, file_kind::device_config},
                      {vendor::polycom, file_kind::device_index},
                      {vendor::polycom, file_kind::common_index},
                      {vendor::yealink, file_kind::device_config},
                      {vendor::yealink, file_kind::common_config},
                      {vendor::grandstream, file_kind::device_config},
                      {vendor::snom, file_kind::device_config},
                      {vendor::snom, file_kind::common_config}})
    EXPECT_TRUE(has_default(v, k)) << to_string(v) << " " << to_string(k);
}

TEST(templates, an_override_replaces_the_default_until_reset) {
  templates tpl;
  auto text = "#!version:1.0.0.1\n"
              "account.1.user_name = {{extension}}\n"
              "account.1.password = {{auth_password}}\n";
  EXPECT_FALSE(tpl.set(vendor::yealink, file_kind::device_config, text));
  EXPECT_FALSE(tpl.is_default(vendor::yealink, file_kind::device_config));
  EXPECT_EQ(tpl.text(vendor::yealink, file_kind::device_config), text);
  EXPECT_EQ(render(vendor::yealink, file_kind::device_config, bob(), tpl),
            "#!version:1.0.0.1\naccount.1.user_name = 301\n"
            "account.1.password = pw\n");
  // Other files keep their templates.
  EXPECT_TRUE(tpl.is_default(vendor::yealink, file_kind::common_config));
  tpl.reset(vendor::yealink, file_kind::device_config);
  EXPECT_TRUE(tpl.is_default(vendor::yealink, file_kind::device_config));
  auto again = render(vendor::yealink, file_kind::device_config, bob(), tpl);
  ASSERT_TRUE(again);
  EXPECT_NE(again->find("account.1.auth_name = 301-dev"), std::string::npos);
}

TEST(templates, a_file_without_default_can_be_added_and_removed) {
  templates tpl;
  auto boot = "#!version:1.0.0.1\n"
              "include:config \"{{mac_compact}}.cfg\"\n"
              "overwrite_mode = 1\n";
  ASSERT_EQ(tpl.find(vendor::yealink, file_kind::device_index), nullptr);
  EXPECT_FALSE(tpl.set(vendor::yealink, file_kind::device_index, boot));
  EXPECT_EQ(render(vendor::yealink, file_kind::device_index, bob(), tpl),
            "#!version:1.0.0.1\ninclude:config \"001565010203.cfg\"\n"
            "overwrite_mode = 1\n");
  tpl.reset(vendor::yealink, file_kind::device_index);
  EXPECT_EQ(tpl.find(vendor::yealink, file_kind::device_index), nullptr);
  EXPECT_TRUE(tpl.is_default(vendor::yealink, file_kind::device_index));
}

TEST(templates, a_bad_template_is_refused_and_changes_nothing) {
  templates tpl;
  auto before = render(vendor::cisco, file_kind::device_config, bob(), tpl);
  struct row {
    vendor v;
    file_kind k;
    const char* text;
    const char* expected;
  };
  const row rows[] = {
      {vendor::cisco, file_kind::device_config,
       "<device>\n<authPassword>{{pasword}}</authPassword>\n</device>",
       "line 2, column 15: unknown variable 'pasword'"},
      {vendor::cisco, file_kind::device_config,
       "<device>\n{{#line_keys}}<line/>\n</device>",
       "line 2, column 1: '{{#line_keys}}' is never closed"},
      {vendor::cisco, file_kind::device_config,
       "<device>{{/line_keys}}</device>",
       "line 1, column 9: '{{/line_keys}}' closes no open section"},
      {vendor::cisco, file_kind::device_config,
       "<device><name>{{extension}}</device>",
       "a sample rendering is not well-formed XML"},
      {vendor::cisco, file_kind::device_config, "<{{extension}}/>",
       "a sample rendering is not well-formed XML"},
      {vendor::polycom, file_kind::common_index, "", "not well-formed XML"},
      {vendor::yealink, file_kind::device_config,
       "account.1.user_name = {{extension}}\n",
       "line 1, column 1: the first line must be the \"#!version:1.0.0.1\""},
      {vendor::yealink, file_kind::device_config,
       "#!version:1.0.0.1\naccount.1.user_name {{extension}}\n",
       "rendered line 2 is neither a comment nor 'name = value'"},
      {vendor::cisco, file_kind::security, "<x/>",
       "files of kind 'security' are never generated"},
      {vendor::unknown, file_kind::device_config, "<x/>", "known vendor"},
  };
  for (auto& r : rows) {
    SCOPED_TRACE(r.text);
    auto err = tpl.set(r.v, r.k, r.text);
    ASSERT_TRUE(err);
    EXPECT_NE(err->to_string().find(r.expected), std::string::npos)
        << err->to_string();
    auto same = templates::validate(r.v, r.k, r.text);
    ASSERT_TRUE(same);
    EXPECT_EQ(same->to_string(), err->to_string());
  }
  EXPECT_TRUE(tpl.is_default(vendor::cisco, file_kind::device_config));
  EXPECT_TRUE(tpl.is_default(vendor::yealink, file_kind::device_config));
  EXPECT_EQ(render(vendor::cisco, file_kind::device_config, bob(), tpl),
            before);
}

TEST(templates, values_are_escaped_so_any_value_keeps_an_override_valid) {
  templates tpl;
  ASSERT_FALSE(tpl.set(vendor::snom, file_kind::device_config,
                       "<settings><phone-settings>"
                       "<user_realname idx=\"1\" note=\"{{display_name}}\">"
                       "{{display_name}}</user_realname>"
                       "</phone-settings></settings>"));
  auto cfg = bob();
  cfg.display_name = "\"/><x a=\"";
  auto text = render(vendor::snom, file_kind::device_config, cfg, tpl);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "<settings><phone-settings><user_realname idx=\"1\" "
                   "note=\"&quot;/&gt;&lt;x a=&quot;\">&quot;/&gt;&lt;x "
                   "a=&quot;</user_realname></phone-settings></settings>");
}
