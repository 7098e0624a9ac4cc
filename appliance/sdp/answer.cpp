#include "appliance/sdp/offer_answer.hpp"

#include "appliance/sdp/text.hpp"

namespace ivm::sdp {

namespace {

bool can_send(direction d) {
  return d == direction::sendrecv || d == direction::sendonly;
}

bool can_receive(direction d) {
  return d == direction::sendrecv || d == direction::recvonly;
}

// RFC 3264 §6.1: the answer's direction given the offer's and what the box
// wants.
direction answer_direction(direction offered, direction wanted) {
  switch (offered) {
    case direction::sendrecv:
      return wanted;
    case direction::sendonly:
      return can_receive(wanted) ? direction::recvonly : direction::inactive;
    case direction::recvonly:
      return can_send(wanted) ? direction::sendonly : direction::inactive;
    case direction::inactive:
      return direction::inactive;
  }
  return direction::inactive;
}

int payload_type_of(const std::string& fmt) {
  auto v = detail::parse_uint(fmt, 127, 3);
  return v ? static_cast<int>(*v) : -1;
}

struct choice {
  const codec* audio = nullptr;
  int payload_type = -1;
  const codec* dtmf = nullptr;
  int dtmf_payload_type = -1;
};

choice choose(const media_description& m, const std::vector<codec>& codecs) {
  choice ch;
  for (const auto& c : codecs) {
    if (c.is_telephone_event())
      continue;
    for (const auto& f : m.formats) {
      auto pt = payload_type_of(f);
      auto r = resolve_rtpmap(m, pt);
      if (r && matches(c, *r)) {
        ch.audio = &c;
        ch.payload_type = pt;
        return ch;
      }
    }
  }
  return ch;
}

// RFC 4733 §2.1: telephone-event at the clock rate of the audio codec.
void choose_dtmf(const media_description& m, const std::vector<codec>& codecs,
                 choice& ch) {
  for (const auto& c : codecs)
    if (c.is_telephone_event() &&
        (ch.dtmf == nullptr || c.clock_rate == ch.audio->clock_rate))
      ch.dtmf = &c;
  if (ch.dtmf == nullptr)
    return;
  for (const auto& f : m.formats) {
    auto pt = payload_type_of(f);
    auto r = resolve_rtpmap(m, pt);
    if (r && detail::iequals(r->encoding, "telephone-event") &&
        r->clock_rate == ch.audio->clock_rate) {
      ch.dtmf_payload_type = pt;
      return;
    }
  }
  ch.dtmf = nullptr;
}

media_description rejected(const media_description& offered) {
  media_description m;
  m.media = offered.media;
  m.port = 0;
  m.proto = offered.proto;
  m.kind = offered.kind;
  m.formats = offered.formats;
  return m;
}

void add_format(media_description& m, const codec& c, int pt,
                std::uint32_t clock_rate) {
  m.formats.push_back(std::to_string(pt));
  m.rtpmaps.push_back(rtpmap{pt, c.encoding, clock_rate, c.channels});
  if (!c.fmtp.empty())
    m.fmtps.push_back(fmtp{pt, c.fmtp});
}

} // namespace

expected<answer_result, answer_error>
make_answer(const session_description& offer, const std::vector<codec>& codecs,
            const local_endpoint& local) {
  answer_result res;
  auto& a = res.answer;
  a.orig.username = local.username;
  a.orig.session_id = std::to_string(local.session_id);
  a.orig.session_version = std::to_string(local.session_version);
  a.orig.type = local.type;
  a.orig.address = local.address;
  a.name = "-";
  a.conn = connection{local.type, local.address};
  a.start_time = offer.start_time;
  a.stop_time = offer.stop_time;
  bool accepted = false;
  bool saw_audio = false;
  bool saw_srtp = false;
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const auto& om = offer.media[i];
    bool audio = detail::iequals(om.media, "audio") && om.port != 0;
    saw_audio = saw_audio || audio;
    if (audio && om.kind == transport::rtp_savp)
      saw_srtp = true;
    if (accepted || !audio || om.kind != transport::rtp_avp) {
      a.media.push_back(rejected(om));
      continue;
    }
    auto ch = choose(om, codecs);
    if (ch.audio == nullptr) {
      a.media.push_back(rejected(om));
      continue;
    }
    choose_dtmf(om, codecs, ch);
    media_description m;
    m.media = om.media;
    m.port = local.port;
    m.proto = om.proto;
    m.kind = om.kind;
    add_format(m, *ch.audio, ch.payload_type, ch.audio->clock_rate);
    if (ch.dtmf != nullptr)
      add_format(m, *ch.dtmf, ch.dtmf_payload_type, ch.audio->clock_rate);
    m.ptime = local.ptime;
    auto dir = answer_direction(effective_direction(offer, om), local.dir);
    m.dir = dir;
    a.media.push_back(std::move(m));
    accepted = true;
    auto& n = res.audio;
    n.index = i;
    n.audio = *ch.audio;
    n.payload_type = ch.payload_type;
    if (ch.dtmf != nullptr)
      n.telephone_event = ch.dtmf_payload_type;
    if (auto c = effective_connection(offer, om))
      n.remote = *c;
    n.remote_port = om.port;
    n.remote_ptime = om.ptime;
    n.remote_rtcp_port = rtcp_port_of(om);
    n.dir = dir;
  }
  if (!accepted) {
    if (!saw_audio)
      return unexpected(answer_error{488, "no audio stream offered"});
    if (saw_srtp)
      return unexpected(answer_error{488, "SRTP (RTP/SAVP) not supported"});
    return unexpected(answer_error{488, "no common audio codec"});
  }
  return res;
}

} // namespace ivm::sdp
