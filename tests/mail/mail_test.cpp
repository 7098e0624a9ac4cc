// appliance/mail: the outbox entry, addresses, headers (RFC 2047, RFC 5322
// dates), the WAVE attachment, the voicemail e-mail and the retry delays.
// The SMTP session itself is tested against a real server in
// tests/system/test_voicemail_mail.py.

#include <gtest/gtest.h>

#include "appliance/mail/mail.hpp"

using namespace ivm;
using std::chrono::seconds;

namespace {

mail::outbox_job job() {
  return {"202", "bob@office.example", "201", "Alice", 1796675854};
}

TEST(mail, an_outbox_entry_round_trips) {
  auto back = mail::decode_job(mail::encode(job()));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->user, "202");
  EXPECT_EQ(back->email, "bob@office.example");
  EXPECT_EQ(back->from_ext, "201");
  EXPECT_EQ(back->from_name, "Alice");
  EXPECT_EQ(back->queued, 1796675854);
}

TEST(mail, a_damaged_entry_is_refused) {
  EXPECT_FALSE(mail::decode_job(""));
  EXPECT_FALSE(mail::decode_job("{"));
  EXPECT_FALSE(mail::decode_job("[]"));
  EXPECT_FALSE(
      mail::decode_job(R"({"kind":"telex","user":"1","email":"a@b"})"));
  EXPECT_FALSE(mail::decode_job(R"({"kind":"voicemail","user":2})"));
  EXPECT_FALSE(mail::decode_job(
      R"({"kind":"voicemail","user":"202","email":"not an address"})"));
  EXPECT_FALSE(
      mail::decode_job(R"({"kind":"voicemail","user":"","email":"a@b"})"));
}

TEST(mail, addresses) {
  EXPECT_TRUE(mail::valid_address("bob@office.example"));
  EXPECT_TRUE(mail::valid_address("b.o+b@x"));
  EXPECT_FALSE(mail::valid_address(""));
  EXPECT_FALSE(mail::valid_address("bob"));
  EXPECT_FALSE(mail::valid_address("@x"));
  EXPECT_FALSE(mail::valid_address("bob@"));
  EXPECT_FALSE(mail::valid_address("bob smith@x"));
  EXPECT_FALSE(mail::valid_address("bob@x>\r\nRCPT TO:<eve@y"));
  EXPECT_FALSE(mail::valid_address("<bob@x>"));
  EXPECT_FALSE(mail::valid_address("bob@x,eve@y"));
  EXPECT_FALSE(mail::valid_address("b\xc3\xb6@x"));
  EXPECT_FALSE(mail::valid_address(std::string(250, 'a') + "@x.yz"));
}

TEST(mail, header_text_drops_line_breaks_and_encodes_non_ascii) {
  EXPECT_EQ(mail::header_text("Voice message from Alice (201)"),
            "Voice message from Alice (201)");
  EXPECT_EQ(mail::header_text("a\r\nBcc: eve@y"), "aBcc: eve@y");
  // "Jürgen" (RFC 2047 §4.1: B encoding of UTF-8).
  EXPECT_EQ(mail::header_text("J\xc3\xbcrgen"), "=?UTF-8?B?SsO8cmdlbg==?=");
  // Long text: several encoded words of at most 75 characters, never a
  // UTF-8 character split between two.
  std::string long_text;
  for (int i = 0; i < 40; ++i)
    long_text += "\xc3\xa9"; // é
  auto h = mail::header_text(long_text);
  std::size_t words = 0, pos = 0;
  while (pos < h.size()) {
    auto end = h.find(' ', pos);
    if (end == std::string::npos)
      end = h.size();
    auto w = h.substr(pos, end - pos);
    EXPECT_LE(w.size(), 75u) << w;
    EXPECT_EQ(w.rfind("=?UTF-8?B?", 0), 0u) << w;
    ++words;
    pos = end + 1;
  }
  EXPECT_EQ(words, 2u) << h;
  EXPECT_EQ(h.substr(0, h.find(' ')),
            "=?UTF-8?B?"
            "w6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6k=?=");
}

TEST(mail, dates_are_rfc_5322_in_utc) {
  EXPECT_EQ(mail::rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(mail::rfc5322_date(1796675854), "Mon, 07 Dec 2026 20:37:34 +0000");
}

TEST(mail, a_wave_file_of_16_bit_mono_pcm) {
  auto w = mail::wav_file({0, 1, -1, 32767}, 48000);
  ASSERT_EQ(w.size(), 44u + 8u);
  EXPECT_EQ(w.substr(0, 4), "RIFF");
  EXPECT_EQ(w.substr(8, 8), "WAVEfmt ");
  EXPECT_EQ(w.substr(36, 4), "data");
  auto le32 = [&](std::size_t at) {
    return static_cast<unsigned>(static_cast<unsigned char>(w[at])) |
           static_cast<unsigned>(static_cast<unsigned char>(w[at + 1])) << 8 |
           static_cast<unsigned>(static_cast<unsigned char>(w[at + 2])) << 16 |
           static_cast<unsigned>(static_cast<unsigned char>(w[at + 3])) << 24;
  };
  EXPECT_EQ(le32(4), 36u + 8u);
  EXPECT_EQ(le32(24), 48000u);
  EXPECT_EQ(le32(28), 96000u);
  EXPECT_EQ(le32(40), 8u);
  EXPECT_EQ(w.substr(44 + 4, 2), std::string("\xff\xff", 2));
}

TEST(mail, the_voicemail_email) {
  auto m = mail::voicemail_message(job(), "abc123", 7400, "7 Dec 2026 at 21:37",
                                   {"voicemail-abc123.ogg", "audio/ogg", "OGG"},
                                   "office.example");
  EXPECT_EQ(m.to, "bob@office.example");
  EXPECT_EQ(m.subject, "Voice message from Alice (201), 0:07");
  EXPECT_NE(m.text.find("Alice (201) left you a voice message (0:07) on 7 "
                        "Dec 2026 at 21:37."),
            std::string::npos)
      << m.text;
  EXPECT_NE(m.text.find("dial *8"), std::string::npos);
  EXPECT_EQ(m.message_id, "voicemail.abc123.202@office.example");
  EXPECT_EQ(m.date, 1796675854);
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].data, "OGG");
  // A caller without a name is their number.
  auto j = job();
  j.from_name = "";
  j.from_ext = "+4930123";
  auto n = mail::voicemail_message(j, "x", 61000, "t", {}, "");
  EXPECT_EQ(n.subject, "Voice message from +4930123, 1:01");
  EXPECT_EQ(n.message_id, "voicemail.x.202@localhost");
}

TEST(mail, the_fax_email) {
  auto j = job();
  j.kind = "fax";
  auto back = mail::decode_job(mail::encode(j));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, "fax");
  auto m = mail::fax_message(j, "f1", 2, true, "", "7 Dec 2026 at 21:37",
                             "%PDF", "office.example");
  EXPECT_EQ(m.subject, "Fax from Alice (201), 2 pages");
  EXPECT_NE(m.text.find("Alice (201) sent you a fax (2 pages) on 7 Dec 2026"),
            std::string::npos)
      << m.text;
  EXPECT_EQ(m.message_id, "fax.f1.202@office.example");
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].type, "application/pdf");
  EXPECT_EQ(m.attachments[0].name, "fax-f1.pdf");
  auto part = mail::fax_message(j, "f2", 1, false, "the call ended", "t",
                                "%PDF", "office.example");
  EXPECT_EQ(part.subject, "Fax from Alice (201), incomplete: 1 page");
  EXPECT_NE(part.text.find("did not come through whole: the call ended"),
            std::string::npos);
}

TEST(mail, retries_wait_longer_up_to_the_limit) {
  EXPECT_EQ(mail::retry_delay(1, seconds{30}, seconds{3600}), seconds{30});
  EXPECT_EQ(mail::retry_delay(2, seconds{30}, seconds{3600}), seconds{60});
  EXPECT_EQ(mail::retry_delay(5, seconds{30}, seconds{3600}), seconds{480});
  EXPECT_EQ(mail::retry_delay(12, seconds{30}, seconds{3600}), seconds{3600});
  EXPECT_EQ(mail::retry_delay(100000, seconds{30}, seconds{3600}),
            seconds{3600});
}

TEST(mail, nothing_is_sent_without_a_smarthost_or_with_a_bad_address) {
  mail::smtp_settings s;
  mail::message m;
  m.to = "bob@office.example";
  auto r = mail::send(s, m);
  EXPECT_EQ(r.what, mail::send_result::outcome::rejected);
  s.host = "127.0.0.1";
  m.to = "bob@x>\r\nDATA";
  EXPECT_EQ(mail::send(s, m).what, mail::send_result::outcome::rejected);
}

} // namespace
