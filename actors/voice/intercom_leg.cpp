#include "actors/voice/intercom_leg.hpp"

#include "actors/client/outgoing.hpp"
#include "appliance/net/endpoint.hpp"
#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/name_addr.hpp"

namespace ivm::actors {

namespace {

const net::endpoint& self_of(const client_config& cfg, sip_transport_kind k) {
  return k == sip_transport_kind::udp   ? cfg.udp_self
         : k == sip_transport_kind::tcp ? cfg.tcp_self
                                        : cfg.tls_self;
}

sip::message in_dialog(const client_config& cfg, const leg_dialog& d,
                       const char* method, int cseq) {
  auto m = sip::message::make_request(method, d.remote_uri);
  m.add("Via", make_via(cfg, d.target.flow.kind));
  m.add("Max-Forwards", "70");
  m.add("From", d.from);
  m.add("To", d.to);
  m.add("Call-ID", d.call_id);
  m.add("CSeq", std::to_string(cseq) + " " + method);
  m.add("User-Agent", cfg.server);
  return m;
}

} // namespace

leg_dialog make_intercom_invite(const client_config& cfg,
                                const intercom_call& call,
                                const proxy_target& target) {
  leg_dialog d;
  auto kind = target.flow.kind;
  auto self = net::to_string(self_of(cfg, kind));
  d.call_id = sip::core::random_tag() + sip::core::random_tag() + "@" +
              self_of(cfg, kind).host;
  d.local_tag = sip::core::random_tag();
  auto name = call.caller_name.empty() ? call.caller_ext : call.caller_name;
  d.from = sip::quoted_string(call.auto_answer ? name + " (intercom)" : name) +
           " <sip:" + call.caller_ext + "@" + cfg.domain +
           ">;tag=" + d.local_tag;
  d.to = "<sip:" + call.recipient_ext + "@" + cfg.domain + ">";
  d.remote_uri = target.uri;
  d.target = target;
  std::string param = kind == sip_transport_kind::tcp   ? ";transport=tcp"
                      : kind == sip_transport_kind::tls ? ";transport=tls"
                                                        : "";
  auto inv = sip::message::make_request("INVITE", target.uri);
  inv.add("Via", make_via(cfg, kind));
  inv.add("Max-Forwards", "70");
  inv.add("From", d.from);
  inv.add("To", d.to);
  inv.add("Call-ID", d.call_id);
  inv.add("CSeq", "1 INVITE");
  inv.add("Contact", "<sip:ivm@" + self + param + ">");
  if (call.auto_answer) {
    inv.add("Call-Info", "<sip:" + cfg.domain + ">;answer-after=0");
    inv.add("Alert-Info", "<http://" + cfg.domain +
                              "/intercom>;info=alert-autoanswer;delay=0");
    inv.add("Answer-Mode", "Auto");
    inv.add("Subject", "Intercom from " + name);
  }
  inv.add("Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS");
  inv.add("User-Agent", cfg.server);
  inv.add("Content-Type", "application/sdp");
  inv.body = call.sdp;
  d.invite = inv;
  return d;
}

sip::message make_leg_ack(const client_config& cfg, leg_dialog& d,
                          const sip::message& ok) {
  d.to = std::string{ok.value_of("To")};
  if (auto c = sip::parse_contact(ok.value_of("Contact"));
      c && !c->entries.empty())
    d.remote_uri = c->entries.front().uri_text;
  return in_dialog(cfg, d, "ACK", 1);
}

sip::message make_leg_bye(const client_config& cfg, const leg_dialog& d) {
  return in_dialog(cfg, d, "BYE", 2);
}

sip::message make_leg_cancel(const leg_dialog& d) {
  const auto& inv = d.invite;
  auto m = sip::message::make_request("CANCEL", inv.request_uri);
  m.add("Via", std::string{inv.value_of("Via")});
  m.add("Max-Forwards", "70");
  m.add("From", std::string{inv.value_of("From")});
  m.add("To", std::string{inv.value_of("To")});
  m.add("Call-ID", std::string{inv.value_of("Call-ID")});
  m.add("CSeq", "1 CANCEL");
  return m;
}

} // namespace ivm::actors
