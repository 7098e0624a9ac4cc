// to_dialog_info: RFC 4235 §4 structure for busy lamps, parsed back.

#include <string>

#include <gtest/gtest.h>

#include "appliance/presence/dialog_info.hpp"
#include "appliance/presence/namespaces.hpp"
#include "tests/presence/xml_check.hpp"

namespace pres = ivm::presence;
using pres::test::kid;
using pres::test::kids;

namespace {

const std::string di{pres::ns::dialog_info};

pres::dialog confirmed_call() {
  pres::dialog d;
  d.id = "as7d900as8";
  d.call_id = "a84b4c76e66710";
  d.local_tag = "1928301774";
  d.remote_tag = "456248";
  d.direction = pres::dialog_direction::initiator;
  d.state = pres::dialog_state::confirmed;
  d.local_identity = "sip:alice@example.com";
  d.remote_identity = "sip:bob@example.org";
  d.remote_display = "Bob";
  return d;
}

} // namespace

TEST(dialog_info, rfc4235_document) {
  pugi::xml_document xml;
  auto root = pres::test::load(
      xml, pres::to_dialog_info(3, true, "sip:alice@example.com",
                                {confirmed_call()}));
  EXPECT_EQ(pres::test::local_of(root), "dialog-info");
  EXPECT_EQ(pres::test::ns_of(root), di);
  EXPECT_STREQ(root.attribute("version").value(), "3");
  EXPECT_STREQ(root.attribute("state").value(), "full");
  EXPECT_STREQ(root.attribute("entity").value(), "sip:alice@example.com");
  auto d = kid(root, di, "dialog");
  EXPECT_STREQ(d.attribute("id").value(), "as7d900as8");
  EXPECT_STREQ(d.attribute("call-id").value(), "a84b4c76e66710");
  EXPECT_STREQ(d.attribute("local-tag").value(), "1928301774");
  EXPECT_STREQ(d.attribute("remote-tag").value(), "456248");
  EXPECT_STREQ(d.attribute("direction").value(), "initiator");
  EXPECT_STREQ(kid(d, di, "state").text().get(), "confirmed");
  auto local = kid(kid(d, di, "local"), di, "identity");
  EXPECT_STREQ(local.text().get(), "sip:alice@example.com");
  auto remote = kid(kid(d, di, "remote"), di, "identity");
  EXPECT_STREQ(remote.text().get(), "sip:bob@example.org");
  EXPECT_STREQ(remote.attribute("display").value(), "Bob");
  // Schema order (RFC 4235 §4.2): state, ..., local, remote.
  std::vector<std::string> order;
  for (auto c : d.children())
    order.push_back(pres::test::local_of(c));
  EXPECT_EQ(order, (std::vector<std::string>{"state", "local", "remote"}));
}

TEST(dialog_info, idle_lamp_is_an_empty_full_document) {
  pugi::xml_document xml;
  auto root =
      pres::test::load(xml, pres::to_dialog_info(0, true, "sip:a@b", {}));
  EXPECT_TRUE(kids(root, di, "dialog").empty());
}

TEST(dialog_info, early_recipient_without_tags) {
  pres::dialog d;
  d.id = "x1";
  d.direction = pres::dialog_direction::recipient;
  d.state = pres::dialog_state::early;
  pugi::xml_document xml;
  auto root =
      pres::test::load(xml, pres::to_dialog_info(1, false, "sip:a@b", {d}));
  EXPECT_STREQ(root.attribute("state").value(), "partial");
  auto dn = kid(root, di, "dialog");
  EXPECT_STREQ(dn.attribute("direction").value(), "recipient");
  EXPECT_TRUE(dn.attribute("call-id").empty());
  EXPECT_TRUE(dn.attribute("local-tag").empty());
  EXPECT_STREQ(kid(dn, di, "state").text().get(), "early");
  EXPECT_TRUE(kids(dn, di, "local").empty());
  EXPECT_TRUE(kids(dn, di, "remote").empty());
}

TEST(dialog_info, state_words) {
  using s = pres::dialog_state;
  std::pair<s, const char*> words[] = {
      {s::trying, "trying"},         {s::proceeding, "proceeding"},
      {s::early, "early"},           {s::confirmed, "confirmed"},
      {s::terminated, "terminated"},
  };
  for (auto [st, word] : words)
    EXPECT_EQ(pres::to_string(st), word);
}

TEST(dialog_info, hostile_strings_are_escaped) {
  auto d = confirmed_call();
  d.call_id = "a\"b<c>&";
  d.remote_display = "\"Bob\" <script>\x01";
  pugi::xml_document xml;
  auto root =
      pres::test::load(xml, pres::to_dialog_info(1, true, "sip:a&b", {d}));
  EXPECT_STREQ(root.attribute("entity").value(), "sip:a&b");
  auto dn = kid(root, di, "dialog");
  EXPECT_STREQ(dn.attribute("call-id").value(), "a\"b<c>&");
  auto remote = kid(kid(dn, di, "remote"), di, "identity");
  EXPECT_STREQ(remote.attribute("display").value(), "\"Bob\" <script>");
}
