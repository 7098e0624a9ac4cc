// One media gateway (issue 15): drives its session, MGCP or H.248 (the
// protocol, the lines' state machines) and plays the stations on its lines:
// the hook becomes presence, dialled service codes become voice services
// with a connection (CRCX/MDCX/DLCX) between the line and the box's RTP.

#include <chrono>
#include <ctime>
#include <limits>
#include <map>
#include <random>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/mgcp/gateway_state.hpp"
#include "appliance/common/log.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/megaco/gateway.hpp"
#include "appliance/mgcp/gateway.hpp"
#include "appliance/net/udp_socket.hpp"

namespace ivm::actors::gw {

millis now_ms() {
  return std::chrono::duration_cast<millis>(
      std::chrono::steady_clock::now().time_since_epoch());
}

// Where the gateway receives RTP, from its SDP (c= and m=audio).
std::optional<net::endpoint> remote_of(const std::string& sdp) {
  std::string host;
  long port = -1;
  std::size_t pos = 0;
  while (pos < sdp.size()) {
    auto end = sdp.find('\n', pos);
    auto line = sdp.substr(pos, end == std::string::npos ? end : end - pos);
    pos = end == std::string::npos ? sdp.size() : end + 1;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.rfind("c=IN IP4 ", 0) == 0)
      host = line.substr(9, line.find(' ', 9) - 9);
    else if (line.rfind("m=audio ", 0) == 0)
      port = std::strtol(line.c_str() + 8, nullptr, 10);
  }
  if (host.empty() || port <= 0 || port > 65535)
    return std::nullopt;
  return net::endpoint{host, static_cast<std::uint16_t>(port)};
}

std::string box_sdp(const net::endpoint& local) {
  auto id = std::to_string(std::time(nullptr));
  return "v=0\r\no=ivm " + id + " 1 IN IP4 " + local.host +
         "\r\ns=-\r\nc=IN IP4 " + local.host + "\r\nt=0 0\r\nm=audio " +
         std::to_string(local.port) +
         " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n";
}

// The hook as presence: off-hook is "on the phone" (RFC 4235 confirmed) to
// the user's watchers and busy lamps, on-hook ends it.
void publish_hook(pointer self, const std::string& line,
                  const station_state& sta, bool off) {
  auto& st = self->state;
  if (!st.s.directory || sta.ext.empty())
    return;
  sip::proxy::dialog_view v;
  v.call_id = "mgcp-" + st.s.record.name + "-" + line;
  v.id = v.call_id + "\n\n";
  v.direction = sip::proxy::dialog_direction::initiator;
  v.state = off ? sip::proxy::dialog_state::confirmed
                : sip::proxy::dialog_state::terminated;
  self->send(st.s.directory, atoms::dialog_atom::value, sta.ext, std::move(v));
}

void connect(pointer self, const std::string& line, const station_state& sta,
             std::string sdp) {
  auto& st = self->state;
  output out;
  mgcp::command c;
  c.what = mgcp::verb::mdcx;
  c.params.push_back({"C", sta.call_id});
  if (!sta.connection.empty())
    c.params.push_back({"I", sta.connection});
  c.params.push_back({"M", "sendrecv"});
  c.sdp = std::move(sdp);
  st.session->command_for(out, line, std::move(c), now_ms());
  apply(self, std::move(out));
}

void send_dlcx(output& out, pointer self, const std::string& line,
               station_state& sta) {
  auto& st = self->state;
  if (!sta.call_id.empty()) {
    mgcp::command c;
    c.what = mgcp::verb::dlcx;
    c.params.push_back({"C", sta.call_id});
    if (!sta.connection.empty())
      c.params.push_back({"I", sta.connection});
    st.session->command_for(out, line, std::move(c), now_ms());
  }
  sta.call_id.clear();
  sta.connection.clear();
  sta.code.clear();
  sta.crcx = 0;
  ++sta.generation;
}

// The service on `line` is over (from either side): the connection goes,
// the line plays reorder while still off-hook.
void release(pointer self, const std::string& line, station_state& sta,
             output& out, bool busy) {
  auto& st = self->state;
  sta.service = nullptr;
  end_call(self, sta);
  send_dlcx(out, self, line, sta);
  auto more =
      st.session->on_line(line, mgcp::line_events::released{busy}, now_ms());
  for (auto& d : more.datagrams)
    out.datagrams.push_back(std::move(d));
  for (auto& e : more.effects)
    out.effects.push_back(std::move(e));
}

// The user dialled `digits`: a service code gets a connection first.
void dialled(pointer self, const std::string& line, station_state& sta,
             std::string digits, output& out) {
  auto& st = self->state;
  if (digits.size() > 2 && digits.back() == '#')
    digits.pop_back();
  if (digits.empty() || !st.s.directory || !st.s.clients ||
      (digits[0] != '*' && digits == sta.ext)) {
    st.log->info("{} {} ({}): {} cannot be dialled here: reorder",
                 st.s.record.name, line, sta.ext, digits);
    release(self, line, sta, out);
    return;
  }
  sta.code = std::move(digits);
  if (!open_connection(self, line, sta, out, {}))
    release(self, line, sta, out);
}

bool open_connection(pointer self, const std::string& line, station_state& sta,
                     output& out, const std::string& remote_sdp) {
  auto& st = self->state;
  mgcp::command c;
  c.what = mgcp::verb::crcx;
  char id[17];
  std::snprintf(id, sizeof id, "%016llx",
                static_cast<unsigned long long>(st.rng()));
  sta.call_id = id;
  c.params.push_back({"C", sta.call_id});
  c.params.push_back({"L", "p:20, a:PCMU"});
  c.params.push_back({"M", "sendrecv"});
  c.sdp = remote_sdp;
  sta.crcx = st.session->command_for(out, line, std::move(c), now_ms());
  return sta.crcx != 0;
}

// A recording the gateway cut (restart, failure): what was recorded is
// kept and sent; the user hears of it by message (an analog set has no
// display).
void tell_cut(pointer self, const station_state& sta) {
  auto& st = self->state;
  if (!st.s.directory || !st.s.clients)
    return;
  std::string to;
  for (char c : sta.code.substr(2))
    to += c == '*' ? ", " : std::string(1, c);
  st.log->info("{}: the recording for {} was cut by the gateway", sta.ext, to);
  self->send(st.s.directory, atoms::notify_atom::value, sta.ext,
             directory::make_notice(
                 sta.ext, st.s.clients->domain,
                 "Your voice message for " + to +
                     " was cut short: the gateway of your phone restarted. "
                     "What you had recorded was sent.",
                 directory::unix_now()));
}

void on_effect(pointer self, const std::string& line,
               const mgcp::line_effect& e, output& out) {
  auto& st = self->state;
  auto it = st.stations.find(line);
  if (it == st.stations.end())
    return;
  auto& sta = it->second;
  namespace fx = mgcp::line_effects;
  if (auto h = std::get_if<fx::hook>(&e)) {
    sta.off_hook = h->off;
    publish_hook(self, line, sta, h->off);
  } else if (auto d = std::get_if<fx::dialled>(&e)) {
    dialled(self, line, sta, d->digits, out);
  } else if (std::holds_alternative<fx::answered>(e)) {
    if (sta.incoming) {
      incoming_answered(self, line, sta, out);
      return;
    }
    auto code = std::move(sta.ring_code);
    sta.ring_code.clear();
    if (!code.empty()) {
      st.log->info("{} {} ({}) answered: recording", st.s.record.name, line,
                   sta.ext);
      dialled(self, line, sta, code, out);
    }
  } else if (std::holds_alternative<fx::unanswered>(e)) {
    incoming_unanswered(self, sta);
    if (!sta.ring_code.empty())
      st.log->info("{} {} ({}): not answered, nothing recorded",
                   st.s.record.name, line, sta.ext);
    sta.ring_code.clear();
  } else if (auto k = std::get_if<fx::key>(&e)) {
    if (sta.service)
      self->send(sta.service, atoms::command_atom::value, k->digit);
  } else if (auto h = std::get_if<fx::hung_up>(&e)) {
    end_call(self, sta);
    if (sta.service)
      self->send(sta.service, atoms::leave_atom::value);
    if (sta.service && h->cut && sta.code.size() > 2 &&
        (sta.code[1] == '7' || sta.code[1] == '9'))
      tell_cut(self, sta);
    sta.service = nullptr;
    send_dlcx(out, self, line, sta);
  }
}

void on_answer(pointer self, const mgcp::response& r, output& out) {
  auto& st = self->state;
  for (auto& [line, sta] : st.stations) {
    if (sta.crcx == 0 || sta.crcx != r.transaction)
      continue;
    sta.crcx = 0;
    auto remote =
        r.code >= 200 && r.code < 300 ? remote_of(r.sdp) : std::nullopt;
    if (auto i = r.param("I"))
      sta.connection = *i;
    if (!remote) {
      st.log->warn("{} {}: connection refused ({} {})", st.s.record.name, line,
                   r.code, r.comment);
      release(self, line, sta, out);
      return;
    }
    if (sta.incoming) {
      incoming_connected(self, line, sta, r.sdp); // a call to the user
      return;
    }
    if (sta.code.empty()) { // the line was released meanwhile
      release(self, line, sta, out);
      return;
    }
    if (sta.code[0] != '*') {
      start_call(self, line, sta, r.sdp); // an extension: a call
      return;
    }
    self->send(st.s.directory, atoms::start_atom::value, sta.ext, sta.code,
               legacy_media{caf::actor_cast<caf::actor>(self), line, *remote});
    return;
  }
}

void schedule(pointer self) {
  auto& st = self->state;
  auto next = st.session->next_tick();
  if (next >= st.timer_at)
    return;
  st.timer_at = next;
  auto now = now_ms();
  auto delay = next > now ? next - now : millis{0};
  self->delayed_send(self, delay, atoms::timer_atom::value, ++st.timer_gen);
}

void apply(pointer self, output out) {
  auto& st = self->state;
  // Effects and answers may add commands: the datagrams go out last.
  for (std::size_t i = 0; i < out.effects.size(); ++i) {
    auto [line, e] = out.effects[i];
    on_effect(self, line, e, out);
  }
  for (std::size_t i = 0; i < out.answers.size(); ++i) {
    auto r = out.answers[i];
    on_answer(self, r, out);
  }
  for (auto& d : out.datagrams)
    st.s.socket->send_to(std::move(d), st.s.address);
  for (auto& n : out.notices)
    st.log->warn("gateway {}: {}", st.s.record.name, n);
  for (auto& [line, stats] : out.call_stats)
    st.log->info("gateway {} {}: call statistics {}", st.s.record.name, line,
                 stats);
  if (out.phase_changed)
    st.log->info("gateway {} ({}) is {}", st.s.record.name,
                 net::to_string(st.s.address),
                 mgcp::to_string(st.session->phase()));
  schedule(self);
}

caf::behavior gateway_impl(pointer self, mgcp_gateway_setup setup) {
  auto& st = self->state;
  st.s = std::move(setup);
  std::vector<std::string> lines;
  for (auto& [line, ext] : st.s.stations) {
    lines.push_back(line);
    st.stations[line].ext = ext;
  }
  if (st.s.record.protocol == "megaco") {
    // H.248 (issue 16): the same lines, the box's mId in what it sends.
    megaco::gateway_config gc;
    gc.mid = st.s.mid;
    gc.lines = std::move(lines);
    gc.audit_every = st.s.audit_every;
    gc.retransmit.max_sends = st.s.max_retransmissions + 1;
    gc.compact = st.s.record.encoding == "compact";
    st.session =
        std::make_unique<mgcp::line_gateway_of<megaco::gateway_session>>(
            gc, now_ms());
  } else {
    mgcp::gateway_config gc;
    gc.domain = st.s.record.domain;
    gc.notified_entity = st.s.notified_entity;
    gc.audit_hook = true;
    gc.audit_every = st.s.audit_every;
    gc.retransmit.max_sends = st.s.max_retransmissions + 1;
    gc.lines = std::move(lines);
    st.session = std::make_unique<mgcp::line_gateway_of<mgcp::gateway_session>>(
        gc, now_ms());
  }
  apply(self, st.session->on_tick(now_ms())); // the first audit
  return {
      [self](atoms::recv_atom, const datagram& d) {
        auto& st = self->state;
        apply(self, st.session->on_datagram(d.payload, now_ms()));
      },
      [self](atoms::timer_atom, std::uint64_t gen) {
        auto& st = self->state;
        if (gen != st.timer_gen)
          return;
        st.timer_at = millis::max();
        apply(self, st.session->on_tick(now_ms()));
      },
      [self](atoms::start_atom, const directory_actor& d) {
        self->state.s.directory = d;
      },
      // Stations come and go.
      [self](caf::put_atom, const std::string& line, const std::string& ext) {
        auto& st = self->state;
        st.stations[line].ext = ext;
        apply(self, st.session->add_line(line, now_ms()));
      },
      [self](atoms::stop_atom, const std::string& line) {
        auto& st = self->state;
        auto it = st.stations.find(line);
        if (it == st.stations.end())
          return;
        output out;
        if (it->second.service)
          self->send(it->second.service, atoms::leave_atom::value);
        end_call(self, it->second);
        send_dlcx(out, self, line, it->second);
        if (it->second.off_hook)
          publish_hook(self, line, it->second, false);
        st.stations.erase(it);
        apply(self, std::move(out));
        st.session->remove_line(line);
      },
      // The lamp: new voice messages wait.
      [self](atoms::mwi_atom, const std::string& line, bool on) {
        auto& st = self->state;
        apply(self,
              st.session->on_line(line, mgcp::line_events::lamp{on}, now_ms()));
      },
      // The voice service: refused, running, or ended by the box.
      [self](atoms::start_atom, const std::string& line, int code) {
        auto& st = self->state;
        auto it = st.stations.find(line);
        if (it == st.stations.end())
          return;
        st.log->info("{} {} ({}): {} refused ({})", st.s.record.name, line,
                     it->second.ext, it->second.code, code);
        output out;
        release(self, line, it->second, out);
        apply(self, std::move(out));
      },
      [self](atoms::start_atom, const std::string& line,
             const net::endpoint& local, const caf::actor& service) {
        auto& st = self->state;
        auto it = st.stations.find(line);
        if (it == st.stations.end() || it->second.call_id.empty() ||
            !it->second.off_hook) {
          self->send(service, atoms::leave_atom::value); // hung up meanwhile
          return;
        }
        auto& sta = it->second;
        sta.service = service;
        connect(self, line, sta, box_sdp(local));
        apply(self, st.session->on_line(line, mgcp::line_events::connected{},
                                        now_ms()));
      },
      [self](atoms::leave_atom, const std::string& line) {
        auto& st = self->state;
        auto it = st.stations.find(line);
        // From the service in force only (an older one may end late).
        if (it == st.stations.end() || !it->second.service ||
            caf::actor_cast<caf::actor>(self->current_sender()) !=
                it->second.service)
          return;
        output out;
        release(self, line, it->second, out);
        apply(self, std::move(out));
      },
      [self](caf::get_atom) { return status(self); },
      // Calls from a legacy phone: the callee's answers and requests.
      [self](atoms::sipresult_atom, std::uint64_t id, int status,
             const sip::message& resp) {
        on_call_result(self, id, status, resp);
      },
      [self](atoms::sipreq_atom, const sip_task& t) {
        if (!on_incoming_request(self, t))
          on_call_request(self, t);
      },
      // Calls to the user: the router offers, cancels; our 2xx again.
      [self](atoms::proxy_atom, const std::string& branch,
             const std::string& line,
             sip_task& invite) { on_offer(self, branch, line, invite); },
      [self](atoms::proxy_atom, const std::string& branch) {
        on_offer_cancel(self, branch);
      },
      [self](atoms::sipresp_atom, const std::string& line, std::uint64_t gen) {
        resend_ok(self, line, gen);
      },
      // Ring the phone; off-hook records for the recipients of `code`.
      [self](atoms::command_atom, const std::string& line,
             const std::string& code,
             http_exchange& ex) { ring_to_record(self, line, code, ex); },
  };
}

} // namespace ivm::actors::gw

namespace ivm::actors {

caf::actor spawn_mgcp_gateway(caf::actor_system& sys, mgcp_gateway_setup s) {
  return sys.spawn(gw::gateway_impl, std::move(s));
}

} // namespace ivm::actors
