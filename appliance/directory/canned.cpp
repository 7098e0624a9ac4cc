#include "appliance/directory/canned.hpp"

#include <ctime>

#include <nlohmann/json.hpp>

namespace ivm::directory {

std::string canned_key_box() {
  return "canned/box";
}

std::string canned_key_user(std::string_view ext) {
  return "canned/user/" + std::string{ext};
}

std::string encode_canned(const std::vector<std::string>& texts) {
  std::string out;
  for (auto& t : texts)
    out += t + "\n";
  return out;
}

std::vector<std::string> decode_canned(std::string_view stored) {
  std::vector<std::string> out;
  while (!stored.empty()) {
    auto nl = stored.find('\n');
    auto line = stored.substr(0, nl);
    if (!line.empty())
      out.emplace_back(line);
    if (nl == std::string_view::npos)
      break;
    stored.remove_prefix(nl + 1);
  }
  return out;
}

expected<std::vector<std::string>, std::string>
parse_canned_json(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return unexpected(std::string{"the body is not a JSON object"});
  auto r = j.find("replies");
  if (r == j.end() || !r->is_array())
    return unexpected(std::string{"\"replies\" must be an array of texts"});
  if (r->size() > max_canned)
    return unexpected("at most " + std::to_string(max_canned) + " replies");
  std::vector<std::string> out;
  for (auto& t : *r) {
    if (!t.is_string())
      return unexpected(std::string{"every reply must be a text"});
    auto s = t.get<std::string>();
    if (s.empty() || s.size() > max_canned_text)
      return unexpected("a reply must have 1 to " +
                        std::to_string(max_canned_text) + " bytes");
    for (unsigned char c : s)
      if (c < 0x20 || c == 0x7f)
        return unexpected(
            std::string{"a reply may not hold line breaks or control "
                        "characters"});
    out.push_back(std::move(s));
  }
  return out;
}

std::string canned_json(const std::vector<std::string>& texts) {
  return nlohmann::json{{"replies", texts}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string fill_fields(std::string_view text,
                        const std::map<std::string, std::string>& fields) {
  std::string out;
  while (!text.empty()) {
    auto open = text.find('{');
    if (open == std::string_view::npos)
      break;
    auto close = text.find('}', open);
    if (close == std::string_view::npos)
      break;
    out += text.substr(0, open);
    auto name = std::string{text.substr(open + 1, close - open - 1)};
    if (auto f = fields.find(name); f != fields.end())
      out += f->second;
    else
      out += text.substr(open, close - open + 1);
    text.remove_prefix(close + 1);
  }
  out += text;
  return out;
}

std::map<std::string, std::string> standard_fields(std::string my_name,
                                                   std::string my_extension,
                                                   std::uint64_t now_s) {
  std::time_t t = static_cast<std::time_t>(now_s);
  std::tm tm{};
  localtime_r(&t, &tm);
  char hm[8], ymd[16];
  std::strftime(hm, sizeof hm, "%H:%M", &tm);
  std::strftime(ymd, sizeof ymd, "%Y-%m-%d", &tm);
  return {{"my_name", std::move(my_name)},
          {"my_extension", std::move(my_extension)},
          {"time", hm},
          {"date", ymd}};
}

} // namespace ivm::directory
