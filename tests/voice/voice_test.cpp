// appliance/voice: encryption at rest and audio formats.

#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>

#include "appliance/voice/audio.hpp"
#include "appliance/voice/crypto.hpp"

using namespace ivm::voice;

namespace {

std::string wav(const std::vector<std::int16_t>& pcm, int rate, int channels) {
  auto le32 = [](std::uint32_t v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i)
      s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
  };
  auto le16 = [](std::uint16_t v) {
    return std::string{static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
  };
  std::string data(reinterpret_cast<const char*>(pcm.data()), pcm.size() * 2);
  std::string fmt = le16(1) + le16(static_cast<std::uint16_t>(channels)) +
                    le32(static_cast<std::uint32_t>(rate)) +
                    le32(static_cast<std::uint32_t>(rate * channels * 2)) +
                    le16(static_cast<std::uint16_t>(channels * 2)) + le16(16);
  std::string body = "WAVE" + std::string{"fmt "} + le32(16) + fmt + "data" +
                     le32(static_cast<std::uint32_t>(data.size())) + data;
  return "RIFF" + le32(static_cast<std::uint32_t>(body.size())) + body;
}

std::vector<std::int16_t> tone(int rate, double seconds, double hz) {
  std::vector<std::int16_t> pcm(static_cast<std::size_t>(rate * seconds));
  for (std::size_t i = 0; i < pcm.size(); ++i)
    pcm[i] = static_cast<std::int16_t>(
        8000 * std::sin(2 * M_PI * hz * static_cast<double>(i) / rate));
  return pcm;
}

master_key key_of(char c) {
  return master_key(32, c);
}

} // namespace

TEST(voice_crypto, seal_and_open) {
  auto sealed = seal("OggS secret audio", key_of('k'), "msg-1");
  EXPECT_EQ(sealed.find("OggS"), std::string::npos); // no plaintext
  auto plain = open(sealed, key_of('k'), "msg-1");
  ASSERT_TRUE(plain) << plain.error();
  EXPECT_EQ(*plain, "OggS secret audio");
  // Two seals of the same data differ (fresh key and nonces).
  EXPECT_NE(seal("x", key_of('k'), "a"), seal("x", key_of('k'), "a"));
}

TEST(voice_crypto, wrong_key_aad_or_byte_fails) {
  auto sealed = seal("audio", key_of('k'), "msg-1");
  EXPECT_FALSE(open(sealed, key_of('j'), "msg-1"));
  EXPECT_FALSE(open(sealed, key_of('k'), "msg-2"));
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    auto bad = sealed;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_FALSE(open(bad, key_of('k'), "msg-1")) << "byte " << i;
  }
  EXPECT_FALSE(open("", key_of('k'), "msg-1"));
  EXPECT_FALSE(open(sealed.substr(0, 40), key_of('k'), "msg-1"));
}

TEST(voice_crypto, master_key_file_is_private_and_stable) {
  auto dir = std::filesystem::temp_directory_path() /
             ("ivm-voice-key-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "voice.key").string();
  auto k1 = load_or_create_master_key(path);
  ASSERT_TRUE(k1) << k1.error();
  EXPECT_EQ(k1->size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto k2 = load_or_create_master_key(path);
  ASSERT_TRUE(k2);
  EXPECT_EQ(*k1, *k2);
  ::chmod(path.c_str(), 0644);
  EXPECT_FALSE(load_or_create_master_key(path)); // readable by others
  std::filesystem::remove_all(dir);
}

TEST(voice_audio, wav_is_encoded_to_ogg_opus_of_the_same_length) {
  auto pcm = tone(16000, 2.0, 440);
  auto a = to_ogg_opus(wav(pcm, 16000, 1));
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->ogg.substr(0, 4), "OggS");
  EXPECT_NE(a->ogg.find("OpusHead"), std::string::npos);
  EXPECT_EQ(a->duration_ms, 2000u);
  EXPECT_LT(a->ogg.size(), pcm.size() * 2 / 4); // compressed
  auto back = decode_ogg_opus(a->ogg);
  ASSERT_TRUE(back) << back.error();
  // 2 s at 48 kHz, within one frame.
  EXPECT_NEAR(static_cast<double>(back->size()), 96000.0, 960.0);
  // An uploaded Ogg Opus is taken as is, with its duration.
  auto again = to_ogg_opus(a->ogg);
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(again->ogg, a->ogg);
  EXPECT_NEAR(again->duration_ms, 2000.0, 20.0);
}

TEST(voice_audio, the_tone_survives_encoding) {
  auto a = encode_pcm16(tone(8000, 1.0, 400), 8000, 1);
  ASSERT_TRUE(a);
  auto back = decode_ogg_opus(a->ogg);
  ASSERT_TRUE(back);
  // Correlate with a 400 Hz reference at 48 kHz over the middle 0.5 s.
  double dot = 0, e1 = 0, e2 = 0, best = 0;
  for (int lag = 0; lag < 120; lag += 4) {
    dot = e1 = e2 = 0;
    for (std::size_t i = 12000; i < 36000 && i < back->size(); ++i) {
      double r =
          std::sin(2 * M_PI * 400 * static_cast<double>(i + lag) / 48000);
      dot += r * (*back)[i];
      e1 += r * r;
      e2 += static_cast<double>((*back)[i]) * (*back)[i];
    }
    best = std::max(best, dot / std::sqrt(e1 * e2 + 1e-9));
  }
  EXPECT_GT(best, 0.9);
}

TEST(voice_audio, non_audio_is_refused) {
  EXPECT_FALSE(to_ogg_opus("hello, this is text"));
  EXPECT_FALSE(to_ogg_opus(""));
  EXPECT_FALSE(to_ogg_opus("OggS but not really an ogg stream at all"));
  EXPECT_FALSE(to_ogg_opus("RIFF\x10\0\0\0WAVEjunkjunk"));
  // 8-bit WAVE: refused with a reason.
  auto w = wav(tone(8000, 0.1, 400), 8000, 1);
  w[34] = 8; // bits per sample
  auto r = to_ogg_opus(w);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("16-bit"), std::string::npos);
}

// -- recorder
// ------------------------------------------------------------------

#include "appliance/rtp/g711.hpp"
#include "appliance/rtp/header.hpp"
#include "appliance/voice/recorder.hpp"

namespace {

std::string rtp_pcmu(std::uint16_t seq, const std::vector<std::int16_t>& pcm,
                     std::size_t at, std::uint8_t pt = 0) {
  ivm::rtp::header h;
  h.payload_type = pt;
  h.sequence = seq;
  h.timestamp = static_cast<std::uint32_t>(at);
  h.ssrc = 7;
  std::uint8_t payload[160];
  ivm::rtp::g711::encode_ulaw(pcm.data() + at, 160, payload);
  auto bytes = ivm::rtp::serialize(h, payload, 160);
  return std::string{bytes.begin(), bytes.end()};
}

} // namespace

TEST(voice_recorder, records_in_order_from_the_right_source_only) {
  using clock = recorder::clock;
  auto t = clock::time_point{};
  recorder_config cfg;
  cfg.expected_host = "192.0.2.7";
  recorder rec{cfg, t};
  auto pcm = tone(8000, 1.0, 300);
  // 50 packets, two swapped; a stranger's packets are ignored.
  for (std::uint16_t i = 0; i < 50; ++i) {
    auto k = i == 10 ? 11 : i == 11 ? 10 : i;
    EXPECT_TRUE(rec.on_packet(
        rtp_pcmu(static_cast<std::uint16_t>(100 + k), pcm, k * 160u),
        "192.0.2.7", t));
    EXPECT_FALSE(rec.on_packet(rtp_pcmu(500, pcm, 0), "192.0.2.8", t));
  }
  rec.flush();
  EXPECT_EQ(rec.pcm().size(), 8000u);
  EXPECT_EQ(rec.ignored(), 50u);
  // Decoded samples follow the tone (G.711 error is small).
  double err = 0;
  for (std::size_t i = 0; i < 8000; ++i)
    err += std::abs(rec.pcm()[i] - pcm[i]);
  EXPECT_LT(err / 8000, 200.0);
  EXPECT_EQ(rec.check(t), stop_reason::none);
}

TEST(voice_recorder, stops_on_silence_max_length_and_hash) {
  using clock = recorder::clock;
  auto t = clock::time_point{};
  auto pcm = tone(8000, 3.0, 300);
  recorder_config cfg;
  cfg.max_length = std::chrono::milliseconds{1000};
  cfg.silence_timeout = std::chrono::milliseconds{2000};
  cfg.telephone_event = 101;
  {
    recorder rec{cfg, t};
    EXPECT_EQ(rec.check(t + std::chrono::milliseconds{1999}),
              stop_reason::none);
    EXPECT_EQ(rec.check(t + std::chrono::milliseconds{2000}),
              stop_reason::silence);
  }
  {
    recorder rec{cfg, t};
    for (std::uint16_t i = 0; i < 100; ++i)
      rec.on_packet(rtp_pcmu(i, pcm, i * 160u), "", t);
    EXPECT_EQ(rec.check(t), stop_reason::max_length);
    EXPECT_EQ(rec.pcm().size(), 8000u); // cut at 1 s
  }
  {
    recorder rec{cfg, t};
    ivm::rtp::header h;
    h.payload_type = 101;
    h.sequence = 1;
    std::uint8_t ev[4] = {11, 0x80 | 10, 0x03, 0x20}; // '#', end
    auto bytes = ivm::rtp::serialize(h, ev, 4);
    EXPECT_TRUE(rec.on_packet(std::string{bytes.begin(), bytes.end()}, "", t));
    EXPECT_EQ(rec.check(t), stop_reason::hash_key);
  }
}

TEST(voice_recorder, lost_audio_is_silence_but_events_beside_it_take_no_time) {
  using clock = recorder::clock;
  auto t = clock::time_point{};
  auto pcm = tone(8000, 1.0, 300);
  recorder_config cfg;
  cfg.telephone_event = 101;
  // 50 packets of audio; after every audio packet from the tenth on, a
  // telephone event (a key held, as baresip sends it beside its audio):
  // the events take sequence numbers, not time.
  {
    recorder rec{cfg, t};
    std::uint16_t seq = 0;
    for (std::uint32_t i = 0; i < 50; ++i) {
      rec.on_packet(rtp_pcmu(seq++, pcm, i * 160u), "", t);
      if (i >= 10) {
        ivm::rtp::header h;
        h.payload_type = 101;
        h.sequence = seq++;
        h.timestamp = 1600;
        h.ssrc = 7;
        std::uint8_t ev[4] = {2, 10, 0x03, 0x20}; // '2', not ended
        auto b = ivm::rtp::serialize(h, ev, 4);
        rec.on_packet(std::string{b.begin(), b.end()}, "", t);
      }
    }
    rec.flush();
    EXPECT_EQ(rec.pcm().size(), 8000u);
  }
  // Packets 20-24 lost: 100 ms of silence in their place.
  {
    recorder rec{cfg, t};
    for (std::uint16_t i = 0; i < 50; ++i)
      if (i < 20 || i >= 25)
        rec.on_packet(rtp_pcmu(i, pcm, i * 160u), "", t);
    rec.flush();
    ASSERT_EQ(rec.pcm().size(), 8000u);
    for (std::size_t k = 20 * 160; k < 25 * 160; ++k)
      ASSERT_EQ(rec.pcm()[k], 0) << k;
  }
}
