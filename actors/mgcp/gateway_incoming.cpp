// Calls to a legacy phone's user (issue 15): the router offers the INVITE to
// the station as one branch of its fork, next to the user's SIP devices.
// The line rings (L/rg) and the branch answers 180; off-hook makes the
// connection (CRCX with the caller's SDP) and the branch answers 200 with
// the gateway's SDP, so that the media flows between the caller and the
// gateway. The dialog is then the box's own: the caller's ACK and BYE come
// here; on-hook sends BYE.

#include <algorithm>
#include <cctype>
#include <ctime>

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/mgcp/gateway_state.hpp"
#include "actors/voice/session_actor.hpp"
#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/response.hpp"

namespace ivm::actors::gw {

namespace {

std::string contact_of(const client_config& cfg, const sip_task& t) {
  auto kind = t.in.flow.kind;
  const auto& self_ep = kind == sip_transport_kind::udp   ? cfg.udp_self
                        : kind == sip_transport_kind::tcp ? cfg.tcp_self
                                                          : cfg.tls_self;
  std::string param = kind == sip_transport_kind::tcp   ? ";transport=tcp"
                      : kind == sip_transport_kind::tls ? ";transport=tls"
                                                        : "";
  return "<sip:line@" + net::to_string(self_ep) + param + ">";
}

sip::message reply(pointer self, const incoming_call& c, int code,
                   std::string_view reason) {
  const auto& cfg = *self->state.s.clients;
  auto r = sip::make_response(c.invite.in.msg, code, reason, c.tag);
  if (code > 100 && code < 300) {
    r.add("Contact", contact_of(cfg, c.invite));
    r.add("Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS");
  }
  r.add("Server", cfg.server);
  return r;
}

void to_branch(pointer self, const incoming_call& c, sip::message resp) {
  self->send(c.invite.router, atoms::proxy_atom::value, c.branch,
             std::move(resp));
}

void fail(pointer self, const incoming_call& c, int code,
          std::string_view reason) {
  to_branch(self, c, reply(self, c, code, reason));
}

void forget_dialog(pointer self, const incoming_call& c) {
  self->send(c.invite.router, atoms::dialog_atom::value,
             std::string{c.invite.in.msg.value_of("Call-ID")}, caf::actor{});
}

bool busy(pointer self, const std::string& line, const station_state& sta) {
  const auto* ls = self->state.session->line(line);
  return !ls || sta.off_hook || sta.service || !sta.call_id.empty() ||
         sta.call || sta.incoming || !sta.ring_code.empty() ||
         (ls->phase != mgcp::line_phase::idle &&
          ls->phase != mgcp::line_phase::unknown);
}

std::string caller_of(const sip::message& invite) {
  auto from = invite.value_of("From");
  auto at = from.find("sip:");
  if (at == std::string_view::npos)
    return std::string{from};
  auto end = from.find_first_of("@;>", at + 4);
  return std::string{from.substr(at + 4, end == std::string_view::npos
                                             ? std::string_view::npos
                                             : end - at - 4)};
}

// The caller for the analog display (RFC 3660 L/ci: month/day/hour/minute,
// number, name): the From's user part and display name, the box's local
// time. Quotes and commas are kept out of the name.
std::string caller_id_of(const sip::message& invite) {
  auto number = caller_of(invite);
  auto from = std::string{invite.value_of("From")};
  std::string name;
  auto lt = from.find('<');
  if (lt != std::string::npos) {
    name = from.substr(0, lt);
    name.erase(std::remove_if(name.begin(), name.end(),
                              [](char ch) {
                                return ch == '"' || ch == ',' || ch == '\\' ||
                                       static_cast<unsigned char>(ch) < 0x20;
                              }),
               name.end());
    while (!name.empty() && name.back() == ' ')
      name.pop_back();
    while (!name.empty() && name.front() == ' ')
      name.erase(0, 1);
  }
  number.erase(std::remove_if(number.begin(), number.end(),
                              [](char ch) {
                                return !std::isalnum(
                                           static_cast<unsigned char>(ch)) &&
                                       ch != '+' && ch != '*' && ch != '#';
                              }),
               number.end());
  if (number.size() > 20)
    number.resize(20);
  if (name.size() > 15)
    name.resize(15);
  auto t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char when[16];
  std::strftime(when, sizeof when, "%m/%d/%H/%M", &tm);
  return std::string{when} + "," + number + ",\"" + name + "\"";
}

} // namespace

void on_offer(pointer self, const std::string& branch, const std::string& line,
              sip_task& invite) {
  auto& st = self->state;
  incoming_call c;
  c.branch = branch;
  c.invite = std::move(invite);
  c.tag = sip::core::random_tag();
  auto it = st.stations.find(line);
  if (it == st.stations.end() || !st.s.clients) {
    fail(self, c, 480, "Temporarily Unavailable");
    return;
  }
  auto& sta = it->second;
  if (st.session->phase() != mgcp::gateway_phase::up) {
    st.log->info("call from {} to {} ({} {}): the gateway is not up",
                 caller_of(c.invite.in.msg), sta.ext, st.s.record.name, line);
    fail(self, c, 480, "Temporarily Unavailable");
    return;
  }
  if (busy(self, line, sta)) {
    st.log->info("call from {} to {} ({} {}): the line is in use",
                 caller_of(c.invite.in.msg), sta.ext, st.s.record.name, line);
    fail(self, c, 486, "Busy Here");
    return;
  }
  st.log->info("call from {} to {}: ringing {} {}", caller_of(c.invite.in.msg),
               sta.ext, st.s.record.name, line);
  to_branch(self, c, reply(self, c, 180, "Ringing"));
  auto ci = caller_id_of(c.invite.in.msg);
  sta.incoming = std::move(c);
  // A line in use answers the ring with "unanswered": the branch fails.
  apply(self, st.session->on_line(line, mgcp::line_events::ring{std::move(ci)},
                                  now_ms()));
}

void on_offer_cancel(pointer self, const std::string& branch) {
  auto& st = self->state;
  for (auto& [line, sta] : st.stations) {
    if (!sta.incoming || sta.incoming->branch != branch)
      continue;
    auto c = std::move(*sta.incoming);
    sta.incoming.reset();
    output out;
    if (sta.off_hook || c.answered) {
      // Answered here too late (the call went elsewhere): reorder.
      st.log->info("call to {} ({} {}): taken elsewhere", sta.ext,
                   st.s.record.name, line);
      release(self, line, sta, out);
    } else {
      st.log->info("call to {} ({} {}): cancelled", sta.ext, st.s.record.name,
                   line);
      out = st.session->on_line(line, mgcp::line_events::stop_ringing{},
                                now_ms());
    }
    if (!c.answered)
      fail(self, c, 487, "Request Terminated");
    apply(self, std::move(out));
    return;
  }
}

void incoming_answered(pointer self, const std::string& line,
                       station_state& sta, output& out) {
  auto& st = self->state;
  st.log->info("call to {} ({} {}): answered", sta.ext, st.s.record.name, line);
  const auto& invite = sta.incoming->invite.in.msg;
  std::string offer;
  if (invite.value_of("Content-Type").find("application/sdp") !=
      std::string_view::npos)
    offer = invite.body;
  if (offer.empty()) {
    // No offer in the INVITE: this box offers none either (the gateway
    // would need the answer from the ACK); the call is refused.
    auto c = std::move(*sta.incoming);
    sta.incoming.reset();
    fail(self, c, 488, "Not Acceptable Here");
    release(self, line, sta, out);
    return;
  }
  if (!open_connection(self, line, sta, out, offer))
    release(self, line, sta, out);
}

void incoming_connected(pointer self, const std::string& line,
                        station_state& sta, const std::string& gateway_sdp) {
  auto& st = self->state;
  auto& c = *sta.incoming;
  c.ok = reply(self, c, 200, "OK");
  c.ok.add("Content-Type", "application/sdp");
  c.ok.body = gateway_sdp;
  c.answered = true;
  to_branch(self, c, c.ok);
  self->delayed_send(self, c.resend, atoms::sipresp_atom::value, line,
                     sta.generation);
  st.log->info("call to {} ({} {}): connected", sta.ext, st.s.record.name,
               line);
}

void resend_ok(pointer self, const std::string& line, std::uint64_t gen) {
  auto& st = self->state;
  auto it = st.stations.find(line);
  if (it == st.stations.end() || it->second.generation != gen ||
      !it->second.incoming || it->second.incoming->acked)
    return;
  auto& sta = it->second;
  auto& c = *sta.incoming;
  c.resent += c.resend;
  if (c.resent >= std::chrono::seconds{32}) {
    // Never acknowledged (RFC 3261 §13.3.1.4): the call ends.
    st.log->info("call to {}: the caller never confirmed", sta.ext);
    output out;
    release(self, line, sta, out);
    apply(self, std::move(out));
    return;
  }
  self->send(c.invite.router, atoms::sipresp_atom::value, c.invite.key, c.ok);
  c.resend = std::min(c.resend * 2, std::chrono::milliseconds{4000});
  self->delayed_send(self, c.resend, atoms::sipresp_atom::value, line, gen);
}

void incoming_unanswered(pointer self, station_state& sta) {
  if (!sta.incoming || sta.incoming->answered)
    return;
  auto c = std::move(*sta.incoming);
  sta.incoming.reset();
  self->state.log->info("call to {}: not answered", sta.ext);
  fail(self, c, 480, "Temporarily Unavailable");
}

void end_incoming(pointer self, station_state& sta) {
  if (!sta.incoming)
    return;
  auto c = std::move(*sta.incoming);
  sta.incoming.reset();
  auto& st = self->state;
  if (!c.answered) {
    fail(self, c, 480, "Temporarily Unavailable");
    return;
  }
  st.log->info("call to {}: hung up", sta.ext);
  if (auto bye = bye_to_caller(*st.s.clients, c.invite, c.tag,
                               caf::actor_cast<caf::actor>(self)))
    self->send(c.invite.router, atoms::sipsend_atom::value, std::move(*bye));
  forget_dialog(self, c);
}

bool on_incoming_request(pointer self, const sip_task& t) {
  auto& st = self->state;
  auto call_id = t.in.msg.value_of("Call-ID");
  for (auto& [line, sta] : st.stations) {
    if (!sta.incoming || !sta.incoming->answered ||
        sta.incoming->invite.in.msg.value_of("Call-ID") != call_id)
      continue;
    const auto& m = t.in.msg.method;
    if (m == "ACK") {
      sta.incoming->acked = true;
      return true;
    }
    bool bye = m == "BYE";
    int code = m == "INVITE" ? 488 : 200;
    self->send(t.router, atoms::sipresp_atom::value, t.key,
               make_answer(t, code, code == 200 ? "OK" : "Not Acceptable Here",
                           {}, st.s.clients->server));
    if (bye) {
      auto c = std::move(*sta.incoming);
      sta.incoming.reset();
      forget_dialog(self, c);
      st.log->info("call to {}: the caller hung up", sta.ext);
      output out;
      release(self, line, sta, out);
      apply(self, std::move(out));
    }
    return true;
  }
  return false;
}

} // namespace ivm::actors::gw
