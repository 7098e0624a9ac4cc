// actors/client/presence_book: the presence side of one user, without CAF.

#include <gtest/gtest.h>

#include "actors/client/presence_book.hpp"
#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/parser.hpp"
#include "storage/memory_store.hpp"

using namespace ivm;
using namespace ivm::actors;

namespace {

constexpr std::uint64_t t0 = 1'800'000'000;

book_env env() {
  book_env e;
  e.extension = "201";
  e.domain = "box.example";
  e.display_name = "Alice";
  e.contact = "<sip:201@192.0.2.1:5060>";
  return e;
}

sip::message subscribe(const std::string& from, const std::string& event,
                       int expires = 600, const std::string& to_tag = "",
                       int cseq = 1, const std::string& call_id = "sub-1") {
  auto text = "SUBSCRIBE sip:201@box.example SIP/2.0\r\n"
              "Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-" +
              std::to_string(cseq) + call_id +
              "\r\n"
              "Max-Forwards: 70\r\n"
              "From: <sip:" +
              from + "@box.example>;tag=w" + from +
              "\r\n"
              "To: <sip:201@box.example>" +
              (to_tag.empty() ? "" : ";tag=" + to_tag) +
              "\r\n"
              "Call-ID: " +
              call_id +
              "\r\n"
              "CSeq: " +
              std::to_string(cseq) +
              " SUBSCRIBE\r\n"
              "Contact: <sip:" +
              from +
              "@192.0.2.7:5070>\r\n"
              "Event: " +
              event +
              "\r\n"
              "Expires: " +
              std::to_string(expires) + "\r\nContent-Length: 0\r\n\r\n";
  auto m = sip::parse(text);
  EXPECT_TRUE(m);
  return *m;
}

std::string to_tag(const sip::message& resp) {
  auto to = sip::parse_name_addr(resp.value_of("To"));
  return to && to->tag() ? std::string{*to->tag()} : std::string{};
}

book_out sub(presence_book& b, const sip::message& req,
             const std::string& watcher, std::uint64_t now = t0) {
  return b.subscribe(req, watcher, "Bob", 0, "192.0.2.7:5070",
                     "<sip:201@192.0.2.1:5060>", now);
}

} // namespace

// A watcher nobody authorized is pending (no state in the NOTIFY) and the
// owner is asked once, by a text message.
TEST(presence_book, unknown_watcher_is_pending_and_owner_is_asked) {
  presence_book b{env()};
  auto out = sub(b, subscribe("202", "presence"), "202");
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status_code, 200);
  ASSERT_EQ(out.notifies.size(), 1u);
  EXPECT_EQ(out.notifies[0].request.value_of("Subscription-State"),
            "pending;expires=600");
  EXPECT_TRUE(out.notifies[0].request.body.empty());
  ASSERT_EQ(out.notices.size(), 1u);
  EXPECT_EQ(out.notices[0].first, "201");
  EXPECT_EQ(out.notices[0].second,
            "Bob (202) wants to see your presence: reply ACCEPT 202 or "
            "DECLINE 202");
  EXPECT_FALSE(out.batch.empty()); // subscription + pending request
  // A second subscription of the same watcher does not ask again.
  auto again = sub(b, subscribe("202", "presence", 600, "", 1, "sub-2"), "202");
  EXPECT_TRUE(again.notices.empty());
}

// ACCEPT makes the pending subscription active with a PIDF document;
// registering and a call change what watchers see.
TEST(presence_book, accept_then_state_changes_notify) {
  presence_book b{env()};
  sub(b, subscribe("202", "presence"), "202");
  auto acc = b.answer_watcher("202", true, t0 + 1);
  ASSERT_EQ(acc.notifies.size(), 1u);
  auto& n = acc.notifies[0].request;
  EXPECT_EQ(n.value_of("Subscription-State"), "active;expires=599");
  EXPECT_EQ(n.value_of("Content-Type"), "application/pidf+xml");
  EXPECT_NE(n.body.find("<basic>closed</basic>"), std::string::npos);
  EXPECT_NE(n.body.find("Alice"), std::string::npos);
  auto reg = b.set_devices(1, t0 + 2);
  ASSERT_EQ(reg.notifies.size(), 1u);
  EXPECT_NE(reg.notifies[0].request.body.find("<basic>open</basic>"),
            std::string::npos);
  // The same state again sends nothing.
  EXPECT_TRUE(b.set_devices(1, t0 + 3).notifies.empty());
  sip::proxy::dialog_view call;
  call.id = "c1";
  call.call_id = "c1";
  call.state = sip::proxy::dialog_state::confirmed;
  auto busy = b.dialog(call, t0 + 4);
  ASSERT_EQ(busy.notifies.size(), 1u);
  EXPECT_NE(busy.notifies[0].request.body.find("on-the-phone"),
            std::string::npos);
  call.state = sip::proxy::dialog_state::terminated;
  auto idle = b.dialog(call, t0 + 5);
  ASSERT_EQ(idle.notifies.size(), 1u);
  EXPECT_EQ(idle.notifies[0].request.body.find("on-the-phone"),
            std::string::npos);
}

// DECLINE ends the subscription with reason=rejected; later ones of the same
// watcher are rejected at once.
TEST(presence_book, decline_rejects_now_and_later) {
  presence_book b{env()};
  sub(b, subscribe("202", "presence"), "202");
  auto dec = b.answer_watcher("202", false, t0 + 1);
  ASSERT_EQ(dec.notifies.size(), 1u);
  EXPECT_EQ(dec.notifies[0].request.value_of("Subscription-State"),
            "terminated;reason=rejected");
  EXPECT_EQ(b.subscriptions(), 0u);
  auto later =
      sub(b, subscribe("202", "presence", 600, "", 1, "sub-3"), "202", t0 + 2);
  ASSERT_FALSE(later.notifies.empty());
  EXPECT_EQ(later.notifies.back().request.value_of("Subscription-State"),
            "terminated;reason=rejected");
  EXPECT_TRUE(later.notices.empty());
}

// Busy lamps need no authorization; dialog-info versions count up.
TEST(presence_book, dialog_package_counts_versions) {
  presence_book b{env()};
  auto out = sub(b, subscribe("203", "dialog"), "203");
  ASSERT_EQ(out.notifies.size(), 1u);
  EXPECT_NE(out.notifies[0].request.body.find("version=\"0\""),
            std::string::npos);
  sip::proxy::dialog_view call;
  call.id = "c1";
  call.call_id = "c1";
  call.state = sip::proxy::dialog_state::early;
  auto early = b.dialog(call, t0 + 1);
  ASSERT_EQ(early.notifies.size(), 1u);
  EXPECT_NE(early.notifies[0].request.body.find("version=\"1\""),
            std::string::npos);
  EXPECT_NE(early.notifies[0].request.body.find("<state>early</state>"),
            std::string::npos);
}

// Refresh, unsubscribe, 481 for unknown dialogs, 489 for unknown packages,
// watcher info only for the owner.
TEST(presence_book, refresh_unsubscribe_and_errors) {
  presence_book b{env()};
  auto out = sub(b, subscribe("203", "dialog"), "203");
  auto tag = to_tag(*out.response);
  auto refresh = sub(b, subscribe("203", "dialog", 900, tag, 2), "203");
  ASSERT_TRUE(refresh.response);
  EXPECT_EQ(refresh.response->status_code, 200);
  auto other = sub(b, subscribe("203", "dialog", 900, tag, 3), "202");
  EXPECT_EQ(other.response->status_code, 403); // not the subscriber
  auto bye = sub(b, subscribe("203", "dialog", 0, tag, 4), "203");
  EXPECT_EQ(bye.response->status_code, 200);
  ASSERT_FALSE(bye.notifies.empty());
  EXPECT_EQ(bye.notifies.back().request.value_of("Subscription-State"),
            "terminated;reason=timeout");
  EXPECT_EQ(b.subscriptions(), 0u);
  auto gone = sub(b, subscribe("203", "dialog", 900, tag, 5), "203");
  EXPECT_EQ(gone.response->status_code, 481);
  auto bad = sub(b, subscribe("203", "weather"), "203");
  EXPECT_EQ(bad.response->status_code, 489);
  auto winfo = sub(b, subscribe("203", "presence.winfo"), "203");
  EXPECT_EQ(winfo.response->status_code, 403);
}

// Expiry ends subscriptions with reason=timeout (RFC 6665 §4.2.2).
TEST(presence_book, expiry_terminates) {
  presence_book b{env()};
  sub(b, subscribe("203", "dialog", 600), "203");
  ASSERT_TRUE(b.next_wakeup());
  EXPECT_EQ(*b.next_wakeup(), t0 + 600);
  EXPECT_TRUE(b.tick(t0 + 599).notifies.empty());
  auto out = b.tick(t0 + 600);
  ASSERT_EQ(out.notifies.size(), 1u);
  EXPECT_EQ(out.notifies[0].request.value_of("Subscription-State"),
            "terminated;reason=timeout");
  EXPECT_EQ(b.subscriptions(), 0u);
}

// Subscriptions survive a restart through their records; CSeq jumps ahead.
TEST(presence_book, subscriptions_reload_from_storage) {
  storage::memory_store db;
  std::uint32_t cseq = 0;
  {
    presence_book b{env()};
    auto out = sub(b, subscribe("203", "dialog"), "203");
    cseq = sip::parse_cseq(out.notifies[0].request.value_of("CSeq"))->number;
    ASSERT_FALSE(db.write(out.batch, true)); // no error
  }
  auto rows = db.scan(storage::family::subscriptions,
                      storage::records::subscription_prefix("201"), {}, 100);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  presence_book b{env()};
  b.load_subscriptions(*rows, t0 + 10);
  EXPECT_EQ(b.subscriptions(), 1u);
  sip::proxy::dialog_view call;
  call.id = "c1";
  call.state = sip::proxy::dialog_state::confirmed;
  auto out = b.dialog(call, t0 + 11);
  ASSERT_EQ(out.notifies.size(), 1u);
  EXPECT_GT(sip::parse_cseq(out.notifies[0].request.value_of("CSeq"))->number,
            cseq);
  // Expired ones are dropped at load.
  presence_book late{env()};
  auto gone = late.load_subscriptions(*rows, t0 + 700);
  EXPECT_EQ(late.subscriptions(), 0u);
  EXPECT_FALSE(gone.batch.empty());
}

// PUBLISH (RFC 3903) by the user: a PIDF body is checked, merged and sent.
TEST(presence_book, publish_merges_into_pidf) {
  presence_book b{env()};
  b.contact_changed('w', "202", 1, t0); // the admin allowed 202
  sub(b, subscribe("202", "presence"), "202");
  std::string pidf =
      R"(<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" )"
      R"(xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" )"
      R"(xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:201@box.example">)"
      R"(<tuple id="pc"><status><basic>open</basic></status></tuple>)"
      R"(<dm:person id="p"><rpid:activities><rpid:meeting/></rpid:activities>)"
      R"(</dm:person></presence>)";
  auto text = "PUBLISH sip:201@box.example SIP/2.0\r\n"
              "Via: SIP/2.0/UDP 192.0.2.8:5070;branch=z9hG4bK-p1\r\n"
              "Max-Forwards: 70\r\n"
              "From: <sip:201@box.example>;tag=a1\r\n"
              "To: <sip:201@box.example>\r\n"
              "Call-ID: pub-1\r\nCSeq: 1 PUBLISH\r\nEvent: presence\r\n"
              "Expires: 600\r\nContent-Type: application/pidf+xml\r\n"
              "Content-Length: " +
              std::to_string(pidf.size()) + "\r\n\r\n" + pidf;
  auto req = sip::parse(text);
  ASSERT_TRUE(req);
  auto out = b.publish(*req, t0 + 1);
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status_code, 200);
  ASSERT_EQ(out.notifies.size(), 1u);
  EXPECT_NE(out.notifies[0].request.body.find("meeting"), std::string::npos);
  auto bad = *req;
  bad.body = "<not-pidf/>";
  bad.replace("Content-Length", std::to_string(bad.body.size()));
  EXPECT_EQ(b.publish(bad, t0 + 2).response->status_code, 400);
}

// An accepted subscription is stored as active: a restart keeps it active.
TEST(presence_book, accepted_state_is_persisted) {
  presence_book b{env()};
  sub(b, subscribe("202", "presence"), "202");
  auto acc = b.answer_watcher("202", true, t0 + 1);
  std::optional<storage::records::subscription_record> rec;
  for (auto& op : acc.batch.ops())
    if (op.fam == storage::family::subscriptions &&
        op.kind == storage::write_op::put)
      rec = *storage::records::decode_subscription(op.value);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->state,
            static_cast<std::uint8_t>(sip::events::sub_state::active));
}

// After a restart, active subscriptions get the state as it is now.
TEST(presence_book, resync_notifies_active_subscriptions) {
  presence_book b{env()};
  b.contact_changed('w', "202", 1, t0);
  sub(b, subscribe("202", "presence"), "202");
  sub(b, subscribe("203", "dialog", 600, "", 1, "sub-9"), "203");
  sub(b, subscribe("204", "presence", 600, "", 1, "sub-10"), "204"); // pending
  auto out = b.resync(t0 + 1);
  ASSERT_EQ(out.notifies.size(), 2u);
  for (auto& n : out.notifies)
    EXPECT_EQ(n.request.value_of("Subscription-State"), "active;expires=599");
}
