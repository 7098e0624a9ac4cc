#pragma once

// The TCP framing of CSTA XML links (ECMA-323 Annex J, as OpenScape and
// Avaya DMCC use it): 0x00 0x00, the whole frame's length (header
// included) as a big-endian 16-bit number, a 4-digit ASCII invoke id, then
// the XML. Unsolicited events carry invoke id 9999. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ivm::csta {

constexpr std::size_t frame_header = 8;
constexpr std::uint16_t event_invoke_id = 9999;

/// One frame; nothing when `xml` does not fit (65,527 bytes at most) or
/// `invoke_id` is above 9999.
std::optional<std::string> encode_frame(std::uint16_t invoke_id,
                                        std::string_view xml);

struct frame {
  std::uint16_t invoke_id = 0;
  std::string xml;
};

/// Cuts a TCP byte stream into frames. A header that cannot be one (the
/// first two bytes not zero, a length below the header or above
/// `max_frame`, an invoke id not 4 digits) is a stream error: the link is
/// closed and connected again (nothing after it can be trusted). Nothing is
/// allocated before the bytes arrive.
class frame_reader {
public:
  explicit frame_reader(std::size_t max_frame = 65535) : max_(max_frame) {}

  /// Bytes from the socket.
  void feed(std::string_view bytes) {
    buf_.append(bytes);
  }

  enum class status { frame, more, error };
  /// The next frame into `out`, `more` until one is complete, `error` (and
  /// `why`) when the stream is broken; stays in error.
  status next(frame& out);

  const std::string& why() const {
    return why_;
  }
  std::size_t buffered() const {
    return buf_.size() - pos_;
  }

private:
  std::size_t max_;
  std::string buf_;
  std::size_t pos_ = 0; ///< start of the first frame not read yet
  std::string why_;
};

/// Invoke ids of the requests a link sends: 0001..9998, wrapping, never
/// 9999 (the events').
class invoke_ids {
public:
  std::uint16_t next() {
    if (++last_ > 9998)
      last_ = 1;
    return last_;
  }

private:
  std::uint16_t last_ = 0;
};

} // namespace ivm::csta
