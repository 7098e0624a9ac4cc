#include "storage/records/legacy.hpp"

#include "storage/codec.hpp"
#include "storage/records/read_util.hpp"

namespace ivm::storage::records {

std::string media_gateway_key(std::string_view name) {
  return key_join({"g", name});
}

std::string media_gateway_prefix() {
  return key_prefix({"g"});
}

std::string encode(const media_gateway& x) {
  // Version 2 adds the H.248 encoding (issue 16); written only when set.
  record_writer w{static_cast<std::uint8_t>(x.encoding.empty() ? 1 : 2)};
  w.put_string(x.name)
      .put_string(x.protocol)
      .put_string(x.address)
      .put_string(x.domain)
      .put_u64(x.created_s);
  if (!x.encoding.empty())
    w.put_string(x.encoding);
  return std::move(w).take();
}

expected<media_gateway, error> decode_media_gateway(std::string_view bytes) {
  record_reader in{bytes};
  auto v = in.version(2);
  if (!v)
    return unexpected(v.error());
  media_gateway x;
  IVM_READ(x.name, in.get_string());
  IVM_READ(x.protocol, in.get_string());
  IVM_READ(x.address, in.get_string());
  IVM_READ(x.domain, in.get_string());
  IVM_READ(x.created_s, in.get_u64());
  if (*v >= 2)
    IVM_READ(x.encoding, in.get_string());
  return finish(in, std::move(x));
}

std::string station_key(std::string_view gateway, std::string_view endpoint) {
  return key_join({"t", gateway, endpoint});
}

std::string station_prefix() {
  return key_prefix({"t"});
}

std::string encode(const station& x) {
  record_writer w{1};
  w.put_string(x.gateway)
      .put_string(x.endpoint)
      .put_string(x.extension)
      .put_u64(x.created_s);
  return std::move(w).take();
}

expected<station, error> decode_station(std::string_view bytes) {
  record_reader in{bytes};
  if (auto v = in.version(1); !v)
    return unexpected(v.error());
  station x;
  IVM_READ(x.gateway, in.get_string());
  IVM_READ(x.endpoint, in.get_string());
  IVM_READ(x.extension, in.get_string());
  IVM_READ(x.created_s, in.get_u64());
  return finish(in, std::move(x));
}

} // namespace ivm::storage::records
