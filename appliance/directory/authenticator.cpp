#include "appliance/directory/authenticator.hpp"

#include "appliance/sip/digest/challenge.hpp"
#include "appliance/sip/digest/credentials.hpp"

#include <algorithm>
#include <cctype>

namespace ivm::directory {

namespace digest = sip::digest;

authenticator::authenticator(std::string realm, authenticator_config cfg)
  : realm_(std::move(realm)), cfg_(std::move(cfg)),
    nonces_(cfg_.nonce_secret.empty()
                ? sip::digest::nonce_issuer{}
                : sip::digest::nonce_issuer{cfg_.nonce_secret}),
    limiter_(cfg_.limits) {
  if (cfg_.algorithms.empty())
    cfg_.algorithms.push_back(digest::algorithm::md5);
}

bool authenticator::md5_only(const sip::message& req) const {
  auto ua = std::string{req.value_of("User-Agent")};
  std::transform(ua.begin(), ua.end(), ua.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (auto agent : cfg_.md5_only_agents) {
    std::transform(agent.begin(), agent.end(), agent.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (!agent.empty() && ua.find(agent) != std::string::npos)
      return true;
  }
  return false;
}

authenticator::outcome authenticator::challenge(bool proxy, bool stale,
                                                clock::time_point now,
                                                std::string why,
                                                bool md5_only) const {
  outcome out;
  out.code = proxy ? 407 : 401;
  out.reason = proxy ? "Proxy Authentication Required" : "Unauthorized";
  out.why = std::move(why);
  // Only filter when MD5 is offered at all (else the client gets nothing).
  bool filter =
      md5_only && std::find(cfg_.algorithms.begin(), cfg_.algorithms.end(),
                            digest::algorithm::md5) != cfg_.algorithms.end();
  for (auto alg : cfg_.algorithms) {
    if (filter && alg != digest::algorithm::md5)
      continue;
    digest::challenge c;
    c.alg = alg;
    c.realm = realm_;
    c.nonce = nonces_.make(now);
    c.stale = stale;
    out.headers.emplace_back(proxy ? "Proxy-Authenticate" : "WWW-Authenticate",
                             digest::to_header_value(c));
  }
  return out;
}

authenticator::outcome authenticator::forbidden(std::string_view source,
                                                clock::time_point now,
                                                std::string why) {
  outcome out;
  out.code = 403;
  out.reason = "Forbidden";
  out.why = std::move(why);
  out.banned_now = limiter_.failed(source, now);
  return out;
}

authenticator::outcome authenticator::check(const sip::message& req, bool proxy,
                                            const directory& dir,
                                            std::string_view source,
                                            clock::time_point now) {
  if (limiter_.blocked(source, now)) {
    outcome out;
    out.code = 403;
    out.reason = "Forbidden";
    out.why = "source blocked after repeated failures";
    return out;
  }
  // The credentials for our realm (RFC 3261 §22.4: others are ignored).
  std::optional<digest::credentials> creds;
  for (auto h : req.find_all(proxy ? "Proxy-Authorization" : "Authorization")) {
    auto c = digest::parse_credentials(h->value);
    if (c && c->realm == realm_) {
      creds = std::move(*c);
      break;
    }
  }
  if (!creds)
    return challenge(proxy, false, now, "no credentials", md5_only(req));
  switch (nonces_.check(creds->nonce, now)) {
    case digest::nonce_status::invalid:
      return challenge(proxy, false, now, "nonce not ours", md5_only(req));
    case digest::nonce_status::stale:
      return challenge(proxy, true, now, "nonce expired", md5_only(req));
    case digest::nonce_status::valid:
      break;
  }
  if (!creds->qop.empty()) {
    auto issued = nonces_.issued_at(creds->nonce);
    if (!issued || !counter_.accept(creds->nonce, creds->nc_value, *issued))
      return challenge(proxy, true, now, "nonce count replayed", md5_only(req));
  }
  const account* user = dir.by_username(creds->username);
  if (!user)
    user = dir.by_extension(creds->username);
  // A provisioned phone's own credentials register as its user.
  const device_credential* phone = nullptr;
  if (!user) {
    phone = dir.devices().by_auth_user(creds->username);
    if (phone)
      user = dir.by_extension(phone->extension);
  }
  if (!user) {
    // Same work and same answer as a wrong password (no enumeration).
    digest::verify(*creds, req.method, std::string(64, '0'));
    return forbidden(source, now, "unknown user");
  }
  const auto& ha1 =
      phone ? (creds->alg == digest::algorithm::md5 ? phone->ha1_md5
                                                    : phone->ha1_sha256)
            : (creds->alg == digest::algorithm::md5 ? user->ha1_md5
                                                    : user->ha1_sha256);
  if (!digest::verify(*creds, req.method, ha1))
    return forbidden(source, now,
                     "wrong password for " + user->extension +
                         (phone ? " (device " + phone->mac + ")" : ""));
  if (!user->enabled)
    return forbidden(source, now, "user " + user->extension + " disabled");
  limiter_.succeeded(source);
  outcome out;
  out.user = user;
  if (phone)
    out.device = phone->mac;
  return out;
}

} // namespace ivm::directory
