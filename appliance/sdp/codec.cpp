#include "appliance/sdp/codec.hpp"

#include "appliance/sdp/text.hpp"

namespace ivm::sdp {

bool codec::is_telephone_event() const {
  return detail::iequals(encoding, "telephone-event");
}

std::vector<codec> box_codecs() {
  return {
      codec{"PCMU", 8000, 0, 0, ""},
      codec{"PCMA", 8000, 0, 8, ""},
      codec{"opus", 48000, 2, -1, "useinbandfec=1"},
      codec{"telephone-event", 8000, 0, -1, "0-15"},
  };
}

std::optional<rtpmap> resolve_rtpmap(const media_description& m,
                                     int payload_type) {
  if (auto r = m.find_rtpmap(payload_type))
    return *r;
  if (payload_type < 96)
    return static_rtpmap(payload_type);
  return std::nullopt;
}

bool matches(const codec& c, const rtpmap& r) {
  auto channels = [](std::uint32_t n) { return n == 0 ? 1u : n; };
  return detail::iequals(c.encoding, r.encoding) &&
         c.clock_rate == r.clock_rate &&
         channels(c.channels) == channels(r.channels);
}

} // namespace ivm::sdp
