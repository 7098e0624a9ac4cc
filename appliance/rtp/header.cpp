#include "appliance/rtp/header.hpp"

#include "appliance/rtp/bytes.hpp"

namespace ivm::rtp {

namespace {

using detail::put16;
using detail::put32;
using detail::read16;
using detail::read32;

} // namespace

const char* to_string(rtp_error e) {
  switch (e) {
    case rtp_error::too_short:
      return "too short";
    case rtp_error::bad_version:
      return "bad version";
    case rtp_error::truncated:
      return "truncated";
    case rtp_error::bad_padding:
      return "bad padding";
    case rtp_error::looks_like_rtcp:
      return "looks like RTCP";
  }
  return "unknown";
}

expected<packet_view, rtp_error> parse(const std::uint8_t* data,
                                       std::size_t size) {
  if (data == nullptr || size < fixed_header_size)
    return unexpected(rtp_error::too_short);
  if ((data[0] >> 6) != 2)
    return unexpected(rtp_error::bad_version);
  packet_view pv;
  auto& h = pv.hdr;
  bool has_padding = (data[0] & 0x20) != 0;
  h.extension = (data[0] & 0x10) != 0;
  std::size_t cc = data[0] & 0x0F;
  h.marker = (data[1] & 0x80) != 0;
  h.payload_type = data[1] & 0x7F;
  if (h.marker && h.payload_type >= 72 && h.payload_type <= 76)
    return unexpected(rtp_error::looks_like_rtcp);
  h.sequence = read16(data + 2);
  h.timestamp = read32(data + 4);
  h.ssrc = read32(data + 8);
  std::size_t pos = fixed_header_size;
  if (size < pos + 4 * cc)
    return unexpected(rtp_error::truncated);
  for (std::size_t i = 0; i < cc; ++i, pos += 4)
    h.csrcs.push_back(read32(data + pos));
  if (h.extension) {
    if (size < pos + 4)
      return unexpected(rtp_error::truncated);
    h.extension_profile = read16(data + pos);
    std::size_t words = read16(data + pos + 2);
    pos += 4;
    if (size - pos < 4 * words)
      return unexpected(rtp_error::truncated);
    h.extension_data.assign(data + pos, data + pos + 4 * words);
    pos += 4 * words;
  }
  std::size_t end = size;
  if (has_padding) {
    std::size_t count = data[size - 1];
    if (count == 0 || count > size - pos)
      return unexpected(rtp_error::bad_padding);
    pv.padding = count;
    end -= count;
  }
  pv.payload = data + pos;
  pv.payload_size = end - pos;
  return pv;
}

std::vector<std::uint8_t> serialize(const header& h,
                                    const std::uint8_t* payload,
                                    std::size_t payload_size,
                                    std::uint8_t padding) {
  std::size_t cc = h.csrcs.size() > 15 ? 15 : h.csrcs.size();
  std::size_t ext_words = (h.extension_data.size() + 3) / 4;
  if (ext_words > 0xFFFF)
    ext_words = 0xFFFF;
  std::vector<std::uint8_t> out;
  out.reserve(fixed_header_size + 4 * cc + 4 + 4 * ext_words + payload_size +
              padding);
  out.push_back(static_cast<std::uint8_t>(0x80 | (padding != 0 ? 0x20 : 0) |
                                          (h.extension ? 0x10 : 0) | cc));
  out.push_back(static_cast<std::uint8_t>((h.marker ? 0x80 : 0) |
                                          (h.payload_type & 0x7F)));
  put16(out, h.sequence);
  put32(out, h.timestamp);
  put32(out, h.ssrc);
  for (std::size_t i = 0; i < cc; ++i)
    put32(out, h.csrcs[i]);
  if (h.extension) {
    put16(out, h.extension_profile);
    put16(out, static_cast<std::uint16_t>(ext_words));
    for (std::size_t i = 0; i < 4 * ext_words; ++i)
      out.push_back(i < h.extension_data.size() ? h.extension_data[i] : 0);
  }
  if (payload != nullptr)
    out.insert(out.end(), payload, payload + payload_size);
  if (padding != 0) {
    out.insert(out.end(), padding - 1u, 0);
    out.push_back(padding);
  }
  return out;
}

} // namespace ivm::rtp
