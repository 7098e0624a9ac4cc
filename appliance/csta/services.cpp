#include "appliance/csta/services.hpp"

#include <charconv>

namespace ivm::csta {

namespace {

element root(std::string name) {
  return element{std::move(name), {}, {}, {}};
}

void add_connection(element& parent, const std::string& name,
                    const connection_id& c) {
  auto& e = parent.add(name);
  e.add("callID", c.call);
  e.add("deviceID", c.device);
}

element on_connection(std::string service, std::string field,
                      const connection_id& c) {
  auto r = root(std::move(service));
  add_connection(r, field, c);
  return r;
}

} // namespace

element start_application_session(const std::string& application, edition ed,
                                  int duration_s) {
  auto r = root("StartApplicationSession");
  r.add("applicationInfo").add("applicationID", application);
  r.add("requestedProtocolVersions")
      .add("protocolVersion", std::string{namespace_of(ed)});
  r.add("requestedSessionDuration", std::to_string(duration_s));
  return r;
}

element system_register() {
  auto r = root("SystemRegister");
  auto& t = r.add("requestTypes");
  t.add("systemStatus", "true");
  t.add("requestSystemStatus", "true");
  return r;
}

element system_status() {
  auto r = root("SystemStatus");
  r.add("systemStatus", "normal");
  return r;
}

element system_status_response() {
  return root("SystemStatusResponse");
}

element monitor_start(const std::string& device) {
  auto r = root("MonitorStart");
  r.add("monitorObject").add("deviceObject", device);
  return r;
}

element monitor_stop(const std::string& monitor) {
  auto r = root("MonitorStop");
  r.add("monitorCrossRefID", monitor);
  return r;
}

element snapshot_device(const std::string& device) {
  auto r = root("SnapshotDevice");
  r.add("snapshotObject", device);
  return r;
}

element make_call(const std::string& from, const std::string& to) {
  auto r = root("MakeCall");
  r.add("callingDevice", from);
  r.add("calledDirectoryNumber", to);
  return r;
}

element answer_call(const connection_id& c) {
  return on_connection("AnswerCall", "callToBeAnswered", c);
}

element clear_connection(const connection_id& c) {
  return on_connection("ClearConnection", "connectionToBeCleared", c);
}

element hold_call(const connection_id& c) {
  return on_connection("HoldCall", "callToBeHeld", c);
}

element retrieve_call(const connection_id& c) {
  return on_connection("RetrieveCall", "callToBeRetrieved", c);
}

element deflect_call(const connection_id& c, const std::string& to) {
  auto r = on_connection("DeflectCall", "callToBeDiverted", c);
  r.add("newDestination", to);
  return r;
}

element single_step_transfer(const connection_id& c, const std::string& to) {
  auto r = on_connection("SingleStepTransferCall", "activeCall", c);
  r.add("transferredTo", to);
  return r;
}

element set_forwarding(const std::string& device, const std::string& type,
                       bool on, const std::string& to) {
  auto r = root("SetForwarding");
  r.add("device", device);
  r.add("forwardingType", type);
  r.add("activateForward", on ? "true" : "false");
  if (on && !to.empty())
    r.add("forwardDN", to);
  return r;
}

element set_do_not_disturb(const std::string& device, bool on) {
  auto r = root("SetDoNotDisturb");
  r.add("device", device);
  r.add("doNotDisturbOn", on ? "true" : "false");
  return r;
}

element set_display(const std::string& device, const std::string& text) {
  auto r = root("SetDisplay");
  r.add("device", device);
  r.add("contentsOfDisplay", text);
  return r;
}

element set_message_waiting(const std::string& device, bool on) {
  auto r = root("SetMessageWaitingIndicator");
  r.add("device", device);
  r.add("messageWaitingOn", on ? "true" : "false");
  return r;
}

bool is_response(const element& r) {
  std::string_view n = r.name;
  auto ends = [&](std::string_view s) {
    return n.size() >= s.size() && n.substr(n.size() - s.size()) == s;
  };
  return n == "CSTAErrorCode" || ends("Response");
}

response decode_response(const element& r) {
  response out;
  out.name = r.name;
  if (r.name == "CSTAErrorCode" ||
      r.name == "StartApplicationSessionNegResponse") {
    // <CSTAErrorCode><operation>invalidDeviceID</operation></CSTAErrorCode>
    if (!r.children.empty())
      out.error = {r.children[0].name, r.children[0].children.empty()
                                           ? r.children[0].text
                                           : r.children[0].children[0].name};
    else
      out.error = {"unspecified", r.text};
    return out;
  }
  out.monitor = r.text_at("monitorCrossRefID");
  if (auto* c = r.child("callingDevice")) {
    out.calling.call = c->text_at("callID");
    out.calling.device = c->text_at("deviceID");
  }
  out.session = r.text_at("sessionID");
  out.protocol = r.text_at("actualProtocolVersion");
  auto d = r.text_at("actualSessionDuration");
  std::from_chars(d.data(), d.data() + d.size(), out.session_duration_s);
  out.register_id = r.text_at("sysStatRegisterID");
  if (auto* data = r.at("crossRefIDorSnapshotData/snapshotData"))
    for (auto& item : data->children) {
      connection_id c{item.text_at("connectionIdentifier/callID"),
                      item.text_at("connectionIdentifier/deviceID")};
      std::string state;
      if (auto* s = item.at("localCallState/compoundCallState"))
        state = s->children.empty() ? s->text : s->children[0].text;
      if (state.empty())
        state = item.text_at("localCallState/simpleCallState");
      if (state.empty())
        state = item.text_at("localCallState");
      out.snapshot.emplace_back(std::move(c), std::move(state));
    }
  return out;
}

} // namespace ivm::csta
