// What every voice actor answering a call shares (issue 6; legacy callers
// of issue 15 have no dialog): the box's own dialog with the caller (2xx
// retransmission, in-dialog answers, BYE) and the RTCP of one stream.
// Declared in session_actor.hpp.

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/client/outgoing.hpp"
#include "actors/voice/session_actor.hpp"
#include "appliance/net/udp_socket.hpp"
#include "appliance/rtp/header.hpp"
#include "appliance/sip/name_addr.hpp"

namespace ivm::actors {

void resend_answer(caf::event_based_actor* self, const sip_router_actor& router,
                   const std::string& key, const sip::message& answer,
                   resend_2xx& r, bool done) {
  if (done || r.acked || !router)
    return;
  self->send(router, atoms::sipresp_atom::value, key, answer);
  if (auto d = r.next())
    self->delayed_send(self, *d, atoms::sipresp_atom::value);
}

void answer_in_dialog(caf::event_based_actor* self, const sip_task& t,
                      resend_2xx& r, const std::string& server) {
  const auto& m = t.in.msg.method;
  if (m == "ACK") {
    r.acked = true;
    return;
  }
  int code = m == "INVITE" ? 488 : 200;
  self->send(t.router, atoms::sipresp_atom::value, t.key,
             make_answer(t, code, code == 200 ? "OK" : "Not Acceptable Here",
                         {}, server));
}

void start_own_dialog(caf::event_based_actor* self,
                      const sip_router_actor& router,
                      const std::string& call_id, const std::string& key,
                      const sip::message& answer, resend_2xx& r,
                      net::udp_socket& socket) {
  auto me = caf::actor_cast<caf::actor>(self);
  if (router) { // none for a legacy phone's service (no SIP dialog)
    self->send(router, atoms::dialog_atom::value, call_id, me);
    self->send(router, atoms::sipresp_atom::value, key, answer);
    if (auto d = r.next())
      self->delayed_send(self, *d, atoms::sipresp_atom::value);
  }
  socket.start([me](std::string payload, net::endpoint from) {
    caf::anon_send(me, atoms::recv_atom::value,
                   datagram{std::move(payload), std::move(from)});
  });
}

void end_own_dialog(caf::event_based_actor* self,
                    const sip_router_actor& router, const std::string& call_id,
                    net::udp_socket& socket) {
  if (router)
    self->send(router, atoms::dialog_atom::value, call_id, caf::actor{});
  socket.close();
  self->delayed_send(self, std::chrono::seconds{5}, atoms::stop_atom::value);
}

std::optional<sip_request_task> bye_to_caller(const client_config& cfg,
                                              const sip_task& invite,
                                              const std::string& local_tag,
                                              const caf::actor& requester) {
  const auto& inv = invite.in.msg;
  auto contact = sip::parse_contact(inv.value_of("Contact"));
  if (!contact || contact->entries.empty())
    return std::nullopt;
  auto target = contact->entries.front().uri_text;
  const auto& flow = invite.in.flow;
  std::optional<sip_flow> f;
  if (flow.kind != sip_transport_kind::udp)
    f = flow;
  auto where =
      reach(target, static_cast<std::uint8_t>(flow.kind), flow.remote, f);
  if (!where)
    return std::nullopt;
  auto bye = sip::message::make_request("BYE", target);
  bye.add("Via", make_via(cfg, flow.kind));
  bye.add("Max-Forwards", "70");
  bye.add("From", std::string{inv.value_of("To")} + ";tag=" + local_tag);
  bye.add("To", std::string{inv.value_of("From")});
  bye.add("Call-ID", std::string{inv.value_of("Call-ID")});
  bye.add("CSeq", "1 BYE");
  bye.add("User-Agent", cfg.server);
  return sip_request_task{0, requester, std::move(bye), where->first,
                          where->second};
}

rtcp_link::rtcp_link(std::shared_ptr<net::udp_socket> s, net::endpoint peer,
                     std::uint32_t ssrc, std::uint32_t clock_rate)
  : sock(std::move(s)), remote(std::move(peer)),
    session(ssrc, "ivm@" + (sock ? sock->local_endpoint().host : ""),
            clock_rate) {
  // nop
}

void rtcp_link::report(bool leaving) {
  if (closed || !sock)
    return;
  auto bytes = session.report(std::chrono::system_clock::now(),
                              std::chrono::steady_clock::now(), leaving);
  sock->send_to(std::string{bytes.begin(), bytes.end()}, remote);
  if (leaving) {
    closed = true;
    sock->close();
  }
}

void rtcp_link::sent(const std::uint8_t* p, std::size_t n) {
  if (n < rtp::fixed_header_size)
    return;
  auto ts = static_cast<std::uint32_t>(p[4]) << 24 |
            static_cast<std::uint32_t>(p[5]) << 16 |
            static_cast<std::uint32_t>(p[6]) << 8 | p[7];
  session.on_sent(ts, n - rtp::fixed_header_size,
                  std::chrono::steady_clock::now());
}

void rtcp_link::received(const datagram& d) {
  if (d.from.host == remote.host)
    session.on_rtcp(reinterpret_cast<const std::uint8_t*>(d.payload.data()),
                    d.payload.size(), std::chrono::steady_clock::now());
}

void start_rtcp(caf::event_based_actor* self, rtcp_link& link,
                std::uint64_t id) {
  if (!link.sock)
    return;
  auto me = caf::actor_cast<caf::actor>(self);
  link.sock->start([me, id](std::string payload, net::endpoint from) {
    caf::anon_send(me, atoms::rtcp_atom::value, id,
                   datagram{std::move(payload), std::move(from)});
  });
  self->delayed_send(self, link.session.next_interval(),
                     atoms::rtcp_atom::value, id);
}

void rtcp_due(caf::event_based_actor* self, rtcp_link& link, std::uint64_t id) {
  if (link.closed)
    return;
  link.report(false);
  self->delayed_send(self, link.session.next_interval(),
                     atoms::rtcp_atom::value, id);
}

voice::audio_codec codec_of(const sdp::negotiated_audio& a) {
  auto enc = a.audio.encoding;
  for (auto& ch : enc)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return enc == "pcma"   ? voice::audio_codec::pcma
         : enc == "opus" ? voice::audio_codec::opus
                         : voice::audio_codec::pcmu;
}

} // namespace ivm::actors
