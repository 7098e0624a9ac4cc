#include "storage/records/devices.hpp"

#include "storage/codec.hpp"
#include "storage/records/read_util.hpp"

namespace ivm::storage::records {

std::string device_key(std::string_view mac) {
  return key_join({"d", mac});
}

std::string device_prefix() {
  return key_prefix({"d"});
}

std::string encode(const device& x) {
  record_writer w{1};
  w.put_string(x.mac)
      .put_string(x.vendor)
      .put_string(x.model)
      .put_string(x.extension)
      .put_varint(x.line_keys.size());
  for (auto& k : x.line_keys)
    w.put_string(k.extension).put_string(k.label);
  w.put_string(x.firmware)
      .put_string(x.label)
      .put_string(x.auth_user)
      .put_string(x.sealed_password)
      .put_u64(x.created_s)
      .put_u64(x.changed_s);
  return std::move(w).take();
}

expected<device, error> decode_device(std::string_view bytes) {
  record_reader in{bytes};
  if (auto v = in.version(1); !v)
    return unexpected(v.error());
  device x;
  IVM_READ(x.mac, in.get_string());
  IVM_READ(x.vendor, in.get_string());
  IVM_READ(x.model, in.get_string());
  IVM_READ(x.extension, in.get_string());
  std::uint64_t keys = 0;
  IVM_READ(keys, in.get_varint());
  if (keys > 1000)
    return unexpected(error{errc::corruption, "too many line keys"});
  for (std::uint64_t i = 0; i < keys; ++i) {
    device_line_key k;
    IVM_READ(k.extension, in.get_string());
    IVM_READ(k.label, in.get_string());
    x.line_keys.push_back(std::move(k));
  }
  IVM_READ(x.firmware, in.get_string());
  IVM_READ(x.label, in.get_string());
  IVM_READ(x.auth_user, in.get_string());
  IVM_READ(x.sealed_password, in.get_string());
  IVM_READ(x.created_s, in.get_u64());
  IVM_READ(x.changed_s, in.get_u64());
  return finish(in, std::move(x));
}

std::string seen_key(std::string_view mac) {
  return key_join({"s", mac});
}

std::string seen_prefix() {
  return key_prefix({"s"});
}

std::string encode(const seen_device& x) {
  record_writer w{1};
  w.put_string(x.mac)
      .put_string(x.source)
      .put_string(x.address)
      .put_string(x.vendor_class)
      .put_string(x.host_name)
      .put_string(x.vendor)
      .put_string(x.model)
      .put_string(x.user_agent)
      .put_string(x.file)
      .put_u64(x.first_s)
      .put_u64(x.last_s);
  return std::move(w).take();
}

expected<seen_device, error> decode_seen(std::string_view bytes) {
  record_reader in{bytes};
  if (auto v = in.version(1); !v)
    return unexpected(v.error());
  seen_device x;
  IVM_READ(x.mac, in.get_string());
  IVM_READ(x.source, in.get_string());
  IVM_READ(x.address, in.get_string());
  IVM_READ(x.vendor_class, in.get_string());
  IVM_READ(x.host_name, in.get_string());
  IVM_READ(x.vendor, in.get_string());
  IVM_READ(x.model, in.get_string());
  IVM_READ(x.user_agent, in.get_string());
  IVM_READ(x.file, in.get_string());
  IVM_READ(x.first_s, in.get_u64());
  IVM_READ(x.last_s, in.get_u64());
  return finish(in, std::move(x));
}

} // namespace ivm::storage::records
