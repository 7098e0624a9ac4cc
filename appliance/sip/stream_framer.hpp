#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "appliance/sip/parse_error.hpp"
#include "appliance/sip/parser.hpp"

namespace ivm::sip {

/// Splits a TCP/TLS byte stream into SIP messages (RFC 3261 §18.3) with
/// bounded memory. Between messages it skips CRLF keep-alives and reports a
/// double-CRLF ping so the transport can answer a single-CRLF pong
/// (RFC 5626 §3.5.1). After an error the connection must be closed: every
/// further call returns the same error.
///
/// Usage:
/// ~~~
/// for (auto r = framer.consume(bytes); r.what != framer_event::need_more;
///      r = framer.next()) { ... }
/// ~~~
enum class framer_event {
  /// No complete unit buffered; feed more bytes.
  need_more,
  /// `frame` holds one complete message (parse it with `parse_options`
  /// having `stream = true`).
  message,
  /// A CRLFCRLF keep-alive ping: answer with a single CRLF.
  ping,
  /// A lone CRLF (a pong, or a stray line end) was skipped.
  pong,
  /// Framing failed (`error`); close the connection.
  error,
};

class stream_framer {
public:
  struct result {
    framer_event what = framer_event::need_more;

    /// The message octets for `framer_event::message`; for
    /// `framer_event::error`, the header section that failed, when one was
    /// complete (so the caller can answer it before closing).
    std::string frame;

    /// The reason for `framer_event::error`.
    parse_error error;
  };

  explicit stream_framer(parse_options opts = stream_defaults());

  /// Appends `bytes` and returns the next event. Call `next()` until it
  /// returns `need_more` before consuming more: at most twice
  /// `max_message_size` octets are ever buffered.
  result consume(std::string_view bytes);

  /// Returns the next event from already buffered bytes.
  result next();

  /// Octets currently buffered.
  size_t buffered() const noexcept {
    return buffer_.size() - offset_;
  }

  static parse_options stream_defaults() {
    parse_options opts;
    opts.stream = true;
    return opts;
  }

private:
  result fail(parse_error err);

  void compact();

  parse_options opts_;
  std::string buffer_;
  size_t offset_ = 0;    // start of the unconsumed data
  size_t scan_ = 0;      // where to resume the search for CRLFCRLF
  size_t head_end_ = 0;  // end of the header section, 0 if not yet found
  size_t body_size_ = 0; // Content-Length of the current message
  bool failed_ = false;
  parse_error error_;
};

} // namespace ivm::sip
