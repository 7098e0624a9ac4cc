#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "appliance/directory/directory.hpp"
#include "appliance/sip/digest/algorithm.hpp"
#include "appliance/sip/digest/failure_limiter.hpp"
#include "appliance/sip/digest/nonce_counter.hpp"
#include "appliance/sip/digest/nonce_issuer.hpp"
#include "appliance/sip/message.hpp"

namespace ivm::directory {

struct authenticator_config {
  /// Challenges offered, most preferred first (RFC 8760 §2.4). MD5 first by
  /// default: many phones read only the first challenge and know only MD5
  /// (sipsak 0.9.8 gives up on a SHA-256 one); SHA-256 clients find theirs
  /// in the second header.
  std::vector<sip::digest::algorithm> algorithms{
      sip::digest::algorithm::md5, sip::digest::algorithm::sha256};
  sip::digest::failure_limiter_config limits;
  /// User-Agent substrings (case-insensitive) of clients that abort on a
  /// challenge with an algorithm they do not know instead of ignoring it as
  /// RFC 8760 §2.4 requires (baresip 1.0 / libre: "Function not
  /// implemented"); they are challenged with MD5 only.
  std::vector<std::string> md5_only_agents{"baresip"};
  /// HMAC key of the nonces. Kept in the data dir so that nonces survive a
  /// restart: a sender retransmitting a MESSAGE the box stored just before
  /// it crashed is then recognised (same CSeq), not re-challenged into a
  /// duplicate. Empty: a random one per process.
  std::string nonce_secret;
};

/// SIP digest authentication of requests against the directory (RFC 3261
/// §22, RFC 7616, RFC 8760), with nonce-count replay protection and a
/// failed-attempt limiter per source address. An unknown user and a wrong
/// password get the same answer.
class authenticator {
public:
  using clock = std::chrono::system_clock;

  struct outcome {
    /// The authenticated user, or null with a response to send.
    const account* user = nullptr;
    /// The MAC of the phone whose own credentials were used (issue 11),
    /// empty for the user's password.
    std::string device;
    int code = 0;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> headers;
    /// Set when this failure started a ban of the source (log it once).
    bool banned_now = false;
    /// Why it failed, for the log (never the credentials).
    std::string why;
  };

  authenticator(std::string realm, authenticator_config cfg = {});

  /// `proxy`: 407 with Proxy-Authenticate / Proxy-Authorization (requests the
  /// box relays, RFC 3261 §22.3) instead of 401 with WWW-Authenticate /
  /// Authorization (REGISTER, §22.2).
  outcome check(const sip::message& req, bool proxy, const directory& dir,
                std::string_view source, clock::time_point now);

private:
  outcome challenge(bool proxy, bool stale, clock::time_point now,
                    std::string why, bool md5_only) const;
  bool md5_only(const sip::message& req) const;
  outcome forbidden(std::string_view source, clock::time_point now,
                    std::string why);

  std::string realm_;
  authenticator_config cfg_;
  sip::digest::nonce_issuer nonces_;
  sip::digest::nonce_counter counter_;
  sip::digest::failure_limiter limiter_;
};

} // namespace ivm::directory
