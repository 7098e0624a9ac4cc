// Calls over a PBX's SIP trunk (issue 17, docs/legacy.md "Calls between the
// PBX and SIP phones"): INVITEs from the trunk's address are trusted by that
// address; numbers of the PBX are placed on its trunk.

#include "actors/directory/directory_state.hpp"

#include "appliance/directory/trunks.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/uri.hpp"

namespace ivm::actors::dir {

proxy_plan trunk_plan(const directory::sip_trunk& trunk,
                      const std::string& number, const std::string& caller) {
  proxy_plan plan;
  plan.caller = caller;
  proxy_target to;
  to.uri = "sip:" + number + "@" + net::to_string(trunk.sip);
  to.flow = sip_flow{sip_transport_kind::udp, 0, trunk.sip};
  to.dest = trunk.sip;
  plan.targets.push_back(std::move(to));
  return plan;
}

namespace {

// A new INVITE from a PBX's SIP trunk (trusted by its address, as
// Kamailio's `permissions` module does): a call from one of the PBX's
// phones to a user of the box. The PBX's own call state comes over its
// CSTA link, so the call names no local caller.
void on_trunk_invite(pointer self, sip_task& t,
                     const directory::sip_trunk& trunk) {
  const auto* callee = callee_of(self, t);
  if (!callee)
    return;
  auto from = sip::parse_name_addr(t.in.msg.value_of("From"));
  self->state.log->info("call from PBX {} ({}) to {}", trunk.name,
                        from ? sip::unescape(from->uri.user) : std::string{"?"},
                        callee->extension);
  with_client(self, callee->extension, [self, t](const client_actor& c) {
    self->send(c, atoms::proxy_atom::value, t, std::string{});
  });
}

// A trunk sends from its SIP address: over UDP from that very port (PBXs
// send from the port they listen on), over TCP from an ephemeral port.
const directory::sip_trunk* trunk_of(const directory_state& st,
                                     const sip_task& t) {
  const auto* trunk = directory::trunk_at(st.trunks, t.in.flow.remote.host);
  if (trunk && t.in.flow.kind == sip_transport_kind::udp &&
      t.in.flow.remote.port != trunk->sip.port)
    return nullptr;
  return trunk;
}
} // namespace

bool on_trunk_call(pointer self, sip_task& t) {
  if (self->state.trunks.empty())
    return false;
  const auto* trunk = trunk_of(self->state, t);
  if (!trunk)
    return false;
  on_trunk_invite(self, t, *trunk);
  return true;
}

} // namespace ivm::actors::dir
