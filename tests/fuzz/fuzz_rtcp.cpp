// Fuzzes RTCP compound parsing (RFC 3550 A.2 checks): what parses must
// write back to a compound that parses to the same packets, and writing it
// again gives the same octets. The input also drives the reception
// statistics as a stream of (sequence, timestamp, arrival) triples.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "appliance/rtp/rtcp.hpp"

namespace rtp = ivm::rtp;

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

std::uint32_t read32(const uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
         (std::uint32_t{p[2]} << 8) | p[3];
}

void stats(const uint8_t* data, size_t size) {
  rtp::receiver_stats rs{1, 8000};
  std::chrono::steady_clock::time_point now{};
  for (size_t i = 0; i + 10 <= size; i += 10) {
    auto seq = static_cast<std::uint16_t>((data[i] << 8) | data[i + 1]);
    rs.on_packet(seq, read32(data + i + 2), read32(data + i + 6));
    if (data[i] == 0xC8)
      rs.on_sender_report(std::uint64_t{read32(data + i + 2)} << 16, now);
  }
  auto rb = rs.make_report(now + std::chrono::seconds{1});
  check(rb.cumulative_lost >= -0x800000 && rb.cumulative_lost <= 0x7FFFFF);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rtp::looks_like_rtcp(data, size);
  if (auto ps = rtp::parse_compound(data, size)) {
    check(!ps->empty());
    auto wire = rtp::make_compound(*ps);
    check(wire.size() <= size);
    auto again = rtp::parse_compound(wire.data(), wire.size());
    check(again.has_value());
    check(*again == *ps);
    check(rtp::make_compound(*again) == wire);
  }
  stats(data, size);
  return 0;
}
