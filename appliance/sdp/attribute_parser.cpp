#include "appliance/sdp/attribute_parser.hpp"

#include "appliance/sdp/text.hpp"

namespace ivm::sdp::detail {

namespace {

std::optional<direction> direction_of(std::string_view name) {
  if (name == "sendrecv")
    return direction::sendrecv;
  if (name == "sendonly")
    return direction::sendonly;
  if (name == "recvonly")
    return direction::recvonly;
  if (name == "inactive")
    return direction::inactive;
  return std::nullopt;
}

// "<pt> <encoding>/<rate>[/<channels>]" (RFC 4566 §6).
const char* parse_rtpmap(std::string_view v, media_description& m) {
  auto sp = v.find(' ');
  if (sp == std::string_view::npos)
    return "malformed rtpmap";
  auto pt = parse_uint(v.substr(0, sp), 127, 3);
  if (!pt)
    return "bad rtpmap payload type";
  auto rest = v.substr(sp + 1);
  while (!rest.empty() && rest.back() == ' ')
    rest.remove_suffix(1);
  auto slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos)
    return "malformed rtpmap";
  rtpmap r;
  r.payload_type = static_cast<int>(*pt);
  r.encoding = std::string{rest.substr(0, slash)};
  if (r.encoding.size() > 64)
    return "malformed rtpmap";
  for (char c : r.encoding)
    if (c == ' ' || c == '\t')
      return "malformed rtpmap";
  auto tail = rest.substr(slash + 1);
  auto slash2 = tail.find('/');
  auto rate = parse_uint(tail.substr(0, slash2), 10'000'000, 8);
  if (!rate || *rate == 0)
    return "bad rtpmap clock rate";
  r.clock_rate = static_cast<std::uint32_t>(*rate);
  if (slash2 != std::string_view::npos) {
    auto ch = parse_uint(tail.substr(slash2 + 1), 255, 3);
    if (!ch || *ch == 0)
      return "bad rtpmap channels";
    r.channels = static_cast<std::uint32_t>(*ch);
  }
  if (m.find_rtpmap(r.payload_type) != nullptr)
    return "duplicate rtpmap";
  m.rtpmaps.push_back(std::move(r));
  return nullptr;
}

// "<pt> <parameters>"; a non-numeric format is kept as a plain attribute.
const char* parse_fmtp(std::string_view v, media_description& m) {
  auto sp = v.find(' ');
  auto pt = parse_uint(v.substr(0, sp), 127, 3);
  if (!pt) {
    m.attributes.push_back(attribute{"fmtp", std::string{v}, true});
    return nullptr;
  }
  auto params =
      sp == std::string_view::npos ? std::string_view{} : v.substr(sp + 1);
  while (!params.empty() && params.front() == ' ')
    params.remove_prefix(1);
  if (m.find_fmtp(static_cast<int>(*pt)) != nullptr)
    return "duplicate fmtp";
  m.fmtps.push_back(fmtp{static_cast<int>(*pt), std::string{params}});
  return nullptr;
}

} // namespace

const char* apply_attribute(std::string_view value, attribute_target target) {
  auto colon = value.find(':');
  auto name = value.substr(0, colon);
  if (name.empty())
    return "empty attribute name";
  if (colon == std::string_view::npos) {
    if (auto d = direction_of(name)) {
      if (target.dir->has_value())
        return "more than one direction attribute";
      *target.dir = d;
      return nullptr;
    }
    target.attributes->push_back(attribute{std::string{name}, {}, false});
    return nullptr;
  }
  auto v = value.substr(colon + 1);
  if (target.media != nullptr) {
    auto& m = *target.media;
    if (name == "rtpmap")
      return parse_rtpmap(v, m);
    if (name == "fmtp")
      return parse_fmtp(v, m);
    if (name == "ptime") {
      // Some phones send "20.0" (RFC 4566 allows a fraction).
      auto dot = v.find('.');
      auto ms = parse_uint(v.substr(0, dot), 1000, 4);
      if (!ms || *ms == 0)
        return "bad ptime";
      m.ptime = static_cast<std::uint32_t>(*ms);
      return nullptr;
    }
  }
  target.attributes->push_back(
      attribute{std::string{name}, std::string{v}, true});
  return nullptr;
}

} // namespace ivm::sdp::detail
