// to_pidf: the produced XML parsed back with pugixml, checked against
// RFC 3863 §4 (PIDF), RFC 4479 §4 (person), RFC 4480 §3.2 (activities) and
// RFC 4482 §3.2 (display-name).

#include <string>

#include <gtest/gtest.h>

#include "appliance/presence/namespaces.hpp"
#include "appliance/presence/pidf.hpp"
#include "tests/presence/xml_check.hpp"

namespace pres = ivm::presence;
using pres::test::kid;
using pres::test::kids;
using pres::test::ns_of;

namespace {

const std::string pidf{pres::ns::pidf};
const std::string dm{pres::ns::data_model};
const std::string rpid{pres::ns::rpid};
const std::string cipid{pres::ns::cipid};

pres::presence_doc sample() {
  pres::presence_doc doc;
  doc.entity = "pres:alice@example.com";
  pres::presence_tuple t;
  t.id = "t1";
  t.basic = pres::basic_status::open;
  t.contact = "sip:alice@192.0.2.5";
  t.priority = 0.8;
  t.note = "desk phone";
  t.timestamp = "2024-05-01T10:00:00Z";
  doc.tuples.push_back(t);
  doc.person.activities = {"on-the-phone", "meeting"};
  doc.person.note = "lunch until 2";
  doc.person.display_name = "Alice Smith";
  return doc;
}

} // namespace

TEST(pidf_write, root_namespaces_and_entity) {
  pugi::xml_document xml;
  auto root = pres::test::load(xml, pres::to_pidf(sample()));
  EXPECT_EQ(pres::test::local_of(root), "presence");
  EXPECT_EQ(ns_of(root), pidf);
  EXPECT_STREQ(root.attribute("entity").value(), "pres:alice@example.com");
}

TEST(pidf_write, tuple_elements_rfc3863) {
  pugi::xml_document xml;
  auto root = pres::test::load(xml, pres::to_pidf(sample()));
  auto tuple = kid(root, pidf, "tuple");
  EXPECT_STREQ(tuple.attribute("id").value(), "t1");
  auto basic = kid(kid(tuple, pidf, "status"), pidf, "basic");
  EXPECT_STREQ(basic.text().get(), "open");
  auto contact = kid(tuple, pidf, "contact");
  EXPECT_STREQ(contact.text().get(), "sip:alice@192.0.2.5");
  EXPECT_STREQ(contact.attribute("priority").value(), "0.8");
  EXPECT_STREQ(kid(tuple, pidf, "note").text().get(), "desk phone");
  EXPECT_STREQ(kid(tuple, pidf, "timestamp").text().get(),
               "2024-05-01T10:00:00Z");
}

TEST(pidf_write, person_activities_note_display_name) {
  pugi::xml_document xml;
  auto root = pres::test::load(xml, pres::to_pidf(sample()));
  auto person = kid(root, dm, "person");
  EXPECT_STRNE(person.attribute("id").value(), "");
  auto acts = kid(person, rpid, "activities");
  std::vector<std::string> names;
  for (auto a : acts.children()) {
    EXPECT_EQ(ns_of(a), rpid);
    names.push_back(pres::test::local_of(a));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"meeting", "on-the-phone"}));
  EXPECT_STREQ(kid(person, dm, "note").text().get(), "lunch until 2");
  EXPECT_STREQ(kid(person, cipid, "display-name").text().get(), "Alice Smith");
}

TEST(pidf_write, closed_without_person) {
  pres::presence_doc doc;
  doc.entity = "sip:bob@example.com";
  doc.tuples.push_back({"x", pres::basic_status::closed, {}, {}, {}, {}});
  pugi::xml_document xml;
  auto root = pres::test::load(xml, pres::to_pidf(doc));
  EXPECT_TRUE(kids(root, dm, "person").empty());
  auto tuple = kid(root, pidf, "tuple");
  EXPECT_STREQ(kid(kid(tuple, pidf, "status"), pidf, "basic").text().get(),
               "closed");
  EXPECT_TRUE(kids(tuple, pidf, "contact").empty());
}

TEST(pidf_write, unknown_and_invalid_activity_tokens) {
  pres::presence_doc doc;
  doc.entity = "pres:a@b";
  doc.person.activities = {"unknown", "away", "<script>", "bogus"};
  pugi::xml_document xml;
  auto root = pres::test::load(xml, pres::to_pidf(doc));
  auto acts = kid(kid(root, dm, "person"), rpid, "activities");
  std::vector<std::string> names;
  for (auto a : acts.children())
    names.push_back(pres::test::local_of(a));
  // RFC 4480 §4: <unknown/> only alone; non-tokens are never elements.
  EXPECT_EQ(names, (std::vector<std::string>{"away"}));
}

TEST(pidf_write, hostile_text_stays_well_formed) {
  pres::presence_doc doc;
  doc.entity = "pres:a\"b<c>&d'e";
  pres::presence_tuple t;
  t.id = "1 bad id";
  t.basic = pres::basic_status::open;
  t.note = std::string{"a<b>&\"c\x01\x1b]]>\xff"};
  doc.tuples.push_back(t);
  t.id = "1_bad_id"; // collides with the sanitised first id
  doc.tuples.push_back(t);
  doc.person.note = "</dm:note><evil/>";
  pugi::xml_document xml;
  auto root = pres::test::load(xml, pres::to_pidf(doc));
  EXPECT_STREQ(root.attribute("entity").value(), "pres:a\"b<c>&d'e");
  auto tuples = kids(root, pidf, "tuple");
  ASSERT_EQ(tuples.size(), 2u);
  std::string id0 = tuples[0].attribute("id").value();
  std::string id1 = tuples[1].attribute("id").value();
  EXPECT_NE(id0, id1);
  EXPECT_EQ(id0, "_1_bad_id");
  EXPECT_STREQ(kid(tuples[0], pidf, "note").text().get(),
               "a<b>&\"c]]>\xEF\xBF\xBD");
  auto person = kid(root, dm, "person");
  EXPECT_STREQ(kid(person, dm, "note").text().get(), "</dm:note><evil/>");
  EXPECT_TRUE(kids(person, "", "evil").empty());
}

TEST(pidf_write, priority_formatting) {
  auto prio_of = [](double q) {
    pres::presence_doc doc;
    doc.entity = "pres:a@b";
    doc.tuples.push_back({"t", pres::basic_status::open, "sip:a@b", q, {}, {}});
    pugi::xml_document xml;
    auto root = pres::test::load(xml, pres::to_pidf(doc));
    auto contact = kid(kid(root, pidf, "tuple"), pidf, "contact");
    return std::string{contact.attribute("priority").value()};
  };
  EXPECT_EQ(prio_of(1.0), "1");
  EXPECT_EQ(prio_of(0.0), "0");
  EXPECT_EQ(prio_of(0.125), "0.125");
  EXPECT_EQ(prio_of(0.5), "0.5");
  EXPECT_EQ(prio_of(7.0), "1");
  EXPECT_EQ(prio_of(-1.0), "0");
}

TEST(pidf_write, round_trip_through_parser) {
  auto doc = sample();
  auto parsed = pres::parse_pidf(pres::to_pidf(doc));
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(*parsed, doc);
  EXPECT_EQ(pres::to_pidf(*parsed), pres::to_pidf(doc));
}
