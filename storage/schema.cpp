#include "storage/schema.hpp"

#include "storage/codec.hpp"

namespace ivm::storage {

namespace {

constexpr std::uint8_t record_format = 1;

} // namespace

std::string encode_schema_record(std::uint32_t version) {
  return record_writer{record_format}.put_u32(version).bytes();
}

expected<std::uint32_t, error> decode_schema_record(std::string_view bytes) {
  record_reader in{bytes};
  auto format = in.get_u8();
  if (!format)
    return unexpected(error{errc::corruption, "empty schema record"});
  if (*format > record_format) {
    return unexpected(
        error{errc::schema_too_new,
              "database schema record format " + std::to_string(*format) +
                  " is newer than this build's " +
                  std::to_string(record_format) + "; upgrade the appliance"});
  }
  if (*format == 0)
    return unexpected(error{errc::corruption, "schema record format 0"});
  auto version = in.get_u32();
  if (!version)
    return unexpected(error{errc::corruption,
                            "bad schema record: " + version.error().message});
  if (auto err = in.finish())
    return unexpected(
        error{errc::corruption, "bad schema record: " + err->message});
  return version;
}

status check_schema_version(std::uint32_t stored) {
  if (stored <= schema_version)
    return std::nullopt;
  return error{errc::schema_too_new,
               "database schema " + std::to_string(stored) +
                   " is newer than this build's " +
                   std::to_string(schema_version) + "; upgrade the appliance"};
}

} // namespace ivm::storage
