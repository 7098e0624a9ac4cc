// parse_pidf on PUBLISH bodies (RFC 3903 §4.1 with RFC 3863 documents):
// real-world shapes, unknown extensions, and garbage.

#include <cstdint>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "appliance/presence/pidf.hpp"

namespace pres = ivm::presence;

namespace {

// RFC 3863 §3.4 example, extended with the data model, RPID and CIPID.
constexpr const char* publish_body = R"(<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf"
    xmlns:im="urn:ietf:params:xml:ns:pidf:im"
    xmlns:myex="http://id.example.com/presence/"
    xmlns:d="urn:ietf:params:xml:ns:pidf:data-model"
    xmlns:r="urn:ietf:params:xml:ns:pidf:rpid"
    xmlns:ci="urn:ietf:params:xml:ns:pidf:cipid"
    entity="pres:someone@example.com">
  <tuple id="bs35r9">
    <status>
      <basic>open</basic>
      <im:im>busy</im:im>
      <myex:location>home</myex:location>
    </status>
    <contact priority="0.8">im:someone@mobilecarrier.net</contact>
    <note xml:lang="en">Don't Disturb Please!</note>
    <note xml:lang="fr">Ne derangez pas, s'il vous plait</note>
    <timestamp>2001-10-27T16:49:29Z</timestamp>
  </tuple>
  <tuple id="eg92n8">
    <status><basic>closed</basic></status>
  </tuple>
  <d:person id="p1">
    <r:activities><r:meeting/><r:on-the-phone/><r:juggling/></r:activities>
    <ci:display-name>Some One</ci:display-name>
    <d:note>In a meeting &amp; on the phone</d:note>
  </d:person>
  <d:device id="d1"><d:deviceID>urn:x</d:deviceID></d:device>
  <note>Root note</note>
  <myex:extension><![CDATA[ignored <stuff>]]></myex:extension>
</presence>)";

} // namespace

TEST(pidf_parse, rfc3863_example_with_extensions) {
  auto doc = pres::parse_pidf(publish_body);
  ASSERT_TRUE(doc) << doc.error();
  EXPECT_EQ(doc->entity, "pres:someone@example.com");
  ASSERT_EQ(doc->tuples.size(), 2u);
  const auto& t = doc->tuples[0];
  EXPECT_EQ(t.id, "bs35r9");
  EXPECT_EQ(t.basic, pres::basic_status::open);
  EXPECT_EQ(t.contact, "im:someone@mobilecarrier.net");
  ASSERT_TRUE(t.priority.has_value());
  EXPECT_DOUBLE_EQ(*t.priority, 0.8);
  EXPECT_EQ(t.note, "Don't Disturb Please!");
  EXPECT_EQ(t.timestamp, "2001-10-27T16:49:29Z");
  EXPECT_EQ(doc->tuples[1].basic, pres::basic_status::closed);
  EXPECT_EQ(doc->person.activities,
            (std::set<std::string>{"meeting", "on-the-phone"}));
  EXPECT_EQ(doc->person.display_name, "Some One");
  EXPECT_EQ(doc->person.note, "In a meeting & on the phone");
  EXPECT_EQ(pres::overall_status(*doc), pres::basic_status::open);
}

TEST(pidf_parse, root_note_becomes_person_note) {
  auto doc = pres::parse_pidf(
      R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b">)"
      R"(<tuple id="t"><status><basic>open</basic></status></tuple>)"
      R"(<note>  Back at 3  </note></presence>)");
  ASSERT_TRUE(doc) << doc.error();
  EXPECT_EQ(doc->person.note, "Back at 3");
}

TEST(pidf_parse, prefixed_pidf_namespace_is_accepted) {
  auto doc = pres::parse_pidf(
      R"(<p:presence xmlns:p="urn:ietf:params:xml:ns:pidf" entity="pres:a@b">)"
      R"(<p:tuple id="t"><p:status><p:basic>closed</p:basic></p:status>)"
      R"(</p:tuple></p:presence>)");
  ASSERT_TRUE(doc) << doc.error();
  ASSERT_EQ(doc->tuples.size(), 1u);
  EXPECT_EQ(doc->tuples[0].basic, pres::basic_status::closed);
}

TEST(pidf_parse, elements_in_wrong_namespace_are_ignored) {
  // <tuple> without the PIDF namespace is someone else's element.
  auto doc = pres::parse_pidf(
      R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b">)"
      R"(<x:tuple xmlns:x="urn:other" id="t"/>)"
      R"(<person xmlns="urn:other"><note>n</note></person></presence>)");
  ASSERT_TRUE(doc) << doc.error();
  EXPECT_TRUE(doc->tuples.empty());
  EXPECT_TRUE(doc->person.empty());
}

TEST(pidf_parse, tuple_without_basic_and_bad_priority) {
  auto doc = pres::parse_pidf(
      R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b">)"
      R"(<tuple id="t"><status/><contact priority="1.5">sip:a@b</contact>)"
      R"(</tuple></presence>)");
  ASSERT_TRUE(doc) << doc.error();
  EXPECT_FALSE(doc->tuples[0].basic.has_value());
  EXPECT_FALSE(doc->tuples[0].priority.has_value());
  EXPECT_EQ(pres::overall_status(*doc), pres::basic_status::closed);
}

TEST(pidf_parse, rejects_garbage) {
  const std::string ok_tuple =
      R"(<tuple id="t"><status><basic>open</basic></status></tuple>)";
  struct {
    const char* name;
    std::string body;
  } cases[] = {
      {"empty", ""},
      {"text", "hello world"},
      {"json", R"({"presence":"open"})"},
      {"truncated", R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" )"},
      {"unclosed",
       R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b">)"},
      {"no namespace", R"(<presence entity="pres:a@b"/>)"},
      {"wrong namespace",
       R"(<presence xmlns="urn:ietf:params:xml:ns:pidf:rpid" entity="p:a"/>)"},
      {"wrong root",
       R"(<tuple xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"/>)"},
      {"unbound prefix", R"(<p:presence entity="pres:a@b"/>)"},
      {"no entity", R"(<presence xmlns="urn:ietf:params:xml:ns:pidf"/>)"},
      {"empty entity",
       R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity=""/>)"},
      {"entity not a URI",
       R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="alice"/>)"},
      {"entity with space",
       R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a b"/>)"},
      {"tuple without id",
       R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b">)"
       R"(<tuple><status><basic>open</basic></status></tuple></presence>)"},
      {"duplicate tuple id",
       R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b">)" +
           ok_tuple + ok_tuple + "</presence>"},
      {"bad basic",
       R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b">)"
       R"(<tuple id="t"><status><basic>maybe</basic></status></tuple>)"
       R"(</presence>)"},
      {"two roots",
       R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"/>)"
       R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"/>)"},
      {"nul byte", std::string{"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\""
                               " entity=\"pres:a@b\">"} +
                       std::string(1, '\0') + "</presence>"},
      {"binary", std::string{"\xff\xfe"} + std::string(1, '\0') + "\x01<<>>&&"},
  };
  for (const auto& c : cases) {
    auto doc = pres::parse_pidf(c.body);
    EXPECT_FALSE(doc) << c.name;
    if (!doc) {
      EXPECT_FALSE(doc.error().empty()) << c.name;
    }
  }
}

TEST(pidf_parse, rejects_doctype_and_entities) {
  // XXE (external entity) and "billion laughs" (entity expansion).
  const char* xxe = R"(<?xml version="1.0"?>
<!DOCTYPE presence [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b">
<note>&xxe;</note></presence>)";
  const char* laughs = R"(<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b">
<note>&lol2;</note></presence>)";
  const char* plain_doctype = R"(<!DOCTYPE presence SYSTEM "pidf.dtd">
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"/>)";
  for (const char* body : {xxe, laughs, plain_doctype}) {
    auto doc = pres::parse_pidf(body);
    ASSERT_FALSE(doc) << body;
    EXPECT_EQ(doc.error(), "DOCTYPE not allowed");
  }
}

TEST(pidf_parse, undeclared_entity_reference_stays_text) {
  auto doc = pres::parse_pidf(
      R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b">)"
      R"(<note>&xxe; &lt;ok&gt;</note></presence>)");
  ASSERT_TRUE(doc) << doc.error();
  EXPECT_EQ(doc->person.note, "&xxe; <ok>");
}

TEST(pidf_parse, size_limit) {
  std::string body =
      R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b">)";
  body += "<note>" + std::string(70 * 1024, 'x') + "</note></presence>";
  auto doc = pres::parse_pidf(body);
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error(), "document too large");
  EXPECT_TRUE(pres::parse_pidf(body, body.size()));
  EXPECT_FALSE(pres::parse_pidf(body, body.size() - 1));
}

TEST(pidf_parse, deep_nesting_is_ignored_not_fatal) {
  std::string body =
      R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b">)";
  for (int i = 0; i < 1000; ++i)
    body += "<x:e xmlns:x=\"urn:x\">";
  for (int i = 0; i < 1000; ++i)
    body += "</x:e>";
  body += "</presence>";
  auto doc = pres::parse_pidf(body);
  ASSERT_TRUE(doc) << doc.error();
  EXPECT_TRUE(doc->tuples.empty());
}

TEST(pidf_parse, text_outside_root) {
  EXPECT_FALSE(pres::parse_pidf(
      R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"/>x)"));
}

TEST(pidf_parse, mutated_bodies_never_crash) {
  // Deterministic byte mutations of a valid body: each result is either a
  // document or an error, never a crash or a sanitizer report.
  const std::string seed = publish_body;
  std::mt19937 rng{4242};
  std::size_t accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    auto body = seed;
    auto edits = 1 + rng() % 8;
    for (std::uint32_t e = 0; e < edits; ++e) {
      auto pos = rng() % body.size();
      switch (rng() % 3) {
        case 0:
          body[pos] = static_cast<char>(rng() % 256);
          break;
        case 1:
          body.erase(pos, 1 + rng() % 16);
          break;
        default:
          body.insert(pos, 1, "<>&\"'/:=x"[rng() % 9]);
      }
      if (body.empty())
        body = "x";
    }
    auto doc = pres::parse_pidf(body);
    if (doc) {
      ++accepted;
      // Whatever was accepted must serialise and parse again.
      auto again = pres::parse_pidf(pres::to_pidf(*doc));
      EXPECT_TRUE(again) << body;
    }
  }
  EXPECT_GT(accepted, 0u);
}
