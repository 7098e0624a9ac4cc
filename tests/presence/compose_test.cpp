// compose(): a table of inputs -> basic status and RPID activities, plus
// merging, notes and determinism.

#include <string>

#include <gtest/gtest.h>

#include "appliance/presence/compose.hpp"
#include "appliance/presence/pidf.hpp"

namespace pres = ivm::presence;
using pres::basic_status;
using pres::user_status;

namespace {

pres::presence_doc publication(std::string id, basic_status b,
                               std::set<std::string> acts = {},
                               std::string note = {}) {
  pres::presence_doc doc;
  doc.entity = "pres:alice@example.com";
  doc.tuples.push_back({std::move(id), b, {}, {}, {}, {}});
  doc.person.activities = std::move(acts);
  doc.person.note = std::move(note);
  return doc;
}

pres::presence_inputs base() {
  pres::presence_inputs in;
  in.entity = "pres:alice@example.com";
  in.contact = "sip:alice@example.com";
  in.display_name = "Alice";
  return in;
}

using acts = std::set<std::string>;

} // namespace

TEST(compose, table_of_basic_status_and_activities) {
  struct row {
    const char* name;
    std::size_t devices;
    std::vector<pres::presence_doc> pubs;
    std::size_t confirmed;
    std::size_t early;
    user_status status;
    basic_status expect_basic;
    acts expect_acts;
  };
  auto open_pub = publication("pc", basic_status::open);
  auto closed_pub = publication("pc", basic_status::closed);
  auto away_pub = publication("pc", basic_status::open, {"away"});
  row rows[] = {
      {"nothing", 0, {}, 0, 0, user_status::none, basic_status::closed, {}},
      {"registered", 1, {}, 0, 0, user_status::none, basic_status::open, {}},
      {"published open",
       0,
       {open_pub},
       0,
       0,
       user_status::none,
       basic_status::open,
       {}},
      {"published closed",
       0,
       {closed_pub},
       0,
       0,
       user_status::none,
       basic_status::closed,
       {}},
      {"in a call",
       2,
       {},
       1,
       0,
       user_status::none,
       basic_status::open,
       {"on-the-phone"}},
      {"ringing only", 1, {}, 0, 1, user_status::none, basic_status::open, {}},
      {"away", 1, {}, 0, 0, user_status::away, basic_status::open, {"away"}},
      {"busy", 1, {}, 0, 0, user_status::busy, basic_status::open, {"busy"}},
      {"dnd", 1, {}, 0, 0, user_status::dnd, basic_status::open, {"busy"}},
      {"dnd in a call",
       1,
       {},
       1,
       0,
       user_status::dnd,
       basic_status::open,
       {"busy", "on-the-phone"}},
      {"away, nothing registered",
       0,
       {},
       0,
       0,
       user_status::away,
       basic_status::closed,
       {"away"}},
      {"published away kept",
       0,
       {away_pub},
       0,
       0,
       user_status::none,
       basic_status::open,
       {"away"}},
      {"available overrides published away",
       1,
       {away_pub},
       0,
       0,
       user_status::available,
       basic_status::open,
       {}},
      {"signed out while registered",
       3,
       {},
       0,
       0,
       user_status::signed_out,
       basic_status::closed,
       {}},
      {"signed out, published open, in a call",
       1,
       {open_pub},
       1,
       0,
       user_status::signed_out,
       basic_status::closed,
       {}},
  };
  for (const auto& r : rows) {
    auto in = base();
    in.registered_devices = r.devices;
    in.publications = r.pubs;
    in.calls_confirmed = r.confirmed;
    in.calls_early = r.early;
    in.status = r.status;
    auto doc = pres::compose(in);
    EXPECT_EQ(pres::overall_status(doc), r.expect_basic) << r.name;
    EXPECT_EQ(doc.person.activities, r.expect_acts) << r.name;
    if (r.status == user_status::signed_out) {
      for (const auto& t : doc.tuples) {
        EXPECT_EQ(t.basic, basic_status::closed) << r.name << " " << t.id;
      }
    }
  }
}

TEST(compose, registration_tuple) {
  auto in = base();
  in.registered_devices = 1;
  auto doc = pres::compose(in);
  ASSERT_EQ(doc.tuples.size(), 1u);
  EXPECT_EQ(doc.tuples[0].id, pres::registration_tuple_id);
  EXPECT_EQ(doc.tuples[0].basic, basic_status::open);
  EXPECT_EQ(doc.tuples[0].contact, "sip:alice@example.com");
  EXPECT_EQ(doc.entity, "pres:alice@example.com");
  EXPECT_EQ(doc.person.display_name, "Alice");
}

TEST(compose, publications_merged_sorted_and_deduplicated) {
  auto in = base();
  in.publications.push_back(publication("zz", basic_status::closed));
  in.publications.push_back(publication("aa", basic_status::closed));
  // Newer publication of "zz" wins; "ivm-reg" is the box's own id.
  in.publications.push_back(publication("zz", basic_status::open));
  in.publications.push_back(publication("ivm-reg", basic_status::open));
  auto doc = pres::compose(in);
  ASSERT_EQ(doc.tuples.size(), 3u);
  EXPECT_EQ(doc.tuples[0].id, "aa");
  EXPECT_EQ(doc.tuples[1].id, "ivm-reg");
  EXPECT_EQ(doc.tuples[1].basic, basic_status::closed);
  EXPECT_EQ(doc.tuples[2].id, "zz");
  EXPECT_EQ(doc.tuples[2].basic, basic_status::open);
}

TEST(compose, notes) {
  auto in = base();
  in.registered_devices = 1;
  in.status = user_status::dnd;
  EXPECT_EQ(pres::compose(in).person.note, "Do not disturb");
  in.status_note = "until 3";
  auto doc = pres::compose(in);
  EXPECT_EQ(doc.person.note, "Do not disturb: until 3");
  // Also in the registration tuple, for watchers that only read tuples.
  EXPECT_EQ(doc.tuples[0].note, "Do not disturb: until 3");
  in.status = user_status::away;
  in.status_note = "lunch until 2";
  EXPECT_EQ(pres::compose(in).person.note, "lunch until 2");
  in.status = user_status::none;
  in.status_note.clear();
  in.publications.push_back(
      publication("a", basic_status::open, {}, "old note"));
  in.publications.push_back(
      publication("b", basic_status::open, {}, "new note"));
  EXPECT_EQ(pres::compose(in).person.note, "new note");
  in.status = user_status::available;
  EXPECT_EQ(pres::compose(in).person.note, "");
}

TEST(compose, display_name_falls_back_to_publication) {
  auto in = base();
  in.display_name.clear();
  auto pub = publication("pc", basic_status::open);
  pub.person.display_name = "Alice (laptop)";
  in.publications.push_back(pub);
  EXPECT_EQ(pres::compose(in).person.display_name, "Alice (laptop)");
}

TEST(compose, unchanged_state_gives_identical_bytes) {
  auto in = base();
  in.registered_devices = 2;
  in.calls_confirmed = 1;
  in.status = user_status::busy;
  in.status_note = "call me later";
  in.publications.push_back(
      publication("b", basic_status::open, {"meeting", "away"}));
  in.publications.push_back(publication("a", basic_status::closed));
  auto first = pres::to_pidf(pres::compose(in));
  auto second = pres::to_pidf(pres::compose(in));
  EXPECT_EQ(first, second);
  in.calls_confirmed = 0;
  EXPECT_NE(pres::to_pidf(pres::compose(in)), first);
}
