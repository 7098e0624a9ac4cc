#include "appliance/sdp/session.hpp"

namespace ivm::sdp {

const rtpmap* media_description::find_rtpmap(int payload_type) const {
  for (const auto& r : rtpmaps)
    if (r.payload_type == payload_type)
      return &r;
  return nullptr;
}

const std::string* media_description::find_fmtp(int payload_type) const {
  for (const auto& f : fmtps)
    if (f.payload_type == payload_type)
      return &f.parameters;
  return nullptr;
}

direction effective_direction(const session_description& s,
                              const media_description& m) {
  if (m.dir)
    return *m.dir;
  if (s.dir)
    return *s.dir;
  return direction::sendrecv;
}

const connection* effective_connection(const session_description& s,
                                       const media_description& m) {
  if (m.conn)
    return &*m.conn;
  if (s.conn)
    return &*s.conn;
  return nullptr;
}

const char* to_string(direction d) {
  switch (d) {
    case direction::sendrecv:
      return "sendrecv";
    case direction::sendonly:
      return "sendonly";
    case direction::recvonly:
      return "recvonly";
    case direction::inactive:
      return "inactive";
  }
  return "sendrecv";
}

std::optional<rtpmap> static_rtpmap(int payload_type) {
  switch (payload_type) {
    case 0:
      return rtpmap{0, "PCMU", 8000, 0};
    case 3:
      return rtpmap{3, "GSM", 8000, 0};
    case 4:
      return rtpmap{4, "G723", 8000, 0};
    case 8:
      return rtpmap{8, "PCMA", 8000, 0};
    case 9:
      return rtpmap{9, "G722", 8000, 0};
    case 18:
      return rtpmap{18, "G729", 8000, 0};
    default:
      return std::nullopt;
  }
}

} // namespace ivm::sdp
