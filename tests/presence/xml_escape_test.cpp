// xml_escape, sanitize_line and to_xml_id: no input can break the XML.

#include <string>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "appliance/presence/xml_escape.hpp"

namespace pres = ivm::presence;

TEST(xml_escape, markup_characters) {
  EXPECT_EQ(pres::xml_escape(R"(<a href="x">'&'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
  EXPECT_EQ(pres::xml_escape("plain text"), "plain text");
  EXPECT_EQ(pres::xml_escape(""), "");
}

TEST(xml_escape, controls_dropped_whitespace_kept_as_references) {
  EXPECT_EQ(pres::xml_escape(std::string{"a\0b\x01\x1f\x7f"
                                         "c",
                                         7}),
            "abc");
  EXPECT_EQ(pres::xml_escape("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
}

TEST(xml_escape, utf8_kept_invalid_replaced) {
  EXPECT_EQ(pres::xml_escape("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(pres::xml_escape("\xff"), fffd);
  EXPECT_EQ(pres::xml_escape("\xC3"), fffd);            // truncated
  EXPECT_EQ(pres::xml_escape("\xC0\xAF"), fffd + fffd); // overlong '/'
  EXPECT_EQ(pres::xml_escape("\xED\xA0\x80"), fffd + fffd + fffd); // surrogate
  EXPECT_EQ(pres::xml_escape("\xEF\xBF\xBE"), fffd);               // U+FFFE
  EXPECT_EQ(pres::xml_escape("\xF4\x90\x80\x80").substr(0, 3), fffd);
}

TEST(xml_escape, every_byte_survives_in_text_and_attributes) {
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  auto esc = pres::xml_escape(all);
  std::string doc = "<r a=\"" + esc + "\" b='" + esc + "'>" + esc + "</r>";
  pugi::xml_document xml;
  ASSERT_TRUE(xml.load_string(doc.c_str()));
  std::string text = xml.document_element().text().get();
  EXPECT_EQ(text, xml.document_element().attribute("a").value());
  EXPECT_EQ(text, xml.document_element().attribute("b").value());
  EXPECT_NE(text.find("\t\n\r !\"#$%&'()*+,-./0123456789:;<=>?@"),
            std::string::npos);
}

TEST(sanitize_line, drops_controls_and_newlines) {
  EXPECT_EQ(pres::sanitize_line("a\tb\nc\x1b[31m"), "abc[31m");
  EXPECT_EQ(pres::sanitize_line("\xC3\xA9\xff"), "\xC3\xA9\xEF\xBF\xBD");
}

TEST(to_xml_id, ncname) {
  EXPECT_EQ(pres::to_xml_id("t1"), "t1");
  EXPECT_EQ(pres::to_xml_id("_x-y.z"), "_x-y.z");
  EXPECT_EQ(pres::to_xml_id("1abc"), "_1abc");
  EXPECT_EQ(pres::to_xml_id(""), "_");
  EXPECT_EQ(pres::to_xml_id("a b:c\"d"), "a_b_c_d");
}
