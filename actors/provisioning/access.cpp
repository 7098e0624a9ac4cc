#include "actors/provisioning/access.hpp"

#include "appliance/sip/digest/algorithm.hpp"
#include "appliance/sip/digest/challenge.hpp"
#include "appliance/sip/digest/credentials.hpp"

namespace ivm::actors::prov {

bool allowed(const std::vector<app::ipv4_network>& allow,
             std::string_view host) {
  auto addr = provisioning::dhcp::ipv4_address::parse(host);
  if (!addr)
    return false;
  for (auto& n : allow)
    if (n.contains(*addr))
      return true;
  return false;
}

namespace {

bool equal_ct(std::string_view x, std::string_view y) {
  if (x.size() != y.size())
    return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    diff |= static_cast<unsigned char>(x[i] ^ y[i]);
  return diff == 0;
}

} // namespace

std::string base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z')
      return c - 'A';
    if (c >= 'a' && c <= 'z')
      return c - 'a' + 26;
    if (c >= '0' && c <= '9')
      return c - '0' + 52;
    if (c == '+')
      return 62;
    if (c == '/')
      return 63;
    return -1;
  };
  while (!in.empty() && in.back() == '=')
    in.remove_suffix(1);
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0)
      return {};
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

auth_result check_credentials(std::string_view authorization,
                              std::string_view method, std::string_view uri,
                              std::string_view user, std::string_view password,
                              const sip::digest::nonce_issuer& nonces,
                              std::chrono::system_clock::time_point now) {
  while (!authorization.empty() && authorization.front() == ' ')
    authorization.remove_prefix(1);
  if (authorization.empty())
    return auth_result::missing;
  if (user.empty() || password.empty())
    return auth_result::wrong; // a device without credentials: allow list only
  if (authorization.size() > 6 && (authorization.substr(0, 6) == "Basic " ||
                                   authorization.substr(0, 6) == "basic ")) {
    auto decoded = base64_decode(authorization.substr(6));
    auto colon = decoded.find(':');
    if (colon == std::string::npos)
      return auth_result::wrong;
    bool ok = equal_ct(std::string_view{decoded}.substr(0, colon), user) &
              equal_ct(std::string_view{decoded}.substr(colon + 1), password);
    return ok ? auth_result::ok : auth_result::wrong;
  }
  auto c = sip::digest::parse_credentials(authorization);
  if (!c)
    return auth_result::missing;
  if (c->realm != realm || c->username != user || c->uri != uri)
    return auth_result::wrong;
  switch (nonces.check(c->nonce, now)) {
    case sip::digest::nonce_status::invalid:
      return auth_result::wrong;
    case sip::digest::nonce_status::stale:
      return auth_result::stale;
    case sip::digest::nonce_status::valid:
      break;
  }
  auto ha1 = sip::digest::ha1(c->alg, user, realm, password);
  return sip::digest::verify(*c, method, ha1) ? auth_result::ok
                                              : auth_result::wrong;
}

std::string challenge(const sip::digest::nonce_issuer& nonces,
                      std::chrono::system_clock::time_point now, bool stale) {
  sip::digest::challenge c;
  c.alg = sip::digest::algorithm::md5;
  c.realm = std::string{realm};
  c.nonce = nonces.make(now);
  c.stale = stale;
  return sip::digest::to_header_value(c);
}

} // namespace ivm::actors::prov
