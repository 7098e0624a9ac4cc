#include "appliance/sdp/offer_answer.hpp"

#include "appliance/sdp/text.hpp"

namespace ivm::sdp {

session_description make_offer(const std::vector<codec>& codecs,
                               const local_endpoint& local) {
  session_description s;
  s.orig.username = local.username;
  s.orig.session_id = std::to_string(local.session_id);
  s.orig.session_version = std::to_string(local.session_version);
  s.orig.type = local.type;
  s.orig.address = local.address;
  s.name = "-";
  s.conn = connection{local.type, local.address};
  media_description m;
  m.media = "audio";
  m.port = local.port;
  m.proto = "RTP/AVP";
  m.kind = transport::rtp_avp;
  int next_dynamic = 96;
  for (const auto& c : codecs) {
    int pt =
        c.static_payload_type >= 0 ? c.static_payload_type : next_dynamic++;
    if (pt > 127)
      break;
    m.formats.push_back(std::to_string(pt));
    m.rtpmaps.push_back(rtpmap{pt, c.encoding, c.clock_rate, c.channels});
    if (!c.fmtp.empty())
      m.fmtps.push_back(fmtp{pt, c.fmtp});
  }
  m.ptime = local.ptime;
  m.dir = local.dir;
  s.media.push_back(std::move(m));
  return s;
}

std::uint16_t rtcp_port_of(const media_description& m) {
  for (const auto& a : m.attributes)
    if (a.has_value && detail::iequals(a.name, "rtcp")) {
      auto v = a.value.substr(0, a.value.find(' '));
      if (auto port = detail::parse_uint(v, 65535, 5); port && *port > 0)
        return static_cast<std::uint16_t>(*port);
    }
  return static_cast<std::uint16_t>(m.port + 1);
}

expected<negotiated_audio, std::string>
read_answer(const session_description& answer,
            const std::vector<codec>& codecs) {
  for (std::size_t i = 0; i < answer.media.size(); ++i) {
    const auto& m = answer.media[i];
    if (!detail::iequals(m.media, "audio") || m.port == 0 ||
        m.kind != transport::rtp_avp)
      continue;
    negotiated_audio n;
    bool found = false;
    for (const auto& f : m.formats) {
      auto v = detail::parse_uint(f, 127, 3);
      if (!v)
        continue;
      auto pt = static_cast<int>(*v);
      auto r = resolve_rtpmap(m, pt);
      if (!r)
        continue;
      for (const auto& c : codecs) {
        if (!matches(c, *r))
          continue;
        if (c.is_telephone_event()) {
          if (!n.telephone_event)
            n.telephone_event = pt;
        } else if (!found) {
          n.audio = c;
          n.payload_type = pt;
          found = true;
        }
        break;
      }
    }
    if (!found)
      return unexpected(std::string{"no offered codec in the answer"});
    const auto* c = effective_connection(answer, m);
    if (c == nullptr)
      return unexpected(std::string{"no connection address in the answer"});
    n.index = i;
    n.remote = *c;
    n.remote_port = m.port;
    n.remote_ptime = m.ptime;
    n.remote_rtcp_port = rtcp_port_of(m);
    n.dir = effective_direction(answer, m);
    return n;
  }
  return unexpected(std::string{"no audio stream accepted"});
}

} // namespace ivm::sdp
