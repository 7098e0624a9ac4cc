#pragma once

// Who may fetch a per-device file (it carries the phone's SIP password):
// a source in the allow list, or an HTTP client with the device's own
// credentials (Digest, RFC 7616, realm "ivm-provisioning"; or Basic).
// Pure: no CAF, no I/O.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/main/settings_provisioning.hpp"
#include "appliance/sip/digest/nonce_issuer.hpp"

namespace ivm::actors::prov {

inline constexpr std::string_view realm = "ivm-provisioning";

/// Whether `host` (dotted quad) is inside one of `allow`.
bool allowed(const std::vector<app::ipv4_network>& allow,
             std::string_view host);

enum class auth_result : std::uint8_t {
  ok,
  missing, ///< no usable Authorization: challenge
  wrong,   ///< credentials that do not match: challenge
  stale,   ///< a Digest nonce of ours that expired: challenge, stale=TRUE
};

/// Checks an Authorization header value against `user`/`password` for
/// `method` and `uri` (Digest: our nonce, realm, uri; or Basic).
auth_result check_credentials(std::string_view authorization,
                              std::string_view method, std::string_view uri,
                              std::string_view user, std::string_view password,
                              const sip::digest::nonce_issuer& nonces,
                              std::chrono::system_clock::time_point now);

/// The WWW-Authenticate value of a 401 (Digest, MD5, qop=auth).
std::string challenge(const sip::digest::nonce_issuer& nonces,
                      std::chrono::system_clock::time_point now, bool stale);

/// Decodes standard base64 (RFC 4648 §4); empty on error.
std::string base64_decode(std::string_view in);

} // namespace ivm::actors::prov
