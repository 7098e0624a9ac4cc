// appliance/csta events and services: the captured events decode with
// their connection, devices and states; the services the box sends carry
// what ECMA-323 names; responses and CSTAErrorCode read back.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "appliance/csta/events.hpp"
#include "appliance/csta/services.hpp"

namespace csta = ivm::csta;
namespace fs = std::filesystem;

namespace {

const fs::path vectors = fs::path{IVM_SOURCE_DIR} / "tests/vectors/csta";

csta::element load(const std::string& file) {
  std::ifstream f(vectors / file, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  auto d = csta::parse(s.str());
  EXPECT_TRUE(d) << file;
  return d ? d->root : csta::element{};
}

csta::element doc(const std::string& xml) {
  auto d = csta::parse(xml);
  EXPECT_TRUE(d) << xml;
  return d ? d->root : csta::element{};
}

} // namespace

TEST(csta_events, captured_delivered_event) {
  auto e = csta::decode_event(load("pyssimist-captured/14-DeliveredEvent.xml"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, csta::event_kind::delivered);
  EXPECT_EQ(e->monitor, "1173673890");
  EXPECT_EQ(e->connection.call, "FF00010000000000EC6114647E570000");
  EXPECT_EQ(e->connection.device, "3021061290002");
  EXPECT_EQ(csta::dial_number(e->subject), "3021061290002");
  EXPECT_EQ(csta::dial_number(e->calling), "7868772298");
  EXPECT_EQ(e->local_state, "alerting");
  EXPECT_EQ(e->cause, "enteringDistribution");
}

TEST(csta_events, every_captured_event_decodes) {
  for (auto f : {"pyssimist-captured/01-ServiceInitiatedEvent.xml",
                 "pyssimist-captured/02-OriginatedEvent.xml",
                 "pyssimist-captured/13-CallInformationEvent.xml",
                 "pyssimist-CstaPool/ServiceInitiatedEvent.xml",
                 "pyssimist-CstaPool/OriginatedEvent.xml",
                 "pyssimist-CstaPool/DeliveredEvent.xml",
                 "pyssimist-CstaPool/EstablishedEvent.xml",
                 "pyssimist-CstaPool/ConnectionClearedEvent.xml"}) {
    auto root = load(f);
    EXPECT_TRUE(csta::is_event(root)) << f;
    auto e = csta::decode_event(root);
    ASSERT_TRUE(e) << f;
    EXPECT_FALSE(e->monitor.empty()) << f;
  }
  auto e = csta::decode_event(
      load("pyssimist-captured/01-ServiceInitiatedEvent.xml"));
  EXPECT_EQ(e->kind, csta::event_kind::service_initiated);
  EXPECT_FALSE(e->connection.call.empty());
  EXPECT_EQ(e->local_state, "initiated");
  // An event nobody knows is ignored, not an error.
  EXPECT_FALSE(csta::decode_event(doc("<ParkedEvent/>")));
  EXPECT_FALSE(csta::decode_event(load("pyssimist-CstaPool/MakeCall.xml")));
}

TEST(csta_events, physical_and_logical_device_events) {
  auto dnd = csta::decode_event(
      doc("<DoNotDisturbEvent><monitorCrossRefID>7</monitorCrossRefID>"
          "<device><deviceIdentifier>3001</deviceIdentifier></device>"
          "<doNotDisturbOn>true</doNotDisturbOn></DoNotDisturbEvent>"));
  ASSERT_TRUE(dnd);
  EXPECT_EQ(dnd->subject, "3001");
  EXPECT_EQ(dnd->on, true);
  auto fwd = csta::decode_event(
      doc("<ForwardingEvent><device>3001</device><forwardingType>"
          "forwardImmediate</forwardingType><forwardStatus>true"
          "</forwardStatus><forwardTo>3002</forwardTo></ForwardingEvent>"));
  ASSERT_TRUE(fwd);
  EXPECT_EQ(fwd->forward_to, "3002");
  EXPECT_EQ(fwd->forwarding_type, "forwardImmediate");
  auto hook = csta::decode_event(
      doc("<HookswitchEvent><device>3001</device><hookswitch>0</hookswitch>"
          "<hookswitchOnHook>false</hookswitchOnHook></HookswitchEvent>"));
  EXPECT_EQ(hook->on, false);
  auto key = csta::decode_event(
      doc("<ButtonPressEvent><device>3001</device><button>12</button>"
          "</ButtonPressEvent>"));
  EXPECT_EQ(key->button, "12");
  auto disp = csta::decode_event(
      doc("<DisplayUpdatedEvent><device>3001</device><contentsOfDisplay>"
          "Hello</contentsOfDisplay></DisplayUpdatedEvent>"));
  EXPECT_EQ(disp->display, "Hello");
  auto mwi = csta::decode_event(
      doc("<MessageWaitingEvent><targetDevice>3001</targetDevice>"
          "<messageWaitingOn>true</messageWaitingOn></MessageWaitingEvent>"));
  EXPECT_EQ(mwi->subject, "3001");
  EXPECT_EQ(mwi->on, true);
  EXPECT_EQ(csta::dial_number("3001;displayNumber=3001"), "3001");
  EXPECT_EQ(csta::dial_number("N<+4930123>;noa=nk"), "+4930123");
  EXPECT_EQ(csta::dial_number("N<unterminated"), "N<unterminated");
}

TEST(csta_services, requests_carry_what_ecma_323_names) {
  auto xml = csta::write(csta::monitor_start("3001"), csta::edition::ed4);
  auto d = csta::parse(xml);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->ed, csta::edition::ed4);
  EXPECT_EQ(d->root.text_at("monitorObject/deviceObject"), "3001");
  csta::connection_id c{"FF01", "3001"};
  EXPECT_EQ(csta::answer_call(c).text_at("callToBeAnswered/callID"), "FF01");
  EXPECT_EQ(csta::clear_connection(c).text_at("connectionToBeCleared/deviceID"),
            "3001");
  EXPECT_EQ(csta::hold_call(c).name, "HoldCall");
  EXPECT_EQ(csta::retrieve_call(c).text_at("callToBeRetrieved/callID"), "FF01");
  auto defl = csta::deflect_call(c, "3002");
  EXPECT_EQ(defl.text_at("callToBeDiverted/callID"), "FF01");
  EXPECT_EQ(defl.text_at("newDestination"), "3002");
  EXPECT_EQ(csta::single_step_transfer(c, "3003").text_at("transferredTo"),
            "3003");
  auto mk = csta::make_call("3001", "3002");
  EXPECT_EQ(mk.text_at("callingDevice"), "3001");
  EXPECT_EQ(mk.text_at("calledDirectoryNumber"), "3002");
  auto fwd = csta::set_forwarding("3001", "forwardImmediate", true, "3002");
  EXPECT_EQ(fwd.text_at("activateForward"), "true");
  EXPECT_EQ(fwd.text_at("forwardDN"), "3002");
  EXPECT_EQ(csta::set_do_not_disturb("3001", false).text_at("doNotDisturbOn"),
            "false");
  EXPECT_EQ(csta::set_display("3001", "Hi").text_at("contentsOfDisplay"), "Hi");
  EXPECT_EQ(csta::set_message_waiting("3001", true).text_at("messageWaitingOn"),
            "true");
  auto sas = csta::start_application_session("ivm", csta::edition::ed6, 600);
  EXPECT_EQ(sas.text_at("requestedProtocolVersions/protocolVersion"),
            csta::namespace_of(csta::edition::ed6));
  EXPECT_EQ(csta::system_status().text_at("systemStatus"), "normal");
}

TEST(csta_services, responses_read_back) {
  auto r = csta::decode_response(
      load("pyssimist-captured/04-StartApplicationSessionPosResponse.xml"));
  EXPECT_EQ(r.session, "009968951");
  EXPECT_EQ(r.session_duration_s, 600);
  EXPECT_NE(r.protocol.find("ed4"), std::string::npos);
  EXPECT_FALSE(r.error);
  auto m = load("pyssimist-captured/07-MonitorStartResponse.xml");
  EXPECT_TRUE(csta::is_response(m));
  EXPECT_FALSE(csta::decode_response(m).monitor.empty());
  auto err = csta::decode_response(
      doc("<CSTAErrorCode><operation>invalidDeviceID</operation>"
          "</CSTAErrorCode>"));
  ASSERT_TRUE(err.error);
  EXPECT_EQ(err.error->first, "operation");
  EXPECT_EQ(err.error->second, "invalidDeviceID");
  auto snap = csta::decode_response(doc(
      "<SnapshotDeviceResponse><crossRefIDorSnapshotData><snapshotData>"
      "<snapshotDeviceResponseInfo><connectionIdentifier><callID>C1</callID>"
      "<deviceID>3001</deviceID></connectionIdentifier><localCallState>"
      "<compoundCallState><localConnectionState>connected"
      "</localConnectionState></compoundCallState></localCallState>"
      "</snapshotDeviceResponseInfo></snapshotData>"
      "</crossRefIDorSnapshotData></SnapshotDeviceResponse>"));
  ASSERT_EQ(snap.snapshot.size(), 1u);
  EXPECT_EQ(snap.snapshot[0].first.call, "C1");
  EXPECT_EQ(snap.snapshot[0].second, "connected");
  EXPECT_TRUE(csta::decode_response(
                  load("pyssimist-CstaPool/SnapshotDeviceResponse.xml"))
                  .snapshot.empty());
}
