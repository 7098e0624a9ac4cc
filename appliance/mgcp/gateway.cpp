#include "appliance/mgcp/gateway.hpp"

#include <algorithm>

#include "appliance/mgcp/text.hpp"

namespace ivm::mgcp {

namespace {

std::chrono::steady_clock::time_point at(millis now) {
  return std::chrono::steady_clock::time_point{
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(now)};
}

std::string response_text(std::uint32_t tid, int code) {
  return serialize(make_response(tid, code));
}

} // namespace

std::string_view to_string(gateway_phase p) {
  switch (p) {
    case gateway_phase::registering:
      return "registering";
    case gateway_phase::up:
      return "up";
    case gateway_phase::down:
      return "down";
  }
  return "?";
}

gateway_session::gateway_session(gateway_config cfg, millis now)
  : cfg_(std::move(cfg)), since_(now), next_audit_(now), out_(cfg_.retransmit),
    in_() {
  for (auto& l : cfg_.lines)
    lines_.emplace(l, line_state{});
}

const line_state* gateway_session::line(const std::string& name) const {
  auto it = lines_.find(name);
  return it == lines_.end() ? nullptr : &it->second;
}

void gateway_session::fail_owned(output& out) {
  for (auto& [tid, line] : owned_)
    out.answers.push_back(make_response(tid, 406, "Transaction Time-Out"));
  owned_.clear();
}

std::string gateway_session::endpoint_of(const std::string& line) const {
  return line + "@" + cfg_.domain;
}

std::string gateway_session::line_of(const std::string& endpoint) const {
  auto at = endpoint.rfind('@');
  if (at == std::string::npos ||
      !text::iequals(endpoint.substr(at + 1), cfg_.domain))
    return {};
  auto local = endpoint.substr(0, at);
  for (auto& [name, st] : lines_)
    if (text::iequals(name, local))
      return name;
  return {};
}

std::uint32_t gateway_session::send(output& out, command c, millis now) {
  auto tid = c.transaction = out_.next_id();
  auto text = serialize(c);
  out_.sent(tid, cfg_.domain, text, now);
  out.datagrams.push_back(std::move(text));
  return tid;
}

std::uint32_t gateway_session::request(output& out, const std::string& line,
                                       const line_request& r,
                                       const std::string& request_id,
                                       millis now) {
  command c;
  c.what = verb::rqnt;
  c.endpoint = endpoint_of(line);
  if (!cfg_.notified_entity.empty())
    c.params.push_back({"N", cfg_.notified_entity});
  c.params.push_back({"X", request_id});
  c.params.push_back({"R", r.requested_events});
  // Always sent: an empty S: stops the time-out signals of the last one.
  c.params.push_back({"S", r.signals});
  if (!r.digit_map.empty())
    c.params.push_back({"D", r.digit_map});
  return send(out, std::move(c), now);
}

void gateway_session::run_effects(output& out, const std::string& line,
                                  std::vector<line_effect> fx, millis now) {
  for (auto& f : fx) {
    if (auto r = std::get_if<line_effects::request>(&f)) {
      if (phase_ != gateway_phase::up)
        continue; // sent again by the resync when it comes back
      tx_line_[request(out, line, r->body, r->request_id, now)] = line;
      continue;
    }
    out.effects.emplace_back(line, std::move(f));
  }
}

std::uint32_t gateway_session::command_for(output& out, const std::string& line,
                                           command c, millis now) {
  if (phase_ != gateway_phase::up || !lines_.count(line))
    return 0;
  c.endpoint = endpoint_of(line);
  auto tid = send(out, std::move(c), now);
  owned_[tid] = line;
  return tid;
}

gateway_session::output gateway_session::add_line(const std::string& line,
                                                  millis now) {
  output out;
  if (lines_.count(line))
    return out;
  lines_.emplace(line, line_state{});
  if (phase_ == gateway_phase::up)
    run_effects(
        out, line,
        step(lines_[line], line_events::restarted{}, at(now), cfg_.line), now);
  return out;
}

void gateway_session::remove_line(const std::string& line) {
  lines_.erase(line);
  for (auto it = tx_line_.begin(); it != tx_line_.end();)
    it = it->second == line ? tx_line_.erase(it) : std::next(it);
}

void gateway_session::set_phase(output& out, gateway_phase p, millis now) {
  if (p == phase_)
    return;
  phase_ = p;
  since_ = now;
  out.phase_changed = true;
  // Up: the next audit in a while. Down: probe at once, then as often.
  next_audit_ = p == gateway_phase::up ? now + cfg_.audit_every : now;
}

void gateway_session::resync(output& out, millis now) {
  // What was asked of the gateway before is void: ask again.
  out_.drop_peer(cfg_.domain);
  tx_line_.clear();
  fail_owned(out);
  audit_tid_ = 0;
  hook_audit_.clear();
  for (auto& [name, st] : lines_)
    run_effects(out, name,
                step(st, line_events::restarted{}, at(now), cfg_.line), now);
  if (cfg_.audit_hook && phase_ == gateway_phase::up)
    for (auto& [name, st] : lines_) {
      command c;
      c.what = verb::auep;
      c.endpoint = endpoint_of(name);
      c.params.push_back({"F", "ES"});
      hook_audit_[send(out, std::move(c), now)] = name;
    }
}

void gateway_session::on_hook_audit(output& out, const std::string& line,
                                    const response& r, millis now) {
  auto it = lines_.find(line);
  auto es = r.param("ES");
  if (it == lines_.end() || r.code < 200 || r.code >= 300 || !es ||
      it->second.phase != line_phase::unknown)
    return; // an event told us first, or no answer to go by
  auto& st = it->second;
  if (es->find("hd") != std::string::npos) {
    auto obs = parse_event_list("L/hd");
    run_effects(out, line,
                step(st, line_events::notified{st.request_id, *obs}, at(now),
                     cfg_.line),
                now);
  } else if (es->find("hu") != std::string::npos) {
    // On-hook: the request in force (off-hook or on-hook) fits idle too.
    st.phase = line_phase::idle;
    st.off_hook = false;
  }
}

gateway_session::output gateway_session::on_datagram(std::string_view bytes,
                                                     millis now) {
  output out;
  auto ms = parse(bytes);
  if (!ms) {
    // A command with a readable id is told why; anything else is dropped.
    auto& e = ms.error();
    if (e.transaction != 0)
      out.datagrams.push_back(response_text(e.transaction, e.code));
    return out;
  }
  for (auto& m : *ms) {
    if (auto c = std::get_if<command>(&m))
      on_command(out, *c, now);
    else
      on_response(out, std::get<response>(m), now);
  }
  in_.expire(now);
  return out;
}

void gateway_session::on_command(output& out, const command& c, millis now) {
  auto seen = in_.check(cfg_.domain, c.transaction, now);
  if (seen.what == incoming_transactions::verdict::answered) {
    if (!seen.cached.empty())
      out.datagrams.push_back(seen.cached);
    return;
  }
  if (seen.what == incoming_transactions::verdict::executing)
    return;
  if (auto k = c.param("K"))
    if (auto ranges = parse_response_ack(*k))
      in_.acknowledged(cfg_.domain, *ranges);
  auto answer = [&](int code) {
    auto text = response_text(c.transaction, code);
    in_.answered(cfg_.domain, c.transaction, text, now);
    out.datagrams.push_back(std::move(text));
  };
  auto line = line_of(c.endpoint);
  switch (c.what) {
    case verb::rsip: {
      auto method = c.param("RM") ? *c.param("RM") : std::string{"restart"};
      bool all = line.empty();
      if (all && c.endpoint.rfind('@') != std::string::npos &&
          !text::iequals(c.endpoint.substr(c.endpoint.rfind('@') + 1),
                         cfg_.domain)) {
        answer(500);
        return;
      }
      if (text::iequals(method, "graceful") ||
          text::iequals(method, "cancel-graceful")) {
        answer(200); // in service until it restarts or says forced
        return;
      }
      if (!text::iequals(method, "restart") &&
          !text::iequals(method, "forced") &&
          !text::iequals(method, "disconnected")) {
        answer(536);
        return;
      }
      answer(200);
      if (text::iequals(method, "forced")) {
        // Out of service at once: sessions on it are over.
        for (auto& [name, st] : lines_)
          if (all || name == line) {
            if (st.phase == line_phase::connected)
              out.effects.emplace_back(name, line_effects::hung_up{true});
            st.phase = line_phase::unknown;
            st.off_hook = false;
          }
        if (all)
          set_phase(out, gateway_phase::down, now);
        return;
      }
      set_phase(out, gateway_phase::up, now);
      if (all) {
        resync(out, now);
      } else {
        run_effects(
            out, line,
            step(lines_[line], line_events::restarted{}, at(now), cfg_.line),
            now);
      }
      return;
    }
    case verb::ntfy: {
      if (line.empty()) {
        answer(500);
        return;
      }
      auto observed = parse_event_list(c.param("O") ? *c.param("O") : "");
      if (!observed) {
        answer(observed.error().code);
        return;
      }
      answer(200);
      if (phase_ != gateway_phase::up) {
        // Heard from before its restart or our audit: it is up, and the
        // request this answers is not ours (the box restarted): start over.
        set_phase(out, gateway_phase::up, now);
        resync(out, now);
        return;
      }
      line_events::notified n{c.param("X") ? *c.param("X") : "",
                              std::move(*observed)};
      run_effects(out, line, step(lines_[line], n, at(now), cfg_.line), now);
      return;
    }
    case verb::dlcx: {
      // The gateway cleared a connection itself (a failure on its side).
      answer(line.empty() ? 500 : 200);
      if (!line.empty()) {
        auto& st = lines_[line];
        if (st.phase == line_phase::connected)
          out.effects.emplace_back(line, line_effects::hung_up{true});
        run_effects(out, line,
                    step(st, line_events::released{}, at(now), cfg_.line), now);
      }
      return;
    }
    default:
      answer(504); // the call agent's commands, sent to it
      return;
  }
}

void gateway_session::on_response(output& out, const response& r, millis now) {
  auto done = out_.on_response(cfg_.domain, r.transaction, r.code, now);
  if (!done)
    return; // provisional, late or repeated
  if (r.param("K"))
    out.datagrams.push_back(serialize(make_response(r.transaction, 0, "")));
  if (r.transaction == audit_tid_)
    audit_tid_ = 0;
  if (auto o = owned_.find(r.transaction); o != owned_.end()) {
    owned_.erase(o);
    out.answers.push_back(r);
  }
  if (auto h = hook_audit_.find(r.transaction); h != hook_audit_.end()) {
    auto line = h->second;
    hook_audit_.erase(h);
    if (phase_ == gateway_phase::up)
      on_hook_audit(out, line, r, now);
    return;
  }
  auto line = tx_line_.find(r.transaction);
  std::string line_name;
  if (line != tx_line_.end()) {
    line_name = line->second;
    tx_line_.erase(line);
  }
  if (phase_ != gateway_phase::up) {
    // It answers: it is back, and knows nothing we asked before.
    set_phase(out, gateway_phase::up, now);
    resync(out, now);
    return;
  }
  // The hook is not where the line thought (RFC 3435 §2.4: 401, 402).
  if (!line_name.empty() && (r.code == 401 || r.code == 402)) {
    auto& st = lines_[line_name];
    auto obs = parse_event_list(r.code == 401 ? "L/hd" : "L/hu");
    run_effects(out, line_name,
                step(st, line_events::notified{st.request_id, *obs}, at(now),
                     cfg_.line),
                now);
  }
}

gateway_session::output gateway_session::on_line(const std::string& line,
                                                 const line_event& e,
                                                 millis now) {
  output out;
  auto it = lines_.find(line);
  if (it == lines_.end())
    return out;
  if (phase_ != gateway_phase::up &&
      std::holds_alternative<line_events::ring>(e)) {
    out.effects.emplace_back(line, line_effects::unanswered{});
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
    tx_line_.erase(tid);
    hook_audit_.erase(tid);
    if (owned_.erase(tid))
      out.answers.push_back(make_response(tid, 406, "Transaction Time-Out"));
    if (tid == audit_tid_)
      audit_tid_ = 0;
    gave_up = true;
  }
  if (gave_up && phase_ == gateway_phase::up) {
    // Max2 exceeded (RFC 3435 §4.3): disconnected. Sessions are over; the
    // lines are resynchronised when it answers again.
    for (auto& [name, st] : lines_) {
      if (st.phase == line_phase::connected)
        out.effects.emplace_back(name, line_effects::hung_up{true});
      if (st.phase == line_phase::ringing)
        out.effects.emplace_back(name, line_effects::unanswered{});
      st.phase = line_phase::unknown;
      st.off_hook = false;
    }
    out_.drop_peer(cfg_.domain);
    tx_line_.clear();
    hook_audit_.clear();
    audit_tid_ = 0; // dropped with the rest: the probes start afresh
    fail_owned(out);
    set_phase(out, gateway_phase::down, now);
  }
  for (auto& [name, st] : lines_)
    run_effects(out, name, step(st, line_events::tick{}, at(now), cfg_.line),
                now);
  if (now >= next_audit_ && audit_tid_ == 0 && !lines_.empty()) {
    command c;
    c.what = verb::auep;
    c.endpoint = endpoint_of(lines_.begin()->first);
    audit_tid_ = send(out, std::move(c), now);
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

} // namespace ivm::mgcp
