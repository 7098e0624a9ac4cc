// appliance/csta link session, driven as a PBX would: the handshakes,
// monitors and snapshots, events through the call models, heartbeats both
// ways, the owner's services with their answers, and the faults (a PBX
// that stops answering, a broken frame, unreadable XML, refusals).

#include <gtest/gtest.h>

#include "appliance/csta/link.hpp"

namespace csta = ivm::csta;
using csta::millis;

namespace {

struct sent {
  std::uint16_t id;
  csta::document doc;
};

std::vector<sent> frames(const csta::link_session::output& out) {
  std::vector<sent> got;
  for (auto& f : out.frames) {
    csta::frame_reader r;
    r.feed(f);
    csta::frame fr;
    EXPECT_EQ(r.next(fr), csta::frame_reader::status::frame);
    auto d = csta::parse(fr.xml);
    EXPECT_TRUE(d) << fr.xml;
    if (d)
      got.push_back({fr.invoke_id, std::move(*d)});
  }
  return got;
}

std::string framed(std::uint16_t id, const std::string& xml) {
  return *csta::encode_frame(id, xml);
}

const std::string ns =
    " xmlns=\"http://www.ecma-international.org/standards/ecma-323/csta/ed4\"";

class link : public ::testing::Test {
protected:
  csta::link_config config() {
    csta::link_config c;
    c.heartbeat = millis{30000};
    c.response_timeout = millis{5000};
    return c;
  }
  /// Connected with no handshake; the monitor and snapshot of 3001
  /// answered (cross ref 77, one call alerting).
  void bring_up() {
    s.add_device("3001", now);
    auto out = s.connected(now);
    auto f = frames(out);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].doc.root.name, "MonitorStart");
    EXPECT_EQ(f[0].doc.ed, csta::edition::ed4);
    EXPECT_EQ(f[0].doc.root.text_at("monitorObject/deviceObject"), "3001");
    out = s.on_bytes(framed(f[0].id, "<MonitorStartResponse" + ns +
                                         "><monitorCrossRefID>77"
                                         "</monitorCrossRefID>"
                                         "</MonitorStartResponse>"),
                     now);
    f = frames(out);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].doc.root.name, "SnapshotDevice");
    out = s.on_bytes(
        framed(f[0].id, "<SnapshotDeviceResponse" + ns +
                            "><crossRefIDorSnapshotData><snapshotData>"
                            "<snapshotDeviceResponseInfo><connectionIdentifier>"
                            "<callID>C1</callID><deviceID>3001</deviceID>"
                            "</connectionIdentifier><localCallState>"
                            "<compoundCallState><localConnectionState>alerting"
                            "</localConnectionState></compoundCallState>"
                            "</localCallState></snapshotDeviceResponseInfo>"
                            "</snapshotData></crossRefIDorSnapshotData>"
                            "</SnapshotDeviceResponse>"),
        now);
    ASSERT_EQ(out.synced, std::vector<std::string>{"3001"});
    EXPECT_EQ(s.device("3001")->now(), csta::activity::ringing);
    EXPECT_EQ(s.pending(), 0u);
  }

  millis now{1000};
  csta::link_session s{config()};
};

} // namespace

TEST_F(link, monitors_snapshots_and_events) {
  bring_up();
  EXPECT_EQ(s.phase(), csta::link_phase::up);
  // The call is answered: an event on the device's monitor.
  auto out = s.on_bytes(
      framed(9999, "<EstablishedEvent" + ns +
                       "><monitorCrossRefID>77</monitorCrossRefID>"
                       "<establishedConnection><callID>C1</callID>"
                       "<deviceID>3001</deviceID></establishedConnection>"
                       "<answeringDevice><deviceIdentifier>3001"
                       "</deviceIdentifier></answeringDevice>"
                       "<localConnectionInfo>connected</localConnectionInfo>"
                       "</EstablishedEvent>"),
      now);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].device, "3001");
  EXPECT_TRUE(out.events[0].changed);
  EXPECT_EQ(s.device("3001")->now(), csta::activity::on_the_phone);
  // Another monitor's event, an unknown event, split across two reads.
  auto two = framed(9999, "<HeldEvent" + ns +
                              "><monitorCrossRefID>78</monitorCrossRefID>"
                              "</HeldEvent>") +
             framed(9999, "<ParkedEvent" + ns +
                              "><monitorCrossRefID>77</monitorCrossRefID>"
                              "</ParkedEvent>");
  out = s.on_bytes(two.substr(0, 20), now);
  auto rest = s.on_bytes(two.substr(20), now);
  EXPECT_TRUE(out.events.empty());
  EXPECT_TRUE(rest.events.empty());
  EXPECT_FALSE(rest.close);
  // A device added while up is monitored at once; one removed is stopped.
  out = s.add_device("3002", now);
  auto f = frames(out);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].doc.root.text_at("monitorObject/deviceObject"), "3002");
  out = s.remove_device("3001", now);
  f = frames(out);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].doc.root.name, "MonitorStop");
  EXPECT_EQ(f[0].doc.root.text_at("monitorCrossRefID"), "77");
}

TEST_F(link, heartbeats_both_ways_and_a_pbx_that_stops_answering) {
  bring_up();
  // The PBX's SystemStatus is answered under its invoke id.
  auto out = s.on_bytes(framed(4321, "<SystemStatus" + ns +
                                         "><systemStatus>normal"
                                         "</systemStatus></SystemStatus>"),
                        now);
  auto f = frames(out);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].id, 4321u);
  EXPECT_EQ(f[0].doc.root.name, "SystemStatusResponse");
  // The box's own every 30 s; answered, the link stays.
  EXPECT_EQ(s.next_tick(), now + millis{30000});
  now += millis{30000};
  out = s.on_tick(now);
  f = frames(out);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].doc.root.name, "SystemStatus");
  out = s.on_bytes(framed(f[0].id, "<SystemStatusResponse" + ns + "/>"), now);
  now += millis{30000};
  f = frames(s.on_tick(now));
  ASSERT_EQ(f.size(), 1u);
  // Not answered: the link closes after the response timeout.
  now += millis{5000};
  out = s.on_tick(now);
  EXPECT_TRUE(out.close);
  EXPECT_TRUE(out.phase_changed);
  ASSERT_FALSE(out.notices.empty());
  EXPECT_NE(out.notices[0].find("stopped answering"), std::string::npos);
  EXPECT_EQ(s.phase(), csta::link_phase::down);
  EXPECT_EQ(s.reconnect_delay(), millis{2000});
  s.connect_failed();
  EXPECT_EQ(s.reconnect_delay(), millis{4000});
  // Back: the monitors again, the delay back to 1 s.
  out = s.connected(now);
  EXPECT_EQ(frames(out).at(0).doc.root.name, "MonitorStart");
  EXPECT_EQ(s.reconnect_delay(), millis{1000});
}

TEST_F(link, the_owners_services_are_answered) {
  csta::link_session::output out;
  EXPECT_FALSE(s.invoke(out, csta::make_call("3001", "3002"), 5, now));
  bring_up();
  ASSERT_TRUE(s.invoke(out, csta::make_call("3001", "3002"), 5, now));
  ASSERT_TRUE(s.invoke(out, csta::set_display("3001", "Hi"), 6, now));
  ASSERT_TRUE(s.invoke(out, csta::hold_call({"C1", "3001"}), 7, now));
  auto f = frames(out);
  ASSERT_EQ(f.size(), 3u);
  auto r = s.on_bytes(
      framed(f[0].id, "<MakeCallResponse" + ns +
                          "><callingDevice><callID>C5</callID><deviceID>3001"
                          "</deviceID></callingDevice></MakeCallResponse>") +
          framed(f[1].id, "<CSTAErrorCode" + ns +
                              "><operation>invalidDeviceID</operation>"
                              "</CSTAErrorCode>"),
      now);
  ASSERT_EQ(r.answers.size(), 2u);
  EXPECT_EQ(r.answers[0].token, 5u);
  EXPECT_EQ(r.answers[0].r.calling.call, "C5");
  EXPECT_EQ(r.answers[1].token, 6u);
  ASSERT_TRUE(r.answers[1].r.error);
  EXPECT_EQ(r.answers[1].r.error->second, "invalidDeviceID");
  // Never answered: a timeout for the owner, the link stays up.
  now += millis{5000};
  r = s.on_tick(now);
  ASSERT_EQ(r.answers.size(), 1u);
  EXPECT_EQ(r.answers[0].token, 7u);
  EXPECT_EQ(r.answers[0].r.error->second, "timeout");
  EXPECT_FALSE(r.close);
  // In flight when the link drops: answered "down".
  out = {};
  s.invoke(out, csta::retrieve_call({"C1", "3001"}), 8, now);
  r = s.disconnected();
  ASSERT_EQ(r.answers.size(), 1u);
  EXPECT_EQ(r.answers[0].r.error->second, "down");
}

TEST_F(link, application_session_handshake_and_its_timer) {
  auto c = config();
  c.start = csta::handshake::application_session;
  c.ed = csta::edition::ed6;
  csta::link_session a{c}; // no devices yet: nothing else pending
  auto f = frames(a.connected(now));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].doc.root.name, "StartApplicationSession");
  EXPECT_EQ(f[0].doc.ed, csta::edition::ed6);
  EXPECT_EQ(a.phase(), csta::link_phase::starting);
  auto out = a.on_bytes(
      framed(f[0].id,
             "<StartApplicationSessionPosResponse><sessionID>S9</sessionID>"
             "<actualProtocolVersion>http://www.ecma-international.org/"
             "standards/ecma-323/csta/ed6</actualProtocolVersion>"
             "<actualSessionDuration>60</actualSessionDuration>"
             "</StartApplicationSessionPosResponse>"),
      now);
  EXPECT_EQ(a.phase(), csta::link_phase::up);
  EXPECT_TRUE(out.phase_changed);
  now += millis{30000};
  bool reset = false;
  for (auto& x : frames(a.on_tick(now)))
    if (x.doc.root.name == "ResetApplicationSessionTimer") {
      reset = true;
      EXPECT_EQ(x.doc.root.text_at("sessionID"), "S9");
    }
  EXPECT_TRUE(reset);
  // Refused: closed, said why.
  csta::link_session b{c};
  f = frames(b.connected(now));
  out = b.on_bytes(framed(f[0].id, "<StartApplicationSessionNegResponse>"
                                   "<errorCode><definedError>"
                                   "invalidApplicationInfo</definedError>"
                                   "</errorCode>"
                                   "</StartApplicationSessionNegResponse>"),
                   now);
  EXPECT_TRUE(out.close);
  EXPECT_NE(out.notices.at(0).find("refused"), std::string::npos);
}

TEST_F(link, broken_frames_and_unreadable_documents) {
  bring_up();
  // Unreadable XML in a good frame: said, the link stays.
  auto out = s.on_bytes(framed(9999, "<DeliveredEvent><oops></Deliv"), now);
  EXPECT_FALSE(out.close);
  ASSERT_EQ(out.notices.size(), 1u);
  // A frame header that cannot be one: closed.
  out = s.on_bytes(std::string("\x01\x02\x03\x04xxxx<a/>"), now);
  EXPECT_TRUE(out.close);
  EXPECT_NE(out.notices.at(0).find("broken frame"), std::string::npos);
  EXPECT_EQ(s.phase(), csta::link_phase::down);
  // A refused monitor is said, the others go on.
  s.add_device("3009", now);
  out = s.connected(now);
  auto f = frames(out);
  ASSERT_EQ(f.size(), 2u);
  out = s.on_bytes(framed(f[1].id, "<CSTAErrorCode" + ns +
                                       "><operation>invalidDeviceID"
                                       "</operation></CSTAErrorCode>"),
                   now);
  EXPECT_FALSE(out.close);
  ASSERT_EQ(out.notices.size(), 1u);
  EXPECT_NE(out.notices[0].find("refused to monitor"), std::string::npos);
}
