#include "appliance/sip/digest/credentials.hpp"

#include <array>

#include <openssl/crypto.h>

#include "appliance/sip/auth.hpp"
#include "appliance/sip/header_name.hpp"
#include "appliance/sip/scan.hpp"

namespace ivm::sip::digest {

namespace {

constexpr std::array<std::string_view, 11> known_params = {
    "username", "realm", "nonce",     "uri",      "response", "cnonce",
    "qop",      "nc",    "algorithm", "userhash", "opaque",
};

constexpr std::array<std::string_view, 5> required_params = {
    "username", "realm", "nonce", "uri", "response",
};

std::optional<std::uint32_t> parse_nc(std::string_view nc) {
  if (nc.size() != 8)
    return std::nullopt;
  std::uint32_t result = 0;
  for (auto ch : nc) {
    if (!detail::is_hex(ch))
      return std::nullopt;
    auto digit = detail::is_digit(ch) ? ch - '0' : (ch | 0x20) - 'a' + 10;
    result = (result << 4) | static_cast<std::uint32_t>(digit);
  }
  if (result == 0)
    return std::nullopt;
  return result;
}

std::string value_of(const auth_value& auth, std::string_view name) {
  return std::string{auth.get(name).value_or(std::string_view{})};
}

} // namespace

expected<credentials, std::string> parse_credentials(std::string_view value) {
  auto auth = parse_auth(value);
  if (!auth)
    return unexpected(std::string{"malformed"});
  if (!iequals(auth->scheme, "Digest"))
    return unexpected(std::string{"not digest"});
  for (auto name : known_params) {
    auto count = 0;
    for (auto& p : auth->params)
      if (iequals(p.name, name))
        ++count;
    if (count > 1)
      return unexpected("duplicate parameter: " + std::string{name});
  }
  for (auto name : required_params)
    if (auth->get(name).value_or(std::string_view{}).empty())
      return unexpected("missing parameter: " + std::string{name});
  credentials result;
  result.username = value_of(*auth, "username");
  result.realm = value_of(*auth, "realm");
  result.nonce = value_of(*auth, "nonce");
  result.uri = value_of(*auth, "uri");
  result.response = value_of(*auth, "response");
  result.opaque = value_of(*auth, "opaque");
  // An absent algorithm means MD5 (RFC 7616 §3.4, RFC 3261 §22.4).
  auto alg = parse_algorithm(auth->get("algorithm").value_or("MD5"));
  if (!alg)
    return unexpected(std::string{"unsupported algorithm"});
  result.alg = *alg;
  // RFC 7616 §3.4.4: with userhash=true the username is H(user ":" realm);
  // we have no index by that hash.
  if (auto userhash = auth->get("userhash");
      userhash && iequals(*userhash, "true"))
    return unexpected(std::string{"unsupported userhash"});
  if (auto qop = auth->get("qop")) {
    if (!iequals(*qop, "auth") && !iequals(*qop, "auth-int"))
      return unexpected(std::string{"unsupported qop"});
    result.qop = std::string{*qop};
    result.cnonce = value_of(*auth, "cnonce");
    if (result.cnonce.empty())
      return unexpected(std::string{"missing parameter: cnonce"});
    auto nc = auth->get("nc");
    if (!nc)
      return unexpected(std::string{"missing parameter: nc"});
    auto nc_value = parse_nc(*nc);
    if (!nc_value)
      return unexpected(std::string{"bad nc"});
    result.nc = std::string{*nc};
    result.nc_value = *nc_value;
  }
  return result;
}

bool verify(const credentials& c, std::string_view method,
            std::string_view ha1_hex) {
  if (!c.qop.empty() && !iequals(c.qop, "auth"))
    return false; // auth-int would need the body hash.
  std::string a2;
  a2.append(method).append(":").append(c.uri);
  auto ha2 = hash_hex(c.alg, a2);
  std::string kd;
  kd.append(ha1_hex).append(":").append(c.nonce).append(":");
  if (!c.qop.empty())
    kd.append(c.nc)
        .append(":")
        .append(c.cnonce)
        .append(":")
        .append(c.qop)
        .append(":");
  kd.append(ha2);
  auto expected = hash_hex(c.alg, kd);
  auto given = detail::to_lower(c.response);
  if (given.size() != expected.size())
    return false;
  return CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

} // namespace ivm::sip::digest
