#pragma once

// Firmware images the admin uploads (<data_dir>/firmware), served to phones
// over TFTP (read by offset) and HTTP. Plain files: written to a temporary
// name, fsynced, renamed. No CAF.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::actors::prov {

struct firmware_info {
  std::string name;
  std::uint64_t size = 0;
  std::string sha256; ///< lower-case hex
};

/// Why `name` cannot be a firmware file name (screened as a TFTP name, and
/// flat: no directories, no leading '.'), or nullopt.
std::optional<std::string> bad_firmware_name(std::string_view name);

/// Stores `data` as `dir`/`name` atomically (temp file, fsync, rename).
expected<firmware_info, std::string>
put_firmware(const std::filesystem::path& dir, const std::string& name,
             std::string_view data);

/// Every file in `dir` with size and SHA-256, by name.
std::vector<firmware_info> list_firmware(const std::filesystem::path& dir);

/// Removes `dir`/`name`; false if there was no such file.
bool remove_firmware(const std::filesystem::path& dir, const std::string& name);

/// The file a phone asks for: exact name, else the same name in another
/// letter case (phones and TFTP keys differ in case).
std::optional<std::filesystem::path>
find_firmware(const std::filesystem::path& dir, std::string_view name);

} // namespace ivm::actors::prov
