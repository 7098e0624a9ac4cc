#include "appliance/csta/events.hpp"

#include <array>

namespace ivm::csta {

namespace {

struct shape {
  std::string_view name;
  event_kind kind;
  std::string_view connection; ///< element holding the ConnectionID
  std::string_view subject;    ///< element holding the subject device
};

constexpr std::array<shape, 19> shapes{{
    {"ServiceInitiatedEvent", event_kind::service_initiated,
     "initiatedConnection", "initiatingDevice"},
    {"OriginatedEvent", event_kind::originated, "originatedConnection",
     "callingDevice"},
    {"DeliveredEvent", event_kind::delivered, "connection", "alertingDevice"},
    {"EstablishedEvent", event_kind::established, "establishedConnection",
     "answeringDevice"},
    {"ConnectionClearedEvent", event_kind::connection_cleared,
     "droppedConnection", "releasingDevice"},
    {"HeldEvent", event_kind::held, "heldConnection", "holdingDevice"},
    {"RetrievedEvent", event_kind::retrieved, "retrievedConnection",
     "retrievingDevice"},
    {"DivertedEvent", event_kind::diverted, "connection", "divertingDevice"},
    {"TransferedEvent", event_kind::transferred, "", "transferringDevice"},
    {"ConferencedEvent", event_kind::conferenced, "", "conferencingDevice"},
    {"FailedEvent", event_kind::failed, "failedConnection", "failingDevice"},
    {"CallInformationEvent", event_kind::call_information, "connection",
     "device"},
    {"DoNotDisturbEvent", event_kind::do_not_disturb, "", "device"},
    {"ForwardingEvent", event_kind::forwarding, "", "device"},
    {"HookswitchEvent", event_kind::hookswitch, "", "device"},
    {"ButtonPressEvent", event_kind::button_press, "", "device"},
    {"ButtonInformationEvent", event_kind::button_information, "", "device"},
    {"DisplayUpdatedEvent", event_kind::display_updated, "", "device"},
    {"MessageWaitingEvent", event_kind::message_waiting, "", "targetDevice"},
}};

// A device element: <x><deviceIdentifier>id</deviceIdentifier></x>, or the
// id as its text; <notKnown/>, <notRequired/> and the like give "".
std::string device(const element* e) {
  if (!e)
    return {};
  if (auto* id = e->child("deviceIdentifier"))
    return id->text;
  if (auto* id = e->child("deviceID"))
    return id->text;
  return e->children.empty() ? e->text : std::string{};
}

connection_id connection(const element* e) {
  if (!e)
    return {};
  return {e->text_at("callID"), e->text_at("deviceID")};
}

std::optional<bool> flag(const element& root, std::string_view name) {
  auto* e = root.child(name);
  if (!e)
    return std::nullopt;
  if (e->text == "true" || e->text == "1")
    return true;
  if (e->text == "false" || e->text == "0")
    return false;
  return std::nullopt;
}

} // namespace

bool is_event(const element& root) {
  std::string_view n = root.name;
  return n.size() > 5 && n.substr(n.size() - 5) == "Event";
}

std::optional<event> decode_event(const element& root) {
  const shape* s = nullptr;
  for (auto& c : shapes)
    if (c.name == root.name)
      s = &c;
  if (!s)
    return std::nullopt;
  event e;
  e.kind = s->kind;
  e.monitor = root.text_at("monitorCrossRefID");
  if (!s->connection.empty())
    e.connection = connection(root.child(s->connection));
  e.subject = device(root.child(s->subject));
  e.calling = device(root.child("callingDevice"));
  e.called = device(root.child("calledDevice"));
  e.local_state = root.text_at("localConnectionInfo");
  e.cause = root.text_at("cause");
  switch (e.kind) {
    case event_kind::diverted:
      e.new_destination = device(root.child("newDestination"));
      break;
    case event_kind::transferred:
    case event_kind::conferenced: {
      e.primary_old_call = root.text_at("primaryOldCall/callID");
      e.secondary_old_call = root.text_at("secondaryOldCall/callID");
      e.new_destination = device(root.child("transferredToDevice"));
      if (e.new_destination.empty())
        e.new_destination = device(root.child("addedParty"));
      auto* list = root.child("transferredConnections");
      if (!list)
        list = root.child("conferenceConnections");
      if (list)
        for (auto& item : list->children)
          if (auto* nc = item.child("newConnection"))
            e.new_connections.push_back(connection(nc));
      break;
    }
    case event_kind::do_not_disturb:
      e.on = flag(root, "doNotDisturbOn");
      break;
    case event_kind::forwarding:
      e.on = flag(root, "forwardStatus");
      e.forwarding_type = root.text_at("forwardingType");
      e.forward_to = device(root.child("forwardTo"));
      if (e.forward_to.empty())
        e.forward_to = root.text_at("forwardTo");
      break;
    case event_kind::hookswitch:
      e.on = flag(root, "hookswitchOnHook");
      break;
    case event_kind::button_press:
    case event_kind::button_information:
      e.button = root.text_at("button");
      break;
    case event_kind::display_updated:
      e.display = root.text_at("contentsOfDisplay");
      break;
    case event_kind::message_waiting:
      e.on = flag(root, "messageWaitingOn");
      break;
    default:
      break;
  }
  return e;
}

std::string dial_number(std::string_view id) {
  if (id.size() >= 2 && id[0] == 'N' && id[1] == '<') {
    auto end = id.find('>');
    if (end != id.npos)
      return std::string{id.substr(2, end - 2)};
  }
  auto semi = id.find(';');
  return std::string{id.substr(0, semi)};
}

} // namespace ivm::csta
