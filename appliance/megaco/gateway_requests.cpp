// The gateway's own requests to the controller (issue 16): ServiceChange
// (in service, out of service, restarts) and Notify (the lines' events);
// each answered once, a repeat from the reply cache. Part of
// gateway_session (gateway.hpp).

#include <algorithm>
#include <cctype>

#include "appliance/megaco/gateway.hpp"
#include "appliance/megaco/gateway_private.hpp"
#include "appliance/mgcp/events.hpp"

namespace ivm::megaco {

namespace {

using namespace detail; // NOLINT: this library's own helpers

// Observed H.248 events as the MGCP events the line machine reads.
std::string as_mgcp_events(const observed_events& oe) {
  std::string out;
  auto add = [&out](const std::string& e) {
    if (!out.empty())
      out += ", ";
    out += e;
  };
  for (auto& e : oe.events) {
    if (e.name == "al/of")
      add("L/hd");
    else if (e.name == "al/on")
      add("L/hu");
    else if (e.name == "al/fl")
      add("L/hf");
    else if (e.name == "dd/ce") {
      for (char d : mgcp_digits(e.param("ds").value_or("")))
        add(std::string{"D/"} + d);
    } else if (e.name.size() == 5 && e.name.rfind("dd/d", 0) == 0) {
      char d = e.name[4];
      if (d == 's')
        add("D/*");
      else if (d == 'o')
        add("D/#");
      else if (std::isdigit(static_cast<unsigned char>(d)) ||
               (d >= 'a' && d <= 'd'))
        add(std::string{"D/"} +
            static_cast<char>(std::toupper(static_cast<unsigned char>(d))));
    }
  }
  return out;
}

} // namespace

void gateway_session::on_request(output& out, const request& rq, millis now) {
  auto seen = in_.check(peer, rq.id, now);
  if (seen.what == mgcp::incoming_transactions::verdict::answered) {
    if (!seen.cached.empty())
      out.datagrams.push_back(seen.cached);
    return;
  }
  if (seen.what == mgcp::incoming_transactions::verdict::executing)
    return;
  // What a gateway sends the controller: ServiceChange and Notify, one per
  // transaction in practice.
  if (rq.actions.size() != 1 || rq.actions[0].commands.size() != 1) {
    refuse(out, rq.id, 421, "Unknown action or illegal combination of actions",
           now);
    return;
  }
  auto& a = rq.actions[0];
  auto& c = a.commands[0];
  if (c.what == verb::service_change) {
    on_service_change(out, rq, c, a.context, now);
  } else if (c.what == verb::notify) {
    auto line = line_of(c.termination);
    if (line.empty()) {
      refuse(out, rq.id, 430, "Unknown TerminationID", now);
      return;
    }
    send_reply(out, rq.id, a.context,
               {make_command(verb::notify, c.termination)}, now);
    if (phase_ != gateway_phase::up) {
      // Heard from before its restart or our audit: it is up, and what it
      // reports answers requests that are not ours: start over.
      set_phase(out, gateway_phase::up, now);
      resync(out, now);
      return;
    }
    on_notify(out, c, now);
  } else {
    refuse(out, rq.id, 501, "Not Implemented", now);
  }
}

void gateway_session::on_service_change(output& out, const request& rq,
                                        const command& c,
                                        const std::string& context,
                                        millis now) {
  auto sc = service_change_of(c);
  auto method = sc ? sc->method : std::string{};
  bool all = iequals(c.termination, "ROOT") || c.termination == "*";
  auto line = all ? std::string{} : line_of(c.termination);
  if (!all && line.empty()) {
    refuse(out, rq.id, 430, "Unknown TerminationID", now);
    return;
  }
  std::vector<node> services;
  if (sc && sc->version > 1) // this controller speaks version 1
    services.push_back(make("Version", "1"));
  send_reply(out, rq.id, context,
             {make_command(verb::service_change, c.termination,
                           services.empty() ? std::vector<node>{}
                                            : std::vector<node>{make(
                                                  "Services", {}, services)})},
             now);
  if (iequals(method, "Graceful") || iequals(method, "GR"))
    return; // in service until it restarts or says forced
  if (iequals(method, "Forced") || iequals(method, "FO")) {
    if (all) {
      lines_lost(out);
      set_phase(out, gateway_phase::down, now);
    } else {
      auto& st = lines_[line];
      if (st.phase == line_phase::connected)
        out.effects.emplace_back(line, fx::hung_up{true});
      st.phase = line_phase::unknown;
      st.off_hook = false;
      connections_.erase(line);
    }
    return;
  }
  // Restart, Disconnected, Failover, HandOff: in service, resynchronised.
  if (all) {
    lines_lost(out);
    set_phase(out, gateway_phase::up, now);
    resync(out, now);
    return;
  }
  set_phase(out, gateway_phase::up, now);
  connections_.erase(line);
  run_effects(out, line,
              step(lines_[line], ev::restarted{}, at(now), cfg_.line), now);
}

void gateway_session::on_notify(output& out, const command& c, millis now) {
  auto oe = observed_of(c);
  auto line = line_of(c.termination);
  if (!oe || line.empty())
    return;
  auto events = as_mgcp_events(*oe);
  auto parsed = mgcp::parse_event_list(events);
  if (!parsed || parsed->empty())
    return;
  // Under the request in force even when the gateway observed it under the
  // one before (it crossed our Modify): a hook or digit is a fact, not an
  // answer to a particular request.
  ev::notified n{lines_[line].request_id, std::move(*parsed)};
  run_effects(out, line, step(lines_[line], n, at(now), cfg_.line), now);
}

} // namespace ivm::megaco
