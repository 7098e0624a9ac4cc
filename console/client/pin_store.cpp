#include "console/client/pin_store.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ivm::admin {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

/// Creates every missing directory of `dir` with mode 0700.
std::optional<std::string> make_dirs(const std::string& dir) {
  for (std::size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/')
      continue;
    auto part = dir.substr(0, pos);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
      return "cannot create " + part + ": " + std::strerror(errno);
  }
  return std::nullopt;
}

} // namespace

std::string default_pin_file() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg != nullptr && *xdg == '/')
    return std::string{xdg} + "/ivm/known-boxes";
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0')
    return std::string{home} + "/.config/ivm/known-boxes";
  return {};
}

std::string pin_key(const std::string& host, std::uint16_t port) {
  auto h = host.find(':') == std::string::npos ? host : '[' + host + ']';
  return h + ':' + std::to_string(port);
}

std::optional<std::string> normalize_fingerprint(std::string_view text) {
  text = trim(text);
  std::string out;
  for (char c : text) {
    if (c == ':')
      continue;
    auto v = hex_value(c);
    if (v < 0)
      return std::nullopt;
    out += "0123456789abcdef"[v];
  }
  if (out.size() != 64)
    return std::nullopt;
  return out;
}

std::string display_fingerprint(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i < hex.size(); ++i) {
    if (i > 0 && i % 2 == 0)
      out += ':';
    auto c = hex[i];
    out += (c >= 'a' && c <= 'f') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

std::vector<pin_entry> parse_pins(std::string_view text) {
  std::vector<pin_entry> out;
  int number = 0;
  while (!text.empty()) {
    auto eol = text.find('\n');
    auto line = trim(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view{}
                                         : text.substr(eol + 1);
    ++number;
    if (line.empty() || line.front() == '#')
      continue;
    auto space = line.find_first_of(" \t");
    if (space == std::string_view::npos)
      continue;
    auto key = line.substr(0, space);
    auto fp = normalize_fingerprint(line.substr(space + 1));
    if (!fp || key.find(':') == std::string_view::npos)
      continue;
    out.push_back(pin_entry{std::string{key}, std::move(*fp), number});
  }
  return out;
}

std::string format_pin(const std::string& key, std::string_view fingerprint) {
  return key + ' ' + std::string{fingerprint} + '\n';
}

pin_decision decide_pin(const std::vector<pin_entry>& entries,
                        const std::string& key, std::string_view fingerprint) {
  for (auto& e : entries)
    if (e.key == key)
      return pin_decision{e.fingerprint == fingerprint ? pin_verdict::matches
                                                       : pin_verdict::differs,
                          e};
  return pin_decision{};
}

std::string mismatch_message(const std::string& file, const std::string& key,
                             const pin_entry& pinned,
                             std::string_view fingerprint) {
  return "the certificate of " + key + " has changed: it now has SHA-256 " +
         display_fingerprint(fingerprint) + ", but " + file + " line " +
         std::to_string(pinned.line) + " pins SHA-256 " +
         display_fingerprint(pinned.fingerprint) +
         "; nothing was sent. If the box's certificate was replaced on "
         "purpose, remove the line '" +
         key + " ...' from " + file + " (or pass --fingerprint)";
}

std::string first_use_message(const std::string& file, const std::string& key,
                              std::string_view fingerprint) {
  return "first connection to " + key + ": pinned certificate SHA-256 " +
         display_fingerprint(fingerprint) + " (in " + file + ")";
}

expected<std::string, std::string> check_pin(const std::string& file,
                                             const std::string& key,
                                             std::string_view fingerprint) {
  if (file.empty())
    return unexpected(
        std::string{"no pin store: set HOME or XDG_CONFIG_HOME, or pass "
                    "--fingerprint"});
  std::string text;
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) {
    std::ifstream in{file};
    if (!in)
      return unexpected("cannot read " + file + ": " + std::strerror(errno));
    std::stringstream buf;
    buf << in.rdbuf();
    text = buf.str();
  } else if (errno != ENOENT && errno != ENOTDIR) {
    return unexpected("cannot read " + file + ": " + std::strerror(errno));
  }
  auto d = decide_pin(parse_pins(text), key, fingerprint);
  if (d.verdict == pin_verdict::matches)
    return std::string{};
  if (d.verdict == pin_verdict::differs)
    return unexpected(mismatch_message(file, key, d.entry, fingerprint));
  auto slash = file.rfind('/');
  if (slash != std::string::npos && slash > 0)
    if (auto err = make_dirs(file.substr(0, slash)))
      return unexpected(*err);
  int fd =
      ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return unexpected("cannot write " + file + ": " + std::strerror(errno));
  // A file that does not end in a newline gets one first.
  auto line = format_pin(key, fingerprint);
  if (!text.empty() && text.back() != '\n')
    line.insert(line.begin(), '\n');
  auto n = ::write(fd, line.data(), line.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(line.size()))
    return unexpected("cannot write " + file + ": " + std::strerror(err));
  return first_use_message(file, key, fingerprint);
}

} // namespace ivm::admin
