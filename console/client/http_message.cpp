#include "console/client/http_message.hpp"

#include <cctype>
#include <cstdlib>

namespace ivm::admin {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

/// Parses a non-empty run of digits (base 10 or 16); false on anything else
/// or on values that do not fit comfortably.
bool parse_size(std::string_view text, int base, std::size_t& out) {
  if (text.empty() || text.size() > 15)
    return false;
  std::size_t value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F')
      digit = c - 'A' + 10;
    else
      return false;
    value = value * static_cast<std::size_t>(base) +
            static_cast<std::size_t>(digit);
  }
  out = value;
  return true;
}

/// Decodes a chunked body starting at `buf`.
parse_state parse_chunked(std::string_view buf, std::string& body,
                          std::string& error) {
  std::size_t pos = 0;
  for (;;) {
    auto eol = buf.find("\r\n", pos);
    if (eol == std::string_view::npos)
      return parse_state::need_more;
    auto line = buf.substr(pos, eol - pos);
    line = trim(line.substr(0, line.find(';')));
    std::size_t size = 0;
    if (!parse_size(line, 16, size)) {
      error = "bad chunk size";
      return parse_state::invalid;
    }
    pos = eol + 2;
    if (size == 0) {
      // Skip trailers up to the empty line.
      for (;;) {
        auto end = buf.find("\r\n", pos);
        if (end == std::string_view::npos)
          return parse_state::need_more;
        if (end == pos)
          return parse_state::complete;
        pos = end + 2;
      }
    }
    if (buf.size() < pos + size + 2)
      return parse_state::need_more;
    if (buf.substr(pos + size, 2) != "\r\n") {
      error = "chunk not followed by CRLF";
      return parse_state::invalid;
    }
    body.append(buf.substr(pos, size));
    pos += size + 2;
  }
}

} // namespace

std::string_view http_response::header(std::string_view name) const {
  for (auto& [key, value] : headers)
    if (iequals(key, name))
      return value;
  return {};
}

std::string serialize(const http_request& req) {
  std::string out = req.method + ' ' + req.target + " HTTP/1.1\r\n";
  for (auto& [key, value] : req.headers)
    out += key + ": " + value + "\r\n";
  if (!req.body.empty() || req.method == "POST" || req.method == "PATCH" ||
      req.method == "PUT")
    out += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
  out += "\r\n";
  out += req.body;
  return out;
}

parse_state parse_response(std::string_view buf, bool at_eof,
                           http_response& out, std::string& error) {
  auto head_end = buf.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    if (at_eof) {
      error = buf.empty() ? "connection closed without a response"
                          : "connection closed inside the response header";
      return parse_state::invalid;
    }
    if (buf.size() > 64 * 1024) {
      error = "response header too large";
      return parse_state::invalid;
    }
    return parse_state::need_more;
  }
  out = http_response{};
  auto head = buf.substr(0, head_end);
  auto eol = head.find("\r\n");
  auto status_line = head.substr(0, eol);
  // "HTTP/1.1 200 OK"
  if (status_line.substr(0, 7) != "HTTP/1." || status_line.size() < 12 ||
      status_line[8] != ' ') {
    error = "not an HTTP/1.x response";
    return parse_state::invalid;
  }
  std::size_t code = 0;
  if (!parse_size(status_line.substr(9, 3), 10, code) || code < 100 ||
      code > 599 || (status_line.size() > 12 && status_line[12] != ' ')) {
    error = "bad status code";
    return parse_state::invalid;
  }
  out.status = static_cast<int>(code);
  if (status_line.size() > 13)
    out.reason = std::string{status_line.substr(13)};
  std::size_t pos = eol == std::string_view::npos ? head.size() : eol + 2;
  while (pos < head.size()) {
    auto end = head.find("\r\n", pos);
    if (end == std::string_view::npos)
      end = head.size();
    auto line = head.substr(pos, end - pos);
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      error = "malformed header line";
      return parse_state::invalid;
    }
    out.headers.emplace_back(std::string{line.substr(0, colon)},
                             std::string{trim(line.substr(colon + 1))});
    pos = end + 2;
  }
  auto rest = buf.substr(head_end + 4);
  // 1xx, 204 and 304 never carry a body (RFC 9112 section 6.3).
  if (out.status < 200 || out.status == 204 || out.status == 304)
    return parse_state::complete;
  if (iequals(trim(out.header("Transfer-Encoding")), "chunked"))
    return parse_chunked(rest, out.body, error);
  auto length_text = out.header("Content-Length");
  if (!length_text.empty()) {
    std::size_t length = 0;
    if (!parse_size(trim(length_text), 10, length)) {
      error = "bad Content-Length";
      return parse_state::invalid;
    }
    if (rest.size() < length) {
      if (at_eof) {
        error = "connection closed inside the response body";
        return parse_state::invalid;
      }
      return parse_state::need_more;
    }
    out.body = std::string{rest.substr(0, length)};
    return parse_state::complete;
  }
  if (!at_eof)
    return parse_state::need_more;
  out.body = std::string{rest};
  return parse_state::complete;
}

} // namespace ivm::admin
