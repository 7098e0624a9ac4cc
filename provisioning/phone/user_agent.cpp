#include "provisioning/phone/user_agent.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace ivm::provisioning::phone {

namespace {

char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (to_lower(s[i]) != prefix[i])
      return false;
  return true;
}

bool iequals(std::string_view s, std::string_view lower_word) {
  return s.size() == lower_word.size() && istarts_with(s, lower_word);
}

std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> out;
  auto is_sep = [](char c) {
    return c == ' ' || c == '\t' || c == '(' || c == ')' || c == ';' ||
           c == ',';
  };
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_sep(s[i]))
      ++i;
    auto start = i;
    while (i < s.size() && !is_sep(s[i]))
      ++i;
    if (i > start)
      out.push_back(s.substr(start, i - start));
  }
  return out;
}

/// "66.86.0.15": digits and dots, at least one dot.
bool is_version(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.')
    return false;
  bool dot = false;
  for (char c : s) {
    if (c == '.')
      dot = true;
    else if (c < '0' || c > '9')
      return false;
  }
  return dot;
}

std::optional<mac_address> mac_in(std::string_view token) {
  for (auto prefix : {"sn:", "mac:"})
    if (istarts_with(token, prefix))
      token.remove_prefix(std::string_view{prefix}.size());
  if (token.size() != 12 && token.size() != 14 && token.size() != 17)
    return std::nullopt;
  return mac_address::parse(token);
}

bool has_letter_and_digit(std::string_view s) {
  bool letter = false;
  bool digit = false;
  for (char c : s) {
    auto l = to_lower(c);
    letter = letter || (l >= 'a' && l <= 'z');
    digit = digit || (c >= '0' && c <= '9');
  }
  return letter && digit;
}

void read_yealink(const std::vector<std::string_view>& t, std::size_t at,
                  agent_info& out) {
  for (auto i = at + 1; i < t.size(); ++i) {
    auto tok = t[i];
    if (iequals(tok, "sip"))
      continue;
    if (is_version(tok)) {
      if (out.firmware_version.empty())
        out.firmware_version = std::string{tok};
      continue;
    }
    if (mac_in(tok))
      continue;
    if (out.model.empty() && out.firmware_version.empty()) {
      if (istarts_with(tok, "sip-"))
        tok.remove_prefix(4);
      out.model = std::string{tok};
    }
  }
}

void read_polycom(std::string_view tok, agent_info& out) {
  // PolycomVVX-VVX_411-UA/6.3.1.1234
  auto first_dash = tok.find('-');
  auto ua = tok.find("-UA/");
  if (first_dash == std::string_view::npos || ua == std::string_view::npos ||
      ua <= first_dash)
    return;
  out.model = std::string{tok.substr(first_dash + 1, ua - first_dash - 1)};
  out.firmware_version = std::string{tok.substr(ua + 4)};
}

void read_cisco(std::string_view tok, agent_info& out) {
  if (istarts_with(tok, "cisco-")) {
    // Cisco-CP8845/12.8.1, Cisco-CP-8845-3PCC/11.3.1
    tok.remove_prefix(6);
    auto slash = tok.find('/');
    out.model = std::string{tok.substr(0, slash)};
    if (slash != std::string_view::npos)
      out.firmware_version = std::string{tok.substr(slash + 1)};
  } else if (istarts_with(tok, "cisco/")) {
    // Cisco/SPA504G-7.5.5
    tok.remove_prefix(6);
    auto dash = tok.find('-');
    out.model = std::string{tok.substr(0, dash)};
    if (dash != std::string_view::npos)
      out.firmware_version = std::string{tok.substr(dash + 1)};
  }
}

void read_grandstream(const std::vector<std::string_view>& t, std::size_t at,
                      agent_info& out) {
  for (auto i = at + 1; i < t.size(); ++i) {
    auto tok = t[i];
    if (iequals(tok, "model") || iequals(tok, "hw") || iequals(tok, "sw") ||
        iequals(tok, "devid"))
      continue;
    if (is_version(tok)) {
      if (out.firmware_version.empty())
        out.firmware_version = std::string{tok};
    } else if (out.model.empty() && has_letter_and_digit(tok) && !mac_in(tok)) {
      out.model = std::string{tok};
    }
  }
}

/// "snom370-SIP" -> "snom370".
bool read_snom(const std::vector<std::string_view>& t, std::size_t at,
               agent_info& out) {
  auto tok = t[at];
  auto dash = tok.find('-');
  if (dash == std::string_view::npos || dash <= 4 ||
      !iequals(tok.substr(dash), "-sip"))
    return false;
  out.model = std::string{tok.substr(0, dash)};
  if (at + 1 < t.size() && is_version(t[at + 1]))
    out.firmware_version = std::string{t[at + 1]};
  return true;
}

} // namespace

agent_info parse_user_agent(std::string_view user_agent) {
  agent_info out;
  auto t = tokens(user_agent);
  for (std::size_t i = 0; i < t.size() && out.vendor_id == vendor::unknown;
       ++i) {
    auto tok = t[i];
    if (iequals(tok, "yealink")) {
      out.vendor_id = vendor::yealink;
      read_yealink(t, i, out);
    } else if (istarts_with(tok, "polycom")) {
      out.vendor_id = vendor::polycom;
      read_polycom(tok, out);
    } else if (istarts_with(tok, "cisco")) {
      out.vendor_id = vendor::cisco;
      read_cisco(tok, out);
    } else if (iequals(tok, "grandstream")) {
      out.vendor_id = vendor::grandstream;
      read_grandstream(t, i, out);
    } else if (istarts_with(tok, "snom") && read_snom(t, i, out)) {
      out.vendor_id = vendor::snom;
    }
  }
  for (auto tok : t)
    if (auto mac = mac_in(tok)) {
      out.mac = mac;
      break;
    }
  return out;
}

std::optional<vendor> vendor_from_oui(const mac_address& mac) noexcept {
  struct block {
    std::array<std::uint8_t, 3> oui;
    vendor owner;
  };
  static constexpr block blocks[] = {
      {{0x00, 0x04, 0xf2}, vendor::polycom},
      {{0x64, 0x16, 0x7f}, vendor::polycom},
      {{0x00, 0x15, 0x65}, vendor::yealink},
      {{0x80, 0x5e, 0xc0}, vendor::yealink},
      {{0x80, 0x5e, 0x0c}, vendor::yealink},
      {{0x24, 0x9a, 0xd8}, vendor::yealink},
      {{0x00, 0x0b, 0x82}, vendor::grandstream},
      {{0xc0, 0x74, 0xad}, vendor::grandstream},
      {{0xec, 0x74, 0xd7}, vendor::grandstream},
      {{0x00, 0x04, 0x13}, vendor::snom},
  };
  auto& b = mac.bytes();
  for (auto& x : blocks)
    if (x.oui[0] == b[0] && x.oui[1] == b[1] && x.oui[2] == b[2])
      return x.owner;
  return std::nullopt;
}

} // namespace ivm::provisioning::phone
