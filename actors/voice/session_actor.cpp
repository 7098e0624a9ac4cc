#include "actors/voice/session_actor.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/client/outgoing.hpp"
#include "appliance/common/log.hpp"
#include "appliance/common/metrics.hpp"
#include "appliance/net/udp_socket.hpp"
#include "appliance/rtp/header.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/response.hpp"

namespace ivm::actors {

namespace {

using steady = std::chrono::steady_clock;

struct session_state {
  session_setup s;
  std::unique_ptr<voice::recorder> rec;
  std::vector<std::string> tone;
  std::size_t tone_next = 0;
  std::uint16_t seq = 0;
  std::uint32_t ts = 0;
  std::uint32_t ssrc = 0;
  std::string local_tag;
  std::string call_id;
  sip_router_actor router;
  bool done = false;
  bool closing = false; ///< the caller hung up; trailing RTP still counts
  resend_2xx ok_again;  ///< the 200 again until the caller's ACK
  metrics::counter* rtp_in = nullptr;
  std::shared_ptr<spdlog::logger> log = log::get("voice");
  static inline const char* name = "voice_session";
};

using pointer = caf::stateful_actor<session_state>*;

// A BYE from the box to the caller (the recording ended on our side).
void send_bye(pointer self) {
  auto& st = self->state;
  if (auto bye = bye_to_caller(*st.s.clients, st.s.call.invite, st.local_tag,
                               caf::actor_cast<caf::actor>(self)))
    self->send(st.router, atoms::sipsend_atom::value, std::move(*bye));
}

void finish(pointer self, const char* why, bool hang_up) {
  auto& st = self->state;
  if (st.done)
    return;
  st.done = true;
  if (hang_up)
    send_bye(self);
  end_own_dialog(self, st.router, st.call_id, *st.s.socket);
  st.rec->flush();
  st.log->info("recording from {} ended ({}): {:.1f} s, {} packets, {} ignored",
               st.s.call.user, why,
               static_cast<double>(st.rec->pcm().size()) / st.rec->rate(),
               st.rec->packets(), st.rec->ignored());
  voice_recording r{st.s.call.user, st.s.call.user_name, st.s.call.recipients,
                    st.rec->pcm(),  st.rec->rate(),      st.s.call.directory};
  caf::anon_send(st.s.voice, atoms::deliver_atom::value, std::move(r));
}

void send_tone(pointer self) {
  auto& st = self->state;
  if (st.done || st.tone_next >= st.tone.size())
    return;
  rtp::header h;
  h.payload_type = static_cast<std::uint8_t>(st.s.recorder.payload_type);
  h.sequence = st.seq++;
  h.timestamp = st.ts;
  st.ts += 160;
  h.ssrc = st.ssrc;
  h.marker = st.tone_next == 0;
  const auto& p = st.tone[st.tone_next++];
  auto bytes = rtp::serialize(
      h, reinterpret_cast<const std::uint8_t*>(p.data()), p.size());
  st.s.socket->send_to(std::string{bytes.begin(), bytes.end()},
                       st.s.remote_media);
  self->delayed_send(self, std::chrono::milliseconds{20},
                     atoms::retry_atom::value, std::uint64_t{1});
}

caf::behavior session_impl(pointer self, session_setup setup) {
  auto& st = self->state;
  st.s = std::move(setup);
  st.call_id = std::string{st.s.call.invite.in.msg.value_of("Call-ID")};
  auto to = sip::parse_name_addr(st.s.answer.value_of("To"));
  st.local_tag = to && to->tag() ? std::string{*to->tag()} : std::string{};
  st.router = st.s.call.invite.router;
  st.ssrc = static_cast<std::uint32_t>(std::hash<std::string>{}(st.call_id));
  st.rec = std::make_unique<voice::recorder>(st.s.recorder, steady::now());
  if (st.s.clients->metrics)
    st.rtp_in = &st.s.clients->metrics->make_counter(
        "ivm_voice_rtp_packets_total",
        "RTP packets recorded (record mode), from the expected source.");
  if (st.s.recorder.codec != voice::audio_codec::opus)
    st.tone = voice::tone_frames(st.s.recorder.codec, 300, 440.0);
  // In-dialog requests (BYE) come here; then answer the INVITE.
  start_own_dialog(self, st.router, st.call_id, st.s.call.invite.key,
                   st.s.answer, st.ok_again, *st.s.socket);
  self->send(self, atoms::retry_atom::value, std::uint64_t{1}); // the tone
  self->delayed_send(self, std::chrono::milliseconds{250},
                     atoms::timer_atom::value, std::uint64_t{0});
  st.log->info("recording from {} for {} on port {}", st.s.call.user,
               st.s.call.recipients.size(), st.s.socket->local_endpoint().port);
  return {
      [self](atoms::recv_atom, const datagram& d) {
        auto& st = self->state;
        if (st.done)
          return;
        if (st.rec->on_packet(d.payload, d.from.host, steady::now()) &&
            st.rtp_in)
          st.rtp_in->inc();
        auto why = st.rec->check(steady::now());
        if (why != voice::stop_reason::none && !st.closing)
          finish(self, voice::to_string(why), true);
      },
      [self](atoms::timer_atom, std::uint64_t) {
        auto& st = self->state;
        if (st.done || st.closing)
          return;
        auto why = st.rec->check(steady::now());
        if (why != voice::stop_reason::none) {
          finish(self, voice::to_string(why), true);
          return;
        }
        self->delayed_send(self, std::chrono::milliseconds{250},
                           atoms::timer_atom::value, std::uint64_t{0});
      },
      [self](atoms::retry_atom, std::uint64_t) { send_tone(self); },
      [self](atoms::sipresp_atom) {
        auto& st = self->state;
        resend_answer(self, st.router, st.s.call.invite.key, st.s.answer,
                      st.ok_again, st.done);
      },
      [self](atoms::sipreq_atom, const sip_task& t) {
        auto& st = self->state;
        answer_in_dialog(self, t, st.ok_again, st.s.clients->server);
        if (t.in.msg.method == "BYE" && !st.closing) {
          // RTP sent just before the BYE may still be on its way (another
          // socket, the jitter of the network): take it for a moment.
          st.closing = true;
          self->delayed_send(self, std::chrono::milliseconds{300},
                             atoms::commit_atom::value);
        }
      },
      [](atoms::sipresult_atom, std::uint64_t, int, const sip::message&) {},
      [self](atoms::commit_atom) { finish(self, "hung up", false); },
      [self](atoms::stop_atom) { self->quit(); },
  };
}

} // namespace

void resend_answer(caf::event_based_actor* self, const sip_router_actor& router,
                   const std::string& key, const sip::message& answer,
                   resend_2xx& r, bool done) {
  if (done || r.acked)
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
  self->send(router, atoms::dialog_atom::value, call_id, me);
  self->send(router, atoms::sipresp_atom::value, key, answer);
  if (auto d = r.next())
    self->delayed_send(self, *d, atoms::sipresp_atom::value);
  socket.start([me](std::string payload, net::endpoint from) {
    caf::anon_send(me, atoms::recv_atom::value,
                   datagram{std::move(payload), std::move(from)});
  });
}

void end_own_dialog(caf::event_based_actor* self,
                    const sip_router_actor& router, const std::string& call_id,
                    net::udp_socket& socket) {
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

caf::actor spawn_session(caf::actor_system& sys, session_setup setup) {
  return sys.spawn(session_impl, std::move(setup));
}

} // namespace ivm::actors
