#include "appliance/sip/header_values.hpp"

#include "appliance/sip/scan.hpp"
#include "appliance/sip/uri.hpp"

namespace ivm::sip {

namespace {

using detail::cursor;

parse_error bad(std::string_view what) {
  return bad_request("Malformed " + std::string{what} + " header");
}

template <class T>
expected<T, parse_error> number(std::string_view value, uint64_t max,
                                std::string_view what) {
  if (auto n = detail::parse_uint(detail::trim(value), max))
    return static_cast<T>(*n);
  return unexpected(bad(what));
}

bool is_word_char(char c) noexcept {
  return detail::is_token_char(c) ||
         std::string_view{"()<>:\\\"/[]?{}"}.find(c) != std::string_view::npos;
}

bool slash_or_fail(cursor& in) {
  in.skip_ws();
  if (!in.accept('/'))
    return false;
  in.skip_ws();
  return true;
}

// type "/" subtype, allowing "*" when `range` is set.
expected<media_type, parse_error> media(std::string_view value, bool range,
                                        std::string_view what) {
  media_type result;
  cursor in{detail::trim(value)};
  auto type = in.token();
  if (type.empty() || !slash_or_fail(in))
    return unexpected(bad(what));
  auto subtype = in.token();
  if (subtype.empty() || (!range && (type == "*" || subtype == "*")) ||
      (type == "*" && subtype != "*"))
    return unexpected(bad(what));
  result.type = detail::to_lower(type);
  result.subtype = detail::to_lower(subtype);
  auto params = detail::header_params(in);
  if (!params)
    return unexpected(bad(what));
  result.params = std::move(*params);
  return result;
}

} // namespace

expected<cseq, parse_error> parse_cseq(std::string_view value) {
  cursor in{detail::trim(value)};
  auto start = in.pos;
  while (detail::is_digit(in.peek()))
    ++in.pos;
  auto num =
      detail::parse_uint(in.text.substr(start, in.pos - start), UINT32_MAX);
  if (!num || !in.skip_ws())
    return unexpected(bad("CSeq"));
  auto method = in.token();
  if (method.empty() || !in.at_end())
    return unexpected(bad("CSeq"));
  return cseq{static_cast<uint32_t>(*num), std::string{method}};
}

expected<uint8_t, parse_error> parse_max_forwards(std::string_view value) {
  return number<uint8_t>(value, 255, "Max-Forwards");
}

expected<uint32_t, parse_error> parse_expires(std::string_view value) {
  return number<uint32_t>(value, UINT32_MAX, "Expires");
}

expected<uint32_t, parse_error> parse_content_length(std::string_view value) {
  return number<uint32_t>(value, UINT32_MAX, "Content-Length");
}

expected<std::string, parse_error> parse_call_id(std::string_view value) {
  value = detail::trim(value);
  auto at = value.find('@');
  auto ok = [](std::string_view word) {
    if (word.empty())
      return false;
    for (auto c : word)
      if (!is_word_char(c))
        return false;
    return true;
  };
  if (!ok(value.substr(0, at)) ||
      (at != std::string_view::npos && !ok(value.substr(at + 1))))
    return unexpected(bad("Call-ID"));
  return std::string{value};
}

expected<media_type, parse_error> parse_content_type(std::string_view value) {
  return media(value, false, "Content-Type");
}

expected<std::vector<media_type>, parse_error>
parse_accept(std::string_view value) {
  std::vector<media_type> result;
  if (detail::trim(value).empty())
    return result;
  for (auto item : detail::split_list(value)) {
    auto range = media(item, true, "Accept");
    if (!range)
      return unexpected(range.error());
    result.push_back(std::move(*range));
  }
  return result;
}

expected<event, parse_error> parse_event(std::string_view value) {
  event result;
  cursor in{detail::trim(value)};
  result.package = std::string{in.token()};
  if (result.package.empty())
    return unexpected(bad("Event"));
  auto params = detail::header_params(in);
  if (!params)
    return unexpected(bad("Event"));
  result.params = std::move(*params);
  return result;
}

std::optional<uint32_t> subscription_state::expires() const noexcept {
  if (auto v = param_value(params, "expires"))
    if (auto n = detail::parse_uint(*v, UINT32_MAX))
      return static_cast<uint32_t>(*n);
  return std::nullopt;
}

std::optional<uint32_t> subscription_state::retry_after() const noexcept {
  if (auto v = param_value(params, "retry-after"))
    if (auto n = detail::parse_uint(*v, UINT32_MAX))
      return static_cast<uint32_t>(*n);
  return std::nullopt;
}

expected<subscription_state, parse_error>
parse_subscription_state(std::string_view value) {
  subscription_state result;
  cursor in{detail::trim(value)};
  auto state = in.token();
  if (state.empty())
    return unexpected(bad("Subscription-State"));
  result.state = detail::to_lower(state);
  auto params = detail::header_params(in);
  if (!params)
    return unexpected(bad("Subscription-State"));
  result.params = std::move(*params);
  for (auto name : {"expires", "retry-after"})
    if (auto p = find_param(result.params, name))
      if (!detail::parse_uint(p->value, UINT32_MAX))
        return unexpected(bad("Subscription-State"));
  return result;
}

expected<std::vector<std::string>, parse_error>
parse_token_list(std::string_view value) {
  std::vector<std::string> result;
  if (detail::trim(value).empty())
    return result;
  for (auto item : detail::split_list(value)) {
    if (!detail::is_token(item))
      return unexpected(bad("option list"));
    result.emplace_back(item);
  }
  return result;
}

expected<uint32_t, parse_error> parse_retry_after(std::string_view value) {
  cursor in{detail::trim(value)};
  auto start = in.pos;
  while (detail::is_digit(in.peek()))
    ++in.pos;
  auto n =
      detail::parse_uint(in.text.substr(start, in.pos - start), UINT32_MAX);
  if (!n)
    return unexpected(bad("Retry-After"));
  return static_cast<uint32_t>(*n);
}

expected<std::vector<int>, parse_error> parse_warning(std::string_view value) {
  std::vector<int> result;
  for (auto item : detail::split_list(value)) {
    // warning-value = warn-code SP warn-agent SP warn-text
    cursor in{item};
    auto code = in.text.substr(0, 3);
    in.pos = 3;
    auto n = detail::parse_uint(code, 999);
    if (code.size() != 3 || !n || !in.skip_ws())
      return unexpected(bad("Warning"));
    auto agent_start = in.pos;
    while (!in.at_end() && !detail::is_wsp(in.peek()))
      ++in.pos;
    if (in.pos == agent_start || !in.skip_ws() || in.peek() != '"' ||
        !detail::quoted_string(in) || !in.at_end())
      return unexpected(bad("Warning"));
    result.push_back(static_cast<int>(*n));
  }
  return result;
}

bool is_valid_date(std::string_view value) noexcept {
  // wkday "," SP 2DIGIT SP month SP 4DIGIT SP 2DIGIT ":" 2DIGIT ":" 2DIGIT
  // SP "GMT" -- 29 characters.
  static constexpr std::string_view days[] = {"Mon", "Tue", "Wed", "Thu",
                                              "Fri", "Sat", "Sun"};
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr",
                                                "May", "Jun", "Jul", "Aug",
                                                "Sep", "Oct", "Nov", "Dec"};
  value = detail::trim(value);
  if (value.size() != 29)
    return false;
  auto one_of = [](std::string_view str, const auto& list) {
    for (auto item : list)
      if (str == item)
        return true;
    return false;
  };
  auto digits = [&](size_t pos, size_t n, uint64_t max) {
    return detail::parse_uint(value.substr(pos, n), max).has_value();
  };
  return one_of(value.substr(0, 3), days) && value.substr(3, 2) == ", " &&
         digits(5, 2, 31) && value[7] == ' ' &&
         one_of(value.substr(8, 3), months) && value[11] == ' ' &&
         digits(12, 4, 9999) && value[16] == ' ' && digits(17, 2, 23) &&
         value[19] == ':' && digits(20, 2, 59) && value[22] == ':' &&
         digits(23, 2, 60) && value.substr(25) == " GMT";
}

} // namespace ivm::sip
