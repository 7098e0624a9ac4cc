#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "appliance/common/expected.hpp"
#include "storage/store.hpp"

/// Legacy phones (issue 15), family `devices`: media gateways and the
/// stations (a gateway's endpoint carrying a user's line) on them. A PBX
/// with a CSTA link (issue 17) is a media gateway of protocol "csta"; its
/// stations are its devices (`endpoint` the device number).
namespace ivm::storage::records {

/// A media gateway (key `key_join({"g", name})`).
struct media_gateway {
  std::string name;     ///< the admin's name: "gw1"
  std::string protocol; ///< "mgcp" or "megaco"
  std::string address;  ///< "192.0.2.10:2427": where it is reached
  std::string domain;   ///< its endpoints' domain name ("gw1" by default)
  std::uint64_t created_s = 0;
  /// H.248 only: "compact" tokens in what the box sends, else long ("").
  /// CSTA (a PBX, issue 17): the ECMA-323 edition, "ed3", "ed4", "ed6".
  std::string encoding;
  /// CSTA only: "none", "system-register" or "application-session".
  std::string handshake;
  /// CSTA only: the link is TLS; the PBX certificate's SHA-256 fingerprint
  /// ("AB:CD:...", pinned by the admin or at the first connection).
  bool tls = false;
  std::string fingerprint;
  /// CSTA only: the PBX's SIP trunk ("192.0.2.20:5060", "" for none) and the
  /// number prefixes routed to it ("3,40").
  std::string trunk;
  std::string trunk_prefixes;
};

std::string media_gateway_key(std::string_view name);
std::string media_gateway_prefix();
std::string encode(const media_gateway& x);
expected<media_gateway, error> decode_media_gateway(std::string_view bytes);

/// A station (key `key_join({"t", gateway, endpoint})`).
struct station {
  std::string gateway;   ///< a media_gateway's name
  std::string endpoint;  ///< its local endpoint name: "aaln/1"
  std::string extension; ///< the user whose line it carries
  std::uint64_t created_s = 0;
  /// A digital phone on a PBX (issue 17): its display and IM key.
  std::uint32_t display_rows = 0;
  std::uint32_t display_columns = 0;
  std::string im_key;
};

std::string station_key(std::string_view gateway, std::string_view endpoint);
std::string station_prefix();
std::string encode(const station& x);
expected<station, error> decode_station(std::string_view bytes);

} // namespace ivm::storage::records
