#include "appliance/auth/password_hash.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "appliance/sip/digest/algorithm.hpp"

namespace ivm::auth {

namespace {

constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;

std::optional<std::string> derive(std::string_view password,
                                  std::string_view salt, scrypt_params p) {
  if (p.log2_n < 10 || p.log2_n > 20 || p.r == 0 || p.r > 32 || p.p == 0 ||
      p.p > 4)
    return std::nullopt;
  std::string out(hash_bytes, '\0');
  std::uint64_t n = std::uint64_t{1} << p.log2_n;
  // 128 * r * N bytes, plus headroom.
  std::uint64_t maxmem = 128 * std::uint64_t{p.r} * n * p.p + (1u << 20);
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()),
                     salt.size(), n, p.r, p.p, maxmem,
                     reinterpret_cast<unsigned char*>(out.data()),
                     out.size()) != 1)
    return std::nullopt;
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0)
    return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (ec != std::errc{} || end != hex.data() + i + 2)
      return std::nullopt;
    out.push_back(static_cast<char>(v));
  }
  return out;
}

template <class T>
bool to_number(std::string_view x, T& out) {
  auto [end, ec] = std::from_chars(x.data(), x.data() + x.size(), out);
  return ec == std::errc{} && end == x.data() + x.size();
}

} // namespace

std::string hash_password(std::string_view password, scrypt_params params) {
  auto salt = sip::digest::random_bytes(salt_bytes);
  auto key = derive(password, salt, params);
  if (!key)
    return {};
  return "scrypt$" + std::to_string(params.log2_n) + "$" +
         std::to_string(params.r) + "$" + std::to_string(params.p) + "$" +
         sip::digest::to_hex(salt) + "$" + sip::digest::to_hex(*key);
}

bool verify_password(std::string_view password, std::string_view stored) {
  std::vector<std::string_view> parts;
  while (parts.size() <= 6) {
    auto dollar = stored.find('$');
    parts.push_back(stored.substr(0, dollar));
    if (dollar == std::string_view::npos)
      break;
    stored.remove_prefix(dollar + 1);
  }
  if (parts.size() != 6 || parts[0] != "scrypt")
    return false;
  scrypt_params p;
  unsigned log2n = 0;
  if (!to_number(parts[1], log2n) || log2n > 255 || !to_number(parts[2], p.r) ||
      !to_number(parts[3], p.p))
    return false;
  p.log2_n = static_cast<std::uint8_t>(log2n);
  auto salt = from_hex(parts[4]);
  auto want = from_hex(parts[5]);
  if (!salt || !want || want->size() != hash_bytes)
    return false;
  auto got = derive(password, *salt, p);
  return got && CRYPTO_memcmp(got->data(), want->data(), hash_bytes) == 0;
}

std::optional<std::string> weak_password(std::string_view password,
                                         std::string_view name) {
  if (password.size() < 10)
    return "at least 10 characters";
  if (password.size() > 1024)
    return "at most 1024 characters";
  if (password == name)
    return "not the account name";
  if (std::all_of(password.begin(), password.end(),
                  [&](char c) { return c == password.front(); }))
    return "not one character repeated";
  return std::nullopt;
}

bool valid_admin_name(std::string_view name) {
  if (name.empty() || name.size() > 32)
    return false;
  auto ok = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  };
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  return alnum(name.front()) && std::all_of(name.begin(), name.end(), ok);
}

} // namespace ivm::auth
