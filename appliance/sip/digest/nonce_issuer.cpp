#include "appliance/sip/digest/nonce_issuer.hpp"

#include <cstdint>
#include <cstdlib>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "appliance/sip/digest/algorithm.hpp"

namespace ivm::sip::digest {

namespace {

constexpr std::size_t stamp_size = 8;
constexpr std::size_t salt_size = 8;
constexpr std::size_t mac_size = 16;
constexpr std::size_t nonce_size = stamp_size + salt_size + mac_size;

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1; // We only issue lowercase.
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0)
    return std::nullopt;
  std::string result;
  result.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    auto hi = hex_value(hex[i]);
    auto lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    result += static_cast<char>((hi << 4) | lo);
  }
  return result;
}

std::int64_t to_seconds(nonce_issuer::clock::time_point t) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  return duration_cast<seconds>(t.time_since_epoch()).count();
}

} // namespace

nonce_issuer::nonce_issuer() : nonce_issuer(random_bytes(32)) {
  // nop
}

nonce_issuer::nonce_issuer(std::string secret, std::chrono::seconds lifetime)
  : secret_(std::move(secret)), lifetime_(lifetime) {
  // nop
}

std::string nonce_issuer::mac(std::string_view stamp_and_salt) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  auto* ok =
      HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
           reinterpret_cast<const unsigned char*>(stamp_and_salt.data()),
           stamp_and_salt.size(), out, &len);
  if (ok == nullptr || len < mac_size)
    std::abort();
  return {reinterpret_cast<const char*>(out), mac_size};
}

std::string nonce_issuer::make(clock::time_point now) const {
  auto stamp = static_cast<std::uint64_t>(to_seconds(now));
  std::string raw;
  raw.reserve(nonce_size);
  for (int shift = 56; shift >= 0; shift -= 8)
    raw += static_cast<char>((stamp >> shift) & 0xff);
  raw += random_bytes(salt_size);
  raw += mac(raw);
  return to_hex(raw);
}

std::optional<nonce_issuer::clock::time_point>
nonce_issuer::issued_at(std::string_view nonce) const {
  if (nonce.size() != nonce_size * 2)
    return std::nullopt;
  auto raw = from_hex(nonce);
  if (!raw)
    return std::nullopt;
  std::string_view body{raw->data(), stamp_size + salt_size};
  auto expected = mac(body);
  if (CRYPTO_memcmp(expected.data(), raw->data() + body.size(), mac_size) != 0)
    return std::nullopt;
  std::uint64_t stamp = 0;
  for (std::size_t i = 0; i < stamp_size; ++i)
    stamp = (stamp << 8) | static_cast<unsigned char>((*raw)[i]);
  return clock::time_point{
      std::chrono::seconds{static_cast<std::int64_t>(stamp)}};
}

nonce_status nonce_issuer::check(std::string_view nonce,
                                 clock::time_point now) const {
  auto issued = issued_at(nonce);
  if (!issued)
    return nonce_status::invalid;
  auto age = to_seconds(now) - to_seconds(*issued);
  if (age < 0 || age > lifetime_.count())
    return nonce_status::stale;
  return nonce_status::valid;
}

} // namespace ivm::sip::digest
