#pragma once

// Encryption at rest of voice messages (issue 6): every message has its own
// random AES-256 key; the message is sealed with it (AES-256-GCM) and the key
// is wrapped with the box's master key (AES-256-GCM too). The plaintext never
// touches disk: callers seal in memory and store the sealed bytes.

#include <string>
#include <string_view>

#include "appliance/common/expected.hpp"

namespace ivm::voice {

/// 32 random bytes.
using master_key = std::string;

/// Loads the master key from `path`, creating it (32 random bytes, mode
/// 0600, written to a temporary file then renamed) when it does not exist.
/// Refuses a file of another size or readable by group/others.
expected<master_key, std::string>
load_or_create_master_key(const std::string& path);

/// Seals `plain` under a fresh message key wrapped by `master`; `aad` (the
/// message id) is authenticated with both. Layout:
/// "IVMV" 1 | wrap nonce 12 | wrapped key 32 | wrap tag 16 | nonce 12 |
/// tag 16 | ciphertext.
std::string seal(std::string_view plain, const master_key& master,
                 std::string_view aad);

/// Opens what `seal` made; an error when the key, the aad or any byte is
/// wrong.
expected<std::string, std::string>
open(std::string_view sealed, const master_key& master, std::string_view aad);

/// `length` characters from A-Z a-z 0-9, uniformly random (a device's SIP
/// password: 20 characters carry 119 bits).
std::string random_password(std::size_t length);

} // namespace ivm::voice
