// A caller asked what they want (issue 18, rule `ask`; docs/call-routing.md
// "Ask the caller"): the box has answered and speaks a menu (talk 1, voice
// message 2, fax 3), keys by RFC 4733 or SIP INFO. "Talk" rings the user's
// devices while the caller hears "please hold" and ringback; the first
// device to answer is bridged with the caller (the box relays the audio
// both ways, transcoding where the codecs differ); nobody answering in the
// rule's time, or every device refusing, leads to a voice message. No key
// after three rounds of the menu is a voice message too, and a fax
// machine's calling tone during the menu starts the fax at once.

#include <cstdio>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "actors/voice/session_state.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/net/udp_socket.hpp"
#include "appliance/routing/zone_holder.hpp"
#include "appliance/rtp/header.hpp"
#include "appliance/rtp/telephone_event.hpp"
#include "appliance/voice/frame_encoder.hpp"

namespace ivm::actors::voice_session {

namespace {

/// How long the menu waits for a key after the prompt, and how often it is
/// said before the caller is taken to the voice message.
constexpr auto menu_wait = std::chrono::seconds{5};
constexpr int menu_rounds_max = 3;

// 20 ms frames of `pcm` in the caller's codec, after `lead_ms` of silence
// (phones often clip the first moments of a stream).
std::vector<std::string> frames_of(const session_state& st,
                                   const ask_prompts::pcm& pcm,
                                   int lead_ms = 0) {
  voice::frame_encoder enc{st.s.recorder.codec};
  std::vector<std::int16_t> all(static_cast<std::size_t>(lead_ms) * 8, 0);
  if (pcm)
    all.insert(all.end(), pcm->begin(), pcm->end());
  std::vector<std::string> out;
  std::int16_t frame[voice::frame_encoder::frame_samples];
  std::uint8_t buf[voice::frame_encoder::max_payload];
  for (std::size_t i = 0; i < all.size();
       i += voice::frame_encoder::frame_samples) {
    for (std::size_t k = 0; k < voice::frame_encoder::frame_samples; ++k)
      frame[k] = i + k < all.size() ? all[i + k] : 0;
    if (auto n = enc.encode(frame, buf))
      out.emplace_back(reinterpret_cast<const char*>(buf), n);
  }
  return out;
}

// Ringback: 425 Hz for a second, four seconds of silence (ETSI ES 201 970).
std::vector<std::string> ringback(const session_state& st) {
  auto out = voice::tone_frames(st.s.recorder.codec, 1000, 425.0);
  auto quiet =
      frames_of(st, std::make_shared<std::vector<std::int16_t>>(32000, 0));
  out.insert(out.end(), quiet.begin(), quiet.end());
  return out;
}

void play(pointer self, std::vector<std::string> frames, after_prompt then) {
  auto& st = self->state;
  st.play = std::move(frames);
  st.play_next = 0;
  st.then = then;
  st.play_start = steady::now();
  ++st.play_gen;
  play_due(self, st.play_gen);
}

void stop_playing(pointer self) {
  auto& st = self->state;
  ++st.play_gen;
  st.play.clear();
}

// The prompt `pcm`, then a voice message (the tone, then recording).
void to_record(pointer self, const ask_prompts::pcm& pcm) {
  auto& st = self->state;
  st.at = phase::record;
  play(self, frames_of(st, pcm), after_prompt::record);
}

void start_talk(pointer self) {
  auto& st = self->state;
  if (st.s.legs.empty()) {
    st.log->info("call from {}: {} has no device to ring", st.s.call.user,
                 st.s.call.recipients.front());
    to_record(self, st.s.ask->unavailable);
    return;
  }
  st.at = phase::talk;
  st.log->info("call from {}: talk to {}: ringing {} device(s)", st.s.call.user,
               st.s.call.recipients.front(), st.s.legs.size());
  call_legs(self, false);
  self->delayed_send(self, st.s.answer_timeout, atoms::expire_atom::value);
  play(self, frames_of(st, st.s.ask->connecting), after_prompt::ring);
}

void prompt_over(pointer self) {
  auto& st = self->state;
  switch (st.then) {
    case after_prompt::wait_key:
      self->delayed_send(self, menu_wait, atoms::offer_atom::value,
                         st.play_gen);
      return;
    case after_prompt::record:
      // What the caller said in the menu is not part of the message.
      st.rec = std::make_unique<voice::recorder>(st.s.recorder, steady::now());
      st.cng_fed = 0;
      st.cng.reset();
      start_tone(self);
      return;
    case after_prompt::ring:
      if (!st.talking)
        play(self, ringback(st), after_prompt::ring);
      return;
    case after_prompt::fax:
      fax_begin(self);
      return;
  }
}

std::string clock_text(const session_state& st) {
  auto unix = static_cast<std::int64_t>(directory::unix_now());
  auto lt = st.s.clients->zone->get()->to_local(unix);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", lt.hour % 100, lt.minute % 100);
  return buf;
}

} // namespace

void ask_start(pointer self) {
  auto& st = self->state;
  st.at = phase::menu;
  play(self, frames_of(st, st.s.ask->menu, 200), after_prompt::wait_key);
}

void play_due(pointer self, std::uint64_t gen) {
  auto& st = self->state;
  if (gen != st.play_gen || st.done || st.closing || st.fax)
    return;
  if (st.play_next >= st.play.size()) {
    prompt_over(self);
    return;
  }
  send_frame(self, st.play[st.play_next], st.play_next == 0);
  ++st.play_next;
  // Paced from the start, so that timer jitter does not add up.
  auto due = st.play_start + std::chrono::milliseconds{20 * st.play_next};
  auto now = steady::now();
  auto wait =
      due > now
          ? std::chrono::duration_cast<std::chrono::milliseconds>(due - now)
          : std::chrono::milliseconds{0};
  self->delayed_send(self, wait, atoms::retry_atom::value, gen);
}

void menu_wait_over(pointer self, std::uint64_t gen) {
  auto& st = self->state;
  if (gen != st.play_gen || st.at != phase::menu || st.done || st.closing)
    return;
  if (++st.menu_rounds < menu_rounds_max) {
    play(self, frames_of(st, st.s.ask->menu), after_prompt::wait_key);
    return;
  }
  st.log->info("call from {}: no key pressed: a voice message", st.s.call.user);
  to_record(self, st.s.ask->leave);
}

void ask_key(pointer self, char key) {
  auto& st = self->state;
  if (st.done || st.closing)
    return;
  switch (st.at) {
    case phase::menu:
      st.log->info("call from {}: key {} in the menu", st.s.call.user, key);
      if (key == '1') {
        start_talk(self);
      } else if (key == '2') {
        to_record(self, st.s.ask->leave);
      } else if (key == '3') {
        st.at = phase::record; // a fax machine's tone may still start it
        play(self, frames_of(st, st.s.ask->fax), after_prompt::fax);
      }
      return;
    case phase::record:
      if (key == '#' && recording(st))
        finish(self, "#", true);
      return;
    case phase::talk:
      return;
  }
}

std::optional<char> info_key(const sip::message& m) {
  return rtp::dtmf_of_info(m.value_of("Content-Type"), m.body);
}

void ask_packet(pointer self, const datagram& d) {
  auto& st = self->state;
  const auto& expected = st.s.recorder.expected_host;
  if (!expected.empty() && d.from.host != expected)
    return;
  auto* p = reinterpret_cast<const std::uint8_t*>(d.payload.data());
  auto n = d.payload.size();
  auto pkt = rtp::parse(p, n);
  if (!pkt)
    return;
  if (st.rtcp)
    st.rtcp->session.on_received(p, n, steady::now());
  if (st.s.recorder.telephone_event &&
      pkt->hdr.payload_type == *st.s.recorder.telephone_event) {
    // RFC 4733: every packet of one key press has its timestamp.
    auto ev = rtp::parse_telephone_event(pkt->payload, pkt->payload_size);
    if (ev && st.last_event_ts != pkt->hdr.timestamp) {
      st.last_event_ts = pkt->hdr.timestamp;
      if (auto key = rtp::dtmf_char(ev->event))
        ask_key(self, *key);
    }
    return;
  }
  if (st.at == phase::menu) {
    // Kept for the fax machine's calling tone (CNG), heard at once.
    st.rec->on_packet(d.payload, d.from.host, steady::now());
    if (fax_watch(self))
      stop_playing(self);
    return;
  }
  if (st.at == phase::talk && st.talking && st.relay)
    st.relay->on_packet(p, n,
                        [self](std::size_t leg, const std::uint8_t* q,
                               std::size_t m) { to_leg(self, leg, q, m); });
}

void talk_answered(pointer self, std::size_t i) {
  auto& st = self->state;
  auto& l = st.legs[i];
  if (st.talking || st.at != phase::talk || st.done) {
    // Another device was quicker, or the caller was sent on: not needed.
    if (st.relay)
      st.relay->remove_leg(l.relay_leg);
    send_leg(self, l, make_leg_bye(*st.s.clients, l.d));
    l.at = leg_state::phase::gone;
    return;
  }
  st.talking = i;
  stop_playing(self);
  for (std::size_t k = 0; k < st.legs.size(); ++k)
    if (k != i && (st.legs[k].at == leg_state::phase::calling ||
                   st.legs[k].at == leg_state::phase::ringing))
      cancel_leg(self, st.legs[k]);
  // The callee's audio to the caller, on the stream the prompts used.
  st.back = std::make_unique<voice::relay>(l.format);
  st.back->add_leg(
      voice::stream_format{st.s.recorder.codec, st.s.recorder.payload_type},
      st.ssrc, st.seq, st.ts);
  auto me = caf::actor_cast<caf::actor>(self);
  auto id = static_cast<std::uint64_t>(i);
  l.s.socket->start([me, id](std::string payload, net::endpoint from) {
    caf::anon_send(me, atoms::recv_atom::value, id,
                   datagram{std::move(payload), std::move(from)});
  });
  st.log->info("call from {}: {} answered on {}: talking", st.s.call.user,
               l.s.user, l.s.target.uri);
}

void talk_packet(pointer self, std::size_t leg, const datagram& d) {
  auto& st = self->state;
  if (st.done || !st.talking || *st.talking != leg || !st.back)
    return;
  auto& l = st.legs[leg];
  if (d.from.host != l.media.host)
    return;
  auto* p = reinterpret_cast<const std::uint8_t*>(d.payload.data());
  if (l.rtcp)
    l.rtcp->session.on_received(p, d.payload.size(), steady::now());
  st.back->on_packet(p, d.payload.size(),
                     [self](std::size_t, const std::uint8_t* q, std::size_t n) {
                       auto& s = self->state;
                       s.s.socket->send_to(
                           std::string{reinterpret_cast<const char*>(q), n},
                           s.s.remote_media);
                       if (s.rtcp)
                         s.rtcp->sent(q, n);
                     });
}

void talk_nobody(pointer self) {
  auto& st = self->state;
  if (st.at != phase::talk || st.talking || st.done)
    return;
  for (auto& l : st.legs)
    if (!l.cancel_wanted && (l.at == leg_state::phase::calling ||
                             l.at == leg_state::phase::ringing))
      cancel_leg(self, l);
  st.log->info("call from {}: {} did not answer: a voice message",
               st.s.call.user, st.s.call.recipients.front());
  to_record(self, st.s.ask->unavailable);
}

void ask_over(pointer self, const char* why) {
  auto& st = self->state;
  const auto& to = st.s.call.recipients.front();
  if (st.talking) {
    st.log->info("call from {} to {} ended ({})", st.s.call.user, to, why);
    return;
  }
  st.log->info("call from {} to {} ended in the menu ({}): a missed call",
               st.s.call.user, to, why);
  const auto& dir = st.s.call.directory;
  if (!dir)
    return;
  const auto& name = st.s.call.user_name;
  auto who = name.empty() || name == st.s.call.user
                 ? st.s.call.user
                 : name + " (" + st.s.call.user + ")";
  caf::anon_send(dir, atoms::notify_atom::value, to,
                 directory::make_notice(to, st.s.clients->domain,
                                        "Missed call from " + who + " at " +
                                            clock_text(st) + ".",
                                        directory::unix_now()));
}

} // namespace ivm::actors::voice_session
