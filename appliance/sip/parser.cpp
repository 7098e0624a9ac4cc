#include "appliance/sip/parser.hpp"

#include <optional>

#include "appliance/sip/scan.hpp"

namespace ivm::sip {

namespace {

constexpr std::string_view crlf = "\r\n";

parse_error fail(bool is_request, int status, std::string reason,
                 parse_errc code) {
  return parse_error{status, std::move(reason), is_request, code};
}

bool starts_with_sip(std::string_view str) noexcept {
  return str.size() >= 4 && iequals(str.substr(0, 4), "SIP/");
}

size_t skip_leading_crlf(std::string_view data) noexcept {
  size_t pos = 0;
  while (data.substr(pos, 2) == crlf)
    pos += 2;
  return pos;
}

enum class version_check { ok, unsupported, malformed };

// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT
version_check check_version(std::string_view str) noexcept {
  if (!starts_with_sip(str))
    return version_check::malformed;
  auto num = str.substr(4);
  auto dot = num.find('.');
  if (dot == std::string_view::npos)
    return version_check::malformed;
  auto major = num.substr(0, dot);
  auto minor = num.substr(dot + 1);
  if (!detail::parse_uint(major, 0xFFFF) || !detail::parse_uint(minor, 0xFFFF))
    return version_check::malformed;
  return num == "2.0" ? version_check::ok : version_check::unsupported;
}

bool is_text_char(char c) noexcept {
  auto u = static_cast<unsigned char>(c);
  return c == '\t' || (u >= 0x20 && u != 0x7F);
}

// Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
std::optional<parse_error> status_line(std::string_view line, message& msg) {
  auto err = [](std::string reason, parse_errc code) {
    return fail(false, 400, std::move(reason), code);
  };
  auto sp = line.find(' ');
  auto version = line.substr(0, sp);
  switch (check_version(version)) {
    case version_check::ok:
      break;
    case version_check::unsupported:
      return fail(false, 505, "Version Not Supported", parse_errc::bad_version);
    default:
      return err("Malformed SIP-Version", parse_errc::malformed_start_line);
  }
  if (sp == std::string_view::npos)
    return err("Malformed Status-Line", parse_errc::malformed_start_line);
  auto rest = line.substr(sp + 1);
  auto code = rest.substr(0, 3);
  if (code.size() != 3 || (rest.size() > 3 && rest[3] != ' '))
    return err("Malformed Status-Code", parse_errc::malformed_start_line);
  auto value = detail::parse_uint(code, 999);
  if (!value || *value < 100 || *value > 699)
    return err("Malformed Status-Code", parse_errc::malformed_start_line);
  auto reason = rest.size() > 4 ? rest.substr(4) : std::string_view{};
  for (auto c : reason)
    if (!is_text_char(c))
      return err("Malformed Reason-Phrase", parse_errc::malformed_start_line);
  msg.status_code = static_cast<int>(*value);
  msg.reason = std::string{reason};
  msg.version = std::string{version};
  return std::nullopt;
}

bool is_uri_char(char c) noexcept {
  auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7F && c != '<' && c != '>' && c != '"';
}

// Request-Line = Method SP Request-URI SP SIP-Version
std::optional<parse_error> request_line(std::string_view line, message& msg) {
  auto err = [](std::string reason, parse_errc code) {
    return fail(true, 400, std::move(reason), code);
  };
  auto sp1 = line.find(' ');
  auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos ||
      line.find(' ', sp2 + 1) != std::string_view::npos)
    return err("Malformed Request-Line", parse_errc::malformed_start_line);
  auto method = line.substr(0, sp1);
  auto uri = line.substr(sp1 + 1, sp2 - sp1 - 1);
  auto version = line.substr(sp2 + 1);
  if (!detail::is_token(method))
    return err("Malformed Method", parse_errc::malformed_start_line);
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" + something
  auto colon = uri.find(':');
  if (colon == 0 || colon == std::string_view::npos ||
      colon + 1 == uri.size() || !detail::is_alpha(uri[0]))
    return err("Malformed Request-URI", parse_errc::malformed_start_line);
  for (size_t i = 0; i < uri.size(); ++i) {
    auto c = uri[i];
    if (!is_uri_char(c) ||
        (i < colon && !detail::is_alpha(c) && !detail::is_digit(c) &&
         c != '+' && c != '-' && c != '.'))
      return err("Malformed Request-URI", parse_errc::malformed_start_line);
  }
  switch (check_version(version)) {
    case version_check::ok:
      break;
    case version_check::unsupported:
      return fail(true, 505, "Version Not Supported", parse_errc::bad_version);
    default:
      return err("Malformed SIP-Version", parse_errc::malformed_start_line);
  }
  msg.method = std::string{method};
  msg.request_uri = std::string{uri};
  msg.version = std::string{version};
  return std::nullopt;
}

// Finds the end of the header field starting at `pos`: the CRLF not
// followed by SP / HTAB. Returns npos when the input ends first.
size_t field_end(std::string_view data, size_t pos) noexcept {
  for (;;) {
    auto eol = data.find(crlf, pos);
    if (eol == std::string_view::npos)
      return eol;
    if (eol + 2 < data.size() && detail::is_wsp(data[eol + 2])) {
      pos = eol + 2;
      continue;
    }
    return eol;
  }
}

// message-header = field-name HCOLON field-value; HCOLON = *WSP ":" SWS.
std::optional<parse_error> header_field(std::string_view field, bool is_req,
                                        header& out) {
  auto err = [is_req] {
    return fail(is_req, 400, "Malformed header field",
                parse_errc::malformed_header);
  };
  size_t i = 0;
  while (i < field.size() && detail::is_token_char(field[i]))
    ++i;
  if (i == 0)
    return err();
  auto name = field.substr(0, i);
  while (i < field.size() && detail::is_wsp(field[i]))
    ++i;
  if (i == field.size() || field[i] != ':')
    return err();
  ++i;
  std::string value;
  value.reserve(field.size() - i);
  for (; i < field.size(); ++i) {
    auto c = field[i];
    if (c == '\r') {
      // Only folding (CRLF WSP) can remain inside a field: it is LWS.
      if (i + 2 < field.size() && field[i + 1] == '\n' &&
          detail::is_wsp(field[i + 2])) {
        while (!value.empty() && detail::is_wsp(value.back()))
          value.pop_back();
        i += 2;
        while (i + 1 < field.size() && detail::is_wsp(field[i + 1]))
          ++i;
        value += ' ';
        continue;
      }
      return err();
    }
    if (c == '\n')
      return err();
    value += c;
  }
  auto trimmed = detail::trim(value);
  out.id = lookup_header(name);
  out.name = std::string{name};
  out.value = std::string{trimmed};
  return std::nullopt;
}

// Parses the header section starting at `pos` into `msg`.
std::optional<parse_error> header_section(std::string_view data, size_t& pos,
                                          const parse_options& opts,
                                          message& msg) {
  auto is_req = msg.is_request();
  for (;;) {
    if (data.substr(pos, 2) == crlf) {
      pos += 2;
      return std::nullopt;
    }
    auto eol = field_end(data, pos);
    if (eol == std::string_view::npos)
      return fail(is_req, 400, "Truncated header section",
                  parse_errc::truncated);
    if (eol - pos > opts.max_header_size)
      return fail(is_req, 513, "Header Field Too Large",
                  parse_errc::header_too_long);
    if (msg.headers.size() >= opts.max_headers)
      return fail(is_req, 513, "Too Many Header Fields",
                  parse_errc::too_many_headers);
    header hdr;
    if (auto err = header_field(data.substr(pos, eol - pos), is_req, hdr))
      return err;
    msg.headers.push_back(std::move(hdr));
    pos = eol + 2;
  }
}

// Reads the Content-Length of `msg`: nullopt if absent.
expected<std::optional<size_t>, parse_error> content_length(const message& msg,
                                                            size_t limit) {
  std::optional<size_t> result;
  for (auto& hdr : msg.headers) {
    if (hdr.id != header_id::content_length)
      continue;
    auto value = detail::parse_uint(hdr.value, limit);
    if (!value)
      return unexpected(fail(msg.is_request(), 400, "Bad Content-Length",
                             parse_errc::bad_content_length));
    if (result && *result != *value)
      return unexpected(fail(msg.is_request(), 400,
                             "Conflicting Content-Length",
                             parse_errc::bad_content_length));
    result = static_cast<size_t>(*value);
  }
  return result;
}

expected<message, parse_error> parse_head(std::string_view data, size_t& pos,
                                          const parse_options& opts) {
  message msg;
  pos = skip_leading_crlf(data);
  auto is_req = !starts_with_sip(data.substr(pos));
  if (data.size() > opts.max_message_size)
    return unexpected(
        fail(is_req, 513, "Message Too Large", parse_errc::too_large));
  auto eol = data.find(crlf, pos);
  if (eol == std::string_view::npos)
    return unexpected(
        fail(is_req, 400, "Truncated start line", parse_errc::truncated));
  auto line = data.substr(pos, eol - pos);
  auto err = is_req ? request_line(line, msg) : status_line(line, msg);
  if (err)
    return unexpected(std::move(*err));
  pos = eol + 2;
  if (auto err = header_section(data, pos, opts, msg))
    return unexpected(std::move(*err));
  return msg;
}

} // namespace

expected<message, parse_error> parse(std::string_view data,
                                     const parse_options& opts) {
  size_t pos = 0;
  auto msg = parse_head(data, pos, opts);
  if (!msg)
    return msg;
  auto remaining = data.size() - pos;
  auto len = content_length(*msg, UINT32_MAX);
  if (!len)
    return unexpected(len.error());
  if (!*len) {
    if (opts.stream)
      return unexpected(fail(msg->is_request(), 400, "Missing Content-Length",
                             parse_errc::bad_content_length));
    msg->body = std::string{data.substr(pos)};
    return msg;
  }
  if (**len > remaining)
    return unexpected(fail(msg->is_request(), 400,
                           "Content-Length exceeds message",
                           parse_errc::bad_content_length));
  msg->body = std::string{data.substr(pos, **len)};
  return msg;
}

namespace detail {

expected<size_t, parse_error> stream_body_size(std::string_view head,
                                               const parse_options& opts) {
  size_t pos = 0;
  auto msg = parse_head(head, pos, opts);
  if (!msg)
    return unexpected(msg.error());
  auto len = content_length(*msg, UINT32_MAX);
  if (!len)
    return unexpected(len.error());
  if (!*len)
    return unexpected(fail(msg->is_request(), 400, "Missing Content-Length",
                           parse_errc::bad_content_length));
  return **len;
}

} // namespace detail

} // namespace ivm::sip
