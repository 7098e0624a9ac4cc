#include "console/client/trust.hpp"

#include "console/client/pin_store.hpp"
#include "console/client/tls_channel.hpp"

namespace ivm::admin::detail {

namespace {

std::string seconds_text(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms % 1000 == 0)
    return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

} // namespace

std::optional<std::string> check_trust(const endpoint& ep,
                                       const tls_channel& tls,
                                       const notice_fn& notice) {
  auto key = pin_key(ep.host, ep.port);
  const auto& seen = tls.fingerprint();
  if (!ep.fingerprint.empty()) {
    auto wanted = normalize_fingerprint(ep.fingerprint);
    if (!wanted)
      return std::string{"invalid --fingerprint: expected the SHA-256 as 64 "
                         "hex digits"};
    if (*wanted == seen)
      return std::nullopt;
    return "the certificate of " + key + " has SHA-256 " +
           display_fingerprint(seen) + ", not " + display_fingerprint(*wanted) +
           " as --fingerprint (IVM_ADMIN_FINGERPRINT) says; nothing was sent";
  }
  if (tls.ca_verified())
    return std::nullopt;
  auto file = ep.pin_file.empty() ? default_pin_file() : ep.pin_file;
  auto said = check_pin(file, key, seen);
  if (!said)
    return said.error();
  if (!said->empty() && notice)
    notice(*said);
  return std::nullopt;
}

std::string handshake_failure(const endpoint& ep, const io_error& err,
                              std::chrono::milliseconds limit) {
  auto why = err.timed_out ? "timed out after " + seconds_text(limit) +
                                 " in the TLS handshake"
                           : err.message;
  if (why == "wrong version number" || why == "packet length too long")
    why += " (does it speak plain HTTP? then use http://)";
  return "TLS handshake with " + pin_key(ep.host, ep.port) + " failed: " + why;
}

} // namespace ivm::admin::detail
