#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "appliance/common/expected.hpp"

namespace ivm::app {

struct admin_token {
  std::string token;
  bool created = false;
};

/// Reads `data_dir/admin-token`, creating it (32 random bytes as hex, mode
/// 0600) at first start.
expected<admin_token, std::string>
ensure_admin_token(const std::filesystem::path& data_dir);

/// Reads `data_dir/NAME`, creating it with `bytes` random bytes as hex
/// (mode 0600) when missing. `created` says whether it was made now.
expected<admin_token, std::string>
ensure_secret(const std::filesystem::path& data_dir, const std::string& name,
              std::size_t bytes);

/// Writes `data_dir/admin.json` (mode 0600): `{"url": ..., "token": ...}`,
/// where ivmctl finds the admin API.
std::optional<std::string> write_admin_json(const std::filesystem::path& dir,
                                            const std::string& url,
                                            const std::string& token);

} // namespace ivm::app
