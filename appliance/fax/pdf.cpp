// Fax pages as PDF (ISO 32000-1 §7.5 file structure, §8.9 image XObjects):
// each page one 1-bit DeviceGray image, Flate-compressed (zlib), placed on a
// page of the image's size. And the TIFF side for tests: a test page,
// written and read with libtiff.

#include "appliance/fax/fax.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <tiffio.h>
#include <zlib.h>

namespace ivm::fax {

namespace {

struct tiff_closer {
  void operator()(TIFF* t) const {
    TIFFClose(t);
  }
};
using tiff_ptr = std::unique_ptr<TIFF, tiff_closer>;

void quiet_tiff() {
  // libtiff prints warnings on stderr by default (unknown tags from fax
  // software): the result says what matters.
  TIFFSetWarningHandler(nullptr);
  TIFFSetErrorHandler(nullptr);
}

struct page {
  int width = 0, rows = 0;
  double xres = 204, yres = 196; ///< dots per inch
  bool min_is_white = true;
  std::vector<std::uint8_t> bits; ///< rows of (width + 7) / 8 bytes
};

expected<page, std::string> read_current(TIFF* t) {
  page p;
  std::uint32_t w = 0, h = 0;
  std::uint16_t bps = 1, spp = 1, photometric = PHOTOMETRIC_MINISWHITE,
                unit = RESUNIT_INCH;
  float xr = 0, yr = 0;
  TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
  TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
  TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bps);
  TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetFieldDefaulted(t, TIFFTAG_PHOTOMETRIC, &photometric);
  TIFFGetFieldDefaulted(t, TIFFTAG_RESOLUTIONUNIT, &unit);
  if (bps != 1 || spp != 1)
    return unexpected(std::string{"not a bilevel image"});
  if (w == 0 || h == 0 || w > 10000 || h > 100000)
    return unexpected(std::string{"bad page size"});
  double scale = unit == RESUNIT_CENTIMETER ? 2.54 : 1.0;
  if (TIFFGetField(t, TIFFTAG_XRESOLUTION, &xr) && xr > 1)
    p.xres = xr * scale;
  if (TIFFGetField(t, TIFFTAG_YRESOLUTION, &yr) && yr > 1)
    p.yres = yr * scale;
  p.width = static_cast<int>(w);
  p.rows = static_cast<int>(h);
  p.min_is_white = photometric == PHOTOMETRIC_MINISWHITE;
  auto stride = static_cast<std::size_t>((w + 7) / 8);
  auto line = static_cast<std::size_t>(TIFFScanlineSize(t));
  std::vector<std::uint8_t> buf(std::max(line, stride));
  p.bits.resize(stride * h);
  for (std::uint32_t r = 0; r < h; ++r) {
    if (TIFFReadScanline(t, buf.data(), r, 0) < 0)
      return unexpected("page row " + std::to_string(r) + " unreadable");
    std::copy(buf.begin(), buf.begin() + static_cast<long>(stride),
              p.bits.begin() + static_cast<long>(r * stride));
  }
  if (!p.min_is_white) // PDF images here: 1 = black
    for (auto& b : p.bits)
      b = static_cast<std::uint8_t>(~b);
  return p;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

} // namespace

expected<std::string, std::string> tiff_to_pdf(const std::string& tiff_path,
                                               int* pages) {
  quiet_tiff();
  tiff_ptr t{TIFFOpen(tiff_path.c_str(), "r")};
  if (!t)
    return unexpected(std::string{"no pages (the file is not a TIFF)"});
  std::vector<page> all;
  do {
    auto p = read_current(t.get());
    if (!p)
      return unexpected("page " + std::to_string(all.size() + 1) + ": " +
                        p.error());
    all.push_back(std::move(*p));
  } while (all.size() < 1000 && TIFFReadDirectory(t.get()));
  if (pages)
    *pages = static_cast<int>(all.size());

  std::string out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  std::vector<std::size_t> offsets; // of objects 1..n
  auto object = [&](const std::string& body) {
    offsets.push_back(out.size());
    out += std::to_string(offsets.size()) + " 0 obj\n" + body + "\nendobj\n";
  };
  // 1: catalog, 2: pages, then three objects per page.
  std::string kids;
  for (std::size_t i = 0; i < all.size(); ++i)
    kids += std::to_string(3 + 3 * i) + " 0 R ";
  object("<< /Type /Catalog /Pages 2 0 R >>");
  object("<< /Type /Pages /Kids [" + kids + "] /Count " +
         std::to_string(all.size()) + " >>");
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto& p = all[i];
    auto w_pt = p.width / p.xres * 72.0, h_pt = p.rows / p.yres * 72.0;
    auto n = 3 + 3 * i;
    object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + fmt(w_pt) + " " +
           fmt(h_pt) + "] /Resources << /XObject << /Im0 " +
           std::to_string(n + 2) + " 0 R >> >> /Contents " +
           std::to_string(n + 1) + " 0 R >>");
    auto content = "q " + fmt(w_pt) + " 0 0 " + fmt(h_pt) + " 0 0 cm /Im0 Do Q";
    object("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" +
           content + "\nendstream");
    uLongf size = compressBound(static_cast<uLong>(p.bits.size()));
    std::string z(size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(z.data()), &size, p.bits.data(),
                  static_cast<uLong>(p.bits.size()), 9) != Z_OK)
      return unexpected(std::string{"compression failed"});
    z.resize(size);
    object("<< /Type /XObject /Subtype /Image /Width " +
           std::to_string(p.width) + " /Height " + std::to_string(p.rows) +
           " /ColorSpace /DeviceGray /BitsPerComponent 1 /Decode [1 0]"
           " /Filter /FlateDecode /Length " +
           std::to_string(z.size()) + " >>\nstream\n" + z + "\nendstream");
  }
  auto xref = out.size();
  out += "xref\n0 " + std::to_string(offsets.size() + 1) +
         "\n0000000000 65535 f \n";
  for (auto o : offsets) {
    char line[24];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
    out += line;
  }
  out += "trailer\n<< /Size " + std::to_string(offsets.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

std::string write_tiff(const std::string& path,
                       const std::vector<std::uint8_t>& bits, int rows,
                       int pages) {
  quiet_tiff();
  constexpr int width = 1728, stride = width / 8;
  if (rows <= 0 || pages <= 0 ||
      bits.size() != static_cast<std::size_t>(stride * rows))
    return "bits do not match the size";
  tiff_ptr t{TIFFOpen(path.c_str(), "w")};
  if (!t)
    return "cannot write " + path;
  auto* f = t.get();
  std::vector<std::uint8_t> row(stride);
  for (int page = 0; page < pages; ++page) {
    TIFFSetField(f, TIFFTAG_IMAGEWIDTH, width);
    TIFFSetField(f, TIFFTAG_IMAGELENGTH, rows);
    TIFFSetField(f, TIFFTAG_BITSPERSAMPLE, 1);
    TIFFSetField(f, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(f, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX3);
    TIFFSetField(f, TIFFTAG_GROUP3OPTIONS, GROUP3OPT_2DENCODING);
    TIFFSetField(f, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
    TIFFSetField(f, TIFFTAG_FILLORDER, FILLORDER_LSB2MSB);
    TIFFSetField(f, TIFFTAG_XRESOLUTION, 204.0f);
    TIFFSetField(f, TIFFTAG_YRESOLUTION, 196.0f);
    TIFFSetField(f, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
    TIFFSetField(f, TIFFTAG_ROWSPERSTRIP, rows);
    TIFFSetField(f, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(f, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
    TIFFSetField(f, TIFFTAG_PAGENUMBER, page, pages);
    for (int r = 0; r < rows; ++r) {
      std::copy(bits.begin() + r * stride, bits.begin() + (r + 1) * stride,
                row.begin());
      if (TIFFWriteScanline(f, row.data(), static_cast<std::uint32_t>(r), 0) <
          0)
        return "row " + std::to_string(r) + " not written";
    }
    if (!TIFFWriteDirectory(f))
      return "page not written";
  }
  return {};
}

expected<std::vector<std::uint8_t>, std::string>
read_page(const std::string& tiff_path, int* width, int* rows) {
  quiet_tiff();
  tiff_ptr t{TIFFOpen(tiff_path.c_str(), "r")};
  if (!t)
    return unexpected(std::string{"not a TIFF"});
  auto p = read_current(t.get());
  if (!p)
    return unexpected(p.error());
  if (width)
    *width = p->width;
  if (rows)
    *rows = p->rows;
  return std::move(p->bits);
}

std::vector<std::uint8_t> test_page(int rows) {
  constexpr int stride = 1728 / 8;
  std::vector<std::uint8_t> bits(static_cast<std::size_t>(stride * rows), 0);
  auto set = [&](int x, int y) {
    bits[static_cast<std::size_t>(y * stride + x / 8)] |=
        static_cast<std::uint8_t>(0x80 >> (x % 8));
  };
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < 1728; ++x) {
      bool frame = y < 8 || y >= rows - 8 || x < 8 || x >= 1720;
      bool bars = y > 40 && y < rows / 2 && (x / 48) % 2 == 0 && x < 1200;
      bool checks = y >= rows / 2 + 20 && y < rows - 40 && x > 200 &&
                    x < 1500 && ((x / 32) + (y / 32)) % 2 == 0;
      bool diagonal =
          y > 20 && x > 1250 && x < 1700 && std::abs((x - 1250) - (y - 20)) < 6;
      if (frame || bars || checks || diagonal)
        set(x, y);
    }
  return bits;
}

} // namespace ivm::fax
