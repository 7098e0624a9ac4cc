// The intercom relay (appliance/voice/relay.hpp): what each recipient leg
// receives, checked the way its phone would play it -- RTP header fields
// per RFC 3550 §5.1, G.711 and Opus (RFC 7587: 48 kHz RTP clock) decoded
// back to PCM and compared with what the caller said.

#include "appliance/voice/relay.hpp"

#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include <gtest/gtest.h>
#include <opus/opus.h>

#include "appliance/rtp/g711.hpp"
#include "appliance/rtp/header.hpp"

namespace {

using ivm::voice::audio_codec;
using ivm::voice::relay;
using ivm::voice::stream_format;
namespace g711 = ivm::rtp::g711;

constexpr double pi = 3.14159265358979323846;
constexpr std::uint32_t caller_ssrc = 0x11223344;

// -- helpers ------------------------------------------------------------------

/// `n` samples of a 440 Hz sine at `rate`, from sample `first` on.
std::vector<std::int16_t> sine(std::size_t n, int rate = 8000,
                               std::size_t first = 0) {
  std::vector<std::int16_t> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = static_cast<std::int16_t>(
        8000 * std::sin(2 * pi * 440 * static_cast<double>(first + i) / rate));
  return out;
}

std::vector<std::uint8_t> ulaw(const std::vector<std::int16_t>& pcm) {
  std::vector<std::uint8_t> out(pcm.size());
  g711::encode_ulaw(pcm.data(), pcm.size(), out.data());
  return out;
}

std::vector<std::uint8_t> rtp_packet(int pt, std::uint16_t seq,
                                     std::uint32_t ts,
                                     const std::vector<std::uint8_t>& payload,
                                     bool marker = false) {
  ivm::rtp::header h;
  h.payload_type = static_cast<std::uint8_t>(pt);
  h.sequence = seq;
  h.timestamp = ts;
  h.ssrc = caller_ssrc;
  h.marker = marker;
  return ivm::rtp::serialize(h, payload.data(), payload.size());
}

struct received {
  ivm::rtp::header hdr;
  std::vector<std::uint8_t> payload;
};

/// What each leg got, parsed.
struct capture {
  std::map<std::size_t, std::vector<received>> legs;
  std::size_t malformed = 0;

  relay::sink sink() {
    return [this](std::size_t leg, const std::uint8_t* data, std::size_t n) {
      auto pkt = ivm::rtp::parse(data, n);
      if (!pkt) {
        ++malformed;
        return;
      }
      const auto& v = pkt.value();
      legs[leg].push_back({v.hdr, std::vector<std::uint8_t>(
                                      v.payload, v.payload + v.payload_size)});
    };
  }

  const std::vector<received>& of(std::size_t leg) {
    return legs[leg];
  }
};

/// The audio a phone would play from `pkts` (8 kHz).
std::vector<std::int16_t> play(const std::vector<received>& pkts,
                               audio_codec codec) {
  std::vector<std::int16_t> out;
  OpusDecoder* dec = nullptr;
  if (codec == audio_codec::opus) {
    int err = 0;
    dec = opus_decoder_create(8000, 1, &err);
  }
  for (const auto& p : pkts) {
    auto at = out.size();
    if (codec == audio_codec::opus) {
      out.resize(at + 960);
      int got = opus_decode(dec, p.payload.data(),
                            static_cast<opus_int32>(p.payload.size()),
                            out.data() + at, 960, 0);
      out.resize(at + static_cast<std::size_t>(got < 0 ? 0 : got));
    } else {
      out.resize(at + p.payload.size());
      if (codec == audio_codec::pcmu)
        g711::decode_ulaw(p.payload.data(), p.payload.size(), out.data() + at);
      else
        g711::decode_alaw(p.payload.data(), p.payload.size(), out.data() + at);
    }
  }
  if (dec)
    opus_decoder_destroy(dec);
  return out;
}

/// The best normalized cross-correlation of `ref` (from `skip` on) with
/// `out` delayed by 0..`max_lag` samples: codecs add delay.
double correlation(const std::vector<std::int16_t>& ref,
                   const std::vector<std::int16_t>& out, std::size_t skip,
                   std::size_t max_lag) {
  double best = -1;
  for (std::size_t lag = 0; lag <= max_lag; ++lag) {
    double xy = 0, xx = 0, yy = 0;
    for (std::size_t i = skip; i < ref.size() && i + lag < out.size(); ++i) {
      double x = ref[i], y = out[i + lag];
      xy += x * y;
      xx += x * x;
      yy += y * y;
    }
    if (xx > 0 && yy > 0)
      best = std::max(best, xy / std::sqrt(xx * yy));
  }
  return best;
}

double rms(const std::vector<std::int16_t>& s, std::size_t from = 0) {
  double sum = 0;
  for (std::size_t i = from; i < s.size(); ++i)
    sum += double(s[i]) * s[i];
  return s.size() > from ? std::sqrt(sum / double(s.size() - from)) : 0;
}

/// Sends `ms`-long PCMU packets of a sine until `total` samples are sent.
void feed_pcmu_sine(relay& r, capture& cap, std::size_t total,
                    std::size_t per_packet, std::uint16_t seq = 100,
                    std::uint32_t ts = 8000) {
  auto pcm = sine(total);
  for (std::size_t at = 0; at < total; at += per_packet) {
    std::vector<std::int16_t> part(
        pcm.begin() + static_cast<long>(at),
        pcm.begin() + static_cast<long>(std::min(total, at + per_packet)));
    auto pkt = rtp_packet(0, seq++, ts, ulaw(part));
    ts += static_cast<std::uint32_t>(part.size());
    ASSERT_TRUE(r.on_packet(pkt.data(), pkt.size(), cap.sink()));
  }
}

// -- pass-through -------------------------------------------------------------

TEST(relay, pcmu_to_pcmu_passes_payload_and_maps_sequence_and_timestamp) {
  relay r{{audio_codec::pcmu, 0}};
  capture cap;
  auto leg = r.add_leg({audio_codec::pcmu, 0}, 0xaaaa0001, 7, 90000);
  auto pcm = sine(160 * 4);
  std::vector<std::vector<std::uint8_t>> payloads;
  for (int i = 0; i < 4; ++i)
    payloads.push_back(ulaw(std::vector<std::int16_t>(
        pcm.begin() + i * 160, pcm.begin() + (i + 1) * 160)));
  // Caller packets 1000, 1001, (1002 lost), 1003 with a marker, 1004.
  auto send = [&](std::uint16_t seq, int i, bool marker = false) {
    auto pkt = rtp_packet(0, seq, 5000 + 160u * (seq - 1000u),
                          payloads[static_cast<std::size_t>(i)], marker);
    EXPECT_TRUE(r.on_packet(pkt.data(), pkt.size(), cap.sink()));
  };
  send(1000, 0);
  send(1001, 1);
  send(1003, 2, true);
  // A second leg joins mid-stream: it starts at its own numbers.
  auto late = r.add_leg({audio_codec::pcmu, 0}, 0xbbbb0002, 60000, 1);
  send(1004, 3);
  const auto& got = cap.of(leg);
  ASSERT_EQ(got.size(), 4u);
  std::uint16_t seqs[] = {7, 8, 10, 11};
  std::uint32_t tss[] = {90000, 90160, 90480, 90640};
  bool markers[] = {true, false, true, false};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(got[i].hdr.sequence, seqs[i]) << i;
    EXPECT_EQ(got[i].hdr.timestamp, tss[i]) << i;
    EXPECT_EQ(got[i].hdr.marker, markers[i]) << i;
    EXPECT_EQ(got[i].hdr.ssrc, 0xaaaa0001u);
    EXPECT_EQ(got[i].hdr.payload_type, 0);
    EXPECT_EQ(got[i].payload, payloads[i]) << i;
  }
  const auto& l2 = cap.of(late);
  ASSERT_EQ(l2.size(), 1u);
  EXPECT_EQ(l2[0].hdr.sequence, 60000);
  EXPECT_EQ(l2[0].hdr.timestamp, 1u);
  EXPECT_TRUE(l2[0].hdr.marker);
  EXPECT_EQ(l2[0].hdr.ssrc, 0xbbbb0002u);
  EXPECT_EQ(l2[0].payload, payloads[3]);
  EXPECT_EQ(cap.malformed, 0u);
}

TEST(relay, opus_to_opus_passes_payload_with_the_legs_payload_type) {
  relay r{{audio_codec::opus, 111}};
  capture cap;
  auto leg = r.add_leg({audio_codec::opus, 96}, 42, 1, 0);
  int err = 0;
  auto* enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
  ASSERT_EQ(err, OPUS_OK);
  auto pcm = sine(960 * 3, 48000);
  std::vector<std::vector<std::uint8_t>> sent;
  for (int i = 0; i < 3; ++i) {
    std::vector<std::uint8_t> payload(1500);
    auto n = opus_encode(enc, pcm.data() + i * 960, 960, payload.data(), 1500);
    ASSERT_GT(n, 0);
    payload.resize(static_cast<std::size_t>(n));
    auto pkt = rtp_packet(111, static_cast<std::uint16_t>(65535 + i),
                          960u * static_cast<std::uint32_t>(i), payload);
    EXPECT_TRUE(r.on_packet(pkt.data(), pkt.size(), cap.sink()));
    sent.push_back(payload);
  }
  opus_encoder_destroy(enc);
  const auto& got = cap.of(leg);
  ASSERT_EQ(got.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(got[i].payload, sent[i]);
    EXPECT_EQ(got[i].hdr.payload_type, 96);
    EXPECT_EQ(got[i].hdr.sequence, 1 + i);
    EXPECT_EQ(got[i].hdr.timestamp, 960 * i);
  }
  EXPECT_EQ(r.stats().decoded, 0u);
  EXPECT_EQ(r.stats().encoded, 0u);
}

// -- transcoding --------------------------------------------------------------

TEST(relay, pcmu_to_pcma_sounds_the_same) {
  relay r{{audio_codec::pcmu, 0}};
  capture cap;
  auto leg = r.add_leg({audio_codec::pcma, 8}, 0xcafe, 300, 123456);
  feed_pcmu_sine(r, cap, 160 * 10, 160);
  const auto& got = cap.of(leg);
  ASSERT_EQ(got.size(), 10u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].hdr.payload_type, 8);
    EXPECT_EQ(got[i].hdr.ssrc, 0xcafeu);
    EXPECT_EQ(got[i].hdr.sequence, 300 + i);
    EXPECT_EQ(got[i].hdr.timestamp, 123456 + 160 * i);
    EXPECT_EQ(got[i].hdr.marker, i == 0);
    EXPECT_EQ(got[i].payload.size(), 160u);
  }
  // What the caller's phone sent, as heard, against what the leg hears.
  auto heard_in = play({{{}, ulaw(sine(1600))}}, audio_codec::pcmu);
  auto heard_out = play(got, audio_codec::pcma);
  ASSERT_EQ(heard_out.size(), heard_in.size());
  for (std::size_t i = 0; i < heard_in.size(); ++i)
    ASSERT_NEAR(heard_out[i], heard_in[i], 8 + std::abs(heard_in[i]) / 16)
        << "sample " << i;
  r.flush(cap.sink());
  EXPECT_EQ(got.size(), 10u) << "nothing left over: flush sends nothing";
}

TEST(relay, pcmu_to_opus_sounds_like_the_caller) {
  relay r{{audio_codec::pcmu, 0}};
  capture cap;
  auto leg = r.add_leg({audio_codec::opus, 111}, 0x0b05, 9, 4000000000u);
  feed_pcmu_sine(r, cap, 8000, 160);
  const auto& got = cap.of(leg);
  ASSERT_EQ(got.size(), 50u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].hdr.payload_type, 111);
    EXPECT_EQ(got[i].hdr.sequence, 9 + i);
    EXPECT_EQ(got[i].hdr.timestamp,
              static_cast<std::uint32_t>(4000000000u + 960 * i));
  }
  auto ref = play({{{}, ulaw(sine(8000))}}, audio_codec::pcmu);
  auto heard = play(got, audio_codec::opus);
  ASSERT_EQ(heard.size(), 8000u);
  EXPECT_GT(correlation(ref, heard, 800, 400), 0.8);
  EXPECT_GT(rms(heard, 800), 0.5 * rms(ref, 800));
  EXPECT_LT(rms(heard, 800), 2.0 * rms(ref, 800));
}

TEST(relay, thirty_ms_input_makes_twenty_ms_frames_and_flush_sends_the_rest) {
  relay r{{audio_codec::pcmu, 0}};
  capture cap;
  auto leg = r.add_leg({audio_codec::opus, 111}, 1, 0, 0);
  // 21 packets of 30 ms: 630 ms, 31 whole frames and half a frame.
  feed_pcmu_sine(r, cap, 240 * 21, 240);
  const auto& got = cap.of(leg);
  EXPECT_EQ(got.size(), 31u);
  r.flush(cap.sink());
  ASSERT_EQ(got.size(), 32u);
  EXPECT_EQ(got.back().hdr.timestamp, 31u * 960);
  EXPECT_EQ(got.back().hdr.sequence, 31);
  auto ref = play({{{}, ulaw(sine(240 * 21))}}, audio_codec::pcmu);
  auto heard = play(got, audio_codec::opus);
  ASSERT_EQ(heard.size(), 32u * 160);
  EXPECT_GT(correlation(ref, heard, 800, 400), 0.8);
  r.flush(cap.sink());
  EXPECT_EQ(got.size(), 32u) << "a second flush has nothing to send";
}

TEST(relay, opus_to_pcmu_sounds_like_the_caller) {
  relay r{{audio_codec::opus, 111}};
  capture cap;
  auto leg = r.add_leg({audio_codec::pcmu, 0}, 5, 50, 0);
  int err = 0;
  auto* enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
  ASSERT_EQ(err, OPUS_OK);
  // 25 packets of 20 ms, then 8 of 60 ms: 980 ms, 49 frames of 20 ms.
  auto pcm = sine(47040, 48000);
  std::uint16_t seq = 0;
  for (std::size_t at = 0, frame = 960; at < pcm.size(); at += frame) {
    if (at >= 24000)
      frame = 2880;
    std::vector<std::uint8_t> payload(4000);
    auto n = opus_encode(enc, pcm.data() + at, static_cast<int>(frame),
                         payload.data(), 4000);
    ASSERT_GT(n, 0);
    payload.resize(static_cast<std::size_t>(n));
    auto pkt = rtp_packet(111, seq++, static_cast<std::uint32_t>(at), payload);
    ASSERT_TRUE(r.on_packet(pkt.data(), pkt.size(), cap.sink()));
  }
  opus_encoder_destroy(enc);
  const auto& got = cap.of(leg);
  ASSERT_EQ(got.size(), 49u);
  EXPECT_EQ(got.back().hdr.timestamp, 48u * 160);
  auto heard = play(got, audio_codec::pcmu);
  auto ref = sine(7840);
  EXPECT_GT(correlation(ref, heard, 800, 400), 0.8);
  EXPECT_GT(rms(heard, 800), 0.5 * rms(ref, 800));
}

TEST(relay, lost_input_is_filled_and_late_input_dropped_when_transcoding) {
  relay r{{audio_codec::pcmu, 0}};
  capture cap;
  auto same = r.add_leg({audio_codec::pcmu, 0}, 1, 0, 0);
  auto other = r.add_leg({audio_codec::pcma, 8}, 2, 0, 0);
  auto pcm = sine(160 * 6);
  auto send = [&](std::uint16_t i) {
    std::vector<std::int16_t> part(pcm.begin() + 160 * i,
                                   pcm.begin() + 160 * (i + 1));
    auto pkt = rtp_packet(0, i, 160u * i, ulaw(part));
    EXPECT_TRUE(r.on_packet(pkt.data(), pkt.size(), cap.sink()));
  };
  // Packet 2 arrives after 3: too late for a transcoded leg.
  for (std::uint16_t i : {0, 1, 3, 2, 4, 5})
    send(i);
  EXPECT_EQ(cap.of(same).size(), 6u) << "pass-through relays everything";
  const auto& got = cap.of(other);
  ASSERT_EQ(got.size(), 6u) << "one frame per 20 ms, the lost one silent";
  auto heard = play(got, audio_codec::pcma);
  for (std::size_t i = 320; i < 480; ++i)
    ASSERT_EQ(std::abs(heard[i]), 8) << "silence at " << i;
  EXPECT_GT(rms({heard.begin() + 480, heard.end()}), 4000);
}

TEST(relay, lost_opus_input_is_concealed_in_time) {
  relay r{{audio_codec::opus, 111}};
  capture cap;
  auto leg = r.add_leg({audio_codec::pcma, 8}, 5, 0, 0);
  int err = 0;
  auto* enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
  ASSERT_EQ(err, OPUS_OK);
  auto pcm = sine(960 * 20, 48000);
  for (std::uint16_t i = 0; i < 20; ++i) {
    std::vector<std::uint8_t> payload(1500);
    auto n = opus_encode(enc, pcm.data() + 960 * i, 960, payload.data(), 1500);
    ASSERT_GT(n, 0);
    payload.resize(static_cast<std::size_t>(n));
    if (i == 7 || i == 8)
      continue; // lost on the way
    auto pkt = rtp_packet(111, i, 960u * i, payload);
    ASSERT_TRUE(r.on_packet(pkt.data(), pkt.size(), cap.sink()));
  }
  opus_encoder_destroy(enc);
  const auto& got = cap.of(leg);
  ASSERT_EQ(got.size(), 20u) << "40 ms concealed: the tone stays in time";
  auto heard = play(got, audio_codec::pcma);
  auto ref = sine(160 * 20);
  EXPECT_GT(correlation(ref, heard, 1600, 400), 0.8) << "after the loss";
}

// -- fan-out ------------------------------------------------------------------

TEST(relay, removed_leg_hears_nothing_more) {
  relay r{{audio_codec::pcmu, 0}};
  capture cap;
  auto a = r.add_leg({audio_codec::pcma, 8}, 1, 0, 0);
  auto b = r.add_leg({audio_codec::opus, 111}, 2, 0, 0);
  auto c = r.add_leg({audio_codec::pcma, 8}, 3, 0, 0);
  EXPECT_EQ(r.legs(), 3u);
  feed_pcmu_sine(r, cap, 160 * 5, 160, 0, 0);
  r.remove_leg(c);
  r.remove_leg(c);
  EXPECT_EQ(r.legs(), 2u);
  feed_pcmu_sine(r, cap, 160 * 5, 160, 5, 800);
  r.flush(cap.sink());
  EXPECT_EQ(cap.of(a).size(), 10u);
  EXPECT_EQ(cap.of(b).size(), 10u);
  EXPECT_EQ(cap.of(c).size(), 5u);
  // Both PCMA legs heard the same frames, encoded once.
  for (std::size_t i = 0; i < 5; ++i)
    EXPECT_EQ(cap.of(a)[i].payload, cap.of(c)[i].payload);
  EXPECT_EQ(r.stats().encoded, 20u);
  auto d = r.add_leg({audio_codec::pcmu, 0}, 4, 0, 0);
  EXPECT_GT(d, c) << "ids are not reused";
}

TEST(relay, fifty_legs_cost_one_decode_and_one_encode_per_packet) {
  relay r{{audio_codec::pcmu, 0}};
  capture cap;
  for (std::uint32_t i = 0; i < 50; ++i)
    r.add_leg({audio_codec::opus, 111}, 1000 + i, 0, 0);
  feed_pcmu_sine(r, cap, 160 * 10, 160);
  auto st = r.stats();
  EXPECT_EQ(st.decoded, 10u);
  EXPECT_EQ(st.encoded, 10u);
  EXPECT_EQ(st.sent, 500u);
  for (std::size_t leg = 0; leg < 50; ++leg) {
    ASSERT_EQ(cap.of(leg).size(), 10u);
    EXPECT_EQ(cap.of(leg)[9].payload, cap.of(0)[9].payload);
    EXPECT_EQ(cap.of(leg)[9].hdr.ssrc, 1000 + leg);
  }
}

TEST(relay, sink_may_hang_up_a_leg) {
  relay r{{audio_codec::pcmu, 0}};
  capture cap;
  auto a = r.add_leg({audio_codec::pcmu, 0}, 1, 0, 0);
  auto b = r.add_leg({audio_codec::pcmu, 0}, 2, 0, 0);
  auto pkt = rtp_packet(0, 1, 1, ulaw(sine(160)));
  int calls = 0;
  relay::sink hang_up = [&](std::size_t, const std::uint8_t*, std::size_t) {
    ++calls;
    r.remove_leg(b);
  };
  EXPECT_TRUE(r.on_packet(pkt.data(), pkt.size(), hang_up));
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(r.on_packet(pkt.data(), pkt.size(), cap.sink()));
  EXPECT_EQ(cap.of(a).size(), 1u);
  EXPECT_EQ(cap.of(b).size(), 0u);
}

// -- garbage ------------------------------------------------------------------

TEST(relay, garbage_is_ignored) {
  relay r{{audio_codec::pcmu, 0}};
  capture cap;
  r.add_leg({audio_codec::pcmu, 0}, 1, 0, 0);
  r.add_leg({audio_codec::opus, 111}, 2, 0, 0);
  auto good = rtp_packet(0, 1, 1, ulaw(sine(160)));
  // Shorter than the fixed header.
  for (std::size_t n = 0; n < 12; ++n)
    EXPECT_FALSE(r.on_packet(good.data(), n, cap.sink())) << n;
  // Version 1.
  auto v1 = good;
  v1[0] = 0x40;
  EXPECT_FALSE(r.on_packet(v1.data(), v1.size(), cap.sink()));
  // 15 CSRCs announced, none there.
  auto cc = good;
  cc[0] = 0x8f;
  EXPECT_FALSE(r.on_packet(cc.data(), 20, cap.sink()));
  // telephone-event (RFC 4733) on payload type 101.
  auto dtmf = rtp_packet(101, 2, 1, {0x0b, 0x0a, 0x00, 0xa0});
  EXPECT_FALSE(r.on_packet(dtmf.data(), dtmf.size(), cap.sink()));
  // No payload at all.
  auto empty = rtp_packet(0, 3, 1, {});
  EXPECT_FALSE(r.on_packet(empty.data(), empty.size(), cap.sink()));
  // Random bytes that are not version 2.
  std::mt19937 rng(7);
  for (int i = 0; i < 1000; ++i) {
    std::vector<std::uint8_t> junk(rng() % 300);
    for (auto& b : junk)
      b = static_cast<std::uint8_t>(rng());
    if (!junk.empty())
      junk[0] &= 0x3f;
    EXPECT_FALSE(r.on_packet(junk.data(), junk.size(), cap.sink()));
  }
  EXPECT_TRUE(cap.legs.empty());
  r.flush(cap.sink());
  EXPECT_TRUE(cap.legs.empty());
}

TEST(relay, corrupt_opus_is_ignored) {
  relay r{{audio_codec::opus, 111}};
  capture cap;
  r.add_leg({audio_codec::opus, 111}, 1, 0, 0);
  r.add_leg({audio_codec::pcmu, 0}, 2, 0, 0);
  // RFC 6716 §3.2: code 3 with no frames; code 1 with an odd length;
  // code 2 whose first frame runs past the end.
  std::vector<std::vector<std::uint8_t>> bad = {
      {0x03, 0x00}, {0x01, 0xaa}, {0x02, 0xfb, 0x01}};
  std::uint16_t seq = 0;
  for (const auto& payload : bad) {
    auto pkt = rtp_packet(111, seq++, 0, payload);
    EXPECT_FALSE(r.on_packet(pkt.data(), pkt.size(), cap.sink()));
  }
  EXPECT_TRUE(cap.legs.empty());
  // Random Opus payloads: whatever is accepted comes out as valid RTP.
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::vector<std::uint8_t> payload(1 + rng() % 200);
    for (auto& b : payload)
      b = static_cast<std::uint8_t>(rng());
    auto pkt = rtp_packet(111, static_cast<std::uint16_t>(i),
                          960u * static_cast<std::uint32_t>(i), payload);
    r.on_packet(pkt.data(), pkt.size(), cap.sink());
  }
  r.flush(cap.sink());
  EXPECT_EQ(cap.malformed, 0u);
}

} // namespace
