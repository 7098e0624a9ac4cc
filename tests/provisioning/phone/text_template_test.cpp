#include "provisioning/phone/text_template.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <string>

#include "provisioning/phone/device_config.hpp"
#include "provisioning/phone/escape.hpp"

using namespace ivm::provisioning::phone;

namespace {

template_data sample_data() {
  template_data d;
  d.values["name"] = "Ann";
  d.values["domain"] = "example.test";
  d.values["empty"] = "";
  auto& keys = d.lists["keys"];
  for (auto [ext, label] : {std::pair{"101", "Bob"}, {"102", "Carol"}}) {
    template_data item;
    item.values["ext"] = ext;
    item.values["label"] = label;
    keys.push_back(item);
  }
  d.lists["none"];
  return d;
}

template_schema sample_schema() {
  auto schema = template_schema::of(sample_data());
  schema.lists["none"] = {"ext"};
  return schema;
}

std::string render(std::string_view text,
                   value_format format = value_format::key_value) {
  auto t = text_template::parse(text, sample_schema());
  if (!t)
    return "ERROR: " + t.error().to_string();
  return t->render(sample_data(), format);
}

template_error parse_error(std::string_view text) {
  auto t = text_template::parse(text, sample_schema());
  EXPECT_FALSE(t.has_value()) << text;
  return t ? template_error{} : t.error();
}

} // namespace

TEST(text_template, substitutes_values) {
  EXPECT_EQ(render("user = {{name}}@{{ domain }}\n"),
            "user = Ann@example.test\n");
  EXPECT_EQ(render("no tags at all"), "no tags at all");
  EXPECT_EQ(render(""), "");
}

TEST(text_template, repeats_list_sections_with_item_and_outer_names) {
  EXPECT_EQ(render("{{#keys}}[{{ext}} {{label}}@{{domain}}]{{/keys}}"),
            "[101 Bob@example.test][102 Carol@example.test]");
  EXPECT_EQ(render("a{{#none}}x{{/none}}b"), "ab");
}

TEST(text_template, value_sections_are_conditions) {
  EXPECT_EQ(render("{{#name}}has {{name}}{{/name}}{{^name}}none{{/name}}"),
            "has Ann");
  EXPECT_EQ(render("{{#empty}}has{{/empty}}{{^empty}}none{{/empty}}"), "none");
  EXPECT_EQ(render("{{^none}}no keys{{/none}}{{^keys}}no keys{{/keys}}"),
            "no keys");
}

TEST(text_template, standalone_section_lines_leave_no_blank_lines) {
  auto text = "begin\n"
              "  {{#keys}}\n"
              "  key {{ext}}\n"
              "  {{/keys}}\n"
              "  {{! a comment\n"
              "      on two lines }}\n"
              "end\n";
  EXPECT_EQ(render(text), "begin\n  key 101\n  key 102\nend\n");
  // Inline tags keep their line.
  EXPECT_EQ(render("a {{#name}}b{{/name}} c\n"), "a b c\n");
  // A section tag at the very end without newline.
  EXPECT_EQ(render("x\n{{#name}}\ny\n{{/name}}"), "x\ny\n");
}

TEST(text_template, escapes_values_for_the_format) {
  template_schema schema;
  schema.values = {"v"};
  template_data data;
  data.values["v"] = "a<b>&\"c\"'d'\r\ne\tf\x01g";
  auto t = text_template::parse("<x a=\"{{v}}\">{{v}}</x>", schema);
  ASSERT_TRUE(t.has_value());
  auto xml = t->render(data, value_format::xml);
  EXPECT_EQ(xml, "<x a=\"a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#13;&#10;e"
                 "&#9;fg\">a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#13;&#10;"
                 "e&#9;fg</x>");
  // An XML parser gives the value back, control byte aside.
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  EXPECT_EQ(std::string{doc.child("x").attribute("a").value()},
            "a<b>&\"c\"'d'\r\ne\tfg");
  EXPECT_EQ(std::string{doc.child("x").text().get()}, "a<b>&\"c\"'d'\r\ne\tfg");
  auto kv = text_template::parse("k = {{v}}\n", schema);
  ASSERT_TRUE(kv.has_value());
  EXPECT_EQ(kv->render(data, value_format::key_value),
            "k = a<b>&\"c\"'d'efg\n");
}

// XML values: U+FFFD, as in the presence documents; key=value files: '?'.
TEST(text_template, bytes_that_are_not_utf8_are_replaced) {
  EXPECT_EQ(escape_xml("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(escape_xml("\xe2\x82\xac 5"), "\xe2\x82\xac 5");
  EXPECT_EQ(escape_xml("a\xff"
                       "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(escape_xml("\xc0\xaf"),
            "\xef\xbf\xbd\xef\xbf\xbd");                // overlong '/'
  EXPECT_EQ(escape_key_value("\xed\xa0\x80x"), "???x"); // surrogate
  EXPECT_EQ(escape_key_value("\xe2\x82"), "??");        // truncated
}

TEST(text_template, reports_unknown_names_with_their_position) {
  auto err = parse_error("a = 1\nb = {{pasword}}\n");
  EXPECT_EQ(err.line, 2u);
  EXPECT_EQ(err.column, 5u);
  EXPECT_EQ(err.to_string(), "line 2, column 5: unknown variable 'pasword'");
  EXPECT_NE(parse_error("{{#nope}}x{{/nope}}").message.find("unknown section"),
            std::string::npos);
  // Item names exist only inside their list.
  EXPECT_NE(parse_error("{{ext}}").message.find("unknown variable 'ext'"),
            std::string::npos);
  EXPECT_NE(parse_error("{{keys}}").message.find("is a list"),
            std::string::npos);
}

TEST(text_template, reports_unbalanced_and_crossed_sections) {
  auto open = parse_error("x\n{{#keys}}\n{{ext}}\n");
  EXPECT_EQ(open.line, 2u);
  EXPECT_EQ(open.message, "'{{#keys}}' is never closed");
  auto stray = parse_error("{{/keys}}");
  EXPECT_EQ(stray.message, "'{{/keys}}' closes no open section");
  auto crossed = parse_error("{{#keys}}\n{{#name}}\n{{/keys}}\n{{/name}}");
  EXPECT_EQ(crossed.line, 3u);
  EXPECT_EQ(crossed.message, "'{{/keys}}' closes '{{#name}}' opened at line 2");
}

TEST(text_template, reports_malformed_tags) {
  EXPECT_EQ(parse_error("a {{name").message, "'{{' without a closing '}}'");
  EXPECT_EQ(parse_error("{{}}").message, "empty tag '{{}}'");
  EXPECT_NE(parse_error("{{Name}}").message.find("invalid name"),
            std::string::npos);
  EXPECT_NE(parse_error("{{na me}}").message.find("invalid name"),
            std::string::npos);
  EXPECT_NE(parse_error("{{{name}}}").message.find("unescaped"),
            std::string::npos);
  EXPECT_NE(parse_error("{{&name}}").message.find("unescaped"),
            std::string::npos);
  EXPECT_NE(parse_error("{{#}}{{/}}").message.find("needs a name"),
            std::string::npos);
}

TEST(text_template, device_schema_has_the_documented_names) {
  auto& schema = device_schema();
  for (auto name : {"mac",
                    "mac_compact",
                    "mac_upper",
                    "vendor",
                    "model",
                    "firmware",
                    "display_name",
                    "extension",
                    "auth_user",
                    "auth_password",
                    "sip_domain",
                    "registrar_host",
                    "registrar_port",
                    "registrar_hostport",
                    "transport",
                    "transport_upper",
                    "transport_code",
                    "polycom_transport",
                    "ntp_server",
                    "timezone",
                    "gmt_offset",
                    "gmt_offset_seconds",
                    "provisioning_url"})
    EXPECT_EQ(schema.values.count(name), 1u) << name;
  ASSERT_EQ(schema.lists.count("line_keys"), 1u);
  EXPECT_EQ(schema.lists.at("line_keys"),
            (std::set<std::string>{"extension", "label", "uri", "position",
                                   "position0", "button"}));
}

TEST(text_template, derived_device_values) {
  device_config cfg;
  cfg.mac = *ivm::provisioning::mac_address::parse("00:04:F2:AA:BB:CC");
  cfg.registrar_host = "2001:db8::1";
  cfg.registrar_port = 5080;
  cfg.transport = sip_transport::tls;
  cfg.utc_offset_minutes = -210;
  cfg.sip_domain = "example.test";
  cfg.line_keys = {{"7", "Seven"}};
  auto d = to_template_data(cfg);
  EXPECT_EQ(d.values["mac"], "00:04:f2:aa:bb:cc");
  EXPECT_EQ(d.values["mac_compact"], "0004f2aabbcc");
  EXPECT_EQ(d.values["mac_upper"], "0004F2AABBCC");
  EXPECT_EQ(d.values["registrar_hostport"], "[2001:db8::1]:5080");
  EXPECT_EQ(d.values["transport"], "tls");
  EXPECT_EQ(d.values["transport_upper"], "TLS");
  EXPECT_EQ(d.values["transport_code"], "2");
  EXPECT_EQ(d.values["polycom_transport"], "TLS");
  EXPECT_EQ(d.values["gmt_offset"], "-3:30");
  EXPECT_EQ(d.values["gmt_offset_seconds"], "-12600");
  auto& key = d.lists["line_keys"].at(0).values;
  EXPECT_EQ(key["uri"], "sip:7@example.test");
  EXPECT_EQ(key["position"], "1");
  EXPECT_EQ(key["position0"], "0");
  EXPECT_EQ(key["button"], "2");
  cfg.utc_offset_minutes = 60;
  cfg.registrar_host = "pbx.example.test";
  d = to_template_data(cfg);
  EXPECT_EQ(d.values["gmt_offset"], "+1");
  EXPECT_EQ(d.values["registrar_hostport"], "pbx.example.test:5080");
}
