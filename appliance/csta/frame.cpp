#include "appliance/csta/frame.hpp"

namespace ivm::csta {

std::optional<std::string> encode_frame(std::uint16_t invoke_id,
                                        std::string_view xml) {
  auto total = xml.size() + frame_header;
  if (total > 65535 || invoke_id > 9999)
    return std::nullopt;
  std::string f;
  f.reserve(total);
  f += '\0';
  f += '\0';
  f += static_cast<char>(total >> 8);
  f += static_cast<char>(total & 0xFF);
  char id[5];
  for (int i = 3, v = invoke_id; i >= 0; --i, v /= 10)
    id[i] = static_cast<char>('0' + v % 10);
  f.append(id, 4);
  f.append(xml);
  return f;
}

frame_reader::status frame_reader::next(frame& out) {
  if (!why_.empty())
    return status::error;
  if (buf_.size() - pos_ < frame_header)
    return status::more;
  auto b = [&](std::size_t i) {
    return static_cast<unsigned char>(buf_[pos_ + i]);
  };
  std::size_t total = b(2) << 8 | b(3);
  if (b(0) != 0 || b(1) != 0)
    why_ = "not a CSTA frame header";
  else if (total < frame_header)
    why_ = "frame length below its header";
  else if (total > max_)
    why_ = "frame of " + std::to_string(total) + " bytes is too large";
  std::uint16_t id = 0;
  for (std::size_t i = 4; i < 8 && why_.empty(); ++i) {
    char c = buf_[pos_ + i];
    if (c < '0' || c > '9')
      why_ = "invoke id not 4 digits";
    id = static_cast<std::uint16_t>(id * 10 + (c - '0'));
  }
  if (!why_.empty()) {
    buf_.clear();
    pos_ = 0;
    return status::error;
  }
  if (buf_.size() - pos_ < total)
    return status::more;
  out.invoke_id = id;
  out.xml.assign(buf_, pos_ + frame_header, total - frame_header);
  pos_ += total;
  return status::frame;
}

} // namespace ivm::csta
