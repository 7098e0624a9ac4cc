#pragma once

// Faxes in calls (issue 18): a calling fax machine is told by its CNG tone
// (ITU-T T.30 §5.2: 1100 Hz, 0.5 s on, 3 s off); the box then answers as a
// fax machine (T.30 over the call's 8 kHz audio: V.27ter, V.29, V.17, with
// error correction) and receives the pages into a TIFF file, which becomes
// a PDF for the user. spandsp does the modems and T.30; libtiff reads the
// pages; the PDF is written here (ISO 32000-1: one Flate-compressed 1-bit
// image per page). docs/voice.md ("Faxes").

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::fax {

/// Listens for a calling fax machine's CNG tone in 8 kHz audio.
class cng_detector {
public:
  cng_detector();
  ~cng_detector();
  cng_detector(const cng_detector&) = delete;
  cng_detector& operator=(const cng_detector&) = delete;
  /// Takes audio; true once CNG was heard (and from then on).
  bool feed(const std::int16_t* pcm, std::size_t n);

private:
  struct impl;
  std::unique_ptr<impl> p_;
};

/// How a fax ended.
struct outcome {
  bool ok = false;
  int pages = 0;     ///< received (or sent) whole
  std::string error; ///< T.30's reason when not ok
  int bit_rate = 0;
  bool ecm = false;
};

/// One side of a fax call over 8 kHz audio: the box's receiving side, or
/// the sending side (tests, the test tool). Audio in, audio out, sample
/// for sample.
class session {
public:
  /// Receives into `tiff_path` (answering).
  static std::unique_ptr<session> receiver(const std::string& tiff_path,
                                           const std::string& ident);
  /// Sends the pages of `tiff_path` (calling: CNG first).
  static std::unique_ptr<session> sender(const std::string& tiff_path,
                                         const std::string& ident);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  /// Takes `n` samples heard and writes `n` samples to send into `out`.
  void process(const std::int16_t* in, std::int16_t* out, std::size_t n);
  /// T.30 ended (phase E), well or not.
  bool done() const;
  outcome result() const;

  struct impl; ///< (public for spandsp's callbacks)

private:
  session();
  std::unique_ptr<impl> p_;
};

/// The pages of a TIFF file (as spandsp writes them: bilevel, T.4/T.6) as
/// a PDF document, each page at its size (from the resolution); `pages`
/// gets their number.
expected<std::string, std::string> tiff_to_pdf(const std::string& tiff_path,
                                               int* pages = nullptr);

/// A bilevel TIFF for tests and the test tool: `pages` copies of one page
/// 1728 pixels wide (A4 at 204 dpi), `rows` rows at 196 dpi, T.4 2-D, from
/// `bits` (rows of 216 bytes, 1 = black, most significant bit first). ""
/// or why not.
std::string write_tiff(const std::string& path,
                       const std::vector<std::uint8_t>& bits, int rows,
                       int pages = 1);

/// The first page of a bilevel TIFF as rows of bits (1 = black), for
/// comparisons in tests; `rows` gets their number.
expected<std::vector<std::uint8_t>, std::string>
read_page(const std::string& tiff_path, int* width, int* rows);

/// A test page: bars, a box and a checkerboard, `rows` rows, as `bits`
/// for write_tiff.
std::vector<std::uint8_t> test_page(int rows);

} // namespace ivm::fax
