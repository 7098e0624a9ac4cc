#include "console/model/sse_parser.hpp"

namespace ivm::console {

std::vector<sse_event> sse_parser::feed(std::string_view bytes) {
  std::vector<sse_event> out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n')
        continue; // the LF of a CRLF (maybe split between two chunks)
    }
    if (c == '\r' || c == '\n') {
      after_cr_ = c == '\r';
      end_line(out);
      continue;
    }
    // The rest of the line up to its end, at once.
    auto end = bytes.find_first_of("\r\n", i);
    auto piece = bytes.substr(
        i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (!overlong_) {
      if (line_.size() + piece.size() > max_line) {
        overlong_ = true;
        line_.clear();
        line_.shrink_to_fit();
      } else {
        line_.append(piece);
      }
    }
    i += piece.size() - 1;
  }
  return out;
}

void sse_parser::reset() {
  line_.clear();
  overlong_ = false;
  after_cr_ = false;
  at_start_ = true;
  name_.clear();
  data_.clear();
  id_.clear();
  has_data_ = false;
  oversize_event_ = false;
}

void sse_parser::end_line(std::vector<sse_event>& out) {
  std::string_view line{line_};
  // A UTF-8 byte order mark may open the stream.
  if (at_start_) {
    at_start_ = false;
    if (line.substr(0, 3) == "\xEF\xBB\xBF")
      line.remove_prefix(3);
  }
  if (overlong_) {
    overlong_ = false;
    oversize_event_ = true; // the event lost a line: not dispatched
  } else if (line.empty()) {
    if (has_data_ && !oversize_event_) {
      sse_event e;
      if (!name_.empty())
        e.name = std::move(name_);
      e.data = std::move(data_);
      e.id = id_;
      out.push_back(std::move(e));
    } else if (oversize_event_) {
      ++dropped_;
    }
    name_.clear();
    data_.clear();
    has_data_ = false;
    oversize_event_ = false;
  } else if (line.front() != ':') {
    auto colon = line.find(':');
    auto name = line.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
      value = line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
    }
    field(name, value);
  }
  line_.clear();
}

void sse_parser::field(std::string_view name, std::string_view value) {
  if (name == "event") {
    name_ = std::string{value};
  } else if (name == "data") {
    if (oversize_event_)
      return;
    if (data_.size() + value.size() + 1 > max_event) {
      oversize_event_ = true;
      data_.clear();
      data_.shrink_to_fit();
      return;
    }
    if (has_data_)
      data_ += '\n';
    data_.append(value);
    has_data_ = true;
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos)
      id_ = std::string{value};
  }
}

} // namespace ivm::console
