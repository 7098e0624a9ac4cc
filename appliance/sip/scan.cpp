#include "appliance/sip/scan.hpp"

#include "appliance/sip/header_name.hpp"

namespace ivm::sip {

const param* find_param(const param_list& params,
                        std::string_view name) noexcept {
  for (auto& p : params)
    if (iequals(p.name, name))
      return &p;
  return nullptr;
}

std::optional<std::string_view> param_value(const param_list& params,
                                            std::string_view name) noexcept {
  if (auto p = find_param(params, name))
    return std::string_view{p->value};
  return std::nullopt;
}

} // namespace ivm::sip

namespace ivm::sip::detail {

bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_wsp(char c) noexcept {
  return c == ' ' || c == '\t';
}

bool is_token_char(char c) noexcept {
  if (is_alpha(c) || is_digit(c))
    return true;
  switch (c) {
    case '-':
    case '.':
    case '!':
    case '%':
    case '*':
    case '_':
    case '+':
    case '`':
    case '\'':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_token(std::string_view str) noexcept {
  if (str.empty())
    return false;
  for (auto c : str)
    if (!is_token_char(c))
      return false;
  return true;
}

std::string_view trim(std::string_view str) noexcept {
  while (!str.empty() && is_wsp(str.front()))
    str.remove_prefix(1);
  while (!str.empty() && is_wsp(str.back()))
    str.remove_suffix(1);
  return str;
}

std::optional<uint64_t> parse_uint(std::string_view digits,
                                   uint64_t max) noexcept {
  if (digits.empty())
    return std::nullopt;
  uint64_t result = 0;
  for (auto c : digits) {
    if (!is_digit(c))
      return std::nullopt;
    auto d = static_cast<uint64_t>(c - '0');
    if (result > (max - d) / 10)
      return std::nullopt;
    result = result * 10 + d;
  }
  return result;
}

bool cursor::skip_ws() noexcept {
  auto start = pos;
  while (!at_end() && is_wsp(text[pos]))
    ++pos;
  return pos != start;
}

bool cursor::accept(char c) noexcept {
  if (!at_end() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

std::string_view cursor::token() noexcept {
  auto start = pos;
  while (!at_end() && is_token_char(text[pos]))
    ++pos;
  return text.substr(start, pos - start);
}

std::string_view cursor::rest() noexcept {
  auto result = at_end() ? std::string_view{} : text.substr(pos);
  pos = text.size();
  return result;
}

std::optional<std::string> quoted_string(cursor& in) {
  if (!in.accept('"'))
    return std::nullopt;
  std::string result;
  while (!in.at_end()) {
    auto c = in.text[in.pos++];
    if (c == '"')
      return result;
    if (c == '\r' || c == '\n')
      return std::nullopt;
    if (c == '\\') {
      if (in.at_end())
        return std::nullopt;
      c = in.text[in.pos++];
      // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
      if (c == '\r' || c == '\n' || static_cast<unsigned char>(c) > 0x7F)
        return std::nullopt;
    }
    result += c;
  }
  return std::nullopt;
}

namespace {

bool is_value_char(char c) noexcept {
  // token / host (IPv4, hostname, IPv6 with or without brackets)
  return is_token_char(c) || c == ':' || c == '[' || c == ']';
}

} // namespace

std::optional<param_list> header_params(cursor& in, std::string_view stop) {
  param_list result;
  for (;;) {
    in.skip_ws();
    if (in.at_end() || stop.find(in.peek()) != std::string_view::npos)
      return result;
    if (!in.accept(';'))
      return std::nullopt;
    in.skip_ws();
    param p;
    p.name = std::string{in.token()};
    if (p.name.empty())
      return std::nullopt;
    in.skip_ws();
    if (in.accept('=')) {
      in.skip_ws();
      p.has_value = true;
      if (in.peek() == '"') {
        auto str = quoted_string(in);
        if (!str)
          return std::nullopt;
        p.value = std::move(*str);
        p.quoted = true;
      } else {
        auto start = in.pos;
        while (!in.at_end() && is_value_char(in.peek()))
          ++in.pos;
        if (in.pos == start)
          return std::nullopt;
        p.value = std::string{in.text.substr(start, in.pos - start)};
      }
    }
    result.push_back(std::move(p));
  }
}

std::vector<std::string_view> split_list(std::string_view value) {
  std::vector<std::string_view> result;
  size_t start = 0;
  bool in_quotes = false;
  bool in_angle = false;
  for (size_t i = 0; i < value.size(); ++i) {
    auto c = value[i];
    if (in_quotes) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_quotes = false;
    } else if (in_angle) {
      if (c == '>')
        in_angle = false;
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == '<') {
      in_angle = true;
    } else if (c == ',') {
      result.push_back(trim(value.substr(start, i - start)));
      start = i + 1;
    }
  }
  result.push_back(trim(value.substr(std::min(start, value.size()))));
  return result;
}

std::string to_lower(std::string_view str) {
  std::string result{str};
  for (auto& c : result)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return result;
}

} // namespace ivm::sip::detail
