// A PBX's SIP trunk (issue 17, docs/legacy.md "Calls between the PBX and
// SIP phones"): the directory routes numbers to it and trusts the calls it
// sends; a user's phone on the PBX rings through it with their SIP devices.

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/mgcp/agent_state.hpp"
#include "appliance/directory/trunks.hpp"

namespace ivm::actors::agent {

namespace {

std::optional<net::endpoint> trunk_address(const gateway_entry& g) {
  if (g.record.protocol != "csta" || g.record.trunk.empty())
    return std::nullopt;
  auto ep = net::parse_endpoint(g.record.trunk);
  if (!ep)
    return std::nullopt;
  return *ep;
}

} // namespace

void publish_trunks(pointer self) {
  auto& st = self->state;
  if (!st.directory)
    return;
  sip_trunks out;
  for (auto& [name, g] : st.gateways) {
    auto ep = trunk_address(g);
    if (!ep)
      continue;
    directory::sip_trunk t;
    t.name = name;
    t.sip = *ep;
    if (auto p = directory::parse_prefixes(g.record.trunk_prefixes))
      t.prefixes = std::move(*p);
    for (auto& [id, s] : st.stations)
      if (s.gateway == name)
        t.devices[s.endpoint] = s.extension;
    out.push_back(std::move(t));
  }
  self->send(st.directory, atoms::trunk_atom::value, std::move(out));
}

void add_trunk_targets(pointer self, const std::string& ext, proxy_plan& plan) {
  auto& st = self->state;
  for (auto& [id, s] : st.stations) {
    if (s.extension != ext)
      continue;
    auto g = st.gateways.find(s.gateway);
    if (g == st.gateways.end())
      continue;
    auto ep = trunk_address(g->second);
    if (!ep)
      continue;
    proxy_target t;
    t.uri = "sip:" + s.endpoint + "@" + net::to_string(*ep);
    t.flow = sip_flow{sip_transport_kind::udp, 0, *ep};
    t.dest = *ep;
    plan.targets.push_back(std::move(t));
  }
}

} // namespace ivm::actors::agent
