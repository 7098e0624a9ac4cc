#include "appliance/sip/name_addr.hpp"

#include "appliance/sip/scan.hpp"

namespace ivm::sip {

namespace {

using detail::cursor;

parse_error bad(std::string_view what) {
  return bad_request("Malformed " + std::string{what});
}

// Reads `token *(LWS token)` up to '<'. Returns false if what follows is
// not '<' (then the value is an addr-spec).
bool token_display(cursor& in, std::string& out) {
  auto start = in.pos;
  for (;;) {
    auto tok = in.token();
    if (tok.empty())
      return false;
    auto end = in.pos;
    in.skip_ws();
    if (in.peek() == '<') {
      out = std::string{in.text.substr(start, end - start)};
      return true;
    }
    if (!detail::is_token_char(in.peek()))
      return false;
  }
}

} // namespace

expected<name_addr, parse_error> parse_name_addr(std::string_view value) {
  name_addr result;
  cursor in{detail::trim(value)};
  if (in.peek() == '"') {
    auto display = detail::quoted_string(in);
    if (!display)
      return unexpected(bad("display name"));
    result.display_name = std::move(*display);
    result.quoted_display = true;
    in.skip_ws();
    if (in.peek() != '<')
      return unexpected(bad("name-addr"));
  } else if (in.peek() != '<') {
    auto start = in.pos;
    if (!token_display(in, result.display_name))
      in.pos = start;
  }
  if (in.accept('<')) {
    result.angle_brackets = true;
    auto close = in.text.find('>', in.pos);
    if (close == std::string_view::npos)
      return unexpected(bad("name-addr"));
    auto text = in.text.substr(in.pos, close - in.pos);
    in.pos = close + 1;
    auto parsed = parse_uri(text);
    if (!parsed)
      return unexpected(parsed.error());
    result.uri_text = std::string{text};
    result.uri = std::move(*parsed);
  } else {
    // addr-spec: the URI ends at ';' or whitespace; no '?' or ','.
    auto start = in.pos;
    while (!in.at_end() && in.peek() != ';' && !detail::is_wsp(in.peek()))
      ++in.pos;
    auto text = in.text.substr(start, in.pos - start);
    if (text.find_first_of("?,<>\"") != std::string_view::npos)
      return unexpected(bad("addr-spec"));
    auto parsed = parse_uri(text);
    if (!parsed)
      return unexpected(parsed.error());
    result.uri_text = std::string{text};
    result.uri = std::move(*parsed);
  }
  auto params = detail::header_params(in);
  if (!params)
    return unexpected(bad("header parameter"));
  result.params = std::move(*params);
  return result;
}

expected<std::vector<name_addr>, parse_error>
parse_name_addr_list(std::string_view value) {
  std::vector<name_addr> result;
  for (auto item : detail::split_list(value)) {
    if (item.empty())
      return unexpected(bad("list"));
    auto entry = parse_name_addr(item);
    if (!entry)
      return unexpected(entry.error());
    result.push_back(std::move(*entry));
  }
  return result;
}

std::optional<int> parse_qvalue(std::string_view text) {
  // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
  if (text.empty() || (text[0] != '0' && text[0] != '1'))
    return std::nullopt;
  int result = (text[0] - '0') * 1000;
  if (text.size() == 1)
    return result;
  if (text[1] != '.' || text.size() > 5)
    return std::nullopt;
  int scale = 100;
  for (auto c : text.substr(2)) {
    if (!detail::is_digit(c))
      return std::nullopt;
    result += (c - '0') * scale;
    scale /= 10;
  }
  if (result > 1000)
    return std::nullopt;
  return result;
}

std::optional<int> contact_q(const name_addr& contact) {
  if (auto q = param_value(contact.params, "q"))
    return parse_qvalue(*q);
  return std::nullopt;
}

std::optional<uint32_t> contact_expires(const name_addr& contact) {
  if (auto e = param_value(contact.params, "expires"))
    if (auto n = detail::parse_uint(*e, UINT32_MAX))
      return static_cast<uint32_t>(*n);
  return std::nullopt;
}

expected<contact_list, parse_error> parse_contact(std::string_view value) {
  contact_list result;
  if (detail::trim(value) == "*") {
    result.star = true;
    return result;
  }
  auto entries = parse_name_addr_list(value);
  if (!entries)
    return unexpected(entries.error());
  for (auto& entry : *entries) {
    if (find_param(entry.params, "q") && !contact_q(entry))
      return unexpected(bad("Contact q"));
    if (find_param(entry.params, "expires") && !contact_expires(entry))
      return unexpected(bad("Contact expires"));
  }
  result.entries = std::move(*entries);
  return result;
}

std::string quoted_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

} // namespace ivm::sip
