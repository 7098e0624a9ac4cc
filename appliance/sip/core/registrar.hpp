#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "appliance/sip/message.hpp"

namespace ivm::sip::core {

struct registrar_config {
  std::uint32_t default_expires = 3600;
  std::uint32_t min_expires = 60;
  std::uint32_t max_expires = 7200;
  std::size_t max_bindings = 10;
};

/// One contact of an address-of-record (RFC 3261 §10).
struct contact_binding {
  std::string contact;         ///< URI as registered (inside <>)
  std::uint16_t q = 1000;      ///< q-value in thousandths
  std::uint64_t expires_s = 0; ///< absolute, Unix seconds
  std::string call_id;
  std::uint32_t cseq = 0;
};

/// What a REGISTER does to an address-of-record's bindings.
struct register_outcome {
  int code = 200;
  std::string reason = "OK";
  /// Headers of the response (Contact per binding, Min-Expires, Date).
  std::vector<std::pair<std::string, std::string>> headers;
  /// Every live binding after the request (for the response and the cache).
  std::vector<contact_binding> bindings;
  /// Bindings added or refreshed (to write) and contacts removed (to delete).
  std::vector<contact_binding> upserted;
  std::vector<std::string> removed;
};

/// Applies an authenticated REGISTER to `current` (RFC 3261 §10.3 steps 6-8):
/// no Contact: a query; `Contact: *` with `Expires: 0`: remove all (400
/// otherwise); each contact's expiry from its `expires` parameter, else the
/// Expires header, else the default, capped at the maximum; below the
/// minimum (but not 0): 423 with Min-Expires; 0 removes. A binding from the
/// same Call-ID with a CSeq not higher than stored is refused (500). More
/// than `max_bindings` contacts: 403. Expired bindings are dropped.
register_outcome apply_register(const std::vector<contact_binding>& current,
                                const message& request, std::uint64_t now_s,
                                const registrar_config& cfg);

/// Bindings of `all` not yet expired at `now_s`, best q first.
std::vector<contact_binding> live_bindings(std::vector<contact_binding> all,
                                           std::uint64_t now_s);

} // namespace ivm::sip::core
