#include "storage/records/leases.hpp"

#include "storage/codec.hpp"

namespace ivm::storage::records {

namespace dhcp = provisioning::dhcp;

std::string lease_key(dhcp::ipv4_address address) {
  auto v = address.value();
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i)
    out[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
  return out;
}

std::string encode_lease(const dhcp::lease& x) {
  record_writer w{1};
  auto& m = x.mac.bytes();
  w.put_string(
      std::string_view{reinterpret_cast<const char*>(m.data()), m.size()});
  w.put_u8(static_cast<std::uint8_t>(x.state));
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(
                  x.expiry.time_since_epoch())
                  .count();
  w.put_u64(static_cast<std::uint64_t>(secs < 0 ? 0 : secs));
  return std::move(w).take();
}

expected<dhcp::lease, error> decode_lease(std::string_view key,
                                          std::string_view value) {
  if (key.size() != 4)
    return unexpected(error{errc::corruption, "lease key is not 4 bytes"});
  std::uint32_t addr = 0;
  for (char c : key)
    addr = (addr << 8) | static_cast<std::uint8_t>(c);
  record_reader r{value};
  if (auto v = r.version(1); !v)
    return unexpected(v.error());
  auto mac = r.get_string();
  if (!mac)
    return unexpected(mac.error());
  if (mac->size() != 6)
    return unexpected(error{errc::corruption, "lease MAC is not 6 bytes"});
  auto state = r.get_u8();
  if (!state)
    return unexpected(state.error());
  if (*state >= dhcp::lease_state_count)
    return unexpected(error{errc::corruption, "unknown lease state"});
  auto expiry = r.get_u64();
  if (!expiry)
    return unexpected(expiry.error());
  if (auto st = r.finish())
    return unexpected(*st);
  dhcp::lease x;
  x.address = dhcp::ipv4_address{addr};
  provisioning::mac_address::bytes_type b{};
  for (std::size_t i = 0; i < b.size(); ++i)
    b[i] = static_cast<std::uint8_t>((*mac)[i]);
  x.mac = provisioning::mac_address{b};
  x.state = static_cast<dhcp::lease_state>(*state);
  x.expiry = dhcp::time_point{
      std::chrono::seconds{static_cast<std::chrono::seconds::rep>(*expiry)}};
  return x;
}

void put_leases(write_batch& batch, const std::vector<dhcp::lease>& xs) {
  for (auto& x : xs)
    batch.put(family::leases, lease_key(x.address), encode_lease(x));
}

expected<std::vector<dhcp::lease>, error> load_leases(store& db,
                                                      std::size_t* skipped) {
  std::vector<dhcp::lease> out;
  auto st = scan_all(db, family::leases, {}, [&](auto& k, auto& v) {
    if (auto x = decode_lease(k, v))
      out.push_back(*x);
    else if (skipped)
      ++*skipped;
  });
  if (st)
    return unexpected(*st);
  return out;
}

} // namespace ivm::storage::records
