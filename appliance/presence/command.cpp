#include "appliance/presence/command.hpp"

#include <vector>

#include "appliance/presence/xml_escape.hpp"

namespace ivm::presence {

namespace {

constexpr std::string_view help_text =
    "Commands:\n"
    "  status available|away|busy|dnd [note]  e.g. status away lunch until 2\n"
    "  signout                                appear offline\n"
    "  signin                                 appear online again\n"
    "  accept <extension>                     let them see your status\n"
    "  decline <extension>                    refuse their request\n"
    "  record <extension> [...]               ring your analog phone to "
    "record\n"
    "                                         a voice message for them\n"
    "  help                                   this text";

constexpr std::string_view short_help =
    "Sorry, I did not understand. Try: status available|away|busy|dnd "
    "[note], signout, signin, accept <extension>, decline <extension>, "
    "record <extension>, help";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view x, std::string_view y) {
  if (x.size() != y.size())
    return false;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (lower(x[i]) != lower(y[i]))
      return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

// Splits off the first word of `s` (already trimmed); `s` keeps the rest,
// trimmed.
std::string_view next_word(std::string_view& s) {
  std::size_t end = 0;
  while (end < s.size() && !is_space(s[end]))
    ++end;
  auto word = s.substr(0, end);
  s = trim(s.substr(end));
  return word;
}

bool is_extension(std::string_view s) {
  if (s.empty() || s.size() > 32)
    return false;
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
              (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '-' ||
              c == '+';
    if (!ok)
      return false;
  }
  return true;
}

// Cuts `s` to at most `n` bytes without splitting a UTF-8 sequence.
std::string truncate_utf8(std::string s, std::size_t n) {
  if (s.size() <= n)
    return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0u) == 0x80u)
    --n;
  s.resize(n);
  return std::string{trim(s)};
}

command unknown() {
  return unknown_command{std::string{short_help}};
}

command parse_status(std::string_view rest) {
  struct entry {
    std::string_view word;
    user_status status;
  };
  static constexpr entry table[] = {
      {"available", user_status::available},
      {"away", user_status::away},
      {"busy", user_status::busy},
      {"dnd", user_status::dnd},
  };
  auto word = next_word(rest);
  for (const auto& e : table)
    if (iequals(word, e.word))
      return set_status_command{
          e.status, truncate_utf8(sanitize_line(rest), max_note_size)};
  return unknown();
}

} // namespace

std::string_view command_help() {
  return help_text;
}

command parse_command(std::string_view text) {
  auto rest = trim(text);
  auto word = next_word(rest);
  if (iequals(word, "status"))
    return parse_status(rest);
  if (iequals(word, "help") || word == "?")
    return help_command{std::string{help_text}};
  if (iequals(word, "signin") && rest.empty())
    return sign_in_command{};
  if (iequals(word, "signout") && rest.empty())
    return sign_out_command{};
  if (iequals(word, "accept") || iequals(word, "decline")) {
    auto ext = next_word(rest);
    if (!rest.empty() || !is_extension(ext))
      return unknown();
    if (iequals(word, "accept"))
      return accept_command{std::string{ext}};
    return decline_command{std::string{ext}};
  }
  return unknown();
}

} // namespace ivm::presence
