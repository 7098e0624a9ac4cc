#pragma once

// SIP trunks to PBXs (issue 17): a PBX with a CSTA link may also carry calls
// over SIP. Calls from its trunk address are trusted by source address (as
// Kamailio's `permissions` module or an IP-authenticated Asterisk trunk);
// numbers that are the PBX's phones, or that start with one of its prefixes,
// are routed to it. Pure.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "appliance/net/endpoint.hpp"

namespace ivm::directory {

/// At most this many prefixes per trunk, each 1..15 digits.
inline constexpr std::size_t max_trunk_prefixes = 32;

struct sip_trunk {
  std::string name;  ///< the PBX's name
  net::endpoint sip; ///< where the PBX takes SIP (UDP)
  std::vector<std::string> prefixes;
  /// Its phones that are stations of the box: device -> the user's extension.
  std::map<std::string, std::string> devices;
};

/// A dialable number: digits, maybe a leading '+', 1..32 characters.
bool dialable(std::string_view number);

/// The trunk a number goes to: the PBX one of whose stations has that
/// device number, else the trunk with the longest matching prefix (the
/// first one configured on a tie); null when none.
const sip_trunk* route_number(const std::vector<sip_trunk>& trunks,
                              std::string_view number);

/// The trunk whose address is `host` (where a request came from), or null.
const sip_trunk* trunk_at(const std::vector<sip_trunk>& trunks,
                          std::string_view host);

/// Prefixes as stored ("3,40") and back; `parse_prefixes` checks each.
std::string encode_prefixes(const std::vector<std::string>& prefixes);
expected<std::vector<std::string>, std::string>
parse_prefixes(std::string_view stored);

} // namespace ivm::directory
