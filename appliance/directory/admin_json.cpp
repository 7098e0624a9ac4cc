#include "appliance/directory/admin_json.hpp"

#include <algorithm>

namespace ivm::directory::detail {

admin_outcome reply(int status, const json& body) {
  admin_outcome out;
  out.status = status;
  out.body = body.dump();
  return out;
}

admin_outcome error(int status, std::string text, std::string field) {
  json body{{"error", std::move(text)}};
  if (!field.empty())
    body["field"] = std::move(field);
  return reply(status, body);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

bool valid_extension(std::string_view s) {
  return all_digits(s) && s.size() <= 15;
}

bool valid_name_token(std::string_view s) {
  return !s.empty() && s.size() <= 64 &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
         });
}

bool valid_display_name(std::string_view s) {
  return s.size() <= 128 && std::none_of(s.begin(), s.end(), [](char c) {
           return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
         });
}

// Parses a JSON object body, refusing fields outside `allowed`.
std::optional<admin_outcome>
parse_body(std::string_view body, std::initializer_list<const char*> allowed,
           json& out) {
  out = json::parse(body, nullptr, false);
  if (out.is_discarded() || !out.is_object())
    return error(400, "the body must be a JSON object");
  for (auto& [key, value] : out.items()) {
    bool known = std::any_of(allowed.begin(), allowed.end(),
                             [&](const char* a) { return key == a; });
    if (!known)
      return error(400, "unknown field '" + key + "'", key);
    (void)value;
  }
  return std::nullopt;
}

// Reads an optional string field; an error when present with another type.
std::optional<admin_outcome> get_string(const json& j, const char* field,
                                        std::optional<std::string>& out) {
  auto it = j.find(field);
  if (it == j.end())
    return std::nullopt;
  if (!it->is_string())
    return error(400, std::string{field} + " must be a string", field);
  out = it->get<std::string>();
  return std::nullopt;
}

std::optional<admin_outcome> get_bool(const json& j, const char* field,
                                      std::optional<bool>& out) {
  auto it = j.find(field);
  if (it == j.end())
    return std::nullopt;
  if (!it->is_boolean())
    return error(400, std::string{field} + " must be true or false", field);
  out = it->get<bool>();
  return std::nullopt;
}

} // namespace ivm::directory::detail
