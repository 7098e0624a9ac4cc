// appliance/csta documents against the public vectors: every message of
// tests/vectors/csta parses (editions ed2 to ed6, default, prefixed or no
// namespace), writes back in the link's edition and parses to the same
// tree; bad documents are refused.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "appliance/csta/xml.hpp"

namespace csta = ivm::csta;
namespace fs = std::filesystem;

namespace {

const fs::path vectors = fs::path{IVM_SOURCE_DIR} / "tests/vectors/csta";

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

bool same(const csta::element& a, const csta::element& b) {
  if (a.name != b.name || a.text != b.text ||
      a.children.size() != b.children.size() || a.attributes != b.attributes)
    return false;
  for (std::size_t i = 0; i < a.children.size(); ++i)
    if (!same(a.children[i], b.children[i]))
      return false;
  return true;
}

} // namespace

TEST(csta_xml, every_vector_parses_and_round_trips) {
  int n = 0;
  for (auto dir : {"pyssimist-CstaPool", "pyssimist-captured"})
    for (auto& f : fs::directory_iterator(vectors / dir)) {
      if (f.path().extension() != ".xml")
        continue;
      auto d = csta::parse(slurp(f.path()));
      ASSERT_TRUE(d) << f.path() << ": " << d.error();
      for (auto ed :
           {csta::edition::ed3, csta::edition::ed4, csta::edition::ed6}) {
        auto again = csta::parse(csta::write(d->root, ed));
        ASSERT_TRUE(again) << f.path();
        EXPECT_EQ(again->ed, ed);
        EXPECT_TRUE(same(d->root, again->root)) << f.path();
      }
      ++n;
    }
  EXPECT_EQ(n, 32);
}

TEST(csta_xml, editions_and_namespaces) {
  auto cap = vectors / "pyssimist-captured";
  auto ed = [&](const char* f) { return csta::parse(slurp(cap / f))->ed; };
  EXPECT_EQ(ed("01-ServiceInitiatedEvent.xml"), csta::edition::ed4);
  EXPECT_EQ(ed("09-SystemStatus.xml"), csta::edition::ed2);
  EXPECT_EQ(ed("10-SystemStatus.xml"), csta::edition::ed4); // ns3: prefix
  EXPECT_EQ(ed("12-DeflectCall.xml"), csta::edition::none);
  auto d = csta::parse(slurp(cap / "11-MonitorStart.xml"));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->root.name, "MonitorStart"); // the prefix stripped
  EXPECT_FALSE(d->root.text_at("monitorObject/deviceObject").empty());
  EXPECT_EQ(csta::edition_of("ed6"), csta::edition::ed6);
  EXPECT_FALSE(csta::edition_of("ed7"));
  EXPECT_EQ(csta::namespace_of(csta::edition::ed3),
            "http://www.ecma-international.org/standards/ecma-323/csta/ed3");
}

TEST(csta_xml, text_is_escaped_on_the_way_out) {
  csta::element e{"SetDisplay", {}, {}, {}};
  e.add("contentsOfDisplay", "Tom & Jerry <3 \"hi\"");
  auto xml = csta::write(e, csta::edition::ed4);
  EXPECT_NE(xml.find("Tom &amp; Jerry &lt;3"), std::string::npos);
  auto d = csta::parse(xml);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->root.text_at("contentsOfDisplay"), "Tom & Jerry <3 \"hi\"");
}

TEST(csta_xml, bad_documents_are_refused) {
  std::string deep;
  for (int i = 0; i < 40; ++i)
    deep += "<a>";
  for (int i = 0; i < 40; ++i)
    deep += "</a>";
  for (std::string bad :
       {std::string{""}, std::string{"<a>"}, std::string{"<a></b>"},
        std::string{"text"}, std::string{"<a/><b/>"},
        std::string{"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>"}, deep,
        std::string{"<a>\0</a>", 8}})
    EXPECT_FALSE(csta::parse(bad)) << bad;
  EXPECT_FALSE(csta::parse("<a>" + std::string(100, 'x') + "</a>", 64));
}

TEST(csta_xml, what_the_fuzzer_found) {
  // Latin-1 from a PBX: U+FFFD, not bytes that are no UTF-8.
  auto d = csta::parse("<a><b>M\xfcller</b></a>");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->root.text_at("b"), "M\xef\xbf\xbdller");
  // Control characters go (the text is for displays), the rest trimmed.
  d = csta::parse("<a>\x10 x\ny </a>");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->root.text, "xy");
  // Names CSTA has not: refused; attributes with such names dropped.
  EXPECT_FALSE(csta::parse("<ns3:S:x/>"));
  EXPECT_FALSE(csta::parse("<S\xde/>"));
  d = csta::parse("<a xm\xff:2=\"\" b=\"1\"/>");
  ASSERT_TRUE(d);
  ASSERT_EQ(d->root.attributes.size(), 1u);
  EXPECT_EQ(d->root.attributes[0].first, "b");
}
