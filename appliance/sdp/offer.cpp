#include "appliance/sdp/offer_answer.hpp"

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

} // namespace ivm::sdp
