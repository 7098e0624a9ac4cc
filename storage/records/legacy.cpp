#include "storage/records/legacy.hpp"

#include <algorithm>

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
  // Version 2 adds the H.248 encoding (issue 16), version 3 the CSTA
  // handshake, version 4 TLS and the pinned certificate, version 5 the SIP
  // trunk (issue 17); each written only when needed.
  std::uint8_t v = !x.trunk.empty() || !x.trunk_prefixes.empty() ? 5
                   : x.tls || !x.fingerprint.empty()             ? 4
                   : !x.handshake.empty()                        ? 3
                   : !x.encoding.empty()                         ? 2
                                                                 : 1;
  record_writer w{v};
  w.put_string(x.name)
      .put_string(x.protocol)
      .put_string(x.address)
      .put_string(x.domain)
      .put_u64(x.created_s);
  if (v >= 2)
    w.put_string(x.encoding);
  if (v >= 3)
    w.put_string(x.handshake);
  if (v >= 4)
    w.put_bool(x.tls).put_string(x.fingerprint);
  if (v >= 5)
    w.put_string(x.trunk).put_string(x.trunk_prefixes);
  return std::move(w).take();
}

expected<media_gateway, error> decode_media_gateway(std::string_view bytes) {
  record_reader in{bytes};
  auto v = in.version(5);
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
  if (*v >= 3)
    IVM_READ(x.handshake, in.get_string());
  if (*v >= 4) {
    IVM_READ(x.tls, in.get_bool());
    IVM_READ(x.fingerprint, in.get_string());
  }
  if (*v >= 5) {
    IVM_READ(x.trunk, in.get_string());
    IVM_READ(x.trunk_prefixes, in.get_string());
  }
  return finish(in, std::move(x));
}

std::string station_key(std::string_view gateway, std::string_view endpoint) {
  return key_join({"t", gateway, endpoint});
}

std::string station_prefix() {
  return key_prefix({"t"});
}

std::string encode(const station& x) {
  // Version 2 adds a digital phone's display and IM key (issue 17).
  bool v2 = x.display_rows || x.display_columns || !x.im_key.empty();
  record_writer w{static_cast<std::uint8_t>(v2 ? 2 : 1)};
  w.put_string(x.gateway)
      .put_string(x.endpoint)
      .put_string(x.extension)
      .put_u64(x.created_s);
  if (v2)
    w.put_u64(x.display_rows).put_u64(x.display_columns).put_string(x.im_key);
  return std::move(w).take();
}

expected<station, error> decode_station(std::string_view bytes) {
  record_reader in{bytes};
  auto v = in.version(2);
  if (!v)
    return unexpected(v.error());
  station x;
  IVM_READ(x.gateway, in.get_string());
  IVM_READ(x.endpoint, in.get_string());
  IVM_READ(x.extension, in.get_string());
  IVM_READ(x.created_s, in.get_u64());
  if (*v >= 2) {
    std::uint64_t rows = 0, columns = 0;
    IVM_READ(rows, in.get_u64());
    IVM_READ(columns, in.get_u64());
    IVM_READ(x.im_key, in.get_string());
    x.display_rows =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(rows, 64));
    x.display_columns =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(columns, 256));
  }
  return finish(in, std::move(x));
}

} // namespace ivm::storage::records
