// What a gateway actor says over HTTP (issue 15): ringing a station to
// record (POST /api/v1/voice-messages/record, through the call agent) and
// its state for GET /api/v1/gateways. Part of the gateway actor
// (gateway_actor.cpp).

#include <chrono>
#include <ctime>

#include <caf/event_based_actor.hpp>

#include "actors/mgcp/gateway_state.hpp"

namespace ivm::actors::gw {

namespace {

void answer(http_exchange& ex, int code, const std::string& json_body) {
  ex.respond(net::http_response{code, "application/json", json_body, {}});
}

} // namespace

void ring_to_record(pointer self, const std::string& line,
                    const std::string& code, http_exchange& ex) {
  auto& st = self->state;
  auto it = st.stations.find(line);
  const auto* ls = st.session->line(line);
  if (it == st.stations.end() || !ls) {
    answer(ex, 404, R"({"error":"no legacy phone is assigned to you"})");
    return;
  }
  auto& sta = it->second;
  if (st.session->phase() != mgcp::gateway_phase::up) {
    answer(ex, 503, R"({"error":"the gateway of your phone is not up"})");
    return;
  }
  if (sta.off_hook || sta.service || !sta.call_id.empty() ||
      (ls->phase != mgcp::line_phase::idle &&
       ls->phase != mgcp::line_phase::unknown)) {
    answer(ex, 409, R"({"error":"your phone is in use"})");
    return;
  }
  sta.ring_code = code;
  auto out = st.session->on_line(line, mgcp::line_events::ring{}, now_ms());
  bool busy = false;
  for (auto& [l, e] : out.effects)
    busy = busy || std::holds_alternative<mgcp::line_effects::unanswered>(e);
  apply(self, std::move(out));
  if (busy) {
    answer(ex, 409, R"({"error":"your phone is in use"})");
    return;
  }
  st.log->info("ringing {} {} ({}) to record {}", st.s.record.name, line,
               sta.ext, code);
  answer(ex, 202,
         "{\"ringing\":{\"gateway\":\"" + st.s.record.name +
             "\",\"endpoint\":\"" + line + "\"}}");
}

mgcp_gateway_status status(pointer self) {
  auto& st = self->state;
  mgcp_gateway_status out;
  out.phase = std::string{mgcp::to_string(st.session->phase())};
  auto ago = now_ms() - st.session->since();
  auto now_s = static_cast<std::uint64_t>(std::time(nullptr));
  auto ago_s = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(ago).count());
  out.since_s = ago_s < now_s ? now_s - ago_s : 0;
  for (auto& [line, sta] : st.stations) {
    mgcp_line_status l;
    l.endpoint = line;
    l.extension = sta.ext;
    if (auto* ls = st.session->line(line)) {
      l.phase = std::string{mgcp::to_string(ls->phase)};
      l.off_hook = ls->off_hook;
      l.lamp = ls->lamp;
    }
    out.lines.push_back(std::move(l));
  }
  return out;
}

} // namespace ivm::actors::gw
