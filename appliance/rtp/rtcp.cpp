#include "appliance/rtp/rtcp.hpp"

#include "appliance/rtp/bytes.hpp"
#include <algorithm>
#include <cstdlib>
#include <limits>
#include <tuple>

namespace ivm::rtp {

namespace {

using steady = std::chrono::steady_clock;

using detail::put16;
using detail::put32;
using detail::read16;
using detail::read32;

/// `d` in units of 1/`rate` s, without overflowing for long durations.
std::int64_t scale(std::chrono::nanoseconds d, std::int64_t rate) {
  constexpr std::int64_t giga = 1'000'000'000;
  auto ns = d.count();
  return ns / giga * rate + ns % giga * rate / giga;
}

std::uint32_t clamp32(std::int64_t v) {
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(
      v, 0, std::numeric_limits<std::uint32_t>::max()));
}

// -- parsing ------------------------------------------------------------------

constexpr std::size_t block_size = 24;

report_block read_block(const std::uint8_t* p) {
  report_block b;
  b.ssrc = read32(p);
  b.fraction_lost = p[4];
  auto lost = read32(p + 4) & 0xFFFFFFu;
  b.cumulative_lost = static_cast<std::int32_t>(lost);
  if (lost & 0x800000u)
    b.cumulative_lost -= 0x1000000;
  b.extended_highest_sequence = read32(p + 8);
  b.jitter = read32(p + 12);
  b.lsr = read32(p + 16);
  b.dlsr = read32(p + 20);
  return b;
}

/// Reads `count` blocks at `p` and the rest of `n` octets as extension.
template <class Report>
void read_blocks(Report& r, const std::uint8_t* p, std::size_t n,
                 std::size_t count) {
  for (std::size_t i = 0; i < count; ++i, p += block_size, n -= block_size)
    r.reports.push_back(read_block(p));
  r.extension.assign(p, p + n);
}

std::optional<rtcp_error> parse_sdes(const std::uint8_t* p, std::size_t n,
                                     std::size_t count, sdes& out) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (n - pos < 4)
      return rtcp_error::bad_count;
    auto& chunk = out.chunks.emplace_back();
    chunk.ssrc = read32(p + pos);
    pos += 4;
    for (;;) {
      if (pos >= n)
        return rtcp_error::bad_sdes; // no terminating null octet
      if (p[pos] == 0) {
        pos = (pos + 4) & ~std::size_t{3}; // null octet, pad to a word
        if (pos > n)
          return rtcp_error::bad_sdes;
        break;
      }
      if (n - pos < 2 || n - pos - 2 < p[pos + 1])
        return rtcp_error::bad_sdes;
      const char* text = reinterpret_cast<const char*>(p + pos + 2);
      chunk.items.push_back({p[pos], std::string(text, p[pos + 1])});
      pos += 2u + p[pos + 1];
    }
  }
  if (pos != n)
    return rtcp_error::bad_sdes;
  return std::nullopt;
}

std::optional<rtcp_error> parse_bye(const std::uint8_t* p, std::size_t n,
                                    std::size_t count, bye& out) {
  if (n < 4 * count)
    return rtcp_error::bad_count;
  for (std::size_t i = 0; i < count; ++i)
    out.ssrcs.push_back(read32(p + 4 * i));
  std::size_t rest = n - 4 * count;
  if (rest == 0)
    return std::nullopt;
  const std::uint8_t* r = p + 4 * count;
  std::size_t len = r[0];
  if (1 + len > rest || rest - 1 - len >= 4)
    return rtcp_error::bad_bye;
  out.reason.emplace(reinterpret_cast<const char*>(r + 1), len);
  return std::nullopt;
}

/// Parses the body (`n` octets after the header, padding excluded).
std::optional<rtcp_error> parse_one(std::uint8_t type, std::uint8_t count,
                                    const std::uint8_t* p, std::size_t n,
                                    std::vector<rtcp_packet>& out) {
  switch (type) {
    case rtcp_sr: {
      if (n < 24)
        return rtcp_error::bad_length;
      if (n - 24 < block_size * count)
        return rtcp_error::bad_count;
      sender_report sr;
      sr.ssrc = read32(p);
      sr.info.ntp_timestamp =
          (std::uint64_t{read32(p + 4)} << 32) | read32(p + 8);
      sr.info.rtp_timestamp = read32(p + 12);
      sr.info.packet_count = read32(p + 16);
      sr.info.octet_count = read32(p + 20);
      read_blocks(sr, p + 24, n - 24, count);
      out.emplace_back(std::move(sr));
      return std::nullopt;
    }
    case rtcp_rr: {
      if (n < 4)
        return rtcp_error::bad_length;
      if (n - 4 < block_size * count)
        return rtcp_error::bad_count;
      receiver_report rr;
      rr.ssrc = read32(p);
      read_blocks(rr, p + 4, n - 4, count);
      out.emplace_back(std::move(rr));
      return std::nullopt;
    }
    case rtcp_sdes: {
      sdes s;
      if (auto err = parse_sdes(p, n, count, s))
        return err;
      out.emplace_back(std::move(s));
      return std::nullopt;
    }
    case rtcp_bye: {
      bye b;
      if (auto err = parse_bye(p, n, count, b))
        return err;
      out.emplace_back(std::move(b));
      return std::nullopt;
    }
    default:
      out.emplace_back(other_packet{type, count, {p, p + n}});
      return std::nullopt;
  }
}

// -- writing ------------------------------------------------------------------

/// Appends one packet: header, then whatever `body` writes, zero-padded to
/// a word; fixes the length field at the end.
template <class F>
void write_packet(std::vector<std::uint8_t>& out, std::uint8_t type,
                  std::size_t count, F&& body) {
  auto start = out.size();
  out.push_back(
      static_cast<std::uint8_t>(0x80 | std::min<std::size_t>(count, 31)));
  out.push_back(type);
  put16(out, 0);
  body();
  while ((out.size() - start) % 4 != 0)
    out.push_back(0);
  auto words = (out.size() - start) / 4 - 1;
  out[start + 2] = static_cast<std::uint8_t>(words >> 8);
  out[start + 3] = static_cast<std::uint8_t>(words);
}

void write_block(std::vector<std::uint8_t>& out, const report_block& b) {
  put32(out, b.ssrc);
  auto lost = std::clamp(b.cumulative_lost, -0x800000, 0x7FFFFF);
  put32(out, (std::uint32_t{b.fraction_lost} << 24) |
                 (static_cast<std::uint32_t>(lost) & 0xFFFFFFu));
  put32(out, b.extended_highest_sequence);
  put32(out, b.jitter);
  put32(out, b.lsr);
  put32(out, b.dlsr);
}

template <class Report>
void write_blocks(std::vector<std::uint8_t>& out, const Report& r) {
  for (std::size_t i = 0; i < r.reports.size() && i < 31; ++i)
    write_block(out, r.reports[i]);
  out.insert(out.end(), r.extension.begin(), r.extension.end());
}

void write_text(std::vector<std::uint8_t>& out, const std::string& s) {
  auto len = std::min<std::size_t>(s.size(), 255);
  out.push_back(static_cast<std::uint8_t>(len));
  out.insert(out.end(), s.begin(),
             s.begin() + static_cast<std::ptrdiff_t>(len));
}

struct writer {
  std::vector<std::uint8_t>& out;

  void operator()(const sender_report& sr) {
    write_packet(out, rtcp_sr, sr.reports.size(), [&] {
      put32(out, sr.ssrc);
      put32(out, static_cast<std::uint32_t>(sr.info.ntp_timestamp >> 32));
      put32(out, static_cast<std::uint32_t>(sr.info.ntp_timestamp));
      put32(out, sr.info.rtp_timestamp);
      put32(out, sr.info.packet_count);
      put32(out, sr.info.octet_count);
      write_blocks(out, sr);
    });
  }

  void operator()(const receiver_report& rr) {
    write_packet(out, rtcp_rr, rr.reports.size(), [&] {
      put32(out, rr.ssrc);
      write_blocks(out, rr);
    });
  }

  void operator()(const sdes& s) {
    write_packet(out, rtcp_sdes, s.chunks.size(), [&] {
      for (std::size_t i = 0; i < s.chunks.size() && i < 31; ++i) {
        put32(out, s.chunks[i].ssrc);
        for (const auto& item : s.chunks[i].items) {
          if (item.type == 0)
            continue; // would end the chunk
          out.push_back(item.type);
          write_text(out, item.text);
        }
        out.push_back(0); // end of items, then pad to a word
        while (out.size() % 4 != 0)
          out.push_back(0);
      }
    });
  }

  void operator()(const bye& b) {
    write_packet(out, rtcp_bye, b.ssrcs.size(), [&] {
      for (std::size_t i = 0; i < b.ssrcs.size() && i < 31; ++i)
        put32(out, b.ssrcs[i]);
      if (b.reason)
        write_text(out, *b.reason);
    });
  }

  void operator()(const other_packet& o) {
    write_packet(out, o.type, o.count & 31u,
                 [&] { out.insert(out.end(), o.body.begin(), o.body.end()); });
  }
};

template <class Report>
std::vector<std::uint8_t> report_compound(const Report& r,
                                          std::string_view cname,
                                          const std::optional<bye>& b) {
  std::vector<rtcp_packet> ps{r};
  ps.emplace_back(sdes{{{r.ssrc, {{sdes_cname, std::string(cname)}}}}});
  if (b)
    ps.emplace_back(*b);
  return make_compound(ps);
}

} // namespace

const char* to_string(rtcp_error e) {
  switch (e) {
    case rtcp_error::truncated:
      return "truncated";
    case rtcp_error::bad_version:
      return "bad version";
    case rtcp_error::bad_first_packet:
      return "first packet not SR or RR";
    case rtcp_error::bad_length:
      return "bad length";
    case rtcp_error::bad_padding:
      return "bad padding";
    case rtcp_error::bad_count:
      return "count does not fit the length";
    case rtcp_error::bad_sdes:
      return "bad SDES chunk";
    case rtcp_error::bad_bye:
      return "bad BYE reason";
  }
  return "unknown";
}

// -- comparison ---------------------------------------------------------------

bool operator==(const sender_info& a, const sender_info& b) {
  return std::tie(a.ntp_timestamp, a.rtp_timestamp, a.packet_count,
                  a.octet_count) == std::tie(b.ntp_timestamp, b.rtp_timestamp,
                                             b.packet_count, b.octet_count);
}

bool operator==(const report_block& a, const report_block& b) {
  return std::tie(a.ssrc, a.fraction_lost, a.cumulative_lost,
                  a.extended_highest_sequence, a.jitter, a.lsr, a.dlsr) ==
         std::tie(b.ssrc, b.fraction_lost, b.cumulative_lost,
                  b.extended_highest_sequence, b.jitter, b.lsr, b.dlsr);
}

bool operator==(const sender_report& a, const sender_report& b) {
  return a.ssrc == b.ssrc && a.info == b.info && a.reports == b.reports &&
         a.extension == b.extension;
}

bool operator==(const receiver_report& a, const receiver_report& b) {
  return a.ssrc == b.ssrc && a.reports == b.reports &&
         a.extension == b.extension;
}

bool operator==(const sdes_item& a, const sdes_item& b) {
  return a.type == b.type && a.text == b.text;
}

bool operator==(const sdes_chunk& a, const sdes_chunk& b) {
  return a.ssrc == b.ssrc && a.items == b.items;
}

bool operator==(const sdes& a, const sdes& b) {
  return a.chunks == b.chunks;
}

bool operator==(const bye& a, const bye& b) {
  return a.ssrcs == b.ssrcs && a.reason == b.reason;
}

bool operator==(const other_packet& a, const other_packet& b) {
  return a.type == b.type && a.count == b.count && a.body == b.body;
}

// -- codec --------------------------------------------------------------------

bool looks_like_rtcp(const std::uint8_t* data, std::size_t size) {
  return data != nullptr && size >= 4 && (data[0] >> 6) == 2 &&
         data[1] >= rtcp_sr && data[1] <= rtcp_app;
}

expected<std::vector<rtcp_packet>, rtcp_error>
parse_compound(const std::uint8_t* data, std::size_t size) {
  if (data == nullptr || size == 0)
    return unexpected(rtcp_error::truncated);
  std::vector<rtcp_packet> out;
  std::size_t pos = 0;
  while (pos < size) {
    const std::uint8_t* p = data + pos;
    if (size - pos < 4)
      return unexpected(rtcp_error::truncated);
    if ((p[0] >> 6) != 2)
      return unexpected(rtcp_error::bad_version);
    if (pos == 0 && p[1] != rtcp_sr && p[1] != rtcp_rr)
      return unexpected(rtcp_error::bad_first_packet);
    std::size_t len = (std::size_t{read16(p + 2)} + 1) * 4;
    if (len > size - pos)
      return unexpected(rtcp_error::bad_length);
    std::size_t body = len - 4;
    if (p[0] & 0x20) {
      std::size_t padding = p[len - 1];
      if (pos + len != size || padding == 0 || padding % 4 != 0 ||
          padding > body)
        return unexpected(rtcp_error::bad_padding);
      body -= padding;
    }
    auto count = static_cast<std::uint8_t>(p[0] & 0x1F);
    if (auto err = parse_one(p[1], count, p + 4, body, out))
      return unexpected(*err);
    pos += len;
  }
  return out;
}

std::vector<std::uint8_t> serialize(const rtcp_packet& p) {
  std::vector<std::uint8_t> out;
  std::visit(writer{out}, p);
  return out;
}

std::vector<std::uint8_t> make_compound(const std::vector<rtcp_packet>& ps) {
  std::vector<std::uint8_t> out;
  for (const auto& p : ps)
    std::visit(writer{out}, p);
  return out;
}

std::vector<std::uint8_t> make_compound(const sender_report& sr,
                                        std::string_view cname,
                                        const std::optional<bye>& b) {
  return report_compound(sr, cname, b);
}

std::vector<std::uint8_t> make_compound(const receiver_report& rr,
                                        std::string_view cname,
                                        const std::optional<bye>& b) {
  return report_compound(rr, cname, b);
}

// -- NTP time -----------------------------------------------------------------

std::uint64_t to_ntp(std::chrono::system_clock::time_point t) {
  constexpr std::int64_t unix_epoch = 2'208'988'800; // 1970 - 1900 in s
  auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch())
          .count();
  std::int64_t secs = ns / 1'000'000'000;
  std::int64_t frac = ns % 1'000'000'000;
  if (frac < 0) {
    --secs;
    frac += 1'000'000'000;
  }
  auto hi = static_cast<std::uint64_t>(secs + unix_epoch) << 32;
  return hi | (static_cast<std::uint64_t>(frac) << 32) / 1'000'000'000u;
}

// -- receiver_stats -----------------------------------------------------------

receiver_stats::receiver_stats(std::uint32_t ssrc, std::uint32_t clock_rate)
  : ssrc_(ssrc), clock_rate_(clock_rate) {
  // nop
}

void receiver_stats::restart(std::uint16_t sequence) {
  started_ = true;
  base_seq_ = sequence;
  max_seq_ = sequence;
  cycles_ = 0;
  bad_seq_.reset();
  received_ = 0;
  expected_prior_ = 0;
  received_prior_ = 0;
  have_transit_ = false;
}

bool receiver_stats::on_packet(std::uint16_t sequence,
                               std::uint32_t rtp_timestamp,
                               std::uint32_t arrival) {
  if (!started_) {
    restart(sequence);
  } else {
    auto delta = static_cast<std::uint16_t>(sequence - max_seq_);
    if (delta < max_dropout) {
      if (sequence < max_seq_)
        cycles_ += 0x10000; // wrapped
      max_seq_ = sequence;
      bad_seq_.reset();
    } else if (delta <= 0x10000 - max_misorder) {
      if (bad_seq_ != sequence) { // a jump: wait for the next one
        bad_seq_ = static_cast<std::uint16_t>(sequence + 1);
        return false;
      }
      restart(sequence); // two in a row after the jump: sender restarted
    } // else a duplicate or a late packet: counted, nothing else moves
  }
  ++received_;
  // A.8: D = (Rj - Sj) - (Ri - Si), J += (|D| - J) / 16, J kept times 16.
  std::uint32_t transit = arrival - rtp_timestamp;
  if (have_transit_) {
    auto d = static_cast<std::int32_t>(transit - transit_);
    auto abs_d = static_cast<std::uint64_t>(std::abs(std::int64_t{d}));
    jitter_q4_ = jitter_q4_ - ((jitter_q4_ + 8) >> 4) + abs_d;
  }
  transit_ = transit;
  have_transit_ = true;
  return true;
}

bool receiver_stats::on_packet(std::uint16_t sequence,
                               std::uint32_t rtp_timestamp,
                               steady::time_point arrival) {
  return on_packet(sequence, rtp_timestamp, to_rtp_units(arrival));
}

std::uint32_t receiver_stats::to_rtp_units(steady::time_point t) {
  if (!origin_)
    origin_ = t;
  return static_cast<std::uint32_t>(scale(t - *origin_, clock_rate_));
}

void receiver_stats::on_sender_report(std::uint64_t ntp_timestamp,
                                      steady::time_point arrival) {
  lsr_ = ntp_middle32(ntp_timestamp);
  lsr_arrival_ = arrival;
}

std::uint32_t receiver_stats::jitter() const {
  return static_cast<std::uint32_t>(
      std::min<std::uint64_t>(jitter_q4_ >> 4, 0xFFFFFFFFu));
}

std::int64_t receiver_stats::cumulative_lost() const {
  if (!started_)
    return 0;
  std::int64_t expected =
      std::int64_t{extended_highest_sequence()} - base_seq_ + 1;
  return expected - static_cast<std::int64_t>(received_);
}

report_block receiver_stats::make_report(steady::time_point now) {
  report_block rb;
  rb.ssrc = ssrc_;
  if (started_) {
    auto expected = static_cast<std::uint64_t>(
        std::int64_t{extended_highest_sequence()} - base_seq_ + 1);
    auto expected_interval = expected - expected_prior_;
    auto received_interval = received_ - received_prior_;
    expected_prior_ = expected;
    received_prior_ = received_;
    if (expected_interval > received_interval) {
      auto lost_interval = expected_interval - received_interval;
      rb.fraction_lost = static_cast<std::uint8_t>(std::min<std::uint64_t>(
          (lost_interval << 8) / expected_interval, 255));
    }
    rb.cumulative_lost = static_cast<std::int32_t>(
        std::clamp<std::int64_t>(cumulative_lost(), -0x800000, 0x7FFFFF));
    rb.extended_highest_sequence = extended_highest_sequence();
  }
  rb.jitter = jitter();
  if (lsr_arrival_) {
    rb.lsr = lsr_;
    rb.dlsr = clamp32(scale(now - *lsr_arrival_, 65536));
  }
  return rb;
}

// -- sender_stats -------------------------------------------------------------

sender_stats::sender_stats(std::uint32_t clock_rate) : clock_rate_(clock_rate) {
  // nop
}

void sender_stats::on_sent(std::uint32_t rtp_timestamp,
                           std::size_t payload_octets, steady::time_point now) {
  ++packets_;
  octets_ += static_cast<std::uint32_t>(payload_octets);
  last_timestamp_ = rtp_timestamp;
  last_sent_ = now;
}

sender_info sender_stats::make_info(std::chrono::system_clock::time_point wall,
                                    steady::time_point now) const {
  sender_info si;
  si.ntp_timestamp = to_ntp(wall);
  si.packet_count = packets_;
  si.octet_count = octets_;
  if (last_sent_)
    si.rtp_timestamp =
        last_timestamp_ +
        static_cast<std::uint32_t>(scale(now - *last_sent_, clock_rate_));
  return si;
}

// -- report interval ----------------------------------------------------------

std::chrono::duration<double> rtcp_interval(const rtcp_interval_params& p,
                                            double random_factor) {
  constexpr double compensation = 2.71828182845904523536 - 1.5;
  double t_min = p.initial ? 2.5 : 5.0;
  double members = std::max(p.members, 1);
  double senders = std::clamp<double>(p.senders, 0, members);
  // Senders share 25% of the RTCP bandwidth when they are few (§6.2).
  double n = members;
  double bandwidth = p.rtcp_bandwidth;
  if (senders > 0 && senders <= members * 0.25) {
    n = p.we_sent ? senders : members - senders;
    bandwidth *= p.we_sent ? 0.25 : 0.75;
  }
  double t = bandwidth > 0 ? n * p.avg_rtcp_size / bandwidth : 0;
  t = std::max(t, t_min) * std::clamp(random_factor, 0.5, 1.5);
  return std::chrono::duration<double>{t / compensation};
}

} // namespace ivm::rtp
