#include "console/client/endpoint.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace ivm::admin {

namespace {

bool parse_port(std::string_view text, std::uint16_t& out) {
  if (text.empty() || text.size() > 5)
    return false;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535)
    return false;
  out = static_cast<std::uint16_t>(value);
  return true;
}

} // namespace

expected<endpoint, std::string> parse_url(std::string_view url) {
  auto bad = [&](const std::string& why) {
    return unexpected("invalid URL '" + std::string{url} + "': " + why);
  };
  constexpr std::string_view plain = "http://";
  constexpr std::string_view secure = "https://";
  endpoint ep;
  std::string_view rest;
  if (url.substr(0, secure.size()) == secure) {
    ep.tls = true;
    ep.port = 443;
    rest = url.substr(secure.size());
  } else if (url.substr(0, plain.size()) == plain) {
    rest = url.substr(plain.size());
  } else {
    return bad("expected http://host[:port] or https://host[:port]");
  }
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  ep.url = std::string{url};
  if (slash != std::string_view::npos) {
    auto path = rest.substr(slash);
    while (!path.empty() && path.back() == '/')
      path.remove_suffix(1);
    if (path.find_first_of("?# ") != std::string_view::npos)
      return bad("no query, fragment or spaces allowed");
    ep.base_path = std::string{path};
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return bad("unterminated IPv6 address");
    ep.host = std::string{authority.substr(1, close - 1)};
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return bad("garbage after IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty())
        return bad("empty port");
    }
  } else {
    auto colon = authority.find(':');
    ep.host = std::string{authority.substr(0, colon)};
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty())
        return bad("empty port");
    }
  }
  if (ep.host.empty())
    return bad("missing host");
  if (ep.host.find('@') != std::string::npos)
    return bad("user info is not supported");
  if (!port_text.empty() && !parse_port(port_text, ep.port))
    return bad("port must be 1-65535");
  return ep;
}

expected<admin_file, std::string> load_admin_file(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    return unexpected("cannot read " + path + ": " + std::strerror(errno));
  std::stringstream buf;
  buf << in.rdbuf();
  auto doc = nlohmann::json::parse(buf.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return unexpected(path + " is not a JSON object");
  admin_file result;
  auto url = doc.find("url");
  auto token = doc.find("token");
  if (url == doc.end() || !url->is_string() || url->get<std::string>().empty())
    return unexpected(path + " has no \"url\" string");
  if (token == doc.end() || !token->is_string() ||
      token->get<std::string>().empty())
    return unexpected(path + " has no \"token\" string");
  result.url = url->get<std::string>();
  result.token = token->get<std::string>();
  return result;
}

bool is_valid_token(std::string_view token) {
  if (token.empty())
    return false;
  for (unsigned char c : token)
    if (c <= 0x20 || c >= 0x7f)
      return false;
  return true;
}

std::string encode_path_segment(std::string_view segment) {
  static constexpr char hex[] = "0123456789ABCDEF";
  // "." and ".." would be removed by path normalization (RFC 3986 5.2.4).
  if (segment == "." || segment == "..")
    return segment.size() == 1 ? "%2E" : "%2E%2E";
  std::string out;
  out.reserve(segment.size());
  for (unsigned char c : segment) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                      c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0x0f];
    }
  }
  return out;
}

} // namespace ivm::admin
