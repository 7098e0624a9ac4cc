#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "appliance/common/expected.hpp"
#include "storage/store.hpp"

namespace ivm::storage {

/// Encodes the schema record stored under `schema_key` in `family::meta`:
/// format version byte 1, then the schema version as a big-endian u32.
std::string encode_schema_record(std::uint32_t version);

/// Decodes a schema record. A record in a newer format than this build
/// knows yields `errc::schema_too_new`; garbage yields `errc::corruption`.
expected<std::uint32_t, error> decode_schema_record(std::string_view bytes);

/// Fails with `errc::schema_too_new` when `stored` is newer than
/// `schema_version`.
status check_schema_version(std::uint32_t stored);

} // namespace ivm::storage
