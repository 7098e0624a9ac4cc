#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "storage/store.hpp"

/// Desk phones (issue 11), family `devices`.
namespace ivm::storage::records {

/// A key of a phone showing another user's line (busy lamp field).
struct device_line_key {
  std::string extension;
  std::string label;
};

/// A phone assigned to a user (key `key_join({"d", mac})`). Its SIP
/// password is sealed under the box key (`voice::seal`, aad "device:" +
/// mac); the box needs it in clear to write the phone's configuration.
struct device {
  std::string mac; ///< 12 lower-case hex digits
  std::string vendor;
  std::string model;
  std::string extension; ///< the user whose line it carries
  std::vector<device_line_key> line_keys;
  std::string firmware;
  std::string label; ///< free text ("reception")
  std::string auth_user;
  std::string sealed_password;
  std::uint64_t created_s = 0;
  std::uint64_t changed_s = 0;
};

std::string device_key(std::string_view mac);
std::string device_prefix();
std::string encode(const device& x);
expected<device, error> decode_device(std::string_view bytes);

/// A phone heard of that is not a device yet (key `key_join({"s", mac})`).
struct seen_device {
  std::string mac;
  std::string source; ///< "dhcp", "tftp", "http": the last one
  std::string address;
  std::string vendor_class;
  std::string host_name;
  std::string vendor;
  std::string model;
  std::string user_agent;
  std::string file;
  std::uint64_t first_s = 0;
  std::uint64_t last_s = 0;
};

std::string seen_key(std::string_view mac);
std::string seen_prefix();
std::string encode(const seen_device& x);
expected<seen_device, error> decode_seen(std::string_view bytes);

} // namespace ivm::storage::records
