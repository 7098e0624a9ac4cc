#pragma once

// Admin accounts as stored: family `meta`, key "admin/NAME", a JSON object
// {"name", "hash" (password_hash.hpp), "created" (RFC 3339)}.

#include <string>
#include <string_view>

#include "appliance/common/expected.hpp"

namespace ivm::auth {

struct admin_account {
  std::string name;
  std::string hash;
  std::string created;
};

inline constexpr std::string_view admin_key_prefix = "admin/";

std::string admin_key(std::string_view name);

std::string encode(const admin_account& a);

expected<admin_account, std::string> decode_admin(std::string_view bytes);

} // namespace ivm::auth
