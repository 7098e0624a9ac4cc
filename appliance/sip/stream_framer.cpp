#include "appliance/sip/stream_framer.hpp"

namespace ivm::sip {

stream_framer::stream_framer(parse_options opts) : opts_(opts) {
  opts_.stream = true;
}

stream_framer::result stream_framer::fail(parse_error err) {
  failed_ = true;
  error_ = std::move(err);
  buffer_.clear();
  offset_ = scan_ = head_end_ = body_size_ = 0;
  result res;
  res.what = framer_event::error;
  res.error = error_;
  return res;
}

void stream_framer::compact() {
  if (offset_ == 0)
    return;
  if (offset_ == buffer_.size()) {
    buffer_.clear();
  } else if (offset_ > buffer_.size() / 2) {
    buffer_.erase(0, offset_);
  } else {
    return;
  }
  scan_ -= std::min(scan_, offset_);
  if (head_end_ != 0)
    head_end_ -= offset_;
  offset_ = 0;
}

stream_framer::result stream_framer::consume(std::string_view bytes) {
  if (failed_)
    return fail(error_);
  compact();
  // Bound memory: the caller drains with next() before feeding more, so at
  // most one partial message plus one read are buffered.
  if (buffered() + bytes.size() > 2 * opts_.max_message_size + 4)
    return fail(
        parse_error{513, "Message Too Large", true, parse_errc::too_large});
  buffer_.append(bytes);
  return next();
}

stream_framer::result stream_framer::next() {
  if (failed_)
    return fail(error_);
  result res;
  std::string_view data{buffer_};
  data.remove_prefix(offset_);
  if (head_end_ == 0) {
    // Keep-alives between messages.
    if (data.substr(0, 4) == "\r\n\r\n") {
      offset_ += 4;
      scan_ = offset_;
      res.what = framer_event::ping;
      return res;
    }
    if (data.size() < 4 &&
        std::string_view{"\r\n\r\n"}.substr(0, data.size()) == data)
      return res; // could still become a ping
    if (data.substr(0, 2) == "\r\n") {
      offset_ += 2;
      scan_ = offset_;
      res.what = framer_event::pong;
      return res;
    }
    auto from = std::max(scan_, offset_);
    auto pos = std::string_view{buffer_}.find("\r\n\r\n", from);
    if (pos == std::string_view::npos) {
      scan_ =
          buffer_.size() >= 3 ? std::max(offset_, buffer_.size() - 3) : offset_;
      if (buffered() > opts_.max_message_size)
        return fail(
            parse_error{513, "Message Too Large", true, parse_errc::too_large});
      return res;
    }
    head_end_ = pos + 4;
    auto head = std::string_view{buffer_}.substr(offset_, head_end_ - offset_);
    auto size = detail::stream_body_size(head, opts_);
    if (!size) {
      auto r = fail(size.error());
      r.frame = std::string{head}; // lets the caller answer before closing
      return r;
    }
    body_size_ = *size;
    if (head_end_ - offset_ + body_size_ > opts_.max_message_size) {
      auto r = fail(
          parse_error{513, "Message Too Large", true, parse_errc::too_large});
      r.frame = std::string{head};
      return r;
    }
  }
  if (buffer_.size() - head_end_ < body_size_)
    return res;
  auto end = head_end_ + body_size_;
  res.what = framer_event::message;
  res.frame = buffer_.substr(offset_, end - offset_);
  offset_ = end;
  scan_ = end;
  head_end_ = 0;
  body_size_ = 0;
  return res;
}

} // namespace ivm::sip
