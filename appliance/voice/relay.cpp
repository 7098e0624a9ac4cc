#include "appliance/voice/relay.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <vector>

#include <opus/opus.h>

#include "appliance/rtp/g711.hpp"
#include "appliance/rtp/header.hpp"
#include "appliance/voice/frame_encoder.hpp"

namespace ivm::voice {

namespace {

/// 20 ms at 8 kHz: the frame of every transcoded leg.
constexpr std::size_t frame_samples = frame_encoder::frame_samples;

/// Input RTP ticks per PCM sample at 8 kHz.
constexpr std::uint32_t ticks_per_sample(audio_codec c) {
  return c == audio_codec::opus ? 6 : 1;
}

/// Longest loss filled with concealment or silence: 120 ms, the longest
/// Opus packet (RFC 6716 §3.2.5) and so the longest Opus PLC call.
constexpr std::size_t max_fill_samples = 960;

/// Longest Opus packet we decode: 120 ms at 8 kHz.
constexpr std::size_t max_opus_samples = 960;

/// Room for one encoded frame.
constexpr std::size_t max_opus_bytes = frame_encoder::max_payload;

/// How far back a packet may be and still count as late (dropped for
/// transcoded legs); further back is a new stream (resynchronise).
constexpr int late_window = 100;

struct decoder_deleter {
  void operator()(OpusDecoder* p) const {
    opus_decoder_destroy(p);
  }
};

/// The RFC 3550 §5.1 fixed header: V=2, no padding, extension or CSRCs.
void write_header(std::uint8_t* p, bool marker, std::uint8_t pt,
                  std::uint16_t seq, std::uint32_t ts, std::uint32_t ssrc) {
  p[0] = 0x80;
  p[1] = static_cast<std::uint8_t>((marker ? 0x80 : 0) | (pt & 0x7f));
  p[2] = static_cast<std::uint8_t>(seq >> 8);
  p[3] = static_cast<std::uint8_t>(seq);
  for (int i = 0; i < 4; ++i) {
    p[4 + i] = static_cast<std::uint8_t>(ts >> (24 - 8 * i));
    p[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  }
}

} // namespace

// -- state --------------------------------------------------------------------

struct relay::impl {
  struct leg {
    audio_codec codec;
    std::uint8_t payload_type;
    std::uint32_t ssrc;
    /// Transcoded: the next sequence number and timestamp. Pass-through:
    /// the first ones until `started`, then the offsets from the input's.
    std::uint16_t seq;
    std::uint32_t ts;
    bool live = true;
    bool started = false;
  };

  /// Everything sent in one codec: the legs and, when transcoded, the PCM
  /// not yet making a full frame and the encoder.
  struct output {
    std::vector<std::size_t> members;
    std::vector<std::int16_t> pcm;
    std::optional<frame_encoder> enc;
  };

  explicit impl(stream_format f) : in(f) {
    buf.resize(rtp::fixed_header_size + max_opus_bytes);
    if (in.codec == audio_codec::opus) {
      int err = 0;
      dec.reset(opus_decoder_create(8000, 1, &err));
      if (err != OPUS_OK)
        dec.reset();
    }
  }

  bool transcoding() const {
    for (std::size_t i = 0; i < outputs.size(); ++i)
      if (i != static_cast<std::size_t>(in.codec) &&
          !outputs[i].members.empty())
        return true;
    return false;
  }

  void compact();
  bool accept(const rtp::packet_view& pkt, std::size_t& duration);
  enum class decoded { ok, late, bad };
  decoded decode(const rtp::packet_view& pkt, std::size_t duration);
  void pass_through(const rtp::packet_view& pkt, const sink& out);
  void encode_and_send(audio_codec c, const std::int16_t* frame,
                       const sink& out);
  void transcode(const sink& out);

  stream_format in;
  std::vector<leg> legs;
  std::array<output, 3> outputs;
  std::size_t live = 0;
  /// Inside a sink call: removals only mark the leg.
  bool busy = false;
  bool dirty = false;
  std::unique_ptr<OpusDecoder, decoder_deleter> dec;
  /// The decoded input of the current packet (fill first).
  std::vector<std::int16_t> pcm;
  /// One outgoing packet: header, then payload. Reused for every leg.
  std::vector<std::uint8_t> buf;
  /// Input position for the transcoded legs.
  bool have_last = false;
  std::uint16_t last_seq = 0;
  std::uint32_t next_ts = 0;
  std::uint32_t last_ssrc = 0;
  relay_stats stats;
};

void relay::impl::compact() {
  for (std::size_t c = 0; c < outputs.size(); ++c) {
    auto& o = outputs[c];
    auto dead = [this](std::size_t id) { return !legs[id].live; };
    o.members.erase(std::remove_if(o.members.begin(), o.members.end(), dead),
                    o.members.end());
    if (o.members.empty()) {
      o.pcm.clear();
      if (o.enc)
        o.enc->reset();
    }
  }
  dirty = false;
}

// -- input --------------------------------------------------------------------

/// Whether `pkt` carries audio we can use; `duration` gets its length in
/// input RTP ticks.
bool relay::impl::accept(const rtp::packet_view& pkt, std::size_t& duration) {
  if (pkt.hdr.payload_type != in.payload_type || pkt.payload_size == 0)
    return false;
  if (in.codec != audio_codec::opus) {
    duration = pkt.payload_size;
    return true;
  }
  // The full RFC 6716 §3.2 framing check, also for packets that are only
  // passed through.
  const unsigned char* frames[48];
  opus_int16 sizes[48];
  auto count =
      opus_packet_parse(pkt.payload, static_cast<opus_int32>(pkt.payload_size),
                        nullptr, frames, sizes, nullptr);
  if (count <= 0)
    return false;
  auto n = count * opus_packet_get_samples_per_frame(pkt.payload, 48000);
  if (n > 5760)
    return false;
  duration = static_cast<std::size_t>(n);
  return true;
}

/// Decodes `pkt` into `pcm`, preceded by concealment for lost packets.
relay::impl::decoded relay::impl::decode(const rtp::packet_view& pkt,
                                         std::size_t duration) {
  const auto& h = pkt.hdr;
  std::size_t fill = 0;
  if (have_last && h.ssrc == last_ssrc) {
    auto step = static_cast<std::int16_t>(h.sequence - last_seq);
    if (step <= 0 && step > -late_window)
      return decoded::late; // its time has passed
    auto gap = static_cast<std::int32_t>(h.timestamp - next_ts);
    auto per = ticks_per_sample(in.codec);
    if (step > 1 && gap > 0 &&
        static_cast<std::size_t>(gap) <= max_fill_samples * per)
      fill = static_cast<std::size_t>(gap) / per;
  }
  std::size_t samples =
      in.codec == audio_codec::opus ? max_opus_samples : pkt.payload_size;
  if (in.codec == audio_codec::opus)
    fill -= fill % 20; // PLC works in whole 2.5 ms steps
  pcm.resize(fill + samples);
  switch (in.codec) {
    case audio_codec::pcmu:
      std::fill(pcm.begin(), pcm.begin() + static_cast<long>(fill), 0);
      rtp::g711::decode_ulaw(pkt.payload, samples, pcm.data() + fill);
      break;
    case audio_codec::pcma:
      std::fill(pcm.begin(), pcm.begin() + static_cast<long>(fill), 0);
      rtp::g711::decode_alaw(pkt.payload, samples, pcm.data() + fill);
      break;
    case audio_codec::opus: {
      if (!dec)
        return decoded::bad;
      if (fill > 0 && opus_decode(dec.get(), nullptr, 0, pcm.data(),
                                  static_cast<int>(fill), 0) < 0)
        std::fill(pcm.begin(), pcm.begin() + static_cast<long>(fill), 0);
      int got = opus_decode(dec.get(), pkt.payload,
                            static_cast<opus_int32>(pkt.payload_size),
                            pcm.data() + fill, static_cast<int>(samples), 0);
      if (got < 0)
        return decoded::bad;
      samples = static_cast<std::size_t>(got);
      pcm.resize(fill + samples);
      break;
    }
  }
  have_last = true;
  last_ssrc = h.ssrc;
  last_seq = h.sequence;
  next_ts = h.timestamp + static_cast<std::uint32_t>(duration);
  ++stats.decoded;
  return decoded::ok;
}

// -- output -------------------------------------------------------------------

void relay::impl::pass_through(const rtp::packet_view& pkt, const sink& out) {
  auto& o = outputs[static_cast<std::size_t>(in.codec)];
  if (o.members.empty())
    return;
  auto size = rtp::fixed_header_size + pkt.payload_size;
  if (buf.size() < size)
    buf.resize(size);
  std::memcpy(buf.data() + rtp::fixed_header_size, pkt.payload,
              pkt.payload_size);
  const auto& h = pkt.hdr;
  // By index: the sink may add legs (and so grow `members`).
  for (std::size_t i = 0, n = o.members.size(); i < n; ++i) {
    auto id = o.members[i];
    auto& l = legs[id];
    if (!l.live)
      continue;
    bool marker = h.marker;
    if (!l.started) {
      l.seq = static_cast<std::uint16_t>(l.seq - h.sequence);
      l.ts -= h.timestamp;
      l.started = true;
      marker = true;
    }
    write_header(buf.data(), marker, l.payload_type,
                 static_cast<std::uint16_t>(h.sequence + l.seq),
                 h.timestamp + l.ts, l.ssrc);
    ++stats.sent;
    out(id, buf.data(), size);
  }
}

void relay::impl::encode_and_send(audio_codec c, const std::int16_t* frame,
                                  const sink& out) {
  auto& o = outputs[static_cast<std::size_t>(c)];
  if (!o.enc)
    o.enc.emplace(c);
  auto n = o.enc->encode(frame, buf.data() + rtp::fixed_header_size);
  if (n == 0)
    return;
  ++stats.encoded;
  auto size = rtp::fixed_header_size + n;
  for (std::size_t i = 0, m = o.members.size(); i < m; ++i) {
    auto id = o.members[i];
    auto& l = legs[id];
    if (!l.live)
      continue;
    write_header(buf.data(), !l.started, l.payload_type, l.seq, l.ts, l.ssrc);
    l.started = true;
    ++l.seq;
    l.ts += o.enc->ticks();
    ++stats.sent;
    out(id, buf.data(), size);
  }
}

/// Appends the decoded packet to every transcoded output and sends the
/// full frames.
void relay::impl::transcode(const sink& out) {
  for (std::size_t c = 0; c < outputs.size(); ++c) {
    auto& o = outputs[c];
    if (c == static_cast<std::size_t>(in.codec) || o.members.empty())
      continue;
    o.pcm.insert(o.pcm.end(), pcm.begin(), pcm.end());
    std::size_t pos = 0;
    for (; o.pcm.size() - pos >= frame_samples; pos += frame_samples)
      encode_and_send(static_cast<audio_codec>(c), o.pcm.data() + pos, out);
    o.pcm.erase(o.pcm.begin(), o.pcm.begin() + static_cast<long>(pos));
  }
}

// -- relay --------------------------------------------------------------------

relay::relay(stream_format in) : impl_(std::make_unique<impl>(in)) {
  // nop
}

relay::~relay() = default;
relay::relay(relay&&) noexcept = default;
relay& relay::operator=(relay&&) noexcept = default;

std::size_t relay::add_leg(stream_format out, std::uint32_t ssrc,
                           std::uint16_t seq, std::uint32_t ts) {
  auto& d = *impl_;
  auto id = d.legs.size();
  d.legs.push_back(impl::leg{out.codec,
                             static_cast<std::uint8_t>(out.payload_type & 0x7f),
                             ssrc, seq, ts});
  auto& o = d.outputs[static_cast<std::size_t>(out.codec)];
  o.members.push_back(id);
  ++d.live;
  return id;
}

void relay::remove_leg(std::size_t leg) {
  auto& d = *impl_;
  if (leg >= d.legs.size() || !d.legs[leg].live)
    return;
  d.legs[leg].live = false;
  --d.live;
  d.dirty = true;
  if (!d.busy)
    d.compact();
}

bool relay::on_packet(const std::uint8_t* data, std::size_t size,
                      const sink& out) {
  auto& d = *impl_;
  if (d.dirty)
    d.compact();
  auto pkt = rtp::parse(data, size);
  std::size_t duration = 0;
  if (!pkt || !d.accept(pkt.value(), duration)) {
    ++d.stats.ignored;
    return false;
  }
  auto dec = impl::decoded::late;
  if (d.transcoding())
    dec = d.decode(pkt.value(), duration);
  else
    d.have_last = false; // nobody listens to the PCM: start afresh later
  if (dec == impl::decoded::bad) {
    ++d.stats.ignored;
    return false;
  }
  d.busy = true;
  d.pass_through(pkt.value(), out);
  if (dec == impl::decoded::ok)
    d.transcode(out);
  d.busy = false;
  ++d.stats.packets;
  return true;
}

void relay::flush(const sink& out) {
  auto& d = *impl_;
  if (d.dirty)
    d.compact();
  d.busy = true;
  for (std::size_t c = 0; c < d.outputs.size(); ++c) {
    auto& o = d.outputs[c];
    if (o.pcm.empty())
      continue;
    o.pcm.resize(frame_samples, 0);
    d.encode_and_send(static_cast<audio_codec>(c), o.pcm.data(), out);
    o.pcm.clear();
  }
  d.busy = false;
}

std::size_t relay::legs() const {
  return impl_ ? impl_->live : 0;
}

relay_stats relay::stats() const {
  return impl_ ? impl_->stats : relay_stats{};
}

} // namespace ivm::voice
