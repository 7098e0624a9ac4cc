// Call control of a user's desk phone on a PBX by text message to the
// box's service address (issue 17, seed 001): "call 3002", "answer",
// "hangup", "hold", "retrieve", "transfer 3002", "deflect 3002",
// "forward 3002" / "forward off", "dnd on" / "dnd off". The call agent
// hands them to the PBX link of the sender's station; its answer comes back
// as a message from the box.

#include <caf/send.hpp>

#include <nlohmann/json.hpp>

#include "actors/directory/directory_state.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/sip/header_values.hpp"

namespace ivm::actors::dir {

namespace {

// The commands (and /api/v1/calls actions); the PBX link actor checks
// their arguments.
constexpr const char* verbs[] = {"call",    "answer",   "hangup",
                                 "hold",    "retrieve", "transfer",
                                 "deflect", "forward",  "dnd"};

bool is_verb(const std::string& word) {
  for (auto* v : verbs)
    if (sip::iequals(word, v))
      return true;
  return false;
}

} // namespace

std::string first_word(const std::string& text, std::size_t& end) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    end = std::string::npos;
    return {};
  }
  end = text.find_first_of(" \t\r\n", first);
  return text.substr(first, end == std::string::npos ? end : end - first);
}

bool on_call_command(pointer self, sip_task& t,
                     const directory::account& sender,
                     const std::string& text) {
  std::size_t end = 0;
  auto verb = first_word(text, end);
  if (verb.empty() || !is_verb(verb))
    return false;
  auto first = text.find_first_not_of(" \t\r\n");
  auto& st = self->state;
  answer(self, t, 200, "OK");
  auto ext = sender.extension;
  auto tell = teller(self, ext);
  if (!st.cfg.legacy) {
    tell("No desk phone on a PBX is assigned to you.");
    return true;
  }
  http_exchange ex;
  ex.respond = [tell](net::http_response r) {
    tell(r.status == 404 ? "No desk phone on a PBX is assigned to you."
                         : r.body);
  };
  caf::anon_send(st.cfg.legacy, atoms::command_atom::value, ext,
                 "csta " + text.substr(first), std::move(ex));
  return true;
}

void on_calls_api(pointer self, http_exchange ex, const std::string& user) {
  auto& st = self->state;
  auto json_reply = [](net::http_responder& r, int status,
                       const nlohmann::json& j) {
    r(net::http_response{status, "application/json", j.dump(), {}});
  };
  if (ex.request.method != "POST") {
    ex.respond(net::http_response{
        405,
        "application/json",
        nlohmann::json{{"error", "method not allowed"}}.dump(),
        {{"Allow", "POST"}}});
    return;
  }
  auto body = nlohmann::json::parse(ex.request.body, nullptr, false);
  std::string action =
      body.is_object() && body.contains("action") && body["action"].is_string()
          ? body["action"].get<std::string>()
          : std::string{};
  if (!is_verb(action)) {
    json_reply(ex.respond, 400,
               {{"error", "action: call, answer, hangup, hold, retrieve, "
                          "transfer, deflect, forward or dnd"},
                {"field", "action"}});
    return;
  }
  std::string arg;
  if (body.contains("to")) {
    if (!body["to"].is_string()) {
      json_reply(ex.respond, 400, {{"error", "to: a number"}, {"field", "to"}});
      return;
    }
    arg = body["to"].get<std::string>();
  } else if (body.contains("on")) {
    if (!body["on"].is_boolean()) {
      json_reply(ex.respond, 400,
                 {{"error", "on: true or false"}, {"field", "on"}});
      return;
    }
    arg = body["on"].get<bool>() ? "on" : "off";
  }
  if (!st.cfg.legacy) {
    json_reply(ex.respond, 404,
               {{"error", "no desk phone on a PBX is assigned to you"}});
    return;
  }
  auto outer = std::move(ex.respond);
  http_exchange inner;
  inner.respond = [outer](net::http_response r) mutable {
    nlohmann::json j;
    if (r.status == 200)
      j["result"] = r.body;
    else
      j["error"] = r.status == 404 ? "no desk phone on a PBX is assigned to you"
                                   : r.body;
    outer(net::http_response{r.status, "application/json", j.dump(), {}});
  };
  caf::anon_send(st.cfg.legacy, atoms::command_atom::value, user,
                 "csta " + action + (arg.empty() ? "" : " " + arg),
                 std::move(inner));
}

} // namespace ivm::actors::dir
