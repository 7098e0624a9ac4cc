// appliance/fax: a fax sent and received back to back through spandsp (the
// box's receiver against spandsp's own sender, audio sample for sample), the
// calling machine's CNG tone heard (and speech not taken for it), the pages
// as PDF, and bad files refused.

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include "appliance/fax/fax.hpp"

using namespace ivm;

namespace {

std::string temp(const std::string& name) {
  return ::testing::TempDir() + "ivm-fax-" + std::to_string(getpid()) + "-" +
         name;
}

struct files {
  std::string sent = temp("sent.tif"), got = temp("got.tif");
  ~files() {
    std::remove(sent.c_str());
    std::remove(got.c_str());
  }
};

TEST(fax, a_test_page_round_trips_through_tiff) {
  files f;
  auto bits = fax::test_page(400);
  ASSERT_EQ(fax::write_tiff(f.sent, bits, 400), "");
  int w = 0, rows = 0;
  auto back = fax::read_page(f.sent, &w, &rows);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(w, 1728);
  EXPECT_EQ(rows, 400);
  EXPECT_EQ(*back, bits);
}

TEST(fax, a_page_sent_and_received_back_to_back) {
  files f;
  auto bits = fax::test_page(600);
  ASSERT_EQ(fax::write_tiff(f.sent, bits, 600), "");
  auto tx = fax::session::sender(f.sent, "+49 30 1234");
  auto rx = fax::session::receiver(f.got, "IVM appliance");
  std::int16_t a[160] = {}, b[160] = {};
  // At most ten minutes of audio (a page takes well under one).
  for (int i = 0; i < 30000 && !(tx->done() && rx->done()); ++i) {
    std::int16_t from_tx[160];
    tx->process(b, from_tx, 160);
    rx->process(from_tx, a, 160);
    std::copy(a, a + 160, b);
  }
  ASSERT_TRUE(rx->done());
  auto r = rx->result();
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.pages, 1);
  EXPECT_GE(r.bit_rate, 9600);
  EXPECT_TRUE(tx->result().ok) << tx->result().error;
  int w = 0, rows = 0;
  auto got = fax::read_page(f.got, &w, &rows);
  ASSERT_TRUE(got) << got.error();
  EXPECT_EQ(w, 1728);
  EXPECT_EQ(rows, 600);
  EXPECT_EQ(*got, bits); // no line noise here: every pixel arrives
  int pages = 0;
  auto pdf = fax::tiff_to_pdf(f.got, &pages);
  ASSERT_TRUE(pdf) << pdf.error();
  EXPECT_EQ(pages, 1);
  EXPECT_EQ(pdf->rfind("%PDF-1.4\n", 0), 0u);
  EXPECT_NE(pdf->find("/Type /Pages /Kids [3 0 R ] /Count 1"),
            std::string::npos);
  EXPECT_NE(pdf->find("/Width 1728 /Height 600"), std::string::npos);
  // A4 width at 204 dpi: 8.47 in = 609.88 pt; 600 rows at 196 dpi.
  EXPECT_NE(pdf->find("/MediaBox [0 0 609.88 220.41]"), std::string::npos);
  EXPECT_EQ(pdf->substr(pdf->size() - 6), "%%EOF\n");
  // Every xref entry points at its object.
  auto xref = pdf->find("\nxref\n");
  ASSERT_NE(xref, std::string::npos);
  for (int n = 1; n <= 5; ++n) {
    auto line = pdf->substr(xref + 6 + 20 * n + 4, 20);
    auto off = std::stoul(line.substr(0, 10));
    EXPECT_EQ(pdf->compare(off, std::to_string(n).size() + 6,
                           std::to_string(n) + " 0 obj"),
              0)
        << n;
  }
}

TEST(fax, the_calling_tone_is_heard_and_speech_is_not) {
  files f;
  ASSERT_EQ(fax::write_tiff(f.sent, fax::test_page(100), 100), "");
  auto tx = fax::session::sender(f.sent, "");
  fax::cng_detector cng;
  std::int16_t silence[160] = {}, out[160];
  int heard_at = -1;
  for (int i = 0; i < 250 && heard_at < 0; ++i) { // 5 s
    tx->process(silence, out, 160);
    if (cng.feed(out, 160))
      heard_at = i;
  }
  EXPECT_GE(heard_at, 0) << "no CNG in 5 s";
  // A voice-like 440 Hz tone and silence are not a fax machine.
  fax::cng_detector quiet;
  std::int16_t tone[160];
  for (int i = 0; i < 500; ++i) {
    for (int k = 0; k < 160; ++k)
      tone[k] = static_cast<std::int16_t>(
          8000 * std::sin(2 * M_PI * 440 * (i * 160 + k) / 8000.0));
    EXPECT_FALSE(quiet.feed(i % 2 ? tone : silence, 160)) << i;
  }
}

TEST(fax, bad_files_are_refused) {
  files f;
  EXPECT_FALSE(fax::tiff_to_pdf(temp("missing.tif")));
  std::ofstream{f.got} << "not a tiff at all";
  auto r = fax::tiff_to_pdf(f.got);
  ASSERT_FALSE(r);
  EXPECT_FALSE(r.error().empty());
  EXPECT_NE(fax::write_tiff(f.sent, {1, 2, 3}, 5), "");
}

} // namespace
