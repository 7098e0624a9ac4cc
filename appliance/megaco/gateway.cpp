#include "appliance/megaco/gateway.hpp"

#include "appliance/megaco/display.hpp"
#include "appliance/megaco/gateway_private.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "appliance/mgcp/events.hpp"

namespace ivm::megaco {

namespace {

using namespace detail; // NOLINT: this library's own helpers

// The line machine's request ids are hex ("1f"); H.248's RequestID is a
// decimal UINT32.
std::string decimal_of(const std::string& hex) {
  unsigned long long v = 0;
  for (char c : hex) {
    int d = std::isdigit(static_cast<unsigned char>(c))
                ? c - '0'
                : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
    if (d < 0 || d > 15)
      return "0";
    v = (v * 16 + static_cast<unsigned long long>(d)) & 0xffffffffULL;
  }
  return std::to_string(v);
}

std::string mode_of(const mgcp::command& c) {
  auto m = c.param("M") ? *c.param("M") : std::string{"sendrecv"};
  if (iequals(m, "recvonly"))
    return "ReceiveOnly";
  if (iequals(m, "sendonly"))
    return "SendOnly";
  if (iequals(m, "inactive"))
    return "Inactive";
  return "SendReceive";
}

} // namespace

std::string h248_digit_map(std::string_view mgcp_map) {
  std::string out;
  for (char c : mgcp_map)
    out += c == '*' ? 'E' : c == '#' ? 'F' : (c == 'T' || c == 't') ? 'S' : c;
  return out;
}

std::string mgcp_digits(std::string_view h248_digits) {
  std::string out;
  for (char c : h248_digits) {
    if (c == 'E' || c == 'e')
      out += '*';
    else if (c == 'F' || c == 'f')
      out += '#';
    else if (std::isdigit(static_cast<unsigned char>(c)) ||
             (c >= 'A' && c <= 'D') || (c >= 'a' && c <= 'd'))
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

gateway_session::gateway_session(gateway_config cfg, millis now)
  : cfg_(std::move(cfg)), since_(now), next_audit_(now), out_(cfg_.retransmit),
    in_() {
  for (auto& l : cfg_.lines)
    lines_.emplace(l, mgcp::line_state{});
}

const mgcp::line_state* gateway_session::line(const std::string& name) const {
  auto it = lines_.find(name);
  return it == lines_.end() ? nullptr : &it->second;
}

std::string gateway_session::line_of(const std::string& termination) const {
  for (auto& [name, st] : lines_)
    if (iequals(name, termination))
      return name;
  return {};
}

std::uint32_t gateway_session::send(output& out, const std::string& context,
                                    std::vector<node> commands, millis now) {
  auto tid = out_.next_id();
  auto text =
      write_message(cfg_.mid, {make_request(tid, context, std::move(commands))},
                    1, cfg_.compact);
  out_.sent(tid, peer, text, now);
  out.datagrams.push_back(std::move(text));
  return tid;
}

void gateway_session::send_reply(output& out, std::uint32_t id,
                                 const std::string& context,
                                 std::vector<node> replies, millis now) {
  auto text = write_message(
      cfg_.mid, {make_reply(id, context, std::move(replies))}, 1, cfg_.compact);
  in_.answered(peer, id, text, now);
  out.datagrams.push_back(std::move(text));
}

void gateway_session::refuse(output& out, std::uint32_t id, int code,
                             const std::string& text, millis now) {
  auto msg = write_message(cfg_.mid, {make_error_reply(id, code, text)}, 1,
                           cfg_.compact);
  in_.answered(peer, id, msg, now);
  out.datagrams.push_back(std::move(msg));
}

// The line's events and signals for its phase (see the table in the header).
void gateway_session::modify(output& out, const std::string& line, millis now) {
  auto& st = lines_[line];
  std::vector<std::string> events;
  std::vector<std::string> signals;
  std::vector<node> display; // andisp signals (display.hpp)
  std::string map;
  switch (st.phase) {
    case line_phase::unknown:
      events = {"al/of", "al/on"};
      break;
    case line_phase::idle:
      events = {"al/of"};
      break;
    case line_phase::ringing:
      events = {"al/of"};
      // The caller's number and name with the ringing (andisp/dwa rings).
      if (display_ && !st.caller_id.empty())
        if (auto ddb = caller_id_block(st.caller_id); !ddb.empty())
          display.push_back(display_signal(true, ddb));
      if (display.empty())
        signals = {"al/ri"};
      break;
    case line_phase::dialing:
      events = {"al/on", "al/fl", "dd/ce"};
      signals = {"cg/dt"};
      map = h248_digit_map(cfg_.line.digit_map);
      break;
    case line_phase::connected:
      events = {"al/on", "al/fl"};
      for (auto d :
           {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "s", "o"})
        events.push_back(std::string{"dd/d"} + d);
      if (st.ringback)
        signals = {"cg/rt"};
      break;
    case line_phase::reorder:
      events = {"al/on"};
      signals = {st.busy ? "cg/bt" : "cg/ct"};
      break;
  }
  auto evs = make_events(decimal_of(st.request_id), events, map);
  if (st.phase == line_phase::unknown)
    // Hook state unknown (after a restart): strict=state makes the gateway
    // report the state the line is in now (H.248.1 Annex E.9).
    for (auto& e : evs.children) {
      e.children.push_back(make("strict", "state"));
      e.braces = true;
    }
  // The lamp on an idle phone: the phone keeps what it was last sent.
  bool on_hook =
      st.phase == line_phase::idle || st.phase == line_phase::unknown;
  if (auto& shown = lamp_shown_[line];
      display_ && on_hook && st.lamp_wanted != shown) {
    display.push_back(
        display_signal(false, message_waiting_block(st.lamp_wanted)));
    shown = st.lamp_wanted;
  }
  auto sg = make_signals(signals);
  for (auto& d : display) {
    sg.children.push_back(std::move(d));
    sg.braces = true;
  }
  auto c = connections_.find(line);
  auto tid =
      send(out, c == connections_.end() ? "-" : c->second.context,
           {make_command(verb::modify, line, {std::move(evs), sg})}, now);
  if (!display.empty())
    display_tids_[tid] = line;
}

void gateway_session::run_effects(output& out, const std::string& line,
                                  std::vector<mgcp::line_effect> effects,
                                  millis now) {
  for (auto& f : effects) {
    if (std::holds_alternative<fx::request>(f)) {
      if (phase_ == gateway_phase::up)
        modify(out, line, now);
      continue; // else sent again by the resync when it comes back
    }
    out.effects.emplace_back(line, std::move(f));
  }
}

void gateway_session::fail_owned(output& out) {
  for (auto& [tid, o] : owned_)
    out.answers.push_back(
        mgcp::make_response(tid, 406, "Transaction Time-Out"));
  owned_.clear();
}

// The gateway lost what it held: sessions end, hook states are unknown.
void gateway_session::lines_lost(output& out) {
  for (auto& [name, st] : lines_) {
    if (st.phase == line_phase::connected)
      out.effects.emplace_back(name, fx::hung_up{true});
    if (st.phase == line_phase::ringing)
      out.effects.emplace_back(name, fx::unanswered{});
    st.phase = line_phase::unknown;
    st.off_hook = false;
  }
  connections_.clear();
}

void gateway_session::set_phase(output& out, gateway_phase p, millis now) {
  if (p == phase_)
    return;
  phase_ = p;
  since_ = now;
  out.phase_changed = true;
  next_audit_ = p == gateway_phase::up ? now + cfg_.audit_every : now;
}

void gateway_session::resync(output& out, millis now) {
  out_.drop_peer(peer);
  display_tids_.clear();
  display_ = true; // asked again: it may have been upgraded
  fail_owned(out);
  audit_tid_ = 0;
  connections_.clear();
  for (auto& [name, st] : lines_)
    run_effects(out, name, step(st, ev::restarted{}, at(now), cfg_.line), now);
}

std::uint32_t gateway_session::command_for(output& out, const std::string& line,
                                           mgcp::command c, millis now) {
  if (phase_ != gateway_phase::up || !lines_.count(line))
    return 0;
  std::uint32_t tid = 0;
  auto conn = connections_.find(line);
  switch (c.what) {
    case mgcp::verb::crcx: {
      auto media =
          make_media(mode_of(c), "v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0", c.sdp);
      tid = send(out, "$",
                 {make_command(verb::add, line),
                  make_command(verb::add, "$", {std::move(media)})},
                 now);
      break;
    }
    case mgcp::verb::mdcx:
      if (conn == connections_.end())
        return 0;
      tid = send(out, conn->second.context,
                 {make_command(verb::modify, conn->second.ephemeral,
                               {make_media(mode_of(c), "", c.sdp)})},
                 now);
      break;
    case mgcp::verb::dlcx:
      if (conn == connections_.end())
        return 0;
      tid = send(out, conn->second.context, {make_command(verb::subtract, "*")},
                 now);
      connections_.erase(conn);
      break;
    default:
      return 0;
  }
  owned_[tid] = owned{line, c.what};
  return tid;
}

gateway_session::output gateway_session::add_line(const std::string& line,
                                                  millis now) {
  output out;
  if (lines_.count(line))
    return out;
  lines_.emplace(line, mgcp::line_state{});
  if (phase_ == gateway_phase::up)
    run_effects(out, line,
                step(lines_[line], ev::restarted{}, at(now), cfg_.line), now);
  return out;
}

void gateway_session::remove_line(const std::string& line) {
  lines_.erase(line);
  connections_.erase(line);
}

gateway_session::output gateway_session::on_datagram(std::string_view bytes,
                                                     millis now) {
  output out;
  auto d = decode(bytes);
  if (!d) {
    // A request with a readable id is told why; anything else is dropped.
    if (d.error().code == 403 && d.error().transaction != 0)
      refuse(out, d.error().transaction, 403,
             "Syntax error in TransactionRequest", now);
    return out;
  }
  if (peer_mid_.empty())
    peer_mid_ = d->mid;
  for (auto& t : d->transactions) {
    if (auto rq = std::get_if<request>(&t)) {
      on_request(out, *rq, now);
    } else if (auto rp = std::get_if<megaco::reply>(&t)) {
      on_reply(out, *rp, now);
    } else if (auto p = std::get_if<megaco::pending>(&t)) {
      out_.on_response(peer, p->id, 100, now); // waits the long timer
    } else if (auto k = std::get_if<response_ack>(&t)) {
      in_.acknowledged(peer, k->ranges);
    }
  }
  in_.expire(now);
  return out;
}

void gateway_session::on_reply(output& out, const megaco::reply& r,
                               millis now) {
  int code = r.error ? r.error->code : 200;
  for (auto& a : r.actions) {
    if (a.error)
      code = a.error->code;
    for (auto& c : a.commands)
      if (c.error)
        code = c.error->code;
  }
  auto done = out_.on_response(peer, r.id, code, now);
  if (!done)
    return; // late or repeated
  if (r.imm_ack_required)
    out.datagrams.push_back(write_message(
        cfg_.mid, {make_response_ack({{r.id, r.id}})}, 1, cfg_.compact));
  if (r.id == audit_tid_)
    audit_tid_ = 0;
  if (auto d = display_tids_.find(r.id); d != display_tids_.end()) {
    auto line = d->second;
    display_tids_.erase(d);
    if (display_ && refuses_package(code)) {
      // No andisp there: plain ringing, no lamp, the line asked again.
      display_ = false;
      out.notices.push_back("takes no caller ID or message-waiting "
                            "display (andisp), error " +
                            std::to_string(code));
      if (phase_ == gateway_phase::up && lines_.count(line))
        modify(out, line, now);
    }
  }
  if (auto o = owned_.find(r.id); o != owned_.end()) {
    auto line = o->second.line;
    auto what = o->second.what;
    owned_.erase(o);
    mgcp::response answer;
    answer.transaction = r.id;
    answer.code = code == 200 ? 200 : code;
    if (r.error)
      answer.comment = r.error->text;
    if (code == 200 && what == mgcp::verb::dlcx) {
      // The ephemeral's statistics the gateway returns on Subtract (nt and
      // rtp packages: octets and packets sent and received, loss, jitter).
      std::string stats;
      for (auto& a : r.actions)
        for (auto& c : a.commands)
          for (auto& d : c.descriptors)
            if (d.is("Statistics", "SA"))
              for (auto& p : d.children)
                if (!p.value.empty() && p.value.size() <= 20)
                  stats += (stats.empty() ? "" : " ") + p.name + "=" + p.value;
      if (!stats.empty())
        out.call_stats.emplace_back(line, std::move(stats));
    }
    if (code == 200 && what == mgcp::verb::crcx && !r.actions.empty()) {
      // The context the gateway chose, the ephemeral termination it named
      // (the Add that is not the line) and its SDP.
      auto& a = r.actions[0];
      for (auto& c : a.commands)
        if (c.what == verb::add && !iequals(c.termination, line)) {
          connections_[line] = connection{a.context, c.termination};
          answer.params.push_back({"I", c.termination});
          answer.sdp = c.local_sdp().value_or("");
        }
      if (!connections_.count(line))
        answer.code = 510; // no ephemeral termination in the reply
    }
    out.answers.push_back(std::move(answer));
  }
  if (phase_ != gateway_phase::up) {
    // It answers: it is back, and knows nothing we asked before.
    set_phase(out, gateway_phase::up, now);
    resync(out, now);
  }
}

gateway_session::output gateway_session::on_line(const std::string& line,
                                                 const mgcp::line_event& e,
                                                 millis now) {
  output out;
  auto it = lines_.find(line);
  if (it == lines_.end())
    return out;
  if (phase_ != gateway_phase::up && std::holds_alternative<ev::ring>(e)) {
    out.effects.emplace_back(line, fx::unanswered{});
    return out;
  }
  run_effects(out, line, step(it->second, e, at(now), cfg_.line), now);
  return out;
}

gateway_session::output gateway_session::on_tick(millis now) {
  output out;
  auto due = out_.due(now);
  for (auto& [tid, e] : due.resend)
    out.datagrams.push_back(e.datagram);
  bool gave_up = false;
  for (auto& [tid, e] : due.failed) {
    if (owned_.erase(tid))
      out.answers.push_back(
          mgcp::make_response(tid, 406, "Transaction Time-Out"));
    if (tid == audit_tid_)
      audit_tid_ = 0;
    gave_up = true;
  }
  if (gave_up && phase_ == gateway_phase::up) {
    lines_lost(out);
    out_.drop_peer(peer);
    audit_tid_ = 0; // dropped with the rest: the probes start afresh
    fail_owned(out);
    set_phase(out, gateway_phase::down, now);
  }
  for (auto& [name, st] : lines_)
    run_effects(out, name, step(st, ev::tick{}, at(now), cfg_.line), now);
  if (now >= next_audit_ && audit_tid_ == 0) {
    audit_tid_ = send(out, "-",
                      {make_command(verb::audit_value, "ROOT",
                                    {make("Audit", {}, {}, true)})},
                      now);
    next_audit_ = now + cfg_.audit_every;
  }
  return out;
}

millis gateway_session::next_tick() const {
  auto next = next_audit_;
  if (auto d = out_.next_due())
    next = std::min(next, *d);
  for (auto& [name, st] : lines_)
    if (st.phase == line_phase::ringing)
      next = std::min(next, std::chrono::duration_cast<millis>(
                                st.ring_until.time_since_epoch()));
  return next;
}

} // namespace ivm::megaco
