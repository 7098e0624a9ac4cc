#include "appliance/sip/uri.hpp"

#include "appliance/sip/scan.hpp"

namespace ivm::sip {

namespace {

using detail::is_alpha;
using detail::is_digit;
using detail::is_hex;

bool is_mark(char c) noexcept {
  return std::string_view{"-_.!~*'()"}.find(c) != std::string_view::npos;
}

bool is_unreserved(char c) noexcept {
  return is_alpha(c) || is_digit(c) || is_mark(c);
}

// Checks that every char is unreserved, in `extra`, or part of %HH.
bool check_chars(std::string_view str, std::string_view extra) noexcept {
  for (size_t i = 0; i < str.size(); ++i) {
    auto c = str[i];
    if (c == '%') {
      if (i + 2 >= str.size() || !is_hex(str[i + 1]) || !is_hex(str[i + 2]))
        return false;
      i += 2;
    } else if (!is_unreserved(c) && extra.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

constexpr std::string_view user_extra = "&=+$,;?/";
constexpr std::string_view password_extra = "&=+$,";
constexpr std::string_view param_extra = "[]/:&+$";
constexpr std::string_view header_extra = "[]/?:+$&=";
// uric = reserved / unreserved / escaped
constexpr std::string_view uric_extra = ";/?:@&=+$,[]#";

bool is_hostname(std::string_view str) noexcept {
  if (str.empty() || str.front() == '.' || str.front() == '-')
    return false;
  for (auto c : str)
    if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.' && c != '_')
      return false;
  return true;
}

parse_error bad_uri() {
  return bad_request("Malformed URI");
}

// uri-parameters = *( ";" uri-parameter ); raw names/values.
bool uri_params(std::string_view str, param_list& out) {
  size_t pos = 0;
  while (pos < str.size()) {
    if (str[pos] != ';')
      return false;
    ++pos;
    auto end = str.find(';', pos);
    if (end == std::string_view::npos)
      end = str.size();
    auto item = str.substr(pos, end - pos);
    param p;
    auto eq = item.find('=');
    auto name = item.substr(0, eq);
    if (name.empty() || !check_chars(name, param_extra))
      return false;
    p.name = std::string{name};
    if (eq != std::string_view::npos) {
      auto value = item.substr(eq + 1);
      if (value.empty() || !check_chars(value, param_extra))
        return false;
      p.has_value = true;
      p.value = std::string{value};
    }
    out.push_back(std::move(p));
    pos = end;
  }
  return true;
}

expected<uri, parse_error> sip_uri(std::string_view rest, uri result) {
  // headers
  auto qmark = rest.find('?');
  auto at = rest.find('@');
  if (at != std::string_view::npos) {
    auto userinfo = rest.substr(0, at);
    auto colon = userinfo.find(':');
    auto user = userinfo.substr(0, colon);
    if (user.empty() || !check_chars(user, user_extra))
      return unexpected(bad_uri());
    result.user = std::string{user};
    result.has_user = true;
    if (colon != std::string_view::npos) {
      auto password = userinfo.substr(colon + 1);
      if (!check_chars(password, password_extra))
        return unexpected(bad_uri());
      result.password = std::string{password};
    }
    rest.remove_prefix(at + 1);
    qmark = rest.find('?');
  }
  auto hostpart = rest.substr(0, qmark);
  if (qmark != std::string_view::npos) {
    auto headers = rest.substr(qmark + 1);
    if (headers.empty() || !check_chars(headers, header_extra))
      return unexpected(bad_uri());
    result.headers = std::string{headers};
  }
  // hostport
  size_t host_end;
  if (!hostpart.empty() && hostpart.front() == '[') {
    host_end = hostpart.find(']');
    if (host_end == std::string_view::npos)
      return unexpected(bad_uri());
    ++host_end;
  } else {
    host_end = hostpart.find_first_of(":;");
    if (host_end == std::string_view::npos)
      host_end = hostpart.size();
  }
  auto host = hostpart.substr(0, host_end);
  if (!is_host(host))
    return unexpected(bad_uri());
  result.host = std::string{host};
  auto tail = hostpart.substr(host_end);
  if (!tail.empty() && tail.front() == ':') {
    auto end = tail.find(';');
    auto port = detail::parse_uint(tail.substr(1, end - 1), 65535);
    if (!port)
      return unexpected(bad_uri());
    result.port = static_cast<uint16_t>(*port);
    tail.remove_prefix(end == std::string_view::npos ? tail.size() : end);
  }
  if (!uri_params(tail, result.params))
    return unexpected(bad_uri());
  return result;
}

expected<uri, parse_error> tel_uri(std::string_view rest, uri result) {
  auto semi = rest.find(';');
  auto number = rest.substr(0, semi);
  if (number.empty())
    return unexpected(bad_uri());
  for (auto c : number)
    if (!is_hex(c) &&
        std::string_view{"+-.()*#pPwW"}.find(c) == std::string_view::npos)
      return unexpected(bad_uri());
  result.user = std::string{number};
  if (semi != std::string_view::npos &&
      !uri_params(rest.substr(semi), result.params))
    return unexpected(bad_uri());
  return result;
}

} // namespace

bool is_ipv4_address(std::string_view str) noexcept {
  for (int part = 0; part < 4; ++part) {
    auto dot = str.find('.');
    if ((part < 3) == (dot == std::string_view::npos))
      return false;
    auto num = str.substr(0, dot);
    if (num.size() > 3 || !detail::parse_uint(num, 255))
      return false;
    str.remove_prefix(dot == std::string_view::npos ? str.size() : dot + 1);
  }
  return true;
}

bool is_ipv6_address(std::string_view str) noexcept {
  // Up to 8 groups of 1-4 hex digits, at most one "::", optional trailing
  // IPv4 (counts as two groups).
  if (str.size() < 2)
    return false;
  int groups = 0;
  bool compressed = false;
  size_t pos = 0;
  if (str.substr(0, 2) == "::") {
    compressed = true;
    pos = 2;
    if (pos == str.size())
      return true;
  } else if (str.front() == ':') {
    return false;
  }
  for (;;) {
    auto end = str.find(':', pos);
    auto group =
        str.substr(pos, end == std::string_view::npos ? end : end - pos);
    if (end == std::string_view::npos &&
        group.find('.') != std::string_view::npos) {
      if (!is_ipv4_address(group))
        return false;
      groups += 2;
      break;
    }
    if (group.empty() || group.size() > 4)
      return false;
    for (auto c : group)
      if (!is_hex(c))
        return false;
    ++groups;
    if (end == std::string_view::npos)
      break;
    pos = end + 1;
    if (pos < str.size() && str[pos] == ':') {
      if (compressed)
        return false;
      compressed = true;
      ++pos;
      if (pos == str.size())
        break;
    } else if (pos == str.size()) {
      return false;
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

bool is_host(std::string_view str) noexcept {
  if (str.size() > 2 && str.front() == '[' && str.back() == ']')
    return is_ipv6_address(str.substr(1, str.size() - 2));
  return is_hostname(str);
}

expected<uri, parse_error> parse_uri(std::string_view text) {
  auto colon = text.find(':');
  if (colon == 0 || colon == std::string_view::npos || !is_alpha(text[0]))
    return unexpected(bad_uri());
  auto scheme = text.substr(0, colon);
  for (auto c : scheme)
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.')
      return unexpected(bad_uri());
  uri result;
  result.scheme = detail::to_lower(scheme);
  auto rest = text.substr(colon + 1);
  if (rest.empty())
    return unexpected(bad_uri());
  if (result.is_sip())
    return sip_uri(rest, std::move(result));
  if (result.scheme == "tel")
    return tel_uri(rest, std::move(result));
  if (!check_chars(rest, uric_extra))
    return unexpected(bad_uri());
  result.opaque = std::string{rest};
  return result;
}

std::string unescape(std::string_view text) {
  auto hex = [](char c) {
    return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
  };
  std::string result;
  result.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && is_hex(text[i + 1]) &&
        is_hex(text[i + 2])) {
      result += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      result += text[i];
    }
  }
  return result;
}

} // namespace ivm::sip
