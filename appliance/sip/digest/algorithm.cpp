#include "appliance/sip/digest/algorithm.hpp"

#include <climits>
#include <cstdlib>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "appliance/sip/header_name.hpp"

namespace ivm::sip::digest {

std::string_view to_string(algorithm alg) noexcept {
  switch (alg) {
    case algorithm::md5:
      return "MD5";
    case algorithm::sha256:
      return "SHA-256";
  }
  return "MD5";
}

std::optional<algorithm> parse_algorithm(std::string_view str) noexcept {
  if (str.empty() || iequals(str, "MD5"))
    return algorithm::md5;
  if (iequals(str, "SHA-256"))
    return algorithm::sha256;
  return std::nullopt;
}

std::string to_hex(std::string_view data) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string result;
  result.reserve(data.size() * 2);
  for (auto ch : data) {
    auto byte = static_cast<unsigned char>(ch);
    result += digits[byte >> 4];
    result += digits[byte & 0x0f];
  }
  return result;
}

std::string hash_hex(algorithm alg, std::string_view data) {
  auto* md = alg == algorithm::sha256 ? EVP_sha256() : EVP_md5();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1)
    std::abort();
  return to_hex({reinterpret_cast<const char*>(out), len});
}

std::string ha1(algorithm alg, std::string_view username,
                std::string_view realm, std::string_view password) {
  std::string input;
  input.reserve(username.size() + realm.size() + password.size() + 2);
  input.append(username).append(":").append(realm).append(":").append(password);
  return hash_hex(alg, input);
}

std::string random_bytes(std::size_t bytes) {
  if (bytes > static_cast<std::size_t>(INT_MAX))
    std::abort();
  std::string result(bytes, '\0');
  if (bytes > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(result.data()),
                              static_cast<int>(bytes)) != 1)
    std::abort();
  return result;
}

std::string random_hex(std::size_t bytes) {
  return to_hex(random_bytes(bytes));
}

} // namespace ivm::sip::digest
