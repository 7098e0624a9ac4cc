// Calls to the voice service codes (issue 6): the SDP answer and an RTP
// port pair for the call, then a recording session (`*7`, `*9`: with the
// recipients' devices for intercom) or a playback (`*8`).

#include <algorithm>
#include <optional>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>

#include "actors/voice/playback_actor.hpp"
#include "actors/voice/session_actor.hpp"
#include "actors/voice/voice_state.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/net/udp_socket.hpp"
#include "appliance/sdp/offer_answer.hpp"
#include "appliance/sdp/parser.hpp"
#include "appliance/sdp/writer.hpp"
#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/uri.hpp"
#include "appliance/voice/audio.hpp"
#include "appliance/voice/crypto.hpp"
#include "appliance/voice/prompts.hpp"
#include "appliance/voice/speech.hpp"
#include "storage/codec.hpp"
#include "storage/records/records.hpp"

namespace ivm::actors::voice_detail {

namespace {

namespace records = storage::records;

void answer_call(pointer self, const sip_task& t, int code, std::string reason,
                 std::vector<std::pair<std::string, std::string>> hdrs = {}) {
  self->send(t.router, atoms::sipresp_atom::value, t.key,
             make_answer(t, code, reason, hdrs,
                         self->state.cfg.clients
                             ? self->state.cfg.clients->server
                             : std::string{"ivm-appliance"}));
}

/// An RTP port and the RTCP port above it (RFC 3550 §11).
struct media_ports {
  std::shared_ptr<net::udp_socket> rtp;
  std::shared_ptr<net::udp_socket> rtcp;
};

// An even port from the range and the odd one above it, starting after
// the last pair given out; nulls when all are taken.
media_ports open_rtp_port(pointer self, std::size_t rcvbuf = 1 << 20) {
  auto& st = self->state;
  auto lo = st.cfg.rtp_port_min + (st.cfg.rtp_port_min & 1);
  if (lo + 1 > st.cfg.rtp_port_max)
    return {};
  auto span = (st.cfg.rtp_port_max - 1 - lo) / 2 + 1;
  for (int i = 0; i < span; ++i) {
    auto port =
        static_cast<std::uint16_t>(lo + 2 * ((st.next_port + i) % span));
    auto rtp =
        net::udp_socket::open(*st.cfg.io, {st.cfg.media_host, port}, rcvbuf);
    if (!rtp)
      continue;
    auto rtcp = net::udp_socket::open(
        *st.cfg.io, {st.cfg.media_host, static_cast<std::uint16_t>(port + 1)},
        64 << 10);
    if (!rtcp) {
      (*rtp)->close();
      continue;
    }
    st.next_port = static_cast<std::uint16_t>((st.next_port + i + 1) % span);
    return {std::shared_ptr<net::udp_socket>(std::move(*rtp)),
            std::shared_ptr<net::udp_socket>(std::move(*rtcp))};
  }
  return {};
}

// The box's side of a stream on `sock` (sendrecv: intercom legs are
// offered sendrecv so that phones do not show "held").
sdp::local_endpoint local_media(pointer self, const net::udp_socket& sock) {
  sdp::local_endpoint local;
  local.address = self->state.cfg.media_host;
  local.port = sock.local_endpoint().port;
  local.session_id = directory::unix_now();
  local.session_version = 1;
  local.dir = sdp::direction::sendrecv;
  return local;
}

struct opened_call {
  std::shared_ptr<net::udp_socket> sock;
  std::shared_ptr<net::udp_socket> rtcp;
  sdp::negotiated_audio audio;
  sip::message answer; ///< 200 OK with the SDP answer
};

// Negotiates the media of a call to a service code (RFC 3264) with
// `codecs`, takes an RTP port and builds the 200; answers errors itself.
std::optional<opened_call> open_call(pointer self, const sip_task& t,
                                     const std::vector<sdp::codec>& codecs) {
  auto& st = self->state;
  if (!st.cfg.io || !st.cfg.clients) {
    answer_call(self, t, 503, "Service Unavailable");
    return std::nullopt;
  }
  auto offer = sdp::parse(t.in.msg.body);
  if (!offer) {
    answer_call(self, t, 488, "Not Acceptable Here",
                {{"Warning", "399 ivm \"an SDP offer is required\""}});
    return std::nullopt;
  }
  auto ports = open_rtp_port(self);
  auto& sock = ports.rtp;
  if (!sock) {
    st.log->warn("no free RTP port in {}-{}", st.cfg.rtp_port_min,
                 st.cfg.rtp_port_max);
    answer_call(self, t, 503, "Service Unavailable", {{"Retry-After", "10"}});
    return std::nullopt;
  }
  auto result = sdp::make_answer(*offer, codecs, local_media(self, *sock));
  if (!result) {
    answer_call(self, t, result.error().status, "Not Acceptable Here",
                {{"Warning", "304 ivm \"" + result.error().reason + "\""}});
    sock->close();
    ports.rtcp->close();
    return std::nullopt;
  }
  auto ruri = sip::parse_uri(t.in.msg.request_uri);
  auto kind = t.in.flow.kind;
  const auto& self_ep =
      kind == sip_transport_kind::udp   ? st.cfg.clients->udp_self
      : kind == sip_transport_kind::tcp ? st.cfg.clients->tcp_self
                                        : st.cfg.clients->tls_self;
  std::string param = kind == sip_transport_kind::tcp   ? ";transport=tcp"
                      : kind == sip_transport_kind::tls ? ";transport=tls"
                                                        : "";
  auto contact = "<sip:" + (ruri ? ruri->user : std::string{"voice"}) + "@" +
                 net::to_string(self_ep) + param + ">";
  std::vector<std::pair<std::string, std::string>> hdrs{
      {"Contact", contact},
      {"Content-Type", "application/sdp"},
      {"Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS"}};
  opened_call out{sock, ports.rtcp, result->audio,
                  make_answer(t, 200, "OK", hdrs, st.cfg.clients->server)};
  out.answer.body = sdp::to_string(result->answer);
  return out;
}

// A legacy phone's call (issue 15): G.711 µ-law to the gateway's RTP
// address, no SDP negotiation (the gateway actor makes the connection); a
// failure goes to the gateway actor (reorder tone).
std::optional<opened_call> open_legacy(pointer self, const voice_call& c) {
  auto& st = self->state;
  auto& lm = c.legacy;
  auto ports = st.cfg.io ? open_rtp_port(self) : media_ports{};
  if (!ports.rtp || !st.cfg.clients) {
    st.log->warn("no free RTP port for {}'s legacy phone", c.user);
    caf::anon_send(lm.controller, atoms::start_atom::value, lm.line, 503);
    return std::nullopt;
  }
  opened_call out{ports.rtp, ports.rtcp, {}, {}};
  for (auto& k : sdp::box_codecs())
    if (k.encoding == "PCMU")
      out.audio.audio = k;
  out.audio.payload_type = 0;
  out.audio.remote.address = lm.remote.host;
  out.audio.remote_port = lm.remote.port;
  out.audio.remote_rtcp_port = static_cast<std::uint16_t>(lm.remote.port + 1);
  return out;
}

std::optional<opened_call> open_any(pointer self, const voice_call& c) {
  return c.from_legacy() ? open_legacy(self, c)
                         : open_call(self, c.invite, sdp::box_codecs());
}

// Tells a legacy phone's gateway actor where the box's RTP is and which
// actor runs the service.
void started(pointer self, const voice_call& c, const opened_call& call,
             const caf::actor& session) {
  if (c.from_legacy())
    caf::anon_send(c.legacy.controller, atoms::start_atom::value, c.legacy.line,
                   net::endpoint{self->state.cfg.media_host,
                                 call.sock->local_endpoint().port},
                   session);
}

// A prompt in the box's language, spoken once and then cached; null (the
// caller hears silence instead) when the speech engine fails.
std::shared_ptr<const std::vector<std::int16_t>>
spoken(pointer self, voice::prompt p, const std::string& name) {
  auto& st = self->state;
  auto text = voice::prompt_text(p, st.cfg.language, name);
  auto key = st.cfg.language + "\n" + text;
  if (auto it = st.prompts.find(key); it != st.prompts.end())
    return it->second;
  auto pcm = voice::speak(text, st.cfg.language);
  if (!pcm) {
    st.log->warn("prompt '{}': {}", text, pcm.error());
    return nullptr;
  }
  if (st.prompts.size() >= 256)
    st.prompts.clear();
  std::shared_ptr<const std::vector<std::int16_t>> out =
      std::make_shared<std::vector<std::int16_t>>(std::move(*pcm));
  st.prompts.emplace(key, out);
  return out;
}

ask_prompts prompts_for(pointer self, const std::string& name) {
  return {spoken(self, voice::prompt::menu, name),
          spoken(self, voice::prompt::connecting, name),
          spoken(self, voice::prompt::unavailable, name),
          spoken(self, voice::prompt::leave, name),
          spoken(self, voice::prompt::fax, name)};
}

// *7...: record a message for the recipients.
void start_recording(pointer self, voice_call& c) {
  auto& st = self->state;
  auto call = open_any(self, c);
  if (!call)
    return;
  const auto& a = call->audio;
  voice::recorder_config rc;
  rc.codec = codec_of(a);
  rc.payload_type = a.payload_type;
  rc.telephone_event = a.telephone_event;
  rc.expected_host = a.remote.address;
  rc.max_length = st.cfg.max_length;
  rc.silence_timeout = st.cfg.silence_timeout;
  session_setup setup{c,
                      rc,
                      call->sock,
                      call->rtcp,
                      net::endpoint{a.remote.address, a.remote_port},
                      net::endpoint{a.remote.address, a.remote_rtcp_port},
                      std::move(call->answer),
                      caf::actor_cast<caf::actor>(self),
                      st.cfg.clients,
                      {},
                      std::chrono::seconds{8},
                      std::chrono::seconds{2},
                      std::nullopt};
  if (c.intercom || c.ask) {
    // Each device gets an offer with the caller's codec first (passed
    // through untouched when the phone takes it), then the others.
    std::vector<sdp::codec> codecs{a.audio};
    for (auto& k : sdp::box_codecs())
      if (k.encoding != a.audio.encoding && !k.is_telephone_event())
        codecs.push_back(k);
    for (auto& [user, targets] : c.live)
      for (auto& t : targets) {
        auto ports = open_rtp_port(self, 64 << 10);
        auto& sock = ports.rtp;
        if (!sock) {
          st.log->warn("intercom to {}: no free RTP port", user);
          continue;
        }
        setup.legs.push_back(intercom_leg_setup{
            user, t, sock, ports.rtcp,
            sdp::to_string(sdp::make_offer(codecs, local_media(self, *sock)))});
      }
    setup.answer_timeout = st.cfg.intercom_answer;
  }
  if (c.ask) { // the menu first (a caller asked what they want)
    setup.ask = prompts_for(self, c.callee_name);
    setup.answer_timeout = std::chrono::seconds{c.ring_s};
  }
  auto opened = *call;
  auto session = spawn_session(self->system(), std::move(setup));
  started(self, c, opened, session);
}

// *8: play the caller's new messages, oldest first. Their audio is read,
// opened and decoded first, then sent in the codec the phone chose.
void start_listening(pointer self, voice_call& c) {
  auto& st = self->state;
  auto user = c.user;
  self->request(st.cfg.storage, caf::infinite, atoms::scan_atom::value,
                storage::family::voice, records::voice_box_prefix(user),
                std::string{}, std::uint64_t{10000})
      .then(
          [self, c](const key_values& rows) mutable {
            std::vector<records::voice_entry> fresh;
            for (auto& [k, v] : rows)
              if (auto e = records::decode_voice_entry(v); e && !e->heard)
                fresh.push_back(*e);
            std::sort(
                fresh.begin(), fresh.end(), [](const auto& x, const auto& y) {
                  return std::tie(x.date_s, x.id) < std::tie(y.date_s, y.id);
                });
            auto items =
                std::make_shared<std::vector<playback_item>>(fresh.size());
            auto left = std::make_shared<std::size_t>(fresh.size());
            auto play = [self, c, items]() mutable {
              auto call = open_any(self, c);
              if (!call)
                return;
              std::vector<playback_item> list;
              for (auto& it : *items)
                if (!it.pcm.empty())
                  list.push_back(std::move(it));
              const auto& a = call->audio;
              playback_setup setup{
                  c,
                  codec_of(a),
                  a.payload_type,
                  a.telephone_event,
                  call->sock,
                  call->rtcp,
                  net::endpoint{a.remote.address, a.remote_port},
                  net::endpoint{a.remote.address, a.remote_rtcp_port},
                  std::move(call->answer),
                  std::move(list),
                  caf::actor_cast<caf::actor>(self),
                  self->state.cfg.clients};
              auto opened = *call;
              started(self, c, opened,
                      spawn_playback(self->system(), std::move(setup)));
            };
            if (fresh.empty()) {
              play();
              return;
            }
            for (std::size_t i = 0; i < fresh.size(); ++i) {
              auto id = fresh[i].id;
              (*items)[i].id = id;
              self->request(self->state.cfg.storage, caf::infinite,
                            caf::get_atom::value, storage::family::voice,
                            records::voice_blob_key(id))
                  .then(
                      [self, items, left, play, i,
                       id](const optional_string& blob) mutable {
                        if (blob)
                          if (auto plain = voice::open(
                                  *blob, self->state.cfg.master_key, id))
                            if (auto pcm = voice::decode_ogg_opus(*plain))
                              (*items)[i].pcm = to_8k(*pcm);
                        if (--*left == 0)
                          play();
                      },
                      [left, play](const caf::error&) mutable {
                        if (--*left == 0)
                          play();
                      });
            }
          },
          [self, c](const caf::error&) {
            if (c.from_legacy())
              caf::anon_send(c.legacy.controller, atoms::start_atom::value,
                             c.legacy.line, 500);
            else
              answer_call(self, c.invite, 500, "Server Internal Error");
          });
}

} // namespace

void on_call(pointer self, voice_call& c) {
  if (c.recipients.empty())
    start_listening(self, c);
  else
    start_recording(self, c);
}

} // namespace ivm::actors::voice_detail
