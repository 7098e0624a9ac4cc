#include "provisioning/tftp/file_name.hpp"

#include "provisioning/tftp/codec.hpp"

namespace ivm::provisioning::tftp {

namespace {

bool is_separator(char c) {
  return c == '/' || c == '\\';
}

bool is_control(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7F;
}

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

} // namespace

std::string_view to_string(name_error x) {
  switch (x) {
    case name_error::empty:
      return "empty file name";
    case name_error::too_long:
      return "file name too long";
    case name_error::absolute:
      return "absolute path";
    case name_error::parent_reference:
      return "parent directory reference";
    case name_error::control_character:
      return "control character in file name";
    case name_error::directory:
      return "names a directory";
  }
  return "?";
}

error_code to_error_code(name_error) {
  return error_code::access_violation;
}

expected<std::string, name_error> normalize_file_name(std::string_view raw) {
  if (raw.size() > max_file_name_length)
    return unexpected(name_error::too_long);
  for (auto c : raw)
    if (is_control(c))
      return unexpected(name_error::control_character);
  if (!raw.empty() && is_separator(raw.front()))
    return unexpected(name_error::absolute);
  if (raw.size() >= 2 && is_letter(raw[0]) && raw[1] == ':')
    return unexpected(name_error::absolute);
  std::string result;
  result.reserve(raw.size());
  std::string_view part;
  std::size_t pos = 0;
  for (;;) {
    auto end = pos;
    while (end < raw.size() && !is_separator(raw[end]))
      ++end;
    part = raw.substr(pos, end - pos);
    if (part == "..")
      return unexpected(name_error::parent_reference);
    if (!part.empty() && part != ".") {
      if (!result.empty())
        result.push_back('/');
      result.append(part);
    }
    if (end >= raw.size())
      break;
    pos = end + 1;
  }
  // The last component is "" (a trailing separator) or ".": a directory.
  if (!result.empty() && (part.empty() || part == "."))
    return unexpected(name_error::directory);
  if (result.empty())
    return unexpected(name_error::empty);
  return result;
}

std::string lookup_key(std::string_view normalized) {
  return ascii_lower(normalized);
}

} // namespace ivm::provisioning::tftp
