#pragma once

// Server-sent events (the WHATWG HTML standard, "9.2 Server-sent events",
// section "Parsing an event stream"): a resumable parser fed the bytes of
// `text/event-stream` in whatever pieces they arrive.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ivm::console {

/// One dispatched event.
struct sse_event {
  /// The `event:` field ("message" when the block had none).
  std::string name = "message";
  /// The `data:` lines joined with "\n".
  std::string data;
  /// The `id:` field, empty when none was given.
  std::string id;
};

/// Splits a byte stream into events. Lines end with CRLF, LF or CR (also
/// when a CRLF is split between two chunks); a line starting with ':' is a
/// comment; an empty line dispatches the event when it has data; `retry:`
/// and unknown fields are ignored. A line longer than `max_line` bytes or
/// an event larger than `max_event` is dropped (and counted), never kept
/// without bound, so garbage costs bounded memory.
class sse_parser {
public:
  static constexpr std::size_t max_line = 1 << 20;
  static constexpr std::size_t max_event = 4 << 20;

  /// Consumes `bytes` and returns the events they complete, in order.
  std::vector<sse_event> feed(std::string_view bytes);

  /// Forgets a partial line and event (a new connection).
  void reset();

  /// Events dropped for their size (or a line's) since the start.
  std::size_t dropped() const noexcept {
    return dropped_;
  }

private:
  void end_line(std::vector<sse_event>& out);
  void field(std::string_view name, std::string_view value);

  std::string line_;
  bool overlong_ = false;
  bool after_cr_ = false;
  bool at_start_ = true;
  std::string name_;
  std::string data_;
  std::string id_;
  bool has_data_ = false;
  bool oversize_event_ = false;
  std::size_t dropped_ = 0;
};

} // namespace ivm::console
