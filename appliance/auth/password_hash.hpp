#pragma once

// Admin passwords are kept as scrypt hashes (RFC 7914, OpenSSL's
// EVP_PBE_scrypt): slow and memory-hard, so a stolen database does not
// give the passwords away cheaply.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ivm::auth {

struct scrypt_params {
  /// log2 of the CPU/memory cost N (15: 32 MiB, some 50-100 ms here).
  std::uint8_t log2_n = 15;
  std::uint32_t r = 8;
  std::uint32_t p = 1;
};

/// "scrypt$LOG2N$R$P$SALT$HASH" (salt and hash hex; 16- and 32-byte).
std::string hash_password(std::string_view password, scrypt_params params = {});

/// Whether `password` matches `stored` (as `hash_password` wrote it);
/// false for anything malformed. Constant time over the hash.
bool verify_password(std::string_view password, std::string_view stored);

/// Why `password` is not good enough for an admin account, or nullopt:
/// at least 10 characters, not the account name, not one character
/// repeated.
std::optional<std::string> weak_password(std::string_view password,
                                         std::string_view name);

/// Admin account names: 1-32 of a-z 0-9 . _ - (lowercase), starting with a
/// letter or digit.
bool valid_admin_name(std::string_view name);

} // namespace ivm::auth
