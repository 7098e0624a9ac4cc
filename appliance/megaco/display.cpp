#include "appliance/megaco/display.hpp"

#include <vector>

#include "appliance/megaco/commands.hpp"

namespace ivm::megaco {

namespace {

std::string hex_of(const std::string& bytes) {
  static const char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 0xF];
  }
  return out;
}

// Type, length, parameters, and the checksum that makes the octets sum to
// zero modulo 256.
std::string mdmf(unsigned type, const std::string& params) {
  std::string m;
  m += static_cast<char>(type);
  m += static_cast<char>(params.size());
  m += params;
  unsigned sum = 0;
  for (unsigned char c : m)
    sum += c;
  m += static_cast<char>((256 - (sum & 0xFF)) & 0xFF);
  return hex_of(m);
}

void param(std::string& out, unsigned type, std::string_view value) {
  if (value.empty())
    return;
  if (value.size() > 80)
    value = value.substr(0, 80);
  out += static_cast<char>(type);
  out += static_cast<char>(value.size());
  out.append(value);
}

// The comma-separated L/ci fields, the quoted name kept whole.
std::vector<std::string> fields(std::string_view ci) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (char c : ci) {
    if (c == '"')
      quoted = !quoted;
    else if (c == ',' && !quoted)
      out.emplace_back();
    else
      out.back() += c;
  }
  return out;
}

int nibble(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

std::string caller_id_block(std::string_view mgcp_caller_id) {
  auto f = fields(mgcp_caller_id);
  f.resize(3);
  std::string when;
  for (char c : f[0])
    if (c >= '0' && c <= '9')
      when += c;
  std::string number;
  for (char c : f[1])
    if ((c >= '0' && c <= '9') || c == '*' || c == '#' || c == '+')
      number += c;
  std::string name;
  for (char c : f[2])
    if (static_cast<unsigned char>(c) >= 0x20 &&
        static_cast<unsigned char>(c) < 0x7F)
      name += c; // the display's character set is 7-bit
  if (number.empty() && name.empty())
    return {};
  std::string params;
  if (when.size() == 8)
    param(params, 0x01, when);
  param(params, 0x02, number);
  param(params, 0x07, name);
  return mdmf(0x80, params);
}

std::string message_waiting_block(bool on) {
  std::string params;
  param(params, 0x0B, std::string(1, on ? '\xFF' : '\x00'));
  return mdmf(0x82, params);
}

std::optional<display_message> read_display_block(std::string_view hex) {
  if (hex.size() % 2 || hex.size() < 6)
    return std::nullopt;
  std::string b;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    b += static_cast<char>(hi * 16 + lo);
  }
  unsigned sum = 0;
  for (unsigned char c : b)
    sum += c;
  auto len = static_cast<unsigned char>(b[1]);
  if ((sum & 0xFF) != 0 || len + 3u != b.size())
    return std::nullopt;
  display_message m;
  m.type = static_cast<unsigned char>(b[0]);
  if (!(m.type & 0x80)) { // single data message format: one field
    m.params.emplace_back(0, b.substr(2, len));
    return m;
  }
  for (std::size_t i = 2; i + 1 < b.size() - 1;) {
    auto t = static_cast<unsigned char>(b[i]);
    auto n = static_cast<unsigned char>(b[i + 1]);
    if (i + 2 + n > b.size() - 1)
      return std::nullopt;
    m.params.emplace_back(t, b.substr(i + 2, n));
    i += 2 + n;
  }
  return m;
}

node display_signal(bool alerting, const std::string& ddb) {
  std::vector<node> params{make("ddb", ddb)};
  if (alerting)
    params.push_back(make("pattern", "1"));
  return make(alerting ? "andisp/dwa" : "andisp/data", {}, std::move(params),
              true);
}

bool refuses_package(int code) {
  switch (code) {
    case 440: // unsupported or unknown package
    case 444: // ... descriptor
    case 446: // ... parameter
    case 449: // ... parameter or property value
    case 450: // no such property in this package
    case 452: // no such signal in this package
    case 454: // no such parameter value in this package
      return true;
    default:
      return false;
  }
}

} // namespace ivm::megaco
