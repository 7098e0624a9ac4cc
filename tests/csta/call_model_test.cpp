// appliance/csta call model: event sequences a PBX sends for one monitored
// device (incoming, outgoing, hold, divert, transfer, the far end leaving,
// do-not-disturb and forwarding, a snapshot after reconnecting) and what a
// watcher sees after each.

#include <gtest/gtest.h>

#include "appliance/csta/call_model.hpp"

namespace csta = ivm::csta;

namespace {

// An event as the PBX writes it: the connection, devices by role, state.
csta::event ev(const std::string& xml) {
  auto d = csta::parse("<" + xml.substr(0, xml.find(' ')) +
                       " xmlns=\"http://www.ecma-"
                       "international.org/standards/ecma-323/csta/ed4\">" +
                       xml.substr(xml.find(' ') + 1) + "</" +
                       xml.substr(0, xml.find(' ')) + ">");
  EXPECT_TRUE(d) << xml;
  auto e = csta::decode_event(d->root);
  EXPECT_TRUE(e) << xml;
  return *e;
}

std::string conn(const char* tag, const char* call, const char* dev) {
  return std::string{"<"} + tag + "><callID>" + call + "</callID><deviceID>" +
         dev + "</deviceID></" + tag + ">";
}

std::string dev(const char* tag, const char* id) {
  return std::string{"<"} + tag + "><deviceIdentifier>" + id +
         "</deviceIdentifier></" + tag + ">";
}

std::string state(const char* s) {
  return std::string{"<localConnectionInfo>"} + s + "</localConnectionInfo>";
}

class model : public ::testing::Test {
protected:
  csta::device_model d = [] {
    csta::device_model m;
    m.device = "3001";
    return m;
  }();
  csta::activity now() const {
    return d.now();
  }
};

} // namespace

TEST_F(model, an_incoming_call_rings_is_answered_held_and_cleared) {
  EXPECT_EQ(now(), csta::activity::idle);
  EXPECT_TRUE(
      csta::apply(d, ev("DeliveredEvent " + conn("connection", "C1", "3001") +
                        dev("alertingDevice", "N&lt;3001&gt;;noa=nk") +
                        dev("callingDevice", "3002") +
                        dev("calledDevice", "3001") + state("alerting"))));
  EXPECT_EQ(now(), csta::activity::ringing);
  ASSERT_TRUE(d.current());
  EXPECT_TRUE(d.current()->incoming);
  EXPECT_EQ(d.current()->other, "3002");
  csta::apply(d, ev("EstablishedEvent " +
                    conn("establishedConnection", "C1", "3001") +
                    dev("answeringDevice", "3001") +
                    dev("callingDevice", "3002") + state("connected")));
  EXPECT_EQ(now(), csta::activity::on_the_phone);
  csta::apply(d, ev("HeldEvent " + conn("heldConnection", "C1", "3001") +
                    dev("holdingDevice", "3001") + state("hold")));
  EXPECT_EQ(now(), csta::activity::on_hold);
  csta::apply(d,
              ev("RetrievedEvent " + conn("retrievedConnection", "C1", "3001") +
                 dev("retrievingDevice", "3001") + state("connected")));
  EXPECT_EQ(now(), csta::activity::on_the_phone);
  // The far end hangs up: our connection is null.
  csta::apply(d, ev("ConnectionClearedEvent " +
                    conn("droppedConnection", "C1", "3002") +
                    dev("releasingDevice", "3002") + state("null")));
  EXPECT_EQ(now(), csta::activity::idle);
  EXPECT_TRUE(d.calls.empty());
}

TEST_F(model, an_outgoing_call_and_the_far_end_holding_it) {
  csta::apply(d, ev("ServiceInitiatedEvent " +
                    conn("initiatedConnection", "C2", "3001") +
                    dev("initiatingDevice", "3001") + state("initiated")));
  EXPECT_EQ(now(), csta::activity::on_the_phone); // dialling
  // Dialled: the same activity, but the call's state changed (a watcher's
  // dialog goes from early to confirmed).
  EXPECT_TRUE(csta::apply(
      d, ev("OriginatedEvent " + conn("originatedConnection", "C2", "3001") +
            dev("callingDevice", "3001") + dev("calledDevice", "3005") +
            state("connected"))));
  // The far end rings (its alerting connection): we stay connected.
  EXPECT_FALSE(csta::apply(
      d, ev("DeliveredEvent " + conn("connection", "C2", "3005") +
            dev("alertingDevice", "3005") + dev("callingDevice", "3001") +
            dev("calledDevice", "3005") + state("connected"))));
  EXPECT_EQ(d.current()->other, "3005");
  EXPECT_FALSE(d.current()->incoming);
  // The far end puts us on hold: nothing changes for us.
  EXPECT_FALSE(
      csta::apply(d, ev("HeldEvent " + conn("heldConnection", "C2", "3005") +
                        dev("holdingDevice", "3005") + state("connected"))));
  csta::apply(d, ev("ConnectionClearedEvent " +
                    conn("droppedConnection", "C2", "3001") +
                    dev("releasingDevice", "3001") + state("null")));
  EXPECT_EQ(now(), csta::activity::idle);
}

TEST_F(model, diverted_away_transferred_and_failed) {
  auto ring = [&](const char* call) {
    csta::apply(d, ev("DeliveredEvent " + conn("connection", call, "3001") +
                      dev("alertingDevice", "3001") +
                      dev("callingDevice", "3009") + state("alerting")));
  };
  ring("C3");
  EXPECT_TRUE(
      csta::apply(d, ev("DivertedEvent " + conn("connection", "C3", "3001") +
                        dev("divertingDevice", "3001") +
                        dev("newDestination", "3004") + state("null"))));
  EXPECT_EQ(now(), csta::activity::idle);
  // Diverted to us.
  csta::apply(d, ev("DivertedEvent " + conn("connection", "C4", "3001") +
                    dev("divertingDevice", "3008") +
                    dev("newDestination", "3001") + state("alerting")));
  EXPECT_EQ(now(), csta::activity::ringing);
  csta::apply(d, ev("EstablishedEvent " +
                    conn("establishedConnection", "C4", "3001") +
                    dev("answeringDevice", "3001") +
                    dev("callingDevice", "3008") + state("connected")));
  // A consultation call, then the two joined elsewhere: we leave both.
  csta::apply(d, ev("ServiceInitiatedEvent " +
                    conn("initiatedConnection", "C5", "3001") +
                    state("initiated")));
  EXPECT_EQ(d.calls.size(), 2u);
  csta::apply(d, ev("TransferedEvent <primaryOldCall><callID>C4</callID>"
                    "<deviceID>3001</deviceID></primaryOldCall>"
                    "<secondaryOldCall><callID>C5</callID><deviceID>3001"
                    "</deviceID></secondaryOldCall>" +
                    dev("transferringDevice", "3001") +
                    dev("transferredToDevice", "3007") +
                    "<transferredConnections><connectionListItem>"
                    "<newConnection><callID>C6</callID><deviceID>3008"
                    "</deviceID></newConnection></connectionListItem>"
                    "</transferredConnections>" +
                    state("null")));
  EXPECT_TRUE(d.calls.empty());
  EXPECT_EQ(now(), csta::activity::idle);
  // A call that fails: busy tone, on the phone until cleared.
  csta::apply(d, ev("FailedEvent " + conn("failedConnection", "C7", "3001") +
                    dev("failingDevice", "3006") + state("fail") +
                    "<cause>busy</cause>"));
  EXPECT_EQ(now(), csta::activity::on_the_phone);
}

TEST_F(model, a_conference_keeps_one_call) {
  csta::apply(d, ev("EstablishedEvent " +
                    conn("establishedConnection", "C1", "3001") +
                    dev("answeringDevice", "3001") +
                    dev("callingDevice", "3002") + state("connected")));
  csta::apply(d, ev("HeldEvent " + conn("heldConnection", "C1", "3001") +
                    state("hold")));
  csta::apply(d, ev("EstablishedEvent " +
                    conn("establishedConnection", "C2", "3001") +
                    dev("answeringDevice", "3003") +
                    dev("callingDevice", "3001") + state("connected")));
  csta::apply(d,
              ev("ConferencedEvent <primaryOldCall><callID>C1</callID>"
                 "</primaryOldCall><secondaryOldCall><callID>C2</callID>"
                 "</secondaryOldCall>" +
                 dev("conferencingDevice", "3001") + dev("addedParty", "3003") +
                 "<conferenceConnections><connectionListItem>"
                 "<newConnection><callID>C9</callID><deviceID>3001"
                 "</deviceID></newConnection></connectionListItem>"
                 "</conferenceConnections>" +
                 state("connected")));
  ASSERT_EQ(d.calls.size(), 1u);
  EXPECT_EQ(d.calls.begin()->first, "C9");
  EXPECT_EQ(now(), csta::activity::on_the_phone);
}

TEST_F(model, do_not_disturb_forwarding_hook_and_lamp) {
  EXPECT_TRUE(csta::apply(d, ev("DoNotDisturbEvent <device>3001</device>"
                                "<doNotDisturbOn>true</doNotDisturbOn>")));
  EXPECT_TRUE(d.do_not_disturb);
  EXPECT_TRUE(csta::apply(
      d, ev("ForwardingEvent <device>3001</device><forwardingType>"
            "forwardImmediate</forwardingType><forwardStatus>true"
            "</forwardStatus><forwardTo>N&lt;3002&gt;</forwardTo>")));
  EXPECT_EQ(d.forward_to, "3002");
  EXPECT_TRUE(csta::apply(
      d, ev("ForwardingEvent <device>3001</device><forwardStatus>false"
            "</forwardStatus>")));
  EXPECT_FALSE(d.forwarding);
  EXPECT_TRUE(d.forward_to.empty());
  EXPECT_TRUE(csta::apply(d, ev("HookswitchEvent <device>3001</device>"
                                "<hookswitchOnHook>false</hookswitchOnHook>")));
  EXPECT_EQ(now(), csta::activity::on_the_phone);
  csta::apply(d, ev("MessageWaitingEvent <targetDevice>3001</targetDevice>"
                    "<messageWaitingOn>true</messageWaitingOn>"));
  EXPECT_TRUE(d.lamp);
  // A value that is not a boolean changes nothing.
  EXPECT_FALSE(csta::apply(d, ev("DoNotDisturbEvent <device>3001</device>"
                                 "<doNotDisturbOn>maybe</doNotDisturbOn>")));
}

TEST_F(model, a_snapshot_replaces_what_was_known) {
  csta::apply(d, ev("DeliveredEvent " + conn("connection", "C1", "3001") +
                    dev("alertingDevice", "3001") +
                    dev("callingDevice", "3002") + state("alerting")));
  csta::response snap;
  snap.snapshot = {{{"C1", "3001"}, "connected"},
                   {{"C8", "3001"}, "hold"},
                   {{"", "3001"}, "connected"},
                   {{"C9", "3001"}, "null"}};
  EXPECT_TRUE(csta::apply_snapshot(d, snap));
  ASSERT_EQ(d.calls.size(), 2u);
  EXPECT_EQ(d.calls.at("C1").other, "3002"); // what was known is kept
  EXPECT_EQ(now(), csta::activity::on_the_phone);
  EXPECT_TRUE(csta::apply_snapshot(d, csta::response{}));
  EXPECT_EQ(now(), csta::activity::idle);
}
